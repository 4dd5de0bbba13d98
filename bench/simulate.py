#!/usr/bin/env python3
"""Closed-loop throughput (issue 5): simulated sessions per second for each policy, with the oracle and the builtin
recommenders, on the small and medium presets.

Each run is one `recsynth compare --policies P --json` of the native build (world set-up included, no files written);
wall time from GNU time. Sessions per second = the run's sessions / its wall time.

    /usr/bin/python3 bench/simulate.py                          # small, a year; medium, 28 days
    /usr/bin/python3 bench/simulate.py --presets small --days 365
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICIES = ["uniform", "epsilon-greedy", "ucb1", "thompson", "hierarchical-thompson", "contextual", "curve-thompson"]
BLEND_ONLY = {"curve-thompson"}  # policies that choose among the blend levels only


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", default="small,medium")
    parser.add_argument("--policies", default=",".join(POLICIES))
    parser.add_argument("--recommenders", default="oracle,builtin")
    parser.add_argument("--medium-days", type=int, default=28, help="days simulated on the medium preset")
    parser.add_argument("--days", type=int, default=365, help="days simulated on the small preset")
    parser.add_argument("--binary", default=None, help="a published recsynth (default: publish the native build)")
    args = parser.parse_args()

    binary = args.binary
    if binary is None:
        out = tempfile.mkdtemp(prefix="recsynth-aot-")
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src", "RecSynth.Cli"), "-c", "Release", "-r", "linux-x64",
                        "-p:PublishAot=true", "-o", out], check=True, stdout=subprocess.DEVNULL)
        binary = os.path.join(out, "RecSynth.Cli")

    print(f"| preset | days | recommender | policy | sessions | wall s | peak RSS MiB | sessions/s |")
    print(f"|---|---:|---|---|---:|---:|---:|---:|")
    for preset in args.presets.split(","):
        days = args.days if preset != "medium" else args.medium_days
        for recommender in args.recommenders.split(","):
            for policy in args.policies.split(","):
                with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
                    run = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", timing.name, binary, "compare", "--preset", preset,
                                          "--days", str(days), "--policies", policy, "--recommender", recommender, "--json", "--quiet"]
                                         + (["--arms", "blend"] if policy in BLEND_ONLY else []),
                                         capture_output=True, text=True)
                    if run.returncode != 0:
                        sys.exit(f"{preset} {recommender} {policy}: exit {run.returncode}\n{run.stderr}")
                    wall, rss = timing.read().split()[-2:]
                sessions = json.loads(run.stdout)[0]["sessions"]["mean"]
                name = f"{policy} (blend)" if policy in BLEND_ONLY else policy
                print(f"| {preset} | {days} | {recommender} | {name} | {sessions:,.0f} | {float(wall):.1f} | {int(rss) / 1024:.0f} | "
                      f"{sessions / float(wall):,.0f} |", flush=True)


if __name__ == "__main__":
    main()

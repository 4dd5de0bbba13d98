#!/usr/bin/env python3
"""A/B benchmark: `recsynth` built at an earlier commit against the working tree, side by side.

Both are published as native builds; the workloads then run interleaved (base, head, base, head, ...) for the given
rounds, so a noisy, shared machine slows both alike. Reported per workload: median and best wall seconds, median and
highest peak RSS, and head / base as ratios of the medians. The first round's outputs are compared file by file (every
file but manifest.json, which names the tool's version): a change of bytes is reported, and fails the run.

    /usr/bin/python3 bench/ab.py --base 5098e5e                      # W3, W3-parquet, medium, small; 5 rounds
    /usr/bin/python3 bench/ab.py --base HEAD~3 --workloads medium --rounds 7

Needs: git, /usr/bin/time and the .NET SDK. Only the standard library is used.
"""
import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from compare import ROOT, platform_line, publish, timed

# name: (what, arguments of `recsynth`)
WORKLOADS = {
    "W3": ("generate: 10,000 products, 20,000 users, a year", ["generate", "--products", "10000", "--users", "20000"]),
    "W3-parquet": ("W3 with --format parquet", ["generate", "--products", "10000", "--users", "20000", "--format", "parquet"]),
    "medium": ("generate --preset medium", ["generate", "--preset", "medium"]),
    "small": ("generate --preset small", ["generate", "--preset", "small"]),
    "simulate": ("simulate --preset small --policy thompson", ["simulate", "--preset", "small", "--policy", "thompson"]),
}


def differing_files(a, b):
    """The files of two output folders that differ (or are in one only), the manifest aside."""
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    return [n for n in names if n != "manifest.json" and not (
        os.path.isfile(os.path.join(a, n)) and os.path.isfile(os.path.join(b, n))
        and filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the commit to compare the working tree with")
    parser.add_argument("--workloads", default="W3,W3-parquet,medium,small")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base-exe", help="a native build of --base already published (skips publishing it)")
    parser.add_argument("--head-exe", help="a native build of the working tree already published")
    args = parser.parse_args()
    names = args.workloads.split(",")
    unknown = [w for w in names if w not in WORKLOADS]
    if unknown:
        sys.exit(f"ab.py: unknown workload {', '.join(unknown)}; the workloads are {', '.join(WORKLOADS)}")

    scratch = tempfile.mkdtemp(prefix="recsynth-ab-")
    checkout = os.path.join(scratch, "base")
    base_commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", args.base], check=True, capture_output=True, text=True).stdout.strip()
    head_commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], check=True, capture_output=True, text=True).stdout.strip()
    if not args.base_exe:
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", "-q", checkout, args.base], check=True)
    try:
        builds = {
            "base": args.base_exe or publish("aot", os.path.join(scratch, "publish-base"), root=checkout),
            "head": args.head_exe or publish("aot", os.path.join(scratch, "publish-head")),
        }
        print(f"machine: {os.cpu_count()} cores, {platform_line()}")
        print(f"base: {base_commit}; head: {head_commit}{' with uncommitted changes' if dirty else ''}; native builds")
        print(f"rounds: {args.rounds}, interleaved; wall seconds and peak RSS MiB; ratios are head / base of the medians\n")
        print("| workload | build | median s | best s | median RSS MiB | highest RSS MiB | time ratio | RSS ratio | same bytes |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---|")
        failed = False
        for name in names:
            what, command = WORKLOADS[name]
            results = {build: [] for build in builds}
            for round_ in range(args.rounds):
                for build, exe in builds.items():
                    keep = os.path.join(scratch, f"kept-{build}") if round_ == 0 else None
                    results[build].append(timed(lambda out: [exe] + command + ["-o", out, "--quiet"], scratch, keep))
            differ = differing_files(os.path.join(scratch, "kept-base"), os.path.join(scratch, "kept-head"))
            failed |= bool(differ)
            same = "yes" if not differ else "**no**: " + ", ".join(differ)
            medians = {b: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r)) for b, r in results.items()}
            for build, runs in results.items():
                wall, rss = medians[build]
                ratios = "1.000 | 1.000" if build == "base" else f"**{wall / medians['base'][0]:.3f}** | **{rss / medians['base'][1]:.3f}**"
                print(f"| {name}: {what} | {build} | {wall:.3f} | {min(w for w, _ in runs):.3f} | {rss:.0f} | "
                      f"{max(m for _, m in runs):.0f} | {ratios} | {same if build == 'head' else ''} |")
            sys.stdout.flush()
    finally:
        if not args.base_exe:
            subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", checkout], check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        sys.exit("ab.py: the outputs differ (see 'same bytes')")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""End-to-end benchmark: the Python/NumPy baseline and `recsynth generate` on the same workloads, side by side.

Runs are interleaved (baseline, recsynth-aot, recsynth-jit, baseline, ...) so that a noisy, shared machine
slows every contender alike; each run writes into a fresh folder that is deleted afterwards. Wall time and
peak RSS come from GNU time. The ratio is baseline median / recsynth median.

    /usr/bin/python3 bench/compare.py                     # W1 and W2, 5 rounds
    /usr/bin/python3 bench/compare.py --workloads W1 --rounds 9

The baseline is the Python/NumPy generator the project is measured against. It is not part of this repository: it
is kept next to the checkout, in ../shared/bench/baseline/gen_baseline.py (relative to the repository's root), and
--baseline PATH points elsewhere. The script stops before publishing anything when it is missing.

Needs: /usr/bin/time, the .NET SDK (to publish recsynth), and Debian's python3-numpy/python3-pandas for the
baseline. Only the standard library is used here.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BASELINE = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench", "baseline", "gen_baseline.py"))

# name: (what, baseline arguments, recsynth arguments, unit, units)
WORKLOADS = {
    "W1": ("100,000 products + 512-d float32 embeddings",
           ["--products", "100000", "--stage", "catalog"],
           ["--products", "100000", "--stage", "catalog"], "products", 100_000),
    "W2": ("1,000,000 users",
           ["--users", "1000000", "--stage", "users"],
           ["--users", "1000000", "--stage", "users"], "users", 1_000_000),
    # W3: the whole dataset with a year of behaviour; recsynth also computes ground_truth.csv, which the baseline
    # does not (W3-nogt turns it off for a like-for-like comparison).
    "W3": ("10,000 products, 20,000 users, 365 days",
           ["--products", "10000", "--users", "20000", "--days", "365"],
           ["--products", "10000", "--users", "20000"], "sessions", None),
    "W3-nogt": ("W3 without the ground truth",
                ["--products", "10000", "--users", "20000", "--days", "365"],
                ["--products", "10000", "--users", "20000", "-c", os.path.join(ROOT, "bench", "no-ground-truth.toml")], "sessions", None),
}


def publish(kind, out, root=ROOT):
    """Publishes the CLI of the checkout at root: 'aot' (Native AOT, AVX2) or 'jit' (framework-dependent, ReadyToRun)."""
    args = ["dotnet", "publish", os.path.join(root, "src", "RecSynth.Cli"), "-c", "Release", "-r", "linux-x64", "-o", out, "--nologo", "-v", "quiet"]
    args += ["-p:PublishAot=true"] if kind == "aot" else ["--self-contained", "false", "-p:PublishReadyToRun=true"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, "RecSynth.Cli")


def timed(command, scratch, keep=None):
    """Runs a command under GNU time in a fresh output folder; returns (wall seconds, peak RSS MiB). With keep, the
    output folder is moved there instead of deleted."""
    out = tempfile.mkdtemp(prefix="run-", dir=scratch)
    shutil.rmtree(out)
    stats = os.path.join(scratch, "time.txt")
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stats] + command(out),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command(out))}\n{result.stderr}")
    with open(stats) as f:
        _, rss_kib = f.read().split()[-2:]
    if keep:
        shutil.rmtree(keep, ignore_errors=True)
        os.rename(out, keep)
    else:
        shutil.rmtree(out, ignore_errors=True)
    return wall, int(rss_kib) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default="W1,W2")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--scratch", default=None, help="folder for the outputs (default: a temp folder)")
    args = parser.parse_args()
    unknown = [w for w in args.workloads.split(",") if w not in WORKLOADS]
    if unknown:
        sys.exit(f"compare.py: unknown workload {', '.join(unknown)}; the workloads are {', '.join(WORKLOADS)}")
    if not os.path.isfile(args.baseline):
        sys.exit(f"compare.py: the baseline is missing: {args.baseline} does not exist.\n"
                 "It is the Python/NumPy generator recsynth is measured against, kept outside this repository in "
                 "../shared/bench/baseline/gen_baseline.py next to the checkout; give its path with --baseline PATH.")

    scratch = args.scratch or tempfile.mkdtemp(prefix="recsynth-bench-")
    os.makedirs(scratch, exist_ok=True)
    contenders = {"baseline (Python)": lambda extra: lambda out: ["/usr/bin/python3", args.baseline] + extra + ["--out", out]}
    for kind in ("aot", "jit"):
        exe = publish(kind, os.path.join(scratch, "publish-" + kind))
        contenders[f"recsynth ({kind})"] = (lambda exe: lambda extra: lambda out: [exe, "generate", "-q", "-o", out] + extra)(exe)

    print(f"machine: {os.cpu_count()} cores, {platform_line()}")
    print(f"baseline: {os.path.abspath(args.baseline)}")
    print(f"rounds: {args.rounds}, interleaved; times are wall seconds (median, best), RSS is peak MiB\n")
    print("| workload | contender | median s | best s | rate (median) | peak RSS MiB | speed-up vs baseline (median) |")
    print("|---|---|---|---|---|---|---|")
    for name in args.workloads.split(","):
        what, base_args, ours_args, unit, units = WORKLOADS[name]
        results = {c: [] for c in contenders}
        for _ in range(args.rounds):
            for contender, make in contenders.items():
                extra = base_args if contender.startswith("baseline") else ours_args
                results[contender].append(timed(make(extra), scratch))
        base = statistics.median(w for w, _ in results["baseline (Python)"])
        for contender, runs in results.items():
            walls = [w for w, _ in runs]
            median = statistics.median(walls)
            rate = (units or 1) / median
            ratio = "1.0x" if contender.startswith("baseline") else f"**{base / median:.1f}x**"
            rate_text = f"{rate:,.0f} {unit}/s" if units else "(counts differ: see the rows)"
            print(f"| {name}: {what} | {contender} | {median:.3f} | {min(walls):.3f} | {rate_text} | {max(r for _, r in runs):.0f} | {ratio} |")
        sys.stdout.flush()
    if args.scratch is None:
        shutil.rmtree(scratch, ignore_errors=True)


def platform_line():
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {mem:.0f} GiB RAM"


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Peak memory of `generate --preset medium` over one year and over three years (bench/three-years.toml), with the
# native build, alternating 1y / 3y for ROUNDS rounds (default 2). The target (docs/benchmarks.md): the three-year peak
# within ±10 % of the one-year peak. Usage: bench/period-memory.sh [ROUNDS] [PUBLISHED-BINARY]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-2}
scratch=$(mktemp -d /tmp/recsynth-period-memory.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
source "$root/bench/publish.sh"
exe=${2:-$(publish_native src/RecSynth.Cli "$scratch/aot" RecSynth.Cli)}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ)"
echo "| round | window | wall s | peak RSS MiB | interactions.csv MB |"
echo "|---|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for window in 1y 3y; do
    config=()
    [ "$window" = 3y ] && config=(-c "$root/bench/three-years.toml")
    /usr/bin/time -f "%e %M" -o "$scratch/time.txt" "$exe" generate --preset medium "${config[@]}" -o "$scratch/out" --quiet --force
    read -r wall kib < "$scratch/time.txt"
    mb=$(( $(stat -c %s "$scratch/out/interactions.csv") / 1000000 ))
    echo "| $round | $window | $wall | $(( kib / 1024 )) | $mb |"
  done
done

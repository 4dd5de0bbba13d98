#!/usr/bin/env bash
# The ten-million-user run of docs/sharding.md, measured: 10,000,000 users x 1,000,000 products x one year, Parquet
# only, in SHARDS parts (default 20) written into one folder, one shard at a time (every shard on every core) or, with
# PAIRS=1, two at a time on one thread each (the first shard, which builds and keeps the catalogue-side sources, always
# alone). Prints each command's wall time and peak RSS, the total, and then counts the parts with DuckDB
# (bench/RecSynth.PartsCount: rows and distinct users of interactions/*.parquet against the parts' manifests).
# Usage: bench/ten-million.sh OUT-FOLDER [PUBLISHED-BINARY]   (needs about 12 GB of disk in OUT-FOLDER)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/ten-million.sh OUT-FOLDER [PUBLISHED-BINARY]}
shards=${SHARDS:-20}
pairs=${PAIRS:-0}
scratch=$(mktemp -d /tmp/recsynth-ten-million.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
source "$root/bench/publish.sh"
exe=${2:-$(publish_native src/RecSynth.Cli "$scratch/aot" RecSynth.Cli)}
dotnet build "$root/bench/RecSynth.PartsCount" -c Release -o "$scratch/count" --nologo -v quiet > /dev/null

world=(--preset large --users 10000000 --format parquet -o "$out" --quiet)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ)"
echo "| command | wall s | peak RSS MiB |"
echo "|---|---:|---:|"
run() { # NAME ARGS...: runs recsynth generate, prints its row
  local name=$1; shift
  local file="$scratch/${name//[^a-z0-9]/_}.time"
  /usr/bin/time -f "%e %M" -o "$file" "$exe" generate "${world[@]}" "$@"
  read -r wall kib < "$file"
  echo "| $name | $wall | $(( kib / 1024 )) |"
}
rm -rf "$out"
started=$(date +%s.%N)
run catalog --stage catalog
run users --stage users
run "shard 0/$shards" --stage behaviour --shard "0/$shards"
k=1
while [ "$k" -lt "$shards" ]; do
  if [ "$pairs" = 1 ] && [ $((k + 1)) -lt "$shards" ]; then
    run "shard $k/$shards" --stage behaviour --shard "$k/$shards" --threads 1 &
    run "shard $((k + 1))/$shards" --stage behaviour --shard "$((k + 1))/$shards" --threads 1 &
    wait
    k=$((k + 2))
  else
    run "shard $k/$shards" --stage behaviour --shard "$k/$shards"
    k=$((k + 1))
  fi
done
total=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $started }")
echo "| **total** | **$total** | |"
"$scratch/count/RecSynth.PartsCount" "$out"

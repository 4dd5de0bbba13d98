#!/usr/bin/env bash
# Events per second of profiling a local CSV event log (`recsynth fit` and `fidelity` read their log this way), with
# the native build: the medium preset's interactions.csv read as an event log by columns (so through the sort by user),
# ROUNDS times (default 3), beside pandas.read_csv of the same file (parsing alone, no statistics) for scale.
# The target (docs/benchmarks.md): at least 2 M events/s. Usage: bench/fit-read.sh [ROUNDS] [PUBLISHED-BINARY]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
scratch=$(mktemp -d /tmp/recsynth-fit-read.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
source "$root/bench/publish.sh"
exe=${2:-$(publish_native src/RecSynth.Cli "$scratch/aot" RecSynth.Cli)}

"$exe" generate --preset medium -o "$scratch/medium" --quiet > /dev/null
"$exe" generate --preset seed -o "$scratch/tiny" --quiet > /dev/null
log="$scratch/medium/interactions.csv"
events=$(( $(wc -l < "$log") - 1 ))
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ)"
echo "log: $log, $events events, $(( $(stat -c %s "$log") / 1000000 )) MB"
echo "| round | reader | wall s | events/s | peak RSS MiB |"
echo "|---|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
  /usr/bin/time -f "%e %M" -o "$scratch/time.txt" "$exe" fidelity "$log" "$scratch/tiny" \
    --user UserId --item ItemId --type FeedbackType --time Timestamp --json --quiet > "$scratch/fidelity.json"
  read -r wall kib < "$scratch/time.txt"
  echo "| $round | recsynth fidelity (profile) | $wall | $(python3 -c "print(f'{$events / $wall:,.0f}')") | $(( kib / 1024 )) |"
  /usr/bin/time -f "%e %M" -o "$scratch/time.txt" /usr/bin/python3 -c "import pandas, sys; pandas.read_csv(sys.argv[1])" "$log"
  read -r wall kib < "$scratch/time.txt"
  echo "| $round | pandas.read_csv (parse only) | $wall | $(python3 -c "print(f'{$events / $wall:,.0f}')") | $(( kib / 1024 )) |"
done

#!/usr/bin/env bash
# The outside-policy protocol's cost (docs/outside-policies.md): the small preset's closed loop with the built-in uniform
# policy against a trivial outside one (examples/csharp-policy `uniform`, native, over exec), alternating, ROUNDS rounds
# (default 5); then one run of the reference Python Thompson sampling (examples/python-thompson) for its sessions/s.
# Target (issue 12): the outside run within 2x the built-in one's wall time.
# Usage: bench/outside.sh [ROUNDS] [PUBLISHED-RECSYNTH] [PUBLISHED-CSHARP-POLICY]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
scratch=$(mktemp -d /tmp/recsynth-outside.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
exe=${2:-}
policy=${3:-}
source "$root/bench/publish.sh"
[ -n "$exe" ] || exe=$(publish_native src/RecSynth.Cli "$scratch/recsynth" RecSynth.Cli)
[ -n "$policy" ] || policy=$(publish_native examples/csharp-policy "$scratch/policy" RecSynth.Examples.OutsidePolicy)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ)"
echo "| round | built-in uniform s | outside uniform (C#, exec) s | ratio |"
echo "|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
  /usr/bin/time -f "%e" -o "$scratch/builtin.txt" "$exe" simulate --preset small --policy uniform -o "$scratch/out" --quiet --force
  /usr/bin/time -f "%e" -o "$scratch/outside.txt" "$exe" simulate --preset small --policy "exec:$policy uniform" -o "$scratch/out" --quiet --force
  b=$(tail -1 "$scratch/builtin.txt"); o=$(tail -1 "$scratch/outside.txt")
  echo "| $round | $b | $o | $(awk -v o="$o" -v b="$b" 'BEGIN { printf "%.2f", o / b }') |"
done

/usr/bin/time -f "%e" -o "$scratch/python.txt" "$exe" simulate --preset small --policy "exec:/usr/bin/python3 $root/examples/python-thompson/thompson.py" -o "$scratch/out" --quiet --force
sessions=$(( $(wc -l < "$scratch/out/sessions.csv") - 1 ))
wall=$(tail -1 "$scratch/python.txt")
echo
echo "python-thompson (exec): $sessions sessions in $wall s: $(awk -v n="$sessions" -v s="$wall" 'BEGIN { printf "%.0f", n / s }') sessions/s"

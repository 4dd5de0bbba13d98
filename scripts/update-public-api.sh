#!/usr/bin/env bash
# Records the current public API of the libraries in their PublicAPI.Unshipped.txt files
# (Microsoft.CodeAnalysis.PublicApiAnalyzers). Review the diff: every line is a public promise.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/RecSynth src/RecSynth.Files src/RecSynth.Gorse src/RecSynth.Reports; do
  file="$project/PublicAPI.Unshipped.txt"
  printf '#nullable enable\n' > "$file"
  dotnet build "$project" --no-incremental 2>&1 \
    | grep -oE "RS0016: Symbol '[^']+'" | sed -E "s/RS0016: Symbol '(.*)'/\1/" | sort -u >> "$file" || true
  echo "$file: $(($(wc -l < "$file") - 1)) symbols"
done

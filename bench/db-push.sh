#!/usr/bin/env bash
# push --database into PostgreSQL (docs/gorse.md, "Loading into Gorse's database"): feedback rows/s into an empty
# database and then over the rows already there (a second load of the same dataset), ROUNDS rounds (default 3), on a
# throwaway PostgreSQL from Debian's package with the server's default settings (initdb's postgresql.conf; only the
# port and socket folder given), run as the system user recsynth-db when root (PostgreSQL refuses root).
# Target (issue 13): >= 300,000 feedback rows/s for the medium preset's feedback into an empty database.
# Usage: bench/db-push.sh DATASET [ROUNDS] [PUBLISHED-RECSYNTH]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dataset=$(cd "$1" && pwd)
rounds=${2:-3}
exe=${3:-}
scratch=$(mktemp -d /tmp/recsynth-dbpush.XXXXXX)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as=()
if [ "$(id -u)" -eq 0 ]; then
  id recsynth-db > /dev/null 2>&1 || useradd --system --no-create-home recsynth-db
  chown recsynth-db "$scratch"
  as=(setpriv --reuid=recsynth-db --regid="$(id -g recsynth-db)" --init-groups)
fi
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as[@]}" "$bin/initdb" -D "$scratch/data" -U postgres --auth=trust -E UTF8 > /dev/null
"${as[@]}" "$bin/pg_ctl" -D "$scratch/data" -o "-p $port -k $scratch -c listen_addresses=127.0.0.1" -l "$scratch/log" -w start > /dev/null
trap '"${as[@]}" "$bin/pg_ctl" -D "$scratch/data" -m fast -w stop > /dev/null; rm -rf "$scratch"' EXIT
source "$root/bench/publish.sh"
[ -n "$exe" ] || exe=$(publish_native src/RecSynth.Cli "$scratch/recsynth" RecSynth.Cli)
psql() { "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAt "$@"; }
rate() { grep -E "^feedback:" | sed -E 's/.*\(([0-9,]+) rows\/s\).*/\1/' | tr -d ,; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), PostgreSQL $(psql -c 'show server_version'), commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ)"
echo "dataset: $("$exe" push "$dataset" --database "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable" --dry-run | sed -E 's/^dry run: would load (.*) into .*/\1/')"
echo "| round | empty database: feedback rows/s | wall s | second load: feedback rows/s | wall s |"
echo "|---|---:|---:|---:|---:|"
for round in $(seq "$rounds"); do
  psql -c "DROP DATABASE IF EXISTS gorse" -c "CREATE DATABASE gorse"
  url="postgres://postgres@127.0.0.1:$port/gorse?sslmode=disable"
  start=$(date +%s.%N); first=$("$exe" push "$dataset" --database "$url" | rate); end=$(date +%s.%N)
  w1=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  start=$(date +%s.%N); second=$("$exe" push "$dataset" --database "$url" | rate); end=$(date +%s.%N)
  w2=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  echo "| $round | $first | $w1 | $second | $w2 |"
done

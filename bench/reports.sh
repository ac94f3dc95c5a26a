#!/usr/bin/env bash
# Report latency at scale: seeds a database with `chorus seed` (10 M clicks by default),
# starts Chorus on it and measures every leaderboard, /kpis and the breakdowns over 30 and
# 365 days (bench/report_latency.py: p50, p95, ratio to a trivial API request) and the
# server's peak RSS.
#
#   bench/reports.sh
#
# Environment (all optional):
#   EMPLOYEES=10000 SHARES=100000 CLICKS=10000000 DAYS=365   the seeded shape
#   REQUESTS=15                      timed requests per endpoint and window
#   DB=path.db                       reuse an already seeded SQLite file (no seeding)
#   CHORUS_DATABASE_URL=postgres://… run on (and seed) that database instead of SQLite
#   SKIP_BUILD=1                     use the existing release binary
#   BENCH_CHORUS_BIN=path            another Chorus binary (implies SKIP_BUILD)
#   KEEP=1                           keep the work dir (database, logs)
# The admin dashboard (`GET /admin`) is measured too, signed in as an admin the script
# creates (or reuses) with `chorus admin create`: bench-admin@example.com.
# Only loopback traffic; the server is stopped on exit. Nothing is written into the
# repository.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EMPLOYEES=${EMPLOYEES:-10000}
SHARES=${SHARES:-100000}
CLICKS=${CLICKS:-10000000}
DAYS=${DAYS:-365}
REQUESTS=${REQUESTS:-15}
WORK=$(mktemp -d /tmp/chorus-reports.XXXXXX)
CHORUS_BIN=${BENCH_CHORUS_BIN:-$ROOT/target/release/chorus}
[[ -n "${BENCH_CHORUS_BIN:-}" ]] && SKIP_BUILD=1
log() { printf '[bench] %s\n' "$*" >&2; }

cleanup() {
  [[ -n "${PID:-}" ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  if [[ -n "${KEEP:-}" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [[ -z "${SKIP_BUILD:-}" ]]; then
  log "cargo build --release"
  (cd "$ROOT" && cargo build --release --locked -q)
fi

if [[ -z "${CHORUS_DATABASE_URL:-}" ]]; then
  if [[ -n "${DB:-}" ]]; then
    export CHORUS_DATABASE_URL="sqlite://$DB"
  else
    export CHORUS_DATABASE_URL="sqlite://$WORK/chorus.db"
  fi
fi
export CHORUS_SPOOL_DIR="$WORK/spool"
export CHORUS_LOG=${CHORUS_LOG:-warn}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export CHORUS_BIND="127.0.0.1:$PORT"

if [[ -z "${DB:-}" ]]; then
  log "seeding ${CHORUS_DATABASE_URL%%://*}: $EMPLOYEES employees, $SHARES shares, $CLICKS clicks over $DAYS days"
  /usr/bin/time -f 'seed: %e s, peak RSS %M KiB' \
    "$CHORUS_BIN" seed --employees "$EMPLOYEES" --shares "$SHARES" --clicks "$CLICKS" --days "$DAYS" >&2
fi
KEY=$("$CHORUS_BIN" apikey create --name "bench-reports-$$" | tail -n1)
export BENCH_ADMIN_EMAIL=bench-admin@example.com
export BENCH_ADMIN_PASSWORD=bench-reports-password
# Already there when the same file is measured again: the password is the same.
printf '%s\n' "$BENCH_ADMIN_PASSWORD" | "$CHORUS_BIN" admin create --email "$BENCH_ADMIN_EMAIL" \
  --name "Bench Admin" --password-stdin >/dev/null 2>&1 || true
"$CHORUS_BIN" serve >"$WORK/chorus.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://$CHORUS_BIND/healthz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/chorus.log" >&2; exit 1; }
  sleep 0.2
done
log "chorus $("$CHORUS_BIN" --version 2>/dev/null | head -n1) (tree $(git -C "$ROOT" rev-parse --short HEAD)) on $CHORUS_BIND; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
python3 "$ROOT/bench/report_latency.py" "http://$CHORUS_BIND" "$KEY" "$PID" "$REQUESTS"

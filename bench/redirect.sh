#!/usr/bin/env bash
# Chorus redirect benchmark: Chorus (click logging on, SQLite by default) against a bare
# actix-web 302 server (bench/bare302), same load generator and settings, same run.
#
#   bench/redirect.sh
#
# Environment (all optional):
#   DURATION=20s  CONNECTIONS=64  THREADS=2   wrk settings for each measured run
#   WARMUP=3s                                 warm-up run before each measured run
#   ROUNDS=1                                  rounds of (bare302, Chorus), alternating, so that
#                                             drift of the machine hits both; with more than
#                                             one, a summary of medians follows the rounds
#   SHARES=10000                              slugs (shares) seeded and drawn at random
#   TIMEOUT=2s                                wrk's per-request timeout
#   SKIP_BUILD=1                              use the existing release binaries
#   ONLY=bare                                 measure bare302 alone on synthetic slugs
#   SEED=sql                                  write the shares straight into the SQLite file
#                                             (used automatically when the build has no
#                                             POST /api/v1/content)
#   BENCH_VISITORS=many|one                   many (default): a random X-Forwarded-For per
#                                             request, trusted from 127.0.0.1, so each click is
#                                             a distinct visitor; one: all clicks from one
#                                             visitor (Chorus flags them as a burst)
#   QUIET_WAIT=0                              wait up to this many seconds before each measured
#                                             run for other processes to leave the CPU idle
#   KEEP=1                                    keep the work dir (logs, wrk output, database)
#   BENCH_CHORUS_BIN=path                     another Chorus binary (A/B against an older build;
#                                             Chorus is then not built, bare302 still is)
#   CHORUS_DATABASE_URL=postgres://…          run Chorus on that database instead of a fresh
#                                             SQLite file (click rows are then not counted)
#   CHORUS_SQLITE_SYNCHRONOUS=normal|full, CHORUS_LOG, CHORUS_CLICK_BATCH_MAX, … any other
#   CHORUS_* variable is passed through to Chorus unchanged.
#
# Only loopback traffic (127.0.0.1); every run is bounded in time; both servers are
# stopped on exit. Prints a Markdown table; nothing is written into the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
SHARES=${SHARES:-10000}
TIMEOUT=${TIMEOUT:-2s}
ONLY=${ONLY:-}
ROUNDS=${ROUNDS:-1}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# Durations: N, Ns or Nm, at most 10 minutes each, so every run stops by itself.
seconds() {
  local v=$1
  case "$v" in
    *m) v=$(( ${v%m} * 60 )) ;;
    *s) v=${v%s} ;;
  esac
  [[ "$v" =~ ^[0-9]+$ ]] && (( v >= 1 && v <= 600 )) || die "duration '$1' must be 1s..10m"
  echo "$v"
}
DURATION_S=$(seconds "${DURATION:-20s}")
WARMUP_S=$(seconds "${WARMUP:-3s}")
[[ "$CONNECTIONS" =~ ^[0-9]+$ && "$THREADS" =~ ^[0-9]+$ && "$SHARES" =~ ^[0-9]+$ ]] \
  || die "CONNECTIONS, THREADS and SHARES must be numbers"
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && (( ROUNDS >= 1 && ROUNDS <= 20 )) || die "ROUNDS must be 1..20"

# --- tools -------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is required"
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  [[ $(id -u) == 0 ]] || die "wrk is missing: apt-get install -y wrk"
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

# --- build ---------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  if [[ "$ONLY" != bare && -z "${BENCH_CHORUS_BIN:-}" ]]; then
    log "building chorus (release)"
    (cd "$ROOT" && cargo build --release --quiet)
  fi
  log "building bare302 (release)"
  cargo build --release --quiet --manifest-path "$BENCH/bare302/Cargo.toml"
fi
CHORUS_BIN="${BENCH_CHORUS_BIN:-$ROOT/target/release/chorus}"
BARE_BIN="$BENCH/bare302/target/release/bare302"
[[ -x "$BARE_BIN" ]] || die "missing $BARE_BIN"
[[ "$ONLY" == bare || -x "$CHORUS_BIN" ]] || die "missing $CHORUS_BIN"

# --- work dir and cleanup --------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/chorus-bench.XXXXXX")
PIDS=()
ok_exit=0
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
  if [[ "${KEEP:-}" == 1 || $ok_exit != 1 ]]; then
    log "work dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() { # URL PID NAME
  local i
  for i in $(seq 1 300); do
    kill -0 "$2" 2>/dev/null || die "$3 exited during start-up (see $WORK/$3.log)"
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  die "$3 did not answer $1 within 30 s"
}
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# Seconds from now until Chorus's GET /metrics shows no click pending (queued or being
# written), polled every 50 ms for at most 300 s; "timeout" if it never does.
drain_seconds() { # BASE_URL
  python3 - "$1" <<'PY'
import sys, time, urllib.request
url, start = sys.argv[1] + "/metrics", time.monotonic()
while time.monotonic() - start < 300:
    try:
        body = urllib.request.urlopen(url, timeout=5).read().decode()
    except OSError:
        body = ""
    pending = [l.split()[1] for l in body.splitlines() if l.startswith("chorus_clicks_pending ")]
    if pending and float(pending[0]) == 0:
        print(f"{time.monotonic() - start:.2f}")
        sys.exit(0)
    if not pending and body:
        print("n/a")  # a build without the gauge
        sys.exit(0)
    time.sleep(0.05)
print("timeout")
PY
}
UA="${BENCH_UA:-Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36}"
check_redirect() { # BASE SLUG NAME
  local out
  out=$(curl -s -o /dev/null -A "$UA" -w '%{http_code} %{redirect_url}' "$1/$2")
  [[ "$out" == 302\ *chorus_click=* ]] || die "$3: GET /$2 answered '$out', expected a 302 with chorus_click"
  log "$3: GET /$2 -> $out"
}
# CPU ticks of the whole process and of its thread named click-writer (if any), and the
# bytes it handed to write(2) and sent to storage: "cpu=… writer_cpu=… wchar=… write_bytes=…".
proc_snapshot() { # PID
  local pid=$1 t w=0
  for t in /proc/"$pid"/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == click-writer ]]; then
      w=$(awk '{ print $14 + $15 }' "$t/stat")
    fi
  done
  printf 'cpu=%s writer_cpu=%s wchar=%s write_bytes=%s' \
    "$(awk '{ print $14 + $15 }' "/proc/$pid/stat")" "$w" \
    "$(awk '$1 == "wchar:" { print $2 }' "/proc/$pid/io")" \
    "$(awk '$1 == "write_bytes:" { print $2 }' "/proc/$pid/io")"
}
# Chorus's writer counters from GET /metrics (empty on a build without it).
metrics_snapshot() { # BASE_URL OUT_FILE
  local code
  code=$(curl -s --max-time 10 -o "$2" -w '%{http_code}' "$1/metrics" || true)
  if [[ "$code" != 200 ]]; then
    log "GET /metrics answered '$code': no writer counters for this run"
    return 0
  fi
  awk '
    $1 == "chorus_click_batches_total" { b = $2 }
    $1 == "chorus_clicks_committed_total" { c = $2 }
    $1 == "chorus_clicks_spooled_total" { s = $2 }
    $1 == "chorus_clicks_failed_total" { f = $2 }
    END { if (b != "") printf "%d %d %d %d", b, c, s, f }' "$2"
}
snapshot_delta() { # BEFORE AFTER -> cpu_s=… writer_cpu_s=… wchar=… write_bytes=… (deltas)
  python3 - "$1" "$2" "$(getconf CLK_TCK)" <<'PY'
import sys
a = dict(kv.split("=") for kv in sys.argv[1].split())
b = dict(kv.split("=") for kv in sys.argv[2].split())
hz = int(sys.argv[3])
d = {k: int(b[k]) - int(a[k]) for k in a}
print(f"cpu_s={d['cpu'] / hz:.2f} writer_cpu_s={d['writer_cpu'] / hz:.2f} "
      f"wchar_delta={d['wchar']} write_bytes_delta={d['write_bytes']}")
PY
}
# Busy CPU ticks of the whole machine (user+nice+system+irq+softirq+steal).
machine_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
warn_if_busy() { # NAME: other processes using the CPU right now skew the figures
  local a b hz busy deadline=$(( SECONDS + ${QUIET_WAIT:-0} ))
  hz=$(getconf CLK_TCK)
  while :; do
    a=$(machine_busy); sleep 2; b=$(machine_busy)
    busy=$(( (b - a) * 100 / (2 * hz) ))
    (( busy <= 20 )) && return 0
    (( SECONDS >= deadline )) && break
    log "the machine is $busy % busy (of one core): waiting for it to quiet down before the $1 run"
    sleep 5
  done
  log "warning: the machine was $busy % busy (of one core) just before the $1 run: other work skews the figures"
}
run_wrk() { # NAME URL SECONDS OUT: also writes OUT.cpu with the CPU wrk and the machine used
  local m0 m1 TIMEFORMAT='%3U %3S'
  m0=$(machine_busy)
  # `|| true` inside the braces: a failing wrk must reach the check below, not make `set -e`
  # exit while stderr still points at the .time file.
  { time wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --timeout "$TIMEOUT" --latency \
      -s "$BENCH/random_slug.lua" "$2" -- "$SLUGS" >"$4" 2>"$4.err" || true; } 2>"$4.time"
  m1=$(machine_busy)
  grep -q '^BENCH ' "$4" || die "$1: wrk printed no BENCH line in $4 ($(head -c 300 "$4.err"))"
  awk -v m=$(( m1 - m0 )) -v hz="$(getconf CLK_TCK)" \
    '{ printf "wrk_cpu_s=%.2f machine_busy_s=%.2f\n", $1 + $2, m / hz }' "$4.time" >"$4.cpu"
}

SLUGS="$WORK/slugs.txt"
DB_FILE=""

# --- chorus: start and seed ----------------------------------------------------------------
if [[ "$ONLY" != bare ]]; then
  CHORUS_PORT=$(free_port)
  export CHORUS_BIND="127.0.0.1:$CHORUS_PORT"
  unset CHORUS_BASE_URL
  export BENCH_VISITORS=${BENCH_VISITORS:-many}
  if [[ "$BENCH_VISITORS" != one ]]; then
    # random_slug.lua sends a random X-Forwarded-For per request: one visitor per click.
    export CHORUS_TRUSTED_PROXIES=${CHORUS_TRUSTED_PROXIES:-127.0.0.1}
  fi
  DB_URL="${CHORUS_DATABASE_URL:-${DATABASE_URL:-sqlite://$WORK/chorus.db}}"
  export CHORUS_DATABASE_URL="$DB_URL"
  export CHORUS_SPOOL_DIR="${CHORUS_SPOOL_DIR:-$WORK/spool}"
  case "$DB_URL" in
    sqlite://*) DB_FILE=${DB_URL#sqlite://} ;;
    sqlite:*) DB_FILE=${DB_URL#sqlite:} ;;
    *.db|*.sqlite) DB_FILE=$DB_URL ;;
  esac
  [[ -z "$DB_FILE" || "$DB_FILE" == /* ]] || DB_FILE="$WORK/$DB_FILE"
  log "chorus on $CHORUS_BIND, database ${DB_URL%%://*}://…, sqlite synchronous=${CHORUS_SQLITE_SYNCHRONOUS:-default}"
  cd "$WORK" # no chorus.toml from the caller's directory
  "$CHORUS_BIN" migrate >"$WORK/migrate.log" 2>&1 || die "chorus migrate failed (see $WORK/migrate.log)"
  API_KEY=$("$CHORUS_BIN" apikey create --name bench 2>>"$WORK/migrate.log" | tail -n1)
  [[ -n "$API_KEY" ]] || die "chorus apikey create printed no key"
  "$CHORUS_BIN" serve >"$WORK/chorus.log" 2>&1 &
  CHORUS_PID=$!
  PIDS+=("$CHORUS_PID")
  wait_http "http://$CHORUS_BIND/healthz" "$CHORUS_PID" chorus
  SEEDED_BY=api
  if [[ "${SEED:-api}" == sql ]]; then
    SEEDED_BY=sql
  else
    log "seeding $SHARES shares through the API"
    rc=0
    python3 "$BENCH/seed.py" "http://$CHORUS_BIND" "$API_KEY" "$SHARES" "$SLUGS" "${SEED_THREADS:-16}" >&2 || rc=$?
    if (( rc == 3 )); then
      SEEDED_BY=sql
      log "this chorus build has no content/shares API: falling back to SQL seeding"
    elif (( rc != 0 )); then
      die "seeding failed"
    fi
  fi
  if [[ "$SEEDED_BY" == sql ]]; then
    [[ -n "$DB_FILE" ]] || die "SQL seeding needs a SQLite database"
    python3 "$BENCH/seed_sql.py" "$DB_FILE" "$SHARES" "$SLUGS" >&2
  fi
  check_redirect "http://$CHORUS_BIND" "$(head -n1 "$SLUGS")" chorus
else
  python3 - "$SHARES" "$SLUGS" <<'PY'
import random, string, sys
n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
alphabet = string.ascii_letters + string.digits
slugs = set()
while len(slugs) < n:
    slugs.add("".join(rng.choice(alphabet) for _ in range(7)))
open(out, "w").write("\n".join(sorted(slugs)) + "\n")
PY
  log "ONLY=bare: $SHARES synthetic slugs"
fi

# --- measure -------------------------------------------------------------------------------
# One round: bare302 (started for the round and stopped after it, so that it takes nothing
# from Chorus's run), then Chorus, which keeps running across rounds. Results go to
# $WORK/bare302-N.res and $WORK/chorus-N.res.
measure_round() { # N
  local n=$1 BARE_PORT BARE_PID snap0 snap1 before met0 met1 end settled kinds
  BARE_PORT=$(free_port)
  "$BARE_BIN" "$SLUGS" "127.0.0.1:$BARE_PORT" >"$WORK/bare302.log" 2>&1 &
  BARE_PID=$!
  PIDS+=("$BARE_PID")
  wait_http "http://127.0.0.1:$BARE_PORT/healthz-probe" "$BARE_PID" bare302
  check_redirect "http://127.0.0.1:$BARE_PORT" "$(head -n1 "$SLUGS")" bare302

  log "round $n/$ROUNDS, bare302: warm-up ${WARMUP_S}s, then ${DURATION_S}s at $CONNECTIONS connections, $THREADS wrk threads"
  warn_if_busy bare302
  run_wrk bare302 "http://127.0.0.1:$BARE_PORT" "$WARMUP_S" "$WORK/wrk-bare302-warmup.txt"
  snap0=$(proc_snapshot "$BARE_PID")
  run_wrk bare302 "http://127.0.0.1:$BARE_PORT" "$DURATION_S" "$WORK/wrk-bare302-$n.txt"
  snap1=$(proc_snapshot "$BARE_PID")
  {
    snapshot_delta "$snap0" "$snap1"
    grep '^BENCH ' "$WORK/wrk-bare302-$n.txt" | cut -d' ' -f2-
    echo "connections=$CONNECTIONS rss_peak_kb=$(rss_kb "$BARE_PID" VmHWM) rss_end_kb=$(rss_kb "$BARE_PID" VmRSS)"
    cat "$WORK/wrk-bare302-$n.txt.cpu"
  } >"$WORK/bare302-$n.res"
  kill "$BARE_PID"; wait "$BARE_PID" 2>/dev/null || true
  PIDS=("${CHORUS_PID:-}")
  [[ "$ONLY" == bare ]] && return 0

  log "round $n/$ROUNDS, chorus: warm-up ${WARMUP_S}s, then ${DURATION_S}s at $CONNECTIONS connections, $THREADS wrk threads"
  warn_if_busy chorus
  kill -0 "$CHORUS_PID" 2>/dev/null \
    || die "chorus is no longer running (stopped from outside? see the end of $WORK/chorus.log)"
  run_wrk chorus "http://$CHORUS_BIND" "$WARMUP_S" "$WORK/wrk-chorus-warmup.txt"
  if [[ -n "$DB_FILE" ]]; then
    before=$(python3 "$BENCH/clicks.py" "$DB_FILE" settle)
  fi
  met0=$(metrics_snapshot "http://$CHORUS_BIND" "$WORK/metrics-before.txt")
  rss_start=$(rss_kb "$CHORUS_PID" VmRSS)
  snap0=$(proc_snapshot "$CHORUS_PID")
  run_wrk chorus "http://$CHORUS_BIND" "$DURATION_S" "$WORK/wrk-chorus-$n.txt"
  snap1=$(proc_snapshot "$CHORUS_PID")
  drain=$(drain_seconds "http://$CHORUS_BIND")
  met1=$(metrics_snapshot "http://$CHORUS_BIND" "$WORK/metrics-after.txt")
  {
    echo "drain_s=$drain rss_start_kb=$rss_start"
    snapshot_delta "$snap0" "$snap1"
    if [[ -n "$met0" && -n "$met1" ]]; then
      read -r b0 c0 s0 f0 <<<"$met0"
      read -r b1 c1 s1 f1 <<<"$met1"
      echo "writer_batches=$(( b1 - b0 )) writer_committed=$(( c1 - c0 )) writer_spooled=$(( s1 - s0 )) writer_failed=$(( f1 - f0 ))"
    fi
    if [[ -n "$DB_FILE" ]]; then
      end=$(python3 "$BENCH/clicks.py" "$DB_FILE")
      settled=$(python3 "$BENCH/clicks.py" "$DB_FILE" settle)
      kinds=$(python3 "$BENCH/clicks.py" "$DB_FILE" kinds | sed 's/=/:/g; s/ /,/g')
      echo "clicks_before=$before clicks_end=$end clicks_settled=$settled clicks_kinds=$kinds"
    else
      log "not a SQLite database: click rows are not counted (count them in the database itself)"
      echo "clicks_note=not_a_SQLite_database"
    fi
    grep '^BENCH ' "$WORK/wrk-chorus-$n.txt" | cut -d' ' -f2-
    echo "connections=$CONNECTIONS rss_peak_kb=$(rss_kb "$CHORUS_PID" VmHWM) rss_end_kb=$(rss_kb "$CHORUS_PID" VmRSS)"
    cat "$WORK/wrk-chorus-$n.txt.cpu"
  } >"$WORK/chorus-$n.res"
}

for round in $(seq 1 "$ROUNDS"); do
  measure_round "$round"
done

# --- report --------------------------------------------------------------------------------
echo
echo "Redirect benchmark, $(date -u +%Y-%m-%dT%H:%MZ): wrk -t$THREADS -c$CONNECTIONS -d${DURATION_S}s" \
  "(warm-up ${WARMUP_S}s), $ROUNDS round(s), $SHARES random slugs, $(nproc) cores" \
  "${ONLY:+(bare302 only)}${SEEDED_BY:+seeded via $SEEDED_BY, visitors=${BENCH_VISITORS:-many}}${CHORUS_SQLITE_SYNCHRONOUS:+, CHORUS_SQLITE_SYNCHRONOUS=$CHORUS_SQLITE_SYNCHRONOUS}"
echo
for round in $(seq 1 "$ROUNDS"); do
  (( ROUNDS > 1 )) && { echo "#### Round $round of $ROUNDS"; echo; }
  if [[ "$ONLY" == bare ]]; then
    python3 "$BENCH/report.py" "$WORK/bare302-$round.res"
  else
    python3 "$BENCH/report.py" "$WORK/bare302-$round.res" "$WORK/chorus-$round.res"
  fi
  echo
done
if (( ROUNDS > 1 )) && [[ "$ONLY" != bare ]]; then
  python3 "$BENCH/report.py" --summary "$WORK"/bare302-*.res -- "$WORK"/chorus-*.res
fi
ok_exit=1

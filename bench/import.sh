#!/usr/bin/env bash
# CSV import benchmark: `chorus import mentions` of a generated 1,000,000-row file on a
# fresh SQLite database — dry run first, then the import — reporting wall time, rows/s and
# peak RSS (GNU time's "Maximum resident set size", i.e. VmHWM) of each.
#
#   bench/import.sh
#
# Environment (all optional):
#   ROWS=1000000        rows in the generated file
#   SKIP_BUILD=1        use the existing target/release/chorus
#   KEEP=1              keep the work dir (CSV file, database, logs)
#   CHORUS_DATABASE_URL=postgres://…   import into that (dedicated, empty) database
#                       instead; the harness migrates it and adds the brand with psql, but
#                       neither creates nor drops it
#
# Needs python3 (standard library) and /usr/bin/time (GNU time), and psql for PostgreSQL.
# Nothing is written into the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${ROWS:-1000000}
[[ "$ROWS" =~ ^[0-9]+$ ]] || { echo "ROWS must be a number" >&2; exit 1; }
log() { printf '[bench] %s\n' "$*" >&2; }

command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time (GNU time) is required" >&2; exit 1; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
  log "building chorus (release)"
  (cd "$ROOT" && cargo build --release --quiet --bin chorus)
fi
CHORUS="$ROOT/target/release/chorus"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/chorus-import-bench.XXXXXX")
cleanup() { if [[ -n "${KEEP:-}" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
cd "$WORK"

export CHORUS_SPOOL_DIR="$WORK/spool"
if [[ -z "${CHORUS_DATABASE_URL:-}" ]]; then
  export CHORUS_DATABASE_URL="sqlite://$WORK/chorus.db"
fi
log "database: ${CHORUS_DATABASE_URL%%\?*}"
"$CHORUS" migrate >/dev/null 2>"$WORK/migrate.log"

# One brand and two topics (so mentions are tagged), written as the admin pages would.
case "$CHORUS_DATABASE_URL" in
  sqlite://*)
    python3 - "$WORK/chorus.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO brands (name, own, created_at) VALUES ('Acme', 1, '2026-01-01 00:00:00')")
db.execute("INSERT INTO topics (name, keywords, created_at) VALUES ('AI', 'AI\n인공지능', '2026-01-01 00:00:00')")
db.execute("INSERT INTO topics (name, keywords, created_at) VALUES ('Cloud', 'cloud\n클라우드', '2026-01-01 00:00:00')")
db.commit()
PY
    ;;
  *)
    command -v psql >/dev/null || { echo "psql is needed to prepare a PostgreSQL database" >&2; exit 1; }
    psql -q -v ON_ERROR_STOP=1 "$CHORUS_DATABASE_URL" <<'SQL'
INSERT INTO brands (name, own, created_at) SELECT 'Acme', true, now() WHERE NOT EXISTS (SELECT 1 FROM brands WHERE lower(name) = 'acme');
INSERT INTO topics (name, keywords, created_at) SELECT 'AI', E'AI\n인공지능', now() WHERE NOT EXISTS (SELECT 1 FROM topics WHERE name = 'AI');
INSERT INTO topics (name, keywords, created_at) SELECT 'Cloud', E'cloud\n클라우드', now() WHERE NOT EXISTS (SELECT 1 FROM topics WHERE name = 'Cloud');
SQL
    ;;
esac

log "generating $ROWS rows"
python3 "$ROOT/bench/mentions_csv.py" "$ROWS" "$WORK/mentions.csv"
SIZE=$(stat -c %s "$WORK/mentions.csv")
log "file: $(( SIZE / 1024 / 1024 )) MiB"

# Runs one import under GNU time; prints "seconds rss_kib exit".
measure() {
  local name=$1; shift
  set +e
  /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$CHORUS" import mentions "$WORK/mentions.csv" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err"
  local code=$?
  set -e
  echo "$(cat "$WORK/$name.time") $code"
}

log "dry run"
read -r DRY_S DRY_KB DRY_CODE < <(measure dry --dry-run)
log "import"
read -r IMP_S IMP_KB IMP_CODE < <(measure import)
for name in dry import; do
  sed 's/^/  /' "$WORK/$name.out" >&2
  grep -v ' INFO ' "$WORK/$name.err" | tail -3 | sed 's/^/  /' >&2 || true
done

STORED=""
if [[ "$CHORUS_DATABASE_URL" == sqlite://* ]]; then
  STORED=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM mentions').fetchone()[0])" "$WORK/chorus.db")
fi

python3 - "$ROWS" "$SIZE" "$DRY_S" "$DRY_KB" "$DRY_CODE" "$IMP_S" "$IMP_KB" "$IMP_CODE" "$STORED" <<'PY'
import sys
rows, size = int(sys.argv[1]), int(sys.argv[2])
dry_s, dry_kb, dry_code = float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
imp_s, imp_kb, imp_code = float(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
stored = sys.argv[9]
print(f"\n{rows:,} rows, {size / 1048576:.0f} MiB\n")
print("| run | wall time | rows/s | peak RSS | exit |")
print("|---|---:|---:|---:|---:|")
for name, s, kb, code in (("dry run", dry_s, dry_kb, dry_code), ("import", imp_s, imp_kb, imp_code)):
    print(f"| {name} | {s:.1f} s | {rows / s:,.0f} | {kb / 1024:.1f} MiB | {code} |")
if stored:
    print(f"\nmentions stored: {int(stored):,}")
PY

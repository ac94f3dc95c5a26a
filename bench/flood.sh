#!/usr/bin/env bash
# Flood benchmark: the redirect path under one hostile client, beside the same load from
# many visitors, each against a bare actix-web 302 server in the same invocation
# (bench/redirect.sh does the measuring; this runs it in the shapes of issue 10).
#
#   bench/flood.sh
#
# 1. One client at full speed: every request from 127.0.0.1 with one desktop Chrome user
#    agent against random links (a link scanner, a misbehaving bot, an attacker): Chorus
#    flags the clicks as a scanner burst. Target >= 0.40x bare302, every answered click
#    committed within 10 s after the flood.
# 2. The same load from many visitors (a random X-Forwarded-For behind a trusted proxy).
# 3. A 60 s one-client flood: Chorus's RSS before, at its peak and after.
#
# Environment: SHARES (1000), DURATION (20s), ROUNDS (3), LONG (60s; 0 skips step 3),
# SKIP_BUILD, QUIET_WAIT, CONNECTIONS, THREADS and CHORUS_* as for bench/redirect.sh.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SHARES=${SHARES:-1000}
DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-3}
LONG=${LONG:-60s}

echo "### One client (flood)"
BENCH_VISITORS=one BENCH_TARGET_RATIO=0.40 DURATION=$DURATION ROUNDS=$ROUNDS \
  "$BENCH/redirect.sh"
export SKIP_BUILD=1
echo
echo "### Many visitors"
BENCH_VISITORS=many BENCH_TARGET_RATIO=0.56 DURATION=$DURATION ROUNDS=$ROUNDS \
  "$BENCH/redirect.sh"
if [[ "$LONG" != 0 ]]; then
  echo
  echo "### One client for $LONG (memory)"
  BENCH_VISITORS=one BENCH_TARGET_RATIO=0.40 DURATION=$LONG ROUNDS=1 WARMUP=${WARMUP:-3s} \
    "$BENCH/redirect.sh"
fi

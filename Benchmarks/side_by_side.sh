#!/usr/bin/env bash
# The earlier benchmarks for two builds, interleaved round by round in one session (the machine
# is shared and noisy: only figures from the same run compare).
#   git worktree add /tmp/base BASE_COMMIT && (cd /tmp/base && swift build -c release --product letterbox --scratch-path "$PWD/.build-base")
#   swift build -c release --product letterbox
#   bash Benchmarks/side_by_side.sh .build-base/release/letterbox .build/release/letterbox [ROUNDS]
# Prints each script's own lines per round; take medians across rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(realpath "$1")
head=$(realpath "$2")
rounds=${3:-3}
for round in $(seq "$rounds"); do
  for which in base head; do
    bin=$base; [ "$which" = head ] && bin=$head
    echo "### round $round $which server"
    LETTERBOX_BIN=$bin python3 Benchmarks/bench_server.py --runs 1 --seconds 10 2>&1 | grep "^run"
    echo "### round $round $which pipe"
    LETTERBOX_BIN=$bin python3 Benchmarks/bench_email.py pipe --runs 15 2>&1 | grep -E "median_ms"
    echo "### round $round $which mbox"
    LETTERBOX_BIN=$bin python3 Benchmarks/bench_email.py mbox --count 5000 --runs 1 2>&1 | grep -E "letterbox_median_s|letterbox_msgs_per_s|summary"
    echo "### round $round $which notes"
    LETTERBOX_BIN=$bin python3 Benchmarks/bench_notes.py --count 3000 --runs 1 --startup-runs 10 2>&1 | grep -E "^  letterbox"
  done
done

#!/usr/bin/env bash
# Quick start: installs what is needed, builds, ingests the sample phone notes into a fresh
# store (demo.sqlite) and lists the records. One sample is malformed on purpose: it goes to
# quarantine, which `letterbox quarantine list` shows.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build
rm -f demo.sqlite demo.sqlite-wal demo.sqlite-shm
status=0
.build/debug/letterbox ingest notes Samples/phone-notes --store demo.sqlite || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 65 ] || exit "$status"
echo
.build/debug/letterbox list --store demo.sqlite
echo
.build/debug/letterbox quarantine list --store demo.sqlite

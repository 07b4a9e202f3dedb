#!/usr/bin/env bash
# Quick start: installs what is needed, builds, ingests the sample phone notes and emails into a fresh
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
# The sample emails, as a mail server's pipe would deliver them (in order: one is a reply).
for message in Samples/email/*.eml; do
  .build/debug/letterbox ingest email --store demo.sqlite --recipient complaints@example-housing.org.uk < "$message" > /dev/null
done
echo
.build/debug/letterbox list --store demo.sqlite
echo
.build/debug/letterbox quarantine list --store demo.sqlite
echo
.build/debug/letterbox stats --store demo.sqlite

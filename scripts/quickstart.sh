#!/usr/bin/env bash
# Quick start: installs what is needed, builds, ingests the sample phone notes and emails into a fresh
# store (demo.sqlite), runs `letterbox serve` and posts the sample texts and forms to it, and lists
# the records. One sample is malformed on purpose: it goes to
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
# The HTTP service on a free local port: the sample texts (as Kannel and Esendex post them) and
# the sample form posts, then stop it.
.build/debug/letterbox serve --store demo.sqlite --port 0 --port-file .demo-port 2> .demo-serve.log &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f .demo-port' EXIT
for _ in $(seq 100); do [ -s .demo-port ] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat .demo-port)"
post() { curl -sS -o /dev/null -w "%{http_code} $1\n" -H "Content-Type: $2" --data-binary "@$1" "$base$3"; }
post Samples/sms/kannel-boiler.xml text/xml "/sms/kannel?kid=demo-1"
post Samples/sms/kannel-welsh-ucs2.xml text/xml "/sms/kannel?kid=demo-2"
post Samples/sms/esendex-inbound.xml text/xml /sms/esendex
post Samples/sms/esendex-delivered.xml text/xml /sms/esendex
post Samples/webform/feedback.urlencoded application/x-www-form-urlencoded /feedback
post Samples/webform/feedback-multipart.txt "multipart/form-data; boundary=LetterboxSampleBoundary" /feedback
post Samples/webform/feedback.json application/json /api/v1/feedback
kill -TERM "$server"; wait "$server" || true
echo
.build/debug/letterbox list --store demo.sqlite
echo
.build/debug/letterbox quarantine list --store demo.sqlite
echo
.build/debug/letterbox stats --store demo.sqlite

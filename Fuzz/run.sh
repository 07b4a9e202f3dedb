#!/usr/bin/env bash
# Builds and runs a libFuzzer target against Letterbox's decoders.
#   bash Fuzz/run.sh phone-notes 600     # fuzz for 600 seconds
#   bash Fuzz/run.sh phone-notes 0       # replay the corpus and crashers only
# Targets: phone-notes, mime (the whole email decoder), mbox (the mbox splitter, plain and gzip).
# The decoders depend on Foundation (and libxml2, zlib) only, so the target is compiled from their sources in one
# module with swiftc -sanitize=fuzzer,address (SwiftPM's executables cannot link libFuzzer's main).
# New crashers land in Fuzz/crashers/TARGET/; commit them: the tests replay them.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-phone-notes}
seconds=${2:-60}
build=.build-fuzz/$target
mkdir -p "$build/src" "Fuzz/crashers/$target"
case "$target" in
  phone-notes)
    sources=(Sources/LetterboxCore/*.swift Adapters/PhoneNotes/*.swift)
    harness=Fuzz/PhoneNoteFuzz.swift ;;
  mime)
    sources=(Sources/LetterboxCore/*.swift Sources/LetterboxXML/*.swift Adapters/Email/*.swift)
    harness=Fuzz/MIMEFuzz.swift ;;
  mbox)
    sources=(Sources/LetterboxCore/*.swift Sources/LetterboxXML/*.swift Adapters/Email/*.swift)
    harness=Fuzz/MboxFuzz.swift ;;
  *) echo "unknown target $target" >&2; exit 64 ;;
esac
rm -f "$build"/src/*.swift
for f in "${sources[@]}"; do
  sed -E '/^(public |internal )?import Letterbox(Core|XML)$/d' "$f" > "$build/src/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# The C libraries (libxml2, zlib) come in through their module maps; they are not instrumented.
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Fuzz \
  -I Sources/CLibXML2 -I Sources/CZlib -Xcc -I/usr/include/libxml2 -lxml2 -lz \
  "$build"/src/*.swift "$harness" -o "$build/fuzz"
work=$build/corpus
mkdir -p "$work"
cp -n Fuzz/corpus/$target/* "$work"/ 2>/dev/null || true
# The sample emails are good seeds for the MIME decoder too.
[ "$target" = mime ] && cp -n Samples/email/*.eml "$work"/ 2>/dev/null || true
if [ "$seconds" -gt 0 ]; then
  "$build/fuzz" "$work" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="Fuzz/crashers/$target/" -print_final_stats=1
else
  "$build/fuzz" -runs=0 Fuzz/corpus/$target Fuzz/crashers/$target
fi

#!/usr/bin/env bash
# Builds and runs a libFuzzer target against Letterbox's decoders.
#   bash Fuzz/run.sh phone-notes 600     # fuzz for 600 seconds
#   bash Fuzz/run.sh phone-notes 0       # replay the corpus and crashers only
# Targets: phone-notes, mime (the whole email decoder), mbox (the mbox splitter, plain and gzip),
# sms (the gateway profiles and joined long texts), twilio (Twilio's urlencoded webhook),
# form (urlencoded, multipart and JSON form bodies),
# triage (the triage rules and model, due dates, and the readers of the bank-holiday changes, the
# evaluation set, the model file, labelled JSONL and the lexicon's matcher table, and the mail pipe's reading of the local
# delivery socket's answer).
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
  sms)
    sources=(Sources/LetterboxCore/*.swift Sources/LetterboxXML/*.swift Adapters/SMS/*.swift)
    harness=Fuzz/SMSFuzz.swift ;;
  twilio)
    sources=(Sources/LetterboxCore/*.swift Adapters/Twilio/*.swift)
    harness=Fuzz/TwilioFuzz.swift ;;
  triage)
    sources=(Sources/LetterboxCore/*.swift)
    harness=Fuzz/TriageFuzz.swift ;;
  form)
    # The form decoders use multipart-kit (and so SwiftNIO): built by SwiftPM as the FuzzForm
    # product with libFuzzer's coverage, in a scratch folder of its own.
    swift build --scratch-path .build-fuzz/spm --product FuzzForm -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >&2
    mkdir -p .build-fuzz/form/corpus
    cp -n Fuzz/corpus/form/* .build-fuzz/form/corpus/ 2>/dev/null || true
    if [ "$seconds" -gt 0 ]; then
      SWIFT_BACKTRACE=enable=no exec .build-fuzz/spm/debug/FuzzForm .build-fuzz/form/corpus -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="Fuzz/crashers/form/" -print_final_stats=1
    else
      SWIFT_BACKTRACE=enable=no exec .build-fuzz/spm/debug/FuzzForm -runs=0 Fuzz/corpus/form Fuzz/crashers/form
    fi ;;
  *) echo "unknown target $target" >&2; exit 64 ;;
esac
rm -f "$build"/src/*.swift
for f in "${sources[@]}"; do
  # The decoders and readers only: an adapter's wiring (its configuration, routes and services,
  # in Sources/LetterboxCore/Channels and each *Adapter.swift) needs swift-log and swift-crypto.
  case "$(basename "$f")" in
    *Adapter.swift|CallbackAuth.swift|MaildirIntake.swift|TwilioSignature.swift|TwilioMediaFetcher.swift) continue ;;
  esac
  sed -E '/^(public |internal )?import Letterbox(Core|XML)$/d' "$f" > "$build/src/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# SwiftPM embeds LetterboxCore's data file as PackageResources; outside SwiftPM, the same bytes.
{
  echo "enum PackageResources {"
  printf '    static let bank_holiday_changes_txt: [UInt8] = ['
  od -An -v -tu1 Sources/LetterboxCore/bank-holiday-changes.txt | tr -s ' \n' ',' | sed -e 's/^,//' -e 's/,$//'
  echo "]"
  echo "}"
} > "$build/src/PackageResources.swift"
# The shipped triage model's bytes (LetterboxCore reads them through the CTriageModel module).
clang -c -O1 -I Sources/CTriageModel/include Sources/CTriageModel/triage-model.c -o "$build/triage-model.o"
# The C libraries (libxml2, zlib) come in through their module maps; they are not instrumented.
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Fuzz -package-name letterbox \
  -I Sources/CLibXML2 -I Sources/CZlib -I Sources/CTriageModel/include -Xcc -I/usr/include/libxml2 -lxml2 -lz \
  "$build"/src/*.swift "$harness" "$build/triage-model.o" -o "$build/fuzz"
work=$build/corpus
mkdir -p "$work"
cp -n Fuzz/corpus/$target/* "$work"/ 2>/dev/null || true
# The sample emails are good seeds for the MIME decoder too.
[ "$target" = mime ] && cp -n Samples/email/*.eml "$work"/ 2>/dev/null || true
# The sample callbacks, behind each profile's selector byte.
if [ "$target" = sms ]; then
  for f in Samples/sms/kannel-*.xml; do { printf '\000'; cat "$f"; } > "$work/$(basename "$f")"; done
  for f in Samples/sms/esendex-*.xml; do { printf '\001'; cat "$f"; } > "$work/$(basename "$f")"; done
  { printf '\002'; cat Samples/sms/generic-clickatell.xml; } > "$work/generic-clickatell.xml"
fi
# Triage: the evaluation set's items, one per file, and the bank-holiday changes file.
if [ "$target" = triage ]; then
  awk -v dir="$work" '/^### /{n++} n>0 {print > (dir "/item" sprintf("%03d", n) ".txt")}' Samples/triage/eval.txt
  cp Sources/LetterboxCore/bank-holiday-changes.txt "$work/changes.txt"
fi
if [ "$seconds" -gt 0 ]; then
  SWIFT_BACKTRACE=enable=no "$build/fuzz" "$work" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="Fuzz/crashers/$target/" -print_final_stats=1
else
  SWIFT_BACKTRACE=enable=no "$build/fuzz" -runs=0 "$work" Fuzz/crashers/$target
fi

#!/usr/bin/env bash
# Instructions per message for each stage of `letterbox ingest mbox` (decode, triage, link,
# commit), counted by valgrind's callgrind: the counts do not move with a busy machine, so a
# change can be compared with the last one without noise.
#   swift build -c release --product letterbox --static-swift-stdlib   # and the -Xswiftc options of README "Install" to measure that build
#   bash Benchmarks/instructions.sh [COUNT] [BINARY]      # default 500 generated messages, seed 7
# Needs valgrind (apt-get install valgrind) and swift-demangle (in the toolchain).
#
# valgrind 3.19 cannot read the DWARF that Swift 6.3 writes ("Possibly corrupted debuginfo
# file"), so the binary is measured with its debug sections stripped (the symbol table stays,
# so functions keep their names). It must be the self-contained build: valgrind crashes on the
# toolchain's shared Swift libraries. Counts are inclusive (a function and all it calls), divided by
# the number of messages. Under valgrind, BoringSSL finds no SHA extensions and hashes with
# AVX, so SHA-256 costs more instructions here than on a CPU that has them.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-500}
binary=${2:-.build/release/letterbox}
out=bench-out/instructions
. Benchmarks/callgrind-common.sh
callgrind_binary "$binary" "$out"
corpus=bench-out/corpus-$count-7.mbox
[ -f "$corpus" ] || python3 ../shared/corpora/gen_corpus.py --count "$count" --seed 7 --mbox "$corpus" > /dev/null 2>&1
rm -f "$out"/store.sqlite*
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
  "$out/letterbox" ingest mbox "$corpus" --store "$out/store.sqlite" > "$out/ingest.txt" 2> "$out/valgrind.txt"
callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.out" 2>/dev/null \
  | swift demangle --simplified > "$out/inclusive.txt"
python3 - "$out/inclusive.txt" "$count" <<'EOF'
import re, sys
path, messages = sys.argv[1], int(sys.argv[2])
rows = []
for line in open(path, encoding="utf-8", errors="replace"):
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
    if m:
        rows.append((int(m.group(1).replace(",", "")), m.group(2)))
total = next(n for n, name in rows if "PROGRAM TOTALS" in name)

def largest(pattern):
    """The largest inclusive count among functions matching: the outermost entry."""
    found = [n for n, name in rows if re.search(pattern, name)]
    return max(found) if found else 0

stages = [
    ("all", None, total),
    ("read the mbox", "one reader thread", largest(r":MboxReader\.next\(\)")),
    ("prepare", "decoding threads", largest(r"(:| in )Intake\.prepare\(_:\)")),
    ("  hash, key, attachments, fingerprint", "", largest(r"Intake\.Prepared\.init\(_:decoded:\)")),
    ("  decode", "", largest(r":EmailDecoder\.decode\(_:\)")),
    ("  triage", "", largest(r":Triage\.read\(subject:body:statedKind:representative:received:\)")),
    ("commit", "the single writer", largest(r":Intake\.commit\(all:whenKnown:\)")),
    ("  raw bytes (receive)", "", largest(r"CaseStoreRules\.receiveRows")),
    ("  records (settle)", "", largest(r"CaseStoreRules\.settleRows")),
    ("    contact", "", largest(r"CaseStoreRules\.resolveContact")),
    ("    link: fingerprint (if not made)", "", largest(r"LinkingSubject\.init\(draft:receivedAt:contactId:\)")),
    ("    link: candidates", "", largest(r"CaseStoreRules\.findCandidates")),
    ("    link: case", "", largest(r"CaseStoreRules\.findCase<")),
    ("    link: shingles stored", "", largest(r"Linking\.storeShingles")),
    ("    persistence flags", "", largest(r"CaseStoreRules\.persistenceFlags")),
    ("    attachments and blobs", "", largest(r"SQLiteCaseStore\.storeBlob")),
    ("  SQLite (sqlite3_step, all)", "", largest(r":sqlite3_step ")),
    ("SHA-256 (all)", "", largest(r":SHA256\.update\(bufferPointer:\)")),
]
print(f"{messages} messages, instructions per message (callgrind, inclusive):")
for label, where, count in stages:
    note = f"  ({where})" if where else ""
    print(f"  {label:34s} {count / messages:>12,.0f}{note}")
EOF
tail -n 3 "$out/ingest.txt"

#!/usr/bin/env bash
# Instructions of one mail-pipe process (`letterbox ingest email` committing on its own), by
# phase, counted by valgrind's callgrind: a process that handles one message spends most of its
# work starting up, and the counts do not move with a busy machine.
#   swift build -c release --product letterbox --static-swift-stdlib   # and the -Xswiftc options of README "Install" to measure that build
#   bash Benchmarks/startup.sh [BINARY] [RUNS]     # default .build/release/letterbox, 3 runs
#   HANDED=1 bash Benchmarks/startup.sh [BINARY] [RUNS]
# The store is made once (first run not counted); each counted run pipes the same sample with a
# new Message-ID into it, and the last run's phases are printed. With HANDED=1 a `serve` of the
# same binary runs on the store, and each counted pipe hands its message over to it (only the
# pipe's own instructions are counted, not the server's). Needs valgrind and
# swift-demangle; the same constraints as Benchmarks/instructions.sh (self-contained build,
# debug sections stripped).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/release/letterbox}
runs=${2:-3}
out=bench-out/startup
. Benchmarks/callgrind-common.sh
callgrind_binary "$binary" "$out"
sample=Samples/email/04-outlook-windows-1252.eml
rm -f "$out"/store.sqlite*
sed "s/Message-ID: </Message-ID: <startup-first./" "$sample" | "$out/letterbox" ingest email --store "$out/store.sqlite" > /dev/null
server=
if [ "${HANDED:-}" = 1 ]; then
  rm -f "$out/serve.port"
  "$out/letterbox" serve --store "$out/store.sqlite" --port 0 --port-file "$out/serve.port" > /dev/null 2>&1 &
  server=$!
  trap 'kill "$server" 2> /dev/null; wait "$server" 2> /dev/null || true' EXIT
  for _ in $(seq 1 100); do [ -S "$out/store.sqlite.sock" ] && break; sleep 0.1; done
  [ -S "$out/store.sqlite.sock" ] || { echo "serve made no local socket" >&2; exit 1; }
fi
totals=()
for run in $(seq 1 "$runs"); do
  sed "s/Message-ID: </Message-ID: <startup-$run-$$./" "$sample" \
    | valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$out/letterbox" ingest email --store "$out/store.sqlite" \
      > "$out/pipe.txt" 2> "$out/valgrind.txt"
  grep -q '^accepted' "$out/pipe.txt" || { cat "$out/pipe.txt" "$out/valgrind.txt" >&2; exit 1; }
  totals+=("$(grep -o 'refs: *[0-9,]*' "$out/valgrind.txt" | tr -dc 0-9)")
done
callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.out" 2>/dev/null \
  | swift demangle --simplified > "$out/inclusive.txt"
python3 - "$out/inclusive.txt" "${totals[@]}" <<'EOF'
import re, statistics, sys
path, totals = sys.argv[1], [int(t) for t in sys.argv[2:]]
rows = []
for line in open(path, encoding="utf-8", errors="replace"):
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
    if m:
        rows.append((int(m.group(1).replace(",", "")), m.group(2)))

def largest(pattern):
    """The largest inclusive count among functions matching: the outermost entry."""
    found = [n for n, name in rows if re.search(pattern, name)]
    return max(found) if found else 0

phases = [
    ("dynamic loader (relocations)", largest(r"rtld\.c:_dl_start ")),
    ("parse the command line", largest(r"static EmailPipeCommand\.parsePlain\(")),
    ("settings (flags, environment, config file)", largest(r"static Settings\.load\(")),
    ("hand over to the server", largest(r"static LocalDelivery\.post\(")),
    ("settings: environment variables", largest(r"EnvironmentVariablesProvider\.value\(forKey:type:\)")),
    ("open the store", largest(r":Settings\.openStore\(keepReserve:\)")),
    ("  SQLite pool", largest(r":DatabasePool\.init\(path:configuration:\)")),
    ("  term lists (abusive, emergency)", largest(r"PhraseMatcher<>\.init\(terms:\)")),
    ("decode and triage", largest(r":Intake\.decode\(_:\)")),
    ("  email decoder", largest(r":EmailDecoder\.decode\(_:\)")),
    ("  triage", largest(r":Triage\.read\(subject:body:statedKind:representative:received:\)")),
    ("    triage lexicon", largest(r"one-time initialization function for defaultMatcher")),
    ("    triage model", largest(r"static TriageModel\.parse\(")),
    ("  due dates (calendar)", largest(r"closure #3 in static Settings\.timescales")),
    ("store the raw bytes", largest(r"CaseStoreRules\.receiveRows")),
    ("store the record", largest(r"CaseStoreRules\.settleRows")),
    ("close the store", largest(r":SQLiteCaseStore\.__deallocating_deinit")),
    ("runtime: type metadata by name", largest(r":swift_getTypeByMangledName ")),
    ("runtime: conformance searches", largest(r":swift_conformsToProtocolMaybeInstantiateSuperclasses\(")),
]
print(f"One mail-pipe process, instructions (callgrind, inclusive; phases overlap where indented):")
print(f"  {'whole process, median of ' + str(len(totals)) + ' runs':40s} {statistics.median(totals):>12,}")
for label, count in phases:
    print(f"  {label:40s} {count:>12,}")
EOF

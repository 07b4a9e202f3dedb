# Sourced by Benchmarks/instructions.sh and Benchmarks/startup.sh.
# callgrind_binary BINARY OUT: checks that BINARY is the self-contained build (valgrind crashes on
# the toolchain's shared Swift libraries) and writes it to OUT/letterbox with its debug sections
# stripped (valgrind 3.19 cannot read the DWARF Swift 6.3 writes; the symbol table stays).
callgrind_binary() {
  local binary=$1 out=$2
  mkdir -p "$out"
  if ldd "$binary" | grep -q libswiftCore; then
    echo "$binary links the Swift runtime dynamically: build with --static-swift-stdlib (valgrind crashes on the shared libraries)" >&2
    exit 64
  fi
  strip --strip-debug -o "$out/letterbox" "$binary"
}

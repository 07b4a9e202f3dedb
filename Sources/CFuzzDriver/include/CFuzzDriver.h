#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point when the fuzzer owns main() is unusable under SwiftPM; this one runs
/// the fuzzing loop from our own main. Weak: a plain build (no -sanitize=fuzzer) still links,
/// and the fuzz executable then replays the files it is given.
typedef int (*CFuzzCallback)(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, CFuzzCallback callback) __attribute__((weak));

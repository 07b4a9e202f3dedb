// The shipped triage model's bytes, taken at build time from triage-model.bin beside this file
// (C23 #embed: the repository holds the model as the file `letterbox triage train` writes, and
// the compiler puts it into read-only data).
#include "CTriageModel.h"

#include <sys/mman.h>

#pragma clang diagnostic ignored "-Wc23-extensions"

// Both tables in a read-only section of their own, each on 64 KB boundaries: among the other
// read-only data (which the runtime reads at start-up) the kernel's fault-around mapped the
// tables' pages into every process, a command that never triages included (`letterbox stats`
// about 0.9 MB more resident once the lexicon's table joined the model).
#define LETTERBOX_TABLE __attribute__((section("letterbox_tables"), aligned(65536), used))

LETTERBOX_TABLE static const unsigned char model[] = {
#embed "triage-model.bin"
};

const unsigned char *letterbox_triage_model_bytes(void) { return model; }
size_t letterbox_triage_model_size(void) { return sizeof(model); }

// The triage lexicon's phrase matcher, built (`letterbox-bench lexicon-table --output
// Sources/CTriageModel/triage-lexicon.bin`; a test holds it to the lists).
LETTERBOX_TABLE static const unsigned char lexicon[] = {
#embed "triage-lexicon.bin"
};

const unsigned char *letterbox_triage_lexicon_bytes(void) { return lexicon; }
size_t letterbox_triage_lexicon_size(void) { return sizeof(lexicon); }

void letterbox_triage_lexicon_release(void) {
    // The table is read once, into the matcher's arrays: its pages need not stay resident. (The
    // section is page-aligned; the last partial page stays.)
    size_t pages = sizeof(lexicon) & ~(size_t)4095;
    if (pages > 0) madvise((void *)lexicon, pages, MADV_DONTNEED);
}

// The shipped triage model's bytes, taken at build time from triage-model.bin beside this file
// (C23 #embed: the repository holds the model as the file `letterbox triage train` writes, and
// the compiler puts it into read-only data).
#include "CTriageModel.h"

#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char model[] = {
#embed "triage-model.bin"
};

const unsigned char *letterbox_triage_model_bytes(void) { return model; }
size_t letterbox_triage_model_size(void) { return sizeof(model); }

// The triage lexicon's phrase matcher, built (`letterbox-bench lexicon-table --output
// Sources/CTriageModel/triage-lexicon.bin`; a test holds it to the lists).
static const unsigned char lexicon[] = {
#embed "triage-lexicon.bin"
};

const unsigned char *letterbox_triage_lexicon_bytes(void) { return lexicon; }
size_t letterbox_triage_lexicon_size(void) { return sizeof(lexicon); }

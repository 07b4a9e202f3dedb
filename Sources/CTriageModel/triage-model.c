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

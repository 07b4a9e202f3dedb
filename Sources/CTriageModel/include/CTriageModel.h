#ifndef LETTERBOX_CTRIAGEMODEL_H
#define LETTERBOX_CTRIAGEMODEL_H

#include <stddef.h>

/// The shipped triage model (`letterbox triage train --output
/// Sources/CTriageModel/triage-model.bin`), compiled into the binary as bytes: read in place,
/// with no decoding and no copy, by every process that triages.
const unsigned char *letterbox_triage_model_bytes(void);
size_t letterbox_triage_model_size(void);

/// The triage lexicon's phrase matcher as `PhraseMatcher.serialized` writes it
/// (Sources/CTriageModel/triage-lexicon.bin), so that a process need not build it from the lists.
const unsigned char *letterbox_triage_lexicon_bytes(void);
size_t letterbox_triage_lexicon_size(void);
/// Gives the lexicon table's pages back once it has been read (they are the binary's, read
/// again from it if ever touched).
void letterbox_triage_lexicon_release(void);

#endif

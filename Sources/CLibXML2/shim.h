#ifndef LETTERBOX_CLIBXML2_SHIM_H
#define LETTERBOX_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU, so encoding.h would include the system's
   <unicode/ucnv.h>, whose types clash with Foundation's own copy of ICU ("UErrorCode has
   different definitions in different modules"). Letterbox never touches the ICU fields of
   libxml2's encoding handler (it only passes pointers around), so leave them out. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/HTMLparser.h>

/* xmlFree is a C global function-pointer variable, which Swift 6 rejects as not
   concurrency-safe; call it through a function instead. */
static inline void clibxml2_free(void *p) { xmlFree(p); }

/* libxml2 2.9 reports some errors (an input encoding failure, with the offending bytes)
   through its per-thread generic error function, whatever the parser options say; by default
   that prints to standard error, which would put fragments of a message in the log. Letterbox
   reads errors from the parser context instead, so each thread that parses silences it. */
static void clibxml2_ignore_error(void *context, const char *message, ...) { (void)context; (void)message; }
static inline void clibxml2_silence_errors(void) { xmlSetGenericErrorFunc(NULL, clibxml2_ignore_error); }
#endif

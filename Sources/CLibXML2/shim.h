#ifndef LETTERBOX_CLIBXML2_SHIM_H
#define LETTERBOX_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/HTMLparser.h>

/* xmlFree is a C global function-pointer variable, which Swift 6 rejects as not
   concurrency-safe; call it through a function instead. */
static inline void clibxml2_free(void *p) { xmlFree(p); }
#endif

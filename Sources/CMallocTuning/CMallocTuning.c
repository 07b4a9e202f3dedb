#include "CMallocTuning.h"
#include <string.h>  // first: the C library's own headers say whether it is glibc (__GLIBC__)

#if defined(__GLIBC__)
#include <malloc.h>

static long mmap_threshold = 0;

/// A long import holds each batch's messages and attachments (buffers of up to megabytes) while
/// it commits them. glibc raises its mmap threshold (up to 32 MB) each time such a buffer is
/// freed, after which the next ones come from the threads' heaps, and what they free stays there:
/// the peak RSS of a 914 MB mbox import stood over 100 MB. A fixed threshold keeps every large
/// buffer in a mapping of its own (README "Email"). glibc passes constructors the program's
/// arguments.
__attribute__((constructor)) static void letterbox_malloc_for_imports(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc >= 3 && strcmp(argv[1], "ingest") == 0 && (strcmp(argv[2], "mbox") == 0 || strcmp(argv[2], "maildir") == 0)) {
        if (mallopt(M_MMAP_THRESHOLD, 256 * 1024) == 1) mmap_threshold = 256 * 1024;
    }
}

long letterbox_malloc_mmap_threshold(void) { return mmap_threshold; }
#else
long letterbox_malloc_mmap_threshold(void) { return 0; }
#endif

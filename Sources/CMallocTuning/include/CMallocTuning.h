#ifndef LETTERBOX_CMALLOCTUNING_H
#define LETTERBOX_CMALLOCTUNING_H

/// The size from which glibc's malloc gives a buffer its own mapping, returned to the system when
/// freed, when this process fixed it: 256 KB when it was started as `letterbox ingest mbox` or
/// `letterbox ingest maildir` on glibc, 0 otherwise (glibc's own, moving threshold). Set by a
/// constructor before `main`, so before any thread has allocated.
long letterbox_malloc_mmap_threshold(void);

#endif

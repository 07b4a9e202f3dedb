#ifndef LETTERBOX_CZLIB_SHIM_H
#define LETTERBOX_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; give Swift a function. */
static inline int czlib_inflate_init2(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif

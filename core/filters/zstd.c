/* zstd.c - the registered zstd filter (id 32015): one or more zstd frames
 * per chunk, decoded with libzstd into the chunk's buffer. */
#ifdef H5C_HAVE_ZSTD
#include "filters.h"

#include <zstd.h>
#include <zstd_errors.h>

int h5c_decode_zstd(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                    const uint8_t **out, size_t *out_len, h5c_error *err)
{
    (void)fl;
    *out = dst;
    size_t r = ZSTD_decompress(dst, cap, in, len);
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
            return H5C_FMT(err, "filter 32015 (zstd): data decodes to more than %zu bytes", cap);
        return H5C_FMT(err, "filter 32015 (zstd): corrupt zstd stream (%s)", ZSTD_getErrorName(r));
    }
    *out_len = r;
    return 0;
}
#endif

/* bzip2.c - the registered bzip2 filter (id 307): one bzip2 stream per
 * chunk, decoded with libbz2 into the chunk's buffer. */
#ifdef H5C_HAVE_BZIP2
#include "filters.h"

#include <bzlib.h>
#include <limits.h>

int h5c_decode_bzip2(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                     const uint8_t **out, size_t *out_len, h5c_error *err)
{
    (void)fl;
    *out = dst;
    if (len > UINT_MAX) return H5C_FMT(err, "filter 307 (bzip2): %zu-byte chunk too large", len);
    unsigned got = cap > UINT_MAX ? UINT_MAX : (unsigned)cap;
    int rc = BZ2_bzBuffToBuffDecompress((char *)dst, &got, (char *)in, (unsigned)len, 0, 0);
    if (rc == BZ_OUTBUFF_FULL)
        return H5C_FMT(err, "filter 307 (bzip2): data decodes to more than %zu bytes", cap);
    if (rc != BZ_OK) return H5C_FMT(err, "filter 307 (bzip2): corrupt bzip2 stream (libbz2 error %d)", rc);
    *out_len = got;
    return 0;
}
#endif

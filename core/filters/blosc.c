/* blosc.c - the registered blosc filter (id 32001): a blosc buffer per
 * chunk. Its header gives the decoded size, checked against the chunk
 * before decoding; one thread, no global state (blosc_decompress_ctx). */
#ifdef H5C_HAVE_BLOSC
#include "filters.h"

#include <blosc.h>

int h5c_decode_blosc(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                     const uint8_t **out, size_t *out_len, h5c_error *err)
{
    (void)fl;
    *out = dst;
    size_t nbytes = 0;
    if (len < BLOSC_MIN_HEADER_LENGTH || blosc_cbuffer_validate(in, len, &nbytes) != 0)
        return H5C_FMT(err, "filter 32001 (blosc): corrupt blosc header (%zu bytes)", len);
    if (nbytes > cap)
        return H5C_FMT(err, "filter 32001 (blosc): chunk claims %zu decoded bytes, more than the chunk's %zu",
                       nbytes, cap);
    int r = blosc_decompress_ctx(in, dst, cap, 1);
    if (r < 0 || (size_t)r != nbytes)
        return H5C_FMT(err, "filter 32001 (blosc): corrupt blosc data (error %d)", r);
    *out_len = nbytes;
    return 0;
}
#endif

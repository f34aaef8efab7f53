/* szip.c - the szip filter (id 4) through libaec's szip-compatible API.
 *
 * HDF5 stores four parameters: options mask, pixels per block, bits per
 * pixel, pixels per scanline (H5Z_SZIP_PARM_MASK/PPB/BPP/PPS = 0..3), and
 * prefixes each compressed chunk with its decoded size as a 4-byte
 * little-endian integer. */
#ifdef H5C_HAVE_SZIP
#include "filters.h"

#include <limits.h>
#include <szlib.h>

int h5c_decode_szip(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                    const uint8_t **out, size_t *out_len, h5c_error *err)
{
    *out = dst;
    if (fl->ncvalues < 4 || !fl->cvalues)
        return H5C_FMT(err, "filter 4 (szip): %u parameters, 4 expected", fl->ncvalues);
    if (len < 4) return H5C_FMT(err, "filter 4 (szip): %zu bytes cannot hold the 4-byte size header", len);
    size_t want = (size_t)in[0] | (size_t)in[1] << 8 | (size_t)in[2] << 16 | (size_t)in[3] << 24;
    if (want > cap)
        return H5C_FMT(err, "filter 4 (szip): chunk claims %zu decoded bytes, more than the chunk's %zu", want, cap);
    for (int i = 0; i < 4; i++)
        if (fl->cvalues[i] > INT_MAX) return H5C_FMT(err, "filter 4 (szip): parameter %d out of range", i);
    SZ_com_t p = {(int)fl->cvalues[0], (int)fl->cvalues[2], (int)fl->cvalues[1], (int)fl->cvalues[3]};
    size_t got = want;
    int rc = SZ_BufftoBuffDecompress(dst, &got, in + 4, len - 4, &p);
    if (rc != SZ_OK)
        return H5C_FMT(err, "filter 4 (szip): corrupt data or parameters (libaec error %d; mask %u, %u pixels/block, "
                            "%u bits/pixel, %u pixels/scanline)",
                       rc, fl->cvalues[0], fl->cvalues[1], fl->cvalues[2], fl->cvalues[3]);
    if (got != want) return H5C_FMT(err, "filter 4 (szip): decoded %zu bytes, header says %zu", got, want);
    *out_len = got;
    return 0;
}
#endif

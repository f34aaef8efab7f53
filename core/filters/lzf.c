/* lzf.c - h5py's LZF filter (id 32000), written from the LZF format
 * description: a sequence of runs, each opened by a control byte c.
 *   c < 32:  a literal run of c + 1 bytes follows.
 *   c >= 32: a back reference: length L = c >> 5 (7 means "7 plus the next
 *            byte"), then one more byte b; copy L + 2 bytes starting
 *            ((c & 31) << 8) + b + 1 bytes back in the output (the copy may
 *            overlap what it writes).
 * The chunk's decoded size is in the filter parameters (cvalues[2]) but is
 * not needed: output is bounded by the chunk's capacity instead. */
#include "filters.h"

#include <string.h>

#define LZF_ERR(...) H5C_FMT(err, "filter 32000 (lzf): " __VA_ARGS__)

int h5c_lzf_decompress(const uint8_t *in, size_t len, uint8_t *dst, size_t cap, size_t *got, h5c_error *err)
{
    size_t ip = 0, op = 0;
    *got = 0;
    if (len == 0) return LZF_ERR("empty compressed chunk");
    while (ip < len) {
        unsigned c = in[ip++];
        if (c < 32) {
            size_t run = (size_t)c + 1;
            if (run > len - ip) return LZF_ERR("literal run of %zu bytes at byte %zu passes the end of the stream", run, ip - 1);
            if (run > cap - op) return LZF_ERR("data decodes to more than %zu bytes", cap);
            memcpy(dst + op, in + ip, run);
            ip += run;
            op += run;
            continue;
        }
        size_t n = c >> 5;
        if (ip >= len) return LZF_ERR("back reference at byte %zu cut off", ip - 1);
        if (n == 7) {
            n += in[ip++];
            if (ip >= len) return LZF_ERR("back reference at byte %zu cut off", ip - 2);
        }
        size_t back = ((size_t)(c & 31) << 8) + in[ip++] + 1;
        n += 2;
        if (back > op) return LZF_ERR("back reference %zu bytes before the start of the output", back - op);
        if (n > cap - op) return LZF_ERR("data decodes to more than %zu bytes", cap);
        const uint8_t *from = dst + op - back;
        for (size_t k = 0; k < n; k++) dst[op + k] = from[k];  /* may overlap: byte by byte */
        op += n;
    }
    *got = op;
    return 0;
}

int h5c_decode_lzf(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                   const uint8_t **out, size_t *out_len, h5c_error *err)
{
    (void)fl;
    *out = dst;
    return h5c_lzf_decompress(in, len, dst, cap, out_len, err);
}

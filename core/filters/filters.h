/* filters.h - the individual filters behind h5c_filters_decode (internal).
 *
 * Each decoder works on one buffer and reports errors that name the filter;
 * h5c_filters_decode (pipeline.c) runs them in reverse pipeline order. All
 * functions are safe to call from several threads at once. */
#ifndef H5C_FILTERS_H
#define H5C_FILTERS_H

#include <stddef.h>
#include <stdint.h>

#include "../format/format.h"

enum {
    H5C_FILTER_DEFLATE = 1,
    H5C_FILTER_SHUFFLE = 2,
    H5C_FILTER_FLETCHER32 = 3,
    H5C_FILTER_SZIP = 4,
    H5C_FILTER_NBIT = 5,
    H5C_FILTER_SCALEOFFSET = 6
};

/* deflate.c: inflate a zlib stream (filter 1). `hint` is the expected
 * decoded size; the output buffer grows past it when needed, up to
 * 2 * hint + 1 MiB. On success *out (malloc'd, caller frees) holds
 * *out_len bytes. `in` is not freed. */
int h5c_inflate(const uint8_t *in, size_t in_len, size_t hint, uint8_t **out, size_t *out_len,
                h5c_error *err);

/* deflate.c: inflate into dst (cap bytes); *got receives the decoded size.
 * Output larger than cap is an error (H5C_ERR_FORMAT). */
int h5c_inflate_into(const uint8_t *in, size_t in_len, uint8_t *dst, size_t cap, size_t *got,
                     h5c_error *err);

/* shuffle.c: undo the byte shuffle (filter 2) of len bytes with element
 * size esize into dst (len bytes, not overlapping src). Trailing
 * len % esize bytes are copied unchanged. */
void h5c_unshuffle(const uint8_t *src, uint8_t *dst, size_t len, size_t esize);

/* fletcher32.c: HDF5's Fletcher-32 of len bytes (16-bit words taken most
 * significant byte first; an odd last byte is padded with zero). */
uint32_t h5c_fletcher32(const uint8_t *p, size_t len);

/* Verify the 4-byte little-endian checksum at the end of buf[0..len) (filter
 * 3); *data_len receives len - 4. Accepts the byte-swapped value written by
 * HDF5 before 1.6.3 as well. H5C_ERR_CHECKSUM on mismatch. */
int h5c_fletcher32_check(const uint8_t *buf, size_t len, size_t *data_len, h5c_error *err);

/* Name of a filter for messages: the pipeline's name or a well-known one. */
const char *h5c_filter_name(const h5c_filter *fl);

#endif

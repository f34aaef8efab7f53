/* filters.h - the individual filters behind h5c_filters_decode (internal).
 *
 * table.c holds one row per filter id: {id, name, decode, why-missing}.
 * h5c_filters_run (pipeline.c) looks every filter up there and runs the
 * decoders in reverse pipeline order. Every decoder has the same shape
 * (h5c_filter_decode_fn), is bounded by the output capacity it is given (a
 * chunk that would decode past it is an error, which stops decompression
 * bombs at the chunk size) and is safe to call from several threads. */
#ifndef H5C_FILTERS_H
#define H5C_FILTERS_H

#include <stddef.h>
#include <stdint.h>

#include "../format/format.h"

/* Undo filter fl on in[0..len). The result goes to dst (cap bytes) or, for
 * filters that only check or strip bytes, stays in `in`: *out points at the
 * result either way and *out_len is its size. */
typedef int (*h5c_filter_decode_fn)(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst,
                                    size_t cap, const uint8_t **out, size_t *out_len, h5c_error *err);

typedef struct h5c_filter_def {
    uint16_t id;
    const char *name;
    h5c_filter_decode_fn decode;  /* NULL: known id, but not decodable in this build */
    const char *missing;          /* why decode is NULL (for the unsupported: message) */
} h5c_filter_def;

/* table.c: the row of a filter id, or NULL for an id nobody registered. */
const h5c_filter_def *h5c_filter_lookup(uint16_t id);

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

/* lzf.c: decode a raw LZF stream (filter 32000) into dst (cap bytes). */
int h5c_lzf_decompress(const uint8_t *in, size_t len, uint8_t *dst, size_t cap, size_t *got, h5c_error *err);

/* The decoders of the table (one file each), all of h5c_filter_decode_fn's shape. */
#define H5C_DECODER(fn)                                                                                 \
    int fn(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap, const uint8_t **out, \
           size_t *out_len, h5c_error *err)
H5C_DECODER(h5c_decode_deflate);
H5C_DECODER(h5c_decode_shuffle);
H5C_DECODER(h5c_decode_fletcher32);
H5C_DECODER(h5c_decode_szip);
H5C_DECODER(h5c_decode_nbit);
H5C_DECODER(h5c_decode_scaleoffset);
H5C_DECODER(h5c_decode_lzf);
H5C_DECODER(h5c_decode_bzip2);
H5C_DECODER(h5c_decode_lz4);
H5C_DECODER(h5c_decode_zstd);
H5C_DECODER(h5c_decode_blosc);

/* bits.c: an MSB-first bit reader over a byte stream (nbit, scaleoffset
 * pack values that way). Reading past the end sets `bad` and yields 0. */
typedef struct h5c_bits {
    const uint8_t *p;
    size_t n, pos;   /* bytes, index of the current byte */
    unsigned left;   /* unread bits of the current byte (8 at a byte start) */
    int bad;
} h5c_bits;

void h5c_bits_init(h5c_bits *b, const uint8_t *p, size_t n);
uint64_t h5c_bits_take(h5c_bits *b, unsigned k);  /* k <= 64 */

/* Name of a filter for messages: the pipeline's name or a well-known one. */
const char *h5c_filter_name(const h5c_filter *fl);

#endif

/* values.h - turning h5c_read / attribute memory into JSON, CSV and raw
 * bytes for the h5coro CLI.
 *
 * Every function takes the element's type and a pointer into a buffer in
 * the memory representation documented in h5coro.h. `avail` is the number
 * of bytes readable at that pointer; members or elements that would lie
 * beyond it are written as null instead of being read. */
#ifndef H5CORO_CLI_VALUES_H
#define H5CORO_CLI_VALUES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "h5coro.h"
#include "json_out.h"

/* Non-zero when t contains a vlen (string or sequence) anywhere. */
int hv_has_vlen(const h5c_dtype *t);
/* Non-zero when t contains a reference anywhere. */
int hv_has_ref(const h5c_dtype *t);

/* One element as a JSON value. */
void hv_json_value(jw *w, const h5c_dtype *t, const uint8_t *p, size_t avail);

/* nelem elements laid out in C order with shape dims[0..rank): a nested
 * JSON array (rank 0: one bare value; rank < 0: null). */
void hv_json_block(jw *w, const h5c_dtype *t, const uint8_t *buf, size_t buf_len,
                   int rank, const uint64_t *dims);

/* One element as a CSV cell: numbers as in JSON, strings as their bytes
 * (quoted when they hold a comma, quote or line break), vlen null as an
 * empty cell, anything structured as its compact JSON text, quoted. */
void hv_csv_cell(FILE *f, const h5c_dtype *t, const uint8_t *p, size_t avail);

/* Prepare nelem elements for raw output, in place: with swap_big_endian
 * each numeric value whose type is big-endian is byte-swapped back to file
 * order; otherwise the bytes stay as h5c_read left them. Returns 0, or -1
 * with msg set when the type has no fixed raw form (vlen, reference). */
int hv_to_raw(const h5c_dtype *t, uint8_t *buf, size_t nelem, int swap_big_endian,
              char *msg, size_t msg_len);

/* Convert a fill value (t->size bytes in file byte order) to the memory
 * representation in out (h5c_dtype_mem_size(t) bytes) with the library's
 * conversion. Returns 0, or -1 when the type holds vlen or reference parts
 * or the library cannot convert it. */
int hv_fill_to_mem(const h5c_dtype *t, const void *fill, uint8_t *out, size_t out_len);

#endif

/* err.h - filling h5c_error. */
#ifndef H5C_ERR_H
#define H5C_ERR_H

#include "h5coro.h"

#if defined(__GNUC__)
#define H5C_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define H5C_PRINTF(a, b)
#endif

/* Set err (if not NULL) and return -1. */
int h5c_fail(h5c_error *err, h5c_code code, const char *fmt, ...) H5C_PRINTF(3, 4);

/* Prepend "context: " to an error already set (adds where it happened). */
void h5c_err_context(h5c_error *err, const char *fmt, ...) H5C_PRINTF(2, 3);

void h5c_err_clear(h5c_error *err);

/* Shorthands used everywhere in the parsers. */
#define H5C_FMT(err, ...) h5c_fail((err), H5C_ERR_FORMAT, __VA_ARGS__)
#define H5C_UNSUP(err, ...) h5c_fail((err), H5C_ERR_UNSUPPORTED, "unsupported: " __VA_ARGS__)
#define H5C_NOMEM(err) h5c_fail((err), H5C_ERR_NOMEM, "out of memory")

#endif

/* err.c - error values and their messages. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *h5c_strerror(h5c_code code)
{
    switch (code) {
    case H5C_OK: return "success";
    case H5C_ERR_ARG: return "invalid argument";
    case H5C_ERR_IO: return "I/O error";
    case H5C_ERR_FORMAT: return "malformed HDF5 data";
    case H5C_ERR_CHECKSUM: return "checksum mismatch";
    case H5C_ERR_UNSUPPORTED: return "unsupported HDF5 feature";
    case H5C_ERR_NOT_FOUND: return "not found";
    case H5C_ERR_NOMEM: return "out of memory";
    case H5C_ERR_LIMIT: return "size exceeds a safety limit";
    case H5C_ERR_TYPE: return "wrong object kind";
    }
    return "unknown error";
}

int h5c_fail(h5c_error *err, h5c_code code, const char *fmt, ...)
{
    if (!err) return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void h5c_err_context(h5c_error *err, const char *fmt, ...)
{
    if (!err || err->code == H5C_OK) return;
    char ctx[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(ctx, sizeof ctx - 2, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t c = strlen(ctx);
    memcpy(ctx + c, ": ", 3);
    c += 2;
    size_t old = strnlen(err->msg, sizeof err->msg - 1);
    if (c + old >= sizeof err->msg) old = sizeof err->msg - 1 - c; /* keep the start */
    memmove(err->msg + c, err->msg, old);
    memcpy(err->msg, ctx, c);
    err->msg[c + old] = 0;
}

void h5c_err_clear(h5c_error *err)
{
    if (!err) return;
    err->code = H5C_OK;
    err->msg[0] = 0;
}

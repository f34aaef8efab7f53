/* json_out.h - a tiny streaming JSON writer for the h5coro CLI.
 *
 * The writer keeps only a comma flag and the nesting depth, so values can
 * nest to any depth. Containers opened with multiline=1 put each item on its
 * own indented line (when the writer was created with an indent); anything
 * inside a single-line container stays on that line.
 *
 * Strings are written as given bytes: '"' and '\\' are escaped, control
 * characters become \u00XX, valid UTF-8 sequences pass through unchanged and
 * each byte that is not part of a valid UTF-8 sequence becomes \u00XX. */
#ifndef H5CORO_CLI_JSON_OUT_H
#define H5CORO_CLI_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jw {
    FILE *f;
    int indent;       /* spaces per level for multiline containers; 0 = compact */
    int depth;        /* containers currently open */
    int ml_depth;     /* the outermost ml_depth open containers are multiline */
    int need_comma;   /* an item was written in the current container */
    int after_key;    /* a key was written; its value comes next */
} jw;

void jw_init(jw *w, FILE *f, int indent);

void jw_begin_array(jw *w, int multiline);
void jw_end_array(jw *w);
void jw_begin_object(jw *w, int multiline);
void jw_end_object(jw *w);
void jw_key(jw *w, const char *key);

void jw_null(jw *w);
void jw_bool(jw *w, int b);
void jw_int(jw *w, int64_t v);
void jw_uint(jw *w, uint64_t v);
void jw_double(jw *w, double v);           /* %.17g, NaN, Infinity, -Infinity */
void jw_string(jw *w, const char *s);      /* NUL-terminated; NULL writes null */
void jw_string_n(jw *w, const char *s, size_t n);
void jw_raw(jw *w, const char *text);      /* an already formatted value */

/* Length (1-4) of the valid UTF-8 sequence starting at s[0..n), or 0 when
 * s[0] does not start one (overlong forms, surrogates and code points above
 * U+10FFFF are invalid). */
size_t json_utf8_seq_len(const unsigned char *s, size_t n);

/* Write s[0..n) as a quoted, escaped JSON string. */
void json_write_string(FILE *f, const char *s, size_t n);

/* Format v as %.17g, or NaN / Infinity / -Infinity. buf needs 32 bytes. */
const char *json_format_double(double v, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif

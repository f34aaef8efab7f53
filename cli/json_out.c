/* json_out.c - a tiny streaming JSON writer (see json_out.h).
 * Kept valid C++ as well, so a unit test can compile it directly. */
#include "json_out.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void jw_init(jw *w, FILE *f, int indent)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->indent = indent;
}

static void jw_newline(jw *w, int level)
{
    fputc('\n', w->f);
    for (int i = 0; i < level * w->indent; i++) fputc(' ', w->f);
}

/* Separator and line break before an item (a value or a key). */
static void jw_prefix(jw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    int multiline = w->indent > 0 && w->depth > 0 && w->depth == w->ml_depth;
    if (w->need_comma) {
        fputc(',', w->f);
        if (w->indent > 0 && !multiline) fputc(' ', w->f);
    }
    if (multiline) jw_newline(w, w->depth);
}

static void jw_begin(jw *w, char open, int multiline)
{
    jw_prefix(w);
    fputc(open, w->f);
    int outer_multiline = w->ml_depth == w->depth;
    w->depth++;
    if (multiline && outer_multiline) w->ml_depth = w->depth;
    w->need_comma = 0;
}

static void jw_end(jw *w, char close)
{
    if (w->depth <= 0) return;
    if (w->ml_depth == w->depth) {
        if (w->need_comma && w->indent > 0) jw_newline(w, w->depth - 1);
        w->ml_depth--;
    }
    fputc(close, w->f);
    w->depth--;
    w->need_comma = 1;
    w->after_key = 0;
}

void jw_begin_array(jw *w, int multiline) { jw_begin(w, '[', multiline); }
void jw_end_array(jw *w) { jw_end(w, ']'); }
void jw_begin_object(jw *w, int multiline) { jw_begin(w, '{', multiline); }
void jw_end_object(jw *w) { jw_end(w, '}'); }

void jw_key(jw *w, const char *key)
{
    jw_prefix(w);
    json_write_string(w->f, key, strlen(key));
    fputs(w->indent > 0 ? ": " : ":", w->f);
    w->need_comma = 0;
    w->after_key = 1;
}

void jw_raw(jw *w, const char *text)
{
    jw_prefix(w);
    fputs(text, w->f);
    w->need_comma = 1;
}

void jw_null(jw *w) { jw_raw(w, "null"); }
void jw_bool(jw *w, int b) { jw_raw(w, b ? "true" : "false"); }

void jw_int(jw *w, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    jw_raw(w, buf);
}

void jw_uint(jw *w, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    jw_raw(w, buf);
}

void jw_double(jw *w, double v)
{
    char buf[40];
    jw_raw(w, json_format_double(v, buf, sizeof buf));
}

void jw_string_n(jw *w, const char *s, size_t n)
{
    jw_prefix(w);
    json_write_string(w->f, s, n);
    w->need_comma = 1;
}

void jw_string(jw *w, const char *s)
{
    if (!s) {
        jw_null(w);
        return;
    }
    jw_string_n(w, s, strlen(s));
}

const char *json_format_double(double v, char *buf, size_t len)
{
    if (isnan(v)) snprintf(buf, len, "NaN");
    else if (isinf(v)) snprintf(buf, len, v < 0 ? "-Infinity" : "Infinity");
    else {
        /* keep it a float for JSON readers: "-0" would parse as integer 0 */
        int n = snprintf(buf, len, "%.17g", v);
        if (n > 0 && (size_t)n + 2 < len && !strpbrk(buf, ".e")) memcpy(buf + n, ".0", 3);
    }
    return buf;
}

size_t json_utf8_seq_len(const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;  /* continuation byte, overlong lead (C0, C1) or > F4 */
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    return len;
}

void json_write_string(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            i++;
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", (unsigned)c);
            i++;
        } else if (c < 0x80) {
            fputc(c, f);
            i++;
        } else {
            size_t len = json_utf8_seq_len(p + i, n - i);
            if (len == 0) {
                fprintf(f, "\\u%04x", (unsigned)c);
                i++;
            } else {
                fwrite(p + i, 1, len, f);
                i += len;
            }
        }
    }
    fputc('"', f);
}

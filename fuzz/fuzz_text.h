/* fuzz_text.h - split a fuzz input into NUL-terminated fields at '\n'
 * (text targets: header lines, keys, documents). */
#ifndef H5C_FUZZ_TEXT_H
#define H5C_FUZZ_TEXT_H

#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_FIELDS 64

typedef struct fuzz_fields {
    char *buf;            /* the input with '\n' replaced by NUL */
    char *f[FUZZ_MAX_FIELDS];
    size_t n;
} fuzz_fields;

static inline int fuzz_split(fuzz_fields *ff, const uint8_t *data, size_t size, size_t max)
{
    ff->buf = malloc(size + 1);
    ff->n = 0;
    if (!ff->buf) return -1;
    memcpy(ff->buf, data, size);
    ff->buf[size] = 0;
    char *p = ff->buf;
    while (ff->n < max && ff->n < FUZZ_MAX_FIELDS) {
        ff->f[ff->n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl) break;
        *nl = 0;
        p = nl + 1;
    }
    return 0;
}

/* Field i, or "" when the input had fewer. */
static inline const char *fuzz_field(const fuzz_fields *ff, size_t i)
{
    return i < ff->n ? ff->f[i] : "";
}

#endif

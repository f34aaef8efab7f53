/* local_heap.c - local heaps ("HEAP"): the link-name store of old-style
 * (symbol table) groups. Only the data segment is kept; the free list is
 * not needed to read names. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

/* Parse the fixed header; fills size and data address. */
static int lheap_header(h5c_file *f, uint64_t addr, uint64_t *size, uint64_t *data_addr,
                        h5c_error *err)
{
    size_t hlen = 8 + 2 * (size_t)f->sl + f->so;
    uint8_t *buf = h5c_meta_read(f, addr, hlen, "local heap", err);
    if (!buf) return -1;

    h5c_cur c;
    h5c_file_cur(f, &c, buf, hlen, addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    uint8_t version = h5c_cur_u8(&c);
    h5c_cur_skip(&c, 3);                 /* reserved */
    *size = h5c_cur_len(&c);
    (void)h5c_cur_len(&c);               /* free-list head: not needed for reading */
    *data_addr = h5c_cur_addr(&c);
    int ok = h5c_cur_ok(&c) && sig && memcmp(sig, "HEAP", 4) == 0;
    free(buf);

    if (!ok) return H5C_FMT(err, "local heap at 0x%llx: bad signature", (unsigned long long)addr);
    if (version != 0)
        return H5C_UNSUP(err, "local heap version %u at 0x%llx", version, (unsigned long long)addr);
    return 0;
}

int h5c_lheap_read(h5c_file *f, uint64_t addr, h5c_lheap *out, h5c_error *err)
{
    memset(out, 0, sizeof *out);
    out->addr = addr;

    uint64_t size, data_addr;
    if (lheap_header(f, addr, &size, &data_addr, err) < 0) return -1;

    if (size == 0) {
        /* An empty heap is legal; keep a valid pointer so callers need no test. */
        out->data = calloc(1, 1);
        if (!out->data) return H5C_NOMEM(err);
        return 0;
    }
    if (data_addr == H5C_UNDEF)
        return H5C_FMT(err, "local heap at 0x%llx: data segment of %llu bytes has no address",
                       (unsigned long long)addr, (unsigned long long)size);
    /* A data segment cannot be larger than the file (h5c_meta_read also caps it). */
    if (size > f->eof)
        return H5C_FMT(err, "local heap at 0x%llx: data segment size %llu exceeds the file size",
                       (unsigned long long)addr, (unsigned long long)size);

    out->data = h5c_meta_read(f, data_addr, (size_t)size, "local heap data segment", err);
    if (!out->data) {
        h5c_err_context(err, "local heap at 0x%llx", (unsigned long long)addr);
        return -1;
    }
    out->size = (size_t)size;
    return 0;
}

const char *h5c_lheap_str(const h5c_lheap *h, uint64_t off, h5c_error *err)
{
    if (!h || !h->data || off >= h->size) {
        h5c_fail(err, H5C_ERR_FORMAT, "local heap at 0x%llx: string offset %llu is outside the heap (size %zu)",
                 (unsigned long long)(h ? h->addr : 0), (unsigned long long)off, h ? h->size : (size_t)0);
        return NULL;
    }
    const char *s = (const char *)h->data + off;
    /* The terminating NUL must lie inside the data segment. */
    if (!memchr(s, 0, h->size - (size_t)off)) {
        h5c_fail(err, H5C_ERR_FORMAT,
                 "local heap at 0x%llx: string at offset %llu is not terminated inside the heap (size %zu)",
                 (unsigned long long)h->addr, (unsigned long long)off, h->size);
        return NULL;
    }
    return s;
}

void h5c_lheap_free(h5c_lheap *h)
{
    if (!h) return;
    free(h->data);
    h->data = NULL;
    h->size = 0;
}

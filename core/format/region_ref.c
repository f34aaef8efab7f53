/* region_ref.c - old-style dataset region references (reference type 1):
 * a global heap ID whose object holds the target's object header address
 * and the serialized dataspace selection (format spec, "Dataspace
 * Selection"). Decoded into h5c_regref: the address and the selection as
 * JSON text, {"type":"all"|"none"} or {"type":"points","points":[[..]..]}
 * or {"type":"hyperslab","blocks":[[[start..],[end..]]..]} (corners
 * inclusive, as libhdf5's H5Sget_select_hyper_blocklist lists them). */
#define _POSIX_C_SOURCE 200809L
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H5C_MAX_REGION_ITEMS (1u << 20)  /* points or blocks one reference may list */

typedef struct strbuf {
    char *p;
    size_t len, cap;
    int bad;
} strbuf;

static void sb_add(strbuf *b, const char *fmt, unsigned long long v, int num)
{
    char tmp[32];
    const char *s = fmt;
    if (num) {
        snprintf(tmp, sizeof tmp, "%llu", v);
        s = tmp;
    }
    size_t n = strlen(s);
    if (b->bad) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 64) + n;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->bad = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

static void sb_text(strbuf *b, const char *s) { sb_add(b, s, 0, 0); }
static void sb_num(strbuf *b, unsigned long long v) { sb_add(b, NULL, v, 1); }

static void coords(strbuf *b, const uint64_t *c, uint32_t rank)
{
    sb_text(b, "[");
    for (uint32_t k = 0; k < rank; k++) {
        if (k) sb_text(b, ",");
        sb_num(b, c[k]);
    }
    sb_text(b, "]");
}

/* One hyperslab block as [[low corner],[high corner]], after a comma
 * unless it is the first. */
static void block_pair(strbuf *b, int first, const uint64_t *lo, const uint64_t *hi, uint32_t rank)
{
    sb_text(b, first ? "[" : ",[");
    coords(b, lo, rank);
    sb_text(b, ",");
    coords(b, hi, rank);
    sb_text(b, "]");
}

static int bad_sel(const char *why, uint64_t at, h5c_error *err)
{
    return H5C_FMT(err, "region reference selection at 0x%llx: %s", (unsigned long long)at, why);
}

/* Version 1 points or hyperslab blocks: 32-bit coordinates. */
static int sel_v1_list(h5c_cur *c, int points, strbuf *b, uint64_t at, h5c_error *err)
{
    h5c_cur_skip(c, 4); /* reserved */
    h5c_cur_skip(c, 4); /* length */
    uint32_t rank = h5c_cur_u32(c), n = h5c_cur_u32(c);
    if (!h5c_cur_ok(c)) return bad_sel("truncated", at, err);
    if (rank == 0 || rank > H5C_MAX_RANK) return bad_sel("bad rank", at, err);
    if (n > H5C_MAX_REGION_ITEMS) return h5c_fail(err, H5C_ERR_LIMIT, "region reference lists %u items", n);
    uint64_t per = (uint64_t)rank * 4 * (points ? 1 : 2);
    if ((uint64_t)n * per > h5c_cur_left(c)) return bad_sel("truncated coordinate list", at, err);
    sb_text(b, points ? "{\"type\":\"points\",\"points\":[" : "{\"type\":\"hyperslab\",\"blocks\":[");
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v[2 * H5C_MAX_RANK];
        for (uint32_t k = 0; k < rank * (points ? 1u : 2u); k++) v[k] = h5c_cur_u32(c);
        if (!points) {
            block_pair(b, i == 0, v, v + rank, rank);
            continue;
        }
        if (i) sb_text(b, ",");
        coords(b, v, rank);
    }
    sb_text(b, "]}");
    return 0;
}

/* Version 2 hyperslab: regular (start, stride, count, block per dimension,
 * 64-bit) or irregular (64-bit corner list); regular ones are listed block
 * by block in C order, as libhdf5 lists them. */
static int sel_v2_hyper(h5c_cur *c, strbuf *b, uint64_t at, h5c_error *err)
{
    uint8_t flags = h5c_cur_u8(c);
    h5c_cur_skip(c, 4); /* length */
    uint32_t rank = h5c_cur_u32(c);
    if (!h5c_cur_ok(c)) return bad_sel("truncated", at, err);
    if (rank == 0 || rank > H5C_MAX_RANK) return bad_sel("bad rank", at, err);
    if (!(flags & 1)) {
        uint64_t n = h5c_cur_uint(c, 8);
        if (n > H5C_MAX_REGION_ITEMS) return h5c_fail(err, H5C_ERR_LIMIT, "region reference lists %llu blocks",
                                                      (unsigned long long)n);
        if (n * rank * 16 > h5c_cur_left(c)) return bad_sel("truncated block list", at, err);
        sb_text(b, "{\"type\":\"hyperslab\",\"blocks\":[");
        for (uint64_t i = 0; i < n; i++) {
            uint64_t v[2 * H5C_MAX_RANK];
            for (uint32_t k = 0; k < 2 * rank; k++) v[k] = h5c_cur_uint(c, 8);
            block_pair(b, i == 0, v, v + rank, rank);
        }
        sb_text(b, "]}");
        return 0;
    }
    uint64_t start[H5C_MAX_RANK], stride[H5C_MAX_RANK], count[H5C_MAX_RANK], block[H5C_MAX_RANK];
    uint64_t total = 1;
    for (uint32_t k = 0; k < rank; k++) {
        start[k] = h5c_cur_uint(c, 8);
        stride[k] = h5c_cur_uint(c, 8);
        count[k] = h5c_cur_uint(c, 8);
        block[k] = h5c_cur_uint(c, 8);
        if (count[k] == 0 || block[k] == 0) total = 0;
        else if (total && count[k] > H5C_MAX_REGION_ITEMS / total) total = UINT64_MAX;
        else if (total) total *= count[k];
    }
    if (!h5c_cur_ok(c)) return bad_sel("truncated regular hyperslab", at, err);
    if (total > H5C_MAX_REGION_ITEMS)
        return h5c_fail(err, H5C_ERR_LIMIT, "region reference hyperslab of more than %u blocks", H5C_MAX_REGION_ITEMS);
    sb_text(b, "{\"type\":\"hyperslab\",\"blocks\":[");
    uint64_t idx[H5C_MAX_RANK] = {0};
    for (uint64_t i = 0; i < total; i++) {
        uint64_t lo[H5C_MAX_RANK], hi[H5C_MAX_RANK];
        for (uint32_t k = 0; k < rank; k++) {
            lo[k] = start[k] + idx[k] * stride[k];
            hi[k] = lo[k] + block[k] - 1;
        }
        block_pair(b, i == 0, lo, hi, rank);
        for (int k = (int)rank - 1; k >= 0; k--) {
            if (++idx[k] < count[k]) break;
            idx[k] = 0;
        }
    }
    sb_text(b, "]}");
    return 0;
}

static int selection_text(h5c_cur *c, strbuf *b, h5c_error *err)
{
    uint64_t at = h5c_cur_pos(c);
    uint32_t type = h5c_cur_u32(c), version = h5c_cur_u32(c);
    if (!h5c_cur_ok(c)) return bad_sel("truncated", at, err);
    switch (type) {
    case 0: sb_text(b, "{\"type\":\"none\"}"); return 0;
    case 3: sb_text(b, "{\"type\":\"all\"}"); return 0;
    case 1:
        if (version != 1) return H5C_UNSUP(err, "region reference point selection version %u", version);
        return sel_v1_list(c, 1, b, at, err);
    case 2:
        if (version == 1) return sel_v1_list(c, 0, b, at, err);
        if (version == 2) return sel_v2_hyper(c, b, at, err);
        return H5C_UNSUP(err, "region reference hyperslab selection version %u", version);
    }
    return bad_sel("unknown selection type", at, err);
}

int h5c_regref_decode(h5c_file *f, const uint8_t *src, h5c_regref *out, h5c_error *err)
{
    out->addr = 0;
    out->selection = NULL;
    uint64_t coll = h5c_le(src, f->so);
    uint32_t index = (uint32_t)h5c_le(src + f->so, 4);
    uint64_t undef = f->so < 8 ? ((uint64_t)1 << (8 * f->so)) - 1 : H5C_UNDEF;
    if (coll == 0 || coll == undef) return 0; /* null reference */
    uint8_t *obj = NULL;
    size_t len = 0;
    if (h5c_gheap_get(f, coll, index, &obj, &len, err) != 0) return -1;
    h5c_cur c;
    h5c_file_cur(f, &c, obj, len, coll);
    uint64_t addr = h5c_cur_uint(&c, f->so);
    strbuf b = {0};
    int rc = h5c_cur_ok(&c) ? selection_text(&c, &b, err)
                            : H5C_FMT(err, "region reference in heap collection 0x%llx: truncated",
                                      (unsigned long long)coll);
    free(obj);
    if (rc == 0 && b.bad) rc = H5C_NOMEM(err);
    if (rc != 0) {
        free(b.p);
        return -1;
    }
    out->addr = addr == undef ? 0 : addr;
    out->selection = b.p;
    return 0;
}

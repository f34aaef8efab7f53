/* selection.c - serialized dataspace selections (format spec, "Dataspace
 * Selection"), decoded into a structure: the virtual dataset mappings
 * (vds.c) carry two per mapping. Types none, points (v1, v2), hyperslab
 * (v1 32-bit block lists, v2 64-bit regular, v3 regular or block lists with
 * 2/4/8-byte coordinates) and all. An all-ones count or block is
 * unlimited (H5C_SEL_UNLIM) whatever its encoded width. */
#include "selection.h"

#include <stdlib.h>
#include <string.h>

#define H5C_MAX_SEL_ITEMS (1u << 20) /* points or blocks one selection may list */

static int bad(const char *what, uint64_t at, const char *why, h5c_error *err)
{
    return H5C_FMT(err, "%s selection at 0x%llx: %s", what, (unsigned long long)at, why);
}

static uint64_t coord(h5c_cur *c, unsigned enc)
{
    uint64_t v = h5c_cur_uint(c, enc);
    if (enc < 8 && v == ((uint64_t)1 << (8 * enc)) - 1) return H5C_SEL_UNLIM;
    return v;
}

/* n items of per coordinates each (enc bytes): points or block corners. */
static int take_list(h5c_cur *c, h5c_selection *s, uint64_t n, unsigned per, unsigned enc, const char *what,
                     uint64_t at, h5c_error *err)
{
    if (n > H5C_MAX_SEL_ITEMS)
        return h5c_fail(err, H5C_ERR_LIMIT, "%s selection at 0x%llx lists %llu items (limit %u)", what,
                        (unsigned long long)at, (unsigned long long)n, H5C_MAX_SEL_ITEMS);
    if (n * per * enc > h5c_cur_left(c)) return bad(what, at, "truncated coordinate list", err);
    s->n = n;
    s->coords = malloc((n * per > 0 ? (size_t)(n * per) : 1) * sizeof *s->coords);
    if (!s->coords) return H5C_NOMEM(err);
    for (uint64_t i = 0; i < n * per; i++) s->coords[i] = coord(c, enc);
    return 0;
}

static int take_rank(h5c_cur *c, h5c_selection *s, const char *what, uint64_t at, h5c_error *err)
{
    s->rank = h5c_cur_u32(c);
    if (!h5c_cur_ok(c)) return bad(what, at, "truncated", err);
    if (s->rank == 0 || s->rank > H5C_MAX_RANK) return bad(what, at, "bad rank", err);
    return 0;
}

static int take_regular(h5c_cur *c, h5c_selection *s, unsigned enc, const char *what, uint64_t at, h5c_error *err)
{
    s->regular = 1;
    for (uint32_t k = 0; k < s->rank; k++) {
        s->start[k] = h5c_cur_uint(c, enc);
        s->stride[k] = coord(c, enc);
        s->count[k] = coord(c, enc);
        s->block[k] = coord(c, enc);
    }
    return h5c_cur_ok(c) ? 0 : bad(what, at, "truncated regular hyperslab", err);
}

/* A block list of one block is the regular hyperslab of that block. */
static void single_block(h5c_selection *s)
{
    if (s->type != H5C_SEL_HYPER || s->regular || s->n != 1) return;
    for (uint32_t k = 0; k < s->rank; k++) {
        uint64_t lo = s->coords[k], hi = s->coords[s->rank + k];
        s->start[k] = lo;
        s->stride[k] = 1;
        s->count[k] = 1;
        s->block[k] = hi == H5C_SEL_UNLIM ? H5C_SEL_UNLIM : hi - lo + 1;
    }
    s->regular = 1;
}

static int check_blocks(const h5c_selection *s, const char *what, uint64_t at, h5c_error *err)
{
    if (s->type != H5C_SEL_HYPER || s->regular) return 0;
    for (uint64_t i = 0; i < s->n; i++)
        for (uint32_t k = 0; k < s->rank; k++)
            if (s->coords[2 * i * s->rank + k] > s->coords[(2 * i + 1) * s->rank + k])
                return bad(what, at, "block corner below its start", err);
    return 0;
}

static int decode_body(h5c_cur *c, h5c_selection *s, uint32_t version, const char *what, uint64_t at,
                       h5c_error *err)
{
    if (s->type == H5C_SEL_NONE || s->type == H5C_SEL_ALL) {
        h5c_cur_skip(c, 8); /* reserved, length */
        return h5c_cur_ok(c) ? 0 : bad(what, at, "truncated", err);
    }
    unsigned per = s->type == H5C_SEL_POINTS ? 1 : 2;
    if (version == 1) {
        h5c_cur_skip(c, 8); /* reserved, length */
        if (take_rank(c, s, what, at, err) != 0) return -1;
        uint64_t n = h5c_cur_u32(c);
        return h5c_cur_ok(c) ? take_list(c, s, n, per * s->rank, 4, what, at, err) : bad(what, at, "truncated", err);
    }
    if (s->type == H5C_SEL_POINTS) {
        if (version != 2) return H5C_UNSUP(err, "%s point selection version %u", what, version);
        unsigned enc = h5c_cur_u8(c);
        if (enc != 2 && enc != 4 && enc != 8) return bad(what, at, "bad coordinate size", err);
        if (take_rank(c, s, what, at, err) != 0) return -1;
        uint64_t n = h5c_cur_uint(c, enc);
        return h5c_cur_ok(c) ? take_list(c, s, n, s->rank, enc, what, at, err) : bad(what, at, "truncated", err);
    }
    if (version != 2 && version != 3) return H5C_UNSUP(err, "%s hyperslab selection version %u", what, version);
    uint8_t flags = h5c_cur_u8(c);
    unsigned enc = 8;
    if (version == 2) h5c_cur_skip(c, 4); /* length */
    else enc = h5c_cur_u8(c);
    if (enc != 2 && enc != 4 && enc != 8) return bad(what, at, "bad coordinate size", err);
    if (take_rank(c, s, what, at, err) != 0) return -1;
    if (flags & 1) return take_regular(c, s, enc, what, at, err);
    uint64_t n = h5c_cur_uint(c, enc);
    return h5c_cur_ok(c) ? take_list(c, s, n, 2 * s->rank, enc, what, at, err) : bad(what, at, "truncated", err);
}

int h5c_selection_decode(h5c_cur *c, h5c_selection *s, const char *what, h5c_error *err)
{
    memset(s, 0, sizeof *s);
    uint64_t at = h5c_cur_pos(c);
    s->type = h5c_cur_u32(c);
    uint32_t version = h5c_cur_u32(c);
    if (!h5c_cur_ok(c)) return bad(what, at, "truncated", err);
    if (s->type > H5C_SEL_ALL) return bad(what, at, "unknown selection type", err);
    int rc = decode_body(c, s, version, what, at, err);
    if (rc == 0) rc = check_blocks(s, what, at, err);
    if (rc != 0) {
        h5c_selection_free(s);
        return -1;
    }
    single_block(s);
    return 0;
}

void h5c_selection_free(h5c_selection *s)
{
    free(s->coords);
    s->coords = NULL;
    s->n = 0;
}

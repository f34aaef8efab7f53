/* dense.c - dense link and attribute storage: the name-index B-tree v2 of
 * a link-info / attribute-info message points (by heap ID) at link or
 * attribute messages in a fractal heap. Records come in hash order; the
 * callers sort by name. */
#include "fheap.h"

#include <stdlib.h>
#include <string.h>

#define ULL(x) ((unsigned long long)(x))
#define BT2_LINK_NAME 5
#define BT2_ATTR_NAME 8
#define MSG_FLAG_SHARED 0x02

typedef struct dense_ctx {
    h5c_file *f;
    h5c_fheap heap;
    h5c_link_fn link_fn;
    h5c_attrmsg_fn attr_fn;
    void *ud;
} dense_ctx;

/* Open the heap; 1 = nothing stored (no index), 0 = opened, -1 = error. */
static int dense_open(h5c_file *f, const h5c_dense_info *di, dense_ctx *ctx, const char *what,
                      h5c_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->f = f;
    if (di->name_bt2 == H5C_UNDEF) return 1;
    if (di->heap_addr == H5C_UNDEF)
        return H5C_FMT(err, "dense %s: name index at 0x%llx but no fractal heap", what,
                       ULL(di->name_bt2));
    if (h5c_fheap_open(f, di->heap_addr, &ctx->heap, err) < 0) {
        h5c_err_context(err, "dense %s", what);
        return -1;
    }
    return 0;
}

/* Record type 5: name hash (4 bytes), then the heap ID. */
static int link_rec(const uint8_t *rec, size_t len, uint8_t type, void *ud, h5c_error *err)
{
    dense_ctx *ctx = ud;
    if (type != BT2_LINK_NAME)
        return H5C_FMT(err, "dense links: name index has record type %u (expected %d)", type,
                       BT2_LINK_NAME);
    if (len < 4 + (size_t)ctx->heap.id_len)
        return H5C_FMT(err, "dense links: %zu-byte record is too short for a %u-byte heap ID", len,
                       ctx->heap.id_len);

    uint8_t *obj;
    size_t olen;
    uint64_t oaddr;
    if (h5c_fheap_read(ctx->f, &ctx->heap, rec + 4, ctx->heap.id_len, &obj, &olen, &oaddr, err) < 0)
        return -1;
    h5c_link l;
    memset(&l, 0, sizeof l);
    int rc = h5c_link_parse(ctx->f, obj, olen, oaddr, &l, err);
    if (rc == 0) rc = ctx->link_fn(&l, ctx->ud, err);
    h5c_link_free(&l);
    free(obj);
    return rc;
}

int h5c_dense_links(h5c_file *f, const h5c_dense_info *di, h5c_link_fn fn, void *ud,
                    h5c_error *err)
{
    dense_ctx ctx;
    int rc = dense_open(f, di, &ctx, "links", err);
    if (rc != 0) return rc < 0 ? -1 : 0;
    ctx.link_fn = fn;
    ctx.ud = ud;
    rc = h5c_bt2_iterate(f, di->name_bt2, link_rec, &ctx, err);
    h5c_fheap_close(&ctx.heap);
    return rc;
}

/* Fetch the attribute message a type 8 record names. A shared attribute's
 * record holds a heap ID of the shared message heap, not of this one. */
static int attr_fetch(dense_ctx *ctx, const uint8_t *id, uint8_t flags, uint8_t **obj,
                      size_t *olen, uint64_t *oaddr, h5c_error *err)
{
    if (flags & MSG_FLAG_SHARED) {
        *oaddr = ctx->f->sohm_addr;
        return h5c_sohm_get(ctx->f, H5C_MSG_ATTRIBUTE, id, obj, olen, err);
    }
    return h5c_fheap_read(ctx->f, &ctx->heap, id, ctx->heap.id_len, obj, olen, oaddr, err);
}

/* Record type 8: heap ID (8 bytes), message flags, creation order, hash. */
static int attr_rec(const uint8_t *rec, size_t len, uint8_t type, void *ud, h5c_error *err)
{
    dense_ctx *ctx = ud;
    if (type != BT2_ATTR_NAME)
        return H5C_FMT(err, "dense attributes: name index has record type %u (expected %d)", type,
                       BT2_ATTR_NAME);
    if (len < 8 + 1 + 4 + 4 || ctx->heap.id_len > 8)
        return H5C_FMT(err, "dense attributes: %zu-byte record does not hold a %u-byte heap ID", len,
                       ctx->heap.id_len);

    uint8_t *obj;
    size_t olen;
    uint64_t oaddr = ctx->heap.addr;
    if (attr_fetch(ctx, rec, rec[8], &obj, &olen, &oaddr, err) < 0) return -1;
    h5c_attrmsg a;
    memset(&a, 0, sizeof a);
    int rc = h5c_attrmsg_parse(ctx->f, obj, olen, oaddr, &a, err);
    free(obj);
    if (rc < 0) {
        h5c_attrmsg_free(&a);
        return -1;
    }
    return ctx->attr_fn(&a, ctx->ud, err);   /* the callee owns a's contents */
}

int h5c_dense_attrs(h5c_file *f, const h5c_dense_info *di, h5c_attrmsg_fn fn, void *ud,
                    h5c_error *err)
{
    dense_ctx ctx;
    int rc = dense_open(f, di, &ctx, "attributes", err);
    if (rc != 0) return rc < 0 ? -1 : 0;
    ctx.attr_fn = fn;
    ctx.ud = ud;
    rc = h5c_bt2_iterate(f, di->name_bt2, attr_rec, &ctx, err);
    h5c_fheap_close(&ctx.heap);
    return rc;
}

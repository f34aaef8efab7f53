/* chunk_btree1.c - chunk index in a version 1 B-tree (layout v1-v3, and v4
 * with index type 1).
 *
 * Node: "TREE", node type (1 = raw data chunks), level, entries used, left
 * and right sibling addresses, then keys and child addresses interleaved:
 * key[0] child[0] key[1] ... child[n-1] key[n]. A key is the stored chunk
 * size (u32), the filter mask (u32) and rank+1 u64 element offsets (the last
 * one, for the element-size dimension, is 0). In a leaf (level 0) child[i]
 * is the chunk described by key[i]; in an internal node child[i] is a
 * subtree holding chunks c with key[i] <= c < key[i+1] in lexicographic
 * order of the offsets (dimension 0 most significant); the last key is one
 * chunk past the last chunk in every dimension.
 *
 * Safety: levels must decrease by exactly one per step (no cycles, depth
 * <= H5C_MAX_TREE_DEPTH), a node may be visited once (no shared subtrees),
 * and the number of nodes is bounded by the chunk grid. */
#include "chunk_index.h"

#include <stdlib.h>
#include <string.h>

#define BT1_DEFAULT_K 32
#define BT1_MAX_NODES (1u << 24)
#define PREFETCH_ALL_BELOW 4096 /* chunks: fetch a small index whole */

typedef struct bt1 {
    h5c_cidx *x;
    uint64_t root;
    unsigned ndims;           /* offsets per key: rank + 1 */
    size_t key_size;
    size_t max_entries;       /* 2K from the superblock: first read size */
    uint64_t nodes, max_nodes;
    /* visited node addresses (open addressing, 0 = empty slot, so
     * addresses are stored + 1) */
    uint64_t *seen;
    size_t seen_cap, seen_n;
} bt1;

static size_t node_size(const bt1 *t, size_t n)
{
    return 8 + 2 * (size_t)t->x->f->so + (n + 1) * t->key_size + n * (size_t)t->x->f->so;
}

static uint64_t hash64(uint64_t v)
{
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdULL;
    v ^= v >> 33;
    return v;
}

/* Record addr as visited; 1 if it was already there, -1 on no memory. */
static int seen_add(bt1 *t, uint64_t addr)
{
    if (t->seen_n * 2 >= t->seen_cap) {
        size_t ncap = t->seen_cap ? t->seen_cap * 2 : 64;
        uint64_t *ns = calloc(ncap, sizeof *ns);
        if (!ns) return -1;
        for (size_t i = 0; i < t->seen_cap; i++) {
            if (!t->seen[i]) continue;
            size_t j = hash64(t->seen[i]) & (ncap - 1);
            while (ns[j]) j = (j + 1) & (ncap - 1);
            ns[j] = t->seen[i];
        }
        free(t->seen);
        t->seen = ns;
        t->seen_cap = ncap;
    }
    uint64_t key = addr + 1;
    size_t j = hash64(key) & (t->seen_cap - 1);
    while (t->seen[j]) {
        if (t->seen[j] == key) return 1;
        j = (j + 1) & (t->seen_cap - 1);
    }
    t->seen[j] = key;
    t->seen_n++;
    return 0;
}

/* Lexicographic comparison of two keys' offsets (dataset dimensions). */
static int key_cmp(const uint64_t *a, const uint64_t *b, int rank)
{
    for (int i = 0; i < rank; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Whether a subtree holding chunks c with a <= c < b (lexicographic) can
 * hold a chunk in the box: dimensions where a and b agree are fixed, the
 * first one where they differ is a range, the rest are unconstrained. In
 * that dimension c can only reach b's value when b has a non-zero offset in
 * a later dimension. The right-most key of a node is not exclusive: libhdf5
 * may store the last chunk's own offset there (seen in 1.10 files), so for
 * the last child `b_inclusive` is set. */
static int subtree_may_intersect(const h5c_cidx *x, const uint64_t *a, const uint64_t *b, int b_inclusive)
{
    for (int i = 0; i < x->rank; i++) {
        uint64_t s0 = a[i] / x->chunk[i], s1 = b[i] / x->chunk[i];
        if (a[i] != b[i] && !b_inclusive) {
            int rest_zero = 1;
            for (int j = i + 1; j < x->rank; j++)
                if (b[j] != 0) rest_zero = 0;
            if (rest_zero && b[i] % x->chunk[i] == 0) {
                if (s1 == 0) return 0;
                s1--;
            }
        }
        if (s1 < x->slo[i] || s0 > x->shi[i]) return 0;
        if (a[i] != b[i]) return 1;
    }
    return 1;
}

static int visit(bt1 *t, uint64_t addr, int expect_level, const uint64_t *plo,
                 const uint64_t *phi, h5c_error *err);

static int parse_key(bt1 *t, h5c_cur *c, uint32_t *size, uint32_t *mask, uint64_t *off)
{
    *size = h5c_cur_u32(c);
    *mask = h5c_cur_u32(c);
    for (unsigned i = 0; i < t->ndims; i++) off[i] = h5c_cur_u64(c);
    return h5c_cur_ok(c);
}

/* Fetch the children the walk will visit in one batch rather than one
 * round trip each: those under the selection, or every child when the
 * whole index is small (later reads of other windows then cost nothing).
 * c is at the first key; a hint only, the walk checks everything. */
static void prefetch_children(bt1 *t, const h5c_cur *at, unsigned n)
{
    h5c_cidx *x = t->x;
    uint64_t *kids = malloc((n ? n : 1) * sizeof *kids);
    if (!kids) return;
    int all = x->grid_chunks <= PREFETCH_ALL_BELOW;
    h5c_cur c = *at;
    uint64_t klo[H5C_MAX_RANK + 1], khi[H5C_MAX_RANK + 1];
    uint32_t size, mask;
    size_t k = 0;
    if (parse_key(t, &c, &size, &mask, klo))
        for (unsigned i = 0; i < n; i++) {
            uint64_t child = h5c_cur_addr(&c);
            if (!parse_key(t, &c, &size, &mask, khi)) break;
            if (child != H5C_UNDEF && (all || subtree_may_intersect(x, klo, khi, i + 1 == n))) kids[k++] = child;
            memcpy(klo, khi, sizeof klo);
        }
    h5c_meta_prefetch(x->f, kids, k, node_size(t, t->max_entries));
    free(kids);
}

static int visit_node(bt1 *t, uint64_t addr, const uint8_t *buf, size_t len, int expect_level,
                      const uint64_t *plo, const uint64_t *phi, h5c_error *err)
{
    h5c_cidx *x = t->x;
    h5c_cur c;
    h5c_file_cur(x->f, &c, buf, len, addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    unsigned type = h5c_cur_u8(&c), level = h5c_cur_u8(&c), n = h5c_cur_u16(&c);
    h5c_cur_addr(&c); /* left sibling */
    h5c_cur_addr(&c); /* right sibling */
    if (!h5c_cur_ok(&c) || memcmp(sig, "TREE", 4) != 0)
        return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: bad signature",
                       (unsigned long long)t->root, (unsigned long long)addr);
    if (type != 1)
        return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: node type %u is not "
                            "raw data chunks (1)",
                       (unsigned long long)t->root, (unsigned long long)addr, type);
    if (expect_level >= 0 && (int)level != expect_level)
        return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: level %u, expected %d",
                       (unsigned long long)t->root, (unsigned long long)addr, level, expect_level);
    if (level > H5C_MAX_TREE_DEPTH)
        return h5c_fail(err, H5C_ERR_LIMIT, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: depth %u "
                                            "exceeds %d",
                        (unsigned long long)t->root, (unsigned long long)addr, level, H5C_MAX_TREE_DEPTH);
    if (len < node_size(t, n))
        return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: %u entries do not fit "
                            "(truncated node)",
                       (unsigned long long)t->root, (unsigned long long)addr, n);

    if (level > 0) prefetch_children(t, &c, n);
    uint64_t klo[H5C_MAX_RANK + 1], khi[H5C_MAX_RANK + 1];
    uint32_t size, mask, nsize, nmask;
    if (!parse_key(t, &c, &size, &mask, klo)) goto truncated;
    for (unsigned i = 0; i < n; i++) {
        uint64_t child = h5c_cur_addr(&c);
        if (!parse_key(t, &c, &nsize, &nmask, khi)) goto truncated;
        /* keys must ascend (the last one may equal its left neighbour only
         * in degenerate trees; HDF5 makes it one chunk further) */
        if (key_cmp(klo, khi, x->rank) > 0 ||
            (i + 1 < n && key_cmp(klo, khi, x->rank) == 0))
            return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: keys out of order "
                                "at entry %u",
                           (unsigned long long)t->root, (unsigned long long)addr, i);
        if ((plo && key_cmp(klo, plo, x->rank) < 0) || (phi && key_cmp(klo, phi, x->rank) > 0))
            return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: entry %u lies outside "
                                "the key range of its parent",
                           (unsigned long long)t->root, (unsigned long long)addr, i);
        int rc = 0;
        if (level == 0) {
            uint64_t scaled[H5C_MAX_RANK];
            for (int d = 0; d < x->rank; d++) {
                if (klo[d] % x->chunk[d] != 0)
                    return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: chunk offset "
                                        "%llu in dimension %d is not a multiple of the chunk size %llu",
                                   (unsigned long long)t->root, (unsigned long long)addr,
                                   (unsigned long long)klo[d], d, (unsigned long long)x->chunk[d]);
                scaled[d] = klo[d] / x->chunk[d];
            }
            rc = h5c_cidx_emit(x, child, size, mask, scaled, "B-tree v1 chunk index", t->root, err);
        } else if (child != H5C_UNDEF && subtree_may_intersect(x, klo, khi, i + 1 == n)) {
            rc = visit(t, child, (int)level - 1, klo, khi, err);
        }
        if (rc != 0) return rc;
        memcpy(klo, khi, sizeof klo);
        size = nsize;
        mask = nmask;
    }
    return 0;
truncated:
    return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx: truncated",
                   (unsigned long long)t->root, (unsigned long long)addr);
}

static int visit(bt1 *t, uint64_t addr, int expect_level, const uint64_t *plo,
                 const uint64_t *phi, h5c_error *err)
{
    h5c_cidx *x = t->x;
    int s = seen_add(t, addr);
    if (s < 0) return H5C_NOMEM(err);
    if (s > 0)
        return H5C_FMT(err, "B-tree v1 chunk index at 0x%llx: node at 0x%llx is reachable twice "
                            "(cycle or shared subtree)",
                       (unsigned long long)t->root, (unsigned long long)addr);
    if (++t->nodes > t->max_nodes)
        return h5c_fail(err, H5C_ERR_LIMIT, "B-tree v1 chunk index at 0x%llx: more than %llu nodes for a "
                                            "grid of %llu chunks",
                        (unsigned long long)t->root, (unsigned long long)t->max_nodes,
                        (unsigned long long)x->grid_chunks);
    /* One read normally covers the node (2K entries); re-read if it claims
     * more entries than that. */
    size_t got = 0;
    uint8_t *buf = h5c_meta_read_upto(x->f, addr, node_size(t, t->max_entries), &got,
                                      "B-tree v1 chunk node", err);
    if (!buf) {
        h5c_err_context(err, "B-tree v1 chunk index at 0x%llx", (unsigned long long)t->root);
        return -1;
    }
    if (got >= 8) {
        size_t n = (size_t)buf[6] | (size_t)buf[7] << 8;
        size_t need = node_size(t, n);
        if (need > got) {
            free(buf);
            buf = h5c_meta_read(x->f, addr, need, "B-tree v1 chunk node", err);
            if (!buf) {
                h5c_err_context(err, "B-tree v1 chunk index at 0x%llx", (unsigned long long)t->root);
                return -1;
            }
            got = need;
        }
    }
    int rc = visit_node(t, addr, buf, got, expect_level, plo, phi, err);
    free(buf);
    return rc;
}

int h5c_chunks_btree1(h5c_cidx *x, h5c_error *err)
{
    uint64_t root = x->d->layout.addr;
    if (root == H5C_UNDEF) return 0; /* no chunk written yet */
    bt1 t;
    memset(&t, 0, sizeof t);
    t.x = x;
    t.root = root;
    t.ndims = (unsigned)x->rank + 1;
    t.key_size = 8 + 8 * (size_t)t.ndims;
    t.max_entries = 2 * (size_t)(x->f->chunk_k ? x->f->chunk_k : BT1_DEFAULT_K);
    /* A well-formed tree has fewer nodes than chunks (plus the internal
     * levels); leave room for trees from files whose extent shrank. */
    t.max_nodes = x->grid_chunks > (BT1_MAX_NODES - 1024) / 4 ? BT1_MAX_NODES : 4 * x->grid_chunks + 1024;
    int rc = visit(&t, root, -1, NULL, NULL, err);
    free(t.seen);
    return rc;
}

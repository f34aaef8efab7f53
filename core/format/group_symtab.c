/* group_symtab.c - "old-style" groups: a v1 B-tree (node type 0) whose
 * leaves point at symbol table nodes (SNOD), names in a local heap. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NODES 1000000 /* bounds the walk of a corrupt (cyclic) tree */

typedef struct walk {
    h5c_file *f;
    h5c_lheap heap;
    h5c_link_fn fn;
    void *ud;
    size_t nodes;
} walk;

static int visit_entry(walk *w, h5c_cur *c, uint64_t snod, h5c_error *err)
{
    uint64_t name_off = h5c_cur_len(c);
    uint64_t obj = h5c_cur_addr(c);
    uint32_t cache = h5c_cur_u32(c);
    h5c_cur_skip(c, 4);
    const uint8_t *scratch = h5c_cur_take(c, 16);
    if (!h5c_cur_ok(c))
        return H5C_FMT(err, "symbol table node at 0x%llx: truncated entry", (unsigned long long)snod);
    h5c_link l = {0};
    l.corder = -1;
    const char *name = h5c_lheap_str(&w->heap, name_off, err);
    if (!name) return -1;
    l.name = (char *)name;
    l.addr = obj;
    if (cache == 2) {
        l.type = 1;
        l.target = (char *)h5c_lheap_str(&w->heap, h5c_le(scratch, 4), err);
        if (!l.target) return -1;
    }
    return w->fn(&l, w->ud, err);
}

/* Largest symbol table node: 2K entries of two offsets and 24 bytes. */
static size_t snod_size(const h5c_file *f)
{
    return 8 + (2u * f->so + 24) * 2u * f->sym_leaf_k;
}

static int visit_snod(walk *w, uint64_t addr, h5c_error *err)
{
    size_t cap = snod_size(w->f);
    size_t got;
    uint8_t *b = h5c_meta_read_upto(w->f, addr, cap, &got, "symbol table node", err);
    if (!b) return -1;
    h5c_cur c;
    h5c_file_cur(w->f, &c, b, got, addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    uint8_t version = h5c_cur_u8(&c);
    h5c_cur_skip(&c, 1);
    uint16_t n = h5c_cur_u16(&c);
    int rc = 0;
    if (!h5c_cur_ok(&c) || memcmp(sig, "SNOD", 4) != 0 || version != 1)
        rc = H5C_FMT(err, "symbol table node at 0x%llx: bad signature or version", (unsigned long long)addr);
    for (uint16_t i = 0; rc == 0 && i < n; i++) rc = visit_entry(w, &c, addr, err);
    free(b);
    return rc;
}

static int visit_node(walk *w, uint64_t addr, int depth, h5c_error *err)
{
    if (depth > H5C_MAX_TREE_DEPTH || ++w->nodes > MAX_NODES)
        return H5C_FMT(err, "group B-tree node at 0x%llx: tree too deep or cyclic", (unsigned long long)addr);
    size_t hdr = 8 + 2u * w->f->so;
    size_t cap = hdr + (2u * w->f->btree_k + 1) * ((size_t)w->f->sl + w->f->so);
    size_t got;
    uint8_t *b = h5c_meta_read_upto(w->f, addr, cap, &got, "group B-tree node", err);
    if (!b) return -1;
    h5c_cur c;
    h5c_file_cur(w->f, &c, b, got, addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    uint8_t type = h5c_cur_u8(&c), level = h5c_cur_u8(&c);
    uint16_t used = h5c_cur_u16(&c);
    h5c_cur_addr(&c);
    h5c_cur_addr(&c);
    int rc = 0;
    if (!h5c_cur_ok(&c) || memcmp(sig, "TREE", 4) != 0 || type != 0)
        rc = H5C_FMT(err, "group B-tree node at 0x%llx: bad signature or node type", (unsigned long long)addr);
    else if (level > 0 && depth == 0 && level > H5C_MAX_TREE_DEPTH)
        rc = H5C_FMT(err, "group B-tree node at 0x%llx: level %u too deep", (unsigned long long)addr, level);
    uint64_t *kids = rc == 0 && used ? malloc(used * sizeof *kids) : NULL;
    if (rc == 0 && used && !kids) rc = H5C_NOMEM(err);
    for (uint16_t i = 0; rc == 0 && i < used; i++) {
        h5c_cur_len(&c); /* key: heap offset of the largest name on the left */
        kids[i] = h5c_cur_addr(&c);
        if (!h5c_cur_ok(&c))
            rc = H5C_FMT(err, "group B-tree node at 0x%llx: %u entries exceed the node", (unsigned long long)addr, used);
    }
    free(b);
    /* the children in one batch, then walk them from memory */
    if (rc == 0) h5c_meta_prefetch(w->f, kids, used, level > 0 ? cap : snod_size(w->f));
    for (uint16_t i = 0; rc == 0 && i < used; i++)
        rc = level > 0 ? visit_node(w, kids[i], depth + 1, err) : visit_snod(w, kids[i], err);
    free(kids);
    return rc;
}

int h5c_symtab_iterate(h5c_file *f, uint64_t btree_addr, uint64_t heap_addr, h5c_link_fn fn, void *ud,
                       h5c_error *err)
{
    walk w = {0};
    w.f = f;
    w.fn = fn;
    w.ud = ud;
    /* heap and root node together (they usually lie side by side) */
    uint64_t first[2] = {heap_addr, btree_addr};
    h5c_meta_prefetch(f, first, 2, 512);
    if (h5c_lheap_read(f, heap_addr, &w.heap, err) != 0) return -1;
    int rc = visit_node(&w, btree_addr, 0, err);
    h5c_lheap_free(&w.heap);
    return rc;
}

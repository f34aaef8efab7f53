/* sohm.c - shared object header message table ("SMTB"): find the fractal
 * heap holding shared messages of a given type and fetch one by heap ID.
 *
 * Two details differ from a literal reading of the spec:
 *  - The message-type flags of an index are stored as the library defines
 *    them, bit (1 << message type): dataspace 0x0002, datatype 0x0008, fill
 *    value 0x0020, filter pipeline 0x0800, attribute 0x1000. (The spec's
 *    table numbers them bits 0..4, which no file uses.)
 *  - The number of indexes comes from the superblock extension's SOHM
 *    table message (f->sohm_nindexes); the table's trailing checksum is
 *    verified at the position that count implies. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#define ULL(x) ((unsigned long long)(x))
#define SOHM_MAX_INDEXES 8

typedef struct sohm_index {
    uint8_t version, index_type;
    uint16_t type_flags;
    uint64_t index_addr, heap_addr;
} sohm_index;

static size_t entry_size(const h5c_file *f) { return 14 + 2 * (size_t)f->so; }

/* Number of indexes, as the superblock extension says, checksum verified. */
static int table_count(const h5c_file *f, const uint8_t *buf, size_t got,
                       h5c_error *err)
{
    size_t esz = entry_size(f);
    unsigned k = f->sohm_nindexes;
    if (k < 1 || k > SOHM_MAX_INDEXES)
        return H5C_FMT(err, "shared message table at 0x%llx: %u indexes (1..%d allowed)", ULL(f->sohm_addr), k,
                       SOHM_MAX_INDEXES);
    size_t end = 4 + k * esz;
    if (end + 4 > got)
        return H5C_FMT(err, "shared message table at 0x%llx: truncated", ULL(f->sohm_addr));
    return h5c_check_sum(buf, end, f->sohm_addr, "shared message table", err);
}

static void parse_index(const h5c_file *f, const uint8_t *p, sohm_index *ix)
{
    h5c_cur c;
    h5c_cur_init(&c, p, entry_size(f), 0, f->so, f->sl);
    ix->version = h5c_cur_u8(&c);
    ix->index_type = h5c_cur_u8(&c);
    ix->type_flags = h5c_cur_u16(&c);
    h5c_cur_skip(&c, 4 + 2 + 2 + 2);      /* min size, list/B-tree cutoffs, count */
    ix->index_addr = h5c_cur_addr(&c);
    ix->heap_addr = h5c_cur_addr(&c);
}

/* Fractal heap address of the index that holds messages of `type`. */
static int find_heap(h5c_file *f, uint16_t type, uint64_t *heap, h5c_error *err)
{
    size_t want = 4 + SOHM_MAX_INDEXES * entry_size(f) + 4, got = 0;
    uint8_t *buf = h5c_meta_read_upto(f, f->sohm_addr, want, &got, "shared message table", err);
    if (!buf) return -1;

    int rc = 0;
    unsigned n = 0;
    if (got < 4 || memcmp(buf, "SMTB", 4) != 0)
        rc = H5C_FMT(err, "shared message table at 0x%llx: bad signature", ULL(f->sohm_addr));
    else
        rc = table_count(f, buf, got, err);
    if (rc == 0) n = f->sohm_nindexes;

    *heap = H5C_UNDEF;
    int found = 0;
    for (unsigned i = 0; rc == 0 && i < n && !found; i++) {
        sohm_index ix;
        parse_index(f, buf + 4 + i * entry_size(f), &ix);
        if (!(ix.type_flags & (1u << type))) continue;
        if (ix.version != 0)
            rc = H5C_UNSUP(err, "shared message index version %u (table at 0x%llx)", ix.version,
                           ULL(f->sohm_addr));
        *heap = ix.heap_addr;
        found = 1;
    }
    free(buf);
    if (rc < 0) return -1;
    if (!found)
        return h5c_fail(err, H5C_ERR_NOT_FOUND, "shared message table at 0x%llx: no index holds messages of type %u",
                        ULL(f->sohm_addr), type);
    if (*heap == H5C_UNDEF)
        return H5C_FMT(err, "shared message table at 0x%llx: index for message type %u has no heap",
                       ULL(f->sohm_addr), type);
    return 0;
}

int h5c_sohm_get(h5c_file *f, uint16_t type, const uint8_t *id, uint8_t **obj,
                 size_t *len, h5c_error *err)
{
    *obj = NULL;
    *len = 0;
    if (f->sohm_addr == H5C_UNDEF)
        return H5C_FMT(err, "message of type %u is shared through the shared message table, but the file has none",
                       type);
    if (type >= 16)
        return H5C_FMT(err, "message type %u cannot be a shared message", type);
    uint64_t heap;
    if (find_heap(f, type, &heap, err) < 0) return -1;
    if (h5c_fheap_get(f, heap, id, 8, obj, len, err) < 0) {
        h5c_err_context(err, "shared message (type %u)", type);
        return -1;
    }
    return 0;
}

/* format.h - internal model of the HDF5 file format (not installed).
 *
 * Conventions:
 *  - Addresses stored in structs are relative to the base address, as in
 *    the file; h5c_meta_read() adds the base.
 *  - Every parser takes an h5c_error* and returns 0 / -1 (or NULL).
 *  - Error messages name the structure and its file address, e.g.
 *    "fractal heap at 0x1a2b: bad signature". */
#ifndef H5C_FORMAT_H
#define H5C_FORMAT_H

#include <pthread.h>
#include <stdint.h>

#include "h5coro.h"
#include "../io/io.h"
#include "../util/cursor.h"
#include "../util/err.h"

/* Caps that keep file fields from driving unbounded work. */
#define H5C_MAX_META_BLOCK (64u << 20)   /* one metadata read */
#define H5C_MAX_HEADER_MSGS 65536        /* messages per object header */
#define H5C_MAX_CONT_BLOCKS 4096         /* continuation blocks per header */
#define H5C_MAX_TREE_DEPTH 64            /* B-tree / heap nesting */
#define H5C_MAX_DTYPE_DEPTH 32           /* nested datatypes */
#define H5C_MAX_LINK_DEPTH 40            /* soft-link hops per lookup */
#define H5C_MAX_STAGING (1ull << 30)     /* file-order staging buffer of one read */

/* ---- the open file ------------------------------------------------------ */

struct h5c_file {
    h5c_io *io;
    uint64_t base;            /* base address (absolute) */
    int data_uncached;        /* tests: data reads never copy from the metadata cache */
    uint64_t eof;             /* io->size */
    uint8_t so, sl;           /* size of offsets, size of lengths */
    uint8_t sb_version;
    uint16_t sym_leaf_k;      /* group leaf node K */
    uint16_t btree_k;         /* group internal node K */
    uint16_t chunk_k;         /* indexed storage internal node K */
    uint64_t root_addr;       /* root group object header */
    uint64_t ext_addr;        /* superblock extension object header or UNDEF */
    uint64_t sohm_addr;       /* shared message table or UNDEF */
    uint8_t sohm_nindexes;    /* indexes in that table (superblock extension) */
    h5c_options opts;
    int nthreads;

    /* global heap collection cache (vlen data) */
    pthread_mutex_t gheap_lock;
    struct h5c_gheap_coll *gheaps;

    /* each group's links, sorted by name, built on first use (group_index.c) */
    pthread_mutex_t gindex_lock;
    struct h5c_gindex *gindex;

    /* Metadata goes through a block cache: io is then a view of `backend`
     * whose reads are cached (cache/block_cache.h); data reads use backend
     * directly. Both NULL in files assembled by hand (tests): io is used. */
    h5c_io *backend;
    struct h5c_bcache *cache;
};

/* Open over an existing backend (takes ownership of io, also on failure). */
h5c_file *h5c_open_io(h5c_io *io, const h5c_options *opts, h5c_error *err);

/* Read len bytes of metadata at relative address addr into a new buffer
 * (caller frees). Checks that the range lies inside the file and that len
 * is not above H5C_MAX_META_BLOCK. `what` names the structure for errors. */
uint8_t *h5c_meta_read(h5c_file *f, uint64_t addr, size_t len, const char *what,
                       h5c_error *err);

/* Like h5c_meta_read but reads min(len, bytes left in file); *got is set. */
uint8_t *h5c_meta_read_upto(h5c_file *f, uint64_t addr, size_t len, size_t *got,
                            const char *what, h5c_error *err);

/* Raw read at a relative address (data, not metadata; any size). */
int h5c_raw_read(h5c_file *f, uint64_t addr, size_t len, void *buf, h5c_error *err);

static inline void h5c_file_cur(const h5c_file *f, h5c_cur *c, const uint8_t *buf,
                                size_t len, uint64_t addr)
{
    h5c_cur_init(c, buf, len, addr, f->so, f->sl);
}

/* Jenkins lookup3 hashlittle(), the checksum of v2 metadata structures. */
uint32_t h5c_lookup3(const void *data, size_t len, uint32_t initval);

/* Verify the 4-byte checksum stored right after buf[0..len). */
int h5c_check_sum(const uint8_t *buf, size_t len, uint64_t addr, const char *what,
                  h5c_error *err);

/* ---- superblock (superblock.c) ----------------------------------------- */

int h5c_superblock_read(h5c_file *f, h5c_error *err);

/* ---- object headers (object_header.c) ---------------------------------- */

enum {
    H5C_MSG_NIL = 0x00, H5C_MSG_DATASPACE = 0x01, H5C_MSG_LINK_INFO = 0x02,
    H5C_MSG_DATATYPE = 0x03, H5C_MSG_FILL_OLD = 0x04, H5C_MSG_FILL = 0x05,
    H5C_MSG_LINK = 0x06, H5C_MSG_EXTERNAL_FILES = 0x07, H5C_MSG_LAYOUT = 0x08,
    H5C_MSG_BOGUS = 0x09, H5C_MSG_GROUP_INFO = 0x0A, H5C_MSG_PIPELINE = 0x0B,
    H5C_MSG_ATTRIBUTE = 0x0C, H5C_MSG_COMMENT = 0x0D, H5C_MSG_MTIME_OLD = 0x0E,
    H5C_MSG_SHMSG_TABLE = 0x0F, H5C_MSG_CONTINUATION = 0x10, H5C_MSG_SYMBOL_TABLE = 0x11,
    H5C_MSG_MTIME = 0x12, H5C_MSG_BTREE_K = 0x13, H5C_MSG_DRIVER_INFO = 0x14,
    H5C_MSG_ATTR_INFO = 0x15, H5C_MSG_REFCOUNT = 0x16, H5C_MSG_FSINFO = 0x17
};

typedef struct h5c_msg {
    uint16_t type;
    uint8_t flags;            /* bit 1: shared (data is a shared-message record) */
    uint32_t size;
    const uint8_t *data;      /* points into a block owned by the header */
    uint64_t addr;            /* file address of the message data */
} h5c_msg;

typedef struct h5c_ohdr {
    uint64_t addr;
    uint8_t version;
    uint8_t flags;
    h5c_msg *msgs;
    size_t nmsgs;
    uint8_t **blocks;         /* owned buffers (header chunk + continuations) */
    size_t nblocks;
} h5c_ohdr;

/* Read an object header with all continuation blocks (cycles rejected,
 * v2 checksums verified). Shared messages are resolved in place: a message
 * whose flags mark it shared is replaced by the target message bytes. */
int h5c_ohdr_read(h5c_file *f, uint64_t addr, h5c_ohdr *oh, h5c_error *err);
void h5c_ohdr_free(h5c_ohdr *oh);
/* Body of a shared-message record (encoding v1-v3) for a message of `type`:
 * the target message's bytes in a new buffer (object header or SOHM heap). */
int h5c_shared_resolve(h5c_file *f, uint16_t type, const uint8_t *p, size_t len, uint64_t addr,
                       uint8_t **out, size_t *outlen, h5c_error *err);
/* First message of a type or NULL. */
const h5c_msg *h5c_ohdr_find(const h5c_ohdr *oh, uint16_t type);

/* ---- messages (msg_*.c) ------------------------------------------------- */

typedef struct h5c_dspace {
    int rank;                 /* -1 null, 0 scalar */
    uint64_t dims[H5C_MAX_RANK];
    uint64_t maxdims[H5C_MAX_RANK];
} h5c_dspace;

int h5c_dspace_parse(h5c_file *f, const h5c_msg *m, h5c_dspace *out, h5c_error *err);
uint64_t h5c_dspace_nelem(const h5c_dspace *s);  /* 0 for null */

/* Datatype message (msg_datatype.c). *out is allocated; free with h5c_dtype_free. */
int h5c_dtype_parse(h5c_file *f, const uint8_t *p, size_t len, uint64_t addr,
                    h5c_dtype **out, h5c_error *err);
void h5c_dtype_free(h5c_dtype *t);

typedef struct h5c_pipeline {
    int n;
    h5c_filter f[H5C_MAX_FILTERS];  /* names/cvalues owned by the pipeline */
} h5c_pipeline;

int h5c_pipeline_parse(h5c_file *f, const h5c_msg *m, h5c_pipeline *out, h5c_error *err);
/* Name of a registered filter id, or NULL (filters/table.c). */
const char *h5c_filter_known_name(uint16_t id);
void h5c_pipeline_free(h5c_pipeline *pl);

typedef struct h5c_fill {
    int defined;              /* a value is stored */
    uint8_t alloc_time, fill_time;
    uint32_t size;
    uint8_t *value;           /* size bytes, file byte order */
} h5c_fill;

int h5c_fill_parse(h5c_file *f, const h5c_msg *m, h5c_fill *out, h5c_error *err);
void h5c_fill_free(h5c_fill *fv);

typedef struct h5c_layout {
    uint8_t version;
    h5c_layout_class cls;
    uint64_t addr;            /* contiguous data / chunk index address */
    uint64_t size;            /* contiguous: bytes; compact: bytes */
    uint8_t *compact;         /* compact data (owned) */
    int ndims;                /* chunk rank (dataset rank; element dim dropped) */
    uint32_t chunk[H5C_MAX_RANK];
    uint32_t elem_size;       /* v1-v3: trailing "dataset element size" dim */
    h5c_chunk_index index;
    uint8_t flags;            /* v4 chunk flags */
    /* index parameters (v4) */
    uint8_t fa_page_bits;                                  /* fixed array */
    uint8_t ea_max_bits, ea_idx_elmts, ea_min_ptrs, ea_min_elmts, ea_page_bits;
    uint32_t bt2_node_size;
    uint8_t bt2_split, bt2_merge;
    uint64_t single_size;     /* single chunk, filtered: stored size */
    uint32_t single_mask;
} h5c_layout;

int h5c_layout_parse(h5c_file *f, const h5c_msg *m, h5c_layout *out, h5c_error *err);
void h5c_layout_free(h5c_layout *l);

typedef struct h5c_link {
    char *name;
    uint8_t type;             /* 0 hard, 1 soft, 64 external */
    uint64_t addr;            /* hard */
    char *target;             /* soft: path; external: object path */
    char *target_file;        /* external: file name */
    int64_t corder;           /* creation order or -1 */
} h5c_link;

/* Link message body (also the records in a dense-link fractal heap). */
int h5c_link_parse(h5c_file *f, const uint8_t *p, size_t len, uint64_t addr,
                   h5c_link *out, h5c_error *err);
void h5c_link_free(h5c_link *l);

typedef struct h5c_attrmsg {
    char *name;
    h5c_dtype *type;
    h5c_dspace space;
    uint8_t *data;            /* raw file-order bytes (owned) */
    size_t data_len;
} h5c_attrmsg;

/* Attribute message body (also records in a dense-attribute fractal heap). */
int h5c_attrmsg_parse(h5c_file *f, const uint8_t *p, size_t len, uint64_t addr,
                      h5c_attrmsg *out, h5c_error *err);
void h5c_attrmsg_free(h5c_attrmsg *a);

/* Link info / attribute info messages: where dense storage lives. */
typedef struct h5c_dense_info {
    uint64_t heap_addr;       /* fractal heap, UNDEF if none */
    uint64_t name_bt2;        /* B-tree v2 name index */
    uint64_t corder_bt2;      /* B-tree v2 creation-order index or UNDEF */
} h5c_dense_info;

int h5c_linkinfo_parse(h5c_file *f, const h5c_msg *m, h5c_dense_info *out, h5c_error *err);
int h5c_attrinfo_parse(h5c_file *f, const h5c_msg *m, h5c_dense_info *out, h5c_error *err);

/* ---- heaps -------------------------------------------------------------- */

/* Local heap (local_heap.c): the data segment of the heap at addr. */
typedef struct h5c_lheap {
    uint8_t *data;
    size_t size;
    uint64_t addr;
} h5c_lheap;

int h5c_lheap_read(h5c_file *f, uint64_t addr, h5c_lheap *out, h5c_error *err);
/* NUL-terminated string at offset, checked to lie inside the heap. */
const char *h5c_lheap_str(const h5c_lheap *h, uint64_t off, h5c_error *err);
void h5c_lheap_free(h5c_lheap *h);

/* Global heap (global_heap.c): object `index` of the collection at addr,
 * copied into a new buffer. Collections are cached per file (thread-safe). */
int h5c_gheap_get(h5c_file *f, uint64_t coll_addr, uint32_t index, uint8_t **obj,
                  size_t *len, h5c_error *err);
void h5c_gheap_cache_free(h5c_file *f);

/* Fractal heap (fractal_heap.c): fetch one object by heap ID (managed,
 * tiny or huge), copied into a new buffer the caller frees. */
int h5c_fheap_get(h5c_file *f, uint64_t heap_addr, const uint8_t *id, size_t idlen,
                  uint8_t **obj, size_t *len, h5c_error *err);

/* Shared object header message table (sohm.c): the message of `type` stored
 * in the SOHM fractal heap under heap ID `id` (8 bytes). New buffer. */
int h5c_sohm_get(h5c_file *f, uint16_t type, const uint8_t *id, uint8_t **obj,
                 size_t *len, h5c_error *err);

/* ---- B-trees ------------------------------------------------------------ */

/* B-tree v2 (btree2.c): visit every record in key order; `rec` is the raw
 * record (header's record size bytes), `type` the tree's record type. */
typedef int (*h5c_bt2_fn)(const uint8_t *rec, size_t len, uint8_t type, void *ud,
                          h5c_error *err);
int h5c_bt2_iterate(h5c_file *f, uint64_t addr, h5c_bt2_fn fn, void *ud, h5c_error *err);

/* Group B-tree v1 + symbol table nodes (group_symtab.c): visit every link. */
typedef int (*h5c_link_fn)(const h5c_link *l, void *ud, h5c_error *err);
int h5c_symtab_iterate(h5c_file *f, uint64_t btree_addr, uint64_t heap_addr,
                       h5c_link_fn fn, void *ud, h5c_error *err);

/* Dense storage (dense.c): walk the name-index B-tree v2 of a link-info or
 * attribute-info message and hand over each record's heap object, parsed. */
int h5c_dense_links(h5c_file *f, const h5c_dense_info *di, h5c_link_fn fn, void *ud,
                    h5c_error *err);
typedef int (*h5c_attrmsg_fn)(h5c_attrmsg *a, void *ud, h5c_error *err); /* takes ownership */
int h5c_dense_attrs(h5c_file *f, const h5c_dense_info *di, h5c_attrmsg_fn fn, void *ud,
                    h5c_error *err);

/* ---- groups and paths (group.c) ----------------------------------------- */

/* Every link of the group whose header is `oh` (symbol table, compact link
 * messages, or dense storage), in name order. */
int h5c_group_links(h5c_file *f, const h5c_ohdr *oh, h5c_link **links, size_t *n,
                    h5c_error *err);
void h5c_links_free(h5c_link *links, size_t n);

/* group_index.c: the links of the group at addr (its header oh when the
 * caller has it read, else NULL), in name order, listed once per open file
 * and owned by it until h5c_close: do not free. */
int h5c_group_index(h5c_file *f, uint64_t addr, const h5c_ohdr *oh, const h5c_link **links, size_t *n,
                    h5c_error *err);
/* Binary search of such a list for the name (nlen bytes, no NUL needed). */
const h5c_link *h5c_group_find(const h5c_link *links, size_t n, const char *name, size_t nlen);
void h5c_group_index_free(h5c_file *f);

/* Resolve an absolute path to an object header address (soft links followed,
 * hops bounded). External links give H5C_ERR_UNSUPPORTED naming the target. */
int h5c_path_resolve(h5c_file *f, const char *path, uint64_t *addr, h5c_error *err);

/* Every attribute of an object header (compact messages and dense), name order. */
int h5c_object_attrs(h5c_file *f, const h5c_ohdr *oh, h5c_attrmsg **attrs, size_t *n,
                     h5c_error *err);
void h5c_attrs_free(h5c_attrmsg *a, size_t n);

/* ---- datasets and chunk indexes ---------------------------------------- */

/* Threads worth giving n independent metadata walks on f (dataset.c). */
int h5c_parallel_threads(const h5c_file *f, size_t n);

struct h5c_dataset {
    h5c_file *f;
    char *path;
    uint64_t addr;
    h5c_dtype *type;
    h5c_dspace space;
    h5c_layout layout;
    h5c_pipeline pline;
    h5c_fill fill;
    h5c_info info;
};

typedef struct h5c_chunk {
    uint64_t addr;            /* relative address of the stored chunk */
    uint64_t size;            /* stored bytes */
    uint32_t mask;            /* filters skipped (bit i = filter i) */
    uint64_t coord[H5C_MAX_RANK];  /* element offset of the chunk's first element */
} h5c_chunk;

typedef int (*h5c_chunk_fn)(const h5c_chunk *c, void *ud, h5c_error *err);

/* chunk_index.c: visit every stored chunk of d that intersects the element
 * box [lo, hi] (inclusive, dataset rank). Chunks never written are not
 * visited. Implementations may visit extra chunks; the reader clips. */
int h5c_chunks_iterate(const h5c_dataset *d, const uint64_t *lo, const uint64_t *hi,
                       h5c_chunk_fn fn, void *ud, h5c_error *err);

/* filters/: undo the pipeline on one stored chunk. `in` (in_len bytes) is
 * consumed (freed or reused); on success *out holds exactly `expect` bytes
 * (the decoded chunk size). mask: bit i set = filter i was skipped. */
int h5c_filters_decode(const h5c_pipeline *pl, uint32_t mask, uint8_t *in, size_t in_len,
                       size_t expect, uint8_t **out, h5c_error *err);

/* The same without allocating per chunk: stages ping-pong between the two
 * buffers of a caller-owned scratch (grown as needed, kept across calls,
 * released with h5c_scratch_free). `in` is left alone; *out points into
 * the scratch (or at `in` when no filter ran) and holds `expect` bytes. */
typedef struct h5c_scratch {
    uint8_t *buf[2];
    size_t cap[2];
} h5c_scratch;

int h5c_filters_run(const h5c_pipeline *pl, uint32_t mask, const uint8_t *in, size_t in_len,
                    size_t expect, h5c_scratch *s, const uint8_t **out, h5c_error *err);
void h5c_scratch_free(h5c_scratch *s);

/* ---- values (convert.c) -------------------------------------------------- */

/* Convert n elements of file type t at src into the memory representation
 * (see h5coro.h) at dst. Variable-length data is fetched from the global heap. */
int h5c_convert(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst,
                size_t n, h5c_error *err);
/* One old-style region reference (f->so + 4 bytes: global heap ID) into
 * *out (region_ref.c); selection text malloc'd. */
int h5c_regref_decode(h5c_file *f, const uint8_t *src, h5c_regref *out, h5c_error *err);
/* Whether conversion is a plain copy or byte swap (no heap access). */
int h5c_dtype_is_fixed(const h5c_dtype *t);

/* ---- data reads (file.c, plan/) ---------------------------------------- */

/* The backend that data (chunk) reads use: never through the metadata cache. */
h5c_io *h5c_file_data_io(const h5c_file *f);
/* Fetch the metadata blocks holding [addr, addr+span) for every address in
 * one batch (remote backends); a hint: errors are left to the real reads. */
void h5c_meta_prefetch(h5c_file *f, const uint64_t *addrs, size_t n, size_t span);
/* Copy the longest prefix of [off, off+len) the metadata cache holds into
 * buf; returns its length. */
size_t h5c_meta_peek(h5c_file *f, uint64_t off, size_t len, void *buf);

#endif

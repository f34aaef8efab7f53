/* fheap.h - fractal heap handle for callers that fetch many objects of one
 * heap (dense links/attributes): the header is parsed once and recently
 * read blocks are kept (up to H5C_FHEAP_CACHE_BYTES), so walking a heap
 * reads each block about once.
 * h5c_fheap_get() (format.h) is open + read + close. */
#ifndef H5C_FHEAP_H
#define H5C_FHEAP_H

#include "format.h"

#define H5C_FHEAP_CACHE_SLOTS 64
#define H5C_FHEAP_CACHE_BYTES (16u << 20)

typedef struct h5c_fheap {
    uint64_t addr;              /* header address */
    uint16_t id_len;            /* heap ID length */
    uint16_t filter_len;        /* I/O filter info length (0 = unfiltered) */
    uint8_t flags;              /* bit 1: direct blocks are checksummed */
    uint32_t max_man;           /* largest managed object */
    uint64_t huge_bt2;          /* B-tree v2 of huge objects or UNDEF */
    uint16_t width;             /* doubling table width */
    uint64_t start_block;       /* starting block size */
    uint64_t max_dblock;        /* maximum direct block size */
    uint16_t max_heap_bits;     /* log2 of the heap address space */
    uint16_t cur_rows;          /* rows in the root indirect block (0: root is direct) */
    uint64_t root_addr;         /* root block or UNDEF */
    /* derived */
    unsigned off_size;          /* bytes of a heap offset (IDs, block offsets) */
    unsigned len_size;          /* bytes of a managed object length in IDs */
    unsigned max_dblock_rows;   /* rows of direct blocks in an indirect block */
    size_t dblock_prefix;       /* direct block bytes before the object data */
    /* verified blocks (direct and indirect), reused across reads: dense
     * indexes are in hash order, so objects come from blocks at random */
    struct h5c_fheap_blk {
        uint8_t kind;           /* 'D' direct, 'I' indirect */
        uint64_t addr;
        uint64_t block_off;     /* heap offset the block was checked against */
        size_t size;
        uint8_t *buf;           /* owned; NULL = empty slot */
    } blk[H5C_FHEAP_CACHE_SLOTS];
    unsigned blk_next;          /* round-robin replacement */
    size_t blk_bytes;           /* bytes held in blk[] */
} h5c_fheap;

/* Read and check the header at addr. Free with h5c_fheap_close. */
int h5c_fheap_open(h5c_file *f, uint64_t addr, h5c_fheap *h, h5c_error *err);

/* Fetch the object named by heap ID `id` (idlen bytes available) into a new
 * buffer. obj_addr (may be NULL) receives the object's file address where
 * it has one (the heap address for tiny objects), for error messages. */
int h5c_fheap_read(h5c_file *f, h5c_fheap *h, const uint8_t *id, size_t idlen,
                   uint8_t **obj, size_t *len, uint64_t *obj_addr, h5c_error *err);

void h5c_fheap_close(h5c_fheap *h);

#endif

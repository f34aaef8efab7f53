/* chunk_index.h - internals shared by the chunk index readers (not installed).
 *
 * h5c_chunks_iterate() (chunk_index.c) validates the dataset geometry once
 * into an h5c_cidx and hands it to the reader of the index type:
 *   chunk_btree1.c  version 1 B-tree ("TREE", node type 1)
 *   chunk_farray.c  fixed array ("FAHD"/"FADB")
 *   chunk_earray.c  extensible array ("EAHD"/"EAIB"/"EASB"/"EADB")
 *   chunk_btree2.c  version 2 B-tree records of type 10/11
 * Single-chunk and implicit indexes live in chunk_index.c.
 *
 * Coordinates named "scaled" are chunk-grid coordinates (element offset
 * divided by the chunk dimension). */
#ifndef H5C_CHUNK_INDEX_H
#define H5C_CHUNK_INDEX_H

#include "format.h"

typedef struct h5c_cidx {
    const h5c_dataset *d;
    h5c_file *f;
    int rank;
    uint64_t chunk[H5C_MAX_RANK];   /* chunk shape in elements (all > 0) */
    uint64_t dims[H5C_MAX_RANK];    /* current dataset dimensions */
    uint64_t grid[H5C_MAX_RANK];    /* chunks per dimension (current dims) */
    uint64_t mgrid[H5C_MAX_RANK];   /* chunks per dimension (max dims); UINT64_MAX = unlimited */
    uint64_t slo[H5C_MAX_RANK];     /* scaled box intersecting [lo, hi], clipped to grid */
    uint64_t shi[H5C_MAX_RANK];
    int empty;                      /* the box selects no chunk */
    uint64_t chunk_bytes;           /* decoded bytes of one chunk */
    int filtered;                   /* the dataset has a filter pipeline */
    uint64_t ncandidates;           /* chunks in the scaled box (saturating) */
    uint64_t grid_chunks;           /* chunks in the current grid (saturating) */
    h5c_chunk_fn fn;
    void *ud;
} h5c_cidx;

/* Whether a chunk at scaled coordinates lies inside the scaled box. */
static inline int h5c_cidx_in_box(const h5c_cidx *x, const uint64_t *scaled)
{
    for (int i = 0; i < x->rank; i++)
        if (scaled[i] < x->slo[i] || scaled[i] > x->shi[i]) return 0;
    return 1;
}

/* Report one stored chunk (undefined addresses are skipped silently).
 * Checks that the chunk lies inside the file and converts scaled to element
 * coordinates. `what` names the index for error messages. Returns 0 to go
 * on, non-zero (the callback's value or -1) to stop. */
int h5c_cidx_emit(h5c_cidx *x, uint64_t addr, uint64_t size, uint32_t mask,
                  const uint64_t *scaled, const char *what, uint64_t where, h5c_error *err);

/* Row-major "down" strides over `counts` (n entries, all finite);
 * fails with a format error if the product overflows. */
int h5c_cidx_down(const uint64_t *counts, int n, uint64_t *down, uint64_t *total);

/* Iterate the scaled box in row-major order of `order` (a permutation of
 * the dimensions: order[0] varies slowest). The callback gets the scaled
 * coordinates (in dataset dimension order); non-zero stops. */
typedef int (*h5c_cidx_box_fn)(h5c_cidx *x, const uint64_t *scaled, void *ud, h5c_error *err);
int h5c_cidx_box_walk(h5c_cidx *x, const int *order, h5c_cidx_box_fn fn, void *ud,
                      h5c_error *err);

/* Bytes used to encode a filtered chunk's size, from the chunk's decoded
 * size, as HDF5 1.10+ does: 1 + (floor(log2(bytes)) + 8) / 8, at most 8. */
static inline unsigned h5c_cidx_size_len(uint64_t chunk_bytes)
{
    unsigned n = 1 + (h5c_log2_floor(chunk_bytes) + 8) / 8;
    return n > 8 ? 8 : n;
}

/* Fixed and extensible arrays: client ID 0 stores addresses only, 1 adds
 * the stored size (*cs_len bytes) and a filter mask. Checks the client ID and
 * element size against the dataset; `what` names the structure. */
/* Fixed and extensible array headers: `sig` and the checksum over buf
 * (len bytes, checksum last) verified, then version 0 required. parsed_ok is
 * the cursor state after reading the fields. */
int h5c_cidx_check_header(const uint8_t *buf, size_t len, int parsed_ok, const char *sig, unsigned version,
                          const char *what, uint64_t hdr_addr, h5c_error *err);

int h5c_cidx_check_client(const h5c_cidx *x, const char *what, uint64_t hdr_addr, unsigned client,
                          unsigned esize, unsigned *cs_len, h5c_error *err);

int h5c_chunks_btree1(h5c_cidx *x, h5c_error *err);
int h5c_chunks_farray(h5c_cidx *x, h5c_error *err);
int h5c_chunks_earray(h5c_cidx *x, h5c_error *err);
int h5c_chunks_btree2(h5c_cidx *x, h5c_error *err);

#endif

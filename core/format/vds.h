/* vds.h - virtual datasets (layout class 3): the mappings of a dataset,
 * resolved to open source datasets when the dataset is opened (vds.c),
 * read by core/plan/read_vds.c. */
#ifndef H5C_VDS_H
#define H5C_VDS_H

#include "format.h"

#define H5C_VDS_MAX_DEPTH 8          /* virtual datasets whose sources are virtual */
#define H5C_VDS_MAX_SOURCES 65536    /* printf-named sources one mapping may find */

/* The elements one selection takes along one dimension, in order:
 * start + k*stride + b for k < count, b < block, below end. */
typedef struct h5c_vds_axis {
    uint64_t start, stride, count, block, end;
} h5c_vds_axis;

/* One bounded mapping: a virtual selection and a source selection, both
 * products of axes, paired element by element in C order. */
typedef struct h5c_vds_piece {
    h5c_dataset *src;         /* NULL: no source (reads as the fill value) */
    int vrank, srank;
    h5c_vds_axis v[H5C_MAX_RANK], s[H5C_MAX_RANK];
    const char *unsup;        /* non-NULL: a selection kind not read yet */
    size_t map;               /* mapping number, for errors */
} h5c_vds_piece;

struct h5c_vds {
    h5c_vds_piece *pieces;
    size_t npieces;
    h5c_dataset **dsets;      /* source datasets opened (owned) */
    size_t ndsets, dcap;
    struct h5c_vds_file *files;
    size_t nfiles, fcap;
};

/* Read the mappings of d (layout parsed), open their sources, set the
 * extent of unlimited mappings (libhdf5's default "last available" view)
 * into d->space. */
int h5c_vds_open(h5c_dataset *d, h5c_error *err);
void h5c_vds_free(struct h5c_vds *v);

uint64_t h5c_vds_axis_len(const h5c_vds_axis *a);
uint64_t h5c_vds_axis_coord(const h5c_vds_axis *a, uint64_t ordinal);

#endif

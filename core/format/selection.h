/* selection.h - a decoded dataspace selection (selection.c). */
#ifndef H5C_SELECTION_H
#define H5C_SELECTION_H

#include "format.h"

#define H5C_SEL_UNLIM UINT64_MAX /* unlimited count or block */

enum { H5C_SEL_NONE = 0, H5C_SEL_POINTS = 1, H5C_SEL_HYPER = 2, H5C_SEL_ALL = 3 };

typedef struct h5c_selection {
    uint32_t type;
    uint32_t rank;            /* 0 for none and all (the extent's rank) */
    int regular;              /* hyperslab given by start/stride/count/block */
    uint64_t start[H5C_MAX_RANK], stride[H5C_MAX_RANK], count[H5C_MAX_RANK], block[H5C_MAX_RANK];
    uint64_t n;               /* points or blocks listed (irregular) */
    uint64_t *coords;         /* points: n x rank; blocks: n x (low corner, high corner) */
} h5c_selection;

/* Decode one selection at the cursor; `what` names its owner in errors. */
int h5c_selection_decode(h5c_cur *c, h5c_selection *s, const char *what, h5c_error *err);
void h5c_selection_free(h5c_selection *s);

#endif

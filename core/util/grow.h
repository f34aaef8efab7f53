/* grow.h - make room for one more element in a malloc'd array. */
#ifndef H5C_GROW_H
#define H5C_GROW_H

#include <stdint.h>
#include <stdlib.h>

/* Ensure *v (of *cap elements of esz bytes) can hold n + 1 elements,
 * doubling as needed. Returns 0, or -1 when out of memory (*v unchanged). */
static inline int h5c_grow(void **v, size_t *cap, size_t n, size_t esz)
{
    if (n < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    if (nc > SIZE_MAX / esz) return -1;
    void *nv = realloc(*v, nc * esz);
    if (!nv) return -1;
    *v = nv;
    *cap = nc;
    return 0;
}

#endif

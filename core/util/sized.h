/* sized.h - copying public structs that start with a size field. */
#ifndef H5C_SIZED_H
#define H5C_SIZED_H

#include <stddef.h>

/* Copy a caller's struct (src_size bytes, 0 meaning dst_size) into dst,
 * zeroing the fields the caller's version did not have; dst's leading
 * size field is set to dst_size. */
void h5c_copy_sized(void *dst, size_t dst_size, const void *src, size_t src_size);

#endif

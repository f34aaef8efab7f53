/* sized.c - see sized.h. */
#include "sized.h"

#include <string.h>

void h5c_copy_sized(void *dst, size_t dst_size, const void *src, size_t src_size)
{
    size_t n = src_size == 0 || src_size > dst_size ? dst_size : src_size;
    memcpy(dst, src, n);
    memset((char *)dst + n, 0, dst_size - n);
    *(size_t *)dst = dst_size;
}

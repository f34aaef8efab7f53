/* bits.c - MSB-first bit reader shared by the nbit and scaleoffset
 * filters, which both pack each value's significant bits highest first,
 * values back to back across byte boundaries. */
#include "filters.h"

void h5c_bits_init(h5c_bits *b, const uint8_t *p, size_t n)
{
    b->p = p;
    b->n = n;
    b->pos = 0;
    b->left = 8;
    b->bad = 0;
}

uint64_t h5c_bits_take(h5c_bits *b, unsigned k)
{
    uint64_t v = 0;
    while (k) {
        if (b->pos >= b->n) {
            b->bad = 1;
            return 0;
        }
        unsigned t = k < b->left ? k : b->left;
        unsigned byte = b->p[b->pos];
        v = (v << t) | ((byte >> (b->left - t)) & ((1u << t) - 1));
        b->left -= t;
        k -= t;
        if (b->left == 0) {
            b->pos++;
            b->left = 8;
        }
    }
    return v;
}

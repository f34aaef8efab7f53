/* parallel.h - run fn(0..n-1) on up to `threads` threads (the caller's
 * included) and return when all are done. Used where each item's work is
 * a chain of metadata round trips (resolving a path, walking a chunk
 * index): run side by side, the block cache merges the chains' shared
 * blocks and fetches the rest concurrently, so k chains cost about the
 * longest one, not their sum. Falls back to the calling thread alone when
 * threads cannot be created. */
#ifndef H5C_PARALLEL_H
#define H5C_PARALLEL_H

#include <stddef.h>

void h5c_parallel_for(size_t n, int threads, void (*fn)(size_t i, void *ud), void *ud);

#endif

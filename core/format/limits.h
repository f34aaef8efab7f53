/* limits.h - the safety caps of an open file: h5c_options.limits with 0
 * replaced by the default (format.h's H5C_MAX_* values). Files assembled by
 * hand in tests have zeroed options and get the defaults too. */
#ifndef H5C_LIMITS_H
#define H5C_LIMITS_H

#include "format.h"

#define H5C_DEFAULT_CHUNK_BYTES (1ull << 34)       /* 16 GiB */
#define H5C_DEFAULT_INFLATE_RATIO 1000000u
#define H5C_DEFAULT_GROUP_MEMBERS (1ull << 24)

static inline uint64_t h5c_lim_pick(uint64_t set, uint64_t def) { return set ? set : def; }

static inline uint64_t h5c_lim_meta_bytes(const h5c_file *f)
{
    return h5c_lim_pick(f->opts.limits.meta_bytes, H5C_MAX_META_BLOCK);
}
static inline uint32_t h5c_lim_header_msgs(const h5c_file *f)
{
    return (uint32_t)h5c_lim_pick(f->opts.limits.header_msgs, H5C_MAX_HEADER_MSGS);
}
static inline uint64_t h5c_lim_chunk_bytes(const h5c_file *f)
{
    return h5c_lim_pick(f->opts.limits.chunk_bytes, H5C_DEFAULT_CHUNK_BYTES);
}
static inline uint64_t h5c_lim_inflate_ratio(const h5c_file *f)
{
    return h5c_lim_pick(f->opts.limits.inflate_ratio, H5C_DEFAULT_INFLATE_RATIO);
}
static inline unsigned h5c_lim_tree_depth(const h5c_file *f)
{
    uint32_t v = f->opts.limits.tree_depth;
    return v && v < H5C_MAX_TREE_DEPTH ? v : H5C_MAX_TREE_DEPTH;
}
static inline unsigned h5c_lim_dtype_depth(const h5c_file *f)
{
    uint32_t v = f->opts.limits.dtype_depth;
    return v && v < H5C_MAX_DTYPE_DEPTH ? v : H5C_MAX_DTYPE_DEPTH;
}
static inline unsigned h5c_lim_link_hops(const h5c_file *f)
{
    return (unsigned)h5c_lim_pick(f->opts.limits.link_hops, H5C_MAX_LINK_DEPTH);
}
static inline uint64_t h5c_lim_group_members(const h5c_file *f)
{
    return h5c_lim_pick(f->opts.limits.group_members, H5C_DEFAULT_GROUP_MEMBERS);
}
static inline uint64_t h5c_lim_read_bytes(const h5c_file *f)
{
    return h5c_lim_pick(f->opts.limits.read_bytes, H5C_MAX_STAGING);
}

#endif

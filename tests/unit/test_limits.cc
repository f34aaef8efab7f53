// h5c_options.limits: each cap, set low, stops a valid data/ file with
// H5C_ERR_LIMIT and a message naming the cap; the defaults read the same
// file (the oracle for "valid" is that h5py reads these files, data/gen_data.py).
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "h5coro.h"
}

namespace {

struct Opened {
    h5c_file *f = nullptr;
    h5c_error e{};
    Opened(const char *path, const h5c_limits &lim)
    {
        h5c_options o{};
        o.threads = 1;
        o.limits = lim;
        f = h5c_open(path, &o, &e);
    }
    ~Opened() { h5c_close(f); }
};

int count_entry(const h5c_entry *, void *ud)
{
    ++*static_cast<int *>(ud);
    return 0;
}

// Open, list recursively and read one dataset; the first error, or H5C_OK.
h5c_error walk(const char *path, const h5c_limits &lim, const char *dataset)
{
    Opened o(path, lim);
    if (!o.f) return o.e;
    h5c_error e{};
    int n = 0;
    if (h5c_list(o.f, "/", 1, count_entry, &n, &e) != 0) return e;
    h5c_dataset *d = h5c_dataset_open(o.f, dataset, &e);
    if (!d) return e;
    h5c_info in;
    h5c_dataset_info(d, &in);
    size_t n_el = 1;
    for (int i = 0; i < in.rank; i++) n_el *= in.dims[i];
    std::vector<uint8_t> buf(n_el * h5c_dtype_mem_size(in.type) + 1);
    int rc = h5c_read(d, nullptr, buf.data(), buf.size(), &e);
    if (rc == 0) h5c_free_vlen(in.type, buf.data(), n_el);
    h5c_dataset_close(d);
    return e;
}

void expect_limit(const char *path, const char *dataset, const h5c_limits &lim, const char *text)
{
    h5c_error ok = walk(path, h5c_limits{}, dataset);
    ASSERT_EQ(ok.code, H5C_OK) << path << dataset << ": " << ok.msg;
    h5c_error e = walk(path, lim, dataset);
    EXPECT_EQ(e.code, H5C_ERR_LIMIT) << e.msg;
    EXPECT_NE(std::string(e.msg).find(text), std::string::npos) << e.msg;
}

}  // namespace

// Proves: a metadata structure above meta_bytes is refused before it is read.
TEST(Limits, MetaBytes)
{
    h5c_limits l{};
    l.meta_bytes = 100;
    expect_limit("data/dtypes_v110.h5", "/compound_nested", l, "metadata limit");
}

// Proves: header_msgs bounds the messages taken from one object header.
TEST(Limits, HeaderMessages)
{
    h5c_limits l{};
    l.header_msgs = 2;
    expect_limit("data/dtypes_v110.h5", "/compound_nested", l, "messages");
}

// Proves: a chunk shape above chunk_bytes (64x64 float32 = 16 KiB here) is refused at open.
TEST(Limits, ChunkBytes)
{
    h5c_limits l{};
    l.chunk_bytes = 8192;
    expect_limit("data/large_chunked_f4.h5", "/field", l, "chunk size limit");
}

// Proves: a filtered chunk that would decode to more than inflate_ratio times its
// stored size (beyond 4 KiB) is refused before decoding (gzip'd 16 KiB chunks).
TEST(Limits, InflateRatio)
{
    h5c_limits l{};
    l.inflate_ratio = 1;
    expect_limit("data/large_chunked_f4.h5", "/field", l, "inflate ratio limit");
}

// Proves: datatype nesting deeper than dtype_depth (a compound in a compound) is refused.
TEST(Limits, DatatypeDepth)
{
    h5c_limits l{};
    l.dtype_depth = 1;
    expect_limit("data/dtypes_v110.h5", "/compound_nested", l, "deeper than the limit");
}

// Proves: link_hops bounds soft links per lookup; a chain within it still resolves.
TEST(Limits, LinkHops)
{
    h5c_limits l{};
    l.link_hops = 1;
    Opened o("data/links_v110.h5", l);
    ASSERT_NE(o.f, nullptr) << o.e.msg;
    h5c_error e{};
    h5c_dataset *d = h5c_dataset_open(o.f, "/soft_to_dataset", &e);
    EXPECT_NE(d, nullptr) << e.msg;
    h5c_dataset_close(d);
    EXPECT_EQ(h5c_dataset_open(o.f, "/cycle_a", &e), nullptr);
    EXPECT_EQ(e.code, H5C_ERR_LIMIT) << e.msg;
    EXPECT_NE(std::string(e.msg).find("more than 1:"), std::string::npos) << e.msg;
}

// Proves: a group with more links than group_members is refused when listed.
TEST(Limits, GroupMembers)
{
    h5c_limits l{};
    l.group_members = 3;
    expect_limit("data/dtypes_v110.h5", "/compound_nested", l, "members");
}

// Proves: read_bytes bounds the staging buffer of a read whose memory form differs
// from the file's (vlen strings: 3 heap IDs of 16 bytes).
TEST(Limits, ReadBytes)
{
    h5c_limits l{};
    l.read_bytes = 16;
    expect_limit("data/dtypes_earliest.h5", "/vlen_str_ascii", l, "read limit");
}

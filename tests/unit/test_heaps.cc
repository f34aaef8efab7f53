// Tests of the heap and B-tree v2 layer: lookup3, local and global heaps,
// B-tree v2 traversal, fractal heaps, the SOHM table and dense storage, on
// byte buffers built here (sizes of offsets and lengths are 8).
#include <gtest/gtest.h>

#include <pthread.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include "format/fheap.h"
#include "format/format.h"
}

namespace {

using Bytes = std::vector<uint8_t>;
const uint64_t UNDEF = H5C_UNDEF;

// Little-endian byte buffer builder.
struct Buf {
    Bytes b;
    size_t pos() const { return b.size(); }
    Buf &le(uint64_t v, int n)
    {
        for (int i = 0; i < n; i++) b.push_back((uint8_t)(v >> (8 * i)));
        return *this;
    }
    Buf &u8(uint64_t v) { return le(v, 1); }
    Buf &u16(uint64_t v) { return le(v, 2); }
    Buf &u32(uint64_t v) { return le(v, 4); }
    Buf &u64(uint64_t v) { return le(v, 8); }
    Buf &str(const std::string &s)
    {
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    Buf &raw(const Bytes &v)
    {
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }
    Buf &zeros(size_t n)
    {
        b.insert(b.end(), n, 0);
        return *this;
    }
    Buf &pad_to(size_t off)
    {
        if (b.size() < off) b.resize(off, 0);
        return *this;
    }
    void put(size_t at, uint64_t v, int n)
    {
        for (int i = 0; i < n; i++) b[at + i] = (uint8_t)(v >> (8 * i));
    }
    // Append the lookup3 checksum of b[start..end).
    Buf &sum(size_t start)
    {
        return u32(h5c_lookup3(b.data() + start, b.size() - start, 0));
    }
};

// An h5c_file over an in-memory copy of the bytes.
struct MemFile {
    h5c_file f{};
    h5c_error err{};
    explicit MemFile(const Bytes &v)
    {
        f.so = 8;
        f.sl = 8;
        f.io = h5c_io_mem_open(v.data(), v.size(), &err);
        f.eof = f.io->size;
        f.base = 0;
        f.sohm_addr = UNDEF;
        f.ext_addr = UNDEF;
        pthread_mutex_init(&f.gheap_lock, nullptr);
    }
    ~MemFile()
    {
        h5c_gheap_cache_free(&f);
        pthread_mutex_destroy(&f.gheap_lock);
        f.io->close(f.io);
    }
    bool has(const char *text) const { return std::strstr(err.msg, text) != nullptr; }
};

std::string s(const uint8_t *p, size_t n) { return std::string((const char *)p, n); }

// ---- lookup3 ---------------------------------------------------------------

TEST(Lookup3, PublishedValues)
{
    // Values from the self-test of Bob Jenkins' lookup3.c (driver5), also
    // cross-checked against libhdf5's H5_checksum_lookup3.
    const char *four = "Four score and seven years ago";
    EXPECT_EQ(h5c_lookup3("", 0, 0), 0xdeadbeefu);
    EXPECT_EQ(h5c_lookup3("", 0, 0xdeadbeefu), 0xbd5b7ddeu);
    EXPECT_EQ(h5c_lookup3(four, 30, 0), 0x17770551u);
    EXPECT_EQ(h5c_lookup3(four, 30, 1), 0xcd628161u);
}

TEST(Lookup3, IndependentOfAlignmentAndTailLength)
{
    // Every tail length 0..12 plus whole blocks, at every alignment.
    uint8_t src[64], copy[80];
    for (int i = 0; i < 64; i++) src[i] = (uint8_t)(i * 37 + 11);
    for (size_t len = 0; len <= 40; len++) {
        uint32_t ref = h5c_lookup3(src, len, 0);
        for (size_t off = 1; off < 8; off++) {
            std::memcpy(copy + off, src, len);
            EXPECT_EQ(h5c_lookup3(copy + off, len, 0), ref) << len << "@" << off;
        }
    }
    // Different lengths of a zero buffer still hash differently (length is mixed in).
    uint8_t z[16] = {0};
    EXPECT_NE(h5c_lookup3(z, 12, 0), h5c_lookup3(z, 13, 0));
}

TEST(Lookup3, CheckSum)
{
    Buf b;
    b.str("some metadata").sum(0);
    h5c_error err{};
    EXPECT_EQ(h5c_check_sum(b.b.data(), 13, 0x40, "thing", &err), 0);
    b.b[3] ^= 1;
    EXPECT_EQ(h5c_check_sum(b.b.data(), 13, 0x40, "thing", &err), -1);
    EXPECT_EQ(err.code, H5C_ERR_CHECKSUM);
    EXPECT_NE(std::strstr(err.msg, "thing at 0x40: checksum mismatch (stored 0x"), nullptr) << err.msg;
}

// ---- local heap -------------------------------------------------------------

Bytes local_heap(const std::string &sig = "HEAP", int version = 0, uint64_t size = 16,
                 uint64_t data_addr = 32)
{
    Buf b;
    b.str(sig).u8(version).zeros(3).u64(size).u64(UNDEF).u64(data_addr);
    b.pad_to(32);
    b.raw(Bytes{0, 'a', 'b', 'c', 0, 'd', 'e', 'f', 0}).pad_to(48);
    return b.b;
}

TEST(LocalHeap, ReadsStrings)
{
    MemFile m(local_heap());
    h5c_lheap h;
    ASSERT_EQ(h5c_lheap_read(&m.f, 0, &h, &m.err), 0) << m.err.msg;
    EXPECT_EQ(h.size, 16u);
    EXPECT_STREQ(h5c_lheap_str(&h, 0, &m.err), "");
    EXPECT_STREQ(h5c_lheap_str(&h, 1, &m.err), "abc");
    EXPECT_STREQ(h5c_lheap_str(&h, 5, &m.err), "def");
    EXPECT_EQ(h5c_lheap_str(&h, 16, &m.err), nullptr);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
    h5c_lheap_free(&h);
}

TEST(LocalHeap, UnterminatedString)
{
    Bytes v = local_heap();
    for (size_t i = 32; i < 48; i++) v[i] = 'x';  // no NUL in the segment
    MemFile m(v);
    h5c_lheap h;
    ASSERT_EQ(h5c_lheap_read(&m.f, 0, &h, &m.err), 0);
    EXPECT_EQ(h5c_lheap_str(&h, 3, &m.err), nullptr);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
    EXPECT_TRUE(m.has("not terminated")) << m.err.msg;
    h5c_lheap_free(&h);
}

TEST(LocalHeap, Malformed)
{
    Bytes whole = local_heap();
    struct Case {
        Bytes bytes;
        h5c_code code;
    } cases[] = {
        {local_heap("HEAQ"), H5C_ERR_FORMAT},                 // bad signature
        {local_heap("HEAP", 1), H5C_ERR_UNSUPPORTED},         // unknown version
        {local_heap("HEAP", 0, 16, 4096), H5C_ERR_FORMAT},    // data past the end
        {local_heap("HEAP", 0, 1ull << 40), H5C_ERR_FORMAT},  // absurd size
        {local_heap("HEAP", 0, 16, UNDEF), H5C_ERR_FORMAT},   // no data address
        {Bytes(whole.begin(), whole.begin() + 20), H5C_ERR_FORMAT},  // truncated
    };
    for (auto &c : cases) {
        MemFile m(c.bytes);
        h5c_lheap h;
        EXPECT_EQ(h5c_lheap_read(&m.f, 0, &h, &m.err), -1);
        EXPECT_EQ(m.err.code, c.code) << m.err.msg;
        h5c_lheap_free(&h);
    }
}

// ---- global heap ------------------------------------------------------------

// Collection at 0: object 1 "hello", object 2 "12345678", then free space.
Bytes gheap(const std::string &sig = "GCOL", int version = 1, uint64_t coll_size = 96,
            uint64_t obj2_size = 8)
{
    Buf b;
    b.str(sig).u8(version).zeros(3).u64(coll_size);
    b.u16(1).u16(1).u32(0).u64(5).str("hello").zeros(3);
    b.u16(2).u16(1).u32(0).u64(obj2_size).str("12345678");
    b.u16(0).u16(0).u32(0).u64(96 - b.pos());
    b.pad_to(96);
    return b.b;
}

TEST(GlobalHeap, ReadsObjectsAndCaches)
{
    MemFile m(gheap());
    uint8_t *obj = nullptr;
    size_t len = 0;
    ASSERT_EQ(h5c_gheap_get(&m.f, 0, 1, &obj, &len, &m.err), 0) << m.err.msg;
    EXPECT_EQ(s(obj, len), "hello");
    free(obj);
    EXPECT_NE(m.f.gheaps, nullptr);
    ASSERT_EQ(h5c_gheap_get(&m.f, 0, 2, &obj, &len, &m.err), 0);
    EXPECT_EQ(s(obj, len), "12345678");
    free(obj);
    EXPECT_EQ(h5c_gheap_get(&m.f, 0, 3, &obj, &len, &m.err), -1);
    EXPECT_EQ(m.err.code, H5C_ERR_NOT_FOUND);
    EXPECT_EQ(h5c_gheap_get(&m.f, 0, 0, &obj, &len, &m.err), -1);  // free space is no object
    EXPECT_EQ(m.err.code, H5C_ERR_NOT_FOUND);
    h5c_gheap_cache_free(&m.f);
    EXPECT_EQ(m.f.gheaps, nullptr);
}

TEST(GlobalHeap, ThreadsShareTheCache)
{
    MemFile m(gheap());
    std::vector<std::thread> ts;
    std::vector<int> bad(4, 0);
    for (int t = 0; t < 4; t++)
        ts.emplace_back([&, t] {
            for (int i = 0; i < 500; i++) {
                uint8_t *obj;
                size_t len;
                h5c_error e{};
                uint32_t idx = 1 + (uint32_t)((i + t) % 2);
                if (h5c_gheap_get(&m.f, 0, idx, &obj, &len, &e) != 0) {
                    bad[t]++;
                    continue;
                }
                if (s(obj, len) != (idx == 1 ? "hello" : "12345678")) bad[t]++;
                free(obj);
            }
        });
    for (auto &t : ts) t.join();
    for (int t = 0; t < 4; t++) EXPECT_EQ(bad[t], 0);
}

TEST(GlobalHeap, Malformed)
{
    struct Case {
        Bytes bytes;
        h5c_code code;
    } cases[] = {
        {gheap("GCOX"), H5C_ERR_FORMAT},                 // bad signature
        {gheap("GCOL", 2), H5C_ERR_UNSUPPORTED},         // unknown version
        {gheap("GCOL", 1, 4096), H5C_ERR_FORMAT},        // collection past the end
        {gheap("GCOL", 1, 1ull << 62), H5C_ERR_FORMAT},  // absurd size
        {gheap("GCOL", 1, 8), H5C_ERR_FORMAT},           // smaller than its header
        {gheap("GCOL", 1, 96, 1000), H5C_ERR_FORMAT},    // object runs past the collection
        {Bytes(10, 0), H5C_ERR_FORMAT},                  // truncated
    };
    for (auto &c : cases) {
        MemFile m(c.bytes);
        uint8_t *obj = nullptr;
        size_t len = 0;
        EXPECT_EQ(h5c_gheap_get(&m.f, 0, 2, &obj, &len, &m.err), -1);
        EXPECT_EQ(m.err.code, c.code) << m.err.msg;
        EXPECT_EQ(obj, nullptr);
    }
    MemFile m(gheap());
    uint8_t *obj;
    size_t len;
    EXPECT_EQ(h5c_gheap_get(&m.f, UNDEF, 1, &obj, &len, &m.err), -1);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
}

// ---- B-tree v2 ---------------------------------------------------------------

struct Bt2Header {
    uint8_t type = 5;
    uint32_t node_size = 512;
    uint16_t rec_size = 11;
    uint16_t depth = 0;
    uint64_t root = 64;
    uint16_t root_nrec = 3;
    uint64_t total = 3;
};

void bt2_header(Buf &b, const Bt2Header &h, const char *sig = "BTHD")
{
    size_t start = b.pos();
    b.str(sig).u8(0).u8(h.type).u32(h.node_size).u16(h.rec_size).u16(h.depth).u8(100).u8(40);
    b.u64(h.root).u16(h.root_nrec).u64(h.total).sum(start);
}

Bytes rec11(char tag)
{
    Bytes r(11, (uint8_t)tag);
    return r;
}

void bt2_leaf(Buf &b, size_t at, const std::vector<Bytes> &recs, uint8_t type = 5,
              const char *sig = "BTLF")
{
    b.pad_to(at);
    b.str(sig).u8(0).u8(type);
    for (auto &r : recs) b.raw(r);
    b.sum(at);
}

struct Child {
    uint64_t addr;
    uint64_t nrec;
    uint64_t total;  // only written when total_size > 0
};

void bt2_internal(Buf &b, size_t at, const std::vector<Bytes> &recs, const std::vector<Child> &kids,
                  int nrec_size, int total_size)
{
    b.pad_to(at);
    b.str("BTIN").u8(0).u8(5);
    for (auto &r : recs) b.raw(r);
    for (auto &k : kids) {
        b.u64(k.addr).le(k.nrec, nrec_size);
        if (total_size) b.le(k.total, total_size);
    }
    b.sum(at);
}

struct Collected {
    std::string tags;
    int stop_at = -1;
    int ret = 7;
};

int collect(const uint8_t *rec, size_t len, uint8_t type, void *ud, h5c_error *)
{
    auto *c = static_cast<Collected *>(ud);
    EXPECT_EQ(len, 11u);
    EXPECT_EQ(type, 5);
    c->tags += (char)rec[0];
    return (int)c->tags.size() == c->stop_at ? c->ret : 0;
}

Bytes bt2_leaf_tree(const Bt2Header &h, const char *hsig = "BTHD", const char *lsig = "BTLF",
                    uint8_t leaf_type = 5)
{
    Buf b;
    bt2_header(b, h, hsig);
    bt2_leaf(b, 64, {rec11('a'), rec11('b'), rec11('c')}, leaf_type, lsig);
    return b.b;
}

TEST(BTree2, LeafRoot)
{
    MemFile m(bt2_leaf_tree(Bt2Header{}));
    Collected c;
    ASSERT_EQ(h5c_bt2_iterate(&m.f, 0, collect, &c, &m.err), 0) << m.err.msg;
    EXPECT_EQ(c.tags, "abc");
}

TEST(BTree2, CallbackStops)
{
    MemFile m(bt2_leaf_tree(Bt2Header{}));
    Collected c;
    c.stop_at = 2;
    EXPECT_EQ(h5c_bt2_iterate(&m.f, 0, collect, &c, &m.err), 7);
    EXPECT_EQ(c.tags, "ab");
}

TEST(BTree2, EmptyTree)
{
    Bt2Header h;
    h.root = UNDEF;
    h.root_nrec = 0;
    h.total = 0;
    Buf b;
    bt2_header(b, h);
    MemFile m(b.b);
    Collected c;
    EXPECT_EQ(h5c_bt2_iterate(&m.f, 0, collect, &c, &m.err), 0);
    EXPECT_EQ(c.tags, "");
}

TEST(BTree2, InternalDepth1)
{
    // Leaf capacity (512-10)/11 = 45 -> 1-byte child record counts.
    Bt2Header h;
    h.depth = 1;
    h.root_nrec = 1;
    h.total = 5;
    Buf b;
    bt2_header(b, h);
    bt2_internal(b, 64, {rec11('c')}, {{200, 2, 0}, {300, 2, 0}}, 1, 0);
    bt2_leaf(b, 200, {rec11('a'), rec11('b')});
    bt2_leaf(b, 300, {rec11('d'), rec11('e')});
    MemFile m(b.b);
    Collected c;
    ASSERT_EQ(h5c_bt2_iterate(&m.f, 0, collect, &c, &m.err), 0) << m.err.msg;
    EXPECT_EQ(c.tags, "abcde");
}

TEST(BTree2, InternalDepth2UsesTotalCountWidth)
{
    // Depth-1 capacity (512-10-9)/(11+9) = 24; subtree max 25*45+24 = 1149
    // -> 2-byte totals in the depth-2 root's child pointers.
    Bt2Header h;
    h.depth = 2;
    h.root_nrec = 1;
    h.total = 7;
    Buf b;
    bt2_header(b, h);
    bt2_internal(b, 64, {rec11('d')}, {{200, 1, 3}, {400, 1, 3}}, 1, 2);
    bt2_internal(b, 200, {rec11('b')}, {{600, 1, 0}, {700, 1, 0}}, 1, 0);
    bt2_internal(b, 400, {rec11('f')}, {{800, 1, 0}, {900, 1, 0}}, 1, 0);
    bt2_leaf(b, 600, {rec11('a')});
    bt2_leaf(b, 700, {rec11('c')});
    bt2_leaf(b, 800, {rec11('e')});
    bt2_leaf(b, 900, {rec11('g')});
    MemFile m(b.b);
    Collected c;
    ASSERT_EQ(h5c_bt2_iterate(&m.f, 0, collect, &c, &m.err), 0) << m.err.msg;
    EXPECT_EQ(c.tags, "abcdefg");
}

TEST(BTree2, RepeatedChildBoundedByRecordTotal)
{
    // Both children point at the same leaf: more records than the header says.
    Bt2Header h;
    h.depth = 1;
    h.root_nrec = 1;
    h.total = 3;
    Buf b;
    bt2_header(b, h);
    bt2_internal(b, 64, {rec11('m')}, {{200, 2, 0}, {200, 2, 0}}, 1, 0);
    bt2_leaf(b, 200, {rec11('a'), rec11('b')});
    MemFile m(b.b);
    Collected c;
    EXPECT_EQ(h5c_bt2_iterate(&m.f, 0, collect, &c, &m.err), -1);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
    EXPECT_TRUE(m.has("more records")) << m.err.msg;
}

TEST(BTree2, Malformed)
{
    auto run = [](const Bytes &bytes, h5c_code code, const char *text) {
        MemFile m(bytes);
        Collected c;
        EXPECT_EQ(h5c_bt2_iterate(&m.f, 0, collect, &c, &m.err), -1) << text;
        EXPECT_EQ(m.err.code, code) << m.err.msg;
        EXPECT_TRUE(m.has(text)) << m.err.msg;
    };
    run(bt2_leaf_tree(Bt2Header{}, "BTHX"), H5C_ERR_FORMAT, "bad signature");
    run(bt2_leaf_tree(Bt2Header{}, "BTHD", "BTLX"), H5C_ERR_FORMAT, "leaf node at 0x40: bad signature");
    run(bt2_leaf_tree(Bt2Header{}, "BTHD", "BTLF", 6), H5C_ERR_FORMAT, "record type 6");

    Bytes v = bt2_leaf_tree(Bt2Header{});
    v[20] ^= 0xff;  // header checksum
    run(v, H5C_ERR_CHECKSUM, "checksum mismatch");
    v = bt2_leaf_tree(Bt2Header{});
    v[70] ^= 0xff;  // a record in the leaf
    run(v, H5C_ERR_CHECKSUM, "checksum mismatch");

    Bt2Header h;
    h.node_size = 64;  // holds (64-10)/11 = 4 records
    h.root_nrec = 5;
    run(bt2_leaf_tree(h), H5C_ERR_FORMAT, "claims 5 records");
    h = Bt2Header{};
    h.rec_size = 0;
    run(bt2_leaf_tree(h), H5C_ERR_FORMAT, "record size");
    h = Bt2Header{};
    h.depth = H5C_MAX_TREE_DEPTH + 1;
    run(bt2_leaf_tree(h), H5C_ERR_LIMIT, "depth");
    h = Bt2Header{};
    h.root = 1 << 20;  // past the end
    run(bt2_leaf_tree(h), H5C_ERR_FORMAT, "past the end");
    h = Bt2Header{};
    h.total = 1ull << 50;
    run(bt2_leaf_tree(h), H5C_ERR_FORMAT, "cannot fit");
    h = Bt2Header{};
    h.total = 2;
    run(bt2_leaf_tree(h), H5C_ERR_FORMAT, "more records");
    run(Bytes(30, 0), H5C_ERR_FORMAT, "past the end");  // truncated header
}

// ---- fractal heap -------------------------------------------------------------

struct HeapParams {
    uint16_t id_len = 8;
    uint16_t filter_len = 0;
    uint8_t flags = 2;  // checksummed direct blocks
    uint32_t max_man = 4096;
    uint64_t huge_bt2 = UNDEF;
    uint16_t width = 4;
    uint64_t start_block = 512;
    uint64_t max_dblock = 65536;
    uint16_t bits = 32;
    uint64_t root = UNDEF;
    uint16_t cur_rows = 0;
};

// Header at b.pos(); returns its address. Checksum included.
size_t fheap_header(Buf &b, const HeapParams &p, const char *sig = "FRHP")
{
    size_t at = b.pos();
    b.str(sig).u8(0).u16(p.id_len).u16(p.filter_len).u8(p.flags).u32(p.max_man);
    b.u64(0).u64(p.huge_bt2).u64(0).u64(UNDEF);
    for (int i = 0; i < 8; i++) b.u64(0);
    b.u16(p.width).u64(p.start_block).u64(p.max_dblock).u16(p.bits).u16(1).u64(p.root).u16(p.cur_rows);
    if (p.filter_len) b.u64(0).u32(0).zeros(p.filter_len);
    b.sum(at);
    return at;
}

// Direct block at `at` of `size` bytes, heap offset block_off; objects are
// placed right after the prefix. Returns their heap offsets.
std::vector<uint64_t> fheap_dblock(Buf &b, size_t at, uint64_t heap_addr, uint64_t block_off,
                                   size_t size, int off_size, bool checksum,
                                   const std::vector<std::string> &objs, const char *sig = "FHDB")
{
    b.pad_to(at);
    b.str(sig).u8(0).u64(heap_addr).le(block_off, off_size);
    size_t sum_at = b.pos();
    if (checksum) b.u32(0);
    std::vector<uint64_t> offs;
    for (auto &o : objs) {
        offs.push_back(block_off + (b.pos() - at));
        b.str(o);
    }
    b.pad_to(at + size);
    if (checksum) b.put(sum_at, h5c_lookup3(b.b.data() + at, size, 0), 4);
    return offs;
}

Bytes managed_id(uint64_t off, uint64_t len, int off_size = 4, int len_size = 2, size_t id_len = 8)
{
    Buf b;
    b.u8(0x00).le(off, off_size).le(len, len_size);
    b.pad_to(id_len);
    return b.b;
}

// Heap at 0 with a root direct block at 256 holding "hello world", "xyz".
struct RootDirect {
    Bytes bytes;
    std::vector<uint64_t> offs;
};

RootDirect root_direct_heap(HeapParams p = HeapParams{}, const char *dsig = "FHDB",
                            uint64_t dblock_owner = 0, uint64_t dblock_off = 0)
{
    Buf b;
    p.root = 256;
    fheap_header(b, p);
    RootDirect r;
    r.offs = fheap_dblock(b, 256, dblock_owner, dblock_off, 512, 4, p.flags & 2, {"hello world", "xyz"}, dsig);
    r.bytes = b.b;
    return r;
}

std::string fetch(MemFile &m, uint64_t heap, const Bytes &id, int *rc = nullptr)
{
    uint8_t *obj = nullptr;
    size_t len = 0;
    int r = h5c_fheap_get(&m.f, heap, id.data(), id.size(), &obj, &len, &m.err);
    if (rc) *rc = r;
    std::string out = r == 0 ? s(obj, len) : std::string("<error>");
    free(obj);
    return out;
}

TEST(FractalHeap, RootDirectBlock)
{
    RootDirect h = root_direct_heap();
    ASSERT_EQ(h.offs[0], 21u);  // 5 + 8 (heap address) + 4 (offset) + 4 (checksum)
    MemFile m(h.bytes);
    EXPECT_EQ(fetch(m, 0, managed_id(h.offs[0], 11)), "hello world") << m.err.msg;
    EXPECT_EQ(fetch(m, 0, managed_id(h.offs[1], 3)), "xyz") << m.err.msg;
    EXPECT_EQ(fetch(m, 0, managed_id(h.offs[0] + 6, 5)), "world") << m.err.msg;
}

TEST(FractalHeap, HandleReusesBlocks)
{
    RootDirect h = root_direct_heap();
    MemFile m(h.bytes);
    h5c_fheap fh;
    ASSERT_EQ(h5c_fheap_open(&m.f, 0, &fh, &m.err), 0) << m.err.msg;
    EXPECT_EQ(fh.off_size, 4u);
    EXPECT_EQ(fh.len_size, 2u);
    EXPECT_EQ(fh.dblock_prefix, 21u);
    for (int i = 0; i < 3; i++) {
        Bytes id = managed_id(h.offs[i % 2], i % 2 ? 3 : 11);
        uint8_t *obj;
        size_t len;
        uint64_t addr = 0;
        ASSERT_EQ(h5c_fheap_read(&m.f, &fh, id.data(), id.size(), &obj, &len, &addr, &m.err), 0);
        EXPECT_EQ(addr, 256 + h.offs[i % 2]);
        free(obj);
    }
    h5c_fheap_close(&fh);
}

TEST(FractalHeap, TinyObjects)
{
    Buf b;
    fheap_header(b, HeapParams{});
    MemFile m(b.b);
    Bytes id{0x24, 'a', 'b', 'c', 'd', 'e', 0, 0};  // type 2, length 5
    EXPECT_EQ(fetch(m, 0, id), "abcde") << m.err.msg;
    Bytes full{0x26, '1', '2', '3', '4', '5', '6', '7'};  // 7 bytes fills the ID
    EXPECT_EQ(fetch(m, 0, full), "1234567") << m.err.msg;
    Bytes over{0x27, '1', '2', '3', '4', '5', '6', '7'};  // 8 bytes cannot fit
    int rc;
    fetch(m, 0, over, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);

    // IDs longer than 18 bytes use the extended (12-bit) length.
    Buf e;
    HeapParams p;
    p.id_len = 24;
    fheap_header(e, p);
    MemFile m2(e.b);
    Bytes ext{0x20, 19};
    for (int i = 0; i < 20; i++) ext.push_back((uint8_t)('a' + i));
    ext.resize(24, 0);
    EXPECT_EQ(fetch(m2, 0, ext), "abcdefghijklmnopqrst") << m2.err.msg;
}

TEST(FractalHeap, HugeObjectDirect)
{
    // With 17-byte IDs the huge object's address and length fit in the ID.
    Buf b;
    HeapParams p;
    p.id_len = 17;
    fheap_header(b, p);
    b.pad_to(300).str("a huge object");
    MemFile m(b.b);
    Buf id;
    id.u8(0x10).u64(300).u64(13);
    EXPECT_EQ(fetch(m, 0, id.b), "a huge object") << m.err.msg;
    Buf bad;
    bad.u8(0x10).u64(300).u64(1000);  // runs past the file
    int rc;
    fetch(m, 0, bad.b, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
    EXPECT_TRUE(m.has("outside the file")) << m.err.msg;
}

TEST(FractalHeap, HugeObjectThroughBTree)
{
    // 8-byte IDs hold a 7-byte key; the type 1 B-tree maps it to the object.
    Buf b;
    HeapParams p;
    p.huge_bt2 = 200;
    fheap_header(b, p);
    b.pad_to(200);
    Bt2Header h;
    h.type = 1;
    h.rec_size = 24;
    h.root = 300;
    h.root_nrec = 2;
    h.total = 2;
    bt2_header(b, h);
    b.pad_to(300);
    size_t leaf = b.pos();
    b.str("BTLF").u8(0).u8(1);
    b.u64(400).u64(5).u64(1);  // address, length, ID
    b.u64(500).u64(9).u64(2);
    b.sum(leaf);
    b.pad_to(400).str("first").pad_to(500).str("second!!!");
    MemFile m(b.b);
    Buf id;
    id.u8(0x10).le(2, 7);
    EXPECT_EQ(fetch(m, 0, id.b), "second!!!") << m.err.msg;
    Buf missing;
    missing.u8(0x10).le(3, 7);
    int rc;
    fetch(m, 0, missing.b, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(m.err.code, H5C_ERR_NOT_FOUND);
}

TEST(FractalHeap, NestedIndirectBlocks)
{
    // width 2, 512-byte blocks, direct blocks only 512 bytes: rows 0-1 are
    // direct, row 2 holds indirect blocks of one row each.
    HeapParams p;
    p.width = 2;
    p.max_dblock = 512;
    p.max_man = 512;
    p.bits = 16;
    p.flags = 0;  // no direct block checksums
    p.root = 200;
    p.cur_rows = 3;
    Buf b;
    fheap_header(b, p);
    // Root: 4 direct entries (rows 0-1), then 2 indirect entries (row 2).
    b.pad_to(200);
    b.str("FHIB").u8(0).u64(0).le(0, 2);
    b.u64(1000).u64(UNDEF).u64(UNDEF).u64(UNDEF);
    b.u64(400).u64(UNDEF);
    b.sum(200);
    // Child indirect block for heap offsets 2048..3071: 2 direct entries.
    b.pad_to(400);
    b.str("FHIB").u8(0).u64(0).le(2048, 2);
    b.u64(UNDEF).u64(2000);
    b.sum(400);
    auto root_objs = fheap_dblock(b, 1000, 0, 0, 512, 2, false, {"in the first block"});
    auto deep_objs = fheap_dblock(b, 2000, 0, 2560, 512, 2, false, {"two levels down"});
    MemFile m(b.b);
    EXPECT_EQ(fetch(m, 0, managed_id(root_objs[0], 18, 2, 2)), "in the first block") << m.err.msg;
    EXPECT_EQ(deep_objs[0], 2560u + 15);
    EXPECT_EQ(fetch(m, 0, managed_id(deep_objs[0], 15, 2, 2)), "two levels down") << m.err.msg;
    int rc;
    fetch(m, 0, managed_id(600, 4, 2, 2), &rc);  // row 0, column 1: not allocated
    EXPECT_EQ(rc, -1);
    EXPECT_TRUE(m.has("unallocated direct block")) << m.err.msg;
    fetch(m, 0, managed_id(2100, 4, 2, 2), &rc);  // child's unallocated block
    EXPECT_EQ(rc, -1);
    EXPECT_TRUE(m.has("unallocated")) << m.err.msg;
    fetch(m, 0, managed_id(5000, 4, 2, 2), &rc);  // past the root's three rows
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
}

TEST(FractalHeap, FilteredHeapIsUnsupported)
{
    HeapParams p;
    p.filter_len = 12;
    p.root = 256;
    Buf b;
    fheap_header(b, p);
    MemFile m(b.b);
    int rc;
    fetch(m, 0, managed_id(21, 4), &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(m.err.code, H5C_ERR_UNSUPPORTED);
    EXPECT_TRUE(m.has("unsupported: filtered fractal heap")) << m.err.msg;
    // Tiny objects need no filter and are still served.
    EXPECT_EQ(fetch(m, 0, Bytes{0x22, 'o', 'k', '!', 0, 0, 0, 0}), "ok!") << m.err.msg;
}

TEST(FractalHeap, Malformed)
{
    auto expect_err = [](const Bytes &bytes, const Bytes &id, h5c_code code, const char *text) {
        MemFile m(bytes);
        int rc;
        fetch(m, 0, id, &rc);
        EXPECT_EQ(rc, -1) << text;
        EXPECT_EQ(m.err.code, code) << m.err.msg;
        EXPECT_TRUE(m.has(text)) << m.err.msg;
    };
    RootDirect ok = root_direct_heap();
    Bytes good_id = managed_id(21, 11);

    Buf b;
    fheap_header(b, HeapParams{}, "FRHX");
    expect_err(b.b, good_id, H5C_ERR_FORMAT, "fractal heap at 0x0: bad signature");

    Bytes v = ok.bytes;
    v[40] ^= 1;  // header field under the checksum
    expect_err(v, good_id, H5C_ERR_CHECKSUM, "checksum mismatch");
    v = ok.bytes;
    v[256 + 100] ^= 1;  // direct block data
    expect_err(v, good_id, H5C_ERR_CHECKSUM, "direct block at 0x100: checksum mismatch");

    expect_err(root_direct_heap(HeapParams{}, "FHDX").bytes, good_id, H5C_ERR_FORMAT,
               "direct block at 0x100: bad signature");
    expect_err(root_direct_heap(HeapParams{}, "FHDB", 64).bytes, good_id, H5C_ERR_FORMAT,
               "belongs to the heap at 0x40");
    expect_err(root_direct_heap(HeapParams{}, "FHDB", 0, 512).bytes, good_id, H5C_ERR_FORMAT,
               "block offset 512, expected 0");

    expect_err(ok.bytes, managed_id(500, 20), H5C_ERR_FORMAT, "outside direct block");
    expect_err(ok.bytes, managed_id(3, 4), H5C_ERR_FORMAT, "outside direct block");  // in the prefix
    expect_err(ok.bytes, managed_id(21, 0), H5C_ERR_FORMAT, "bad managed heap ID");
    expect_err(ok.bytes, Bytes{0x30, 0, 0, 0, 0, 0, 0, 0}, H5C_ERR_FORMAT, "unknown type 3");
    expect_err(ok.bytes, Bytes{0x40, 0, 0, 0, 0, 0, 0, 0}, H5C_ERR_UNSUPPORTED, "heap ID version 1");
    expect_err(ok.bytes, Bytes{0x00, 21}, H5C_ERR_FORMAT, "too short");

    HeapParams p;
    p.width = 3;
    expect_err(root_direct_heap(p).bytes, good_id, H5C_ERR_FORMAT, "bad doubling table");
    p = HeapParams{};
    p.bits = 0;
    expect_err(root_direct_heap(p).bytes, good_id, H5C_ERR_FORMAT, "maximum heap size");
    p = HeapParams{};
    p.start_block = p.max_dblock = 1ull << 40;
    p.bits = 48;
    expect_err(root_direct_heap(p).bytes, managed_id(21, 11, 6, 2), H5C_ERR_LIMIT, "too large");

    // Root indirect block with more rows than the heap address space allows.
    Buf r;
    p = HeapParams{};
    p.root = 256;
    p.cur_rows = 40;
    fheap_header(r, p);
    expect_err(r.b, good_id, H5C_ERR_FORMAT, "rows");

    // Root block past the end of the file.
    Buf e;
    p = HeapParams{};
    p.root = 1 << 20;
    fheap_header(e, p);
    expect_err(e.b, good_id, H5C_ERR_FORMAT, "past the end");

    // Heap with no blocks at all.
    Buf n;
    fheap_header(n, HeapParams{});
    expect_err(n.b, good_id, H5C_ERR_FORMAT, "no blocks");

    // Truncated header.
    expect_err(Bytes(ok.bytes.begin(), ok.bytes.begin() + 60), good_id, H5C_ERR_FORMAT, "past the end");
}

// ---- shared message table ---------------------------------------------------

// SMTB at 0 with two indexes: attributes (heap at 200), datatypes and
// dataspaces (heap at 400). Both heaps hold only tiny objects.
Bytes sohm_file(uint16_t attr_flags = 1u << H5C_MSG_ATTRIBUTE, const char *sig = "SMTB")
{
    Buf b;
    b.str(sig);
    b.u8(0).u8(0).u16(attr_flags).u32(50).u16(50).u16(40).u16(3).u64(UNDEF).u64(200);
    b.u8(0).u8(1).u16((1u << H5C_MSG_DATATYPE) | (1u << H5C_MSG_DATASPACE)).u32(50).u16(50).u16(40);
    b.u16(9).u64(UNDEF).u64(400);
    b.sum(0);
    b.pad_to(200);
    fheap_header(b, HeapParams{});
    b.pad_to(400);
    fheap_header(b, HeapParams{});
    return b.b;
}

TEST(Sohm, FindsTheIndexHeap)
{
    MemFile m(sohm_file());
    m.f.sohm_addr = 0;
    m.f.sohm_nindexes = 2;
    Bytes id{0x23, 'a', 't', 't', 'r', 0, 0, 0};
    uint8_t *obj;
    size_t len;
    ASSERT_EQ(h5c_sohm_get(&m.f, H5C_MSG_ATTRIBUTE, id.data(), &obj, &len, &m.err), 0) << m.err.msg;
    EXPECT_EQ(s(obj, len), "attr");
    free(obj);
    ASSERT_EQ(h5c_sohm_get(&m.f, H5C_MSG_DATASPACE, id.data(), &obj, &len, &m.err), 0) << m.err.msg;
    free(obj);
    EXPECT_EQ(h5c_sohm_get(&m.f, H5C_MSG_FILL, id.data(), &obj, &len, &m.err), -1);
    EXPECT_EQ(m.err.code, H5C_ERR_NOT_FOUND);
}

TEST(Sohm, Malformed)
{
    Bytes id{0x23, 'a', 't', 't', 'r', 0, 0, 0};
    uint8_t *obj;
    size_t len;
    {
        MemFile m(sohm_file());  // file without a table
        EXPECT_EQ(h5c_sohm_get(&m.f, H5C_MSG_ATTRIBUTE, id.data(), &obj, &len, &m.err), -1);
        EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
    }
    {
        MemFile m(sohm_file(1u << H5C_MSG_ATTRIBUTE, "SMTX"));
        m.f.sohm_addr = 0;
        m.f.sohm_nindexes = 2;
        EXPECT_EQ(h5c_sohm_get(&m.f, H5C_MSG_ATTRIBUTE, id.data(), &obj, &len, &m.err), -1);
        EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
        EXPECT_TRUE(m.has("bad signature")) << m.err.msg;
    }
    {
        Bytes v = sohm_file();
        v[10] ^= 0xff;
        MemFile m(v);
        m.f.sohm_addr = 0;
        m.f.sohm_nindexes = 2;
        EXPECT_EQ(h5c_sohm_get(&m.f, H5C_MSG_ATTRIBUTE, id.data(), &obj, &len, &m.err), -1);
        EXPECT_EQ(m.err.code, H5C_ERR_CHECKSUM);
    }
    {
        MemFile m(sohm_file());
        m.f.sohm_addr = 1 << 20;  // past the end
        EXPECT_EQ(h5c_sohm_get(&m.f, H5C_MSG_ATTRIBUTE, id.data(), &obj, &len, &m.err), -1);
        EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
    }
}

// ---- dense storage ------------------------------------------------------------

// Hard link message body: version 1, flags 0 (1-byte name length), name, address.
std::string link_msg(const std::string &name, uint64_t addr)
{
    Buf b;
    b.u8(1).u8(0).u8(name.size()).str(name).u64(addr);
    return std::string(b.b.begin(), b.b.end());
}

// Attribute message v1: scalar 32-bit little-endian signed integer.
std::string attr_msg(const std::string &name, int32_t value)
{
    Buf b;
    size_t nlen = name.size() + 1;
    b.u8(1).u8(0).u16(nlen).u16(12).u16(8);
    b.str(name).u8(0).pad_to(8 + ((nlen + 7) & ~size_t(7)));
    b.u8(0x10).u8(0x08).u8(0).u8(0).u32(4).u16(0).u16(32).zeros(4);  // datatype, padded to 16
    b.u8(1).u8(0).u8(0).u8(0).u32(0);                                // scalar dataspace v1
    b.u32((uint32_t)value);
    return std::string(b.b.begin(), b.b.end());
}

struct DenseFile {
    Bytes bytes;
    h5c_dense_info di;
};

// Heap at 0 (root direct block at 256), name index B-tree at 1024.
DenseFile dense_file(const std::vector<std::string> &objs, uint8_t bt2_type, uint16_t id_len,
                     uint8_t rec_flags = 0)
{
    Buf b;
    HeapParams p;
    p.id_len = id_len;
    p.root = 256;
    fheap_header(b, p);
    auto offs = fheap_dblock(b, 256, 0, 0, 512, 4, true, objs);
    b.pad_to(1024);
    Bt2Header h;
    h.type = bt2_type;
    h.rec_size = bt2_type == 8 ? 17 : 4 + id_len;
    h.root = 1100;
    h.root_nrec = (uint16_t)objs.size();
    h.total = objs.size();
    bt2_header(b, h);
    b.pad_to(1100);
    b.str("BTLF").u8(0).u8(bt2_type);
    for (size_t i = 0; i < objs.size(); i++) {
        Bytes id = managed_id(offs[i], objs[i].size(), 4, 2, id_len);
        if (bt2_type == 8)
            b.raw(id).u8(rec_flags).u32(i).u32(0x2000 + i);
        else
            b.u32(0x1000 + i).raw(id);
    }
    b.sum(1100);
    return {b.b, {0, 1024, UNDEF}};
}

struct Names {
    std::vector<std::string> names;
    std::vector<uint64_t> addrs;
    std::vector<int32_t> values;
};

int on_link(const h5c_link *l, void *ud, h5c_error *)
{
    auto *n = static_cast<Names *>(ud);
    n->names.push_back(l->name);
    n->addrs.push_back(l->addr);
    return 0;
}

int on_attr(h5c_attrmsg *a, void *ud, h5c_error *)
{
    auto *n = static_cast<Names *>(ud);
    n->names.push_back(a->name);
    int32_t v = 0;
    if (a->data_len == 4) std::memcpy(&v, a->data, 4);
    n->values.push_back(v);
    h5c_attrmsg_free(a);
    return 0;
}

TEST(Dense, Links)
{
    DenseFile d = dense_file({link_msg("alpha", 0x1234), link_msg("b", 0x99)}, 5, 7);
    MemFile m(d.bytes);
    Names n;
    ASSERT_EQ(h5c_dense_links(&m.f, &d.di, on_link, &n, &m.err), 0) << m.err.msg;
    ASSERT_EQ(n.names.size(), 2u);
    EXPECT_EQ(n.names[0], "alpha");
    EXPECT_EQ(n.addrs[0], 0x1234u);
    EXPECT_EQ(n.names[1], "b");
    EXPECT_EQ(n.addrs[1], 0x99u);
}

TEST(Dense, Attributes)
{
    DenseFile d = dense_file({attr_msg("temperature", 42), attr_msg("n", -7)}, 8, 8);
    MemFile m(d.bytes);
    Names n;
    ASSERT_EQ(h5c_dense_attrs(&m.f, &d.di, on_attr, &n, &m.err), 0) << m.err.msg;
    ASSERT_EQ(n.names.size(), 2u);
    EXPECT_EQ(n.names[0], "temperature");
    EXPECT_EQ(n.values[0], 42);
    EXPECT_EQ(n.names[1], "n");
    EXPECT_EQ(n.values[1], -7);
}

TEST(Dense, NoIndexIsEmpty)
{
    MemFile m(Bytes(64, 0));
    h5c_dense_info di{UNDEF, UNDEF, UNDEF};
    Names n;
    EXPECT_EQ(h5c_dense_links(&m.f, &di, on_link, &n, &m.err), 0);
    EXPECT_EQ(h5c_dense_attrs(&m.f, &di, on_attr, &n, &m.err), 0);
    EXPECT_TRUE(n.names.empty());
}

TEST(Dense, Malformed)
{
    {
        // Name index of the wrong record type.
        DenseFile d = dense_file({link_msg("a", 1)}, 6, 7);
        MemFile m(d.bytes);
        Names n;
        EXPECT_EQ(h5c_dense_links(&m.f, &d.di, on_link, &n, &m.err), -1);
        EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
        EXPECT_TRUE(m.has("record type 6")) << m.err.msg;
    }
    {
        // Index without a heap.
        DenseFile d = dense_file({link_msg("a", 1)}, 5, 7);
        d.di.heap_addr = UNDEF;
        MemFile m(d.bytes);
        Names n;
        EXPECT_EQ(h5c_dense_links(&m.f, &d.di, on_link, &n, &m.err), -1);
        EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
    }
    {
        // Shared attribute, but the file has no shared message table.
        DenseFile d = dense_file({attr_msg("x", 1)}, 8, 8, 0x02);
        MemFile m(d.bytes);
        Names n;
        EXPECT_EQ(h5c_dense_attrs(&m.f, &d.di, on_attr, &n, &m.err), -1);
        EXPECT_EQ(m.err.code, H5C_ERR_FORMAT);
        EXPECT_TRUE(m.has("shared message table")) << m.err.msg;
    }
}

}  // namespace

// ---- region references (format/region_ref.c) --------------------------------

// A collection at 16 whose object 1 is a region reference body: target
// address 800, then the serialized selection `sel`.
Bytes regref_heap(const Bytes &sel)
{
    Buf obj;
    obj.u64(800).raw(sel);
    size_t padded = (obj.pos() + 7) / 8 * 8;
    uint64_t coll = 16 + 16 + padded + 16 + 16;
    Buf b;
    b.zeros(16);
    b.str("GCOL").u8(1).zeros(3).u64(coll);
    b.u16(1).u16(1).u32(0).u64(obj.pos()).raw(obj.b).pad_to(16 + 16 + 16 + padded);
    b.u16(0).u16(0).u32(0).u64(coll - (b.pos() - 16));
    b.pad_to(16 + coll);
    return b.b;
}

std::string regref_text(MemFile &m, int *rc)
{
    uint8_t ref[12];
    for (int i = 0; i < 8; i++) ref[i] = uint8_t(i == 0 ? 16 : 0);  // collection at 16
    ref[8] = 1, ref[9] = ref[10] = ref[11] = 0;                     // object 1
    h5c_regref r{};
    *rc = h5c_regref_decode(&m.f, ref, &r, &m.err);
    std::string s = r.selection ? r.selection : "";
    if (*rc == 0) {
        EXPECT_EQ(r.addr, 800u);
    }
    free(r.selection);
    return s;
}

TEST(RegionRef, HyperslabVersion1Blocks)
{
    // type 2, version 1, reserved, length, rank 2, one block (2,2)-(7,7):
    // the first value of data/tattrreg.h5's Attribute1 as h5py lists it
    Buf sel;
    sel.u32(2).u32(1).u32(0).u32(24).u32(2).u32(1).u32(2).u32(2).u32(7).u32(7);
    MemFile m(regref_heap(sel.b));
    int rc;
    EXPECT_EQ(regref_text(m, &rc), "{\"type\":\"hyperslab\",\"blocks\":[[[2,2],[7,7]]]}");
    EXPECT_EQ(rc, 0) << m.err.msg;
}

TEST(RegionRef, RegularHyperslabListedBlockByBlock)
{
    // version 2, regular: start 1, stride 3, count 2, block 2 (rank 1)
    Buf sel;
    sel.u32(2).u32(2).u8(1).u32(36).u32(1).u64(1).u64(3).u64(2).u64(2);
    MemFile m(regref_heap(sel.b));
    int rc;
    EXPECT_EQ(regref_text(m, &rc), "{\"type\":\"hyperslab\",\"blocks\":[[[1],[2]],[[4],[5]]]}");
    EXPECT_EQ(rc, 0) << m.err.msg;
}

TEST(RegionRef, PointsAndAll)
{
    Buf pts;
    pts.u32(1).u32(1).u32(0).u32(16).u32(1).u32(2).u32(6).u32(9);
    MemFile m(regref_heap(pts.b));
    int rc;
    EXPECT_EQ(regref_text(m, &rc), "{\"type\":\"points\",\"points\":[[6],[9]]}");
    EXPECT_EQ(rc, 0) << m.err.msg;
    Buf all;
    all.u32(3).u32(1).u32(0).u32(0);
    MemFile m2(regref_heap(all.b));
    EXPECT_EQ(regref_text(m2, &rc), "{\"type\":\"all\"}");
}

TEST(RegionRef, TruncatedAndMalformed)
{
    int rc;
    Buf many;  // claims 1000 points, holds one
    many.u32(1).u32(1).u32(0).u32(16).u32(1).u32(1000).u32(6);
    MemFile m(regref_heap(many.b));
    regref_text(m, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(m.err.code, H5C_ERR_FORMAT) << m.err.msg;
    Buf cut;  // selection cut after its type
    cut.u32(2);
    MemFile m2(regref_heap(cut.b));
    regref_text(m2, &rc);
    EXPECT_EQ(rc, -1);
    Buf rank;  // rank above the maximum
    rank.u32(2).u32(1).u32(0).u32(0).u32(99).u32(0);
    MemFile m3(regref_heap(rank.b));
    regref_text(m3, &rc);
    EXPECT_EQ(rc, -1);
    Buf huge;  // a regular hyperslab of 2^40 blocks is refused, not listed
    huge.u32(2).u32(2).u8(1).u32(0).u32(2).u64(0).u64(1).u64(1u << 20).u64(1).u64(0).u64(1).u64(1u << 20).u64(1);
    MemFile m4(regref_heap(huge.b));
    regref_text(m4, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(m4.err.code, H5C_ERR_LIMIT) << m4.err.msg;
}

TEST(RegionRef, NullReference)
{
    MemFile m(regref_heap({}));
    uint8_t ref[12] = {0};
    h5c_regref r{1, nullptr};
    EXPECT_EQ(h5c_regref_decode(&m.f, ref, &r, &m.err), 0);
    EXPECT_EQ(r.addr, 0u);
    EXPECT_EQ(r.selection, nullptr);
}

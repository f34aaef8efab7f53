// Tests of the metadata block cache (core/cache/) and the read planner
// (core/plan/): exact request counts of known plans over real files from
// data/, behind an in-memory backend that counts what it is asked for.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include "cache/block_cache.h"
#include "format/format.h"
}

namespace {

using Bytes = std::vector<uint8_t>;

Bytes load(const std::string &name)
{
    for (const char *dir : {"data/", "../data/", "../../data/"}) {
        std::ifstream in(std::string(dir) + name, std::ios::binary);
        if (in) return Bytes(std::istreambuf_iterator<char>(in), {});
    }
    ADD_FAILURE() << "cannot find data/" << name;
    return {};
}

// Counters outlive the backend (h5c_close frees it).
struct Counts {
    std::atomic<int> reads{0}, batches{0}, ranges{0};
    std::atomic<uint64_t> bytes{0};
    std::mutex m;
    std::vector<std::pair<uint64_t, size_t>> seen;  // every range, in order
    int delay_ms = 0;
    bool fail_batches = false;
    int total() const { return reads + ranges; }
};

struct CountingIo {
    h5c_io io;
    h5c_io *inner;
    Counts *n;
};

void note(Counts *n, uint64_t off, size_t len)
{
    std::lock_guard<std::mutex> g(n->m);
    n->seen.emplace_back(off, len);
    n->bytes += len;
}

int c_read(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err)
{
    auto *c = reinterpret_cast<CountingIo *>(io);
    c->n->reads++;
    note(c->n, off, len);
    if (c->n->delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(c->n->delay_ms));
    h5c_io_count(io, len, 0);
    return c->inner->read(c->inner, off, len, buf, err);
}

int c_read_many(h5c_io *io, h5c_range *r, size_t n, h5c_error *err)
{
    auto *c = reinterpret_cast<CountingIo *>(io);
    c->n->batches++;
    if (c->n->fail_batches) return h5c_fail(err, H5C_ERR_IO, "injected failure");
    for (size_t i = 0; i < n; i++) {
        c->n->ranges++;
        note(c->n, r[i].off, r[i].len);
        h5c_io_count(io, r[i].len, 0);
        if (c->inner->read(c->inner, r[i].off, r[i].len, r[i].buf, err) != 0) return -1;
        if (r[i].done) r[i].done(&r[i]);  // finish range by range, as HTTP does
    }
    return 0;
}

void c_close(h5c_io *io)
{
    auto *c = reinterpret_cast<CountingIo *>(io);
    c->inner->close(c->inner);
    delete c;
}

// batch: offer read_many (the remote model) or not (the local model).
h5c_io *counting_io(const Bytes &b, Counts *n, bool batch, const char *etag = "", const char *name = "mem")
{
    h5c_error err{};
    auto *c = new CountingIo();
    c->inner = h5c_io_mem_open(b.data(), b.size(), &err);
    c->n = n;
    c->io.read = c_read;
    c->io.read_many = batch ? c_read_many : nullptr;
    c->io.close = c_close;
    c->io.size = c->inner->size;
    c->io.name = name;
    snprintf(c->io.etag, sizeof c->io.etag, "%s", etag);
    return &c->io;
}

h5c_file *open_counted(const Bytes &b, Counts *n, bool batch, h5c_options o = {}, const char *etag = "",
                       const char *name = "mem")
{
    h5c_error err{};
    h5c_file *f = h5c_open_io(counting_io(b, n, batch, etag, name), &o, &err);
    EXPECT_NE(nullptr, f) << err.msg;
    return f;
}

int count_entry(const h5c_entry *, void *ud)
{
    ++*static_cast<int *>(ud);
    return 0;
}

template <class T> std::vector<T> read_all(h5c_file *f, const char *path)
{
    h5c_error err{};
    h5c_dataset *d = h5c_dataset_open(f, path, &err);
    EXPECT_NE(nullptr, d) << err.msg;
    if (!d) return {};
    h5c_info info;
    h5c_dataset_info(d, &info);
    size_t n = 1;
    for (int i = 0; i < info.rank; i++) n *= info.dims[i];
    std::vector<T> v(n);
    EXPECT_EQ(0, h5c_read(d, nullptr, v.data(), v.size() * sizeof(T), &err)) << err.msg;
    h5c_dataset_close(d);
    return v;
}

// Values through the plain local path (no read_many, no counting).
template <class T> std::vector<T> reference(const Bytes &b, const char *path)
{
    Counts n;
    h5c_file *f = open_counted(b, &n, false);
    auto v = read_all<T>(f, path);
    h5c_close(f);
    return v;
}

struct ChunkList {
    std::vector<h5c_chunk> v;
};

int collect(const h5c_chunk *c, void *ud, h5c_error *)
{
    static_cast<ChunkList *>(ud)->v.push_back(*c);
    return 0;
}

// Stored chunks of a dataset, sorted by address.
std::vector<h5c_chunk> chunks_of(h5c_file *f, const char *path)
{
    h5c_error err{};
    h5c_dataset *d = h5c_dataset_open(f, path, &err);
    EXPECT_NE(nullptr, d) << err.msg;
    ChunkList l;
    EXPECT_EQ(0, h5c_chunks_iterate(d, nullptr, nullptr, collect, &l, &err)) << err.msg;
    h5c_dataset_close(d);
    std::sort(l.v.begin(), l.v.end(), [](const h5c_chunk &a, const h5c_chunk &b) { return a.addr < b.addr; });
    return l.v;
}

// =========================================================================
// block cache
// =========================================================================

TEST(BlockCache, OpenAndRecursiveListingOfASmallFileIsOneRequest)
{
    Bytes b = load("netcdf4_cf.nc");
    Counts n;
    h5c_file *f = open_counted(b, &n, true);
    ASSERT_NE(nullptr, f);
    EXPECT_EQ(1, n.total());  // the speculative read, clamped to the file
    EXPECT_EQ(b.size(), n.bytes.load());
    int entries = 0;
    h5c_error err{};
    ASSERT_EQ(0, h5c_list(f, "/", 1, count_entry, &entries, &err)) << err.msg;
    EXPECT_GT(entries, 5);
    h5c_dataset *d = h5c_dataset_open(f, "/tas", &err);
    ASSERT_NE(nullptr, d) << err.msg;
    h5c_dataset_close(d);
    EXPECT_EQ(1, n.total());
    h5c_stats st;
    h5c_file_stats(f, &st);
    EXPECT_EQ(1u, st.requests);
    EXPECT_EQ(b.size(), st.bytes);
    h5c_close(f);
}

TEST(BlockCache, SpeculativeSizeIsHonoured)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_options o{};
    o.speculative = 4096;
    h5c_file *f = open_counted(b, &n, false, o);
    ASSERT_NE(nullptr, f);
    ASSERT_GE(n.seen.size(), 1u);
    // rounded up to whole blocks
    EXPECT_EQ(std::make_pair((uint64_t)0, (size_t)H5C_CACHE_BLOCK), n.seen[0]);
    h5c_close(f);
}

TEST(BlockCache, MissFetchesOneAlignedBlockAndEvictsLeastRecentlyUsed)
{
    Bytes b = load("large_chunked_f4.h5");  // 8 blocks of 64 KiB
    Counts n;
    h5c_io *io = counting_io(b, &n, false);
    h5c_options o{};
    o.cache_bytes = 2 * H5C_CACHE_BLOCK;
    h5c_bcache *c = h5c_bcache_acquire(io, &o);
    ASSERT_NE(nullptr, c);
    h5c_error err{};
    uint8_t buf[100];
    const uint64_t B = H5C_CACHE_BLOCK;
    for (uint64_t blk : {0, 1, 2}) {
        ASSERT_EQ(0, h5c_bcache_read(c, io, blk * B + 10, sizeof buf, buf, &err)) << err.msg;
        EXPECT_EQ(0, memcmp(buf, b.data() + blk * B + 10, sizeof buf));
    }
    EXPECT_EQ(3, n.reads.load());
    EXPECT_EQ(std::make_pair(2 * B, (size_t)B), n.seen[2]);
    h5c_bcache_stats st;
    h5c_bcache_get_stats(c, &st);
    EXPECT_EQ(1u, st.evictions);
    EXPECT_EQ(2 * B, st.bytes);
    ASSERT_EQ(0, h5c_bcache_read(c, io, 2 * B, 8, buf, &err));  // resident
    EXPECT_EQ(3, n.reads.load());
    ASSERT_EQ(0, h5c_bcache_read(c, io, 0, 8, buf, &err));  // evicted first
    EXPECT_EQ(4, n.reads.load());
    // a read across a block boundary fetches only the missing block
    ASSERT_EQ(0, h5c_bcache_read(c, io, B - 4, 8, buf, &err));
    EXPECT_EQ(5, n.reads.load());
    EXPECT_EQ(std::make_pair(B, (size_t)B), n.seen[4]);
    EXPECT_EQ(0, memcmp(buf, b.data() + B - 4, 8));
    // past the end is an error, not a request
    EXPECT_NE(0, h5c_bcache_read(c, io, b.size() - 4, 8, buf, &err));
    EXPECT_EQ(5, n.reads.load());
    h5c_bcache_release(c);
    io->close(io);
}

TEST(BlockCache, LastBlockIsShort)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_io *io = counting_io(b, &n, false);
    h5c_bcache *c = h5c_bcache_acquire(io, nullptr);
    h5c_error err{};
    uint64_t last = (b.size() - 1) / H5C_CACHE_BLOCK * H5C_CACHE_BLOCK;
    uint8_t buf[16];
    ASSERT_EQ(0, h5c_bcache_read(c, io, b.size() - 16, 16, buf, &err)) << err.msg;
    EXPECT_EQ(std::make_pair(last, (size_t)(b.size() - last)), n.seen[0]);
    EXPECT_EQ(0, memcmp(buf, b.data() + b.size() - 16, 16));
    h5c_bcache_release(c);
    io->close(io);
}

TEST(BlockCache, TwoThreadsWantingOneBlockCauseOneRequest)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    n.delay_ms = 100;
    h5c_io *io = counting_io(b, &n, false);
    h5c_bcache *c = h5c_bcache_acquire(io, nullptr);
    std::vector<std::vector<uint8_t>> got(4, std::vector<uint8_t>(64));
    std::vector<std::thread> ts;
    std::atomic<int> fails{0};
    for (int t = 0; t < 4; t++)
        ts.emplace_back([&, t] {
            h5c_error err{};
            if (h5c_bcache_read(c, io, 3 * H5C_CACHE_BLOCK + 16 * t, 64, got[t].data(), &err) != 0) fails++;
        });
    for (auto &t : ts) t.join();
    EXPECT_EQ(0, fails.load());
    EXPECT_EQ(1, n.reads.load());
    for (int t = 0; t < 4; t++) EXPECT_EQ(0, memcmp(got[t].data(), b.data() + 3 * H5C_CACHE_BLOCK + 16 * t, 64));
    h5c_bcache_stats st;
    h5c_bcache_get_stats(c, &st);
    EXPECT_GE(st.waits, 1u);
    h5c_bcache_release(c);
    io->close(io);
}

TEST(BlockCache, ReopenWithSameEtagReusesBlocks)
{
    Bytes b = load("netcdf4_cf.nc");
    Counts n1, n2, n3;
    // the process-wide cache outlives the test: a URL of its own per run
    // (--gtest_repeat), or the first open finds the last run's blocks
    static int run = 0;
    std::string url = "test://reopen/" + std::to_string(run++);
    h5c_file *f = open_counted(b, &n1, true, {}, "\"etag-1\"", url.c_str());
    ASSERT_NE(nullptr, f);
    h5c_close(f);
    EXPECT_EQ(1, n1.total());
    f = open_counted(b, &n2, true, {}, "\"etag-1\"", url.c_str());
    ASSERT_NE(nullptr, f);
    int entries = 0;
    h5c_error err{};
    ASSERT_EQ(0, h5c_list(f, "/", 1, count_entry, &entries, &err)) << err.msg;
    EXPECT_EQ(0, n2.total());  // no metadata request at all
    auto tas = read_all<int16_t>(f, "/tas");
    EXPECT_EQ(0, n2.total());  // the data too: the cached first read holds the whole file
    h5c_close(f);
    f = open_counted(b, &n3, true, {}, "\"etag-2\"", url.c_str());  // changed object
    ASSERT_NE(nullptr, f);
    EXPECT_EQ(1, n3.total());
    h5c_close(f);
}

struct Listing {
    std::vector<std::string> lines;
};

int record(const h5c_entry *e, void *ud)
{
    static_cast<Listing *>(ud)->lines.push_back(std::string(e->path) + " " + std::to_string(e->kind) + " " +
                                                (e->error ? e->error : ""));
    return 0;
}

TEST(BlockCache, FetchManyFetchesMissingBlocksInOneBatchAsRuns)
{
    Bytes b = load("large_chunked_f4.h5");  // 8 blocks of 64 KiB, the last short
    ASSERT_GT(b.size(), 7u * H5C_CACHE_BLOCK);
    Counts n;
    h5c_io *io = counting_io(b, &n, true);
    h5c_options o{};
    h5c_bcache *c = h5c_bcache_acquire(io, &o);
    ASSERT_NE(nullptr, c);
    const uint64_t B = H5C_CACHE_BLOCK;
    uint8_t one;
    h5c_error err{};
    ASSERT_EQ(0, h5c_bcache_read(c, io, 2 * B + 5, 1, &one, &err));  // block 2 resident
    ASSERT_EQ(1, n.reads.load());
    // blocks 1..3 (2 present), 6, 7 (the short tail), 7 again, one past the end
    h5c_range want[5] = {};
    const std::pair<uint64_t, size_t> spans[5] = {{B + 10, 2 * B}, {6 * B + 1, 1}, {b.size() - 1, 1}, {7 * B, 1},
                                                  {b.size() + 5, 9}};
    for (int i = 0; i < 5; i++) want[i].off = spans[i].first, want[i].len = spans[i].second;
    ASSERT_EQ(0, h5c_bcache_fetch_many(c, io, want, 5, &err)) << err.msg;
    EXPECT_EQ(1, n.batches.load());
    std::vector<std::pair<uint64_t, size_t>> ranges(n.seen.begin() + 1, n.seen.end());
    std::vector<std::pair<uint64_t, size_t>> expect = {
        {B, B}, {3 * B, B}, {6 * B, (size_t)(b.size() - 6 * B)}};
    EXPECT_EQ(expect, ranges);
    // everything asked for is now served from memory, bytes identical
    Bytes got(b.size() - B);
    ASSERT_EQ(0, h5c_bcache_read(c, io, B, B * 3, got.data(), &err));
    ASSERT_EQ(0, h5c_bcache_read(c, io, 6 * B, b.size() - 6 * B, got.data() + 3 * B, &err));
    EXPECT_EQ(0, memcmp(got.data(), b.data() + B, 3 * B));
    EXPECT_EQ(0, memcmp(got.data() + 3 * B, b.data() + 6 * B, b.size() - 6 * B));
    EXPECT_EQ(1, n.reads.load());
    EXPECT_EQ(1, n.batches.load());
    h5c_bcache_release(c);
    io->close(io);
}

TEST(BlockCache, FailedFetchManyLeavesBlocksMissing)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_io *io = counting_io(b, &n, true);
    h5c_options o{};
    h5c_bcache *c = h5c_bcache_acquire(io, &o);
    ASSERT_NE(nullptr, c);
    n.fail_batches = true;
    h5c_range want[1] = {};
    want[0].len = 10;
    h5c_error err{};
    EXPECT_NE(0, h5c_bcache_fetch_many(c, io, want, 1, &err));
    uint8_t x[10];
    ASSERT_EQ(0, h5c_bcache_read(c, io, 0, 10, x, &err)) << err.msg;  // fetched again, by read
    EXPECT_EQ(0, memcmp(x, b.data(), 10));
    EXPECT_EQ(1, n.reads.load());
    h5c_bcache_release(c);
    io->close(io);
}

TEST(BlockCache, InstalledHeadServesReadsAndCountsAsTheSpeculativeRead)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_io *io = counting_io(b, &n, true);
    h5c_options o{};
    h5c_bcache *c = h5c_bcache_acquire(io, &o);
    ASSERT_NE(nullptr, c);
    const uint64_t B = H5C_CACHE_BLOCK;
    h5c_bcache_install(c, b.data(), 2 * B + 100);  // the partial third block is not kept
    h5c_error err{};
    EXPECT_EQ(0, h5c_bcache_prefetch(c, io, 0, &err));
    EXPECT_EQ(0, n.total());
    Bytes got(2 * B);
    ASSERT_EQ(0, h5c_bcache_read(c, io, 0, 2 * B, got.data(), &err));
    EXPECT_EQ(0, memcmp(got.data(), b.data(), 2 * B));
    EXPECT_EQ(0, n.total());
    ASSERT_EQ(0, h5c_bcache_read(c, io, 2 * B, 10, got.data(), &err));
    EXPECT_EQ(0, memcmp(got.data(), b.data() + 2 * B, 10));
    EXPECT_EQ(1, n.total());
    h5c_bcache_release(c);
    io->close(io);
}

TEST(BlockCache, WarmedRemoteListingEqualsLocalAndFetchesEachBlockOnce)
{
    Bytes b = load("links_v110.h5");
    Counts local, remote;
    h5c_options o{};
    o.speculative = 4096;  // below the file size: the listing warms the cache on threads
    h5c_file *f = open_counted(b, &local, false, o);
    h5c_file *g = open_counted(b, &remote, true, o);
    ASSERT_TRUE(f && g);
    remote.delay_ms = 5;
    Listing a, c;
    h5c_error err{};
    ASSERT_EQ(0, h5c_list(f, "/", 1, record, &a, &err)) << err.msg;
    ASSERT_EQ(0, h5c_list(g, "/", 1, record, &c, &err)) << err.msg;
    EXPECT_EQ(a.lines, c.lines);
    EXPECT_GT(a.lines.size(), 600u);
    size_t blocks = (b.size() + H5C_CACHE_BLOCK - 1) / H5C_CACHE_BLOCK;
    EXPECT_LE((size_t)remote.total(), blocks);  // in-flight de-duplication across the threads
    h5c_close(f);
    h5c_close(g);
}

// =========================================================================
// planner
// =========================================================================

TEST(Plan, WholeDatasetOfAdjacentChunksIsOneRange)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_file *f = open_counted(b, &n, true);
    ASSERT_NE(nullptr, f);
    f->data_uncached = 1;  // the planner's own ranges, not the cache's
    auto chunks = chunks_of(f, "/field");
    ASSERT_EQ(64u, chunks.size());
    int before = n.total();
    EXPECT_EQ(1, before);
    auto v = read_all<float>(f, "/field");
    EXPECT_EQ(1, n.batches.load());
    EXPECT_EQ(1, n.ranges.load());
    EXPECT_EQ(before + 1, n.total());
    uint64_t first = f->base + chunks.front().addr, end = f->base + chunks.back().addr + chunks.back().size;
    EXPECT_EQ(std::make_pair(first, (size_t)(end - first)), n.seen.back());
    EXPECT_EQ(reference<float>(b, "/field"), v);
    h5c_close(f);
}

TEST(Plan, LocalBackendReadsChunkByChunk)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_file *f = open_counted(b, &n, false);
    ASSERT_NE(nullptr, f);
    EXPECT_EQ(std::make_pair((uint64_t)0, (size_t)H5C_CACHE_BLOCK), n.seen[0]);  // no 4 MiB for pread
    auto chunks = chunks_of(f, "/field");
    size_t before = n.seen.size();
    auto v = read_all<float>(f, "/field");
    EXPECT_EQ(0, n.batches.load());
    // each chunk read once, by itself, outside the metadata cache
    std::vector<std::pair<uint64_t, size_t>> want, got(n.seen.begin() + before, n.seen.end());
    for (auto &c : chunks) want.emplace_back(f->base + c.addr, (size_t)c.size);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(want, got);
    h5c_close(f);
}

TEST(Plan, MaxRangeBoundsMergedRanges)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_options o{};
    o.max_range = 8207;  // the largest chunk: no two chunks fit together
    h5c_file *f = open_counted(b, &n, true, o);
    ASSERT_NE(nullptr, f);
    f->data_uncached = 1;  // the planner's own ranges, not the cache's
    auto v = read_all<float>(f, "/field");
    EXPECT_EQ(64, n.ranges.load());
    EXPECT_EQ(reference<float>(b, "/field"), v);
    h5c_close(f);
}

TEST(Plan, BlocksAboveMaxRangeAreSplit)
{
    Bytes b = load("large_chunked_f4.h5");
    Counts n;
    h5c_options o{};
    o.max_range = 4096;
    h5c_file *f = open_counted(b, &n, true, o);
    ASSERT_NE(nullptr, f);
    f->data_uncached = 1;  // the planner's own ranges, not the cache's
    auto chunks = chunks_of(f, "/field");
    int want = 0;
    for (auto &c : chunks) want += (int)((c.size + 4095) / 4096);
    size_t seen0 = n.seen.size();
    auto v = read_all<float>(f, "/field");
    EXPECT_EQ(want, n.ranges.load());
    for (size_t i = seen0; i < n.seen.size(); i++) EXPECT_LE(n.seen[i].second, 4096u);
    EXPECT_EQ(reference<float>(b, "/field"), v);
    h5c_close(f);
}

TEST(Plan, GapAboveMergeGapIsNotMerged)
{
    Bytes b = load("netcdf4_cf.nc");
    Counts probe;
    h5c_file *f = open_counted(b, &probe, true);
    ASSERT_NE(nullptr, f);
    f->data_uncached = 1;  // the planner's own ranges, not the cache's
    auto chunks = chunks_of(f, "/tas");
    h5c_close(f);
    ASSERT_EQ(12u, chunks.size());
    uint64_t widest = 0;
    int gaps_at_widest = 0;
    for (size_t i = 1; i < chunks.size(); i++) {
        uint64_t gap = chunks[i].addr - (chunks[i - 1].addr + chunks[i - 1].size);
        if (gap > widest) widest = gap, gaps_at_widest = 0;
        if (gap == widest) gaps_at_widest++;
    }
    ASSERT_GT(widest, 0u);
    auto want = reference<int16_t>(b, "/tas");
    for (uint64_t gap : {widest, widest - 1}) {
        Counts n;
        h5c_options o{};
        o.merge_gap = gap;
        f = open_counted(b, &n, true, o);
        f->data_uncached = 1;  // the planner's own ranges, not the cache's
        auto v = read_all<int16_t>(f, "/tas");
        EXPECT_EQ(gap == widest ? 1 : 1 + gaps_at_widest, n.ranges.load()) << "merge_gap " << gap;
        EXPECT_EQ(want, v);
        h5c_close(f);
    }
}

TEST(Plan, ReadManyPlansAllRequestsTogether)
{
    Bytes b = load("netcdf4_cf.nc");
    Counts n;
    h5c_file *f = open_counted(b, &n, true);
    ASSERT_NE(nullptr, f);
    f->data_uncached = 1;  // the planner's own ranges, not the cache's
    h5c_error err{};
    const char *paths[3] = {"/tas", "/pr", "/time_bnds"};
    h5c_dataset *ds[3];
    for (int i = 0; i < 3; i++) ASSERT_NE(nullptr, ds[i] = h5c_dataset_open(f, paths[i], &err)) << err.msg;
    std::vector<int16_t> tas(3 * 18 * 36);
    std::vector<float> pr(3 * 18 * 36);
    std::vector<double> tb(6);
    h5c_slice sl{};
    sl.rank = 3;
    sl.start[0] = 1, sl.count[0] = 2, sl.start[1] = 3, sl.count[1] = 10, sl.stride[1] = 1, sl.count[2] = 36;
    h5c_request r[4] = {};
    r[0].dataset = ds[0], r[0].out = tas.data(), r[0].out_len = tas.size() * 2;
    r[1].dataset = ds[1], r[1].out = pr.data(), r[1].out_len = pr.size() * 4, r[1].slice = &sl;
    r[2].dataset = ds[2], r[2].out = tb.data(), r[2].out_len = tb.size() * 8;
    r[3].dataset = ds[2], r[3].out = tb.data(), r[3].out_len = 3;  // too small: fails alone
    int before = n.total();
    EXPECT_EQ(-1, h5c_read_many(f, r, 4, &err));
    EXPECT_EQ(0, r[0].status) << r[0].err.msg;
    EXPECT_EQ(0, r[1].status) << r[1].err.msg;
    EXPECT_EQ(0, r[2].status) << r[2].err.msg;
    EXPECT_EQ(-1, r[3].status);
    EXPECT_EQ(H5C_ERR_ARG, r[3].err.code);
    EXPECT_EQ(1, n.batches.load());
    EXPECT_EQ(before + 1, n.total());  // three datasets, one range
    EXPECT_EQ(reference<int16_t>(b, "/tas"), tas);
    EXPECT_EQ(reference<double>(b, "/time_bnds"), tb);
    auto prall = reference<float>(b, "/pr");
    for (int t = 0; t < 2; t++)
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 36; x++)
                ASSERT_EQ(prall[((t + 1) * 18 + y + 3) * 36 + x], pr[(t * 10 + y) * 36 + x]);
    for (auto *d : ds) h5c_dataset_close(d);
    h5c_close(f);
}

// Every dataset of a file read through the batched path (many threads
// sharing the handle) equals the plain local path, errors included.
void compare_paths(const char *file)
{
    Bytes b = load(file);
    Counts n, m;
    h5c_file *f = open_counted(b, &n, true);
    h5c_file *g = open_counted(b, &m, false);
    ASSERT_TRUE(f && g);
    struct Names {
        std::vector<std::string> v;
    } names;
    h5c_error err{};
    ASSERT_EQ(0, h5c_list(f, "/", 1,
                          [](const h5c_entry *e, void *ud) {
                              if (e->kind == H5C_KIND_DATASET) static_cast<Names *>(ud)->v.push_back(e->path);
                              return 0;
                          },
                          &names, &err));
    ASSERT_GT(names.v.size(), 3u);
    std::atomic<int> diffs{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 3; t++)
        ts.emplace_back([&, t] {
            for (size_t i = t; i < names.v.size(); i += 3) {
                h5c_error e1{}, e2{};
                h5c_dataset *d1 = h5c_dataset_open(f, names.v[i].c_str(), &e1);
                h5c_dataset *d2 = h5c_dataset_open(g, names.v[i].c_str(), &e2);
                if (!d1 || !d2) {
                    if (!d1 != !d2) diffs++;
                    h5c_dataset_close(d1);
                    h5c_dataset_close(d2);
                    continue;
                }
                h5c_info info;
                h5c_dataset_info(d1, &info);
                size_t len = h5c_dtype_mem_size(info.type);
                for (int k = 0; k < info.rank; k++) len *= info.dims[k];
                if (info.rank < 0) len = 0;
                std::vector<uint8_t> x(len + 1), y(len + 1);
                int r1 = h5c_read(d1, nullptr, x.data(), len, &e1);
                int r2 = h5c_read(d2, nullptr, y.data(), len, &e2);
                bool fixed = h5c_dtype_is_fixed(info.type);  // vlen outputs hold pointers
                if (r1 != r2 || (r1 == 0 && fixed && x != y) || strcmp(e1.msg, e2.msg) != 0) {
                    ADD_FAILURE() << names.v[i] << ": " << e1.msg << " / " << e2.msg;
                    diffs++;
                }
                if (r1 == 0 && !fixed) h5c_free_vlen(info.type, x.data(), len / h5c_dtype_mem_size(info.type));
                if (r2 == 0 && !fixed) h5c_free_vlen(info.type, y.data(), len / h5c_dtype_mem_size(info.type));
                h5c_dataset_close(d1);
                h5c_dataset_close(d2);
            }
        });
    for (auto &t : ts) t.join();
    EXPECT_EQ(0, diffs.load()) << file;
    h5c_close(f);
    h5c_close(g);
}

TEST(Plan, BatchedReadsMatchThePlainPathEverywhere)
{
    for (const char *file : {"chunk_index_v110.h5", "chunk_index_earliest.h5", "filters_v110.h5", "filters_earliest.h5",
                             "dtypes_v110.h5", "dtypes_earliest.h5", "netcdf4_cf.nc", "resizable_v108.h5",
                             "fill_old.h5", "sb1_istore_k.h5", "sizes_o4l8_v110.h5", "userblock512_earliest.h5"}) {
        SCOPED_TRACE(file);
        compare_paths(file);
    }
}

TEST(Plan, FailedFetchFailsEveryRequestInTheBatchWithContext)
{
    Bytes b = load("netcdf4_cf.nc");
    Counts n;
    h5c_file *f = open_counted(b, &n, true);
    ASSERT_NE(nullptr, f);
    f->data_uncached = 1;  // the planner's own ranges, not the cache's
    h5c_error err{};
    h5c_dataset *tas = h5c_dataset_open(f, "/tas", &err), *lat = h5c_dataset_open(f, "/lat", &err);
    ASSERT_TRUE(tas && lat);
    std::vector<int16_t> a(3 * 18 * 36);
    std::vector<float> l(18);
    h5c_request r[2] = {};
    r[0].dataset = tas, r[0].out = a.data(), r[0].out_len = a.size() * 2;
    r[1].dataset = lat, r[1].out = l.data(), r[1].out_len = l.size() * 4;
    n.fail_batches = true;
    EXPECT_EQ(-1, h5c_read_many(f, r, 2, &err));
    for (auto &q : r) {
        EXPECT_EQ(-1, q.status);
        EXPECT_EQ(H5C_ERR_IO, q.err.code);
        EXPECT_NE(nullptr, strstr(q.err.msg, "chunk at element [")) << q.err.msg;
        EXPECT_NE(nullptr, strstr(q.err.msg, "injected failure")) << q.err.msg;
    }
    EXPECT_NE(nullptr, strstr(r[0].err.msg, "reading '/tas'")) << r[0].err.msg;
    n.fail_batches = false;  // the handle still works
    EXPECT_EQ(0, h5c_read_many(f, r, 2, &err)) << err.msg;
    EXPECT_EQ(reference<int16_t>(b, "/tas"), a);
    h5c_dataset_close(tas);
    h5c_dataset_close(lat);
    h5c_close(f);
}

}  // namespace

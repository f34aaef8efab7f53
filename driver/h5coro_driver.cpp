// h5coro_driver.cpp - GDAL raster driver H5CORO: HDF5 (and netCDF-4) files
// read through libh5coro. Identify/Open, subdatasets, the raster model,
// window reads through one h5c_read_many plan, georeferencing.
#include "h5coro_gdal.h"

#include "cpl_conv.h"
#include "cpl_string.h"
#include "cpl_vsi.h"
#include "gdal_pam.h"
#include "ogr_spatialref.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstring>
#include <limits>

using namespace h5cg;

namespace
{

const char *const DRIVER_NAME = "H5CORO";
const char *const PREFIX = "H5CORO:";

bool HasHdf5Extension(const char *p)
{
    const char *ext = CPLGetExtension(p);
    return EQUAL(ext, "h5") || EQUAL(ext, "hdf5") || EQUAL(ext, "he5") || EQUAL(ext, "nc") ||
           EQUAL(ext, "nc4") || EQUAL(ext, "hdf") || EQUAL(ext, "h5part");
}

bool SigAt(const GByte *b, int n, int off)
{
    static const GByte sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    return off + 8 <= n && memcmp(b + off, sig, 8) == 0;
}

bool HeaderHasSignature(GDALOpenInfo *oi, int limit)
{
    for (int off = 0; off + 8 <= oi->nHeaderBytes && off <= limit; off = off ? off * 2 : 512)
        if (SigAt(oi->pabyHeader, oi->nHeaderBytes, off))
            return true;
    return false;
}

// Parse H5CORO:"file"://path, H5CORO:file://path
bool ParseName(const char *name, std::string &file, std::string &dspath)
{
    if (!STARTS_WITH_CI(name, PREFIX))
        return false;
    std::string rest = name + strlen(PREFIX);
    if (!rest.empty() && rest[0] == '"')
    {
        size_t q = rest.find('"', 1);
        if (q == std::string::npos)
            return false;
        file = rest.substr(1, q - 1);
        rest = rest.substr(q + 1);
        if (rest.empty())
        {
            dspath.clear();
            return true;
        }
        if (rest[0] != ':')
            return false;
        rest = rest.substr(1);
    }
    else
    {
        // unquoted: the dataset path starts at the last ":/"
        size_t c = rest.rfind(":/");
        if (c == std::string::npos || c == 0)
        {
            file = rest;
            dspath.clear();
            return true;
        }
        file = rest.substr(0, c);
        rest = rest.substr(c + 1);
    }
    // "//a/b" -> "/a/b"
    size_t k = 0;
    while (k < rest.size() && rest[k] == '/')
        k++;
    dspath = "/" + rest.substr(k);
    return true;
}

std::string DisplayDsPath(const std::string &p)
{
    return "/" + p;  // "/a/b" -> "//a/b" as the built-in driver writes it
}

class H5CRasterBand;

/* ---- dataset ------------------------------------------------------------ */

class H5CDataset final : public GDALPamDataset
{
    friend class H5CRasterBand;

  public:
    H5CDataset() = default;
    ~H5CDataset() override;

    static GDALDataset *Open(GDALOpenInfo *);
    static int Identify(GDALOpenInfo *);

    CPLErr GetGeoTransform(double *gt) override;
    const OGRSpatialReference *GetSpatialRef() const override
    {
        return srs_.IsEmpty() ? GDALPamDataset::GetSpatialRef() : &srs_;
    }
    int GetGCPCount() override
    {
        return gcps_.empty() ? GDALPamDataset::GetGCPCount() : static_cast<int>(gcps_.size());
    }
    const GDAL_GCP *GetGCPs() override
    {
        return gcps_.empty() ? GDALPamDataset::GetGCPs() : gcps_.data();
    }
    const OGRSpatialReference *GetGCPSpatialRef() const override
    {
        return gcps_.empty() ? GDALPamDataset::GetGCPSpatialRef() : &gcp_srs_;
    }
    char **GetMetadataDomainList() override;
    char **GetMetadata(const char *domain = "") override;

  protected:
    CPLErr IRasterIO(GDALRWFlag, int, int, int, int, void *, int, int, GDALDataType, int, int *, GSpacing,
                     GSpacing, GSpacing, GDALRasterIOExtraArg *) override;

  private:
    static H5CDataset *OpenRaster(const std::shared_ptr<H5File> &file, const std::string &dspath,
                                  const std::string &display, GDALOpenInfo *oi, bool explicit_name);
    static H5CDataset *OpenListing(const std::shared_ptr<H5File> &file, const std::string &filename,
                                   GDALOpenInfo *oi, bool &decline);
    // PAM (.aux.xml next to the file, one <Subdataset> per dataset) and
    // overviews, as GDAL's HDF5 driver sets them up; last step of an open.
    void InitPam(const std::string &subdataset);
    void FindGeoreferencing(const std::vector<Attr> &attrs);
    bool ProductGeoreferencing(const std::vector<Attr> &attrs);
    bool GeoreferenceFromEos();
    void FindGeolocation(const std::vector<std::string> &two_d);
    bool CrsFromGridMapping(const std::string &gmpath, std::string *why);
    void MakeSlice(int band, int xoff, int yoff, int xs, int ys, h5c_slice &s) const;
    // One region of one band (0-based) to read: xs*ys elements of the band
    // type written to out as ys rows of `stride` elements.
    struct Region
    {
        int band;
        int xoff, yoff, xs, ys;
        void *out;
        int stride;
    };
    // Read regions through one plan (h5c_read for one, h5c_read_many for
    // more), converting from the core's memory type where it differs.
    bool ReadRegions(const std::vector<Region> &regs);
    // Read a window of several bands (0-based) through one plan into
    // per-band buffers laid out as ys rows of xs elements of the band type.
    bool ReadWindow(const std::vector<int> &bands, int xoff, int yoff, int xs, int ys,
                    const std::vector<void *> &bufs);
    // Put into GDAL's block cache, with one plan, every block of the bands
    // (1-based) that the window touches and the cache lacks. 1: all blocks
    // are cached now; 0: not done (too many bytes for the cache), the caller
    // reads another way; -1: error (reported).
    int PrefetchBlocks(const std::vector<int> &bands, int xoff, int yoff, int xs, int ys);
    // Rows to fetch for a full-width read of ys rows at yoff: more than ys
    // when the read looks like a top-to-bottom scan.
    int ReadAheadRows(int band, int nbands, int yoff, int ys);
    // Fetch the blocks of a window (with read-ahead for scans); as PrefetchBlocks.
    int FetchWindow(const std::vector<int> &bands, int xoff, int yoff, int xs, int ys);

    std::shared_ptr<H5File> file_;
    h5c_dataset *ds_ = nullptr;
    h5c_info info_{};
    std::string dspath_;
    int xdim_ = -1, ydim_ = -1;
    std::vector<int> banddims_;
    GDALDataType dt_ = GDT_Unknown;
    size_t esize_ = 0;  // bytes of one GDAL element
    bool half_ = false; // float16 in the file, Float32 for GDAL
    bool signed_byte_ = false;
    bool flip_ = false;  // netCDF-4 south-up rows served north-up, as GDAL's netCDF driver does
    bool has_gt_ = false;
    double gt_[6] = {0, 1, 0, 0, 0, 1};
    OGRSpatialReference srs_;
    std::vector<GDAL_GCP> gcps_;
    std::vector<std::string> gcp_ids_;  // storage of the GCPs' pszId
    OGRSpatialReference gcp_srs_;
    CPLStringList geoloc_;
    CPLStringList other_datasets_;
    int scan_end_ = -1;  // row where the last read-ahead ended
    int scan_ahead_ = 1; // block rows per fetch of the current scan
};

/* ---- band --------------------------------------------------------------- */

class H5CRasterBand final : public GDALPamRasterBand
{
  public:
    H5CRasterBand(H5CDataset *ds, int band, int bx, int by)
    {
        poDS = ds;
        nBand = band;
        eDataType = ds->dt_;
        nBlockXSize = bx;
        nBlockYSize = by;
        nRasterXSize = ds->GetRasterXSize();
        nRasterYSize = ds->GetRasterYSize();
    }
    CPLErr IReadBlock(int, int, void *) override;
    double GetNoDataValue(int *ok = nullptr) override
    {
        if (!has_nodata_)
            return GDALPamRasterBand::GetNoDataValue(ok);
        if (ok)
            *ok = TRUE;
        return nodata_;
    }
    int64_t GetNoDataValueAsInt64(int *ok = nullptr) override
    {
        if (ok)
            *ok = has_nodata_ && eDataType == GDT_Int64;
        return nodata_i64_;
    }
    uint64_t GetNoDataValueAsUInt64(int *ok = nullptr) override
    {
        if (ok)
            *ok = has_nodata_ && eDataType == GDT_UInt64;
        return nodata_u64_;
    }
    double GetOffset(int *ok = nullptr) override
    {
        if (ok)
            *ok = has_offset_;
        return has_offset_ ? offset_ : 0.0;
    }
    double GetScale(int *ok = nullptr) override
    {
        if (ok)
            *ok = has_scale_;
        return has_scale_ ? scale_ : 1.0;
    }
    const char *GetUnitType() override { return unit_.c_str(); }

    bool has_nodata_ = false;
    double nodata_ = 0;
    int64_t nodata_i64_ = 0;
    uint64_t nodata_u64_ = 0;
    bool has_offset_ = false, has_scale_ = false;
    double offset_ = 0, scale_ = 1;
    std::string unit_;

  protected:
    CPLErr IRasterIO(GDALRWFlag, int, int, int, int, void *, int, int, GDALDataType, GSpacing, GSpacing,
                     GDALRasterIOExtraArg *) override;
};

H5CDataset::~H5CDataset()
{
    FlushCache(true);
    if (ds_)
        h5c_dataset_close(ds_);
}

void H5CDataset::MakeSlice(int band, int xoff, int yoff, int xs, int ys, h5c_slice &s) const
{
    memset(&s, 0, sizeof s);
    s.rank = info_.rank;
    for (int d = 0; d < info_.rank; d++)
    {
        s.start[d] = 0;
        s.count[d] = 1;
        s.stride[d] = 1;
    }
    // unravel the band index over the band dimensions (C order)
    int64_t b = band;
    for (int k = static_cast<int>(banddims_.size()) - 1; k >= 0; k--)
    {
        const uint64_t n = info_.dims[banddims_[k]];
        s.start[banddims_[k]] = static_cast<uint64_t>(b) % n;
        b /= static_cast<int64_t>(n);
    }
    s.start[xdim_] = static_cast<uint64_t>(xoff);
    s.count[xdim_] = static_cast<uint64_t>(xs);
    if (ydim_ >= 0)
    {
        s.start[ydim_] = static_cast<uint64_t>(yoff);
        s.count[ydim_] = static_cast<uint64_t>(ys);
    }
}

static void HalfToFloat(const uint16_t *in, float *out, size_t n)
{
    for (size_t k = 0; k < n; k++)
    {
        const uint16_t h = in[k];
        const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
        const float sg = (h & 0x8000) ? -1.0f : 1.0f;
        if (e == 0)
            out[k] = sg * std::ldexp(static_cast<float>(m), -24);
        else if (e == 31)
            out[k] = m ? std::numeric_limits<float>::quiet_NaN() : sg * std::numeric_limits<float>::infinity();
        else
            out[k] = sg * std::ldexp(static_cast<float>(m + 1024), e - 25);
    }
}

bool H5CDataset::ReadRegions(const std::vector<Region> &regs)
{
    const size_t n = regs.size();
    if (n == 0)
        return true;
    std::vector<h5c_slice> slices(n);
    std::vector<h5c_request> reqs(n);
    // regions the core cannot write in place (float16, or rows narrower
    // than the output stride) go through a packed buffer first
    std::vector<std::vector<uint8_t>> tmp(n);
    const size_t mes = half_ ? esize_ / 2 : esize_;  // bytes of one element in the core's memory type
    try
    {
        for (size_t i = 0; i < n; i++)
        {
            const Region &r = regs[i];
            const size_t nelem = static_cast<size_t>(r.xs) * static_cast<size_t>(r.ys);
            MakeSlice(r.band, r.xoff, flip_ ? nRasterYSize - r.yoff - r.ys : r.yoff, r.xs, r.ys, slices[i]);
            memset(&reqs[i], 0, sizeof reqs[i]);
            reqs[i].dataset = ds_;
            reqs[i].slice = &slices[i];
            if (half_ || flip_ || r.stride != r.xs)
            {
                tmp[i].resize(nelem * mes);
                reqs[i].out = tmp[i].data();
            }
            else
                reqs[i].out = r.out;
            reqs[i].out_len = nelem * mes;
        }
    }
    catch (const std::bad_alloc &)
    {
        CPLError(CE_Failure, CPLE_OutOfMemory, "H5CORO: reading %s: out of memory", dspath_.c_str());
        return false;
    }
    h5c_error err;
    memset(&err, 0, sizeof err);
    int rc;
    if (n == 1)
        rc = h5c_read(ds_, &slices[0], reqs[0].out, reqs[0].out_len, &err);
    else
        rc = h5c_read_many(file_->handle(), reqs.data(), n, &err);
    if (rc != 0)
    {
        std::string msg = err.msg;
        if (n > 1)
            for (auto &r : reqs)
                if (r.status != 0)
                {
                    msg = r.err.msg;
                    break;
                }
        CPLError(CE_Failure, CPLE_FileIO, "H5CORO: reading %s: %s", dspath_.c_str(), msg.c_str());
        return false;
    }
    for (size_t i = 0; i < n; i++)
    {
        if (tmp[i].empty())
            continue;
        const Region &r = regs[i];
        const size_t rowin = static_cast<size_t>(r.xs) * mes;
        const size_t rowout = static_cast<size_t>(r.stride) * esize_;
        for (int y = 0; y < r.ys; y++)
        {
            const uint8_t *src = tmp[i].data() + static_cast<size_t>(flip_ ? r.ys - 1 - y : y) * rowin;
            uint8_t *dst = static_cast<uint8_t *>(r.out) + static_cast<size_t>(y) * rowout;
            if (half_)
                HalfToFloat(reinterpret_cast<const uint16_t *>(src), reinterpret_cast<float *>(dst),
                            static_cast<size_t>(r.xs) * (esize_ / 4));  // two halves per complex value
            else
                memcpy(dst, src, rowin);
        }
    }
    return true;
}

bool H5CDataset::ReadWindow(const std::vector<int> &bands, int xoff, int yoff, int xs, int ys,
                            const std::vector<void *> &bufs)
{
    std::vector<Region> regs(bands.size());
    for (size_t i = 0; i < bands.size(); i++)
        regs[i] = Region{bands[i], xoff, yoff, xs, ys, bufs[i], xs};
    return ReadRegions(regs);
}

CPLErr H5CRasterBand::IReadBlock(int bx, int by, void *image)
{
    auto *ds = static_cast<H5CDataset *>(poDS);
    const int xoff = bx * nBlockXSize, yoff = by * nBlockYSize;
    const int xs = std::min(nBlockXSize, nRasterXSize - xoff);
    const int ys = std::min(nBlockYSize, nRasterYSize - yoff);
    if (xs < nBlockXSize || ys < nBlockYSize)
        memset(image, 0, static_cast<size_t>(nBlockXSize) * nBlockYSize * ds->esize_);
    return ds->ReadRegions({H5CDataset::Region{nBand - 1, xoff, yoff, xs, ys, image, nBlockXSize}}) ? CE_None
                                                                                                   : CE_Failure;
}

int H5CDataset::PrefetchBlocks(const std::vector<int> &bands, int xoff, int yoff, int xs, int ys)
{
    if (xs <= 0 || ys <= 0 || xoff < 0 || yoff < 0 || xoff + xs > nRasterXSize || yoff + ys > nRasterYSize)
        return 0;
    struct Missing
    {
        GDALRasterBand *band;
        int bx, by;
        GDALRasterBlock *blk;
    };
    std::vector<Missing> missing;
    GIntBig bytes = 0;
    for (int b : bands)
    {
        GDALRasterBand *band = GetRasterBand(b);
        if (!band)
            return 0;
        int bw = 0, bh = 0;
        band->GetBlockSize(&bw, &bh);
        if (bw <= 0 || bh <= 0)
            return 0;
        for (int by = yoff / bh; by <= (yoff + ys - 1) / bh; by++)
            for (int bx = xoff / bw; bx <= (xoff + xs - 1) / bw; bx++)
            {
                if (GDALRasterBlock *blk = band->TryGetLockedBlockRef(bx, by))
                {
                    blk->DropLock();
                    continue;
                }
                missing.push_back(Missing{band, bx, by, nullptr});
                bytes += static_cast<GIntBig>(bw) * bh * static_cast<GIntBig>(esize_);
            }
    }
    if (missing.empty())
        return 1;
    // the blocks stay locked while they are read: never pin more than the
    // cache can hold
    if (bytes > GDALGetCacheMax64() / 2)
        return 0;
    auto release = [&](bool evict)
    {
        for (auto &m : missing)
            if (m.blk)
            {
                m.blk->DropLock();
                if (evict)
                    m.band->FlushBlock(m.bx, m.by, FALSE);
                m.blk = nullptr;
            }
    };
    std::vector<Region> regs;
    regs.reserve(missing.size());
    for (auto &m : missing)
    {
        m.blk = m.band->GetLockedBlockRef(m.bx, m.by, TRUE);
        void *data = m.blk ? m.blk->GetDataRef() : nullptr;
        if (!data)
        {
            release(true);
            return -1;
        }
        int bw = 0, bh = 0;
        m.band->GetBlockSize(&bw, &bh);
        const int bxoff = m.bx * bw, byoff = m.by * bh;
        const int bxs = std::min(bw, nRasterXSize - bxoff);
        const int bys = std::min(bh, nRasterYSize - byoff);
        if (bxs < bw || bys < bh)
            memset(data, 0, static_cast<size_t>(bw) * bh * esize_);
        regs.push_back(Region{m.band->GetBand() - 1, bxoff, byoff, bxs, bys, data, bw});
    }
    CPLDebug("H5CORO", "window %d,%d %dx%d: %zu blocks fetched in one plan", xoff, yoff, xs, ys, regs.size());
    const bool ok = ReadRegions(regs);
    release(!ok);  // on failure the blocks hold no data: drop them from the cache
    return ok ? 1 : -1;
}

// Scanners (gdalinfo -checksum, gdal_translate, most writers) read
// full-width strips from the top down; block by block row, each strip would
// cost a round trip. A full-width read at the top, or one that starts where
// the last read-ahead ended, fetches 16 block rows, then twice as many each
// time (up to 64), within a quarter of GDAL's block cache.
int H5CDataset::ReadAheadRows(int band, int nbands, int yoff, int ys)
{
    GDALRasterBand *b = GetRasterBand(band);
    int bw = 0, bh = 0;
    if (b)
        b->GetBlockSize(&bw, &bh);
    if (bh <= 0)
        return ys;
    if (GDALRasterBlock *blk = b->TryGetLockedBlockRef(0, yoff / bh))
    {
        blk->DropLock();  // already here: nothing to fetch, the scan goes on
        return ys;
    }
    if (yoff == 0)
        scan_ahead_ = 16;
    else if (yoff == scan_end_)
        scan_ahead_ = std::min(scan_ahead_ * 2, 64);
    else
    {
        scan_ahead_ = 1;
        scan_end_ = -1;
        return ys;
    }
    const GIntBig row_bytes = static_cast<GIntBig>(nRasterXSize) * static_cast<GIntBig>(esize_) * nbands;
    const GIntBig budget_rows = row_bytes > 0 ? GDALGetCacheMax64() / 4 / row_bytes : 0;
    GIntBig rows = static_cast<GIntBig>(std::max(ys, bh)) * scan_ahead_;
    rows = std::min(rows, std::max<GIntBig>(budget_rows / bh * bh, bh));
    const GIntBig end = std::min<GIntBig>(nRasterYSize, (yoff + rows + bh - 1) / bh * bh);
    scan_end_ = static_cast<int>(end);
    return std::max(ys, static_cast<int>(end - yoff));
}

int H5CDataset::FetchWindow(const std::vector<int> &bands, int xoff, int yoff, int xs, int ys)
{
    if (xoff == 0 && xs == nRasterXSize && !bands.empty())
    {
        const int rows = ReadAheadRows(bands[0], static_cast<int>(bands.size()), yoff, ys);
        if (rows > ys)
        {
            const int got = PrefetchBlocks(bands, xoff, yoff, xs, rows);
            if (got != 0)
                return got;
        }
    }
    return PrefetchBlocks(bands, xoff, yoff, xs, ys);
}

// Copy a packed xs*ys buffer of type src_dt into the caller's buffer.
static void CopyOut(const void *src, GDALDataType src_dt, int xs, int ys, void *dst, GDALDataType dst_dt,
                    GSpacing pixel, GSpacing line)
{
    const int ss = GDALGetDataTypeSizeBytes(src_dt);
    for (int r = 0; r < ys; r++)
        GDALCopyWords64(static_cast<const uint8_t *>(src) + static_cast<size_t>(r) * xs * ss, src_dt, ss,
                        static_cast<uint8_t *>(dst) + r * line, dst_dt, static_cast<int>(pixel), xs);
}

static bool WindowReads(GDALRWFlag rw, int xs, int ys, int bxs, int bys)
{
    return rw == GF_Read && xs > 0 && ys > 0 && bxs > 0 && bys > 0 &&
           CPLTestBool(CPLGetConfigOption("H5CORO_WINDOW_READS", "YES"));
}

// A resampled read samples every block of the window when the step between
// sampled source pixels is no more than a block.
static bool TouchesAllBlocks(int xs, int ys, int bxs, int bys, int bw, int bh)
{
    return static_cast<double>(xs) / bxs <= bw && static_cast<double>(ys) / bys <= bh;
}

// Window reads: the blocks the window touches that GDAL's block cache lacks
// are fetched, for all bands at once, with one plan straight into the cache;
// then GDAL's default IRasterIO serves the window from the cache (repeats and
// one-row-at-a-time readers such as GDALChecksumImage hit the cache). A window
// whose missing blocks would not fit in the cache is read with one plan into
// the caller's buffer instead.
CPLErr H5CRasterBand::IRasterIO(GDALRWFlag rw, int xoff, int yoff, int xs, int ys, void *data, int bxs,
                                int bys, GDALDataType bt, GSpacing pixel, GSpacing line,
                                GDALRasterIOExtraArg *extra)
{
    auto *ds = static_cast<H5CDataset *>(poDS);
    if (!WindowReads(rw, xs, ys, bxs, bys) || !TouchesAllBlocks(xs, ys, bxs, bys, nBlockXSize, nBlockYSize))
        return GDALPamRasterBand::IRasterIO(rw, xoff, yoff, xs, ys, data, bxs, bys, bt, pixel, line, extra);
    const int got = ds->FetchWindow({nBand}, xoff, yoff, xs, ys);
    if (got < 0)
        return CE_Failure;
    const bool one_block = xoff / nBlockXSize == (xoff + xs - 1) / nBlockXSize &&
                           yoff / nBlockYSize == (yoff + ys - 1) / nBlockYSize;
    if (got > 0 || xs != bxs || ys != bys || one_block)
        return GDALPamRasterBand::IRasterIO(rw, xoff, yoff, xs, ys, data, bxs, bys, bt, pixel, line, extra);
    // too big for the cache: one plan into the caller's buffer
    const int es = static_cast<int>(ds->esize_);
    if (bt == eDataType && pixel == es && line == pixel * xs)
        return ds->ReadWindow({nBand - 1}, xoff, yoff, xs, ys, {data}) ? CE_None : CE_Failure;
    std::vector<uint8_t> tmp;
    try
    {
        tmp.resize(static_cast<size_t>(xs) * ys * es);
    }
    catch (const std::bad_alloc &)
    {
        return GDALPamRasterBand::IRasterIO(rw, xoff, yoff, xs, ys, data, bxs, bys, bt, pixel, line, extra);
    }
    if (!ds->ReadWindow({nBand - 1}, xoff, yoff, xs, ys, {tmp.data()}))
        return CE_Failure;
    CopyOut(tmp.data(), eDataType, xs, ys, data, bt, pixel, line);
    return CE_None;
}

CPLErr H5CDataset::IRasterIO(GDALRWFlag rw, int xoff, int yoff, int xs, int ys, void *data, int bxs, int bys,
                             GDALDataType bt, int nbands, int *bandmap, GSpacing pixel, GSpacing line,
                             GSpacing bandspace, GDALRasterIOExtraArg *extra)
{
    int bw = 0, bh = 0;
    if (nbands >= 1 && GetRasterBand(bandmap[0]))
        GetRasterBand(bandmap[0])->GetBlockSize(&bw, &bh);
    if (!WindowReads(rw, xs, ys, bxs, bys) || nbands < 1 || bw <= 0 ||
        !TouchesAllBlocks(xs, ys, bxs, bys, bw, bh))
        return GDALPamDataset::IRasterIO(rw, xoff, yoff, xs, ys, data, bxs, bys, bt, nbands, bandmap, pixel, line,
                                      bandspace, extra);
    const int got = FetchWindow(std::vector<int>(bandmap, bandmap + nbands), xoff, yoff, xs, ys);
    if (got < 0)
        return CE_Failure;
    if (got > 0 || xs != bxs || ys != bys)
        return GDALPamDataset::IRasterIO(rw, xoff, yoff, xs, ys, data, bxs, bys, bt, nbands, bandmap, pixel, line,
                                      bandspace, extra);
    // too big for the cache: one plan into the caller's buffer
    const int es = static_cast<int>(esize_);
    std::vector<int> bands(nbands);
    for (int i = 0; i < nbands; i++)
        bands[i] = bandmap[i] - 1;
    const bool direct = bt == dt_ && pixel == es && line == pixel * xs;
    std::vector<void *> bufs(nbands);
    std::vector<uint8_t> tmp;
    const size_t plane = static_cast<size_t>(xs) * ys * es;
    if (direct)
    {
        for (int i = 0; i < nbands; i++)
            bufs[i] = static_cast<uint8_t *>(data) + i * bandspace;
    }
    else
    {
        try
        {
            tmp.resize(plane * nbands);
        }
        catch (const std::bad_alloc &)
        {
            return GDALPamDataset::IRasterIO(rw, xoff, yoff, xs, ys, data, bxs, bys, bt, nbands, bandmap, pixel,
                                          line, bandspace, extra);
        }
        for (int i = 0; i < nbands; i++)
            bufs[i] = tmp.data() + i * plane;
    }
    if (!ReadWindow(bands, xoff, yoff, xs, ys, bufs))
        return CE_Failure;
    if (!direct)
        for (int i = 0; i < nbands; i++)
            CopyOut(bufs[i], dt_, xs, ys, static_cast<uint8_t *>(data) + i * bandspace, bt, pixel, line);
    return CE_None;
}

CPLErr H5CDataset::GetGeoTransform(double *gt)
{
    if (!has_gt_)
        return GDALPamDataset::GetGeoTransform(gt);
    memcpy(gt, gt_, sizeof gt_);
    return CE_None;
}

char **H5CDataset::GetMetadataDomainList()
{
    char **l = GDALPamDataset::GetMetadataDomainList();
    if (!geoloc_.empty())
        l = CSLAddString(l, "GEOLOCATION");
    if (!other_datasets_.empty())
        l = CSLAddString(l, "H5CORO_OTHER_DATASETS");
    return l;
}

char **H5CDataset::GetMetadata(const char *domain)
{
    if (domain && EQUAL(domain, "GEOLOCATION") && !geoloc_.empty())
        return geoloc_.List();
    if (domain && EQUAL(domain, "H5CORO_OTHER_DATASETS"))
        return other_datasets_.List();
    return GDALPamDataset::GetMetadata(domain);
}

void H5CDataset::InitPam(const std::string &subdataset)
{
    // A remote file takes no sidecar: looking for one would cost a request
    // per open, and writing one cannot work (set H5CORO_REMOTE_PAM=YES to
    // use GDAL_PAM_PROXY_DIR).
    if (IsRemotePath(file_->path().c_str()) && !CPLTestBool(CPLGetConfigOption("H5CORO_REMOTE_PAM", "NO")))
    {
        nPamFlags |= GPF_DISABLED;
        return;
    }
    if (!subdataset.empty())
    {
        SetPhysicalFilename(file_->path().c_str());
        SetSubdatasetName(subdataset.c_str());
    }
    TryLoadXML();
    // what the driver set at open is the file's, not PAM's to save
    nPamFlags &= ~GPF_DIRTY;
    oOvManager.Initialize(this, subdataset.empty() ? file_->path().c_str() : ":::VIRTUAL:::");
}

/* ---- georeferencing ------------------------------------------------------ */

static bool Regular(const std::vector<double> &v, double &origin, double &step)
{
    const size_t n = v.size();
    if (n < 2)
        return false;
    step = (v[n - 1] - v[0]) / static_cast<double>(n - 1);
    if (step == 0 || !std::isfinite(step))
        return false;
    for (size_t i = 0; i < n; i++)
        if (std::fabs(v[i] - (v[0] + step * static_cast<double>(i))) > 1e-3 * std::fabs(step))
            return false;
    origin = v[0] - step / 2;
    return true;
}

static bool LooksLikeLon(const std::string &name)
{
    std::string n = CPLString(CPLGetFilename(name.c_str())).tolower();
    return n == "lon" || n == "longitude" || n == "x" || n.find("lon") == 0 || n == "xcoordinates" ||
           n == "x_coordinates";
}

bool H5CDataset::CrsFromGridMapping(const std::string &gmpath, std::string *why)
{
    std::vector<Attr> a;
    if (!ReadAttrs(file_->handle(), gmpath, a))
    {
        if (why)
            *why = "grid mapping " + gmpath + " not readable";
        return false;
    }
    OGRSpatialReference srs;
    if (!SrsFromCfGridMapping(a, srs, why))
        return false;
    srs_ = srs;
    return true;
}

// The rules of a product family GDAL's HDF5 driver knows (CSK, ODIM_H5,
// Latitude/Longitude GCPs); true when they replace the generic ones.
bool H5CDataset::ProductGeoreferencing(const std::vector<Attr> &attrs)
{
    ProductGeoref pg;
    const bool handled = h5cg::ProductGeoreferencing(*file_, dspath_, attrs, static_cast<uint64_t>(nRasterXSize),
                                                     static_cast<uint64_t>(nRasterYSize), pg);
    if (!pg.family.empty())
        CPLDebug("H5CORO", "%s: %s product georeferencing", dspath_.c_str(), pg.family.c_str());
    if (pg.has_gt)
    {
        memcpy(gt_, pg.gt, sizeof gt_);
        has_gt_ = true;
    }
    if (!pg.srs.IsEmpty())
    {
        srs_ = pg.srs;
        srs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    gcp_ids_.clear();
    for (const auto &g : pg.gcps)
        gcp_ids_.push_back(g.id);
    gcps_.assign(pg.gcps.size(), GDAL_GCP());
    for (size_t i = 0; i < pg.gcps.size(); i++)
    {
        const auto &g = pg.gcps[i];
        gcps_[i].pszId = const_cast<char *>(gcp_ids_[i].c_str());
        gcps_[i].pszInfo = const_cast<char *>("");
        gcps_[i].dfGCPPixel = g.pixel;
        gcps_[i].dfGCPLine = g.line;
        gcps_[i].dfGCPX = g.x;
        gcps_[i].dfGCPY = g.y;
        gcps_[i].dfGCPZ = g.z;
    }
    if (!gcps_.empty())
    {
        gcp_srs_ = pg.gcp_srs;
        gcp_srs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    return handled;
}

void H5CDataset::FindGeoreferencing(const std::vector<Attr> &attrs)
{
    if (ydim_ < 0)
        return;
    if (ProductGeoreferencing(attrs))
        return;
    h5c_file *f = file_->handle();
    const uint64_t nx = info_.dims[xdim_], ny = info_.dims[ydim_];
    std::string xpath, ypath;

    auto dims_of = [&](const std::string &p, std::vector<uint64_t> &dims) -> bool {
        h5c_error err;
        memset(&err, 0, sizeof err);
        h5c_dataset *d = h5c_dataset_open(f, p.c_str(), &err);
        if (!d)
            return false;
        h5c_info in;
        h5c_dataset_info(d, &in);
        dims.assign(in.dims, in.dims + std::max(in.rank, 0));
        const bool numeric = in.type && (in.type->cls == H5C_INTEGER || in.type->cls == H5C_FLOAT);
        h5c_dataset_close(d);
        return numeric;
    };
    auto is1d = [&](const std::string &p, uint64_t n) {
        std::vector<uint64_t> d;
        return !p.empty() && dims_of(p, d) && d.size() == 1 && d[0] == n;
    };

    // 1. HDF5 dimension scales
    const Attr *dl = FindAttr(attrs, "DIMENSION_LIST");
    if (dl && static_cast<int>(dl->ref_lists.size()) == info_.rank)
    {
        auto pick = [&](int dim, uint64_t n) -> std::string {
            for (uint64_t r : dl->ref_lists[dim])
            {
                std::string p = file_->PathOfAddr(r);
                if (is1d(p, n))
                    return p;
            }
            return std::string();
        };
        xpath = pick(xdim_, nx);
        ypath = pick(ydim_, ny);
    }
    // 2. CF coordinates
    const Attr *coords = FindAttr(attrs, "coordinates");
    std::vector<std::string> two_d;
    if (coords && coords->is_string)
    {
        const CPLStringList toks(CSLTokenizeString2(coords->text.c_str(), " ", 0));
        for (int i = 0; i < toks.size(); i++)
        {
            const std::string p = ResolvePath(dspath_, toks[i]);
            std::vector<uint64_t> d;
            if (!dims_of(p, d))
                continue;
            if (d.size() == 2 && d[0] == ny && d[1] == nx)
                two_d.push_back(p);
            if (d.size() != 1)
                continue;
            const bool lonish = LooksLikeLon(p);
            if (xpath.empty() && d[0] == nx && (lonish || nx != ny))
                xpath = p;
            else if (ypath.empty() && d[0] == ny && (!lonish || nx != ny))
                ypath = p;
        }
    }
    // 3. well-known names in the dataset's group, then the root
    auto by_name = [&](std::initializer_list<const char *> names, uint64_t n) -> std::string {
        for (const std::string &grp : {ParentOf(dspath_), std::string("/")})
            for (const char *nm : names)
            {
                const std::string p = grp == "/" ? std::string("/") + nm : grp + "/" + nm;
                if (p != dspath_ && is1d(p, n))
                    return p;
            }
        return std::string();
    };
    if (xpath.empty())
        xpath = by_name({"x", "lon", "longitude", "xCoordinates", "x_coordinates", "X", "Longitude"}, nx);
    if (ypath.empty())
        ypath = by_name({"y", "lat", "latitude", "yCoordinates", "y_coordinates", "Y", "Latitude"}, ny);

    // CRS from the grid mapping
    std::string gmpath;
    const Attr *gm = FindAttr(attrs, "grid_mapping");
    if (gm && gm->is_string && !gm->text.empty())
    {
        std::string name = gm->text;
        size_t colon = name.find(':');  // "crs: x y" form
        if (colon != std::string::npos)
            name = name.substr(0, colon);
        gmpath = ResolvePath(dspath_, name);
        std::string why;
        if (!CrsFromGridMapping(gmpath, &why))
        {
            CPLDebug("H5CORO", "%s: grid mapping %s gives no CRS %s", dspath_.c_str(), gmpath.c_str(), why.c_str());
            if (!CrsFromGridMapping(ResolvePath("/x", name), nullptr))
                gmpath.clear();
        }
    }

    std::vector<double> xv, yv;
    double x0, dx, y0, dy;
    if (!xpath.empty() && !ypath.empty() && ReadAsDouble(f, xpath, xv) && ReadAsDouble(f, ypath, yv) &&
        Regular(xv, x0, dx) && Regular(yv, y0, dy))
    {
        gt_[0] = x0; gt_[1] = dx; gt_[2] = 0;
        gt_[3] = y0; gt_[4] = 0; gt_[5] = dy;
        has_gt_ = true;
        CPLDebug("H5CORO", "%s: geotransform from %s and %s", dspath_.c_str(), xpath.c_str(), ypath.c_str());
        if (srs_.IsEmpty())
        {
            std::vector<Attr> xa;
            ReadAttrs(f, xpath, xa);
            const Attr *u = FindAttr(xa, "units");
            const bool deg = (u && u->is_string && STARTS_WITH_CI(u->text.c_str(), "degree")) ||
                             (LooksLikeLon(xpath) && CPLString(CPLGetFilename(xpath.c_str())).tolower() != "x");
            if (deg)
            {
                srs_.SetWellKnownGeogCS("WGS84");
                srs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            }
        }
    }
    else if (!gmpath.empty())
    {
        std::vector<Attr> ga;
        ReadAttrs(f, gmpath, ga);
        const Attr *g = FindAttr(ga, "GeoTransform");
        if (g)
        {
            std::vector<double> v = g->nums;
            if (g->is_string)
            {
                const CPLStringList toks(CSLTokenizeString2(g->text.c_str(), " ,", 0));
                v.clear();
                for (int i = 0; i < toks.size(); i++)
                    v.push_back(CPLAtof(toks[i]));
            }
            if (v.size() == 6)
            {
                memcpy(gt_, v.data(), sizeof gt_);
                has_gt_ = true;
            }
        }
    }

    if (!has_gt_)
        GeoreferenceFromEos();
    // 2-D latitude/longitude arrays: geolocation arrays
    if (!has_gt_)
        FindGeolocation(two_d);
}

// HDF-EOS5 grid fields: /HDFEOS/GRIDS/<grid>/Data Fields/<field> takes the
// geotransform and CRS of its grid in StructMetadata.0. Anything that does
// not add up (malformed ODL, a field whose dimensions are not the grid's
// YDim x XDim) leaves the dataset without georeferencing.
bool H5CDataset::GeoreferenceFromEos()
{
    std::string grid, field;
    if (!EosGridOfPath(dspath_, grid, field))
        return false;
    auto decline = [&](const std::string &why) {
        CPLDebug("H5CORO", "%s: no HDF-EOS5 georeferencing: %s", dspath_.c_str(), why.c_str());
        return false;
    };
    std::string text, why;
    std::vector<EosGrid> grids;
    if (!ReadStructMetadata(file_->handle(), text, &why) || !ParseEosGrids(text, grids, &why))
        return decline(why);
    const EosGrid *g = nullptr;
    for (const auto &x : grids)
        if (x.name == grid)
            g = &x;
    if (!g)
        return decline("grid " + grid + " not in StructMetadata");
    const auto it = g->field_dims.find(field);
    if (it != g->field_dims.end())
    {
        const auto &dl = it->second;
        if (static_cast<int>(dl.size()) != info_.rank || !EQUAL(dl[ydim_].c_str(), "YDim") ||
            !EQUAL(dl[xdim_].c_str(), "XDim"))
            return decline("field " + field + " is not laid out as (..., YDim, XDim)");
    }
    if (info_.dims[xdim_] != static_cast<uint64_t>(g->xdim) || info_.dims[ydim_] != static_cast<uint64_t>(g->ydim))
        return decline("field " + field + " shape differs from the grid's");
    double gt[6];
    if (!EosGeoTransform(*g, gt, &why))
        return decline(why);
    memcpy(gt_, gt, sizeof gt_);
    has_gt_ = true;
    OGRSpatialReference srs;
    if (EosSrs(*g, srs, &why))
        srs_ = srs;
    else
        CPLDebug("H5CORO", "%s: HDF-EOS5 grid without CRS: %s", dspath_.c_str(), why.c_str());
    return true;
}

// 2-D same-shape latitude/longitude arrays become GEOLOCATION metadata (for
// gdalwarp -geoloc): those the CF `coordinates` attribute names, else
// well-known names next to the dataset, in an HDF-EOS5 swath's
// "Geolocation Fields", or at the root.
void H5CDataset::FindGeolocation(const std::vector<std::string> &two_d)
{
    const uint64_t nx = info_.dims[xdim_], ny = info_.dims[ydim_];
    std::string lon, lat;
    for (const auto &p : two_d)
    {
        if (LooksLikeLon(p) && lon.empty())
            lon = p;
        else if (!LooksLikeLon(p) && lat.empty())
            lat = p;
    }
    if (two_d.empty())
    {
        auto same_shape = [&](const std::string &p) {
            h5c_error err;
            memset(&err, 0, sizeof err);
            h5c_dataset *d = h5c_dataset_open(file_->handle(), p.c_str(), &err);
            if (!d)
                return false;
            h5c_info in;
            h5c_dataset_info(d, &in);
            const bool ok = in.rank == 2 && in.dims[0] == ny && in.dims[1] == nx && in.type &&
                            (in.type->cls == H5C_FLOAT || in.type->cls == H5C_INTEGER);
            h5c_dataset_close(d);
            return ok;
        };
        std::vector<std::string> groups{ParentOf(dspath_)};
        if (dspath_.compare(0, 15, "/HDFEOS/SWATHS/") == 0)
            groups.push_back(ParentOf(ParentOf(dspath_)) + "/Geolocation Fields");
        groups.push_back("/");
        for (const auto &grp : groups)
        {
            if (!lon.empty() && !lat.empty())
                break;
            lon.clear();
            lat.clear();
            for (const char *nm : {"lon", "longitude", "Longitude", "LON", "LONGITUDE"})
            {
                const std::string p = grp == "/" ? std::string("/") + nm : grp + "/" + nm;
                if (lon.empty() && p != dspath_ && same_shape(p))
                    lon = p;
            }
            for (const char *nm : {"lat", "latitude", "Latitude", "LAT", "LATITUDE"})
            {
                const std::string p = grp == "/" ? std::string("/") + nm : grp + "/" + nm;
                if (lat.empty() && p != dspath_ && same_shape(p))
                    lat = p;
            }
        }
    }
    if (lon.empty() || lat.empty() || lon == dspath_ || lat == dspath_)
        return;
    auto sub = [&](const std::string &p) {
        return CPLSPrintf("%s\"%s\":%s", PREFIX, file_->path().c_str(), DisplayDsPath(p).c_str());
    };
    OGRSpatialReference wgs;
    wgs.SetWellKnownGeogCS("WGS84");
    char *wkt = nullptr;
    wgs.exportToWkt(&wkt);
    geoloc_.SetNameValue("SRS", wkt);
    CPLFree(wkt);
    geoloc_.SetNameValue("X_DATASET", sub(lon));
    geoloc_.SetNameValue("X_BAND", "1");
    geoloc_.SetNameValue("Y_DATASET", sub(lat));
    geoloc_.SetNameValue("Y_BAND", "1");
    geoloc_.SetNameValue("PIXEL_OFFSET", "0");
    geoloc_.SetNameValue("PIXEL_STEP", "1");
    geoloc_.SetNameValue("LINE_OFFSET", "0");
    geoloc_.SetNameValue("LINE_STEP", "1");
    geoloc_.SetNameValue("GEOREFERENCING_CONVENTION", "PIXEL_CENTER");
}

/* ---- metadata ------------------------------------------------------------ */

// Metadata keys and values follow GDAL's built-in HDF5 driver, so that
// scripts reading them work with either driver: an attribute of the root
// group is its name; one of another object is the object's path without the
// leading '/', with '/' and ' ' as '_', then '_' and the name; in the name, runs of
// spaces become one '_' ("grp/ds" attr "Line Spacing" -> "grp_ds_Line_Spacing").
static std::string MetadataKey(const std::string &objpath, const std::string &name)
{
    std::string k;
    if (!objpath.empty() && objpath != "/")
    {
        const CPLStringList parts(CSLTokenizeString2(objpath.c_str(), "/", 0));
        for (int i = 0; i < parts.size(); i++)
            k += (i ? "_" : "") + std::string(parts[i]);
        std::replace(k.begin(), k.end(), ' ', '_');
    }
    const CPLStringList toks(CSLTokenizeString2(name.c_str(), " ", CSLT_STRIPLEADSPACES | CSLT_STRIPENDSPACES));
    for (int i = 0; i < toks.size(); i++)
        k += (k.empty() ? "" : "_") + std::string(toks[i]);
    return k;
}

// The built-in driver's text of the value (Attr::gdal_text); vlen
// sequences (DIMENSION_LIST) are left out as it leaves them out. A null
// dataspace gives "" (the built-in driver prints uninitialised memory).
static bool MetadataValue(const Attr &a, std::string &v)
{
    if (!a.gdal_listed || (a.rank > 0 && a.nelem == 0))
        return false;  // vlen sequences and zero-element attributes: the built-in lists neither
    v = a.rank < 0 ? std::string() : a.gdal_text;
    return true;
}

static void AddMetadata(const std::string &objpath, const std::vector<Attr> &attrs, CPLStringList &md)
{
    std::string v;
    for (const auto &a : attrs)
        if (MetadataValue(a, v))
            md.SetNameValue(MetadataKey(objpath, a.name).c_str(), v.c_str());
}

static void AddObjectMetadata(h5c_file *f, const std::string &objpath, CPLStringList &md)
{
    std::vector<Attr> attrs;
    std::string msg;
    if (!ReadAttrs(f, objpath, attrs, &msg))
        CPLDebug("H5CORO", "%s: attributes not read: %s", objpath.c_str(), msg.c_str());
    AddMetadata(objpath, attrs, md);
}

/* ---- open ---------------------------------------------------------------- */

// A COSMO-SkyMed single-look complex product (Product Type SCS...).
static bool IsCskSlc(h5c_file *f)
{
    std::vector<Attr> root;
    ReadAttrs(f, "/", root);
    const Attr *m = FindAttr(root, "Mission ID"), *t = FindAttr(root, "Product Type");
    if (!m || !t || !m->is_string || !t->is_string || m->strs.empty() || t->strs.empty())
        return false;
    const char *mi = m->strs[0].c_str();
    return (EQUAL(mi, "CSK") || EQUAL(mi, "KMPS") || EQUAL(mi, "CSG")) && STARTS_WITH_CI(t->strs[0].c_str(), "SCS");
}

static bool NumericInfo(const h5c_info &in, std::string *why)
{
    if (in.rank < 1)
    {
        if (why)
            *why = in.rank == 0 ? "scalar" : "null dataspace";
        return false;
    }
    if (MapType(in.type, nullptr, why) == GDT_Unknown)
        return false;
    return true;
}

H5CDataset *H5CDataset::OpenRaster(const std::shared_ptr<H5File> &file, const std::string &dspath,
                                   const std::string &display, GDALOpenInfo *oi, bool explicit_name)
{
    auto fail = [&](CPLErrorNum num, const std::string &msg) -> H5CDataset * {
        if (explicit_name)
            CPLError(CE_Failure, num, "H5CORO: %s: %s", display.c_str(), msg.c_str());
        else
            CPLDebug("H5CORO", "declining %s: %s", display.c_str(), msg.c_str());
        return nullptr;
    };
    h5c_error err;
    memset(&err, 0, sizeof err);
    h5c_dataset *d = h5c_dataset_open(file->handle(), dspath.c_str(), &err);
    if (!d)
        return fail(err.code == H5C_ERR_NOT_FOUND ? CPLE_OpenFailed : CPLE_NotSupported, err.msg);
    std::unique_ptr<H5CDataset> ds(new H5CDataset());
    ds->file_ = file;
    ds->ds_ = d;
    ds->dspath_ = dspath;
    h5c_dataset_info(d, &ds->info_);
    const h5c_info &in = ds->info_;
    std::string why;
    if (!NumericInfo(in, &why))
        return fail(CPLE_NotSupported, "not a numeric array: " + why);
    if (in.layout == H5C_LAYOUT_VIRTUAL && !CPLTestBool(CPLGetConfigOption("H5CORO_VIRTUAL", "YES")))
        return fail(CPLE_NotSupported, "virtual dataset");
    if (!CoreCanRead(in, &why))
        return fail(CPLE_NotSupported, why);
    ds->dt_ = MapType(in.type, &ds->signed_byte_, nullptr);
    ds->half_ = (in.type->cls == H5C_FLOAT && in.type->size == 2) ||
                (ds->dt_ == GDT_CFloat32 && in.type->cls == H5C_COMPOUND && in.type->size == 4);
    ds->esize_ = ds->half_ ? static_cast<size_t>(GDALGetDataTypeSizeBytes(ds->dt_)) : h5c_dtype_mem_size(in.type);
    if (ds->esize_ != static_cast<size_t>(GDALGetDataTypeSizeBytes(ds->dt_)))
        return fail(CPLE_NotSupported, "unexpected memory element size");

    const int rank = in.rank;
    if (rank == 1)
    {
        ds->xdim_ = 0;
        ds->ydim_ = -1;
    }
    else
    {
        int banddim = -1;
        const char *bd = CSLFetchNameValue(oi ? oi->papszOpenOptions : nullptr, "BAND_DIM");
        if (bd && !EQUAL(bd, "") && !EQUAL(bd, "AUTO"))
        {
            banddim = atoi(bd);
            if (banddim < 0)
                banddim += rank;
            if (rank < 3 || banddim < 0 || banddim >= rank)
            {
                if (rank >= 3)
                    return fail(CPLE_IllegalArg, CPLSPrintf("BAND_DIM=%s out of range for a %d-D dataset", bd, rank));
                banddim = -1;
            }
        }
        if (banddim < 0 && rank == 3 && IsCskSlc(file->handle()))
            banddim = 2;  // CSK SCS (L1A): lines x samples x (I, Q), as the built-in driver lays it out
        if (banddim >= 0 && rank == 3)
        {
            ds->banddims_ = {banddim};
            std::vector<int> rest;
            for (int k = 0; k < 3; k++)
                if (k != banddim)
                    rest.push_back(k);
            ds->ydim_ = rest[0];
            ds->xdim_ = rest[1];
        }
        else
        {
            if (banddim >= 0)
                CPLError(CE_Warning, CPLE_NotSupported, "H5CORO: BAND_DIM applies to 3-D datasets; ignored");
            for (int k = 0; k < rank - 2; k++)
                ds->banddims_.push_back(k);
            ds->ydim_ = rank - 2;
            ds->xdim_ = rank - 1;
        }
    }
    const uint64_t nx = in.dims[ds->xdim_];
    const uint64_t ny = ds->ydim_ >= 0 ? in.dims[ds->ydim_] : 1;
    uint64_t nb = 1;
    for (int k : ds->banddims_)
        nb *= in.dims[k];
    if (nx == 0 || ny == 0 || nb == 0)
        return fail(CPLE_NotSupported, "zero-sized dataset");
    if (nx > INT_MAX || ny > INT_MAX || nb > 65536)
        return fail(CPLE_NotSupported, "dimensions too large for a GDAL raster (use the multidimensional API)");
    ds->nRasterXSize = static_cast<int>(nx);
    ds->nRasterYSize = static_cast<int>(ny);

    // blocks: the chunk shape clipped, or strips for contiguous/compact data
    int bx, by;
    if (in.layout == H5C_LAYOUT_CHUNKED)
    {
        bx = static_cast<int>(std::min<uint64_t>(in.chunk[ds->xdim_], nx));
        by = ds->ydim_ >= 0 ? static_cast<int>(std::min<uint64_t>(in.chunk[ds->ydim_], ny)) : 1;
        bx = std::max(bx, 1);
        by = std::max(by, 1);
    }
    else
    {
        bx = static_cast<int>(nx);
        const uint64_t rowbytes = nx * ds->esize_;
        by = static_cast<int>(std::max<uint64_t>(1, std::min<uint64_t>(ny, (256 * 1024) / std::max<uint64_t>(rowbytes, 1))));
    }

    std::vector<Attr> attrs;
    ReadAttrs(file->handle(), dspath, attrs);

    for (int b = 1; b <= static_cast<int>(nb); b++)
    {
        auto *band = new H5CRasterBand(ds.get(), b, bx, by);
        ds->SetBand(b, band);
    }
    // band-level values
    double nodata = 0;
    bool has_nodata = false;
    int64_t nd_i = 0;
    uint64_t nd_u = 0;
    for (const char *k : {"_FillValue", FillAsNodata() ? "missing_value" : "_FillValue"})
    {
        const Attr *a = FindAttr(attrs, k);
        if (!has_nodata && a && a->numeric && !a->nums.empty())
        {
            has_nodata = true;
            nodata = a->nums[0];
            nd_i = a->ints[0];
            nd_u = a->uints[0];
        }
    }
    if (!has_nodata && in.has_fill && in.fill && in.type->size <= 8 &&
        FillAsNodata())
    {
        uint8_t v[8];
        memcpy(v, in.fill, in.type->size);
        if (in.type->big_endian)
            std::reverse(v, v + in.type->size);
        const h5c_dtype *t = in.type;
        double d = 0;
        switch (ds->dt_)
        {
            case GDT_Byte: d = ds->signed_byte_ ? static_cast<int8_t>(v[0]) : v[0]; nd_i = static_cast<int64_t>(d); nd_u = static_cast<uint64_t>(d); break;
            case GDT_Int16: { int16_t x; memcpy(&x, v, 2); d = x; break; }
            case GDT_UInt16: { uint16_t x; memcpy(&x, v, 2); d = x; break; }
            case GDT_Int32: { int32_t x; memcpy(&x, v, 4); d = x; break; }
            case GDT_UInt32: { uint32_t x; memcpy(&x, v, 4); d = x; break; }
            case GDT_Int64: { int64_t x; memcpy(&x, v, 8); d = static_cast<double>(x); nd_i = x; break; }
            case GDT_UInt64: { uint64_t x; memcpy(&x, v, 8); d = static_cast<double>(x); nd_u = x; break; }
            case GDT_Float32: { float x; memcpy(&x, v, 4); d = x; break; }
            case GDT_Float64: { memcpy(&d, v, 8); break; }
            default: t = nullptr;
        }
        // an all-zero fill is HDF5's default, not a user's choice: skip it
        bool allzero = true;
        for (uint32_t k = 0; k < in.type->size; k++)
            allzero = allzero && v[k] == 0;
        if (t && !allzero)
        {
            has_nodata = true;
            nodata = d;
        }
    }
    const Attr *sf = FindAttr(attrs, "scale_factor");
    const Attr *ao = FindAttr(attrs, "add_offset");
    const Attr *un = FindAttr(attrs, "units");

    // as the built-in driver does: the band has the dataset's attributes,
    // the dataset those of the root and the groups above it; in a netCDF-4
    // file, what GDAL's netCDF driver gives
    CPLStringList md, dsmd;
    std::vector<NcDim> ncdims;
    const bool ncview = file->IsNetcdf4() && NcDimensions(*file, attrs, rank, ncdims);
    if (ncview)
    {
        NcDatasetMetadata(*file, dspath, attrs, ncdims, ds->banddims_, dsmd);
        ds->flip_ = NcBottomUp(ncdims, ds->ydim_);
        CPLDebug("H5CORO", "%s: netCDF view, %s", dspath.c_str(), ds->flip_ ? "rows flipped (y increases)" : "rows as stored");
    }
    else
    {
        AddMetadata(dspath, attrs, md);
        for (std::string g = ParentOf(dspath);; g = ParentOf(g))
        {
            AddObjectMetadata(file->handle(), g, dsmd);
            if (g == "/")
                break;
        }
    }
    for (int b = 1; b <= static_cast<int>(nb); b++)
    {
        auto *band = static_cast<H5CRasterBand *>(ds->GetRasterBand(b));
        band->has_nodata_ = has_nodata;
        band->nodata_ = nodata;
        band->nodata_i64_ = nd_i;
        band->nodata_u64_ = nd_u;
        if (sf && sf->numeric && !sf->nums.empty())
        {
            band->has_scale_ = true;
            band->scale_ = sf->nums[0];
        }
        if (ao && ao->numeric && !ao->nums.empty())
        {
            band->has_offset_ = true;
            band->offset_ = ao->nums[0];
        }
        if (un && un->is_string)
            band->unit_ = un->text;
        if (ncview)
        {
            std::vector<uint64_t> index(ds->banddims_.size());
            uint64_t rest = static_cast<uint64_t>(b - 1);
            for (size_t k = ds->banddims_.size(); k-- > 0;)
            {
                index[k] = rest % in.dims[ds->banddims_[k]];
                rest /= in.dims[ds->banddims_[k]];
            }
            CPLStringList bmd;
            NcBandMetadata(dspath, attrs, ncdims, ds->banddims_, index, bmd);
            band->SetMetadata(bmd.List());
        }
        else
            band->SetMetadata(md.List());
        if (ds->signed_byte_)
            band->SetMetadataItem("PIXELTYPE", "SIGNEDBYTE", "IMAGE_STRUCTURE");
        // band coordinates along the band dimension(s)
        if (ds->banddims_.size() == 1)
            band->SetMetadataItem("H5CORO_BAND_INDEX", CPLSPrintf("%d", b - 1));
    }
    ds->SetMetadata(dsmd.List());
    if (in.nfilters > 0)
    {
        for (int k = 0; k < in.nfilters; k++)
            if (in.filters[k].id == 1)
                ds->SetMetadataItem("COMPRESSION", "DEFLATE", "IMAGE_STRUCTURE");
    }
    if (ds->banddims_.size() > 0 || nb > 1)
        ds->SetMetadataItem("INTERLEAVE", "BAND", "IMAGE_STRUCTURE");

    ds->FindGeoreferencing(attrs);
    if (ds->flip_ && ds->has_gt_ && ds->gt_[5] > 0)
    {
        ds->gt_[3] += ds->gt_[5] * ds->nRasterYSize;
        ds->gt_[5] = -ds->gt_[5];
    }
    ds->SetDescription(display.c_str());
    ds->InitPam(DisplayDsPath(dspath));
    return ds.release();
}

H5CDataset *H5CDataset::OpenListing(const std::shared_ptr<H5File> &file, const std::string &filename,
                                    GDALOpenInfo *oi, bool &decline)
{
    decline = false;
    std::string msg;
    if (!file->List(msg))
    {
        CPLDebug("H5CORO", "declining %s: listing failed: %s", filename.c_str(), msg.c_str());
        decline = true;
        return nullptr;
    }
    struct Cand
    {
        std::string path;
        std::vector<uint64_t> dims;
        std::string words;
        std::string label;  // name in the description (netCDF: standard_name)
    };
    std::vector<Cand> cands;
    CPLStringList others;
    for (const auto &e : file->Entries())
    {
        if (!e.error.empty())
        {
            CPLDebug("H5CORO", "declining %s: %s: %s", filename.c_str(), e.path.c_str(), e.error.c_str());
            decline = true;
            return nullptr;
        }
        if (e.kind != H5C_KIND_DATASET)
            continue;
        h5c_error err;
        memset(&err, 0, sizeof err);
        h5c_dataset *d = h5c_dataset_open(file->handle(), e.path.c_str(), &err);
        if (!d)
        {
            CPLDebug("H5CORO", "declining %s: %s", filename.c_str(), err.msg);
            decline = true;
            return nullptr;
        }
        h5c_info in;
        h5c_dataset_info(d, &in);
        std::string why;
        const bool numeric = NumericInfo(in, &why);
        if (numeric && !CoreCanRead(in, &why))
        {
            h5c_dataset_close(d);
            CPLDebug("H5CORO", "declining %s: %s: %s", filename.c_str(), e.path.c_str(), why.c_str());
            decline = true;
            return nullptr;
        }
        if (numeric)
            cands.push_back({e.path, std::vector<uint64_t>(in.dims, in.dims + in.rank), TypeWords(in.type), std::string()});
        else
        {
            std::string shape;
            for (int k = 0; k < in.rank; k++)
                shape += (k ? "x" : "") + std::to_string(in.dims[k]);
            char tb[64];
            others.SetNameValue(DisplayDsPath(e.path).c_str(),
                                CPLSPrintf("[%s] %s: %s", shape.c_str(), in.type ? h5c_dtype_str(in.type, tb, sizeof tb) : "?",
                                           why.c_str()));
        }
        h5c_dataset_close(d);
    }
    // a netCDF-4 file lists its variables of two or more dimensions as
    // GDAL's netCDF driver does (named by standard_name when there is one)
    const bool nc = file->IsNetcdf4();
    if (nc)
    {
        std::vector<Cand> kept;
        for (auto &c : cands)
            if (c.dims.size() >= 2)
            {
                std::vector<Attr> a;
                ReadAttrs(file->handle(), c.path, a);
                const Attr *sn = FindAttr(a, "standard_name");
                c.label = sn && sn->is_string && !sn->text.empty() ? sn->text : NcVarName(c.path);
                kept.push_back(c);
            }
        cands.swap(kept);
    }
    int n2d = 0;
    const Cand *only = nullptr;
    // as the built-in driver: a file with one 2-D or 3-D dataset opens as it
    // (netCDF: one variable of two or more dimensions)
    for (const auto &c : cands)
        if (c.dims.size() == 2 || c.dims.size() == 3 || (nc && c.dims.size() > 3))
        {
            n2d++;
            only = &c;
        }
    if (n2d == 1 && oi)
    {
        H5CDataset *r = OpenRaster(file, only->path, filename, oi, false);
        if (!r)
            decline = true;
        return r;
    }
    std::unique_ptr<H5CDataset> ds(new H5CDataset());
    ds->file_ = file;
    CPLStringList sub;
    int n = 0;
    for (const auto &c : cands)
    {
        n++;
        std::string shape;
        for (size_t k = 0; k < c.dims.size(); k++)
            shape += (k ? "x" : "") + std::to_string(c.dims[k]);
        sub.SetNameValue(CPLSPrintf("SUBDATASET_%d_NAME", n),
                         CPLSPrintf("%s\"%s\":%s", PREFIX, filename.c_str(), DisplayDsPath(c.path).c_str()));
        sub.SetNameValue(CPLSPrintf("SUBDATASET_%d_DESC", n),
                         CPLSPrintf("[%s] %s (%s)", shape.c_str(),
                                    c.label.empty() ? DisplayDsPath(c.path).c_str() : c.label.c_str(),
                                    c.words.c_str()));
    }
    ds->SetMetadata(sub.List(), "SUBDATASETS");
    // every attribute of every group and dataset, keyed as the built-in
    // driver keys them (netCDF: the global attributes, as NC_GLOBAL#name)
    CPLStringList md;
    if (nc)
    {
        std::vector<Attr> a;
        ReadAttrs(file->handle(), "/", a);
        NcAddAttrs("NC_GLOBAL#", a, md);
    }
    else
    {
        AddObjectMetadata(file->handle(), "/", md);
        for (const auto &e : file->Entries())
            if (e.kind == H5C_KIND_GROUP || e.kind == H5C_KIND_DATASET)
                AddObjectMetadata(file->handle(), e.path, md);
    }
    ds->SetMetadata(md.List());
    ds->other_datasets_ = others;
    ds->SetDescription(filename.c_str());
    ds->InitPam(std::string());
    return ds.release();
}

// A local file whose own GDAL driver gives what this one lacks: netCDF
// (.nc, .nc4: the netCDF driver's bottom-up flip, NETCDF_DIM_* band
// metadata, NC_GLOBAL# keys), BAG and KEA (their metadata-driven
// georeferencing and layout). Remote paths still come here (the reason for
// this driver); H5CORO_LOCAL_ALL=YES takes every local file.
static bool LocalFileForOtherDriver(GDALOpenInfo *oi)
{
    if (CPLTestBool(CPLGetConfigOption("H5CORO_LOCAL_ALL", "NO")))
        return false;
    const char *ext = CPLGetExtension(oi->pszFilename);
    const char *drv = EQUAL(ext, "nc") || EQUAL(ext, "nc4") ? "netCDF"
                      : EQUAL(ext, "bag")                    ? "BAG"
                      : EQUAL(ext, "kea")                    ? "KEA"
                                                             : nullptr;
    if (!drv || GDALGetDriverByName(drv) == nullptr)
        return false;
    if (oi->papszAllowedDrivers && CSLFindString(const_cast<char **>(oi->papszAllowedDrivers), drv) < 0)
        return false;  // the caller rules that driver out
    CPLDebug("H5CORO", "declining %s: GDAL's %s driver answers local %s files", oi->pszFilename, drv, ext);
    return true;
}

int H5CDataset::Identify(GDALOpenInfo *oi)
{
    const char *name = oi->pszFilename;
    if (STARTS_WITH_CI(name, PREFIX))
        return TRUE;
    if (!CPLTestBool(CPLGetConfigOption("H5CORO_PREFER", "YES")))
        return FALSE;
    const bool remote = IsRemotePath(name);
    if (!remote && !CPLTestBool(CPLGetConfigOption("H5CORO_LOCAL", "YES")))
        return FALSE;
    if (!remote && LocalFileForOtherDriver(oi))
        return FALSE;
    if (oi->nHeaderBytes >= 8)
    {
        if (HeaderHasSignature(oi, 1 << 30))
            return TRUE;
        // user blocks of 1024, 2048, ... bytes: look further when the
        // header GDAL read stops short
        if (oi->fpL && oi->nHeaderBytes >= 1024 && !SigAt(oi->pabyHeader, oi->nHeaderBytes, 0))
        {
            const int limit = HasHdf5Extension(name) ? 65536 : 2048;
            if (oi->nHeaderBytes < limit + 8 && oi->TryToIngest(limit + 8))
                return HeaderHasSignature(oi, limit);
        }
        return FALSE;
    }
    // GDAL could not read the header (a remote path its VSI layer could not
    // open): let the core try if the name says HDF5
    return remote && oi->fpL == nullptr && HasHdf5Extension(name);
}

GDALDataset *H5CDataset::Open(GDALOpenInfo *oi)
{
    if (!Identify(oi))
        return nullptr;
    const char *name = oi->pszFilename;
    std::string filename, dspath;
    const bool explicit_name = ParseName(name, filename, dspath);
    if (!explicit_name)
        filename = name;
    else if (filename.empty())
    {
        CPLError(CE_Failure, CPLE_OpenFailed, "H5CORO: cannot parse %s (expected H5CORO:\"file\"://dataset)", name);
        return nullptr;
    }
    if (oi->eAccess == GA_Update)
    {
        if (explicit_name)
            CPLError(CE_Failure, CPLE_NotSupported, "H5CORO: the driver is read-only");
        return nullptr;
    }
    const bool want_mdim = (oi->nOpenFlags & GDAL_OF_MULTIDIM_RASTER) != 0;
    if (!want_mdim && (oi->nOpenFlags & GDAL_OF_RASTER) == 0)
        return nullptr;

    h5c_code code = H5C_OK;
    std::string msg;
    std::shared_ptr<H5File> file;
    {
        // on a plain path stay silent so that GDAL goes on to other drivers
        CPLErrorStateBackuper keep_error_state;
        if (!explicit_name)
            CPLPushErrorHandler(CPLQuietErrorHandler);
        file = H5File::Open(filename, code, msg);
        if (!explicit_name)
            CPLPopErrorHandler();
    }
    if (!file)
    {
        if (explicit_name)
            CPLError(CE_Failure, code == H5C_ERR_UNSUPPORTED ? CPLE_NotSupported : CPLE_OpenFailed, "H5CORO: %s: %s",
                     filename.c_str(), msg.c_str());
        else
            CPLDebug("H5CORO", "declining %s: %s", filename.c_str(), msg.c_str());
        return nullptr;
    }
    if (want_mdim)
    {
        if (explicit_name && dspath != "/" && !dspath.empty())
        {
            CPLError(CE_Failure, CPLE_NotSupported, "H5CORO: the multidimensional API opens whole files");
            return nullptr;
        }
        if (!explicit_name)
        {
            std::string m;
            if (!file->List(m))
            {
                CPLDebug("H5CORO", "declining %s: %s", filename.c_str(), m.c_str());
                return nullptr;
            }
        }
        return OpenMultiDim(file, filename);
    }
    if (explicit_name && !dspath.empty() && dspath != "/")
        return OpenRaster(file, dspath, name, oi, true);
    bool decline = false;
    H5CDataset *ds = OpenListing(file, filename, oi, decline);
    if (!ds && explicit_name && decline)
        CPLError(CE_Failure, CPLE_NotSupported, "H5CORO: %s: the file holds objects this driver cannot read",
                 filename.c_str());
    return ds;
}

}  // namespace

/* ---- registration ---------------------------------------------------------- */

#define H5CORO_EXPORT __attribute__((visibility("default")))
extern "C" H5CORO_EXPORT void GDALRegister_H5CORO();

void GDALRegister_H5CORO()
{
    if (!GDAL_CHECK_VERSION("H5CORO"))
        return;
    if (GDALGetDriverByName(DRIVER_NAME) != nullptr)
        return;
    auto *drv = new GDALDriver();
    drv->SetDescription(DRIVER_NAME);
    drv->SetMetadataItem(GDAL_DCAP_RASTER, "YES");
    drv->SetMetadataItem(GDAL_DCAP_MULTIDIM_RASTER, "YES");
    drv->SetMetadataItem(GDAL_DCAP_VIRTUALIO, "YES");
    drv->SetMetadataItem(GDAL_DMD_SUBDATASETS, "YES");
    drv->SetMetadataItem(GDAL_DMD_LONGNAME, "HDF5 / netCDF-4 through h5coro (cloud-optimized, read-only)");
    drv->SetMetadataItem(GDAL_DMD_EXTENSIONS, "h5 hdf5 he5 nc");
    drv->SetMetadataItem(GDAL_DMD_HELPTOPIC, "README.md");
    drv->SetMetadataItem(GDAL_DMD_OPENOPTIONLIST,
                         "<OpenOptionList>"
                         "  <Option name='BAND_DIM' type='string' default='AUTO' description="
                         "'For a 3-D dataset, index (0-based, negative counts from the end) of the dimension that "
                         "becomes the bands; the other two are y and x. AUTO: all dimensions but the last two.'/>"
                         "</OpenOptionList>");
    drv->pfnIdentify = H5CDataset::Identify;
    drv->pfnOpen = H5CDataset::Open;
    GetGDALDriverManager()->RegisterDriver(drv);
}

extern "C" H5CORO_EXPORT void GDALRegisterMe();
void GDALRegisterMe()
{
    GDALRegister_H5CORO();
}

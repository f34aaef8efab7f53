// h5coro_mdim.cpp - multidimensional API (GDALGroup / GDALMDArray) of H5CORO.
//
// Read-only: a root GDALGroup per file, one GDALGroup per HDF5 group, one
// GDALMDArray per numeric dataset, GDALAttribute for numeric and string
// attributes. Dimensions are named "dim0", "dim1"... per array (as GDAL's
// built-in HDF5 driver does when no dimension scale is attached).
#include "h5coro_gdal.h"

#include <climits>
#include <cmath>
#include <cstring>
#include <limits>

namespace h5cg
{
namespace
{

std::string JoinPath(const std::string &parent, const std::string &name)
{
    return parent == "/" ? "/" + name : parent + "/" + name;
}

// Copy a strided hyperslab of a dense C-order source array (dims srcDims)
// into a destination buffer with the given strides and type.
void CopyStrided(const GByte *src, const GDALExtendedDataType &srcType, const std::vector<size_t> &srcStrides,
                 const GUInt64 *start, const size_t *count, const GInt64 *step, const GPtrDiff_t *dstStride,
                 const GDALExtendedDataType &dstType, GByte *dst, size_t dim, size_t rank)
{
    const size_t ssz = srcType.GetSize();
    const size_t dsz = dstType.GetSize();
    if (rank == 0)
    {
        GDALExtendedDataType::CopyValue(src, srcType, dst, dstType);
        return;
    }
    const GByte *s = src + static_cast<size_t>(start[dim]) * srcStrides[dim] * ssz;
    const GPtrDiff_t sstep = static_cast<GPtrDiff_t>(step[dim] * static_cast<GInt64>(srcStrides[dim] * ssz));
    const GPtrDiff_t dstep = dstStride[dim] * static_cast<GPtrDiff_t>(dsz);
    if (dim + 1 == rank)
    {
        if (srcType.GetClass() == GEDTC_NUMERIC && dstType.GetClass() == GEDTC_NUMERIC && count[dim] > 0 &&
            sstep > 0 && sstep <= INT_MAX && dstep <= INT_MAX && dstep >= INT_MIN)
        {
            GDALCopyWords64(s, srcType.GetNumericDataType(), static_cast<int>(sstep), dst,
                            dstType.GetNumericDataType(), static_cast<int>(dstep),
                            static_cast<GPtrDiff_t>(count[dim]));
            return;
        }
        for (size_t i = 0; i < count[dim]; i++)
            GDALExtendedDataType::CopyValue(s + i * sstep, srcType, dst + i * dstep, dstType);
        return;
    }
    for (size_t i = 0; i < count[dim]; i++)
        CopyStrided(s + i * sstep, srcType, srcStrides, start, count, step, dstStride, dstType, dst + i * dstep,
                    dim + 1, rank);
}

std::vector<size_t> DenseStrides(const std::vector<size_t> &dims)
{
    std::vector<size_t> st(dims.size(), 1);
    for (size_t i = dims.size(); i-- > 1;)
        st[i - 1] = st[i] * dims[i];
    return st;
}

std::vector<std::shared_ptr<GDALDimension>> MakeDims(const std::string &owner, const std::vector<uint64_t> &sizes)
{
    std::vector<std::shared_ptr<GDALDimension>> dims;
    for (size_t i = 0; i < sizes.size(); i++)
        dims.push_back(std::make_shared<GDALDimension>(owner, "dim" + std::to_string(i), std::string(),
                                                       std::string(), sizes[i]));
    return dims;
}

// GDAL type of a numpy type string ("<f4", "|u1"...), GDT_Unknown otherwise.
GDALDataType TypeOfNumpy(const std::string &s)
{
    if (s.size() < 3)
        return GDT_Unknown;
    const char k = s[1];
    const int n = atoi(s.c_str() + 2);
    if (k == 'f')
        return n <= 4 ? GDT_Float32 : n == 8 ? GDT_Float64 : GDT_Unknown;
    if (k == 'i')
        return n <= 2 ? GDT_Int16 : n == 4 ? GDT_Int32 : n == 8 ? GDT_Int64 : GDT_Unknown;
    if (k == 'u')
        return n == 1 ? GDT_Byte : n == 2 ? GDT_UInt16 : n == 4 ? GDT_UInt32 : n == 8 ? GDT_UInt64 : GDT_Unknown;
    return GDT_Unknown;
}

/* ---- attributes ---------------------------------------------------------- */

class H5CAttribute final : public GDALAttribute
{
    std::vector<std::shared_ptr<GDALDimension>> dims_;
    GDALExtendedDataType dt_;
    GDALExtendedDataType src_dt_;
    std::vector<GByte> data_;
    std::vector<std::string> strs_;
    std::vector<const char *> ptrs_;
    std::vector<size_t> sizes_;

  public:
    H5CAttribute(const std::string &parent, const Attr &a, GDALDataType numType)
        : GDALAbstractMDArray(parent, a.name), GDALAttribute(parent, a.name),
          dt_(a.is_string ? GDALExtendedDataType::CreateString() : GDALExtendedDataType::Create(numType)),
          src_dt_(GDALExtendedDataType::CreateString())
    {
        for (auto d : a.dims)
            sizes_.push_back(static_cast<size_t>(d));
        dims_ = MakeDims(GetFullName(), a.dims);
        if (a.is_string)
        {
            strs_ = a.strs;
            for (const auto &s : strs_)
                ptrs_.push_back(s.c_str());
            data_.resize(ptrs_.size() * sizeof(char *));
            if (!ptrs_.empty())
                memcpy(data_.data(), ptrs_.data(), data_.size());
        }
        else if (a.is_float)
        {
            src_dt_ = GDALExtendedDataType::Create(GDT_Float64);
            data_.resize(a.nums.size() * sizeof(double));
            if (!a.nums.empty())
                memcpy(data_.data(), a.nums.data(), data_.size());
        }
        else if (a.is_unsigned)
        {
            src_dt_ = GDALExtendedDataType::Create(GDT_UInt64);
            data_.resize(a.uints.size() * sizeof(uint64_t));
            if (!a.uints.empty())
                memcpy(data_.data(), a.uints.data(), data_.size());
        }
        else
        {
            src_dt_ = GDALExtendedDataType::Create(GDT_Int64);
            data_.resize(a.ints.size() * sizeof(int64_t));
            if (!a.ints.empty())
                memcpy(data_.data(), a.ints.data(), data_.size());
        }
    }

    const std::vector<std::shared_ptr<GDALDimension>> &GetDimensions() const override { return dims_; }
    const GDALExtendedDataType &GetDataType() const override { return dt_; }

  protected:
    bool IRead(const GUInt64 *start, const size_t *count, const GInt64 *step, const GPtrDiff_t *stride,
               const GDALExtendedDataType &bufType, void *dst) const override
    {
        if (data_.empty())
            return false;
        CopyStrided(data_.data(), src_dt_, DenseStrides(sizes_), start, count, step, stride, bufType,
                    static_cast<GByte *>(dst), 0, sizes_.size());
        return true;
    }
};

std::vector<std::shared_ptr<GDALAttribute>> MakeAttrs(const std::shared_ptr<H5File> &file, const std::string &path,
                                                      const std::string &fullName)
{
    std::vector<std::shared_ptr<GDALAttribute>> out;
    std::vector<Attr> attrs;
    std::string msg;
    if (!ReadAttrs(file->handle(), path, attrs, &msg))
    {
        CPLError(CE_Failure, CPLE_AppDefined, "H5CORO: attributes of %s: %s", path.c_str(), msg.c_str());
        return out;
    }
    for (const auto &a : attrs)
    {
        if (a.rank < 0 || (!a.is_string && !a.numeric))
            continue;
        GDALDataType t = GDT_Unknown;
        if (a.numeric)
        {
            t = TypeOfNumpy(a.dtype);
            if (t == GDT_Unknown)
                t = a.is_float ? GDT_Float64 : a.is_unsigned ? GDT_UInt64 : GDT_Int64;
        }
        out.push_back(std::make_shared<H5CAttribute>(fullName, a, t));
    }
    return out;
}

/* ---- arrays -------------------------------------------------------------- */

float HalfToFloat(uint16_t h)
{
    const int s = (h >> 15) & 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v;
    if (e == 0)
        v = std::ldexp(static_cast<float>(m), -24);
    else if (e == 31)
        v = m ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    else
        v = std::ldexp(static_cast<float>(m + 1024), e - 25);
    return s ? -v : v;
}

class H5CArray final : public GDALMDArray
{
    std::shared_ptr<H5File> file_;
    std::string path_;
    h5c_dataset *ds_ = nullptr;
    h5c_info info_{};
    std::vector<std::shared_ptr<GDALDimension>> dims_;
    GDALExtendedDataType dt_ = GDALExtendedDataType::Create(GDT_Float64);
    bool int8_ = false, half_ = false;

  public:
    H5CArray(const std::string &parentFull, const std::string &name, const std::shared_ptr<H5File> &file,
             const std::string &path, h5c_dataset *ds, const h5c_info &info, GDALDataType t, bool int8)
        : GDALAbstractMDArray(parentFull, name), GDALMDArray(parentFull, name), file_(file), path_(path), ds_(ds),
          info_(info), int8_(int8)
    {
        if (int8)
            t = GDT_Int16;
        half_ = info.type->cls == H5C_FLOAT && info.type->size == 2;
        dt_ = GDALExtendedDataType::Create(t);
        std::vector<uint64_t> sizes(info.dims, info.dims + (info.rank > 0 ? info.rank : 0));
        dims_ = MakeDims(GetFullName(), sizes);
    }
    static std::shared_ptr<H5CArray> Make(const std::string &parentFull, const std::string &name,
                                          const std::shared_ptr<H5File> &file, const std::string &path,
                                          h5c_dataset *ds, const h5c_info &info, GDALDataType t, bool int8)
    {
        auto a = std::make_shared<H5CArray>(parentFull, name, file, path, ds, info, t, int8);
        a->SetSelf(a);
        return a;
    }
    ~H5CArray() override
    {
        if (ds_)
            h5c_dataset_close(ds_);
    }

    bool IsWritable() const override { return false; }
    const std::string &GetFilename() const override { return file_->path(); }
    const std::vector<std::shared_ptr<GDALDimension>> &GetDimensions() const override { return dims_; }
    const GDALExtendedDataType &GetDataType() const override { return dt_; }
    std::vector<std::shared_ptr<GDALAttribute>> GetAttributes(CSLConstList = nullptr) const override
    {
        return MakeAttrs(file_, path_, GetFullName());
    }
    std::vector<GUInt64> GetBlockSize() const override
    {
        std::vector<GUInt64> b(dims_.size(), 0);
        if (info_.layout == H5C_LAYOUT_CHUNKED)
            for (size_t i = 0; i < b.size(); i++)
                b[i] = info_.chunk[i];
        return b;
    }

  protected:
    bool IRead(const GUInt64 *start, const size_t *count, const GInt64 *step, const GPtrDiff_t *stride,
               const GDALExtendedDataType &bufType, void *dst) const override
    {
        const size_t rank = dims_.size();
        h5c_slice sl;
        memset(&sl, 0, sizeof sl);
        sl.rank = static_cast<int>(rank);
        size_t n = 1;
        std::vector<size_t> cnt(rank);
        for (size_t i = 0; i < rank; i++)
        {
            if (count[i] > 1 && step[i] <= 0)
            {
                CPLError(CE_Failure, CPLE_NotSupported, "H5CORO: negative or zero steps are not supported");
                return false;
            }
            sl.start[i] = start[i];
            sl.count[i] = count[i];
            sl.stride[i] = count[i] > 1 ? static_cast<uint64_t>(step[i]) : 1;
            cnt[i] = count[i];
            n *= count[i];
        }
        if (n == 0)
            return true;
        const size_t es = h5c_dtype_mem_size(info_.type);
        std::vector<GByte> tmp;
        try
        {
            tmp.resize(n * es);
        }
        catch (const std::bad_alloc &)
        {
            CPLError(CE_Failure, CPLE_OutOfMemory, "H5CORO: cannot allocate %zu bytes", n * es);
            return false;
        }
        h5c_error err;
        memset(&err, 0, sizeof err);
        if (h5c_read(ds_, rank ? &sl : nullptr, tmp.data(), tmp.size(), &err) != 0)
        {
            CPLError(CE_Failure, CPLE_AppDefined, "H5CORO: reading %s: %s", path_.c_str(), err.msg);
            return false;
        }
        GDALExtendedDataType srcType = dt_;
        if (int8_)
        {
            std::vector<GByte> w(n * 2);
            for (size_t i = 0; i < n; i++)
            {
                const int16_t v = static_cast<int8_t>(tmp[i]);
                memcpy(&w[i * 2], &v, 2);
            }
            tmp.swap(w);
        }
        else if (half_)
        {
            std::vector<GByte> w(n * 4);
            for (size_t i = 0; i < n; i++)
            {
                uint16_t h;
                memcpy(&h, &tmp[i * 2], 2);
                const float f = HalfToFloat(h);
                memcpy(&w[i * 4], &f, 4);
            }
            tmp.swap(w);
        }
        std::vector<GUInt64> zero(rank, 0);
        std::vector<GInt64> one(rank, 1);
        CopyStrided(tmp.data(), srcType, DenseStrides(cnt), zero.data(), count, one.data(), stride, bufType,
                    static_cast<GByte *>(dst), 0, rank);
        return true;
    }
};

// Open `path` as a numeric array; null (quietly) when it is not one.
std::shared_ptr<GDALMDArray> TryArray(const std::shared_ptr<H5File> &file, const std::string &parentFull,
                                      const std::string &name, const std::string &path)
{
    h5c_error err;
    memset(&err, 0, sizeof err);
    h5c_dataset *ds = h5c_dataset_open(file->handle(), path.c_str(), &err);
    if (!ds)
        return nullptr;
    h5c_info info;
    memset(&info, 0, sizeof info);
    bool sbyte = false;
    GDALDataType t = GDT_Unknown;
    if (h5c_dataset_info(ds, &info) == 0 && info.rank >= 0 && CoreCanRead(info, nullptr))
        t = MapType(info.type, &sbyte, nullptr);
    if (t == GDT_Unknown)
    {
        h5c_dataset_close(ds);
        return nullptr;
    }
    return H5CArray::Make(parentFull, name, file, path, ds, info, t, sbyte);
}

/* ---- groups -------------------------------------------------------------- */

struct Member
{
    std::string name;
    h5c_kind kind;
};

int MemberCb(const h5c_entry *e, void *ud)
{
    static_cast<std::vector<Member> *>(ud)->push_back({e->name ? e->name : "", e->kind});
    return 0;
}

bool ListMembers(const std::shared_ptr<H5File> &file, const std::string &path, std::vector<Member> &out)
{
    h5c_error err;
    memset(&err, 0, sizeof err);
    return h5c_list(file->handle(), path.c_str(), 0, MemberCb, &out, &err) == 0;
}

class H5CGroup final : public GDALGroup
{
    std::shared_ptr<H5File> file_;
    std::string path_;
    mutable bool listed_ = false;
    mutable std::vector<std::string> groups_, arrays_;

    void Scan() const
    {
        if (listed_)
            return;
        listed_ = true;
        std::vector<Member> m;
        if (!ListMembers(file_, path_, m))
        {
            CPLError(CE_Failure, CPLE_AppDefined, "H5CORO: cannot list group %s", path_.c_str());
            return;
        }
        for (const auto &e : m)
        {
            const std::string p = JoinPath(path_, e.name);
            if (e.kind == H5C_KIND_GROUP)
                groups_.push_back(e.name);
            else if (e.kind == H5C_KIND_DATASET || e.kind == H5C_KIND_SOFT_LINK)
            {
                CPLErrorStateBackuper keep;
                CPLPushErrorHandler(CPLQuietErrorHandler);
                if (TryArray(file_, GetFullName(), e.name, p))
                    arrays_.push_back(e.name);
                else if (e.kind == H5C_KIND_SOFT_LINK)
                {
                    std::vector<Member> sub;
                    if (ListMembers(file_, p, sub))
                        groups_.push_back(e.name);
                }
                CPLPopErrorHandler();
            }
        }
    }

  public:
    H5CGroup(const std::string &parentFull, const std::string &name, const std::shared_ptr<H5File> &file,
             const std::string &path)
        : GDALGroup(parentFull, name), file_(file), path_(path)
    {
    }

    std::vector<std::string> GetGroupNames(CSLConstList = nullptr) const override
    {
        Scan();
        return groups_;
    }
    std::vector<std::string> GetMDArrayNames(CSLConstList = nullptr) const override
    {
        Scan();
        return arrays_;
    }
    std::shared_ptr<GDALGroup> OpenGroup(const std::string &name, CSLConstList = nullptr) const override
    {
        Scan();
        for (const auto &g : groups_)
            if (g == name)
                return std::make_shared<H5CGroup>(GetFullName(), name, file_, JoinPath(path_, name));
        return nullptr;
    }
    std::shared_ptr<GDALMDArray> OpenMDArray(const std::string &name, CSLConstList = nullptr) const override
    {
        Scan();
        for (const auto &a : arrays_)
            if (a == name)
                return TryArray(file_, GetFullName(), name, JoinPath(path_, name));
        return nullptr;
    }
    std::vector<std::shared_ptr<GDALAttribute>> GetAttributes(CSLConstList = nullptr) const override
    {
        return MakeAttrs(file_, path_, GetFullName());
    }
};

class H5CMDDataset final : public GDALDataset
{
    std::shared_ptr<GDALGroup> root_;

  public:
    explicit H5CMDDataset(const std::shared_ptr<H5File> &file)
        : root_(std::make_shared<H5CGroup>(std::string(), "/", file, "/"))
    {
    }
    std::shared_ptr<GDALGroup> GetRootGroup() const override { return root_; }
};

}  // namespace

GDALDataset *OpenMultiDim(const std::shared_ptr<H5File> &file, const std::string &display)
{
    auto *ds = new H5CMDDataset(file);
    ds->SetDescription(display.c_str());
    return ds;
}
}  // namespace h5cg

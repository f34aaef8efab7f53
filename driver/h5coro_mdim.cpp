// h5coro_mdim.cpp - multidimensional API (GDALGroup / GDALMDArray) of H5CORO.
//
// Read-only: a root GDALGroup per file, one GDALGroup per HDF5 group, one
// GDALMDArray per dataset of a type GDAL can hold (numeric, complex, enum,
// strings, compounds of those), GDALAttribute for numeric and string
// attributes.
//
// Dimensions follow GDAL's built-in HDF5 multidimensional driver so that
// scripts see the same names: an HDF5 dimension scale (CLASS =
// "DIMENSION_SCALE") is a shared GDALDimension named after its dataset and
// listed by the group holding it; arrays whose DIMENSION_LIST points at a
// scale of the right size use it, other dimensions are anonymous "dim0",
// "dim1"... . netCDF-4 dimensions without a variable (NAME = "This is a
// netCDF dimension but not a netCDF variable") are dimensions only, with no
// indexing variable and no array.
#include "h5coro_gdal.h"

#include "cpl_string.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

namespace h5cg
{
namespace
{

constexpr const char *kNetcdfPureDim = "This is a netCDF dimension but not a netCDF variable";
constexpr int kMaxTypeDepth = 8;

std::string JoinPath(const std::string &parent, const std::string &name)
{
    return parent == "/" ? "/" + name : parent + "/" + name;
}

std::string BaseName(const std::string &path)
{
    const size_t p = path.rfind('/');
    return p == std::string::npos ? path : path.substr(p + 1);
}

const Attr *StringAttr(const std::vector<Attr> &attrs, const char *name)
{
    const Attr *a = FindAttr(attrs, name);
    return a && a->is_string && a->strs.size() == 1 ? a : nullptr;
}

const Attr *NumberAttr(const std::vector<Attr> &attrs, const char *name)
{
    const Attr *a = FindAttr(attrs, name);
    return a && a->numeric && !a->nums.empty() ? a : nullptr;
}

bool IsScale(const std::vector<Attr> &attrs)
{
    const Attr *c = StringAttr(attrs, "CLASS");
    return c && c->strs[0] == "DIMENSION_SCALE";
}

bool IsPureNetcdfDim(const std::vector<Attr> &attrs)
{
    const Attr *n = StringAttr(attrs, "NAME");
    return n && n->strs[0].compare(0, strlen(kNetcdfPureDim), kNetcdfPureDim) == 0;
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

// Anonymous dimensions: "dim0", "dim1"... with an empty parent, so their
// full names are "dim0"... as with GDAL's built-in HDF5 driver.
std::shared_ptr<GDALDimension> AnonymousDim(size_t i, uint64_t size)
{
    return std::make_shared<GDALDimension>(std::string(), "dim" + std::to_string(i), std::string(), std::string(),
                                           size);
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

/* ---- element conversion -------------------------------------------------- */

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

// How one element of the core's memory representation (h5c_read output)
// becomes one element of the GDAL data type. GDAL 3.6 has no Int8 nor
// Float16 (widened to Int16 / Float32, as the built-in driver does) and
// holds strings as char*; compound members get GDAL's natural alignment.
struct Conv
{
    enum Kind
    {
        kCopy,      // same bytes
        kInt8,      // int8 -> Int16
        kHalf,      // float16 -> Float32
        kFixedStr,  // fixed-size bytes -> char*
        kVlenStr,   // char* -> char*
        kCompound
    };
    Kind kind = kCopy;
    size_t src_size = 0, dst_size = 0, align = 1;
    uint8_t pad = 0;            // fixed strings: 2 = space padded
    bool same_layout = true;    // the core's output can be used as is
    std::vector<size_t> src_off, dst_off;
    std::vector<Conv> members;
};

size_t RoundUp(size_t v, size_t a)
{
    return (v + a - 1) / a * a;
}

std::string TypeName(const h5c_dtype *t)
{
    char buf[64];
    return h5c_dtype_str(t, buf, sizeof buf);
}

bool BuildType(const h5c_dtype *t, GDALExtendedDataType &dt, Conv &c, std::string &why, int depth);

bool BuildCompound(const h5c_dtype *t, GDALExtendedDataType &dt, Conv &c, std::string &why, int depth)
{
    std::vector<std::unique_ptr<GDALEDTComponent>> comps;
    std::set<std::string> names;
    size_t off = 0;
    for (uint32_t i = 0; i < t->nmembers; i++)
    {
        const h5c_member &m = t->members[i];
        const std::string name = m.name ? m.name : "";
        GDALExtendedDataType mdt = GDALExtendedDataType::Create(GDT_Byte);
        Conv mc;
        if (!m.type || name.empty() || !names.insert(name).second)
        {
            why = "compound member without a (unique) name";
            return false;
        }
        if (!BuildType(m.type, mdt, mc, why, depth + 1))
        {
            why = "member " + name + ": " + why;
            return false;
        }
        if (m.mem_offset > c.src_size || mc.src_size > c.src_size - m.mem_offset)
        {
            why = "member " + name + " lies outside its compound";
            return false;
        }
        off = RoundUp(off, mc.align);
        comps.emplace_back(new GDALEDTComponent(name, off, mdt));
        c.src_off.push_back(m.mem_offset);
        c.dst_off.push_back(off);
        c.same_layout = c.same_layout && mc.same_layout && off == m.mem_offset;
        c.align = std::max(c.align, mc.align);
        off += mc.dst_size;
        c.members.push_back(std::move(mc));
    }
    c.kind = Conv::kCompound;
    c.dst_size = RoundUp(off, c.align);
    c.same_layout = c.same_layout && c.dst_size == c.src_size;
    // "unnamed" as the built-in driver names compounds
    dt = GDALExtendedDataType::Create("unnamed", c.dst_size, std::move(comps));
    if (dt.GetClass() != GEDTC_COMPOUND)
    {
        why = "GDAL refused the compound type";
        return false;
    }
    return true;
}

bool BuildType(const h5c_dtype *t, GDALExtendedDataType &dt, Conv &c, std::string &why, int depth)
{
    if (!t || depth > kMaxTypeDepth)
    {
        why = "type nested too deeply";
        return false;
    }
    c = Conv();
    c.src_size = h5c_dtype_mem_size(t);
    if (t->cls == H5C_STRING || (t->cls == H5C_VLEN && t->vlen_string))
    {
        dt = GDALExtendedDataType::CreateString();
        c.kind = t->cls == H5C_STRING ? Conv::kFixedStr : Conv::kVlenStr;
        c.pad = t->pad;
        c.dst_size = c.align = sizeof(char *);
        // a vlen string is a char* in both representations
        c.same_layout = c.kind == Conv::kVlenStr && c.src_size == sizeof(char *);
        if (c.kind == Conv::kFixedStr && c.src_size == 0)
        {
            why = "zero-size string type";
            return false;
        }
        return true;
    }
    const h5c_dtype *nt = (t->cls == H5C_ENUM && t->base) ? t->base : t;
    bool sbyte = false;
    GDALDataType g = MapType(nt, &sbyte, nullptr);
    if (g != GDT_Unknown)
    {
        if (sbyte)
        {
            g = GDT_Int16;
            c.kind = Conv::kInt8;
        }
        else if (nt->cls == H5C_FLOAT && nt->size == 2)
            c.kind = Conv::kHalf;
        c.dst_size = static_cast<size_t>(GDALGetDataTypeSizeBytes(g));
        c.align = GDALDataTypeIsComplex(g) ? c.dst_size / 2 : c.dst_size;
        c.same_layout = c.kind == Conv::kCopy;
        if (c.kind == Conv::kCopy && c.src_size != c.dst_size)
        {
            why = "unexpected size of " + TypeName(t);
            return false;
        }
        dt = GDALExtendedDataType::Create(g);
        return true;
    }
    if (t->cls == H5C_COMPOUND && t->nmembers > 0 && t->members)
        return BuildCompound(t, dt, c, why, depth);
    why = "type " + TypeName(t) + " has no GDAL multidimensional equivalent";
    return false;
}

std::string FixedText(const GByte *p, size_t n, uint8_t pad)
{
    size_t k = 0;
    while (k < n && p[k])
        k++;
    std::string s(reinterpret_cast<const char *>(p), k);
    if (pad == 2)
        while (!s.empty() && s.back() == ' ')
            s.pop_back();
    return s;
}

// One element: core representation at s -> GDAL representation at d.
// Strings are duplicated (GDAL frees them with FreeDynamicMemory).
void ConvertElem(const Conv &c, const GByte *s, GByte *d)
{
    switch (c.kind)
    {
        case Conv::kCopy:
            memcpy(d, s, c.dst_size);
            break;
        case Conv::kInt8:
        {
            const int16_t v = static_cast<int8_t>(s[0]);
            memcpy(d, &v, sizeof v);
            break;
        }
        case Conv::kHalf:
        {
            uint16_t h;
            memcpy(&h, s, sizeof h);
            const float f = HalfToFloat(h);
            memcpy(d, &f, sizeof f);
            break;
        }
        case Conv::kFixedStr:
        {
            char *p = CPLStrdup(FixedText(s, c.src_size, c.pad).c_str());
            memcpy(d, &p, sizeof p);
            break;
        }
        case Conv::kVlenStr:
        {
            const char *in;
            memcpy(&in, s, sizeof in);
            char *p = in ? CPLStrdup(in) : nullptr;
            memcpy(d, &p, sizeof p);
            break;
        }
        case Conv::kCompound:
            for (size_t i = 0; i < c.members.size(); i++)
                ConvertElem(c.members[i], s + c.src_off[i], d + c.dst_off[i]);
            break;
    }
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
        for (size_t i = 0; i < a.dims.size(); i++)
        {
            sizes_.push_back(static_cast<size_t>(a.dims[i]));
            dims_.push_back(std::make_shared<GDALDimension>(GetFullName(), "dim" + std::to_string(i),
                                                            std::string(), std::string(), a.dims[i]));
        }
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
        size_t n = 1;
        for (size_t sz : sizes_)
            n *= sz;
        // values and shape come from the file separately: never read past the values
        if (data_.empty() || data_.size() < n * src_dt_.GetSize())
            return false;
        CopyStrided(data_.data(), src_dt_, DenseStrides(sizes_), start, count, step, stride, bufType,
                    static_cast<GByte *>(dst), 0, sizes_.size());
        return true;
    }
};

// Attributes GDAL's built-in HDF5 driver does not show: HDF5 dimension-scale
// and netCDF-4 bookkeeping. Arrays also hide what they expose otherwise
// (unit, nodata, scale, offset), as GDAL's netCDF driver does.
bool HiddenAttr(const std::string &name, bool onArray, const std::set<std::string> &consumed)
{
    static const char *const common[] = {"_Netcdf4Dimid", "_Netcdf4Coordinates", "_NCProperties", "_nc3_strict",
                                          "_SuperblockVersion", "_IsNetcdf4"};
    for (const char *k : common)
        if (name == k)
            return true;
    if (!onArray)
        return false;
    static const char *const arr[] = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "DIMENSION_LABELS"};
    for (const char *k : arr)
        if (name == k)
            return true;
    return consumed.count(name) > 0;
}

std::vector<std::shared_ptr<GDALAttribute>> MakeAttrs(const std::vector<Attr> &attrs, const std::string &fullName,
                                                      bool onArray, const std::set<std::string> &consumed)
{
    std::vector<std::shared_ptr<GDALAttribute>> out;
    for (const auto &a : attrs)
    {
        if (a.rank < 0 || (!a.is_string && !a.numeric) || HiddenAttr(a.name, onArray, consumed))
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

bool ReadAttrsOrReport(const std::shared_ptr<H5File> &file, const std::string &path, std::vector<Attr> &attrs)
{
    std::string msg;
    if (ReadAttrs(file->handle(), path, attrs, &msg))
        return true;
    CPLError(CE_Failure, CPLE_AppDefined, "H5CORO: attributes of %s: %s", path.c_str(), msg.c_str());
    return false;
}

/* ---- shared state: the file and its dimension scales --------------------- */

class Ctx;
struct Member;
bool ListMembers(const std::shared_ptr<H5File> &file, const std::string &path, std::vector<Member> &out);
std::shared_ptr<GDALMDArray> OpenArray(const std::shared_ptr<Ctx> &ctx, const std::string &parentFull,
                                       const std::string &name, const std::string &path);

// Dimension type and direction from CF-style attributes of its variable,
// the way GDAL's netCDF driver reads them.
void DimTypeOf(const std::vector<Attr> &attrs, std::string &type, std::string &dir)
{
    auto str = [&](const char *k) {
        const Attr *a = StringAttr(attrs, k);
        return a ? a->strs[0] : std::string();
    };
    const std::string sn = str("standard_name"), axis = CPLString(str("axis")).toupper(), units = str("units");
    const std::string positive = CPLString(str("positive")).tolower();
    auto unitIn = [&](std::initializer_list<const char *> l) {
        for (const char *u : l)
            if (EQUAL(units.c_str(), u))
                return true;
        return false;
    };
    if (sn == "latitude" || unitIn({"degrees_north", "degree_north", "degree_N", "degrees_N", "degreeN", "degreesN"}))
    {
        type = GDAL_DIM_TYPE_HORIZONTAL_Y;
        dir = "NORTH";
    }
    else if (sn == "longitude" ||
             unitIn({"degrees_east", "degree_east", "degree_E", "degrees_E", "degreeE", "degreesE"}))
    {
        type = GDAL_DIM_TYPE_HORIZONTAL_X;
        dir = "EAST";
    }
    else if (sn == "projection_x_coordinate" || sn == "grid_longitude" || axis == "X")
        type = GDAL_DIM_TYPE_HORIZONTAL_X;
    else if (sn == "projection_y_coordinate" || sn == "grid_latitude" || axis == "Y")
        type = GDAL_DIM_TYPE_HORIZONTAL_Y;
    else if (axis == "Z" || positive == "up" || positive == "down")
    {
        type = GDAL_DIM_TYPE_VERTICAL;
        dir = positive == "up" ? "UP" : positive == "down" ? "DOWN" : "";
    }
    else if (axis == "T" || sn == "time" || units.find(" since ") != std::string::npos)
        type = GDAL_DIM_TYPE_TEMPORAL;
}

// A dimension backed by a dimension scale dataset.
class H5CDimension final : public GDALDimension
{
    std::weak_ptr<Ctx> ctx_;  // weak: the context owns the dimensions
    std::string path_;
    bool pure_;

  public:
    H5CDimension(const std::string &parent, const std::string &name, const std::string &type,
                 const std::string &dir, uint64_t size, const std::weak_ptr<Ctx> &ctx, const std::string &path,
                 bool pure)
        : GDALDimension(parent, name, type, dir, size), ctx_(ctx), path_(path), pure_(pure)
    {
    }
    std::shared_ptr<GDALMDArray> GetIndexingVariable() const override
    {
        auto ctx = ctx_.lock();
        if (pure_ || !ctx)
            return nullptr;
        return OpenArray(ctx, ParentOf(path_), BaseName(path_), path_);
    }
};

class Ctx : public std::enable_shared_from_this<Ctx>
{
    std::shared_ptr<H5File> file_;
    std::mutex m_;
    std::map<uint64_t, std::shared_ptr<GDALDimension>> dims_;  // by scale object address
    std::set<uint64_t> not_scales_;

    int netcdf_ = -1;  // unknown yet
    std::map<uint64_t, bool> is_root_;
    std::vector<std::pair<std::string, uint64_t>> root_members_;
    bool root_listed_ = false;

    static std::vector<std::pair<std::string, uint64_t>> Signature(const std::vector<Member> &m);

  public:
    explicit Ctx(const std::shared_ptr<H5File> &file) : file_(file) {}
    const std::shared_ptr<H5File> &file() const { return file_; }

    // Written by netCDF-C (its root attribute, or bookkeeping attributes on a
    // variable): then the fill value message holds netCDF's default fill,
    // which GDAL's netCDF driver does not report as nodata.
    bool IsNetcdf(const std::vector<Attr> &varAttrs)
    {
        if (FindAttr(varAttrs, "_Netcdf4Dimid") || FindAttr(varAttrs, "_Netcdf4Coordinates"))
            return true;
        std::lock_guard<std::mutex> lk(m_);
        if (netcdf_ < 0)
        {
            std::vector<Attr> root;
            netcdf_ = ReadAttrs(file_->handle(), "/", root) && FindAttr(root, "_NCProperties") ? 1 : 0;
        }
        return netcdf_ == 1;
    }

    // Whether the group at path (object address addr) is the root group. The
    // core does not give the root's address, but a hard link back to the
    // root lists exactly the root's members (same names, same addresses).
    bool IsRoot(uint64_t addr, const std::string &path);

    // The shared dimension of the scale dataset at object address addr, or
    // null when that object is not a 1-D dimension scale.
    std::shared_ptr<GDALDimension> ScaleDim(uint64_t addr)
    {
        std::lock_guard<std::mutex> lk(m_);
        auto it = dims_.find(addr);
        if (it != dims_.end())
            return it->second;
        if (!addr || not_scales_.count(addr))
            return nullptr;
        auto dim = MakeScaleDim(addr);
        if (dim)
            dims_[addr] = dim;
        else
            not_scales_.insert(addr);
        return dim;
    }

  private:
    std::shared_ptr<GDALDimension> MakeScaleDim(uint64_t addr)
    {
        const std::string path = file_->PathOfAddr(addr);
        std::vector<Attr> attrs;
        if (path.empty() || !ReadAttrs(file_->handle(), path, attrs) || !IsScale(attrs))
            return nullptr;
        h5c_error err;
        memset(&err, 0, sizeof err);
        h5c_dataset *ds = h5c_dataset_open(file_->handle(), path.c_str(), &err);
        if (!ds)
            return nullptr;
        h5c_info info;
        memset(&info, 0, sizeof info);
        const bool oneD = h5c_dataset_info(ds, &info) == 0 && info.rank == 1;
        const uint64_t size = info.dims[0];
        h5c_dataset_close(ds);
        if (!oneD)
            return nullptr;
        std::string type, dir;
        DimTypeOf(attrs, type, dir);
        // named after the dataset, not its NAME attribute, as the built-in driver does
        return std::make_shared<H5CDimension>(ParentOf(path), BaseName(path), type, dir, size, weak_from_this(),
                                              path, IsPureNetcdfDim(attrs));
    }
};

/* ---- arrays -------------------------------------------------------------- */

// What a dataset is, before an array is made of it.
struct DatasetDesc
{
    h5c_dataset *ds = nullptr;
    h5c_info info{};
    std::vector<Attr> attrs;
    GDALExtendedDataType dt = GDALExtendedDataType::Create(GDT_Byte);
    Conv conv;
    bool pure_dim = false;  // a netCDF dimension without variable

    DatasetDesc() = default;
    DatasetDesc(const DatasetDesc &) = delete;
    DatasetDesc &operator=(const DatasetDesc &) = delete;
    ~DatasetDesc()
    {
        if (ds)
            h5c_dataset_close(ds);
    }
};

// Open and classify the dataset at path. False with why when GDAL cannot
// get an array of it (not a dataset, a type or filter we do not read...).
bool Describe(const std::shared_ptr<H5File> &file, const std::string &path, DatasetDesc &d, std::string &why)
{
    h5c_error err;
    memset(&err, 0, sizeof err);
    d.ds = h5c_dataset_open(file->handle(), path.c_str(), &err);
    if (!d.ds)
    {
        why = err.msg;
        return false;
    }
    if (h5c_dataset_info(d.ds, &d.info) != 0 || !d.info.type)
    {
        why = "no dataset information";
        return false;
    }
    if (d.info.rank < 0)
    {
        why = "null dataspace";
        return false;
    }
    if (d.info.rank > H5C_MAX_RANK || !CoreCanRead(d.info, &why))
        return false;
    if (!BuildType(d.info.type, d.dt, d.conv, why, 0))
        return false;
    std::string msg;
    if (!ReadAttrs(file->handle(), path, d.attrs, &msg))
    {
        why = "attributes: " + msg;
        return false;
    }
    d.pure_dim = IsScale(d.attrs) && IsPureNetcdfDim(d.attrs);
    return true;
}

// Dimension i of a dataset: its attached scale when that has the right size.
std::shared_ptr<GDALDimension> DimensionOf(Ctx &ctx, const DatasetDesc &d, size_t i)
{
    const uint64_t size = d.info.dims[i];
    if (d.info.rank == 1 && IsScale(d.attrs))
    {
        auto dim = ctx.ScaleDim(d.info.addr);
        if (dim && dim->GetSize() == size)
            return dim;
    }
    const Attr *dl = FindAttr(d.attrs, "DIMENSION_LIST");
    if (dl && i < dl->ref_lists.size())
        for (uint64_t ref : dl->ref_lists[i])
        {
            auto dim = ctx.ScaleDim(ref);
            if (dim && dim->GetSize() == size)
                return dim;
        }
    return AnonymousDim(i, size);
}

class H5CArray final : public GDALMDArray
{
    std::shared_ptr<Ctx> ctx_;
    std::string path_;
    h5c_dataset *ds_ = nullptr;
    h5c_info info_{};
    std::vector<std::shared_ptr<GDALDimension>> dims_;
    GDALExtendedDataType dt_;
    Conv conv_;
    std::string unit_;
    bool has_scale_ = false, has_offset_ = false;
    double scale_ = 1, offset_ = 0;
    GDALDataType scale_type_ = GDT_Unknown, offset_type_ = GDT_Unknown;
    std::vector<GByte> nodata_;
    std::string grid_mapping_;
    std::set<std::string> consumed_;  // attributes shown as unit, nodata...
    CPLStringList structural_;
    mutable bool srs_done_ = false;
    mutable std::shared_ptr<OGRSpatialReference> srs_;

    void ReadUnitScaleOffset(const std::vector<Attr> &attrs)
    {
        if (const Attr *u = StringAttr(attrs, "units"))
        {
            unit_ = u->strs[0];
            consumed_.insert("units");
        }
        if (dt_.GetClass() != GEDTC_NUMERIC)
            return;
        if (const Attr *s = NumberAttr(attrs, "scale_factor"))
        {
            has_scale_ = true;
            scale_ = s->nums[0];
            scale_type_ = TypeOfNumpy(s->dtype);
            consumed_.insert("scale_factor");
        }
        if (const Attr *o = NumberAttr(attrs, "add_offset"))
        {
            has_offset_ = true;
            offset_ = o->nums[0];
            offset_type_ = TypeOfNumpy(o->dtype);
            consumed_.insert("add_offset");
        }
    }

    // Nodata as GDAL's HDF5 multidimensional driver: _FillValue, else a
    // non-zero user-defined fill value message (unless
    // H5CORO_FILL_AS_NODATA=NO) outside netCDF-4 files; missing_value with
    // H5CORO_FILL_AS_NODATA=YES.
    void ReadNodata(const std::vector<Attr> &attrs)
    {
        if (dt_.GetClass() != GEDTC_NUMERIC || GDALDataTypeIsComplex(dt_.GetNumericDataType()))
            return;
        const GDALDataType g = dt_.GetNumericDataType();
        std::vector<GByte> v(dt_.GetSize());
        for (const char *k : {"_FillValue", FillAsNodata() ? "missing_value" : "_FillValue"})
        {
            const Attr *a = NumberAttr(attrs, k);
            if (!a)
                continue;
            if (a->is_float)
                GDALCopyWords64(&a->nums[0], GDT_Float64, 0, v.data(), g, 0, 1);
            else if (a->is_unsigned)
                GDALCopyWords64(&a->uints[0], GDT_UInt64, 0, v.data(), g, 0, 1);
            else
                GDALCopyWords64(&a->ints[0], GDT_Int64, 0, v.data(), g, 0, 1);
            nodata_ = v;
            consumed_.insert("_FillValue");
            return;
        }
        const h5c_dtype *t = info_.type;
        const h5c_dtype *nt = (t->cls == H5C_ENUM && t->base) ? t->base : t;
        if (!info_.has_fill || !info_.fill || t->size > 8 || t->size != conv_.src_size ||
            !CPLTestBool(CPLGetConfigOption("H5CORO_FILL_AS_NODATA", "YES")) || ctx_->IsNetcdf(attrs))
            return;
        GByte raw[8];
        memcpy(raw, info_.fill, t->size);
        if (nt->big_endian)
            std::reverse(raw, raw + t->size);
        bool allzero = true;
        for (uint32_t k = 0; k < t->size; k++)
            allzero = allzero && raw[k] == 0;
        // an all-zero fill is HDF5's default, not a user's choice
        if (allzero)
            return;
        ConvertElem(conv_, raw, v.data());
        nodata_ = v;
    }

    void ReadStructure()
    {
        for (int k = 0; k < info_.nfilters; k++)
            if (info_.filters[k].id == 1)
                structural_.SetNameValue("COMPRESS", "DEFLATE");
    }

    // data axis -> SRS axis mapping of an N-D array (1-based data axes per
    // SRS axis), from the traditional x/y mapping of srs.
    void MapAxes(OGRSpatialReference &srs) const
    {
        int xdim = -1, ydim = -1;
        for (size_t i = 0; i < dims_.size(); i++)
        {
            if (dims_[i]->GetType() == GDAL_DIM_TYPE_HORIZONTAL_X)
                xdim = static_cast<int>(i);
            else if (dims_[i]->GetType() == GDAL_DIM_TYPE_HORIZONTAL_Y)
                ydim = static_cast<int>(i);
        }
        if (xdim < 0 || ydim < 0 || xdim == ydim)
        {
            xdim = static_cast<int>(dims_.size()) - 1;
            ydim = xdim - 1;
        }
        const std::vector<int> trad = srs.GetDataAxisToSRSAxisMapping();  // [srs axis of x, of y]
        std::vector<int> mapping(trad.size() >= 2 ? trad.size() : 2);
        for (size_t s = 0; s < mapping.size(); s++)
            mapping[s] = s < 2 ? (trad.size() >= 2 && trad[0] == static_cast<int>(s) + 1 ? xdim : ydim) + 1 : 0;
        srs.SetAxisMappingStrategy(OAMS_CUSTOM);
        srs.SetDataAxisToSRSAxisMapping(mapping);
    }

    std::shared_ptr<OGRSpatialReference> FindSrs() const
    {
        if (grid_mapping_.empty() || dims_.size() < 2)
            return nullptr;
        // CF: "crs" or "crs: x y ..." forms; the variable is looked up in
        // this group first, then in the ancestors
        std::string name = CPLString(grid_mapping_).Trim();
        name = name.substr(0, name.find_first_of(": "));
        std::vector<Attr> attrs;
        bool found = false;
        for (std::string dir = path_; !name.empty(); dir = ParentOf(dir))
        {
            attrs.clear();
            found = ReadAttrs(ctx_->file()->handle(), ResolvePath(dir, name), attrs);
            if (found || ParentOf(dir) == "/")
                break;
        }
        auto srs = std::make_shared<OGRSpatialReference>();
        std::string why;
        if (!found || !SrsFromCfGridMapping(attrs, *srs, &why))
        {
            CPLDebug("H5CORO", "%s: no CRS from grid_mapping %s: %s", path_.c_str(), grid_mapping_.c_str(),
                     found ? why.c_str() : "variable not found");
            return nullptr;
        }
        MapAxes(*srs);
        return srs;
    }

  public:
    H5CArray(const std::string &parentFull, const std::string &name, const std::shared_ptr<Ctx> &ctx,
             const std::string &path, DatasetDesc &d)
        : GDALAbstractMDArray(parentFull, name), GDALMDArray(parentFull, name), ctx_(ctx), path_(path), ds_(d.ds),
          info_(d.info), dt_(d.dt), conv_(d.conv)
    {
        d.ds = nullptr;  // the array owns the handle now
        for (int i = 0; i < info_.rank; i++)
            dims_.push_back(DimensionOf(*ctx, d, static_cast<size_t>(i)));
        ReadUnitScaleOffset(d.attrs);
        ReadNodata(d.attrs);
        ReadStructure();
        if (const Attr *g = StringAttr(d.attrs, "grid_mapping"))
            grid_mapping_ = g->strs[0];
    }
    static std::shared_ptr<H5CArray> Make(const std::string &parentFull, const std::string &name,
                                          const std::shared_ptr<Ctx> &ctx, const std::string &path, DatasetDesc &d)
    {
        auto a = std::make_shared<H5CArray>(parentFull, name, ctx, path, d);
        a->SetSelf(a);
        return a;
    }
    ~H5CArray() override
    {
        if (ds_)
            h5c_dataset_close(ds_);
    }

    bool IsWritable() const override { return false; }
    const std::string &GetFilename() const override { return ctx_->file()->path(); }
    const std::vector<std::shared_ptr<GDALDimension>> &GetDimensions() const override { return dims_; }
    const GDALExtendedDataType &GetDataType() const override { return dt_; }
    std::vector<std::shared_ptr<GDALAttribute>> GetAttributes(CSLConstList = nullptr) const override
    {
        std::vector<Attr> attrs;
        if (!ReadAttrsOrReport(ctx_->file(), path_, attrs))
            return {};
        // a grid_mapping that gave the SRS is not repeated, as GDAL's netCDF
        // driver does (a copy would point at a variable the output lacks)
        std::set<std::string> hidden = consumed_;
        if (GetSpatialRef())
            hidden.insert("grid_mapping");
        return MakeAttrs(attrs, GetFullName(), true, hidden);
    }
    std::vector<GUInt64> GetBlockSize() const override
    {
        std::vector<GUInt64> b(dims_.size(), 0);
        if (info_.layout == H5C_LAYOUT_CHUNKED)
            for (size_t i = 0; i < b.size(); i++)
                b[i] = info_.chunk[i];
        return b;
    }
    CSLConstList GetStructuralInfo() const override { return structural_.List(); }
    const std::string &GetUnit() const override { return unit_; }
    const void *GetRawNoDataValue() const override { return nodata_.empty() ? nullptr : nodata_.data(); }
    double GetScale(bool *has, GDALDataType *storage) const override
    {
        if (has)
            *has = has_scale_;
        if (storage)
            *storage = has_scale_ ? scale_type_ : GDT_Unknown;
        return scale_;
    }
    double GetOffset(bool *has, GDALDataType *storage) const override
    {
        if (has)
            *has = has_offset_;
        if (storage)
            *storage = has_offset_ ? offset_type_ : GDT_Unknown;
        return offset_;
    }
    std::shared_ptr<OGRSpatialReference> GetSpatialRef() const override
    {
        if (!srs_done_)
        {
            srs_done_ = true;
            srs_ = FindSrs();
        }
        return srs_;
    }

  protected:
    bool IRead(const GUInt64 *start, const size_t *count, const GInt64 *step, const GPtrDiff_t *stride,
               const GDALExtendedDataType &bufType, void *dst) const override;
};

// Read the hyperslab into the core's representation, convert it to GDAL's
// when they differ, then copy (strided, type-converted) into dst.
bool H5CArray::IRead(const GUInt64 *start, const size_t *count, const GInt64 *step, const GPtrDiff_t *stride,
                     const GDALExtendedDataType &bufType, void *dst) const
{
    const size_t rank = dims_.size();
    h5c_slice sl;
    memset(&sl, 0, sizeof sl);
    sl.rank = static_cast<int>(rank);
    size_t n = 1;
    std::vector<size_t> cnt(rank);
    const size_t es = std::max<size_t>(std::max(conv_.src_size, dt_.GetSize()), 1);
    for (size_t i = 0; i < rank; i++)
    {
        if (count[i] > 1 && step[i] <= 0)
        {
            CPLError(CE_Failure, CPLE_NotSupported, "H5CORO: negative or zero steps are not supported");
            return false;
        }
        if (count[i] && n > std::numeric_limits<size_t>::max() / es / count[i])
        {
            CPLError(CE_Failure, CPLE_OutOfMemory, "H5CORO: request too large");
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
    std::vector<GByte> raw, conv;
    try
    {
        raw.resize(n * conv_.src_size);
        if (!conv_.same_layout)
            conv.resize(n * dt_.GetSize());
    }
    catch (const std::bad_alloc &)
    {
        CPLError(CE_Failure, CPLE_OutOfMemory, "H5CORO: cannot allocate %zu bytes", n * es);
        return false;
    }
    h5c_error err;
    memset(&err, 0, sizeof err);
    if (h5c_read(ds_, rank ? &sl : nullptr, raw.data(), raw.size(), &err) != 0)
    {
        CPLError(CE_Failure, CPLE_AppDefined, "H5CORO: reading %s: %s", path_.c_str(), err.msg);
        return false;
    }
    const GByte *src = raw.data();
    if (!conv_.same_layout)
    {
        for (size_t i = 0; i < n; i++)
            ConvertElem(conv_, raw.data() + i * conv_.src_size, conv.data() + i * dt_.GetSize());
        h5c_free_vlen(info_.type, raw.data(), n);
        src = conv.data();
    }
    std::vector<GUInt64> zero(rank, 0);
    std::vector<GInt64> one(rank, 1);
    CopyStrided(src, dt_, DenseStrides(cnt), zero.data(), count, one.data(), stride, bufType,
                static_cast<GByte *>(dst), 0, rank);
    if (conv_.same_layout)
        h5c_free_vlen(info_.type, raw.data(), n);
    else if (dt_.NeedsFreeDynamicMemory())
        for (size_t i = 0; i < n; i++)
            dt_.FreeDynamicMemory(conv.data() + i * dt_.GetSize());
    return true;
}

std::shared_ptr<GDALMDArray> OpenArray(const std::shared_ptr<Ctx> &ctx, const std::string &parentFull,
                                       const std::string &name, const std::string &path)
{
    DatasetDesc d;
    std::string why;
    if (!Describe(ctx->file(), path, d, why) || d.pure_dim)
        return nullptr;
    return H5CArray::Make(parentFull, name, ctx, path, d);
}

/* ---- groups -------------------------------------------------------------- */

struct Member
{
    std::string name;
    h5c_kind kind;
    uint64_t addr;
};

int MemberCb(const h5c_entry *e, void *ud)
{
    static_cast<std::vector<Member> *>(ud)->push_back({e->name ? e->name : "", e->kind, e->addr});
    return 0;
}

bool ListMembers(const std::shared_ptr<H5File> &file, const std::string &path, std::vector<Member> &out)
{
    h5c_error err;
    memset(&err, 0, sizeof err);
    return h5c_list(file->handle(), path.c_str(), 0, MemberCb, &out, &err) == 0;
}

std::vector<std::pair<std::string, uint64_t>> Ctx::Signature(const std::vector<Member> &m)
{
    std::vector<std::pair<std::string, uint64_t>> sig;
    for (const auto &e : m)
        sig.emplace_back(e.name, e.addr);
    return sig;
}

bool Ctx::IsRoot(uint64_t addr, const std::string &path)
{
    std::lock_guard<std::mutex> lk(m_);
    auto it = is_root_.find(addr);
    if (it != is_root_.end())
        return it->second;
    if (!root_listed_)
    {
        root_listed_ = true;
        std::vector<Member> m;
        if (ListMembers(file_, "/", m))
            root_members_ = Signature(m);
    }
    std::vector<Member> m;
    const bool root = !root_members_.empty() && ListMembers(file_, path, m) && Signature(m) == root_members_;
    is_root_[addr] = root;
    return root;
}

class H5CGroup final : public GDALGroup
{
    std::shared_ptr<Ctx> ctx_;
    std::string path_;
    std::set<uint64_t> ancestors_;  // addresses of this group and those above it
    mutable std::mutex m_;
    mutable bool listed_ = false;
    mutable std::vector<std::string> groups_, arrays_;
    mutable std::map<std::string, uint64_t> group_addr_;
    mutable std::vector<uint64_t> scales_;  // addresses of the scales held here

    // Hard links back to this group or one above it would make the tree
    // infinite: they are not listed (GDAL's built-in driver does the same).
    bool IsCycle(const Member &e, const std::string &p) const
    {
        return e.addr && (ancestors_.count(e.addr) || ctx_->IsRoot(e.addr, p));
    }

    // A dataset (or soft link) member: an array, a dimension, or skipped.
    void ScanDataset(const Member &e, const std::string &p) const
    {
        DatasetDesc d;
        std::string why;
        bool ok;
        {
            // what the I/O layer may report is summed up in `why`
            CPLErrorStateBackuper keep;
            CPLPushErrorHandler(CPLQuietErrorHandler);
            ok = Describe(ctx_->file(), p, d, why);
            CPLPopErrorHandler();
        }
        if (ok)
        {
            if (d.info.rank == 1 && IsScale(d.attrs))
                scales_.push_back(d.info.addr);
            if (!d.pure_dim)
                arrays_.push_back(e.name);
            return;
        }
        // soft links to groups are not followed: they can loop without any
        // address to tell (GDAL's built-in driver does not list them either)
        CPLDebug("H5CORO", "multidimensional API skips %s: %s", p.c_str(),
                 d.ds || e.kind != H5C_KIND_SOFT_LINK ? why.c_str() : "soft link to a non-dataset");
    }

    void Scan() const
    {
        std::lock_guard<std::mutex> lk(m_);
        if (listed_)
            return;
        listed_ = true;
        std::vector<Member> m;
        if (!ListMembers(ctx_->file(), path_, m))
        {
            CPLError(CE_Failure, CPLE_AppDefined, "H5CORO: cannot list group %s", path_.c_str());
            return;
        }
        for (const auto &e : m)
        {
            const std::string p = JoinPath(path_, e.name);
            if (e.kind == H5C_KIND_GROUP && IsCycle(e, p))
                CPLDebug("H5CORO", "multidimensional API skips %s: a link back to an enclosing group", p.c_str());
            else if (e.kind == H5C_KIND_GROUP)
            {
                groups_.push_back(e.name);
                group_addr_[e.name] = e.addr;
            }
            else if (e.kind == H5C_KIND_DATASET || e.kind == H5C_KIND_SOFT_LINK)
                ScanDataset(e, p);
        }
    }

  public:
    H5CGroup(const std::string &parentFull, const std::string &name, const std::shared_ptr<Ctx> &ctx,
             const std::string &path, const std::set<uint64_t> &ancestors)
        : GDALGroup(parentFull, name), ctx_(ctx), path_(path), ancestors_(ancestors)
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
    std::vector<std::shared_ptr<GDALDimension>> GetDimensions(CSLConstList = nullptr) const override
    {
        Scan();
        std::vector<std::shared_ptr<GDALDimension>> out;
        for (uint64_t addr : scales_)
        {
            auto dim = ctx_->ScaleDim(addr);
            // a scale reached through another path keeps its first path's name
            if (dim && ParentOf(dim->GetFullName()) == GetFullName())
                out.push_back(dim);
        }
        return out;
    }
    std::shared_ptr<GDALGroup> OpenGroup(const std::string &name, CSLConstList = nullptr) const override
    {
        Scan();
        auto it = group_addr_.find(name);
        if (it == group_addr_.end())
            return nullptr;
        std::set<uint64_t> anc = ancestors_;
        anc.insert(it->second);
        return std::make_shared<H5CGroup>(GetFullName(), name, ctx_, JoinPath(path_, name), anc);
    }
    std::shared_ptr<GDALMDArray> OpenMDArray(const std::string &name, CSLConstList = nullptr) const override
    {
        Scan();
        for (const auto &a : arrays_)
            if (a == name)
                return OpenArray(ctx_, GetFullName(), name, JoinPath(path_, name));
        return nullptr;
    }
    std::vector<std::shared_ptr<GDALAttribute>> GetAttributes(CSLConstList = nullptr) const override
    {
        std::vector<Attr> attrs;
        if (!ReadAttrsOrReport(ctx_->file(), path_, attrs))
            return {};
        return MakeAttrs(attrs, GetFullName(), false, {});
    }
};

class H5CMDDataset final : public GDALDataset
{
    std::shared_ptr<Ctx> ctx_;
    std::shared_ptr<GDALGroup> root_;

  public:
    explicit H5CMDDataset(const std::shared_ptr<H5File> &file)
        : ctx_(std::make_shared<Ctx>(file)), root_(std::make_shared<H5CGroup>(std::string(), "/", ctx_, "/", std::set<uint64_t>()))
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

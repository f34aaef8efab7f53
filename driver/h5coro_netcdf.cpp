// h5coro_netcdf.cpp - the raster view of a netCDF-4 file as GDAL's netCDF
// driver gives it: a remote netCDF-4 path comes to H5CORO, and its users
// expect what they had locally. Variables are named as netCDF names them
// (root variables without the leading '/'), attributes as "NC_GLOBAL#name"
// and "var#name" with netCDF's value text ("{a,b}" for arrays), dimensions
// other than y and x as NETCDF_DIM_* metadata, and data whose y coordinate
// increases are served north-up (rows flipped).
#include "h5coro_gdal.h"

#include "cpl_string.h"

#include <cinttypes>
#include <cstring>

namespace h5cg
{

namespace
{

constexpr const char *kPureDim = "This is a netCDF dimension but not a netCDF variable";

// Attributes netCDF-C writes for its own bookkeeping and never shows.
bool Bookkeeping(const std::string &n)
{
    static const char *const names[] = {"_Netcdf4Dimid", "_Netcdf4Coordinates", "_NCProperties", "_nc3_strict",
                                        "_SuperblockVersion", "_IsNetcdf4", "DIMENSION_LIST", "REFERENCE_LIST",
                                        "CLASS", "NAME"};
    for (const char *b : names)
        if (n == b)
            return true;
    return false;
}

// One number as the netCDF driver prints it: integers exactly, floats with
// 8 and doubles with 16 significant digits.
std::string NumberText(const Attr &a, size_t k)
{
    if (a.is_float)
        return CPLSPrintf(a.size <= 4 ? "%.8g" : "%.16g", a.nums[k]);
    return a.is_unsigned ? CPLSPrintf("%" PRIu64, a.uints[k]) : CPLSPrintf("%" PRId64, a.ints[k]);
}

// netCDF type code (nc_type) of an HDF5 type, 0 when netCDF has none.
int NcType(const h5c_dtype *t)
{
    if (!t)
        return 0;
    if (t->cls == H5C_INTEGER)
    {
        static const int s[] = {1, 3, 4, 10}, u[] = {7, 8, 9, 11};
        const int k = t->size == 1 ? 0 : t->size == 2 ? 1 : t->size == 4 ? 2 : t->size == 8 ? 3 : -1;
        return k < 0 ? 0 : (t->is_signed ? s[k] : u[k]);
    }
    if (t->cls == H5C_FLOAT)
        return t->size == 4 ? 5 : t->size == 8 ? 6 : 0;
    if (t->cls == H5C_STRING)
        return 2;
    if (t->cls == H5C_VLEN && t->vlen_string)
        return 12;
    return 0;
}

std::string BaseName(const std::string &p)
{
    const size_t s = p.rfind('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

struct ScaleInfo
{
    uint64_t len = 0;
    int nctype = 0;
    bool pure = false;  // a dimension without a variable
};

bool ScaleOf(H5File &file, const std::string &path, ScaleInfo &out)
{
    h5c_error err;
    memset(&err, 0, sizeof err);
    h5c_dataset *d = h5c_dataset_open(file.handle(), path.c_str(), &err);
    if (!d)
        return false;
    h5c_info in;
    h5c_dataset_info(d, &in);
    out.len = in.rank >= 1 ? in.dims[0] : 0;
    out.nctype = NcType(in.type);
    h5c_dataset_close(d);
    std::vector<Attr> a;
    ReadAttrs(file.handle(), path, a);
    const Attr *n = FindAttr(a, "NAME");
    out.pure = n && n->is_string && !n->strs.empty() && n->strs[0].compare(0, strlen(kPureDim), kPureDim) == 0;
    return true;
}

}  // namespace

// GDAL's netCDF driver takes an HDF5 file by its name (.nc, .nc4), whoever
// wrote it (files of netCDF before 4.4 carry no _NCProperties); so do we:
// the view is the one GDAL gives the same file when it is local.
bool H5File::IsNetcdf4()
{
    if (netcdf_ < 0)
    {
        std::string p = path_;
        const size_t q = p.find('?');  // a signed URL's query
        if (q != std::string::npos && !STARTS_WITH_CI(p.c_str(), "/vsi") && p.find("://") != std::string::npos)
            p.resize(q);
        const char *ext = CPLGetExtension(p.c_str());
        netcdf_ = EQUAL(ext, "nc") || EQUAL(ext, "nc4") ? 1 : 0;
    }
    return netcdf_ == 1;
}

std::string NcVarName(const std::string &path)
{
    // netCDF names root variables by their name, others by their full path
    return ParentOf(path) == "/" ? BaseName(path) : path;
}

bool NcAttrText(const Attr &a, std::string &out)
{
    if (Bookkeeping(a.name))
        return false;
    if (a.numeric && !a.nums.empty())
    {
        if (a.nums.size() == 1)
            out = NumberText(a, 0);
        else
        {
            out = "{";
            for (size_t k = 0; k < a.nums.size(); k++)
                out += (k ? "," : "") + NumberText(a, k);
            out += "}";
        }
        return true;
    }
    if (a.is_string)
    {
        if (a.strs.size() == 1 || a.cls == H5C_STRING)
            out = a.strs.empty() ? std::string() : a.strs[0];
        else
        {
            out = "{";
            for (size_t k = 0; k < a.strs.size(); k++)
                out += (k ? "," : "") + a.strs[k];
            out += "}";
        }
        return true;
    }
    return false;
}

void NcAddAttrs(const std::string &prefix, const std::vector<Attr> &attrs, CPLStringList &md)
{
    std::string v;
    for (const auto &a : attrs)
        if (NcAttrText(a, v))
            md.SetNameValue((prefix + a.name).c_str(), v.c_str());
}

bool NcDimensions(H5File &file, const std::vector<Attr> &attrs, int rank, std::vector<NcDim> &out)
{
    out.clear();
    const Attr *dl = FindAttr(attrs, "DIMENSION_LIST");
    if (!dl || static_cast<int>(dl->ref_lists.size()) != rank)
        return false;
    for (int k = 0; k < rank; k++)
    {
        if (dl->ref_lists[k].empty())
            return false;
        const std::string p = file.PathOfAddr(dl->ref_lists[k][0]);
        ScaleInfo si;
        if (p.empty() || !ScaleOf(file, p, si))
            return false;
        NcDim d;
        d.name = BaseName(p);
        d.len = si.len;
        d.nctype = si.nctype;
        if (!si.pure)
        {
            d.coord = p;
            if (!ReadAsDouble(file.handle(), p, d.values))
                d.values.clear();
        }
        out.push_back(d);
    }
    return true;
}

void NcDatasetMetadata(H5File &file, const std::string &dspath, const std::vector<Attr> &attrs,
                       const std::vector<NcDim> &dims, const std::vector<int> &banddims, CPLStringList &md)
{
    std::vector<Attr> a;
    ReadAttrs(file.handle(), "/", a);
    NcAddAttrs("NC_GLOBAL#", a, md);
    NcAddAttrs(NcVarName(dspath) + "#", attrs, md);
    for (const auto &d : dims)
        if (!d.coord.empty() && d.coord != dspath)
        {
            a.clear();
            ReadAttrs(file.handle(), d.coord, a);
            NcAddAttrs(NcVarName(d.coord) + "#", a, md);
        }
    const Attr *gm = FindAttr(attrs, "grid_mapping");
    if (gm && gm->is_string && !gm->text.empty())
    {
        std::string name = gm->text.substr(0, gm->text.find(':'));
        const std::string p = ResolvePath(dspath, name);
        a.clear();
        if (ReadAttrs(file.handle(), p, a))
            NcAddAttrs(NcVarName(p) + "#", a, md);
    }
    if (banddims.empty() || dims.empty())
        return;
    std::string extra = "{";
    for (size_t i = 0; i < banddims.size(); i++)
        extra += (i ? "," : "") + dims[banddims[i]].name;
    md.SetNameValue("NETCDF_DIM_EXTRA", (extra + "}").c_str());
    for (int k : banddims)
    {
        const NcDim &d = dims[k];
        md.SetNameValue(("NETCDF_DIM_" + d.name + "_DEF").c_str(),
                        CPLSPrintf("{%" PRIu64 ",%d}", d.len, d.coord.empty() ? 4 : d.nctype));
        const std::vector<double> &v = d.values;
        if (v.empty())
            continue;
        std::string vals;
        for (size_t i = 0; i < v.size(); i++)
            vals += (i ? "," : "") + std::string(CPLSPrintf("%.16g", v[i]));
        md.SetNameValue(("NETCDF_DIM_" + d.name + "_VALUES").c_str(),
                        (v.size() == 1 ? vals : "{" + vals + "}").c_str());
    }
}

void NcBandMetadata(const std::string &dspath, const std::vector<Attr> &attrs,
                    const std::vector<NcDim> &dims, const std::vector<int> &banddims,
                    const std::vector<uint64_t> &index, CPLStringList &md)
{
    NcAddAttrs("", attrs, md);
    md.SetNameValue("NETCDF_VARNAME", BaseName(dspath).c_str());
    for (size_t i = 0; i < banddims.size() && i < index.size() && !dims.empty(); i++)
    {
        const NcDim &d = dims[banddims[i]];
        std::string v = CPLSPrintf("%" PRIu64, index[i] + 1);
        if (index[i] < d.values.size())
            v = CPLSPrintf("%.16g", d.values[index[i]]);
        md.SetNameValue(("NETCDF_DIM_" + d.name).c_str(), v.c_str());
    }
}

bool NcBottomUp(const std::vector<NcDim> &dims, int ydim)
{
    // GDAL's netCDF driver takes rows as bottom-up unless the y coordinate
    // says otherwise (decreases)
    if (ydim < 0)
        return false;
    if (ydim >= static_cast<int>(dims.size()))
        return true;
    const std::vector<double> &v = dims[ydim].values;
    return !(v.size() >= 2 && v.front() > v.back());
}

}  // namespace h5cg

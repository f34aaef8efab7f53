// h5coro_gdal.h - internal declarations shared by the H5CORO GDAL driver's
// raster (h5coro_driver.cpp) and multidimensional (h5coro_mdim.cpp) parts.
#ifndef H5CORO_GDAL_H
#define H5CORO_GDAL_H

#include "cpl_conv.h"
#include "gdal_priv.h"
#include "ogr_spatialref.h"
#include "h5coro.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace h5cg
{

struct VsiBackend;

// One open HDF5 file, shared by every GDAL object built on it.
class H5File
{
  public:
    struct Entry
    {
        std::string path;   // absolute, "/g/ds"
        std::string name;
        h5c_kind kind;
        uint64_t addr;
        std::string target;
        std::string error;  // non-empty when the object could not be read
    };

    // path: anything GDAL accepts (local, /vsis3/, /vsicurl/, /vsizip/...).
    // A file still open under the same path (and H5CORO_REMOTE_BACKEND) is
    // shared, not opened again. On failure returns null with code/msg set.
    static std::shared_ptr<H5File> Open(const std::string &path, h5c_code &code, std::string &msg);
    ~H5File();

    h5c_file *handle() const { return f_; }
    const std::string &path() const { return path_; }
    const char *backend() const { return backend_name_; }
    // A path the core or GDAL reads over the network (/vsis3/, https://...).
    bool IsRemote() const;
    // A netCDF-4 file by its name (.nc, .nc4), as GDAL's netCDF driver tells.
    bool IsNetcdf4();

    // Recursive listing of the whole file (cached). Returns false (with msg)
    // when the walk failed.
    bool List(std::string &msg);
    const std::vector<Entry> &Entries() const { return entries_; }
    // Object header address -> first path seen for it (hard links).
    std::string PathOfAddr(uint64_t addr);

  private:
    H5File() = default;
    static std::shared_ptr<H5File> OpenNew(const std::string &path, h5c_code &code, std::string &msg);
    h5c_file *f_ = nullptr;
    std::string path_;
    const char *backend_name_ = "core";
    std::unique_ptr<VsiBackend> vsi_;
    std::vector<std::unique_ptr<std::string>> strings_;  // h5c_remote strings
    h5c_remote remote_{};
    std::mutex mutex_;
    bool listed_ = false;
    bool list_ok_ = false;
    std::string list_msg_;
    std::vector<Entry> entries_;
    std::map<uint64_t, std::string> addr2path_;
    int netcdf_ = -1;  // IsNetcdf4: unknown yet
};

// A decoded attribute.
struct Attr
{
    std::string name;
    h5c_class cls = H5C_OPAQUE;
    bool numeric = false;             // integer / float / enum / bitfield
    bool is_string = false;
    bool is_float = false;
    std::vector<double> nums;         // numeric values
    std::vector<int64_t> ints;        // integer values (exact)
    std::vector<uint64_t> uints;
    bool is_unsigned = false;
    uint32_t size = 0;                // bytes of one number (numeric attributes)
    std::vector<std::string> strs;    // string values
    std::vector<std::vector<uint64_t>> ref_lists;  // vlen of object references (DIMENSION_LIST)
    std::vector<uint64_t> refs;       // object references
    std::string text;                 // formatted value for metadata
    // The value as GDAL's built-in HDF5 driver (3.6) writes it in metadata:
    // numbers as "%d " / "%.8g " / "%.15g " each (trailing space), vlen
    // strings joined by spaces ("{NULL}" for null ones), fixed strings as
    // their bytes up to the first NUL, "" for the classes it has no text for.
    std::string gdal_text;
    bool gdal_listed = true;          // false: the built-in driver skips it (vlen sequences)
    int rank = 0;
    std::vector<uint64_t> dims;
    uint64_t nelem = 0;
    std::string dtype;                // numpy notation
};

bool ReadAttrs(h5c_file *f, const std::string &path, std::vector<Attr> &out, std::string *msg = nullptr);
const Attr *FindAttr(const std::vector<Attr> &attrs, const char *name);

// GDAL data type of an HDF5 type, or GDT_Unknown with the reason.
GDALDataType MapType(const h5c_dtype *t, bool *signed_byte, std::string *why);
// Built-in HDF5 driver's wording of a type ("32-bit floating-point").
std::string TypeWords(const h5c_dtype *t);
// Nodata as GDAL's HDF5 driver gives it: _FillValue only. With
// H5CORO_FILL_AS_NODATA=YES also missing_value, else a non-zero fill value.
inline bool FillAsNodata()
{
    return CPLTestBool(CPLGetConfigOption("H5CORO_FILL_AS_NODATA", "NO"));
}
// Filters and layouts the core decodes.
bool CoreCanRead(const h5c_info &info, std::string *why);

// Shortest decimal text that reads back to the same double.
std::string FormatDouble(double v, bool single);

// Resolve a name relative to a dataset's group ("crs", "../x", "/a/b").
std::string ResolvePath(const std::string &dspath, const std::string &name);
std::string ParentOf(const std::string &path);

// Read a whole 1-D or N-D numeric dataset as doubles.
bool ReadAsDouble(h5c_file *f, const std::string &path, std::vector<double> &out,
                  std::vector<uint64_t> *dims = nullptr);

// CRS of a CF grid-mapping variable from its attributes (crs_wkt,
// spatial_ref, esri_pe_string, epsg_code/EPSG, else grid_mapping_name with
// its parameters), traditional GIS axis order. False (with why) when none.
// Used by the multidimensional API; the same rules as the raster side's
// CrsFromGridMapping in h5coro_driver.cpp, which could delegate here.
bool SrsFromCfGridMapping(const std::vector<Attr> &attrs, OGRSpatialReference &srs, std::string *why);

// HDF-EOS5 grids (h5coro_eos.cpp), from "/HDFEOS INFORMATION/StructMetadata.N".
struct EosGrid
{
    std::string name;
    int xdim = 0, ydim = 0;
    bool has_corners = false;
    double ulx = 0, uly = 0, lrx = 0, lry = 0;  // as written (packed DMS for GEO)
    std::string projection;                    // "HE5_GCTP_GEO", ...
    bool has_zone = false, has_sphere = false;
    int zone = 0, sphere = -1;
    std::vector<double> params;                // GCTP ProjParams
    std::string origin, registration;          // GridOrigin, PixelRegistration
    std::map<std::string, std::vector<std::string>> field_dims;  // DataFieldName -> DimList
};

// The StructMetadata.0, .1, ... text concatenated; false with the reason.
bool ReadStructMetadata(h5c_file *f, std::string &text, std::string *why);
// Grids of the ODL text; false (with the reason) when the text is malformed.
bool ParseEosGrids(const std::string &odl, std::vector<EosGrid> &grids, std::string *why);
bool EosGeoTransform(const EosGrid &g, double gt[6], std::string *why);
bool EosSrs(const EosGrid &g, OGRSpatialReference &srs, std::string *why);
// "/HDFEOS/GRIDS/<grid>/Data Fields/<field>" -> grid, field
bool EosGridOfPath(const std::string &dspath, std::string &grid, std::string &field);
// DDDMMMSSS.SS -> decimal degrees; false when minutes or seconds are >= 60
bool PackedDmsToDegrees(double v, double &deg);

// Georeferencing of the product families GDAL's HDF5 driver recognises
// (h5coro_products.cpp).
struct ProductGeoref
{
    struct Gcp
    {
        std::string id;
        double pixel, line, x, y, z;
    };
    std::string family;             // "CSK", "ODIM_H5", "LATLON_GCPS" or empty
    bool has_gt = false;
    double gt[6] = {0, 1, 0, 0, 0, 1};
    OGRSpatialReference srs;
    std::vector<Gcp> gcps;
    OGRSpatialReference gcp_srs;
};
// Fills `out` for a dataset (path "/g/ds", its attributes, raster size);
// true when the product's rules replace the generic (CF, dimension scale)
// georeferencing, as for CSK and ODIM_H5.
bool ProductGeoreferencing(H5File &file, const std::string &dspath, const std::vector<Attr> &ds, uint64_t nx,
                           uint64_t ny, ProductGeoref &out);
// True for the paths that go over the network (/vsis3/, /vsicurl/, https://...).
bool IsRemotePath(const char *path);

// The netCDF-4 raster view (h5coro_netcdf.cpp): what GDAL's netCDF driver
// gives for the same file.
struct NcDim
{
    std::string name;            // the dimension's name
    uint64_t len = 0;
    int nctype = 0;              // nc_type of its coordinate variable
    std::string coord;           // path of the coordinate variable; empty for a bare dimension
    std::vector<double> values;  // the coordinate variable's values
};
// netCDF's name of a variable: root ones by name, others by full path.
std::string NcVarName(const std::string &path);
// The netCDF driver's text of an attribute ("{1,2}" for arrays); false for
// netCDF-C's bookkeeping attributes and types netCDF has no text for.
bool NcAttrText(const Attr &a, std::string &out);
// Adds prefix + name = text for each attribute ("NC_GLOBAL#", "var#", "").
void NcAddAttrs(const std::string &prefix, const std::vector<Attr> &attrs, CPLStringList &md);
// The variable's dimensions from DIMENSION_LIST; false when it has none.
bool NcDimensions(H5File &file, const std::vector<Attr> &attrs, int rank, std::vector<NcDim> &out);
// Dataset metadata: NC_GLOBAL#, the variable's, its coordinate variables'
// and grid mapping's attributes, NETCDF_DIM_EXTRA/_DEF/_VALUES.
void NcDatasetMetadata(H5File &file, const std::string &dspath, const std::vector<Attr> &attrs,
                       const std::vector<NcDim> &dims, const std::vector<int> &banddims, CPLStringList &md);
// Band metadata: the variable's attributes, NETCDF_VARNAME, NETCDF_DIM_<dim>
// (coordinate value, else 1-based index) for the band's index along each band dimension.
void NcBandMetadata(const std::string &dspath, const std::vector<Attr> &attrs, const std::vector<NcDim> &dims,
                    const std::vector<int> &banddims, const std::vector<uint64_t> &index, CPLStringList &md);
// True unless the y coordinate decreases: rows are stored south-up (as the
// netCDF driver assumes) and served flipped.
bool NcBottomUp(const std::vector<NcDim> &dims, int ydim);

// Multidimensional API entry point.
GDALDataset *OpenMultiDim(const std::shared_ptr<H5File> &file, const std::string &display_name);

}  // namespace h5cg

#endif

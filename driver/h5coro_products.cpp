// h5coro_products.cpp - georeferencing of the HDF5 product families that
// GDAL's built-in HDF5 driver (3.6) knows by their attributes, with the
// same results: COSMO-SkyMed (and KOMPSAT-5, CSG), ODIM_H5 radar
// composites, and GCPs sampled from 2-D "Latitude"/"Longitude" arrays.
#include "h5coro_gdal.h"

#include "cpl_conv.h"
#include "cpl_string.h"

#include <cmath>
#include <cstring>
#include <memory>

namespace h5cg
{

static const Attr *RootAttr(const std::vector<Attr> &root, const char *name)
{
    return FindAttr(root, name);
}

static bool Numbers(const Attr *a, size_t n, std::vector<double> &v)
{
    if (!a || !a->numeric || a->nums.size() < n)
        return false;
    v = a->nums;
    return true;
}

static std::string Text(const Attr *a)
{
    return a && a->is_string && !a->strs.empty() ? a->strs[0] : std::string();
}

// COSMO-SkyMed: "Mission ID" CSK, KMPS or CSG; the level from "Product
// Type": RAW, SSC (L0, L1A) and DGM (L1B) have four corner GCPs in WGS 84;
// GEC and GTC (L1C, L1D) a north-up geotransform in UTM or UPS.
static bool CskGeoref(const std::vector<Attr> &root, const std::string &display_path,
                      const std::vector<Attr> &ds, uint64_t nx, uint64_t ny, ProductGeoref &out)
{
    const std::string level = Text(RootAttr(root, "Product Type"));
    enum { NONE, L0, L1A, L1B, L1C, L1D } lv = NONE;
    if (STARTS_WITH_CI(level.c_str(), "RAW"))
        lv = L0;
    else if (STARTS_WITH_CI(level.c_str(), "SSC"))
        lv = L1A;
    else if (STARTS_WITH_CI(level.c_str(), "DGM"))
        lv = L1B;
    else if (STARTS_WITH_CI(level.c_str(), "GEC"))
        lv = L1C;
    else if (STARTS_WITH_CI(level.c_str(), "GTC"))
        lv = L1D;
    out.srs.SetWellKnownGeogCS("WGS84");
    if (lv == L1C || lv == L1D)
    {
        std::vector<double> tl, ls, cs, fen, sf, cen;
        if (Numbers(FindAttr(ds, "Top Left East-North"), 2, tl) && Numbers(FindAttr(ds, "Line Spacing"), 1, ls) &&
            Numbers(FindAttr(ds, "Column Spacing"), 1, cs))
        {
            const double gt[6] = {tl[0], ls[0], 0, tl[1], 0, -cs[0]};
            memcpy(out.gt, gt, sizeof gt);
            out.has_gt = true;
        }
        const std::string proj = Text(RootAttr(root, "Projection ID"));
        if (!Numbers(RootAttr(root, "Map Projection False East-North"), 2, fen) ||
            !Numbers(RootAttr(root, "Map Projection Scale Factor"), 1, sf) ||
            !Numbers(RootAttr(root, "Map Projection Centre"), 2, cen) || proj.empty())
        {
            out.srs.Clear();
            CPLDebug("H5CORO", "%s: CSK map projection attributes missing", display_path.c_str());
        }
        else if (EQUAL(proj.c_str(), "UTM"))
        {
            out.srs.SetProjCS(SRS_PT_TRANSVERSE_MERCATOR);
            out.srs.SetTM(cen[0], cen[1], sf[0], fen[0], fen[1]);
        }
        else if (EQUAL(proj.c_str(), "UPS"))
        {
            out.srs.SetProjCS(SRS_PT_POLAR_STEREOGRAPHIC);
            out.srs.SetPS(cen[0], cen[1], sf[0], fen[0], fen[1]);
        }
        return true;
    }
    out.gcp_srs = out.srs;
    if (lv != L0 && lv != L1A && lv != L1B)
        return true;
    static const char *const corners[4] = {"Top Left Geodetic Coordinates", "Top Right Geodetic Coordinates",
                                           "Bottom Left Geodetic Coordinates", "Bottom Right Geodetic Coordinates"};
    const double px[4] = {0, static_cast<double>(nx), 0, static_cast<double>(nx)};
    const double ln[4] = {0, 0, static_cast<double>(ny), static_cast<double>(ny)};
    std::vector<ProductGeoref::Gcp> gcps;
    for (int i = 0; i < 4; i++)
    {
        std::vector<double> c;
        if (!Numbers(FindAttr(ds, corners[i]), 3, c))
        {
            CPLDebug("H5CORO", "%s: no CSK corner %s", display_path.c_str(), corners[i]);
            return true;
        }
        gcps.push_back({display_path + "/" + corners[i], px[i], ln[i], c[1], c[0], c[2]});
    }
    out.gcps = gcps;
    return true;
}

// ODIM_H5: /where holds a PROJ.4 definition and the lower-left and
// upper-right corners in longitude/latitude; the geotransform spans them.
static bool OdimGeoref(h5c_file *f, uint64_t nx, uint64_t ny, ProductGeoref &out)
{
    std::vector<Attr> w;
    if (!ReadAttrs(f, "/where", w))
        return false;
    const Attr *pd = FindAttr(w, "projdef");
    std::vector<double> llx, lly, urx, ury;
    if (!pd || !pd->is_string || !Numbers(FindAttr(w, "LL_lon"), 1, llx) || !Numbers(FindAttr(w, "LL_lat"), 1, lly) ||
        !Numbers(FindAttr(w, "UR_lon"), 1, urx) || !Numbers(FindAttr(w, "UR_lat"), 1, ury))
        return false;
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (srs.importFromProj4(pd->text.c_str()) != OGRERR_NONE)
        return false;
    OGRSpatialReference wgs;
    wgs.SetWellKnownGeogCS("WGS84");
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &srs));
    double x[2] = {llx[0], urx[0]}, y[2] = {lly[0], ury[0]};
    if (!ct || !ct->Transform(2, x, y))
        return false;
    const double gt[6] = {x[0], (x[1] - x[0]) / static_cast<double>(nx), 0,
                          y[1], 0, -(y[1] - y[0]) / static_cast<double>(ny)};
    memcpy(out.gt, gt, sizeof gt);
    out.has_gt = true;
    out.srs = srs;
    return true;
}

// 2-D Latitude/Longitude of the raster's shape: GCPs every ny/100 lines and
// nx/30 pixels at pixel centres, skipping fill values; longitudes shifted
// by 180 when the samples straddle the antimeridian only
// (HDF5_SHIFT_GCPX_BY_180 forces either way).
static bool LatLonGcps(h5c_file *f, const std::string &lat, const std::string &lon, uint64_t nx, uint64_t ny,
                       ProductGeoref &out)
{
    const uint64_t dlat = ny / 100, dlon = nx / 30;
    std::vector<double> la, lo;
    std::vector<uint64_t> d1, d2;
    if (dlat == 0 || dlon == 0 || !ReadAsDouble(f, lat, la, &d1) || !ReadAsDouble(f, lon, lo, &d2) ||
        d1 != std::vector<uint64_t>{ny, nx} || d2 != d1)
        return false;
    auto fill = [&](const std::string &p, bool &has) {
        std::vector<Attr> a;
        ReadAttrs(f, p, a);
        const Attr *fv = FindAttr(a, "_FillValue");
        has = fv && fv->numeric && !fv->nums.empty();
        return has ? static_cast<float>(fv->nums[0]) : 0.0f;
    };
    bool has_la = false, has_lo = false;
    const float fla = fill(lat, has_la), flo = fill(lon, has_lo);
    const uint64_t ylim = ny / dlat * dlat, xlim = nx / dlon * dlon;
    bool plus180 = false, minus180 = false, zero = false;
    std::vector<ProductGeoref::Gcp> g;
    for (uint64_t j = 0; j < ylim; j += dlat)
        for (uint64_t i = 0; i < xlim; i += dlon)
        {
            const float y = static_cast<float>(la[j * nx + i]), x = static_cast<float>(lo[j * nx + i]);
            if ((has_la && y == fla) || (has_lo && x == flo))
                continue;
            plus180 = plus180 || (x > 170 && x <= 180);
            minus180 = minus180 || (x < -170 && x >= -180);
            zero = zero || std::fabs(x) < 90;
            g.push_back({std::string(), static_cast<double>(i) + 0.5, static_cast<double>(j) + 0.5, x, y, 0});
        }
    const char *shift = CPLGetConfigOption("HDF5_SHIFT_GCPX_BY_180", nullptr);
    const bool add180 = shift ? CPLTestBool(shift) : (plus180 && minus180 && !zero);
    if (add180)
        for (auto &p : g)
            p.x += 180.0;
    out.gcps = g;
    out.gcp_srs.SetWellKnownGeogCS("WGS84");
    return true;
}

bool ProductGeoreferencing(H5File &file, const std::string &dspath, const std::vector<Attr> &ds, uint64_t nx,
                           uint64_t ny, ProductGeoref &out)
{
    h5c_file *f = file.handle();
    std::vector<Attr> root;
    ReadAttrs(f, "/", root);
    const std::string display = "/" + dspath;
    const std::string mission = Text(FindAttr(root, "Mission ID"));
    if (!mission.empty() && display.find("QLK") == std::string::npos &&
        (EQUAL(mission.c_str(), "CSK") || EQUAL(mission.c_str(), "KMPS") || EQUAL(mission.c_str(), "CSG")))
    {
        out.family = "CSK";
        return CskGeoref(root, display, ds, nx, ny, out);
    }
    // The built-in driver looks for the first dataset named Latitude
    // (any case) anywhere in the file; that takes a walk of the whole file,
    // done here for local files only (a remote walk costs many requests).
    std::string lat, lon;
    std::string msg;
    if (!file.IsRemote() && file.List(msg))
    {
        for (const auto &e : file.Entries())
        {
            if (e.kind != H5C_KIND_DATASET)
                continue;
            if (lat.empty() && EQUAL(e.name.c_str(), "Latitude"))
                lat = e.path;
            if (lon.empty() && EQUAL(e.name.c_str(), "Longitude"))
                lon = e.path;
        }
    }
    if (!lat.empty())
    {
        if (nx >= 30 && ny >= 100 && !lon.empty() && LatLonGcps(f, lat, lon, nx, ny, out))
            out.family = "LATLON_GCPS";
        return false;
    }
    if (OdimGeoref(f, nx, ny, out))
    {
        out.family = "ODIM_H5";
        return true;
    }
    return false;
}

}  // namespace h5cg

// h5coro_eos.cpp - HDF-EOS5 grids: the ODL text of
// "/HDFEOS INFORMATION/StructMetadata.N" parsed into grid descriptions, and
// a grid's geotransform and CRS from its corners and GCTP projection.
//
// The text comes from the file, so the parser trusts nothing: sizes, nesting
// depth, line and value lengths are capped, numbers must parse completely,
// and anything unexpected makes it decline (with the reason) rather than
// guess.
#include "h5coro_gdal.h"

#include "cpl_conv.h"
#include "cpl_string.h"

#include <cmath>
#include <cstring>

namespace h5cg
{

namespace
{

constexpr size_t kMaxOdlBytes = 16u << 20;   // all StructMetadata.N together
constexpr int kMaxOdlParts = 256;
constexpr int kMaxDepth = 32;
constexpr size_t kMaxValueBytes = 1u << 20;  // one (possibly multi-line) value
constexpr int kMaxGrids = 4096;

struct OdlNode
{
    std::string name;
    std::vector<std::pair<std::string, std::string>> items;
    std::vector<OdlNode> children;

    const std::string *Item(const char *key) const
    {
        for (const auto &kv : items)
            if (EQUAL(kv.first.c_str(), key))
                return &kv.second;
        return nullptr;
    }
    const OdlNode *Child(const char *nm) const
    {
        for (const auto &c : children)
            if (EQUAL(c.name.c_str(), nm))
                return &c;
        return nullptr;
    }
};

std::string Trim(const std::string &s)
{
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n'))
        b++;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
        e--;
    return s.substr(b, e - b);
}

std::string Unquote(const std::string &s)
{
    std::string t = Trim(s);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"')
        return t.substr(1, t.size() - 2);
    return t;
}

// "(a,b,"c")" -> {"a","b","c"}; a bare value -> {value}
std::vector<std::string> SplitTuple(const std::string &v)
{
    std::string t = Trim(v);
    std::vector<std::string> out;
    if (t.size() >= 2 && t.front() == '(' && t.back() == ')')
        t = t.substr(1, t.size() - 2);
    std::string cur;
    bool quoted = false;
    for (char c : t)
    {
        if (c == '"')
            quoted = !quoted;
        if (c == ',' && !quoted)
        {
            out.push_back(Unquote(cur));
            cur.clear();
        }
        else
            cur += c;
    }
    if (!Trim(cur).empty() || !out.empty())
        out.push_back(Unquote(cur));
    return out;
}

// A number that parses completely and is finite.
bool ToDouble(const std::string &s, double &v)
{
    const std::string t = Trim(s);
    if (t.empty() || t.size() > 64)
        return false;
    char *end = nullptr;
    v = CPLStrtod(t.c_str(), &end);
    return end && *end == '\0' && std::isfinite(v);
}

bool ToInt(const std::string &s, int &v)
{
    double d;
    if (!ToDouble(s, d) || d != std::floor(d) || std::fabs(d) > 1e6)
        return false;
    v = static_cast<int>(d);
    return true;
}

// ODL statements are KEY=VALUE lines; GROUP/OBJECT open a node that the
// matching END_GROUP/END_OBJECT closes. A value opened with '(' may go on
// over several lines until its ')'.
bool ParseOdl(const std::string &text, OdlNode &root, std::string *why)
{
    std::vector<OdlNode *> stack{&root};
    size_t pos = 0;
    const size_t n = text.size();
    while (pos < n)
    {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos)
            eol = n;
        std::string line = Trim(text.substr(pos, eol - pos));
        pos = eol + 1;
        if (line.empty() || line.compare(0, 2, "/*") == 0)
            continue;
        if (EQUAL(line.c_str(), "END"))
            break;
        const size_t eq = line.find('=');
        if (eq == std::string::npos)
        {
            *why = "ODL line without '=': " + line.substr(0, 80);
            return false;
        }
        const std::string key = Trim(line.substr(0, eq));
        std::string value = Trim(line.substr(eq + 1));
        // continuation of a parenthesised value
        while (!value.empty() && value[0] == '(' && value.find(')') == std::string::npos && pos < n)
        {
            eol = text.find('\n', pos);
            if (eol == std::string::npos)
                eol = n;
            value += Trim(text.substr(pos, eol - pos));
            pos = eol + 1;
            if (value.size() > kMaxValueBytes)
            {
                *why = "ODL value of " + key + " too long";
                return false;
            }
        }
        if (EQUAL(key.c_str(), "GROUP") || EQUAL(key.c_str(), "OBJECT"))
        {
            if (static_cast<int>(stack.size()) > kMaxDepth)
            {
                *why = "ODL nested too deep";
                return false;
            }
            stack.back()->children.emplace_back();
            stack.back()->children.back().name = value;
            stack.push_back(&stack.back()->children.back());
        }
        else if (EQUAL(key.c_str(), "END_GROUP") || EQUAL(key.c_str(), "END_OBJECT"))
        {
            if (stack.size() <= 1 || !EQUAL(stack.back()->name.c_str(), value.c_str()))
            {
                *why = "ODL " + key + "=" + value.substr(0, 80) + " does not close the open group";
                return false;
            }
            stack.pop_back();
        }
        else
            stack.back()->items.emplace_back(key, value);
    }
    if (stack.size() != 1)
    {
        *why = "ODL group " + stack.back()->name.substr(0, 80) + " not closed";
        return false;
    }
    return true;
}

bool GridFromNode(const OdlNode &g, EosGrid &out, std::string *why)
{
    const std::string *name = g.Item("GridName");
    if (!name)
    {
        *why = "grid " + g.name + " without GridName";
        return false;
    }
    out.name = Unquote(*name);
    const std::string *xd = g.Item("XDim"), *yd = g.Item("YDim");
    if (!xd || !yd || !ToInt(*xd, out.xdim) || !ToInt(*yd, out.ydim) || out.xdim <= 0 || out.ydim <= 0)
    {
        *why = "grid " + out.name + ": bad XDim/YDim";
        return false;
    }
    const std::string *ul = g.Item("UpperLeftPointMtrs"), *lr = g.Item("LowerRightMtrs");
    if (ul && lr)
    {
        const auto u = SplitTuple(*ul), l = SplitTuple(*lr);
        out.has_corners = u.size() == 2 && l.size() == 2 && ToDouble(u[0], out.ulx) && ToDouble(u[1], out.uly) &&
                          ToDouble(l[0], out.lrx) && ToDouble(l[1], out.lry);
    }
    if (const std::string *p = g.Item("Projection"))
        out.projection = Unquote(*p);
    if (const std::string *z = g.Item("ZoneCode"))
        out.has_zone = ToInt(*z, out.zone);
    if (const std::string *s = g.Item("SphereCode"))
        out.has_sphere = ToInt(*s, out.sphere);
    if (const std::string *pp = g.Item("ProjParams"))
    {
        for (const auto &v : SplitTuple(*pp))
        {
            double d;
            if (!ToDouble(v, d) || out.params.size() >= 64)
            {
                *why = "grid " + out.name + ": bad ProjParams";
                return false;
            }
            out.params.push_back(d);
        }
    }
    if (const std::string *o = g.Item("GridOrigin"))
        out.origin = Unquote(*o);
    if (const std::string *r = g.Item("PixelRegistration"))
        out.registration = Unquote(*r);
    if (const OdlNode *df = g.Child("DataField"))
        for (const auto &obj : df->children)
        {
            const std::string *fn = obj.Item("DataFieldName");
            const std::string *dl = obj.Item("DimList");
            if (fn && dl)
                out.field_dims[Unquote(*fn)] = SplitTuple(*dl);
        }
    return true;
}

// GCTP spheroids by SphereCode (semi-major, semi-minor in metres).
struct Spheroid
{
    const char *name;
    double a, b;
};
const Spheroid kSpheroids[] = {
    {"Clarke 1866", 6378206.4, 6356583.8},
    {"Clarke 1880", 6378249.145, 6356514.86955},
    {"Bessel", 6377397.155, 6356078.96284},
    {"International 1967", 6378157.5, 6356772.2},
    {"International 1909", 6378388.0, 6356911.94613},
    {"WGS 72", 6378135.0, 6356750.519915},
    {"Everest", 6377276.3452, 6356075.4133},
    {"WGS 66", 6378145.0, 6356759.769356},
    {"GRS 1980", 6378137.0, 6356752.31414},
    {"Airy", 6377563.396, 6356256.91},
    {"Modified Everest", 6377304.063, 6356103.039},
    {"Modified Airy", 6377340.189, 6356034.448},
    {"WGS 84", 6378137.0, 6356752.314245},
    {"Southeast Asia", 6378155.0, 6356773.3205},
    {"Australian National", 6378160.0, 6356774.719},
    {"Krassovsky", 6378245.0, 6356863.0188},
    {"Hough", 6378270.0, 6356794.343479},
    {"Mercury 1960", 6378166.0, 6356784.283666},
    {"Modified Mercury 1968", 6378150.0, 6356768.337303},
    {"Sphere 6370997", 6370997.0, 6370997.0},
    {"Sphere 6371228", 6371228.0, 6371228.0},
    {"Sphere 6371007.181", 6371007.181, 6371007.181},
};

double Param(const EosGrid &g, size_t i)
{
    return i < g.params.size() ? g.params[i] : 0.0;
}

// The earth model as GCTP reads it: ProjParams[0] > 0 gives the semi-major
// axis and ProjParams[1] the semi-minor axis (> 1), the eccentricity squared
// (0..1) or, when 0, a sphere; otherwise SphereCode picks a spheroid.
void SetEarth(const EosGrid &g, OGRSpatialReference &srs, double default_sphere)
{
    double a = 0, b = 0;
    const char *name = "unknown";
    const double p0 = Param(g, 0), p1 = Param(g, 1);
    if (p0 > 0)
    {
        a = p0;
        b = p1 > 1 ? p1 : (p1 > 0 && p1 < 1 ? a * std::sqrt(1 - p1) : a);
    }
    else if (g.has_sphere && g.sphere >= 0 &&
             g.sphere < static_cast<int>(sizeof kSpheroids / sizeof kSpheroids[0]))
    {
        if (g.sphere == 12)
        {
            srs.SetWellKnownGeogCS("WGS84");
            return;
        }
        name = kSpheroids[g.sphere].name;
        a = kSpheroids[g.sphere].a;
        b = kSpheroids[g.sphere].b;
    }
    else if (default_sphere > 0)
        a = b = default_sphere;
    else
    {
        // GCTP's default spheroid
        name = kSpheroids[0].name;
        a = kSpheroids[0].a;
        b = kSpheroids[0].b;
    }
    const double invf = b == a ? 0.0 : a / (a - b);
    srs.SetGeogCS("unknown", "unknown", name, a, invf);
}

}  // namespace

bool PackedDmsToDegrees(double v, double &deg)
{
    if (!std::isfinite(v))
        return false;
    const double a = std::fabs(v);
    const double d = std::floor(a / 1e6);
    const double m = std::floor((a - d * 1e6) / 1e3);
    const double s = a - d * 1e6 - m * 1e3;
    // a little slack on the seconds: the text has 6 decimals
    if (d > 360 || m >= 60 || s >= 60 + 1e-6)
        return false;
    deg = (d + m / 60.0 + s / 3600.0) * (v < 0 ? -1 : 1);
    return true;
}

bool ReadStructMetadata(h5c_file *f, std::string &text, std::string *why)
{
    text.clear();
    for (int part = 0; part < kMaxOdlParts; part++)
    {
        const std::string path = "/HDFEOS INFORMATION/StructMetadata." + std::to_string(part);
        h5c_error err;
        memset(&err, 0, sizeof err);
        h5c_dataset *d = h5c_dataset_open(f, path.c_str(), &err);
        if (!d)
        {
            if (part > 0 && err.code == H5C_ERR_NOT_FOUND)
                break;
            *why = path + ": " + err.msg;
            return false;
        }
        h5c_info in;
        h5c_dataset_info(d, &in);
        const h5c_dtype *t = in.type;
        const bool fixed = t && t->cls == H5C_STRING;
        const bool vlen = t && t->cls == H5C_VLEN && t->vlen_string;
        bool ok = false;
        if (in.rank == 0 && (fixed || vlen) && (!fixed || t->size <= kMaxOdlBytes))
        {
            const size_t es = h5c_dtype_mem_size(t);
            std::vector<uint8_t> buf(es + 1, 0);
            if (h5c_read(d, nullptr, buf.data(), es, &err) == 0)
            {
                if (fixed)
                    text.append(reinterpret_cast<const char *>(buf.data()),
                                strnlen(reinterpret_cast<const char *>(buf.data()), es));
                else
                {
                    const char *s = nullptr;
                    memcpy(&s, buf.data(), sizeof s);
                    if (s)
                        text.append(s, strnlen(s, kMaxOdlBytes));
                    h5c_free_vlen(t, buf.data(), 1);
                }
                ok = true;
            }
        }
        h5c_dataset_close(d);
        if (!ok)
        {
            *why = path + ": not a readable scalar string";
            return false;
        }
        if (text.size() > kMaxOdlBytes)
        {
            *why = "StructMetadata larger than 16 MiB";
            return false;
        }
    }
    return true;
}

bool ParseEosGrids(const std::string &odl, std::vector<EosGrid> &grids, std::string *why)
{
    std::string local;
    std::string &w = why ? *why : local;
    grids.clear();
    if (odl.size() > kMaxOdlBytes)
    {
        w = "StructMetadata too large";
        return false;
    }
    OdlNode root;
    if (!ParseOdl(odl, root, &w))
        return false;
    const OdlNode *gs = root.Child("GridStructure");
    if (!gs)
        return true;  // swaths or points only
    for (const auto &g : gs->children)
    {
        if (static_cast<int>(grids.size()) >= kMaxGrids)
            break;
        EosGrid eg;
        std::string gwhy;
        if (GridFromNode(g, eg, &gwhy))
            grids.push_back(std::move(eg));
        else
            CPLDebug("H5CORO", "HDF-EOS5: %s", gwhy.c_str());
    }
    return true;
}

bool EosGeoTransform(const EosGrid &g, double gt[6], std::string *why)
{
    if (!g.has_corners)
    {
        *why = "grid " + g.name + ": no corner points";
        return false;
    }
    double ulx = g.ulx, uly = g.uly, lrx = g.lrx, lry = g.lry;
    if (EQUAL(g.projection.c_str(), "HE5_GCTP_GEO"))
    {
        // Corners of a geographic grid are packed DMS. Values that are all
        // within +-360 would be grids a few arc minutes wide: such files
        // wrote plain degrees, so take them as they are.
        const bool plain = std::fabs(ulx) <= 360 && std::fabs(uly) <= 360 && std::fabs(lrx) <= 360 &&
                           std::fabs(lry) <= 360;
        if (!plain && !(PackedDmsToDegrees(g.ulx, ulx) && PackedDmsToDegrees(g.uly, uly) &&
                        PackedDmsToDegrees(g.lrx, lrx) && PackedDmsToDegrees(g.lry, lry)))
        {
            *why = "grid " + g.name + ": corners are not packed DMS degrees";
            return false;
        }
    }
    const double dx = (lrx - ulx) / g.xdim, dy = (lry - uly) / g.ydim;
    if (dx == 0 || dy == 0 || !std::isfinite(dx) || !std::isfinite(dy))
    {
        *why = "grid " + g.name + ": empty extent";
        return false;
    }
    // GridOrigin names the corner where element (0, 0) lies
    const std::string &o = g.origin;
    const bool right = EQUAL(o.c_str(), "HE5_HDFE_GD_UR") || EQUAL(o.c_str(), "HE5_HDFE_GD_LR");
    const bool lower = EQUAL(o.c_str(), "HE5_HDFE_GD_LL") || EQUAL(o.c_str(), "HE5_HDFE_GD_LR");
    if (!o.empty() && !right && !lower && !EQUAL(o.c_str(), "HE5_HDFE_GD_UL"))
    {
        *why = "grid " + g.name + ": GridOrigin " + o + " unknown";
        return false;
    }
    gt[0] = right ? lrx : ulx;
    gt[1] = right ? -dx : dx;
    gt[2] = 0;
    gt[3] = lower ? lry : uly;
    gt[4] = 0;
    gt[5] = lower ? -dy : dy;
    return true;
}

bool EosSrs(const EosGrid &g, OGRSpatialReference &srs, std::string *why)
{
    const std::string &p = g.projection;
    const char *pj = p.c_str();
    const double lon0 = [&] {
        double d = 0;
        return PackedDmsToDegrees(Param(g, 4), d) ? d : 0.0;
    }();
    const double lat0 = [&] {
        double d = 0;
        return PackedDmsToDegrees(Param(g, 5), d) ? d : 0.0;
    }();
    const double fe = Param(g, 6), fn = Param(g, 7);
    auto dms = [&](size_t i) {
        double d = 0;
        return PackedDmsToDegrees(Param(g, i), d) ? d : 0.0;
    };
    srs.Clear();
    if (EQUAL(pj, "HE5_GCTP_GEO"))
        srs.importFromEPSG(4326);
    else if (EQUAL(pj, "HE5_GCTP_SNSOID"))
    {
        srs.SetProjCS("unnamed");
        srs.SetSinusoidal(lon0, fe, fn);
        // MODIS writes its sphere in ProjParams[0]; the default is MODIS's
        SetEarth(g, srs, 6371007.181);
    }
    else if (EQUAL(pj, "HE5_GCTP_UTM"))
    {
        if (!g.has_zone || g.zone == 0 || std::abs(g.zone) > 60)
        {
            *why = "grid " + g.name + ": UTM without a valid ZoneCode";
            return false;
        }
        const bool north = g.zone > 0;
        if (g.has_sphere && g.sphere == 12 && Param(g, 0) <= 0)
            srs.importFromEPSG((north ? 32600 : 32700) + std::abs(g.zone));
        else
        {
            srs.SetProjCS("unnamed");
            srs.SetUTM(std::abs(g.zone), north);
            SetEarth(g, srs, 0);
        }
    }
    else if (EQUAL(pj, "HE5_GCTP_PS"))
    {
        srs.SetProjCS("unnamed");
        srs.SetPS(lat0, lon0, 1.0, fe, fn);
        SetEarth(g, srs, 0);
    }
    else if (EQUAL(pj, "HE5_GCTP_LAMAZ"))
    {
        srs.SetProjCS("unnamed");
        srs.SetLAEA(lat0, lon0, fe, fn);
        SetEarth(g, srs, 0);
    }
    else if (EQUAL(pj, "HE5_GCTP_ALBERS") || EQUAL(pj, "HE5_GCTP_LAMCC"))
    {
        srs.SetProjCS("unnamed");
        if (EQUAL(pj, "HE5_GCTP_ALBERS"))
            srs.SetACEA(dms(2), dms(3), lat0, lon0, fe, fn);
        else
            srs.SetLCC(dms(2), dms(3), lat0, lon0, fe, fn);
        SetEarth(g, srs, 0);
    }
    else if (EQUAL(pj, "HE5_GCTP_TM"))
    {
        srs.SetProjCS("unnamed");
        srs.SetTM(lat0, lon0, Param(g, 2) > 0 ? Param(g, 2) : 1.0, fe, fn);
        SetEarth(g, srs, 0);
    }
    else if (EQUAL(pj, "HE5_GCTP_MERCAT"))
    {
        srs.SetProjCS("unnamed");
        srs.SetMercator2SP(lat0, 0, lon0, fe, fn);
        SetEarth(g, srs, 0);
    }
    else if (EQUAL(pj, "HE5_GCTP_CEA"))
    {
        srs.SetProjCS("unnamed");
        srs.SetCEA(lat0, lon0, fe, fn);
        SetEarth(g, srs, 0);
    }
    else
    {
        *why = "grid " + g.name + ": projection " + p + " not handled";
        return false;
    }
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return true;
}

bool EosGridOfPath(const std::string &dspath, std::string &grid, std::string &field)
{
    // /HDFEOS/GRIDS/<grid>/Data Fields/<field>
    static const char prefix[] = "/HDFEOS/GRIDS/";
    if (dspath.compare(0, sizeof prefix - 1, prefix) != 0)
        return false;
    const std::string rest = dspath.substr(sizeof prefix - 1);
    const size_t a = rest.find('/');
    if (a == std::string::npos || a == 0)
        return false;
    const size_t b = rest.find('/', a + 1);
    if (b == std::string::npos || rest.substr(a + 1, b - a - 1) != "Data Fields")
        return false;
    grid = rest.substr(0, a);
    field = rest.substr(b + 1);
    return !field.empty() && field.find('/') == std::string::npos;
}

}  // namespace h5cg

// h5coro_common.cpp - file handles (core backend or a VSI callback backend),
// attribute decoding and type mapping for the H5CORO driver.
#include "h5coro_gdal.h"

#include "cpl_conv.h"
#include "cpl_string.h"
#include "cpl_vsi.h"

#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstring>
#include <set>

namespace h5cg
{

/* ---- VSI callback backend -------------------------------------------- */

// A pool of VSILFILE handles: each concurrent read takes its own handle, so
// readers on several threads never share a file position.
struct VsiBackend
{
    std::string path;
    std::mutex m;
    std::vector<VSILFILE *> idle;

    ~VsiBackend()
    {
        for (VSILFILE *fp : idle)
            VSIFCloseL(fp);
    }
    VSILFILE *Acquire()
    {
        {
            std::lock_guard<std::mutex> lk(m);
            if (!idle.empty())
            {
                VSILFILE *fp = idle.back();
                idle.pop_back();
                return fp;
            }
        }
        return VSIFOpenL(path.c_str(), "rb");
    }
    void Release(VSILFILE *fp)
    {
        std::lock_guard<std::mutex> lk(m);
        if (idle.size() < 16)
            idle.push_back(fp);
        else
            VSIFCloseL(fp);
    }
};

static int VsiReadMany(void *ud, size_t n, const uint64_t *offsets, const size_t *lens,
                       void *const *bufs, char *errmsg, size_t errlen)
{
    VsiBackend *b = static_cast<VsiBackend *>(ud);
    if (n == 0)
        return 0;
    VSILFILE *fp = b->Acquire();
    if (!fp)
    {
        snprintf(errmsg, errlen, "cannot open %s", b->path.c_str());
        return -1;
    }
    std::vector<vsi_l_offset> offs(n);
    std::vector<void *> ptrs(n);
    for (size_t i = 0; i < n; i++)
    {
        offs[i] = static_cast<vsi_l_offset>(offsets[i]);
        ptrs[i] = bufs[i];
    }
    int rc = 0;
    if (n > 1 && VSIFReadMultiRangeL(static_cast<int>(n), ptrs.data(), offs.data(), lens, fp) == 0)
    {
        rc = 0;
    }
    else
    {
        for (size_t i = 0; i < n; i++)
        {
            if (lens[i] == 0)
                continue;
            if (VSIFSeekL(fp, offs[i], SEEK_SET) != 0 || VSIFReadL(bufs[i], 1, lens[i], fp) != lens[i])
            {
                snprintf(errmsg, errlen, "short read of %zu bytes at %" PRIu64 " in %s", lens[i],
                         offsets[i], b->path.c_str());
                rc = -1;
                break;
            }
        }
    }
    b->Release(fp);
    return rc;
}

// Remote: what the core reads over the network itself, or what GDAL's VSI
// layer says is not local (/vsigs/, /vsiaz/, ... through the VSI backend).
bool IsRemotePath(const char *p)
{
    return h5c_is_remote_path(p) || !VSIIsLocal(p);
}

bool H5File::IsRemote() const
{
    return IsRemotePath(path_.c_str());
}

/* ---- remote settings from GDAL's configuration ----------------------- */

static bool StartsWith(const std::string &s, const char *p)
{
    return STARTS_WITH_CI(s.c_str(), p);
}

static bool CoreSpeaksRemote(const std::string &path)
{
    return h5c_is_remote_path(path.c_str()) != 0;
}

// Open files by path, while some GDAL object holds them: GDAL often opens
// a source twice (gdal_translate, QGIS), and a second h5c_open would cost
// the first round trip and the speculative read again.
static std::mutex g_open_mutex;
static std::map<std::string, std::weak_ptr<H5File>> g_open_files;

std::shared_ptr<H5File> H5File::Open(const std::string &path, h5c_code &code, std::string &msg)
{
    const std::string key = path + '\n' + CPLGetConfigOption("H5CORO_REMOTE_BACKEND", "AUTO");
    {
        std::lock_guard<std::mutex> lock(g_open_mutex);
        auto it = g_open_files.find(key);
        if (it != g_open_files.end())
        {
            if (auto f = it->second.lock())
                return f;
            g_open_files.erase(it);
        }
    }
    std::shared_ptr<H5File> file = OpenNew(path, code, msg);
    if (file)
    {
        std::lock_guard<std::mutex> lock(g_open_mutex);
        for (auto it = g_open_files.begin(); it != g_open_files.end();)  // forget closed ones
            it = it->second.expired() ? g_open_files.erase(it) : std::next(it);
        g_open_files[key] = file;
    }
    return file;
}

std::shared_ptr<H5File> H5File::OpenNew(const std::string &path, h5c_code &code, std::string &msg)
{
    std::shared_ptr<H5File> file(new H5File());
    file->path_ = path;
    h5c_options opts;
    memset(&opts, 0, sizeof opts);
    const char *threads = CPLGetConfigOption("H5CORO_THREADS", nullptr);
    if (threads)
        opts.threads = atoi(threads);
    const char *cache = CPLGetConfigOption("H5CORO_CACHE_MB", nullptr);
    if (cache)
        opts.cache_bytes = static_cast<uint64_t>(CPLAtof(cache) * 1024 * 1024);

    const std::string backend = CPLGetConfigOption("H5CORO_REMOTE_BACKEND", "AUTO");
    h5c_error err;
    memset(&err, 0, sizeof err);
    std::string core_msg;  // why the core's remote backend declined, if it did
    // a failure of the VSI fallback also names the core's reason
    auto with_core = [&core_msg](std::string m) {
        return core_msg.empty() ? m : m + " (core backend: " + core_msg + ")";
    };

    if (CoreSpeaksRemote(path) && !EQUAL(backend.c_str(), "VSI"))
    {
        // Fill h5c_remote from GDAL's options (path-specific, --config, env).
        auto opt = [&](const char *key) -> const char * {
            const char *v = VSIGetPathSpecificOption(path.c_str(), key, nullptr);
            if (!v || !*v)
                return nullptr;
            file->strings_.emplace_back(new std::string(v));
            return file->strings_.back()->c_str();
        };
        auto opt2 = [&](const char *a, const char *b) { const char *v = opt(a); return v ? v : opt(b); };
        auto optbool = [&](const char *key, int unset) {
            const char *v = opt(key);
            return v ? (CPLTestBool(v) ? 1 : 0) : unset;
        };
        auto optnum = [&](const char *key, double unset) {
            const char *v = opt(key);
            return v ? CPLAtof(v) : unset;
        };
        h5c_remote &r = file->remote_;
        memset(&r, 0, sizeof r);
        r.access_key_id = opt("AWS_ACCESS_KEY_ID");
        r.secret_access_key = opt("AWS_SECRET_ACCESS_KEY");
        r.session_token = opt("AWS_SESSION_TOKEN");
        r.profile = opt2("AWS_PROFILE", "AWS_DEFAULT_PROFILE");
        r.region = opt2("AWS_REGION", "AWS_DEFAULT_REGION");
        r.endpoint = opt("AWS_S3_ENDPOINT");
        r.https = optbool("AWS_HTTPS", -1);
        r.virtual_hosting = optbool("AWS_VIRTUAL_HOSTING", -1);
        r.no_sign = optbool("AWS_NO_SIGN_REQUEST", 0);
        const char *payer = opt("AWS_REQUEST_PAYER");
        r.request_payer = payer && EQUAL(payer, "requester");
        r.config_file = opt("AWS_CONFIG_FILE");
        r.credentials_file = opt("CPL_AWS_CREDENTIALS_FILE");
        r.web_identity_token_file = opt("AWS_WEB_IDENTITY_TOKEN_FILE");
        r.role_arn = opt("AWS_ROLE_ARN");
        r.sts_endpoint = opt("AWS_STS_ENDPOINT");
        r.container_credentials_uri =
            opt2("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        r.imds_endpoint = opt2("AWS_EC2_METADATA_SERVICE_ENDPOINT", "CPL_AWS_EC2_API_ROOT_URL");
        r.max_retry = static_cast<int>(optnum("GDAL_HTTP_MAX_RETRY", -1));
        r.retry_delay = optnum("GDAL_HTTP_RETRY_DELAY", -1);
        r.timeout = optnum("GDAL_HTTP_TIMEOUT", 0);
        r.max_retry_time = optnum("H5CORO_MAX_RETRY_TIME", 0);
        r.max_connections = static_cast<int>(optnum("H5CORO_MAX_CONNECTIONS", 0));
        r.verbose = CPLTestBool(CPLGetConfigOption("CPL_CURL_VERBOSE", "NO")) ? 1 : 0;
        opts.remote = &r;

        file->f_ = h5c_open(path.c_str(), &opts, &err);
        if (file->f_)
        {
            CPLDebug("H5CORO", "%s: opened through the core's remote backend", path.c_str());
            return file;
        }
        // What the core cannot serve but GDAL's VSI layer may: a credential
        // source or configuration the core lacks (no credentials found, an
        // AssumeRole profile, a refused or unreachable endpoint, an address
        // it does not parse). Those come back as I/O, argument or not-found
        // errors; retry them through the VSI callback backend. What the
        // bytes say (not HDF5, bad checksum, a safety cap, an unsupported
        // feature) is the same through either backend and is reported.
        const bool retryable =
            err.code == H5C_ERR_IO || err.code == H5C_ERR_ARG || err.code == H5C_ERR_NOT_FOUND;
        if (!retryable || EQUAL(backend.c_str(), "CORE"))
        {
            code = err.code;
            msg = err.msg;
            return nullptr;
        }
        CPLDebug("H5CORO", "core backend could not open %s (%s: %s); retrying through GDAL's VSI layer",
                 path.c_str(), h5c_strerror(err.code), err.msg);
        core_msg = err.msg;
        opts.remote = nullptr;
        memset(&err, 0, sizeof err);
    }

    std::string vsipath = path;
    if (StartsWith(path, "s3://"))
        vsipath = "/vsis3/" + path.substr(5);
    else if (StartsWith(path, "http://") || StartsWith(path, "https://"))
        vsipath = "/vsicurl/" + path;
    VSIStatBufL st;
    if (VSIStatExL(vsipath.c_str(), &st, VSI_STAT_SIZE_FLAG | VSI_STAT_EXISTS_FLAG) != 0)
    {
        code = H5C_ERR_IO;
        msg = with_core("cannot stat " + vsipath);
        return nullptr;
    }
    file->vsi_.reset(new VsiBackend());
    file->vsi_->path = vsipath;
    VSILFILE *fp = file->vsi_->Acquire();
    if (!fp)
    {
        code = H5C_ERR_IO;
        msg = with_core("cannot open " + vsipath);
        return nullptr;
    }
    file->vsi_->Release(fp);
    file->backend_name_ = "vsi";
    file->f_ = h5c_open_callback(vsipath.c_str(), static_cast<uint64_t>(st.st_size), VsiReadMany,
                                 file->vsi_.get(), &opts, &err);
    if (!file->f_)
    {
        code = err.code;
        msg = err.msg;
        return nullptr;
    }
    return file;
}

H5File::~H5File()
{
    if (f_)
    {
        h5c_stats st;
        h5c_file_stats(f_, &st);
        CPLDebug("H5CORO", "%s: %" PRIu64 " requests, %" PRIu64 " bytes, %" PRIu64 " retries (%s backend)",
                 path_.c_str(), st.requests, st.bytes, st.retries, backend_name_);
        h5c_close(f_);
    }
    vsi_.reset();
}

static int ListCb(const h5c_entry *e, void *ud)
{
    auto *v = static_cast<std::vector<H5File::Entry> *>(ud);
    H5File::Entry x;
    x.path = e->path ? e->path : "";
    x.name = e->name ? e->name : "";
    x.kind = e->kind;
    x.addr = e->addr;
    x.target = e->target ? e->target : "";
    x.error = e->error ? e->error : "";
    v->push_back(std::move(x));
    return 0;
}

bool H5File::List(std::string &msg)
{
    std::lock_guard<std::mutex> lk(mutex_);
    if (!listed_)
    {
        listed_ = true;
        h5c_error err;
        memset(&err, 0, sizeof err);
        list_ok_ = h5c_list(f_, "/", 1, ListCb, &entries_, &err) == 0;
        if (!list_ok_)
            list_msg_ = err.msg;
        // The core enters each group once. GDAL's built-in driver lists the
        // members of a group under every path that reaches it, so walk
        // groups reached again by another hard link (not cycles) too.
        std::map<uint64_t, std::string> first_group;
        std::set<std::string> seen_paths;
        for (const auto &e : entries_)
            seen_paths.insert(e.path);
        const size_t n0 = entries_.size();
        std::set<uint64_t> entered_groups;  // groups the core's walk went into
        {
            std::map<std::string, uint64_t> group_at;
            for (size_t i = 0; i < n0; i++)
                if (entries_[i].kind == H5C_KIND_GROUP)
                    group_at[entries_[i].path] = entries_[i].addr;
            for (size_t i = 0; i < n0; i++)
            {
                auto it = group_at.find(ParentOf(entries_[i].path));
                if (it != group_at.end())
                    entered_groups.insert(it->second);
            }
        }
        for (size_t i = 0; list_ok_ && i < n0 && entries_.size() < 100000; i++)
        {
            const Entry e = entries_[i];
            if (e.kind != H5C_KIND_GROUP || !e.addr)
                continue;
            auto it = first_group.find(e.addr);
            if (it == first_group.end())
            {
                first_group[e.addr] = e.path;
                continue;
            }
            const std::string &p0 = it->second;
            auto under = [](const std::string &a, const std::string &b) {
                return a.size() > b.size() && a.compare(0, b.size(), b) == 0 && (b == "/" || a[b.size()] == '/');
            };
            if (under(e.path, p0) || under(p0, e.path) || e.path == p0)
                continue;
            // a member already listed under this path means the core entered it
            bool entered = false;
            for (size_t j = i + 1; j < n0 && !entered; j++)
                entered = under(entries_[j].path, e.path);
            if (entered)
                continue;
            std::vector<Entry> sub;
            h5c_error e2;
            memset(&e2, 0, sizeof e2);
            if (h5c_list(f_, e.path.c_str(), 1, ListCb, &sub, &e2) != 0)
                continue;
            std::vector<std::string> pruned;
            for (auto &x : sub)
            {
                bool skip = x.addr == e.addr;  // a link back to the group itself
                for (const auto &pr : pruned)
                    skip = skip || under(x.path, pr);
                // a group the first walk saw but did not enter is a link
                // back to an ancestor (a cycle): do not list through it
                if (!skip && x.kind == H5C_KIND_GROUP && !entered_groups.count(x.addr) &&
                    first_group.count(x.addr))
                {
                    pruned.push_back(x.path);
                    skip = true;
                }
                if (skip)
                    continue;
                if (seen_paths.insert(x.path).second)
                    entries_.push_back(x);
            }
        }
        for (const auto &e : entries_)
            if (e.kind != H5C_KIND_SOFT_LINK && e.kind != H5C_KIND_EXTERNAL_LINK && e.addr &&
                !addr2path_.count(e.addr))
                addr2path_[e.addr] = e.path;
    }
    msg = list_msg_;
    return list_ok_;
}

std::string H5File::PathOfAddr(uint64_t addr)
{
    std::string msg;
    List(msg);
    auto it = addr2path_.find(addr);
    return it == addr2path_.end() ? std::string() : it->second;
}

/* ---- formatting and attributes --------------------------------------- */

std::string FormatDouble(double v, bool single)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[64];
    for (int prec = single ? 6 : 15; prec <= 17; prec++)
    {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (single ? static_cast<float>(CPLAtof(buf)) == static_cast<float>(v) : CPLAtof(buf) == v)
            break;
    }
    return buf;
}

static double HalfToDouble(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double s = (h & 0x8000) ? -1.0 : 1.0;
    if (e == 0)
        return s * std::ldexp(m, -24);
    if (e == 31)
        return m ? NAN : s * INFINITY;
    return s * std::ldexp(m + 1024, e - 25);
}

// Numeric element of memory representation -> double / exact integers.
static bool ScalarAt(const h5c_dtype *t, const uint8_t *p, double &d, int64_t &i, uint64_t &u, bool &is_u)
{
    const h5c_dtype *b = t;
    if (t->cls == H5C_ENUM && t->base)
        b = t->base;
    is_u = false;
    if (b->cls == H5C_INTEGER || b->cls == H5C_BITFIELD)
    {
        bool sgn = b->cls == H5C_INTEGER && b->is_signed;
        switch (b->size)
        {
            case 1: if (sgn) i = *reinterpret_cast<const int8_t *>(p); else { u = *p; is_u = true; } break;
            case 2: { uint16_t v; memcpy(&v, p, 2); if (sgn) i = static_cast<int16_t>(v); else { u = v; is_u = true; } break; }
            case 4: { uint32_t v; memcpy(&v, p, 4); if (sgn) i = static_cast<int32_t>(v); else { u = v; is_u = true; } break; }
            case 8: { uint64_t v; memcpy(&v, p, 8); if (sgn) i = static_cast<int64_t>(v); else { u = v; is_u = true; } break; }
            default: return false;
        }
        if (is_u) { d = static_cast<double>(u); i = static_cast<int64_t>(u); }
        else { d = static_cast<double>(i); u = static_cast<uint64_t>(i); }
        return true;
    }
    if (b->cls == H5C_FLOAT)
    {
        if (b->size == 4) { float f; memcpy(&f, p, 4); d = f; }
        else if (b->size == 8) memcpy(&d, p, 8);
        else if (b->size == 2) { uint16_t h; memcpy(&h, p, 2); d = HalfToDouble(h); }
        else return false;
        i = 0; u = 0;
        return true;
    }
    return false;
}

static std::string FixedString(const h5c_dtype *t, const uint8_t *p)
{
    size_t n = t->size;
    size_t k = 0;
    while (k < n && p[k])
        k++;
    std::string s(reinterpret_cast<const char *>(p), k);
    if (t->pad == 2)
        while (!s.empty() && s.back() == ' ')
            s.pop_back();
    return s;
}

/* The built-in driver prints a fixed-string attribute as its stored bytes
 * read as one C string (all elements, padding included, up to the first
 * NUL). The core hands space-padded strings out without their padding, so
 * put it back: each element's value, then spaces to its stored size. */
static std::string StoredStringText(const h5c_dtype *t, const uint8_t *p, uint64_t nelem, size_t es)
{
    std::string raw(reinterpret_cast<const char *>(p), static_cast<size_t>(nelem) * es);
    if (t->pad == 2)
        for (uint64_t k = 0; k < nelem; k++)
        {
            size_t at = static_cast<size_t>(k) * es, end = es;
            while (end > 0 && raw[at + end - 1] == '\0')
                end--;
            for (size_t j = end; j < es; j++)
                raw[at + j] = ' ';
        }
    return raw.substr(0, strnlen(raw.c_str(), raw.size()));
}

struct AttrCtx
{
    std::vector<Attr> *out;
};

static int AttrCb(const h5c_attr *a, void *ud)
{
    auto *ctx = static_cast<AttrCtx *>(ud);
    Attr x;
    x.name = a->name ? a->name : "";
    x.rank = a->rank;
    x.nelem = a->nelem;
    for (int k = 0; k < a->rank && k < H5C_MAX_RANK; k++)
        x.dims.push_back(a->dims[k]);
    if (!a->type || !a->value || a->error)
    {
        ctx->out->push_back(std::move(x));
        return 0;
    }
    const h5c_dtype *t = a->type;
    x.gdal_listed = !(t->cls == H5C_VLEN && !t->vlen_string);
    char tbuf[64];
    x.dtype = h5c_dtype_str(t, tbuf, sizeof tbuf);
    x.cls = t->cls;
    const size_t es = h5c_dtype_mem_size(t);
    const uint8_t *p = static_cast<const uint8_t *>(a->value);
    const h5c_dtype *nb = (t->cls == H5C_ENUM && t->base) ? t->base : t;
    if (nb->cls == H5C_INTEGER || nb->cls == H5C_FLOAT || nb->cls == H5C_BITFIELD)
    {
        x.numeric = true;
        x.is_float = nb->cls == H5C_FLOAT;
        x.size = nb->size;
        for (uint64_t k = 0; k < a->nelem; k++)
        {
            double d = 0; int64_t i = 0; uint64_t u = 0; bool isu = false;
            if (!ScalarAt(t, p + k * es, d, i, u, isu))
            {
                x.numeric = false;
                break;
            }
            x.nums.push_back(d);
            x.ints.push_back(i);
            x.uints.push_back(u);
            x.is_unsigned = isu;
            if (t->cls == H5C_FLOAT)
                x.gdal_text += CPLSPrintf(nb->size <= 4 ? "%.8g " : "%.15g ", d);
            else if (t->cls == H5C_INTEGER)
                x.gdal_text += isu ? CPLSPrintf("%" PRIu64 " ", u) : CPLSPrintf("%" PRId64 " ", i);
            if (!x.text.empty())
                x.text += ' ';
            if (x.is_float)
                x.text += FormatDouble(d, nb->size <= 4);
            else if (isu)
                x.text += CPLSPrintf("%" PRIu64, u);
            else
                x.text += CPLSPrintf("%" PRId64, i);
        }
    }
    else if (t->cls == H5C_STRING || (t->cls == H5C_VLEN && t->vlen_string))
    {
        x.is_string = true;
        for (uint64_t k = 0; k < a->nelem; k++)
        {
            std::string s;
            if (t->cls == H5C_STRING)
                s = FixedString(t, p + k * es);
            else
            {
                const char *c;
                memcpy(&c, p + k * es, sizeof c);
                s = c ? c : "";
                x.gdal_text += (k ? " " : "") + std::string(c ? c : "{NULL}");
            }
            x.strs.push_back(s);
        }
        if (t->cls == H5C_STRING)
            x.gdal_text = StoredStringText(t, p, a->nelem, es);
        if (x.strs.size() == 1)
            x.text = x.strs[0];
        else
            for (size_t k = 0; k < x.strs.size(); k++)
                x.text += (k ? "," : "") + x.strs[k];
    }
    else if (t->cls == H5C_REFERENCE && t->ref_type == 0)
    {
        for (uint64_t k = 0; k < a->nelem; k++)
        {
            uint64_t r;
            memcpy(&r, p + k * es, 8);
            x.refs.push_back(r);
        }
    }
    else if (t->cls == H5C_VLEN && !t->vlen_string && t->base && t->base->cls == H5C_REFERENCE &&
             t->base->ref_type == 0)
    {
        for (uint64_t k = 0; k < a->nelem; k++)
        {
            h5c_vlen v;
            memcpy(&v, p + k * es, sizeof v);
            std::vector<uint64_t> l;
            for (size_t j = 0; j < v.len; j++)
            {
                uint64_t r;
                memcpy(&r, static_cast<const uint8_t *>(v.p) + j * 8, 8);
                l.push_back(r);
            }
            x.ref_lists.push_back(std::move(l));
        }
    }
    ctx->out->push_back(std::move(x));
    return 0;
}

bool ReadAttrs(h5c_file *f, const std::string &path, std::vector<Attr> &out, std::string *msg)
{
    AttrCtx ctx{&out};
    h5c_error err;
    memset(&err, 0, sizeof err);
    if (h5c_attrs(f, path.c_str(), AttrCb, &ctx, &err) != 0)
    {
        if (msg)
            *msg = err.msg;
        return false;
    }
    return true;
}

const Attr *FindAttr(const std::vector<Attr> &attrs, const char *name)
{
    for (const auto &a : attrs)
        if (a.name == name)
            return &a;
    return nullptr;
}

/* ---- types ------------------------------------------------------------ */

static bool IsComplex(const h5c_dtype *t, const h5c_dtype **part)
{
    if (t->cls != H5C_COMPOUND || t->nmembers != 2 || !t->members)
        return false;
    const char *na = t->members[0].name ? t->members[0].name : "";
    const char *nb = t->members[1].name ? t->members[1].name : "";
    // the built-in driver's rule: names starting with r(eal) and i(maginary)
    if (!STARTS_WITH_CI(na, "r") || !STARTS_WITH_CI(nb, "i"))
        return false;
    const h5c_dtype *a = t->members[0].type, *b = t->members[1].type;
    if (!a || !b || a->cls != b->cls || a->size != b->size || (a->cls != H5C_FLOAT && a->cls != H5C_INTEGER))
        return false;
    if (a->cls == H5C_INTEGER && (a->is_signed != b->is_signed || !a->is_signed))
        return false;
    if (t->members[0].mem_offset != 0 || t->members[1].mem_offset != a->size ||
        h5c_dtype_mem_size(t) != 2u * a->size)
        return false;
    *part = a;
    return true;
}

GDALDataType MapType(const h5c_dtype *t, bool *signed_byte, std::string *why)
{
    if (signed_byte)
        *signed_byte = false;
    if (!t)
        return GDT_Unknown;
    if (t->cls == H5C_INTEGER)
    {
        switch (t->size)
        {
            case 1:
                if (t->is_signed && signed_byte)
                    *signed_byte = true;
                return GDT_Byte;
            case 2: return t->is_signed ? GDT_Int16 : GDT_UInt16;
            case 4: return t->is_signed ? GDT_Int32 : GDT_UInt32;
            case 8: return t->is_signed ? GDT_Int64 : GDT_UInt64;
        }
    }
    else if (t->cls == H5C_FLOAT)
    {
        // float16 is widened to Float32, as GDAL's built-in driver does
        if (t->size == 2 || t->size == 4) return GDT_Float32;
        if (t->size == 8) return GDT_Float64;
    }
    else
    {
        const h5c_dtype *part = nullptr;
        if (IsComplex(t, &part))
        {
            if (part->cls == H5C_FLOAT)
                // complex float16 widened to CFloat32, as the built-in driver does
                return part->size == 2 || part->size == 4 ? GDT_CFloat32 : part->size == 8 ? GDT_CFloat64 : GDT_Unknown;
            return part->size == 2 ? GDT_CInt16 : part->size == 4 ? GDT_CInt32 : GDT_Unknown;
        }
    }
    if (why)
    {
        char buf[64];
        *why = std::string("type ") + h5c_dtype_str(t, buf, sizeof buf) + " has no GDAL raster equivalent";
    }
    return GDT_Unknown;
}

std::string TypeWords(const h5c_dtype *t)
{
    const h5c_dtype *part = nullptr;
    if (IsComplex(t, &part))
        return "complex, " + TypeWords(part);
    if (t->cls == H5C_INTEGER)
    {
        switch (t->size)
        {
            case 1: return t->is_signed ? "8-bit character" : "8-bit unsigned character";
            case 2: return t->is_signed ? "16-bit integer" : "16-bit unsigned integer";
            case 4: return t->is_signed ? "32-bit integer" : "32-bit unsigned integer";
            // the built-in driver matches 8-byte integers to the native long first
            case 8: return t->is_signed ? "32/64-bit integer" : "32/64-bit unsigned integer";
        }
    }
    if (t->cls == H5C_FLOAT)
    {
        if (t->size == 2) return "32-bit floating-point";  // widened, as the built-in says
        if (t->size == 4) return "32-bit floating-point";
        if (t->size == 8) return "64-bit floating-point";
    }
    char buf[64];
    return h5c_dtype_str(t, buf, sizeof buf);
}

bool CoreCanRead(const h5c_info &info, std::string *why)
{
    for (int k = 0; k < info.nfilters; k++)
    {
        const h5c_filter &fl = info.filters[k];
        if (h5c_filter_available(fl.id, nullptr))  // the library's filter table
            continue;
        if (why)
            *why = CPLSPrintf("unsupported: filter %u (%s)", fl.id, fl.name ? fl.name : "unknown");
        return false;
    }
    return true;
}

std::string ParentOf(const std::string &path)
{
    size_t p = path.rfind('/');
    if (p == std::string::npos || p == 0)
        return "/";
    return path.substr(0, p);
}

std::string ResolvePath(const std::string &dspath, const std::string &name)
{
    if (name.empty())
        return name;
    if (name[0] == '/')
        return name;
    std::string base = ParentOf(dspath);
    std::string rel = name;
    while (rel.compare(0, 3, "../") == 0)
    {
        base = ParentOf(base);
        rel = rel.substr(3);
    }
    if (rel.compare(0, 2, "./") == 0)
        rel = rel.substr(2);
    return base == "/" ? "/" + rel : base + "/" + rel;
}

bool ReadAsDouble(h5c_file *f, const std::string &path, std::vector<double> &out, std::vector<uint64_t> *dims)
{
    h5c_error err;
    memset(&err, 0, sizeof err);
    h5c_dataset *d = h5c_dataset_open(f, path.c_str(), &err);
    if (!d)
        return false;
    h5c_info info;
    h5c_dataset_info(d, &info);
    bool ok = false;
    const h5c_dtype *t = info.type;
    if (t && info.rank >= 0 && (t->cls == H5C_INTEGER || t->cls == H5C_FLOAT) && CoreCanRead(info, nullptr))
    {
        uint64_t n = 1;
        for (int k = 0; k < info.rank; k++)
            n *= info.dims[k];
        if (dims)
            dims->assign(info.dims, info.dims + info.rank);
        const size_t es = h5c_dtype_mem_size(t);
        if (n < (1u << 26))
        {
            std::vector<uint8_t> buf(static_cast<size_t>(n) * es + 1);
            if (h5c_read(d, nullptr, buf.data(), buf.size(), &err) == 0)
            {
                out.resize(static_cast<size_t>(n));
                ok = true;
                for (uint64_t k = 0; k < n && ok; k++)
                {
                    int64_t i; uint64_t u; bool isu;
                    ok = ScalarAt(t, buf.data() + k * es, out[k], i, u, isu);
                }
            }
        }
    }
    h5c_dataset_close(d);
    return ok;
}

}  // namespace h5cg

/* ---- CF grid mapping -------------------------------------------------- */

namespace h5cg
{

static double AttrNum(const std::vector<Attr> &a, const char *k, size_t i, double def)
{
    const Attr *x = FindAttr(a, k);
    return x && x->numeric && x->nums.size() > i ? x->nums[i] : def;
}

// grid_mapping_name and its CF parameters; false when the name is unknown.
static bool SrsFromCfParameters(const std::vector<Attr> &a, const std::string &gm, OGRSpatialReference &srs)
{
    const double fe = AttrNum(a, "false_easting", 0, 0), fn = AttrNum(a, "false_northing", 0, 0);
    const double lat0 = AttrNum(a, "latitude_of_projection_origin", 0, 0);
    const double lon0 = AttrNum(a, "longitude_of_central_meridian", 0,
                                AttrNum(a, "longitude_of_projection_origin", 0, 0));
    if (gm == "latitude_longitude")
    {
    }
    else if (gm == "transverse_mercator")
        srs.SetTM(lat0, lon0, AttrNum(a, "scale_factor_at_central_meridian", 0, 1), fe, fn);
    else if (gm == "polar_stereographic")
    {
        const double slat = AttrNum(a, "standard_parallel", 0, std::nan(""));
        const double vlon = AttrNum(a, "straight_vertical_longitude_from_pole", 0, lon0);
        if (!std::isnan(slat))
            srs.SetPS(slat, vlon, 1.0, fe, fn);
        else
            srs.SetPS(lat0, vlon, AttrNum(a, "scale_factor_at_projection_origin", 0, 1), fe, fn);
    }
    else if (gm == "lambert_conformal_conic" || gm == "albers_conical_equal_area")
    {
        const double p1 = AttrNum(a, "standard_parallel", 0, lat0);
        const double p2 = AttrNum(a, "standard_parallel", 1, p1);
        if (gm == "lambert_conformal_conic")
            srs.SetLCC(p1, p2, lat0, lon0, fe, fn);
        else
            srs.SetACEA(p1, p2, lat0, lon0, fe, fn);
    }
    else if (gm == "lambert_azimuthal_equal_area")
        srs.SetLAEA(lat0, lon0, fe, fn);
    else if (gm == "mercator")
    {
        const double sp = AttrNum(a, "standard_parallel", 0, std::nan(""));
        if (!std::isnan(sp))
            srs.SetMercator2SP(sp, 0, lon0, fe, fn);
        else
            srs.SetMercator(0, lon0, AttrNum(a, "scale_factor_at_projection_origin", 0, 1), fe, fn);
    }
    else
        return false;
    const double semi_major = AttrNum(a, "semi_major_axis", 0, 6378137.0);
    const double semi_minor = AttrNum(a, "semi_minor_axis", 0, -1);
    double invf = AttrNum(a, "inverse_flattening", 0, -1);
    if (invf < 0)
        invf = semi_minor > 0 && semi_minor != semi_major ? semi_major / (semi_major - semi_minor)
                                                          : (semi_minor > 0 ? 0.0 : 298.257223563);
    if (semi_major == 6378137.0 && std::fabs(invf - 298.257223563) < 1e-6)
        srs.SetWellKnownGeogCS("WGS84");
    else
        srs.SetGeogCS("unknown", "unknown", "unknown", semi_major, invf);
    return true;
}

bool SrsFromCfGridMapping(const std::vector<Attr> &a, OGRSpatialReference &srs, std::string *why)
{
    bool ok = false;
    for (const char *key : {"crs_wkt", "spatial_ref", "esri_pe_string"})
    {
        const Attr *x = FindAttr(a, key);
        if (!ok && x && x->is_string && !x->text.empty())
            ok = srs.SetFromUserInput(x->text.c_str(),
                                      OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get()) == OGRERR_NONE;
    }
    if (!ok)
    {
        const Attr *x = FindAttr(a, "epsg_code");
        if (!x)
            x = FindAttr(a, "EPSG");
        if (x && x->numeric && !x->ints.empty() && x->ints[0] > 0 && x->ints[0] < INT_MAX)
            ok = srs.importFromEPSG(static_cast<int>(x->ints[0])) == OGRERR_NONE;
        else if (x && x->is_string && !x->text.empty())
        {
            std::string s = x->text;
            if (s.find(':') == std::string::npos)
                s = "EPSG:" + s;
            ok = srs.SetFromUserInput(s.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get()) ==
                 OGRERR_NONE;
        }
    }
    if (!ok)
    {
        const Attr *g = FindAttr(a, "grid_mapping_name");
        if (g && g->is_string)
        {
            srs.Clear();
            ok = SrsFromCfParameters(a, g->text, srs);
            if (!ok && why)
                *why = "grid_mapping_name " + g->text + " not handled";
        }
        else if (why)
            *why = "no CRS attribute";
    }
    if (ok)
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return ok;
}

}  // namespace h5cg

/* h5coro_c_core.c - the CPython extension h5coro_c._core over libh5coro.
 *
 * Deliberately thin: one Handle type wrapping an h5c_file, returning plain
 * Python values (tuples, bytes, lists) that the pure-Python layer turns into
 * numpy dtypes and arrays. The GIL is released around every library call
 * that may do I/O or decoding; the library's handles are thread-safe, so
 * the only shared Python state is the per-handle dataset dict, touched with
 * the GIL held. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

#include "h5coro.h"

/* Python callable (code, message) -> exception instance, set by the package. */
static PyObject *error_factory = NULL;

static PyObject *raise_code(h5c_code code, const char *msg)
{
    if (!error_factory) {
        PyErr_SetString(PyExc_RuntimeError, msg);
        return NULL;
    }
    PyObject *exc = PyObject_CallFunction(error_factory, "is", (int)code, msg);
    if (!exc) return NULL;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

static PyObject *raise_err(const h5c_error *e)
{
    return raise_code(e->code, e->msg[0] ? e->msg : h5c_strerror(e->code));
}

/* ---- datatype description ------------------------------------------------
 * (cls, size, mem_size, big_endian, is_signed, extra) where extra is
 *   compound: tuple of (name, mem_offset, type)
 *   enum:     (base, names tuple, values tuple of ints)
 *   array:    (dims tuple, base)
 *   vlen:     (is_string, base or None, cset)
 *   string:   (pad, cset)
 *   reference:(ref_type,)
 *   others:   None */
static PyObject *describe_type(const h5c_dtype *t);

static long long enum_value(const h5c_dtype *base, const uint8_t *p)
{
    /* stored in file byte order; widen to a signed/unsigned 64-bit value */
    uint64_t u = 0;
    unsigned n = base->size > 8 ? 8 : base->size;
    for (unsigned i = 0; i < n; i++) {
        unsigned idx = base->big_endian ? i : n - 1 - i;
        u = (u << 8) | p[idx];
    }
    if (base->is_signed && n < 8 && (u >> (8 * n - 1)) & 1) u |= ~(uint64_t)0 << (8 * n);
    return (long long)u;
}

static PyObject *describe_extra(const h5c_dtype *t)
{
    switch (t->cls) {
    case H5C_COMPOUND: {
        PyObject *m = PyTuple_New(t->nmembers);
        if (!m) return NULL;
        for (uint32_t i = 0; i < t->nmembers; i++) {
            PyObject *sub = describe_type(t->members[i].type);
            if (!sub) { Py_DECREF(m); return NULL; }
            PyObject *it = Py_BuildValue("(sIN)", t->members[i].name, t->members[i].mem_offset, sub);
            if (!it) { Py_DECREF(m); return NULL; }
            PyTuple_SET_ITEM(m, i, it);
        }
        return m;
    }
    case H5C_ENUM: {
        PyObject *base = describe_type(t->base);
        PyObject *names = PyTuple_New(t->nmembers), *vals = PyTuple_New(t->nmembers);
        if (!base || !names || !vals) goto enum_fail;
        for (uint32_t i = 0; i < t->nmembers; i++) {
            PyObject *nm = PyUnicode_DecodeUTF8(t->enum_names[i], strlen(t->enum_names[i]), "replace");
            PyObject *v = PyLong_FromLongLong(enum_value(t->base, t->enum_values + (size_t)i * t->base->size));
            if (!nm || !v) { Py_XDECREF(nm); Py_XDECREF(v); goto enum_fail; }
            PyTuple_SET_ITEM(names, i, nm);
            PyTuple_SET_ITEM(vals, i, v);
        }
        return Py_BuildValue("(NNN)", base, names, vals);
    enum_fail:
        Py_XDECREF(base); Py_XDECREF(names); Py_XDECREF(vals);
        return NULL;
    }
    case H5C_ARRAY: {
        PyObject *dims = PyTuple_New(t->ndims);
        if (!dims) return NULL;
        for (uint32_t i = 0; i < t->ndims; i++) PyTuple_SET_ITEM(dims, i, PyLong_FromUnsignedLong(t->dims[i]));
        PyObject *base = describe_type(t->base);
        if (!base) { Py_DECREF(dims); return NULL; }
        return Py_BuildValue("(NN)", dims, base);
    }
    case H5C_VLEN: {
        PyObject *base = Py_None;
        Py_INCREF(base);
        if (!t->vlen_string && t->base) {
            Py_DECREF(base);
            base = describe_type(t->base);
            if (!base) return NULL;
        }
        return Py_BuildValue("(iNi)", t->vlen_string, base, t->cset);
    }
    case H5C_STRING:
        return Py_BuildValue("(ii)", t->pad, t->cset);
    case H5C_REFERENCE:
        return Py_BuildValue("(i)", t->ref_type);
    default:
        Py_RETURN_NONE;
    }
}

static PyObject *describe_type(const h5c_dtype *t)
{
    PyObject *extra = describe_extra(t);
    if (!extra) return NULL;
    return Py_BuildValue("(iINiiN)", (int)t->cls, t->size, PyLong_FromSize_t(h5c_dtype_mem_size(t)),
                         t->big_endian, t->is_signed, extra);
}

/* Does an element of t hold pointers (vlen data) that need converting? */
static int has_vlen(const h5c_dtype *t)
{
    if (!t) return 0;
    if (t->cls == H5C_VLEN) return 1;
    if (t->cls == H5C_ARRAY || t->cls == H5C_ENUM) return has_vlen(t->base);
    if (t->cls == H5C_COMPOUND)
        for (uint32_t i = 0; i < t->nmembers; i++)
            if (has_vlen(t->members[i].type)) return 1;
    return 0;
}

/* Values of n elements as Python: raw bytes for plain types; a list with
 * one bytes (or None) per element for vlen strings; a list of raw bytes of
 * the base type for vlen sequences. Other vlen nestings are unsupported. */
static PyObject *values_to_py(const h5c_dtype *t, const void *buf, size_t n)
{
    if (!has_vlen(t)) return PyBytes_FromStringAndSize(buf, (Py_ssize_t)(n * h5c_dtype_mem_size(t)));
    if (t->cls != H5C_VLEN || (!t->vlen_string && has_vlen(t->base)))
        return raise_code(H5C_ERR_UNSUPPORTED, "unsupported: variable-length data nested in a compound or array type (binding)");
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (!list) return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *v;
        if (t->vlen_string) {
            const char *s = ((char *const *)buf)[i];
            if (s) v = PyBytes_FromString(s);
            else { v = Py_None; Py_INCREF(v); }
        } else {
            const h5c_vlen *vl = (const h5c_vlen *)buf + i;
            v = PyBytes_FromStringAndSize(vl->p ? vl->p : "", (Py_ssize_t)(vl->len * h5c_dtype_mem_size(t->base)));
        }
        if (!v) { Py_DECREF(list); return NULL; }
        PyList_SET_ITEM(list, (Py_ssize_t)i, v);
    }
    return list;
}

/* ---- options ------------------------------------------------------------- */

static int opt_str(PyObject *d, const char *key, const char **dst, PyObject *keep)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v || v == Py_None) return 0;
    PyObject *b = PyUnicode_Check(v) ? PyUnicode_AsUTF8String(v) : (Py_INCREF(v), v);
    if (!b) return -1;
    if (!PyBytes_Check(b)) {
        Py_DECREF(b);
        PyErr_Format(PyExc_TypeError, "option %s must be a string", key);
        return -1;
    }
    if (PyList_Append(keep, b) < 0) { Py_DECREF(b); return -1; }
    *dst = PyBytes_AS_STRING(b);
    Py_DECREF(b);
    return 0;
}

static int opt_ll(PyObject *d, const char *key, long long *dst)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v || v == Py_None) return 0;
    long long x = PyLong_AsLongLong(v);
    if (x == -1 && PyErr_Occurred()) return -1;
    *dst = x;
    return 1;
}

static int opt_dbl(PyObject *d, const char *key, double *dst)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v || v == Py_None) return 0;
    double x = PyFloat_AsDouble(v);
    if (x == -1.0 && PyErr_Occurred()) return -1;
    *dst = x;
    return 1;
}

#define OPT_INT(d, key, field) do { long long _x; int _r = opt_ll(d, key, &_x); \
    if (_r < 0) return -1; \
    if (_r) { field = (int)_x; any = 1; } } while (0)
#define OPT_U64(d, key, field) do { long long _x; int _r = opt_ll(d, key, &_x); \
    if (_r < 0) return -1; \
    if (_r) field = (uint64_t)_x; } while (0)
#define OPT_DBL(d, key, field) do { int _r = opt_dbl(d, key, &field); \
    if (_r < 0) return -1; \
    if (_r) any = 1; } while (0)
#define OPT_STR(d, key, field) do { const char *_s = NULL; \
    if (opt_str(d, key, &_s, keep) < 0) return -1; \
    if (_s) { field = _s; any = 1; } } while (0)

/* Fill o and r from the option dict; r starts from the environment, as the
 * CLI's defaults do. Sets *use_remote when any remote key was given. */
static int parse_options(PyObject *d, h5c_options *o, h5c_remote *r, int *use_remote, PyObject *keep)
{
    int any = 0;
    memset(o, 0, sizeof *o);
    h5c_remote_from_env(r);
    if (!d || d == Py_None) { *use_remote = 0; return 0; }
    if (!PyDict_Check(d)) { PyErr_SetString(PyExc_TypeError, "options must be a dict"); return -1; }
    { long long x; int rc = opt_ll(d, "threads", &x); if (rc < 0) return -1; if (rc) o->threads = (int)x; }
    OPT_U64(d, "speculative", o->speculative);
    OPT_U64(d, "cache_bytes", o->cache_bytes);
    OPT_U64(d, "merge_gap", o->merge_gap);
    OPT_U64(d, "max_range", o->max_range);
    OPT_STR(d, "access_key_id", r->access_key_id);
    OPT_STR(d, "secret_access_key", r->secret_access_key);
    OPT_STR(d, "session_token", r->session_token);
    OPT_STR(d, "profile", r->profile);
    OPT_STR(d, "region", r->region);
    OPT_STR(d, "endpoint", r->endpoint);
    OPT_STR(d, "config_file", r->config_file);
    OPT_STR(d, "credentials_file", r->credentials_file);
    OPT_INT(d, "https", r->https);
    OPT_INT(d, "virtual_hosting", r->virtual_hosting);
    OPT_INT(d, "no_sign", r->no_sign);
    OPT_INT(d, "request_payer", r->request_payer);
    OPT_INT(d, "max_retry", r->max_retry);
    OPT_DBL(d, "retry_delay", r->retry_delay);
    OPT_DBL(d, "timeout", r->timeout);
    OPT_DBL(d, "max_retry_time", r->max_retry_time);
    OPT_INT(d, "max_connections", r->max_connections);
    OPT_INT(d, "verbose", r->verbose);
    *use_remote = any;
    return 0;
}

/* ---- Handle -------------------------------------------------------------- */

/* The GIL is released during every call into the library, so other
 * threads may call close() meanwhile: `busy` counts calls in flight and
 * close() then only marks the handle; the last call out frees it. All
 * three fields change only with the GIL held. */
typedef struct {
    PyObject_HEAD
    h5c_file *f;
    PyObject *datasets;       /* path -> capsule(h5c_dataset*) */
    int busy;                 /* library calls running without the GIL */
    int closing;              /* close() asked while busy */
} Handle;

static void dataset_capsule_free(PyObject *cap)
{
    h5c_dataset *d = PyCapsule_GetPointer(cap, "h5c_dataset");
    if (d) h5c_dataset_close(d);
}

static void handle_close_all(Handle *h)
{
    if (h->busy > 0) { h->closing = 1; return; }
    h->closing = 0;
    /* datasets first: they belong to the file */
    if (h->datasets) PyDict_Clear(h->datasets);
    if (h->f) {
        h5c_file *f = h->f;
        h->f = NULL;
        Py_BEGIN_ALLOW_THREADS
        h5c_close(f);
        Py_END_ALLOW_THREADS
    }
}

static void Handle_dealloc(Handle *h)
{
    handle_close_all(h);
    Py_XDECREF(h->datasets);
    Py_TYPE(h)->tp_free((PyObject *)h);
}

/* Around each GIL-free stretch: the file and its datasets stay alive. */
static h5c_file *io_begin(Handle *h)
{
    h->busy++;
    return h->f;
}

static void io_end(Handle *h)
{
    if (--h->busy == 0 && h->closing) handle_close_all(h);
}

static int check_open(Handle *h)
{
    if (h->f && !h->closing) return 0;
    PyErr_SetString(PyExc_ValueError, "I/O operation on a closed h5coro_c file");
    return -1;
}

/* The cached h5c_dataset of path (borrowed), opening it on first use. */
static h5c_dataset *get_dataset(Handle *h, PyObject *path_obj)
{
    PyObject *cap = PyDict_GetItemWithError(h->datasets, path_obj);
    if (cap) return PyCapsule_GetPointer(cap, "h5c_dataset");
    if (PyErr_Occurred()) return NULL;
    const char *path = PyUnicode_AsUTF8(path_obj);
    if (!path) return NULL;
    h5c_error err = {0};
    h5c_dataset *d;
    h5c_file *f = io_begin(h);
    Py_BEGIN_ALLOW_THREADS
    d = h5c_dataset_open(f, path, &err);
    Py_END_ALLOW_THREADS
    if (d && h->closing) {          /* closed meanwhile: do not cache it */
        h5c_dataset_close(d);
        io_end(h);
        check_open(h);
        return NULL;
    }
    io_end(h);
    if (!d) { raise_err(&err); return NULL; }
    /* another thread may have opened it meanwhile: keep the first */
    cap = PyDict_GetItemWithError(h->datasets, path_obj);
    if (cap) {
        h5c_dataset_close(d);
        return PyCapsule_GetPointer(cap, "h5c_dataset");
    }
    cap = PyCapsule_New(d, "h5c_dataset", dataset_capsule_free);
    if (!cap) { h5c_dataset_close(d); return NULL; }
    int rc = PyDict_SetItem(h->datasets, path_obj, cap);
    Py_DECREF(cap);
    return rc < 0 ? NULL : d;
}

static PyObject *Handle_close(Handle *h, PyObject *Py_UNUSED(a))
{
    handle_close_all(h);
    Py_RETURN_NONE;
}

static PyObject *Handle_closed(Handle *h, void *Py_UNUSED(c))
{
    return PyBool_FromLong(h->f == NULL || h->closing);
}

typedef struct list_ctx {
    PyObject *out;
    int failed;
} list_ctx;

static PyObject *str_or_none(const char *s)
{
    if (!s) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, strlen(s), "surrogateescape");
}

/* Called with the GIL released by h5c_list: take it for each entry. */
static int list_cb(const h5c_entry *e, void *ud)
{
    list_ctx *c = ud;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *t = Py_BuildValue("(NNiKNN)", str_or_none(e->name), str_or_none(e->path), (int)e->kind,
                                (unsigned long long)e->addr, str_or_none(e->target), str_or_none(e->error));
    int stop = 0;
    if (!t || PyList_Append(c->out, t) < 0) { c->failed = 1; stop = 1; }
    Py_XDECREF(t);
    PyGILState_Release(g);
    return stop;
}

static PyObject *Handle_list(Handle *h, PyObject *args)
{
    const char *group;
    int recursive = 0;
    if (!PyArg_ParseTuple(args, "s|p", &group, &recursive) || check_open(h) < 0) return NULL;
    list_ctx c = {PyList_New(0), 0};
    if (!c.out) return NULL;
    h5c_error err = {0};
    int rc;
    h5c_file *f = io_begin(h);
    Py_BEGIN_ALLOW_THREADS
    rc = h5c_list(f, group, recursive, list_cb, &c, &err);
    Py_END_ALLOW_THREADS
    io_end(h);
    if (c.failed) { Py_DECREF(c.out); return NULL; }
    if (rc < 0) { Py_DECREF(c.out); return raise_err(&err); }
    return c.out;
}

static PyObject *u64_tuple(const uint64_t *v, int n)
{
    PyObject *t = PyTuple_New(n > 0 ? n : 0);
    for (int i = 0; t && i < n; i++) PyTuple_SET_ITEM(t, i, PyLong_FromUnsignedLongLong(v[i]));
    return t;
}

static PyObject *Handle_info(Handle *h, PyObject *args)
{
    PyObject *path;
    if (!PyArg_ParseTuple(args, "U", &path) || check_open(h) < 0) return NULL;
    h5c_dataset *d = get_dataset(h, path);
    if (!d) return NULL;
    h5c_info in;
    h5c_dataset_info(d, &in);
    PyObject *chunks = Py_None;
    Py_INCREF(chunks);
    if (in.layout == H5C_LAYOUT_CHUNKED && in.rank > 0) {
        Py_DECREF(chunks);
        chunks = PyTuple_New(in.rank);
        for (int i = 0; chunks && i < in.rank; i++) PyTuple_SET_ITEM(chunks, i, PyLong_FromUnsignedLong(in.chunk[i]));
    }
    PyObject *filters = PyList_New(0);
    for (int i = 0; filters && i < in.nfilters; i++) {
        const h5c_filter *fl = &in.filters[i];
        PyObject *cv = PyTuple_New(fl->ncvalues);
        for (uint32_t j = 0; cv && j < fl->ncvalues; j++) PyTuple_SET_ITEM(cv, j, PyLong_FromUnsignedLong(fl->cvalues[j]));
        PyObject *ft = Py_BuildValue("(iiNN)", fl->id, fl->flags, str_or_none(fl->name), cv);
        if (!ft || PyList_Append(filters, ft) < 0) { Py_XDECREF(ft); Py_CLEAR(filters); break; }
        Py_DECREF(ft);
    }
    PyObject *fill = Py_None;
    Py_INCREF(fill);
    if (in.has_fill && in.fill) {
        Py_DECREF(fill);
        fill = PyBytes_FromStringAndSize(in.fill, in.type->size);
    }
    return Py_BuildValue("{sNsisNsNsisisNsNsNsK}", "type", describe_type(in.type), "rank", in.rank,
                         "shape", u64_tuple(in.dims, in.rank), "maxshape", u64_tuple(in.maxdims, in.rank),
                         "layout", (int)in.layout, "chunk_index", (int)in.chunk_index, "chunks", chunks,
                         "filters", filters, "fill", fill, "addr", (unsigned long long)in.addr);
}

static int attr_cb_held(const h5c_attr *a, PyObject *out);

/* Called with the GIL released by Handle_attrs: take it per attribute. */
static int attr_cb(const h5c_attr *a, void *ud)
{
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = attr_cb_held(a, ud);
    PyGILState_Release(g);
    return rc;
}

static int attr_cb_held(const h5c_attr *a, PyObject *out)
{
    PyObject *value, *type;
    if (a->error || !a->value || a->rank < 0) {   /* rank -1: null dataspace, no value */
        value = Py_None; Py_INCREF(value);
    } else {
        value = values_to_py(a->type, a->value, a->nelem);
        if (!value) {
            /* keep going: report this attribute's conversion failure */
            PyObject *et, *ev, *tb;
            PyErr_Fetch(&et, &ev, &tb);
            Py_XDECREF(et); Py_XDECREF(tb);
            value = Py_None; Py_INCREF(value);
            PyObject *t = Py_BuildValue("(sONOsi)", a->name, Py_None, PyTuple_New(0), value,
                                        "unsupported: variable-length data nested in a compound or array type (binding)",
                                        (int)H5C_ERR_UNSUPPORTED);
            Py_XDECREF(ev);
            Py_DECREF(value);
            if (!t || PyList_Append(out, t) < 0) { Py_XDECREF(t); return 1; }
            Py_DECREF(t);
            return 0;
        }
    }
    if (a->type) type = describe_type(a->type);
    else { type = Py_None; Py_INCREF(type); }
    PyObject *t = Py_BuildValue("(sNNNNi)", a->name, type, u64_tuple(a->dims, a->rank < 0 ? 0 : a->rank),
                                value, str_or_none(a->error), (int)a->error_code);
    if (!t || PyList_Append(out, t) < 0) { Py_XDECREF(t); return 1; }
    Py_DECREF(t);
    return 0;
}

/* h5c_attrs may do I/O (object header, dense attribute heaps) and calls
 * back on the calling thread; values are valid only inside the callback,
 * which converts them with the GIL retaken. */
static PyObject *Handle_attrs(Handle *h, PyObject *args)
{
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path) || check_open(h) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    h5c_error err = {0};
    int rc;
    h5c_file *f = io_begin(h);
    Py_BEGIN_ALLOW_THREADS
    rc = h5c_attrs(f, path, attr_cb, out, &err);
    Py_END_ALLOW_THREADS
    io_end(h);
    if (PyErr_Occurred()) { Py_DECREF(out); return NULL; }
    if (rc < 0) { Py_DECREF(out); return raise_err(&err); }
    return out;
}

static int parse_u64_seq(PyObject *seq, uint64_t *dst, int rank, const char *what)
{
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast) return -1;
    if (PySequence_Fast_GET_SIZE(fast) != rank) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s: %d values needed", what, rank);
        return -1;
    }
    for (int i = 0; i < rank; i++) {
        dst[i] = PyLong_AsUnsignedLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (PyErr_Occurred()) { Py_DECREF(fast); return -1; }
    }
    Py_DECREF(fast);
    return 0;
}

typedef struct pending {
    h5c_slice slice;
    Py_buffer view;           /* caller's buffer (plain types) */
    int have_view;
    void *tmp;                /* vlen types: library output, converted after */
    size_t nelem;
    const h5c_dtype *type;
} pending;

/* The pending exception as an instance, cleared (a request's result that
 * failed is returned in its slot rather than raised); NULL if none. */
static PyObject *take_exception(void)
{
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    PyErr_NormalizeException(&et, &ev, &tb);
    Py_XDECREF(et);
    Py_XDECREF(tb);
    return ev;
}

/* read_many([(path, start|None, count, stride, out|None), ...]) -> list
 * with, per request, None (filled `out`), a list (vlen values) or an
 * exception instance. One h5c_read_many plan for every request. */
static PyObject *Handle_read_many(Handle *h, PyObject *args)
{
    PyObject *reqlist;
    if (!PyArg_ParseTuple(args, "O", &reqlist) || check_open(h) < 0) return NULL;
    PyObject *fast = PySequence_Fast(reqlist, "read_many takes a sequence");
    if (!fast) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    h5c_request *reqs = calloc(n ? n : 1, sizeof *reqs);
    pending *pd = calloc(n ? n : 1, sizeof *pd);
    PyObject *result = NULL;
    /* busy from the first get_dataset on: the borrowed dataset pointers
     * stay valid even if another thread closes the file meanwhile */
    io_begin(h);
    if (!reqs || !pd) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *path, *start, *count, *stride, *out;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "UOOOO", &path, &start, &count, &stride, &out))
            goto done;
        h5c_dataset *d = get_dataset(h, path);
        if (!d) goto done;
        h5c_info in;
        h5c_dataset_info(d, &in);
        pd[i].type = in.type;
        size_t nelem = 1;
        if (start != Py_None) {
            pending *p = &pd[i];
            p->slice.rank = in.rank;
            if (parse_u64_seq(start, p->slice.start, in.rank, "start") < 0 ||
                parse_u64_seq(count, p->slice.count, in.rank, "count") < 0 ||
                parse_u64_seq(stride, p->slice.stride, in.rank, "stride") < 0) goto done;
            for (int k = 0; k < in.rank; k++) nelem *= p->slice.count[k];
            reqs[i].slice = &p->slice;
        } else {
            for (int k = 0; k < in.rank; k++) nelem *= in.dims[k];
        }
        pd[i].nelem = nelem;
        size_t need = nelem * h5c_dtype_mem_size(in.type);
        reqs[i].dataset = d;
        if (out != Py_None) {
            if (PyObject_GetBuffer(out, &pd[i].view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) goto done;
            pd[i].have_view = 1;
            if ((size_t)pd[i].view.len < need) {
                PyErr_Format(PyExc_ValueError, "output buffer of %s: %zd bytes, %zu needed",
                             PyUnicode_AsUTF8(path), pd[i].view.len, need);
                goto done;
            }
            reqs[i].out = pd[i].view.buf;
            reqs[i].out_len = (size_t)pd[i].view.len;
        } else {
            pd[i].tmp = calloc(need ? need : 1, 1);
            if (!pd[i].tmp) { PyErr_NoMemory(); goto done; }
            reqs[i].out = pd[i].tmp;
            reqs[i].out_len = need;
        }
    }
    h5c_error err = {0};
    h5c_file *f = h->f;
    if (h->closing) { check_open(h); goto done; }
    Py_BEGIN_ALLOW_THREADS
    h5c_read_many(f, reqs, (size_t)n, &err);
    Py_END_ALLOW_THREADS
    result = PyList_New(n);
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v;
        if (reqs[i].status != 0) {
            raise_err(&reqs[i].err);
            v = take_exception();
            if (!v) { Py_CLEAR(result); goto done; }
        } else if (pd[i].tmp) {
            v = values_to_py(pd[i].type, pd[i].tmp, pd[i].nelem);
            if (!v) {
                v = take_exception();
                if (!v) { Py_CLEAR(result); goto done; }
            }
        } else {
            v = Py_None;
            Py_INCREF(v);
        }
        PyList_SET_ITEM(result, i, v);
    }
done:
    for (Py_ssize_t i = 0; pd && i < n; i++) {
        if (pd[i].have_view) PyBuffer_Release(&pd[i].view);
        if (pd[i].tmp) {
            if (reqs[i].status == 0 && has_vlen(pd[i].type)) h5c_free_vlen(pd[i].type, pd[i].tmp, pd[i].nelem);
            free(pd[i].tmp);
        }
    }
    free(reqs);
    free(pd);
    Py_DECREF(fast);
    io_end(h);
    return result;
}

static PyObject *Handle_stats(Handle *h, PyObject *Py_UNUSED(a))
{
    if (check_open(h) < 0) return NULL;
    h5c_stats st;
    h5c_file_stats(h->f, &st);
    return Py_BuildValue("{sKsKsK}", "requests", (unsigned long long)st.requests, "bytes",
                         (unsigned long long)st.bytes, "retries", (unsigned long long)st.retries);
}

static PyMethodDef Handle_methods[] = {
    {"close", (PyCFunction)Handle_close, METH_NOARGS, "Close the file."},
    {"list", (PyCFunction)Handle_list, METH_VARARGS, "list(group, recursive) -> [(name, path, kind, addr, target, error)]"},
    {"info", (PyCFunction)Handle_info, METH_VARARGS, "info(path) -> dict describing a dataset"},
    {"attrs", (PyCFunction)Handle_attrs, METH_VARARGS, "attrs(path) -> [(name, type, shape, value, error, code)]"},
    {"read_many", (PyCFunction)Handle_read_many, METH_VARARGS, "read_many(requests) in one plan"},
    {"stats", (PyCFunction)Handle_stats, METH_NOARGS, "I/O counters"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Handle_getset[] = {
    {"closed", (getter)Handle_closed, NULL, "True once closed", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject HandleType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "h5coro_c._core.Handle",
    .tp_basicsize = sizeof(Handle),
    .tp_dealloc = (destructor)Handle_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An open libh5coro file (use h5coro_c.File).",
    .tp_methods = Handle_methods,
    .tp_getset = Handle_getset,
};

static PyObject *core_open(PyObject *Py_UNUSED(m), PyObject *args)
{
    const char *url;
    PyObject *opts = Py_None;
    if (!PyArg_ParseTuple(args, "s|O", &url, &opts)) return NULL;
    PyObject *keep = PyList_New(0);
    if (!keep) return NULL;
    h5c_options o;
    h5c_remote r;
    int use_remote = 0;
    if (parse_options(opts, &o, &r, &use_remote, keep) < 0) { Py_DECREF(keep); return NULL; }
    if (use_remote) o.remote = &r;
    h5c_error err = {0};
    h5c_file *f;
    Py_BEGIN_ALLOW_THREADS
    f = h5c_open(url, &o, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(keep);          /* the library copies what it keeps */
    if (!f) return raise_err(&err);
    Handle *h = PyObject_New(Handle, &HandleType);
    if (!h) { h5c_close(f); return NULL; }
    h->f = f;
    h->busy = h->closing = 0;
    h->datasets = PyDict_New();
    if (!h->datasets) { Py_DECREF(h); return NULL; }
    return (PyObject *)h;
}

static PyObject *core_set_error_factory(PyObject *Py_UNUSED(m), PyObject *fn)
{
    Py_XINCREF(fn);
    Py_XSETREF(error_factory, fn);
    Py_RETURN_NONE;
}

static PyObject *core_version(PyObject *Py_UNUSED(m), PyObject *Py_UNUSED(a))
{
    return PyUnicode_FromString(h5c_version());
}

static PyMethodDef core_methods[] = {
    {"open", core_open, METH_VARARGS, "open(url, options) -> Handle"},
    {"_set_error_factory", core_set_error_factory, METH_O, "set the (code, msg) -> exception factory"},
    {"version", core_version, METH_NOARGS, "libh5coro version string"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "h5coro_c._core", "libh5coro binding (internal)", -1, core_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void)
{
    if (PyType_Ready(&HandleType) < 0) return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (!m) return NULL;
    Py_INCREF(&HandleType);
    PyModule_AddObject(m, "Handle", (PyObject *)&HandleType);
    PyModule_AddIntConstant(m, "KIND_GROUP", H5C_KIND_GROUP);
    PyModule_AddIntConstant(m, "KIND_DATASET", H5C_KIND_DATASET);
    PyModule_AddIntConstant(m, "KIND_DATATYPE", H5C_KIND_DATATYPE);
    PyModule_AddIntConstant(m, "KIND_SOFT_LINK", H5C_KIND_SOFT_LINK);
    PyModule_AddIntConstant(m, "KIND_EXTERNAL_LINK", H5C_KIND_EXTERNAL_LINK);
    return m;
}

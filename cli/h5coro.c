/* h5coro.c - command-line front end of libh5coro: ls, info, read.
 *
 * Exit status: 0 ok, 1 error, 2 usage error, 3 unsupported HDF5 feature.
 * Every error goes to stderr as "h5coro: <message>". */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "h5coro.h"
#include "json_out.h"
#include "values.h"


enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2, EXIT_UNSUPPORTED = 3 };

#define READ_LIMIT ((uint64_t)16 << 30)  /* bytes one `read` may allocate */
#define DTYPE_BUF 4096

static const char USAGE[] =
    "usage: h5coro <command> [options]\n"
    "\n"
    "commands:\n"
    "  ls FILE [GROUP] [-r] [--json]\n"
    "      List the objects under GROUP (default \"/\"): kind, datatype, shape,\n"
    "      chunks and filters. -r, --recursive descends into subgroups.\n"
    "  info FILE PATH [--json]\n"
    "      Describe a dataset (datatype, shape, maxshape, layout, chunk index,\n"
    "      filters, fill value, attributes) or a group (its attributes).\n"
    "  read FILE PATH [PATH...] [--slice SPEC] [--format csv|json|bin] [-o OUT]\n"
    "      Read a dataset, or a hyperslab of it. SPEC has one item per\n"
    "      dimension, comma separated (missing trailing items mean whole dims):\n"
    "        start:stop[:step]  a range; start or stop may be left out\n"
    "        i                  the single index i (the dimension is kept)\n"
    "        : or empty         the whole dimension\n"
    "      csv (default): one line per row of the last dimension.\n"
    "      json: nested arrays in the selection's shape.\n"
    "      bin: raw elements in C order, in the datatype `info` reports.\n"
    "      -o, --output OUT writes to OUT instead of standard output. Several\n"
    "      PATHs are read in one plan (h5c_read_many); -o DIR then writes\n"
    "      DIR/<path>.<format> per dataset, -o /dev/null discards.\n"
    "  bench FILE PATH [PATH...] [--slice SPEC]\n"
    "      Time a read (as `read --format bin -o /dev/null`) and report the\n"
    "      requests and bytes it fetched.\n"
    "  -v, --verbose (any command)\n"
    "      Log each remote request (range, bytes, ms, retries; never secrets).\n"
    "  --speculative BYTES (any command)\n"
    "      Size of the first read of a remote file (default 4194304; rounded\n"
    "      up to the 64 KiB cache block).\n"
    "  help, --help, -h\n"
    "      Show this text.\n"
    "  --version\n"
    "      Show the version.\n"
    "\n"
    "Exit status: 0 ok, 1 error, 2 usage error, 3 unsupported HDF5 feature.\n";

/* ---- messages and memory ------------------------------------------------ */

static void errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("h5coro: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    errorf("%s (see 'h5coro --help')", msg);
    return EXIT_USAGE;
}

static int exit_code_for(h5c_code code)
{
    return code == H5C_ERR_UNSUPPORTED ? EXIT_UNSUPPORTED : EXIT_ERR;
}

/* Report a library error; returns the exit status for it. */
static int lib_error(const h5c_error *e, const char *what)
{
    if (e->code == H5C_ERR_UNSUPPORTED && !strstr(e->msg, "unsupported"))
        errorf("unsupported: %s", e->msg[0] ? e->msg : what);
    else if (e->msg[0])
        errorf("%s", e->msg);
    else
        errorf("%s: %s", what, h5c_strerror(e->code));
    return exit_code_for(e->code);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        errorf("out of memory");
        exit(EXIT_ERR);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static void error_init(h5c_error *e)
{
    memset(e, 0, sizeof *e);
}

static const char *dtype_text(const h5c_dtype *t, char *buf, size_t len)
{
    const char *s = t ? h5c_dtype_str(t, buf, len) : NULL;
    return s ? s : "?";
}

/* Output collected in memory and written only on success, so a failure
 * half way never leaves a truncated document on stdout. */
typedef struct membuf {
    char *data;
    size_t len;
    FILE *f;
} membuf;

static void membuf_open(membuf *m)
{
    m->data = NULL;
    m->len = 0;
    m->f = open_memstream(&m->data, &m->len);
    if (!m->f) {
        errorf("out of memory");
        exit(EXIT_ERR);
    }
}

/* Close, and on `emit` copy to stdout. Returns EXIT_OK or EXIT_ERR. */
static int membuf_finish(membuf *m, int emit)
{
    int rc = EXIT_OK;
    if (fclose(m->f) != 0) {
        errorf("out of memory");
        rc = EXIT_ERR;
    } else if (emit && (fwrite(m->data, 1, m->len, stdout) != m->len || fflush(stdout) != 0)) {
        errorf("writing standard output: %s", strerror(errno));
        rc = EXIT_ERR;
    }
    free(m->data);
    return rc;
}

/* ---- shapes and names --------------------------------------------------- */

static const char *kind_name(h5c_kind k)
{
    switch (k) {
    case H5C_KIND_GROUP: return "group";
    case H5C_KIND_DATASET: return "dataset";
    case H5C_KIND_DATATYPE: return "datatype";
    case H5C_KIND_SOFT_LINK:
    case H5C_KIND_EXTERNAL_LINK: return "link";
    default: return "unknown";
    }
}

static const char *layout_name(h5c_layout_class l)
{
    switch (l) {
    case H5C_LAYOUT_COMPACT: return "compact";
    case H5C_LAYOUT_CONTIGUOUS: return "contiguous";
    case H5C_LAYOUT_CHUNKED: return "chunked";
    case H5C_LAYOUT_VIRTUAL: return "virtual";
    }
    return "unknown";
}

static const char *chunk_index_name(h5c_chunk_index i)
{
    switch (i) {
    case H5C_INDEX_NONE: return NULL;
    case H5C_INDEX_BTREE1: return "btree1";
    case H5C_INDEX_SINGLE: return "single";
    case H5C_INDEX_IMPLICIT: return "implicit";
    case H5C_INDEX_FIXED_ARRAY: return "fixed_array";
    case H5C_INDEX_EXT_ARRAY: return "extensible_array";
    case H5C_INDEX_BTREE2: return "btree2";
    }
    return "unknown";
}

static int clamp_rank(int rank)
{
    return rank > H5C_MAX_RANK ? H5C_MAX_RANK : rank;
}

/* JSON list of dims; UINT64_MAX becomes null when unlimited_null. rank < 0
 * (null dataspace) writes null. */
static void json_dims64(jw *w, int rank, const uint64_t *dims, int unlimited_null)
{
    if (rank < 0) {
        jw_null(w);
        return;
    }
    jw_begin_array(w, 0);
    for (int i = 0; i < clamp_rank(rank); i++) {
        if (unlimited_null && dims[i] == UINT64_MAX) jw_null(w);
        else jw_uint(w, dims[i]);
    }
    jw_end_array(w);
}

static void json_dims32(jw *w, int rank, const uint32_t *dims)
{
    jw_begin_array(w, 0);
    for (int i = 0; i < clamp_rank(rank); i++) jw_uint(w, dims[i]);
    jw_end_array(w);
}

/* "[100, 200]", "[]" (scalar), "null" (null dataspace); "unlimited" for
 * UINT64_MAX entries when unlimited_word. */
static void text_dims64(FILE *f, int rank, const uint64_t *dims, int unlimited_word)
{
    if (rank < 0) {
        fputs("null", f);
        return;
    }
    fputc('[', f);
    for (int i = 0; i < clamp_rank(rank); i++) {
        if (i) fputs(", ", f);
        if (unlimited_word && dims[i] == UINT64_MAX) fputs("unlimited", f);
        else fprintf(f, "%" PRIu64, dims[i]);
    }
    fputc(']', f);
}

static void text_dims32(FILE *f, int rank, const uint32_t *dims)
{
    fputc('[', f);
    for (int i = 0; i < clamp_rank(rank); i++) fprintf(f, i ? ", %" PRIu32 : "%" PRIu32, dims[i]);
    fputc(']', f);
}

/* Filter name (the file's, else the registered one from the library's
 * filter table), or its id in decimal when neither exists. */
static const char *filter_name(const h5c_filter *flt, char *buf, size_t len)
{
    const char *known = NULL;
    h5c_filter_available(flt->id, &known);
    if (flt->name && flt->name[0] && strcmp(flt->name, "unknown") != 0) return flt->name;
    if (known) return known;
    snprintf(buf, len, "%u", (unsigned)flt->id);
    return buf;
}

static int g_verbose; /* -v: the backend logs each request (no secrets) */
static int g_bench;   /* bench: report time, requests and bytes */
static uint64_t g_speculative; /* --speculative: first read size (0: default) */

static h5c_file *open_file(const char *path, int *rc)
{
    h5c_options opts;
    h5c_remote remote;
    h5c_error e;
    memset(&opts, 0, sizeof opts);
    h5c_remote_from_env(&remote);
    remote.verbose = g_verbose;
    opts.remote = &remote;
    opts.speculative = g_speculative;
    error_init(&e);
    h5c_file *f = h5c_open(path, &opts, &e);
    if (!f) {
        if (e.code == H5C_OK) e.code = H5C_ERR_IO;
        *rc = lib_error(&e, path);
    }
    return f;
}

/* ---- ls ----------------------------------------------------------------- */

typedef struct ls_item {
    char *path;
    h5c_kind kind;
    char *target;             /* links */
    char *error;              /* object (or dataset description) failed */
    int described;            /* dataset fields below are set */
    char *dtype;
    int rank;
    uint64_t *dims;
    int chunked;
    uint32_t *chunks;
    int nfilters;
    char **filters;
} ls_item;

typedef struct ls_list {
    ls_item *items;
    size_t n, cap;
} ls_list;

static int ls_collect(const h5c_entry *e, void *ud)
{
    ls_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        ls_item *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            errorf("out of memory");
            exit(EXIT_ERR);
        }
        l->items = items;
        l->cap = cap;
    }
    ls_item *it = &l->items[l->n++];
    memset(it, 0, sizeof *it);
    it->path = xstrdup(e->path ? e->path : e->name ? e->name : "");
    it->kind = e->kind;
    it->target = xstrdup(e->target);
    it->error = xstrdup(e->error);
    return 0;
}

static void ls_describe(h5c_file *f, ls_item *it)
{
    h5c_error e;
    error_init(&e);
    h5c_dataset *d = h5c_dataset_open(f, it->path, &e);
    if (!d) {
        it->error = xstrdup(e.msg[0] ? e.msg : h5c_strerror(e.code));
        return;
    }
    h5c_info info;
    memset(&info, 0, sizeof info);
    if (h5c_dataset_info(d, &info) != 0) {
        it->error = xstrdup("cannot describe the dataset");
        h5c_dataset_close(d);
        return;
    }
    char buf[DTYPE_BUF], num[16];
    int rank = clamp_rank(info.rank);
    it->described = 1;
    it->dtype = xstrdup(dtype_text(info.type, buf, sizeof buf));
    it->rank = info.rank;
    if (rank > 0) {
        it->dims = xmalloc((size_t)rank * sizeof *it->dims);
        memcpy(it->dims, info.dims, (size_t)rank * sizeof *it->dims);
    }
    it->chunked = info.layout == H5C_LAYOUT_CHUNKED;
    if (it->chunked && rank > 0) {
        it->chunks = xmalloc((size_t)rank * sizeof *it->chunks);
        memcpy(it->chunks, info.chunk, (size_t)rank * sizeof *it->chunks);
    }
    int nf = info.nfilters < 0 ? 0 : info.nfilters > H5C_MAX_FILTERS ? H5C_MAX_FILTERS : info.nfilters;
    it->nfilters = nf;
    it->filters = xmalloc((size_t)(nf ? nf : 1) * sizeof *it->filters);
    for (int i = 0; i < nf; i++)
        it->filters[i] = xstrdup(filter_name(&info.filters[i], num, sizeof num));
    h5c_dataset_close(d);
}

static void ls_free(ls_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        ls_item *it = &l->items[i];
        free(it->path);
        free(it->target);
        free(it->error);
        free(it->dtype);
        free(it->dims);
        free(it->chunks);
        for (int k = 0; k < it->nfilters; k++) free(it->filters[k]);
        free(it->filters);
    }
    free(l->items);
}

static void ls_json_item(jw *w, const ls_item *it)
{
    jw_begin_object(w, 1);
    jw_key(w, "path");
    jw_string(w, it->path);
    jw_key(w, "kind");
    jw_string(w, kind_name(it->kind));
    jw_key(w, "dtype");
    jw_string(w, it->described ? it->dtype : NULL);
    jw_key(w, "shape");
    if (it->described) json_dims64(w, it->rank, it->dims, 0);
    else jw_null(w);
    jw_key(w, "chunks");
    if (it->described && it->chunked) json_dims32(w, it->rank, it->chunks);
    else jw_null(w);
    jw_key(w, "filters");
    if (it->described) {
        jw_begin_array(w, 0);
        for (int k = 0; k < it->nfilters; k++) jw_string(w, it->filters[k]);
        jw_end_array(w);
    } else {
        jw_null(w);
    }
    if (it->kind == H5C_KIND_SOFT_LINK || it->kind == H5C_KIND_EXTERNAL_LINK) {
        jw_key(w, "target");
        jw_string(w, it->target);
    }
    if (it->error) {
        jw_key(w, "error");
        jw_string(w, it->error);
    }
    jw_end_object(w);
}

static void ls_json(FILE *out, const ls_list *l)
{
    jw w;
    jw_init(&w, out, 2);
    jw_begin_array(&w, 1);
    for (size_t i = 0; i < l->n; i++) ls_json_item(&w, &l->items[i]);
    jw_end_array(&w);
    fputc('\n', out);
}

/* Text columns of one item: path, kind, dtype, shape, rest. */
enum { LS_COLS = 5 };

static char *ls_text_field(const ls_item *it, int col)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f) {
        errorf("out of memory");
        exit(EXIT_ERR);
    }
    switch (col) {
    case 0: fputs(it->path, f); break;
    case 1: fputs(kind_name(it->kind), f); break;
    case 2:
        if (it->described) fputs(it->dtype, f);
        break;
    case 3:
        if (it->described) text_dims64(f, it->rank, it->dims, 0);
        break;
    default: {
        const char *sep = "";
        if (it->described && it->chunked) {
            fputs("chunks=", f);
            text_dims32(f, it->rank, it->chunks);
            sep = "  ";
        }
        if (it->described && it->nfilters > 0) {
            fprintf(f, "%sfilters=", sep);
            for (int k = 0; k < it->nfilters; k++) fprintf(f, k ? ",%s" : "%s", it->filters[k]);
            sep = "  ";
        }
        if (it->target) {
            fprintf(f, "%s-> %s", sep, it->target);
            sep = "  ";
        }
        if (it->error) fprintf(f, "%serror: %s", sep, it->error);
        break;
    }
    }
    fclose(f);
    return s;
}

static void ls_text(FILE *out, const ls_list *l)
{
    size_t width[LS_COLS] = {0};
    char **cells = xmalloc((l->n ? l->n : 1) * LS_COLS * sizeof *cells);
    for (size_t i = 0; i < l->n; i++)
        for (int c = 0; c < LS_COLS; c++) {
            char *s = ls_text_field(&l->items[i], c);
            cells[i * LS_COLS + (size_t)c] = s;
            if (strlen(s) > width[c]) width[c] = strlen(s);
        }
    for (size_t i = 0; i < l->n; i++) {
        char **row = &cells[i * LS_COLS];
        int last = LS_COLS - 1;
        while (last > 0 && row[last][0] == '\0') last--;
        for (int c = 0; c <= last; c++) {
            if (c > 0 && width[c] == 0) continue;
            if (c < last) fprintf(out, "%-*s  ", (int)width[c], row[c]);
            else fputs(row[c], out);
        }
        fputc('\n', out);
        for (int c = 0; c < LS_COLS; c++) free(row[c]);
    }
    free(cells);
}

typedef struct ls_opts {
    const char *file, *group;
    int recursive, json;
} ls_opts;

static int cmd_ls(const ls_opts *o)
{
    int rc = EXIT_OK;
    h5c_file *f = open_file(o->file, &rc);
    if (!f) return rc;
    ls_list list;
    memset(&list, 0, sizeof list);
    h5c_error e;
    error_init(&e);
    int r = h5c_list(f, o->group, o->recursive, ls_collect, &list, &e);
    if (r != 0 || e.code != H5C_OK) {
        if (e.code == H5C_OK) e.code = H5C_ERR_FORMAT;
        rc = lib_error(&e, o->group);
    } else {
        for (size_t i = 0; i < list.n; i++)
            if (list.items[i].kind == H5C_KIND_DATASET && !list.items[i].error)
                ls_describe(f, &list.items[i]);
        membuf m;
        membuf_open(&m);
        if (o->json) ls_json(m.f, &list);
        else ls_text(m.f, &list);
        rc = membuf_finish(&m, 1);
    }
    ls_free(&list);
    h5c_close(f);
    return rc;
}

/* ---- info --------------------------------------------------------------- */

typedef struct attr_ctx {
    jw *w;            /* JSON mode */
    FILE *text;       /* text mode */
    int count;
} attr_ctx;

static uint64_t dims_product(int rank, const uint64_t *dims)
{
    uint64_t n = 1;
    for (int i = 0; i < clamp_rank(rank); i++)
        n = dims[i] && n > UINT64_MAX / dims[i] ? UINT64_MAX : n * dims[i];
    return n;
}

/* An attribute value as JSON; a value whose element count disagrees with
 * its shape is written as a flat list. */
static void attr_value_json(jw *w, const h5c_attr *a)
{
    if (a->rank < 0 || !a->value || !a->type) {
        jw_null(w);
        return;
    }
    size_t es = h5c_dtype_mem_size(a->type);
    size_t len = es && a->nelem <= SIZE_MAX / es ? (size_t)(a->nelem * es) : 0;
    uint64_t flat[1] = {a->nelem};
    if (dims_product(a->rank, a->dims) == a->nelem)
        hv_json_block(w, a->type, a->value, len, clamp_rank(a->rank), a->dims);
    else
        hv_json_block(w, a->type, a->value, len, 1, flat);
}

static int attr_json(const h5c_attr *a, void *ud)
{
    attr_ctx *c = ud;
    jw *w = c->w;
    char buf[DTYPE_BUF];
    jw_begin_object(w, 1);
    jw_key(w, "name");
    jw_string(w, a->name);
    if (a->error) {
        jw_key(w, "error");
        jw_string(w, a->error);
    } else {
        jw_key(w, "dtype");
        jw_string(w, dtype_text(a->type, buf, sizeof buf));
        jw_key(w, "shape");
        json_dims64(w, a->rank, a->dims, 0);
        jw_key(w, "value");
        attr_value_json(w, a);
    }
    jw_end_object(w);
    c->count++;
    return 0;
}

static int attr_text(const h5c_attr *a, void *ud)
{
    attr_ctx *c = ud;
    FILE *f = c->text;
    char buf[DTYPE_BUF];
    if (c->count++ == 0) fputs("attributes:\n", f);
    fprintf(f, "  %s  ", a->name ? a->name : "");
    if (a->error) {
        fprintf(f, "error: %s\n", a->error);
        return 0;
    }
    fprintf(f, "%s  ", dtype_text(a->type, buf, sizeof buf));
    text_dims64(f, a->rank, a->dims, 0);
    fputs("  = ", f);
    jw w;
    jw_init(&w, f, 0);
    attr_value_json(&w, a);
    fputc('\n', f);
    return 0;
}

/* Attributes of path through h5c_attrs; returns 0 or an exit status. */
static int write_attrs(h5c_file *f, const char *path, jw *w, FILE *text)
{
    attr_ctx c;
    memset(&c, 0, sizeof c);
    c.w = w;
    c.text = text;
    h5c_error e;
    error_init(&e);
    if (w) {
        jw_key(w, "attributes");
        jw_begin_array(w, 1);
    }
    int r = h5c_attrs(f, path, w ? attr_json : attr_text, &c, &e);
    if (w) jw_end_array(w);
    if (r != 0 || e.code != H5C_OK) {
        if (e.code == H5C_OK) e.code = H5C_ERR_FORMAT;
        return lib_error(&e, path);
    }
    if (text && c.count == 0) fputs("attributes: (none)\n", text);
    return 0;
}

typedef struct kind_find {
    const char *name;
    int found;
    h5c_kind kind;
} kind_find;

static int kind_find_cb(const h5c_entry *e, void *ud)
{
    kind_find *k = ud;
    if (e->name && strcmp(e->name, k->name) == 0) {
        k->found = 1;
        k->kind = e->kind;
        return 1;
    }
    return 0;
}

/* Kind of a non-dataset object: "datatype" when its parent group lists it
 * as a named datatype, "group" otherwise. */
static const char *non_dataset_kind(h5c_file *f, const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') len--;
    char *copy = xmalloc(len + 1);
    memcpy(copy, path, len);
    copy[len] = '\0';
    char *slash = strrchr(copy, '/');
    const char *kind = "group";
    if (slash && slash[1] != '\0') {
        kind_find k;
        memset(&k, 0, sizeof k);
        k.name = slash + 1;
        const char *parent = copy;
        if (slash == copy) parent = "/";
        else *slash = '\0';
        h5c_error e;
        error_init(&e);
        h5c_list(f, parent, 0, kind_find_cb, &k, &e);
        if (k.found && k.kind == H5C_KIND_DATATYPE) kind = "datatype";
    }
    free(copy);
    return kind;
}

/* The fill value as JSON (null when undefined or not decodable). */
static void fill_json(jw *w, const h5c_info *info)
{
    if (!info->has_fill || !info->fill || !info->type) {
        jw_null(w);
        return;
    }
    size_t ms = h5c_dtype_mem_size(info->type);
    uint8_t *mem = xmalloc(ms);
    if (hv_fill_to_mem(info->type, info->fill, mem, ms) == 0) hv_json_value(w, info->type, mem, ms);
    else jw_null(w);
    free(mem);
}

static void info_json_dataset(jw *w, const h5c_info *info)
{
    char buf[DTYPE_BUF], num[16];
    int chunked = info->layout == H5C_LAYOUT_CHUNKED;
    jw_key(w, "dtype");
    jw_string(w, dtype_text(info->type, buf, sizeof buf));
    jw_key(w, "shape");
    json_dims64(w, info->rank, info->dims, 0);
    jw_key(w, "maxshape");
    json_dims64(w, info->rank, info->maxdims, 1);
    jw_key(w, "chunks");
    if (chunked && info->rank >= 0) json_dims32(w, info->rank, info->chunk);
    else jw_null(w);
    jw_key(w, "layout");
    jw_string(w, layout_name(info->layout));
    jw_key(w, "chunk_index");
    jw_string(w, chunked ? chunk_index_name(info->chunk_index) : NULL);
    jw_key(w, "filters");
    jw_begin_array(w, 0);
    for (int i = 0; i < info->nfilters && i < H5C_MAX_FILTERS; i++) {
        jw_begin_object(w, 0);
        jw_key(w, "id");
        jw_uint(w, info->filters[i].id);
        jw_key(w, "name");
        jw_string(w, filter_name(&info->filters[i], num, sizeof num));
        jw_end_object(w);
    }
    jw_end_array(w);
    jw_key(w, "fill_value");
    fill_json(w, info);
}

static void info_text_dataset(FILE *f, const h5c_info *info)
{
    char buf[DTYPE_BUF], num[16];
    int chunked = info->layout == H5C_LAYOUT_CHUNKED;
    fprintf(f, "dtype:       %s\n", dtype_text(info->type, buf, sizeof buf));
    fputs("shape:       ", f);
    text_dims64(f, info->rank, info->dims, 0);
    fputs("\nmaxshape:    ", f);
    text_dims64(f, info->rank, info->maxdims, 1);
    fprintf(f, "\nlayout:      %s\n", layout_name(info->layout));
    if (chunked && info->rank >= 0) {
        fputs("chunks:      ", f);
        text_dims32(f, info->rank, info->chunk);
        const char *idx = chunk_index_name(info->chunk_index);
        fprintf(f, "\nchunk_index: %s\n", idx ? idx : "none");
    }
    fputs("filters:     ", f);
    if (info->nfilters <= 0) fputs("none", f);
    for (int i = 0; i < info->nfilters && i < H5C_MAX_FILTERS; i++)
        fprintf(f, "%s%s (%u%s)", i ? ", " : "", filter_name(&info->filters[i], num, sizeof num),
                (unsigned)info->filters[i].id,
                h5c_filter_available(info->filters[i].id, NULL) ? "" : ", not decodable by this build");
    fputs("\nfill_value:  ", f);
    if (!info->has_fill) {
        fputs("undefined", f);
    } else {
        jw w;
        jw_init(&w, f, 0);
        fill_json(&w, info);
    }
    fputc('\n', f);
}

/* The null fields of a non-dataset object in info --json. */
static void info_json_nulls(jw *w)
{
    static const char *const keys[] = {"dtype", "shape", "maxshape", "chunks", "layout",
                                       "chunk_index", "filters", "fill_value"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        jw_key(w, keys[i]);
        jw_null(w);
    }
}

typedef struct info_opts {
    const char *file, *path;
    int json;
} info_opts;

/* Write the description into out; returns 0 or an exit status. */
static int info_write(FILE *out, h5c_file *f, const info_opts *o, const char *kind,
                      const h5c_info *info)
{
    int rc;
    if (o->json) {
        jw w;
        jw_init(&w, out, 2);
        jw_begin_object(&w, 1);
        jw_key(&w, "path");
        jw_string(&w, o->path);
        jw_key(&w, "kind");
        jw_string(&w, kind);
        if (info) info_json_dataset(&w, info);
        else info_json_nulls(&w);
        rc = write_attrs(f, o->path, &w, NULL);
        jw_end_object(&w);
        fputc('\n', out);
    } else {
        fprintf(out, "path:        %s\nkind:        %s\n", o->path, kind);
        if (info) info_text_dataset(out, info);
        rc = write_attrs(f, o->path, NULL, out);
    }
    return rc;
}

static int cmd_info(const info_opts *o)
{
    int rc = EXIT_OK;
    h5c_file *f = open_file(o->file, &rc);
    if (!f) return rc;
    h5c_error e;
    error_init(&e);
    h5c_info info;
    memset(&info, 0, sizeof info);
    const char *kind = "dataset";
    h5c_dataset *d = h5c_dataset_open(f, o->path, &e);
    if (!d && e.code != H5C_ERR_TYPE) {
        rc = lib_error(&e, o->path);
    } else if (d && h5c_dataset_info(d, &info) != 0) {
        errorf("%s: cannot describe the dataset", o->path);
        rc = EXIT_ERR;
    } else {
        if (!d) kind = non_dataset_kind(f, o->path);
        membuf m;
        membuf_open(&m);
        rc = info_write(m.f, f, o, kind, d ? &info : NULL);
        int out_rc = membuf_finish(&m, rc == EXIT_OK);
        if (rc == EXIT_OK) rc = out_rc;
    }
    if (d) h5c_dataset_close(d);
    h5c_close(f);
    return rc;
}

/* ---- read --------------------------------------------------------------- */

typedef enum out_format { FMT_CSV, FMT_JSON, FMT_BIN } out_format;

typedef struct read_opts {
    const char *file, *path, *slice, *out;
    out_format format;
} read_opts;

/* Parse a decimal index; returns 0 or -1. */
static int parse_index(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned dgt = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - dgt) / 10) return -1;
        v = v * 10 + dgt;
    }
    *out = v;
    return 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

/* One dimension of a --slice: "", ":", "i", "start:stop[:step]".
 * Returns 0, EXIT_USAGE (syntax) or EXIT_ERR (out of range). */
static int parse_slice_dim(const char *s, size_t n, uint64_t dim, int d, uint64_t *start,
                           uint64_t *count, uint64_t *stride, char *msg, size_t mlen)
{
    trim(&s, &n);
    const char *c1 = n ? memchr(s, ':', n) : NULL;
    *start = 0, *count = dim, *stride = 1;
    if (n == 0) return 0;
    if (!c1) {
        if (parse_index(s, n, start) != 0) goto syntax;
        if (*start >= dim) {
            snprintf(msg, mlen, "--slice: index %" PRIu64 " is out of range for dimension %d (size %" PRIu64 ")",
                     *start, d, dim);
            return EXIT_ERR;
        }
        *count = 1;
        return 0;
    }
    const char *parts[3] = {s, NULL, NULL};
    size_t lens[3] = {0, 0, 0};
    int np = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ':') continue;
        if (np == 3) goto syntax;
        lens[np - 1] = (size_t)(s + i - parts[np - 1]);
        parts[np++] = s + i + 1;
    }
    lens[np - 1] = (size_t)(s + n - parts[np - 1]);
    uint64_t v[3] = {0, dim, 1};
    for (int k = 0; k < np; k++) {
        trim(&parts[k], &lens[k]);
        if (lens[k] > 0 && parse_index(parts[k], lens[k], &v[k]) != 0) goto syntax;
    }
    if (v[2] == 0) {
        snprintf(msg, mlen, "--slice: step must be at least 1 (dimension %d)", d);
        return EXIT_USAGE;
    }
    uint64_t lo = v[0] < dim ? v[0] : dim, hi = v[1] < dim ? v[1] : dim;
    *start = lo;
    *stride = v[2];
    *count = hi > lo ? (hi - lo - 1) / v[2] + 1 : 0;
    if (*count == 0) *start = 0;
    return 0;
syntax:
    snprintf(msg, mlen, "--slice: cannot parse '%.*s' (dimension %d); use start:stop[:step], i or :",
             (int)(n > 64 ? 64 : n), s, d);
    return EXIT_USAGE;
}

/* The whole --slice text against the dataset shape. */
static int parse_slice(const char *text, int rank, const uint64_t *dims, h5c_slice *sl,
                       char *msg, size_t mlen)
{
    memset(sl, 0, sizeof *sl);
    sl->rank = rank;
    for (int d = 0; d < rank; d++) sl->count[d] = dims[d], sl->stride[d] = 1;
    if (!text) return 0;
    const char *s = text;
    size_t n = strlen(text);
    trim(&s, &n);
    if (n == 0) return 0;
    if (rank <= 0) {
        snprintf(msg, mlen, "--slice: the dataset is %s and takes no slice",
                 rank == 0 ? "scalar" : "empty (null dataspace)");
        return EXIT_ERR;
    }
    int d = 0;
    for (;;) {
        const char *comma = memchr(s, ',', n);
        size_t len = comma ? (size_t)(comma - s) : n;
        if (d == rank) {
            snprintf(msg, mlen, "--slice: %d or more dimensions given, the dataset has %d", d + 1, rank);
            return EXIT_ERR;
        }
        int rc = parse_slice_dim(s, len, dims[d], d, &sl->start[d], &sl->count[d], &sl->stride[d],
                                 msg, mlen);
        if (rc) return rc;
        d++;
        if (!comma) break;
        n -= len + 1;
        s = comma + 1;
    }
    return 0;
}

static int write_csv(FILE *out, const h5c_dtype *t, const uint8_t *buf, size_t es, int rank,
                     const h5c_slice *sl, uint64_t nelem)
{
    if (rank < 0 || nelem == 0) return 0;
    uint64_t row = rank >= 1 ? sl->count[rank - 1] : 1;
    for (uint64_t i = 0; i < nelem; i++) {
        hv_csv_cell(out, t, buf + i * es, es);
        fputc((i + 1) % row == 0 ? '\n' : ',', out);
    }
    return 0;
}

static int write_json(FILE *out, const h5c_dtype *t, const uint8_t *buf, size_t len, int rank,
                      const h5c_slice *sl)
{
    jw w;
    jw_init(&w, out, 0);
    hv_json_block(&w, t, buf, len, rank, sl->count);
    fputc('\n', out);
    return 0;
}

static int write_bin(FILE *out, const h5c_dtype *t, uint8_t *buf, size_t len, uint64_t nelem)
{
    char dbuf[DTYPE_BUF], msg[256];
    int swap = strchr(dtype_text(t, dbuf, sizeof dbuf), '>') != NULL;
    if (hv_to_raw(t, buf, (size_t)nelem, swap, msg, sizeof msg) != 0) {
        errorf("--format bin: %s", msg);
        return EXIT_ERR;
    }
    if (len > 0) fwrite(buf, 1, len, out);
    return 0;
}

static FILE *open_output(const char *path)
{
    if (!path || strcmp(path, "-") == 0) return stdout;
    FILE *f = fopen(path, "wb");
    if (!f) errorf("cannot write %s: %s", path, strerror(errno));
    return f;
}

static int close_output(FILE *f, const char *path, int rc)
{
    const char *name = path && strcmp(path, "-") != 0 ? path : "standard output";
    int bad = ferror(f);
    if (f == stdout) bad |= fflush(f) != 0;
    else bad |= fclose(f) != 0;
    if (bad && rc == EXIT_OK) {
        errorf("writing %s: %s", name, strerror(errno));
        return EXIT_ERR;
    }
    return rc;
}

static int read_write(const read_opts *o, const h5c_info *info, const h5c_slice *sl,
                      uint8_t *buf, size_t len, uint64_t nelem)
{
    size_t es = h5c_dtype_mem_size(info->type);
    if (o->format == FMT_BIN) {  /* refuse before creating the output file */
        char msg[256];
        if (hv_to_raw(info->type, NULL, 0, 0, msg, sizeof msg) != 0) {
            errorf("--format bin: %s", msg);
            return EXIT_ERR;
        }
    }
    FILE *out = open_output(o->out);
    if (!out) return EXIT_ERR;
    int rc;
    if (o->format == FMT_JSON) rc = write_json(out, info->type, buf, len, info->rank, sl);
    else if (o->format == FMT_CSV) rc = write_csv(out, info->type, buf, es, info->rank, sl, nelem);
    else rc = write_bin(out, info->type, buf, len, nelem);
    return close_output(out, o->out, rc);
}

/* One dataset of a read: its selection and, after the read, its values. */
typedef struct read_item {
    const char *path;
    h5c_dataset *d;
    h5c_info info;
    h5c_slice sl;
    uint8_t *buf;
    size_t len;
    uint64_t nelem;
} read_item;

/* Open a dataset, parse its slice and allocate its buffer; 0 or an exit status. */
static int prepare_item(h5c_file *f, const read_opts *o, read_item *it)
{
    h5c_error e;
    char msg[512], dbuf[DTYPE_BUF];
    error_init(&e);
    if (!it->d) it->d = h5c_dataset_open(f, it->path, &e); /* else opened with the others */
    if (!it->d) return lib_error(&e, it->path);
    if (h5c_dataset_info(it->d, &it->info) != 0 || !it->info.type || it->info.rank > H5C_MAX_RANK) {
        errorf("%s: cannot describe the dataset", it->path);
        return EXIT_ERR;
    }
    int rc = parse_slice(o->slice, it->info.rank, it->info.dims, &it->sl, msg, sizeof msg);
    if (rc == EXIT_USAGE) return usage_error("%s", msg);
    if (rc) {
        errorf("%s: %s", it->path, msg);
        return rc;
    }
    size_t es = h5c_dtype_mem_size(it->info.type);
    if (it->info.rank < 0) return 0;
    uint64_t n = dims_product(it->sl.rank, it->sl.count);
    if (es == 0) {
        errorf("unsupported: %s: datatype %s has no memory representation", it->path,
               dtype_text(it->info.type, dbuf, sizeof dbuf));
        return EXIT_UNSUPPORTED;
    }
    if (n > READ_LIMIT / es || n > SIZE_MAX / es) {
        errorf("%s: the selection is above the %" PRIu64 " GiB read limit; read a smaller --slice", it->path,
               READ_LIMIT >> 30);
        return EXIT_ERR;
    }
    it->nelem = n;
    if (n == 0) return 0;
    it->len = (size_t)(n * es);
    it->buf = calloc(1, it->len);
    if (!it->buf) {
        errorf("%s: out of memory for %zu bytes", it->path, it->len);
        return EXIT_ERR;
    }
    return 0;
}

/* Output file of one dataset: OUT itself for a single path, /dev/null and
 * "-" as they are, else OUT/<path with '/' as '_'>.<format>. */
static const char *item_output(const read_opts *o, int nitems, const char *path, char *buf, size_t len)
{
    static const char *const ext[] = {"csv", "json", "bin"};
    if (nitems == 1 || !o->out || strcmp(o->out, "-") == 0 || strcmp(o->out, "/dev/null") == 0) return o->out;
    int n = snprintf(buf, len, "%s/", o->out);
    for (const char *p = path[0] == '/' ? path + 1 : path; *p && n > 0 && (size_t)n + 8 < len; p++)
        buf[n++] = *p == '/' ? '_' : *p;
    snprintf(buf + n, len - (size_t)n, ".%s", ext[o->format]);
    return buf;
}

static int write_items(const read_opts *o, read_item *items, int n)
{
    int rc = EXIT_OK;
    char name[4096];
    for (int i = 0; i < n && rc == EXIT_OK; i++) {
        read_opts one = *o;
        one.path = items[i].path;
        one.out = item_output(o, n, items[i].path, name, sizeof name);
        rc = read_write(&one, &items[i].info, &items[i].sl, items[i].buf, items[i].len, items[i].nelem);
    }
    return rc;
}

/* Every dataset is read in one h5c_read_many plan. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress of a large read on a terminal: bytes fetched so far (the stored
 * size is not known up front, so no percentage), redrawn 5 times a second. */
typedef struct progress {
    h5c_file *f;
    int n;
    double t0;
    volatile int done;
    pthread_mutex_t lock;
    pthread_cond_t cv;
} progress;

static void *progress_loop(void *arg)
{
    progress *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->done) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cv, &p->lock, &ts);
        h5c_stats st;
        h5c_file_stats(p->f, &st);
        fprintf(stderr, "\rh5coro: reading %d dataset(s): %.1f MB fetched in %" PRIu64 " requests, %.1f s ", p->n,
                st.bytes / 1e6, st.requests, now_s() - p->t0);
    }
    pthread_mutex_unlock(&p->lock);
    fputc('\n', stderr);
    return NULL;
}

/* Read with a progress line when stderr is a terminal and the read is big. */
static int read_many_progress(h5c_file *f, h5c_request *reqs, int n, uint64_t bytes, h5c_error *e)
{
    progress p = {f, n, now_s(), 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
    pthread_t tid;
    int show = bytes >= (64u << 20) && isatty(STDERR_FILENO) && pthread_create(&tid, NULL, progress_loop, &p) == 0;
    int rc = h5c_read_many(f, reqs, (size_t)n, e);
    if (show) {
        pthread_mutex_lock(&p.lock);
        p.done = 1;
        pthread_cond_signal(&p.cv);
        pthread_mutex_unlock(&p.lock);
        pthread_join(tid, NULL);
    }
    return rc;
}

static int cmd_read(const read_opts *o, const char *const *paths, int npaths)
{
    int rc = EXIT_OK;
    double t0 = now_s();
    h5c_file *f = open_file(o->file, &rc);
    if (!f) return rc;
    read_item *items = calloc((size_t)npaths, sizeof *items);
    h5c_request *reqs = calloc((size_t)npaths, sizeof *reqs);
    if (!items || !reqs) {
        errorf("out of memory");
        rc = EXIT_ERR;
    }
    int nreq = 0;
    if (rc == EXIT_OK && npaths > 1) { /* resolved side by side; errors reported per item below */
        h5c_dataset **ds = calloc((size_t)npaths, sizeof *ds);
        if (ds) h5c_dataset_open_many(f, paths, (size_t)npaths, ds, NULL);
        for (int i = 0; ds && i < npaths; i++) items[i].d = ds[i];
        free(ds);
    }
    for (int i = 0; rc == EXIT_OK && i < npaths; i++) {
        items[i].path = paths[i];
        rc = prepare_item(f, o, &items[i]);
        if (rc == EXIT_OK && items[i].buf) {
            h5c_request *r = &reqs[nreq++];
            r->dataset = items[i].d;
            r->slice = items[i].info.rank == 0 ? NULL : &items[i].sl;
            r->out = items[i].buf;
            r->out_len = items[i].len;
        }
    }
    h5c_error e;
    error_init(&e);
    uint64_t want = 0;
    for (int k = 0; k < nreq; k++) want += reqs[k].out_len;
    if (rc == EXIT_OK && nreq && read_many_progress(f, reqs, nreq, want, &e) != 0) {
        for (int k = 0, i = 0; k < nreq && rc == EXIT_OK; k++, i++) {
            while (items[i].d != reqs[k].dataset) i++; /* requests follow items in order */
            if (reqs[k].status != 0) rc = lib_error(&reqs[k].err, items[i].path);
        }
        /* after a failed read the vlen parts of a buffer are in an unknown
         * state: buffers are freed without h5c_free_vlen below */
        for (int i = 0; i < npaths; i++) {
            free(items[i].buf);
            items[i].buf = NULL;
        }
    }
    if (rc == EXIT_OK) rc = write_items(o, items, npaths);
    uint64_t decoded = 0;
    for (int i = 0; items && i < npaths; i++) decoded += items[i].len;
    for (int i = 0; items && i < npaths; i++) {
        /* vlen data and region reference selections; no-op for fixed types */
        if (items[i].buf) h5c_free_vlen(items[i].info.type, items[i].buf, (size_t)items[i].nelem);
        free(items[i].buf);
        h5c_dataset_close(items[i].d);
    }
    free(items);
    free(reqs);
    if (g_verbose || g_bench) {
        h5c_stats st;
        h5c_file_stats(f, &st);
        fprintf(g_bench ? stdout : stderr,
                "h5coro: %d dataset(s), %" PRIu64 " bytes decoded, %" PRIu64 " requests, %" PRIu64
                " bytes fetched, %" PRIu64 " retries, %.3f s\n",
                npaths, decoded, st.requests, st.bytes, st.retries, now_s() - t0);
    }
    h5c_close(f);
    return rc;
}

/* ---- arguments ---------------------------------------------------------- */

enum { OPT_R = 1, OPT_JSON = 2, OPT_SLICE = 4, OPT_FORMAT = 8, OPT_OUT = 16 };

#define MAX_PATHS 256

typedef struct args {
    const char *pos[MAX_PATHS + 1];
    int npos;
    int recursive, json;
    const char *slice, *format, *out;
} args;

/* Value of an option given as "--name VALUE" or "--name=VALUE". */
static int option_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *val = argv[++*i];
    return 1;
}

/* Parse the arguments after the command name; `allowed` is a set of OPT_*. */
static int parse_args(const char *cmd, int argc, char **argv, int allowed, args *a)
{
    memset(a, 0, sizeof *a);
    int only_pos = 0;
    const char *val = NULL;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        int r;
        if (only_pos || s[0] != '-' || s[1] == '\0') {
            if (a->npos == MAX_PATHS + 1) return usage_error("%s: too many arguments", cmd);
            a->pos[a->npos++] = s;
        } else if (strcmp(s, "--") == 0) {
            only_pos = 1;
        } else if (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0) {
            g_verbose = 1;
        } else if ((r = option_value(argc, argv, &i, "--speculative", &val))) {
            char *end;
            errno = 0;
            unsigned long long v = r > 0 ? strtoull(val, &end, 10) : 0;
            if (r < 0 || errno || end == val || *end || v == 0 || val[0] == '-')
                return usage_error("%s: --speculative needs a positive byte count", cmd);
            g_speculative = v;
        } else if ((allowed & OPT_R) && (strcmp(s, "-r") == 0 || strcmp(s, "--recursive") == 0)) {
            a->recursive = 1;
        } else if ((allowed & OPT_JSON) && strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if ((allowed & OPT_SLICE) && (r = option_value(argc, argv, &i, "--slice", &a->slice))) {
            if (r < 0) return usage_error("%s: --slice needs a value", cmd);
        } else if ((allowed & OPT_FORMAT) && (r = option_value(argc, argv, &i, "--format", &a->format))) {
            if (r < 0) return usage_error("%s: --format needs a value", cmd);
        } else if ((allowed & OPT_OUT) && ((r = option_value(argc, argv, &i, "-o", &a->out)) ||
                                                (r = option_value(argc, argv, &i, "--output", &a->out)))) {
            if (r < 0) return usage_error("%s: %s needs a value", cmd, s);
        } else {
            return usage_error("%s: unknown option '%s'", cmd, s);
        }
    }
    return 0;
}

static int want_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    }
    return 0;
}

static int main_ls(int argc, char **argv)
{
    args a;
    int rc = parse_args("ls", argc, argv, OPT_R | OPT_JSON, &a);
    if (rc) return rc;
    if (a.npos < 1 || a.npos > 2) return usage_error("ls: expected FILE [GROUP]");
    ls_opts o = {a.pos[0], a.npos > 1 ? a.pos[1] : "/", a.recursive, a.json};
    return cmd_ls(&o);
}

static int main_info(int argc, char **argv)
{
    args a;
    int rc = parse_args("info", argc, argv, OPT_JSON, &a);
    if (rc) return rc;
    if (a.npos != 2) return usage_error("info: expected FILE PATH");
    info_opts o = {a.pos[0], a.pos[1], a.json};
    return cmd_info(&o);
}

static int main_read(int argc, char **argv)
{
    args a;
    int rc = parse_args("read", argc, argv, OPT_SLICE | OPT_FORMAT | OPT_OUT, &a);
    if (rc) return rc;
    if (a.npos < 2) return usage_error("read: expected FILE PATH [PATH...]");
    if (a.npos > 2 && a.slice) return usage_error("read: --slice takes one PATH");
    read_opts o = {a.pos[0], a.pos[1], a.slice, a.out, FMT_CSV};
    if (!a.format || strcmp(a.format, "csv") == 0) o.format = FMT_CSV;
    else if (strcmp(a.format, "json") == 0) o.format = FMT_JSON;
    else if (strcmp(a.format, "bin") == 0) o.format = FMT_BIN;
    else return usage_error("read: unknown --format '%s' (csv, json or bin)", a.format);
    return cmd_read(&o, a.pos + 1, a.npos - 1);
}

static int main_bench(int argc, char **argv)
{
    args a;
    int rc = parse_args("bench", argc, argv, OPT_SLICE, &a);
    if (rc) return rc;
    if (a.npos < 2) return usage_error("bench: expected FILE PATH [PATH...]");
    if (a.npos > 2 && a.slice) return usage_error("bench: --slice takes one PATH");
    read_opts o = {a.pos[0], a.pos[1], a.slice, "/dev/null", FMT_BIN};
    g_bench = 1;
    return cmd_read(&o, a.pos + 1, a.npos - 1);
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage_error("missing command: ls, info or read");
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("h5coro %s\n", h5c_version());
        return EXIT_OK;
    }
    int (*run)(int, char **) = NULL;
    if (strcmp(cmd, "ls") == 0) run = main_ls;
    else if (strcmp(cmd, "info") == 0) run = main_info;
    else if (strcmp(cmd, "read") == 0) run = main_read;
    else if (strcmp(cmd, "bench") == 0) run = main_bench;
    else return usage_error("unknown command '%s'", cmd);
    if (want_help(argc - 2, argv + 2)) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    return run(argc - 2, argv + 2);
}

/* h5coro.h - read-only, cloud-optimized HDF5 reader (libh5coro).
 *
 * One header, opaque handles, an error enum with h5c_strerror(). Every
 * function that can fail takes an h5c_error* (may be NULL) that receives a
 * message naming the object and file offset involved. */
#ifndef H5CORO_H
#define H5CORO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version: the one place it is written. CMake's project() and the Python
 * package's setup.py both read these three lines. */
#define H5C_VERSION_MAJOR 0
#define H5C_VERSION_MINOR 1
#define H5C_VERSION_PATCH 0
#define H5C_VERSION_STR_(a, b, c) #a "." #b "." #c
#define H5C_VERSION_STR(a, b, c) H5C_VERSION_STR_(a, b, c)
#define H5C_VERSION_STRING H5C_VERSION_STR(H5C_VERSION_MAJOR, H5C_VERSION_MINOR, H5C_VERSION_PATCH)

/* Public symbols are marked H5C_API; the library is built with hidden
 * visibility, so a shared object linking it (the Python extension, the GDAL
 * plugin) exports only these. */
#if defined(_WIN32)
#define H5C_API
#else
#define H5C_API __attribute__((visibility("default")))
#endif

/* Threads and lifetimes
 *  - An h5c_file may be used from many threads at once: h5c_dataset_open,
 *    h5c_read, h5c_read_many, h5c_list and h5c_attrs on one file handle may
 *    run concurrently. An h5c_dataset may be read from several threads.
 *  - Datasets are closed before their file; pointers inside h5c_info (type,
 *    filters, fill) live as long as the dataset handle.
 *  - Entries passed to h5c_list callbacks and attribute values passed to
 *    h5c_attrs callbacks are valid only during the callback.
 *  - Option structs (and the strings of h5c_remote) are read during the call
 *    that takes them; the library keeps its own copy.
 *  - Callbacks run on the calling thread. */

/* "0.1.0": H5C_VERSION_STRING of the library actually linked. */
H5C_API const char *h5c_version(void);

#define H5C_MAX_RANK 32

typedef enum h5c_code {
    H5C_OK = 0,
    H5C_ERR_ARG,          /* bad argument from the caller */
    H5C_ERR_IO,           /* read failed or short */
    H5C_ERR_FORMAT,       /* bytes do not follow the HDF5 format */
    H5C_ERR_CHECKSUM,     /* stored checksum does not match */
    H5C_ERR_UNSUPPORTED,  /* valid HDF5 we do not read (message starts "unsupported:") */
    H5C_ERR_NOT_FOUND,    /* no such object / attribute */
    H5C_ERR_NOMEM,        /* allocation failed */
    H5C_ERR_LIMIT,        /* a size from the file exceeds a safety cap */
    H5C_ERR_TYPE          /* object is not of the kind asked for */
} h5c_code;

typedef struct h5c_error {
    h5c_code code;
    char msg[512];
} h5c_error;

H5C_API const char *h5c_strerror(h5c_code code);

typedef struct h5c_file h5c_file;
typedef struct h5c_dataset h5c_dataset;

/* ---- datatypes ---------------------------------------------------------- */

typedef enum h5c_class {
    H5C_INTEGER = 0, H5C_FLOAT = 1, H5C_TIME = 2, H5C_STRING = 3,
    H5C_BITFIELD = 4, H5C_OPAQUE = 5, H5C_COMPOUND = 6, H5C_REFERENCE = 7,
    H5C_ENUM = 8, H5C_VLEN = 9, H5C_ARRAY = 10
} h5c_class;

typedef struct h5c_dtype h5c_dtype;

typedef struct h5c_member {
    char *name;
    uint32_t offset;          /* byte offset inside the compound element (file) */
    uint32_t mem_offset;      /* byte offset in the memory representation */
    h5c_dtype *type;
} h5c_member;

struct h5c_dtype {
    h5c_class cls;
    uint32_t size;            /* bytes of one element in the file */
    uint8_t big_endian;       /* integer, float, bitfield, time, enum base */
    uint8_t is_signed;        /* integer */
    uint16_t bit_offset, precision;           /* integer, float, bitfield */
    uint8_t exp_loc, exp_size, mant_loc, mant_size, sign_loc, mant_norm;
    uint32_t exp_bias;                         /* float */
    uint8_t pad;              /* string: 0 nullterm, 1 nullpad, 2 spacepad */
    uint8_t cset;             /* string: 0 ascii, 1 utf-8 */
    uint8_t vlen_string;      /* vlen: 1 string, 0 sequence */
    uint8_t ref_type;         /* reference: 0 object, 1 region */
    h5c_dtype *base;          /* vlen, enum and array element type */
    uint32_t mem_size;        /* compound: bytes of one element in memory */
    uint32_t nmembers;        /* compound members or enum values */
    h5c_member *members;      /* compound */
    char **enum_names;        /* enum: nmembers names */
    uint8_t *enum_values;     /* enum: nmembers * base->size bytes (file order) */
    uint32_t ndims;           /* array */
    uint32_t dims[H5C_MAX_RANK];
    char *tag;                /* opaque tag */
};

/* numpy array-interface notation of the type as stored in the file (what
 * h5py's dtype.str says): "<f4", ">i2", "|u1", "|S8", "|V16" (compound,
 * opaque), "(3,)<i4" (array), "vlen-str", "vlen:<i4" (sequence), "ref"
 * (object reference). h5c_read output is in native byte order whatever
 * this says. */
H5C_API const char *h5c_dtype_str(const h5c_dtype *t, char *buf, size_t len);

/* Bytes one element occupies in an h5c_read output buffer. */
H5C_API size_t h5c_dtype_mem_size(const h5c_dtype *t);

/* Memory representation produced by h5c_read (and attribute values):
 *  - integer/float/bitfield/enum/time: native byte order, same size.
 *  - fixed strings: size bytes, NUL-padded as libhdf5 gives them to h5py
 *    (null-terminated/padded values end at the first NUL, space-padded
 *    ones lose trailing spaces; the rest is zeroed).
 *  - opaque: raw bytes, size bytes.
 *  - vlen string: char* (malloc'd, NUL terminated; NULL for a null string).
 *  - vlen sequence: h5c_vlen { len, p } with p malloc'd (len * base mem size).
 *  - object reference: uint64_t object header address (0 if null).
 *  - dataset region reference (old style): h5c_regref, the target's object
 *    header address and its selection as JSON text (malloc'd; NULL and
 *    address 0 for a null reference): {"type":"all"}, {"type":"none"},
 *    {"type":"points","points":[[i,j],..]} or
 *    {"type":"hyperslab","blocks":[[[start..],[end..]],..]} (inclusive
 *    corners, block by block as H5Sget_select_hyper_blocklist lists them).
 *  - compound: each member converted as above at its mem_offset; when every
 *    member keeps its size this is the file layout (mem_offset == offset),
 *    otherwise members are laid out in order with natural alignment.
 *  - array: base elements, each converted as above.
 * Buffers holding vlen data are released with h5c_free_vlen(). */
typedef struct h5c_vlen {
    size_t len;
    void *p;
} h5c_vlen;

typedef struct h5c_regref {
    uint64_t addr;
    char *selection;
} h5c_regref;

H5C_API void h5c_free_vlen(const h5c_dtype *t, void *buf, size_t nelem);

/* ---- files -------------------------------------------------------------- */

/* Remote access settings, with the meaning GDAL's /vsis3/ and /vsicurl/
 * give the same names. NULL / 0 means "not set": the CLI fills these from
 * the environment (h5c_remote_from_env), the GDAL driver from its config. */
typedef struct h5c_remote {
    size_t size;                    /* sizeof(h5c_remote) the caller was built with; 0: current */
    const char *access_key_id, *secret_access_key, *session_token; /* AWS_* */
    const char *profile;            /* AWS_PROFILE / AWS_DEFAULT_PROFILE */
    const char *region;             /* AWS_REGION / AWS_DEFAULT_REGION (default us-east-1) */
    const char *endpoint;           /* AWS_S3_ENDPOINT (host[:port]) */
    int https;                      /* AWS_HTTPS: 1 yes (default), 0 no, -1 unset */
    int virtual_hosting;            /* AWS_VIRTUAL_HOSTING: 1/0, -1 unset (default yes) */
    int no_sign;                    /* AWS_NO_SIGN_REQUEST */
    int request_payer;              /* AWS_REQUEST_PAYER=requester */
    const char *config_file;        /* AWS_CONFIG_FILE */
    const char *credentials_file;   /* CPL_AWS_CREDENTIALS_FILE */
    const char *web_identity_token_file, *role_arn, *sts_endpoint;
    const char *container_credentials_uri;  /* ECS: full URL or relative URI */
    const char *imds_endpoint;      /* EC2 instance metadata (tests override) */
    int max_retry;                  /* GDAL_HTTP_MAX_RETRY (-1 unset: 4) */
    double retry_delay;             /* GDAL_HTTP_RETRY_DELAY seconds (<0 unset: 0.1) */
    double timeout;                 /* GDAL_HTTP_TIMEOUT per request (<=0 unset) */
    double max_retry_time;          /* total retry budget, seconds (<=0: 30) */
    int max_connections;            /* concurrent connections (<=0: 128 for S3, 64 else) */
    int verbose;                    /* log each request (never secrets) to stderr */
} h5c_remote;

/* Fill r from the process environment (names above). Strings point into
 * the environment; r must not outlive it. */
H5C_API void h5c_remote_from_env(h5c_remote *r);

/* Both option structs start with `size` so fields can be added at the end:
 * set it to sizeof the struct, or leave it 0 (zero-initialised structs,
 * `h5c_options o = {0}`, mean "the current layout"). Fields beyond a
 * caller's size read as zero. */
typedef struct h5c_options {
    size_t size;              /* sizeof(h5c_options) the caller was built with; 0: current */
    int threads;              /* decode workers; 0 = number of cores */
    const h5c_remote *remote; /* settings for s3:// /vsis3/ https:// /vsicurl/ (NULL: environment) */
    uint64_t speculative;     /* bytes fetched by the first read (0: 4 MiB) */
    uint64_t cache_bytes;     /* block cache bound (0: 256 MiB) */
    uint64_t merge_gap;       /* coalesce ranges this close (0: 1 MiB) */
    uint64_t max_range;       /* split ranges above this (0: 16 MiB) */
} h5c_options;

/* Open a local path, s3://bucket/key, /vsis3/bucket/key, http(s)://...,
 * or /vsicurl/http(s)://... */
H5C_API h5c_file *h5c_open(const char *path, const h5c_options *opts, h5c_error *err);

/* Open over caller-supplied reads (GDAL's VSI layer, say). read_many must
 * fill every range or fail; it may be called from several threads at once.
 * errmsg (errlen bytes) receives a message on failure. */
typedef int (*h5c_read_many_fn)(void *ud, size_t n, const uint64_t *offsets, const size_t *lens,
                                void *const *bufs, char *errmsg, size_t errlen);
H5C_API h5c_file *h5c_open_callback(const char *name, uint64_t size, h5c_read_many_fn fn, void *ud,
                            const h5c_options *opts, h5c_error *err);

H5C_API void h5c_close(h5c_file *f);

/* I/O counters of a file handle since it was opened. */
typedef struct h5c_stats {
    uint64_t requests;        /* ranges requested from the backend (GETs) */
    uint64_t bytes;           /* bytes received */
    uint64_t retries;
} h5c_stats;
H5C_API void h5c_file_stats(const h5c_file *f, h5c_stats *st);

typedef enum h5c_kind {
    H5C_KIND_GROUP = 0, H5C_KIND_DATASET, H5C_KIND_DATATYPE,
    H5C_KIND_SOFT_LINK, H5C_KIND_EXTERNAL_LINK, H5C_KIND_UNKNOWN
} h5c_kind;

typedef struct h5c_entry {
    const char *name;         /* link name inside the group */
    const char *path;         /* absolute path */
    h5c_kind kind;
    uint64_t addr;            /* object header address (hard links) */
    const char *target;       /* soft link value, or external "file:/path" */
    const char *error;        /* non-NULL when the object could not be read */
} h5c_entry;

/* Return non-zero from the callback to stop the walk (returned by h5c_list). */
typedef int (*h5c_visit_fn)(const h5c_entry *e, void *ud);

/* Visit the members of group `group` ("/" for the root), in name order.
 * With `recursive`, groups are descended into (each object once: hard links
 * to an object already seen are reported but not re-entered). */
H5C_API int h5c_list(h5c_file *f, const char *group, int recursive, h5c_visit_fn fn,
             void *ud, h5c_error *err);

/* ---- datasets ----------------------------------------------------------- */

typedef enum h5c_layout_class {
    H5C_LAYOUT_COMPACT = 0, H5C_LAYOUT_CONTIGUOUS = 1, H5C_LAYOUT_CHUNKED = 2,
    H5C_LAYOUT_VIRTUAL = 3
} h5c_layout_class;

typedef enum h5c_chunk_index {
    H5C_INDEX_NONE = 0, H5C_INDEX_BTREE1, H5C_INDEX_SINGLE, H5C_INDEX_IMPLICIT,
    H5C_INDEX_FIXED_ARRAY, H5C_INDEX_EXT_ARRAY, H5C_INDEX_BTREE2
} h5c_chunk_index;

#define H5C_MAX_FILTERS 32

typedef struct h5c_filter {
    uint16_t id;
    uint16_t flags;
    const char *name;         /* stored name or a well-known name */
    uint32_t ncvalues;
    const uint32_t *cvalues;
} h5c_filter;

typedef struct h5c_info {
    const h5c_dtype *type;
    int rank;                 /* 0 for scalar; -1 for a null dataspace */
    uint64_t dims[H5C_MAX_RANK];
    uint64_t maxdims[H5C_MAX_RANK];   /* UINT64_MAX = unlimited */
    h5c_layout_class layout;
    h5c_chunk_index chunk_index;
    uint32_t chunk[H5C_MAX_RANK];     /* chunk shape (chunked layout) */
    int nfilters;
    h5c_filter filters[H5C_MAX_FILTERS];
    int has_fill;                     /* fill value defined */
    const void *fill;                 /* type->size bytes, file byte order */
    uint64_t addr;                    /* object header address */
} h5c_info;

/* Whether this build decodes filter `id` (1 yes, 0 no). *name, when name
 * is not NULL, receives the filter's registered name, or NULL for an id
 * h5coro does not know. Reading a dataset whose pipeline holds a filter
 * that is not available fails with "unsupported: filter ID (NAME)". */
H5C_API int h5c_filter_available(unsigned id, const char **name);

H5C_API h5c_dataset *h5c_dataset_open(h5c_file *f, const char *path, h5c_error *err);
/* Open n datasets at once: their paths, object headers (and the groups on
 * the way, shared prefixes fetched once) are resolved side by side, so over
 * S3 n datasets cost about the tree depth in round trips, not n times it.
 * out[i] is the dataset or NULL with errs[i] (errs may be NULL). Returns 0
 * when all opened, else -1. */
H5C_API int h5c_dataset_open_many(h5c_file *f, const char *const *paths, size_t n, h5c_dataset **out,
                          h5c_error *errs);
H5C_API void h5c_dataset_close(h5c_dataset *d);
H5C_API int h5c_dataset_info(const h5c_dataset *d, h5c_info *info);

/* A hyperslab: per dimension start, count and stride (stride 0 means 1).
 * A NULL slice reads the whole dataset. */
typedef struct h5c_slice {
    int rank;
    uint64_t start[H5C_MAX_RANK];
    uint64_t count[H5C_MAX_RANK];
    uint64_t stride[H5C_MAX_RANK];
} h5c_slice;

/* Read a hyperslab into `out` (C order, memory representation above).
 * out_len must be at least count product * h5c_dtype_mem_size(). */
H5C_API int h5c_read(h5c_dataset *d, const h5c_slice *slice, void *out, size_t out_len,
             h5c_error *err);

/* Many reads planned together: the chunk indexes of all requests are
 * walked side by side (remote files), every chunk of every request is listed,
 * ranges are coalesced and fetched concurrently, then decoded into each
 * request's buffer. Each request gets its own status (0 or -1 with err);
 * the call returns 0 when all succeeded. */
typedef struct h5c_request {
    h5c_dataset *dataset;
    const h5c_slice *slice;   /* NULL: whole dataset */
    void *out;
    size_t out_len;
    int status;
    h5c_error err;
} h5c_request;

H5C_API int h5c_read_many(h5c_file *f, h5c_request *reqs, size_t n, h5c_error *err);

/* ---- attributes --------------------------------------------------------- */

typedef struct h5c_attr {
    const char *name;
    const h5c_dtype *type;
    int rank;                 /* 0 scalar, -1 null dataspace */
    uint64_t dims[H5C_MAX_RANK];
    uint64_t nelem;
    const void *value;        /* nelem elements, memory representation */
    const char *error;        /* set (and value NULL) when it could not be decoded */
    h5c_code error_code;
} h5c_attr;

typedef int (*h5c_attr_fn)(const h5c_attr *a, void *ud);

/* Visit the attributes of the object at `path` in name order. Values are
 * valid only during the callback. */
H5C_API int h5c_attrs(h5c_file *f, const char *path, h5c_attr_fn fn, void *ud,
              h5c_error *err);

/* Nonzero when h5c_open reads `path` through its own remote backend
 * (s3://, /vsis3/, http(s)://, /vsicurl/http(s)://) rather than as a local
 * file: callers (the GDAL driver) ask here instead of keeping a list. */
H5C_API int h5c_is_remote_path(const char *path);

#ifdef __cplusplus
}
#endif
#endif

/* h5c_threads: 8 threads sharing one h5c_file read random hyperslabs and
 * must get exactly what one thread got (bytes, status, error message).
 *
 *   h5c_threads [--cache BYTES] [--conns N] [--threads N] PATH_OR_URL...
 *
 * For each file: list it, draw random hyperslabs of every dataset (fixed
 * seed), read them one after another on a first handle (the reference),
 * close it, then open a second handle and let the threads take the same
 * jobs twice over in interleaved order, each opening its own dataset
 * handles on the shared file. A small --cache keeps the block cache
 * evicting and --conns 2 makes the HTTP pool the bottleneck, so both are
 * under contention. Built in every tree; the TSan tree is where it proves
 * there is no data race (ctest threads_local / threads_s3rver). */
#include <h5coro.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLICES_PER_DATASET 6
#define MAX_ELEMS (1u << 18)

typedef struct job {
    const char *path;
    h5c_slice slice;
    size_t len;
    int status;
    char msg[512];
    unsigned char *want;
} job;

typedef struct ctx {
    h5c_file *f;
    job *jobs;
    size_t njobs;
    atomic_size_t next;
    atomic_int bad;
} ctx;

static char **g_paths;
static size_t g_npaths;

static int collect(const h5c_entry *e, void *ud) {
    (void)ud;
    if (e->kind != H5C_KIND_DATASET || e->error) return 0;
    char **p = realloc(g_paths, (g_npaths + 1) * sizeof *p);
    if (!p) return 1;
    g_paths = p;
    g_paths[g_npaths++] = strdup(e->path);
    return 0;
}

/* vlen outputs hold pointers: not comparable byte for byte */
static int has_pointers(const h5c_dtype *t) {
    if (!t) return 0;
    if (t->cls == H5C_VLEN) return 1;
    if (t->cls == H5C_COMPOUND)
        for (uint32_t i = 0; i < t->nmembers; i++)
            if (has_pointers(t->members[i].type)) return 1;
    return (t->cls == H5C_ARRAY || t->cls == H5C_ENUM) && has_pointers(t->base);
}

static uint64_t rnd(uint64_t *s) { /* xorshift64: reproducible everywhere */
    *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
    return *s;
}

static void random_slice(const h5c_info *in, uint64_t *seed, h5c_slice *s) {
    memset(s, 0, sizeof *s);
    s->rank = in->rank;
    uint64_t elems = 1;
    for (int d = 0; d < in->rank; d++) {
        uint64_t n = in->dims[d];
        if (n == 0) { s->count[d] = 0; continue; }
        s->start[d] = rnd(seed) % n;
        s->stride[d] = 1 + rnd(seed) % 3;
        uint64_t room = (n - 1 - s->start[d]) / s->stride[d] + 1;
        uint64_t cap = MAX_ELEMS / elems;
        if (cap == 0) cap = 1;
        uint64_t c = 1 + rnd(seed) % room;
        s->count[d] = c < cap ? c : cap;
        elems *= s->count[d];
    }
}

static int read_one(h5c_file *f, job *j, unsigned char *out, h5c_error *err) {
    h5c_dataset *d = h5c_dataset_open(f, j->path, err);
    if (!d) return -1;
    int rc = h5c_read(d, j->slice.rank > 0 ? &j->slice : NULL, out, j->len, err);
    h5c_dataset_close(d);
    return rc;
}

static void *worker(void *arg) {
    ctx *c = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&c->next, 1);
        if (i >= 2 * c->njobs) break;
        /* second pass backwards so threads meet on the same chunks */
        job *j = &c->jobs[i < c->njobs ? i : 2 * c->njobs - 1 - i];
        unsigned char *out = malloc(j->len ? j->len : 1);
        h5c_error err = {0};
        int rc = out ? read_one(c->f, j, out, &err) : -1;
        int same = rc == j->status && (rc != 0 ? strcmp(err.msg, j->msg) == 0
                                               : memcmp(out, j->want, j->len) == 0);
        if (!same) {
            fprintf(stderr, "MISMATCH %s: rc %d vs %d: %s | %s\n", j->path, rc, j->status, err.msg, j->msg);
            atomic_fetch_add(&c->bad, 1);
        }
        free(out);
    }
    return NULL;
}

static size_t make_jobs(h5c_file *f, job **out) {
    job *jobs = NULL;
    size_t n = 0;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (size_t p = 0; p < g_npaths; p++) {
        h5c_dataset *d = h5c_dataset_open(f, g_paths[p], NULL);
        if (!d) continue;
        h5c_info in;
        if (h5c_dataset_info(d, &in) != 0 || has_pointers(in.type) || in.rank < 0) {
            h5c_dataset_close(d);
            continue;
        }
        size_t esz = h5c_dtype_mem_size(in.type);
        for (int k = 0; k < (in.rank == 0 ? 1 : SLICES_PER_DATASET); k++) {
            job *g = realloc(jobs, (n + 1) * sizeof *g);
            if (!g) break;
            jobs = g;
            job *j = &jobs[n++];
            memset(j, 0, sizeof *j);
            j->path = g_paths[p];
            random_slice(&in, &seed, &j->slice);
            size_t elems = 1;
            for (int dd = 0; dd < in.rank; dd++) elems *= j->slice.count[dd];
            j->len = elems * esz;
        }
        h5c_dataset_close(d);
    }
    *out = jobs;
    return n;
}

static int run_file(const char *path, const h5c_options *o, int nthreads) {
    h5c_error err = {0};
    h5c_file *f = h5c_open(path, o, &err);
    if (!f) { fprintf(stderr, "%s: %s\n", path, err.msg); return 1; }
    g_paths = NULL; g_npaths = 0;
    if (h5c_list(f, "/", 1, collect, NULL, &err) != 0) {
        fprintf(stderr, "%s: list: %s\n", path, err.msg);
        h5c_close(f);
        return 1;
    }
    job *jobs;
    size_t n = make_jobs(f, &jobs);
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        job *j = &jobs[i];
        j->want = malloc(j->len ? j->len : 1);
        h5c_error e = {0};
        j->status = read_one(f, j, j->want, &e);
        snprintf(j->msg, sizeof j->msg, "%s", e.msg);
        ok += j->status == 0;
    }
    h5c_close(f);

    ctx c = {.jobs = jobs, .njobs = n};
    atomic_init(&c.next, 0);
    atomic_init(&c.bad, 0);
    c.f = h5c_open(path, o, &err);
    if (!c.f) { fprintf(stderr, "%s: reopen: %s\n", path, err.msg); return 1; }
    pthread_t tids[64];
    int started = 0;
    for (int t = 0; t < nthreads && t < 64; t++)
        if (pthread_create(&tids[t], NULL, worker, &c) == 0) started++;
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
    h5c_close(c.f);
    int bad = atomic_load(&c.bad);
    printf("%s: %zu datasets, %zu hyperslabs (%zu read ok) x2 on %d threads: %d different\n",
           path, g_npaths, n, ok, started, bad);
    for (size_t i = 0; i < n; i++) free(jobs[i].want);
    free(jobs);
    for (size_t i = 0; i < g_npaths; i++) free(g_paths[i]);
    free(g_paths);
    return bad != 0 || started == 0;
}

int main(int argc, char **argv) {
    h5c_options o = {0};
    int nthreads = 8, rc = 0, i = 1;
    for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
        if (strcmp(argv[i], "--cache") == 0) o.cache_bytes = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--conns") == 0) {
            static h5c_remote r;
            h5c_remote_from_env(&r);
            r.max_connections = atoi(argv[i + 1]);
            o.remote = &r;
        } else if (strcmp(argv[i], "--threads") == 0) nthreads = atoi(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    if (i >= argc) { fprintf(stderr, "usage: h5c_threads [--cache B] [--conns N] [--threads N] FILE...\n"); return 2; }
    for (; i < argc; i++) rc |= run_file(argv[i], &o, nthreads);
    return rc;
}

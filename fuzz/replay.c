/* replay.c - fuzz_replay: the fuzz targets without libFuzzer, built in
 * every tree.
 *   fuzz_replay TARGET PATH...   run each file (directories: each file in
 *                                them) through TARGET
 *   fuzz_replay --all DIR        DIR/<target>/<input>: each input through
 *                                its target (tests/crashers, in ctest)
 *   fuzz_replay --seeds DIR FILE...  write seeds for the targets that do
 *                                not take whole files: DIR/msg (object
 *                                header messages) and DIR/filters (stored
 *                                chunks of single-filter datasets)
 * A crash is a sanitizer report or a signal: the exit status says so. */
#include "fuzz_file.h"
#include "../core/filters/filters.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#define TARGETS(X) \
    X(h5coro) X(superblock) X(ohdr) X(msg) X(dtype) X(dspace) X(btree) X(fheap) X(gheap) \
    X(chunks) X(filters) X(http) X(creds) X(sigv4)

#define DECLARE(name) int fuzz_one_##name(const uint8_t *data, size_t size);
TARGETS(DECLARE)

typedef struct target {
    const char *name;
    int (*one)(const uint8_t *, size_t);
} target;

#define ENTRY(name) {#name, fuzz_one_##name},
static const target targets[] = {TARGETS(ENTRY)};
#define NTARGETS (sizeof targets / sizeof targets[0])

static const target *find_target(const char *name)
{
    for (size_t i = 0; i < NTARGETS; i++)
        if (strcmp(targets[i].name, name) == 0) return &targets[i];
    return NULL;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!nb) break;
            buf = nb;
        }
        size_t k = fread(buf + len, 1, cap - len, fp);
        if (k == 0) break;
        len += k;
    }
    fclose(fp);
    *n = len;
    return buf ? buf : malloc(1);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Run one file or every regular file of a directory; returns inputs run or -1. */
static long run_path(const target *t, const char *path)
{
    if (!is_dir(path)) {
        size_t n;
        uint8_t *buf = slurp(path, &n);
        if (!buf) {
            fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
            return -1;
        }
        fprintf(stderr, "%s: %s\n", t->name, path);
        t->one(buf, n);
        free(buf);
        return 1;
    }
    DIR *d = opendir(path);
    if (!d) return -1;
    long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (is_dir(sub)) continue;
        long k = run_path(t, sub);
        if (k < 0) {
            closedir(d);
            return -1;
        }
        total += k;
    }
    closedir(d);
    return total;
}

static int run_all(const char *root)
{
    long total = 0;
    for (size_t i = 0; i < NTARGETS; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", root, targets[i].name);
        if (!is_dir(dir)) continue;
        long k = run_path(&targets[i], dir);
        if (k < 0) return 1;
        total += k;
    }
    printf("fuzz_replay: %ld inputs ran without a crash\n", total);
    return 0;
}

/* ---- seeds ------------------------------------------------------------ */

typedef struct seeder {
    h5c_file *f;
    const char *dir;
} seeder;

/* Named by a hash of the bytes: the same message in many files is one seed. */
static void write_seed(const seeder *s, const char *kind, const uint8_t *a, size_t na,
                       const uint8_t *b, size_t nb)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < na + nb; i++) h = (h ^ (i < na ? a[i] : b[i - na])) * 1099511628211ull;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%016llx", s->dir, kind, (unsigned long long)h);
    FILE *fp = fopen(path, "wb");
    if (!fp) return;
    fwrite(a, 1, na, fp);
    fwrite(b, 1, nb, fp);
    fclose(fp);
}

static uint8_t size_sel(const h5c_file *f)
{
    return f->so == 4 ? 1 : f->so == 2 ? 2 : 0;
}

static void seed_header(seeder *s, uint64_t addr)
{
    h5c_error err;
    h5c_ohdr oh;
    if (h5c_ohdr_read(s->f, addr, &oh, &err) != 0) return;
    for (size_t i = 0; i < oh.nmsgs; i++) {
        uint8_t pre[2] = {(uint8_t)oh.msgs[i].type, size_sel(s->f)};
        if (oh.msgs[i].type != H5C_MSG_NIL && oh.msgs[i].size <= 65536)
            write_seed(s, "msg", pre, 2, oh.msgs[i].data, oh.msgs[i].size);
    }
    h5c_ohdr_free(&oh);
}

static int first_chunk(const h5c_chunk *c, void *ud, h5c_error *err)
{
    (void)err;
    *(h5c_chunk *)ud = *c;
    return 1;
}

/* The first stored chunk of a dataset with exactly one filter, in the
 * fuzz_filters.c input layout. */
static void seed_chunk(seeder *s, const char *path)
{
    static const uint16_t ids[] = {1, 2, 3, 4, 5, 6, 307, 32000, 32001, 32004, 32015};
    h5c_error err;
    h5c_dataset *d = h5c_dataset_open(s->f, path, &err);
    if (!d) return;
    int sel = -1;
    for (int i = 0; d->pline.n == 1 && i < (int)(sizeof ids / sizeof *ids); i++)
        if (ids[i] == d->pline.f[0].id) sel = i;
    uint64_t lo[H5C_MAX_RANK] = {0}, hi[H5C_MAX_RANK] = {0};
    h5c_chunk c;
    c.size = 0;
    uint64_t expect = d->type ? d->type->size : 0;
    for (int i = 0; i < d->layout.ndims; i++) expect *= d->layout.chunk[i];
    if (sel >= 0 && d->layout.cls == H5C_LAYOUT_CHUNKED && d->pline.f[0].ncvalues <= 7 && expect < (4u << 20) &&
        h5c_chunks_iterate(d, lo, hi, first_chunk, &c, &err) >= 0 && c.size && c.size < (4u << 20)) {
        uint8_t *raw = malloc(c.size), head[2 + 4 * 7 + 4];
        size_t hn = 0;
        head[hn++] = (uint8_t)sel;
        head[hn++] = (uint8_t)d->pline.f[0].ncvalues;
        for (uint32_t i = 0; i < d->pline.f[0].ncvalues; i++)
            for (int b = 0; b < 4; b++) head[hn++] = (uint8_t)(d->pline.f[0].cvalues[i] >> (8 * b));
        for (int b = 0; b < 4; b++) head[hn++] = (uint8_t)(expect >> (8 * b));
        if (raw && h5c_raw_read(s->f, c.addr, c.size, raw, &err) == 0)
            write_seed(s, "filters", head, hn, raw, c.size);
        free(raw);
    }
    h5c_dataset_close(d);
}

static int seed_entry(const h5c_entry *e, void *ud)
{
    seeder *s = ud;
    if (e->kind == H5C_KIND_SOFT_LINK || e->kind == H5C_KIND_EXTERNAL_LINK) return 0;
    seed_header(s, e->addr);
    if (e->kind == H5C_KIND_DATASET) seed_chunk(s, e->path);
    return 0;
}

static int make_seeds(const char *dir, int n, char **files)
{
    char sub[4096];
    mkdir(dir, 0755);
    snprintf(sub, sizeof sub, "%s/msg", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/filters", dir);
    mkdir(sub, 0755);
    for (int i = 0; i < n; i++) {
        h5c_error err;
        h5c_options o;
        memset(&o, 0, sizeof o);
        o.threads = 1;
        h5c_file *f = h5c_open(files[i], &o, &err);
        if (!f) continue;
        seeder s = {f, dir};
        seed_header(&s, f->root_addr);
        h5c_list(f, "/", 1, seed_entry, &s, &err);
        h5c_close(f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--all") == 0) return run_all(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "--seeds") == 0) return make_seeds(argv[2], argc - 3, argv + 3);
    const target *t = argc >= 3 ? find_target(argv[1]) : NULL;
    if (!t) {
        fprintf(stderr, "usage: fuzz_replay TARGET PATH... | --all DIR | --seeds DIR FILE...\ntargets:");
        for (size_t i = 0; i < NTARGETS; i++) fprintf(stderr, " %s", targets[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    long total = 0;
    for (int i = 2; i < argc; i++) {
        long k = run_path(t, argv[i]);
        if (k < 0) return 1;
        total += k;
    }
    printf("fuzz_replay %s: %ld inputs ran without a crash\n", t->name, total);
    return 0;
}

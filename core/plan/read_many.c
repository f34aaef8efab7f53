/* read_many.c - one plan for many reads.
 *
 * Every block of every request is listed and sorted by file offset. When
 * the backend fetches batches itself (read_many: remote, callback), blocks
 * whose gap is at most merge_gap are merged into ranges of at most
 * max_range, ranges are grouped into batches fetched with one
 * h5c_io_read_many each, and a worker pool decodes the blocks of each
 * span as soon as the span has arrived (backends that finish ranges one by
 * one say so through h5c_range.done) while the rest is still in flight. A backend without read_many (local
 * pread) gains nothing from merging: there each worker reads its own
 * blocks, which keeps reads and inflation spread over the cores. */
#include "plan.h"
#include "../util/parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MERGE_GAP ((uint64_t)1 << 20)
#define DEFAULT_MAX_RANGE ((uint64_t)16 << 20)
#define BATCH_BYTES ((uint64_t)64 << 20) /* bytes per h5c_io_read_many call */
#define BATCH_PIECES 256                  /* ranges per h5c_io_read_many call */
#define MAX_INFLIGHT 2                    /* batches held: one decoding, one fetching */
#define MAX_WORKERS 64

typedef struct item {
    h5c_job *jb;
    const h5c_chunk *c;
    uint64_t off;             /* absolute file offset of the stored bytes */
    size_t len;
    const uint8_t *data;      /* fetched bytes, or NULL: the worker reads them */
    size_t batch;
} item;

typedef struct sched sched;

typedef struct span {         /* merged range covering items [first, end) */
    uint64_t off, len;
    size_t first, end;
    uint8_t *buf;
    sched *s;
    size_t pieces_left;       /* ranges of it still in flight */
    int queued;               /* its items were handed to the decoders */
} span;

typedef struct batch {        /* spans [first, end) fetched together */
    size_t first, end;
    size_t end_item;          /* items up to here are in this or earlier batches */
    size_t left;              /* items not yet decoded */
} batch;

struct sched {
    h5c_file *f;
    item *items;
    size_t nitems;
    span *spans;
    size_t nspans;
    batch *batches;
    size_t nbatches;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    size_t *queue;            /* items ready to decode, in arrival order */
    size_t queued;            /* entries in queue */
    size_t next;              /* next queue entry to decode */
    size_t inflight;          /* batches fetched and not fully decoded */
    int fetching;             /* more batches will be published */
    int batched;              /* remote mode: items belong to batches */
};

/* ---- failures --------------------------------------------------------------- */

/* Element order of two blocks of one job: row-major order of their first
 * elements (a NULL block, an error of the job itself, comes first). */
static int block_before(const h5c_job *jb, const h5c_chunk *a, const h5c_chunk *b)
{
    if (!a || !b) return !a && b;
    for (int i = 0; i < jb->s.rank; i++)
        if (a->coord[i] != b->coord[i]) return a->coord[i] < b->coord[i];
    return 0;
}

/* Record the error of block c of a job (s->lock held). Blocks fail in an
 * order that depends on thread timing, so the job keeps the error of the
 * failing block that comes first in element order: the same every run. */
static void fail_job(h5c_job *jb, const h5c_chunk *c, const h5c_error *e)
{
    if (jb->failed && !block_before(jb, c, jb->fail_at)) return;
    jb->failed = 1;
    jb->fail_at = c;
    jb->err = *e;
    h5c_err_context(&jb->err, "reading '%s'", jb->d->path);
}

/* Blocks after the one that failed need not be decoded: their errors could
 * not be the one reported (s->lock held). */
static int can_skip(const h5c_job *jb, const h5c_chunk *c)
{
    return jb->failed && !block_before(jb, c, jb->fail_at);
}

/* ---- listing and merging ------------------------------------------------------ */

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c; /* stable order for equal offsets */
}

/* Items for every block that needs fetching; compact blocks are scattered
 * here and then (nothing to fetch). A job whose block lies outside the file
 * fails before anything is fetched. */
static int list_items(sched *s, h5c_job **jobs, size_t n)
{
    size_t total = 0;
    for (size_t j = 0; j < n; j++) total += jobs[j]->nchunks;
    s->items = calloc(total ? total : 1, sizeof *s->items);
    if (!s->items) return -1;
    for (size_t j = 0; j < n; j++) {
        h5c_job *jb = jobs[j];
        size_t first = s->nitems;
        for (size_t k = 0; k < jb->nchunks; k++) {
            item *it = &s->items[s->nitems];
            h5c_error e = {0};
            it->jb = jb;
            it->c = &jb->chunks[k];
            if (h5c_job_extent(jb, it->c, &it->off, &it->len, &e) != 0) {
                h5c_job_chunk_context(jb, it->c, &e);
                fail_job(jb, it->c, &e);
            } else if (jb->mem_block) {
                h5c_job_process(jb, NULL, it->c, NULL, &e);
            } else {
                s->nitems++;
            }
        }
        if (jb->failed) s->nitems = first;
    }
    qsort(s->items, s->nitems, sizeof *s->items, cmp_item);
    return 0;
}

/* Merge sorted items into spans: gap <= merge_gap, length <= max_range (a
 * single larger block is a span of its own, fetched in pieces). */
static int merge_spans(sched *s, uint64_t gap, uint64_t maxr)
{
    s->spans = calloc(s->nitems ? s->nitems : 1, sizeof *s->spans);
    if (!s->spans) return -1;
    span *cur = NULL;
    for (size_t i = 0; i < s->nitems; i++) {
        const item *it = &s->items[i];
        uint64_t end = it->off + it->len;
        if (cur) {
            uint64_t cend = cur->off + cur->len;
            uint64_t nend = end > cend ? end : cend;
            if ((it->off <= cend || it->off - cend <= gap) && nend - cur->off <= maxr) {
                cur->len = nend - cur->off;
                cur->end = i + 1;
                continue;
            }
        }
        cur = &s->spans[s->nspans++];
        cur->off = it->off;
        cur->len = it->len;
        cur->first = i;
        cur->end = i + 1;
    }
    return 0;
}

static size_t pieces_of(uint64_t len, uint64_t maxr)
{
    return len ? (size_t)((len + maxr - 1) / maxr) : 1;
}

/* Group spans into batches bounded in bytes and ranges. */
static int make_batches(sched *s, uint64_t maxr)
{
    s->batches = calloc(s->nspans ? s->nspans : 1, sizeof *s->batches);
    if (!s->batches) return -1;
    batch *b = NULL;
    uint64_t bytes = 0;
    size_t pieces = 0;
    for (size_t i = 0; i < s->nspans; i++) {
        size_t p = pieces_of(s->spans[i].len, maxr);
        if (!b || bytes + s->spans[i].len > BATCH_BYTES || pieces + p > BATCH_PIECES) {
            b = &s->batches[s->nbatches++];
            b->first = i;
            bytes = 0;
            pieces = 0;
        }
        b->end = i + 1;
        b->end_item = s->spans[i].end;
        bytes += s->spans[i].len;
        pieces += p;
        for (size_t k = s->spans[i].first; k < s->spans[i].end; k++) s->items[k].batch = s->nbatches - 1;
    }
    for (size_t k = 0; k < s->nbatches; k++) {
        batch *x = &s->batches[k];
        x->left = x->end_item - s->spans[x->first].first;
    }
    return 0;
}

/* ---- fetching ------------------------------------------------------------------- */

static void free_batch(sched *s, const batch *b)
{
    for (size_t i = b->first; i < b->end; i++) {
        free(s->spans[i].buf);
        s->spans[i].buf = NULL;
    }
}

/* Hand a span's items to the decoders, once: with its bytes when ok, else
 * failing their jobs with e. */
static void queue_span(sched *s, span *sp, int ok, const h5c_error *e)
{
    pthread_mutex_lock(&s->lock);
    if (!sp->queued) {
        sp->queued = 1;
        ok = ok && sp->buf;
        for (size_t j = sp->first; j < sp->end; j++) {
            item *it = &s->items[j];
            if (ok) {
                it->data = sp->buf + (it->off - sp->off);
            } else if (!can_skip(it->jb, it->c)) {
                h5c_error je = {0};
                if (e) je = *e;
                else H5C_NOMEM(&je);
                h5c_job_chunk_context(it->jb, it->c, &je);
                fail_job(it->jb, it->c, &je);
            }
            s->queue[s->queued++] = j;
        }
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->lock);
}

/* A range of a span arrived (fetching thread): the last one makes the span
 * decodable at once. */
static void piece_done(h5c_range *r)
{
    span *sp = r->ud;
    if (--sp->pieces_left == 0) queue_span(sp->s, sp, 1, NULL);
}

static int fetch_spans(sched *s, const batch *b, uint64_t maxr, h5c_error *err)
{
    size_t np = 0;
    for (size_t i = b->first; i < b->end; i++) np += pieces_of(s->spans[i].len, maxr);
    h5c_range *r = calloc(np, sizeof *r);
    if (!r) return H5C_NOMEM(err);
    np = 0;
    for (size_t i = b->first; i < b->end; i++) {
        span *sp = &s->spans[i];
        sp->buf = malloc(sp->len ? (size_t)sp->len : 1);
        if (!sp->buf) {
            free(r);
            return H5C_NOMEM(err);
        }
        /* the speculative first read often holds the first chunks already */
        uint64_t have = h5c_meta_peek(s->f, sp->off, (size_t)sp->len, sp->buf);
        sp->s = s;
        sp->pieces_left = 0;
        for (uint64_t at = have; at < sp->len; at += maxr, np++, sp->pieces_left++) {
            r[np].off = sp->off + at;
            r[np].len = (size_t)(sp->len - at < maxr ? sp->len - at : maxr);
            r[np].buf = sp->buf + at;
            r[np].done = piece_done;
            r[np].ud = sp;
        }
        if (sp->pieces_left == 0) queue_span(s, sp, 1, NULL);
    }
    int rc = np ? h5c_io_read_many(h5c_file_data_io(s->f), r, np, err) : 0;
    free(r);
    return rc;
}

/* Fetch one batch; spans not handed over as they arrived (backends without
 * per-range completion, or a failed fetch, which fails every job with a
 * block there) are handed over now. */
static void fetch_batch(sched *s, size_t k, uint64_t maxr)
{
    const batch *b = &s->batches[k];
    h5c_error e = {0};
    int rc = fetch_spans(s, b, maxr, &e);
    if (rc != 0 && !e.msg[0]) H5C_NOMEM(&e);
    for (size_t i = b->first; i < b->end; i++) {
        span *sp = &s->spans[i];
        queue_span(s, sp, rc == 0, &e);
    }
}

/* ---- decoding ------------------------------------------------------------------- */

/* One item done (s->lock held): release its batch when it was the last. */
static void item_done(sched *s, const item *it)
{
    if (!s->batched) return;
    batch *b = &s->batches[it->batch];
    if (--b->left == 0) {
        free_batch(s, b);
        s->inflight--;
        pthread_cond_broadcast(&s->cv);
    }
}

/* Decode the next ready item, if any (s->lock held, released meanwhile). */
static int decode_next(sched *s, h5c_wbufs *w)
{
    if (s->next >= s->queued) return 0;
    item *it = &s->items[s->queue[s->next++]];
    int skip = can_skip(it->jb, it->c) || (s->batched && !it->data);
    pthread_mutex_unlock(&s->lock);
    h5c_error e = {0};
    int rc = skip ? 0 : h5c_job_process(it->jb, w, it->c, it->data, &e);
    pthread_mutex_lock(&s->lock);
    if (rc != 0) fail_job(it->jb, it->c, &e);
    item_done(s, it);
    return 1;
}

static void *worker(void *arg)
{
    sched *s = arg;
    h5c_wbufs w = {0};
    pthread_mutex_lock(&s->lock);
    for (;;) {
        if (decode_next(s, &w)) continue;
        if (!s->fetching) break;
        pthread_cond_wait(&s->cv, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    h5c_wbufs_free(&w);
    return NULL;
}

/* The calling thread fetches batch after batch, decoding while it must
 * wait for room (so it also makes progress when no worker started). */
static void fetch_all(sched *s, uint64_t maxr)
{
    h5c_wbufs w = {0};
    for (size_t k = 0; k < s->nbatches; k++) {
        pthread_mutex_lock(&s->lock);
        while (s->inflight >= MAX_INFLIGHT)
            if (!decode_next(s, &w)) pthread_cond_wait(&s->cv, &s->lock);
        s->inflight++;
        pthread_mutex_unlock(&s->lock);
        fetch_batch(s, k, maxr);
    }
    h5c_wbufs_free(&w);
    pthread_mutex_lock(&s->lock);
    s->fetching = 0;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->lock);
}

static int start_workers(sched *s, pthread_t *tids, int n)
{
    int started = 0;
    for (int i = 0; i < n && i < MAX_WORKERS; i++)
        if (pthread_create(&tids[started], NULL, worker, s) == 0) started++;
    return started;
}

static void run_local(sched *s)
{
    pthread_t tids[MAX_WORKERS];
    int n = s->f->nthreads;
    if ((size_t)n > s->nitems) n = (int)s->nitems;
    for (size_t i = 0; i < s->nitems; i++) s->queue[i] = i;
    s->queued = s->nitems;
    int started = start_workers(s, tids, n - 1);
    worker(s);
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
}

static void run_batched(sched *s)
{
    const h5c_options *o = &s->f->opts;
    uint64_t gap = o->merge_gap ? o->merge_gap : DEFAULT_MERGE_GAP;
    uint64_t maxr = o->max_range ? o->max_range : DEFAULT_MAX_RANGE;
    h5c_error e = {0};
    if (merge_spans(s, gap, maxr) != 0 || make_batches(s, maxr) != 0) {
        H5C_NOMEM(&e);
        for (size_t i = 0; i < s->nitems; i++) fail_job(s->items[i].jb, NULL, &e);
        return;
    }
    s->batched = 1;
    s->fetching = 1;
    pthread_t tids[MAX_WORKERS];
    int n = s->f->nthreads;
    if ((size_t)n > s->nitems) n = (int)s->nitems;
    int started = start_workers(s, tids, n);
    fetch_all(s, maxr);
    worker(s);
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
}

void h5c_jobs_run(h5c_file *f, h5c_job **jobs, size_t n)
{
    sched s;
    memset(&s, 0, sizeof s);
    s.f = f;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.cv, NULL);
    if (list_items(&s, jobs, n) != 0 || !(s.queue = malloc((s.nitems ? s.nitems : 1) * sizeof *s.queue))) {
        h5c_error e = {0};
        H5C_NOMEM(&e);
        for (size_t j = 0; j < n; j++) fail_job(jobs[j], NULL, &e);
    } else if (s.nitems && h5c_file_data_io(f)->read_many) {
        run_batched(&s);
    } else if (s.nitems) {
        run_local(&s);
    }
    for (size_t k = 0; k < s.nspans; k++) free(s.spans[k].buf);
    free(s.items);
    free(s.queue);
    free(s.spans);
    free(s.batches);
    pthread_cond_destroy(&s.cv);
    pthread_mutex_destroy(&s.lock);
}

/* ---- the public call ------------------------------------------------------------ */

static void finish_request(h5c_request *r, h5c_job *jb, int prepared)
{
    if (prepared) {
        r->status = h5c_job_finish(jb, &r->err);
        return;
    }
    if (!jb->in_place) free(jb->dst);
    free(jb->chunks);
    r->status = -1;
}

typedef struct prep_many {
    h5c_file *f;
    h5c_request *reqs;
    h5c_job *jobs;
    unsigned char *ok;
} prep_many;

/* Check request i and list its blocks (a walk of its chunk index). */
static void prepare_one(size_t i, void *ud)
{
    prep_many *p = ud;
    h5c_request *r = &p->reqs[i];
    h5c_err_clear(&r->err);
    if (!r->dataset || r->dataset->f != p->f)
        h5c_fail(&r->err, H5C_ERR_ARG, "request %zu: dataset of another file", i);
    else if (h5c_job_prepare(&p->jobs[i], r->dataset, r->slice, r->out, r->out_len, &r->err) == 0)
        p->ok[i] = 1;
}

int h5c_read_many(h5c_file *f, h5c_request *reqs, size_t n, h5c_error *err)
{
    h5c_err_clear(err);
    if (!f || (n && !reqs)) return h5c_fail(err, H5C_ERR_ARG, "h5c_read_many: no file or requests");
    h5c_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    h5c_job **ready = calloc(n ? n : 1, sizeof *ready);
    unsigned char *ok = calloc(n ? n : 1, 1);
    if (!jobs || !ready || !ok) {
        free(jobs);
        free(ready);
        free(ok);
        return H5C_NOMEM(err);
    }
    prep_many p = {f, reqs, jobs, ok};
    h5c_parallel_for(n, h5c_parallel_threads(f, n), prepare_one, &p);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (ok[i]) ready[m++] = &jobs[i];
    h5c_jobs_run(f, ready, m);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        finish_request(&reqs[i], &jobs[i], ok[i]);
        if (reqs[i].status != 0 && !failed++ && err) *err = reqs[i].err;
    }
    free(jobs);
    free(ready);
    free(ok);
    return failed ? -1 : 0;
}

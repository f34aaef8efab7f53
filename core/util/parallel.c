/* parallel.c - see parallel.h. */
#include "parallel.h"

#include <pthread.h>

#define MAX_THREADS 64

typedef struct pfor {
    size_t n, next;
    void (*fn)(size_t i, void *ud);
    void *ud;
} pfor;

static void *run(void *arg)
{
    pfor *p = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
        if (i >= p->n) return NULL;
        p->fn(i, p->ud);
    }
}

void h5c_parallel_for(size_t n, int threads, void (*fn)(size_t i, void *ud), void *ud)
{
    pfor p = {n, 0, fn, ud};
    pthread_t tids[MAX_THREADS];
    int started = 0;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    for (size_t k = 1; k < n && (int)k < threads; k++)
        if (pthread_create(&tids[started], NULL, run, &p) == 0) started++;
    run(&p);
    for (int k = 0; k < started; k++) pthread_join(tids[k], NULL);
}

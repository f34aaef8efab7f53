/* fixed_time.c - LD_PRELOAD shim used only while generating test data.
 *
 * libhdf5 stores object modification times in a few places that h5py gives
 * no switch for (the superblock extension's object header, committed
 * datatypes).  Pinning the clock makes those bytes, and so the generated
 * files, reproducible.  scripts/gen_data.sh builds this into /tmp and sets
 * LD_PRELOAD for the generators; nothing else uses it.
 *
 * The value is 2024-01-01T00:00:00Z. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/time.h>
#include <time.h>

#define FIXED_EPOCH 1704067200

time_t time(time_t *t)
{
    if (t)
        *t = FIXED_EPOCH;
    return FIXED_EPOCH;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    tv->tv_sec = FIXED_EPOCH;
    tv->tv_usec = 0;
    return 0;
}

/* Only the wall clock is pinned; monotonic clocks keep running. */
int clock_gettime(clockid_t id, struct timespec *ts)
{
    static int (*real)(clockid_t, struct timespec *);
    if (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE) {
        ts->tv_sec = FIXED_EPOCH;
        ts->tv_nsec = 0;
        return 0;
    }
    if (!real)
        real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    return real ? real(id, ts) : -1;
}

/* A presentation with a FIFO present queue of two images, and a monotonic clock: what the
 * tests of the waits on a presentation (acquire, present wait) start from. */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "venus_wsi/presentation.h"

#define MS 1000000ull

struct fixture {
   struct vw_presentation p;
};

static inline uint64_t
now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline int
setup(void **state)
{
   struct fixture *f = calloc(1, sizeof(*f));
   vw_presentation_init(&f->p, 0);
   vw_pq_init(&f->p.pq, VK_PRESENT_MODE_FIFO_KHR, 2, true, 0);
   *state = f;
   return 0;
}

static inline int
teardown(void **state)
{
   struct fixture *f = *state;
   vw_presentation_finish(&f->p);
   free(f);
   return 0;
}

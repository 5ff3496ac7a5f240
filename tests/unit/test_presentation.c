/* The presentation object: images a backend hands back from its own thread, the status
 * latch, retirement and the present thread's start and stop, against real threads. */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "venus_wsi/acquire_wait.h"
#include "venus_wsi/presentation.h"

#define MS 1000000ull

static int
setup(void **state)
{
   struct vw_presentation *p = calloc(1, sizeof(*p));
   vw_presentation_init(p, 7);
   vw_pq_init(&p->pq, VK_PRESENT_MODE_FIFO_KHR, 2, false, 0);
   p->pq.backend_releases = true;
   *state = p;
   return 0;
}

static int
teardown(void **state)
{
   struct vw_presentation *p = *state;
   vw_presentation_stop(p);
   vw_presentation_finish(p);
   free(p);
   return 0;
}

/* Shows both images; the "server" keeps them until it releases them. */
static void
show_both(struct vw_presentation *p)
{
   uint32_t rel[VW_MAX_IMAGES];
   uint64_t wait;
   for (uint32_t i = 0; i < 2; i++) {
      assert_int_equal(vw_pq_acquire(&p->pq), i);
      assert_true(vw_pq_queue(&p->pq, i, false));
      vw_pq_mark_ready(&p->pq, i, 0, rel);
      assert_int_equal(vw_pq_pick(&p->pq, 0, &wait), i);
      vw_pq_flip_started(&p->pq, i, 0);
      vw_pq_flip_done(&p->pq, 0, rel);
   }
   assert_int_equal(vw_pq_count(&p->pq, VW_IMAGE_HELD), 2);
}

struct release_later {
   struct vw_presentation *p;
   uint32_t index;
};

static void *
release_later(void *arg)
{
   struct release_later *r = arg;
   usleep(30 * 1000);
   vw_presentation_release_image(r->p, r->index);
   return NULL;
}

/* An infinite acquire with every image held by the display waits for the backend's release
 * (the display can still give one back), and gets that image. */
static void
release_from_another_thread_ends_an_acquire(void **state)
{
   struct vw_presentation *p = *state;
   show_both(p);
   struct release_later r = {p, 1};
   pthread_t t;
   assert_int_equal(pthread_create(&t, NULL, release_later, &r), 0);
   uint32_t index = 99;
   assert_int_equal(vw_acquire_wait(p, UINT64_MAX, &index), VK_SUCCESS);
   pthread_join(t, NULL);
   assert_int_equal(index, 1);
   assert_int_equal(p->pq.state[0], VW_IMAGE_HELD);
}

static void
stale_releases_change_nothing(void **state)
{
   struct vw_presentation *p = *state;
   vw_presentation_release_image(p, 0); /* free, never shown */
   vw_presentation_release_image(p, 40);
   assert_int_equal(vw_pq_count(&p->pq, VW_IMAGE_FREE), 2);
   uint32_t index;
   assert_int_equal(vw_acquire_wait(p, 0, &index), VK_SUCCESS);
   assert_int_equal(vw_acquire_wait(p, 0, &index), VK_SUCCESS);
   assert_int_equal(vw_acquire_wait(p, 0, &index), VK_NOT_READY);
}

static void
first_error_is_latched_and_retire_fails_acquire(void **state)
{
   struct vw_presentation *p = *state;
   uint32_t index;
   pthread_mutex_lock(&p->lock);
   vw_presentation_set_status_locked(p, VK_SUBOPTIMAL_KHR);
   pthread_mutex_unlock(&p->lock);
   assert_int_equal(vw_acquire_wait(p, 0, &index), VK_SUBOPTIMAL_KHR);
   vw_presentation_retire(p);
   assert_int_equal(vw_acquire_wait(p, 0, &index), VK_ERROR_OUT_OF_DATE_KHR);
   pthread_mutex_lock(&p->lock);
   vw_presentation_set_status_locked(p, VK_ERROR_SURFACE_LOST_KHR);
   vw_presentation_set_status_locked(p, VK_ERROR_DEVICE_LOST);
   pthread_mutex_unlock(&p->lock);
   assert_int_equal(p->status, VK_ERROR_SURFACE_LOST_KHR);
   assert_int_equal(vw_acquire_wait(p, 0, &index), VK_ERROR_SURFACE_LOST_KHR);
}

/* Sleeps on the wake fd until told to stop, as the present thread does. */
static void *
idle_main(void *arg)
{
   struct vw_presentation *p = arg;
   pthread_mutex_lock(&p->lock);
   while (!p->stopping) {
      pthread_mutex_unlock(&p->lock);
      struct pollfd pfd = {.fd = p->wake_fd, .events = POLLIN};
      if (poll(&pfd, 1, 5000) > 0)
         vw_presentation_drain_wake(p);
      pthread_mutex_lock(&p->lock);
   }
   pthread_mutex_unlock(&p->lock);
   return NULL;
}

static void
stop_wakes_and_joins_the_thread(void **state)
{
   struct vw_presentation *p = *state;
   assert_false(vw_presentation_in_forked_child(p));
   assert_int_equal(vw_presentation_start(p, idle_main, p), VK_SUCCESS);
   assert_true(p->wake_fd >= 0);
   assert_false(vw_presentation_in_forked_child(p));
   /* a queued frame is dropped by the stop */
   uint32_t index;
   assert_int_equal(vw_acquire_wait(p, 0, &index), VK_SUCCESS);
   pthread_mutex_lock(&p->lock);
   assert_true(vw_pq_queue(&p->pq, index, false));
   uint32_t rel[VW_MAX_IMAGES];
   vw_pq_mark_ready(&p->pq, index, 0, rel);
   pthread_mutex_unlock(&p->lock);
   vw_presentation_stop(p); /* returns at once, not after the thread's 5 s poll */
   assert_false(p->thread_started);
   assert_int_equal(p->pq.state[index], VW_IMAGE_FREE);
   assert_int_equal(p->pq.shown, 0);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(release_from_another_thread_ends_an_acquire, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(stale_releases_change_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(first_error_is_latched_and_retire_fails_acquire, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(stop_wakes_and_joins_the_thread, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

/* vkAcquireNextImageKHR's waiting rules, against a real condition variable and clock. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "venus_wsi/acquire_wait.h"
#include "venus_wsi/presentation.h"

#include "presentation_fixture.h"

/* Takes both images and queues image 0, so one can come back. */
static void
take_all_but_queue_one(struct fixture *f)
{
   vw_pq_acquire(&f->p.pq);
   vw_pq_acquire(&f->p.pq);
   assert_true(vw_pq_queue(&f->p.pq, 0, false));
}

struct later {
   struct fixture *f;
   unsigned delay_ms;
   enum { FREE_IMAGE, FAIL, RETIRE } what;
};

static void *
act_later(void *arg)
{
   struct later *l = arg;
   usleep(l->delay_ms * 1000);
   pthread_mutex_lock(&l->f->p.lock);
   if (l->what == FREE_IMAGE) {
      uint32_t rel[VW_MAX_IMAGES];
      vw_pq_mark_ready(&l->f->p.pq, 0, 0, rel);
      uint64_t wait;
      vw_pq_pick(&l->f->p.pq, 0, &wait);
      vw_pq_flip_started(&l->f->p.pq, 0, 0);
      vw_pq_flip_done(&l->f->p.pq, 0, rel);
      /* the display holds 0 now; flip a second frame to free it */
   } else if (l->what == FAIL) {
      l->f->p.status = VK_ERROR_SURFACE_LOST_KHR;
   } else {
      l->f->p.retired = true;
   }
   pthread_cond_broadcast(&l->f->p.changed);
   pthread_mutex_unlock(&l->f->p.lock);
   return NULL;
}

static void
zero_timeout_is_not_ready(void **state)
{
   struct fixture *f = *state;
   take_all_but_queue_one(f);
   uint32_t index;
   uint64_t t0 = now_ns();
   assert_int_equal(vw_acquire_wait(&f->p, 0, &index), VK_NOT_READY);
   assert_true(now_ns() - t0 < 5 * MS);
}

static void
free_image_is_returned_at_once(void **state)
{
   struct fixture *f = *state;
   uint32_t index = 99;
   assert_int_equal(vw_acquire_wait(&f->p, 0, &index), VK_SUCCESS);
   assert_int_equal(index, 0);
}

static void
timeout_waits_its_full_length(void **state)
{
   struct fixture *f = *state;
   take_all_but_queue_one(f);
   uint32_t index;
   uint64_t t0 = now_ns();
   assert_int_equal(vw_acquire_wait(&f->p, 25 * MS, &index), VK_TIMEOUT);
   uint64_t waited = now_ns() - t0;
   assert_true(waited >= 25 * MS);
   assert_true(waited < 500 * MS);
}

/* UINT64_MAX while the app holds every image is invalid usage; not hanging beats the wait. */
static void
hopeless_wait_times_out_at_once(void **state)
{
   struct fixture *f = *state;
   vw_pq_acquire(&f->p.pq);
   vw_pq_acquire(&f->p.pq); /* the app holds both: nothing can come back */
   uint32_t index;
   uint64_t t0 = now_ns();
   assert_int_equal(vw_acquire_wait(&f->p, UINT64_MAX, &index), VK_TIMEOUT);
   assert_true(now_ns() - t0 < 5 * MS);
}

/* An app that polls acquire with a finite timeout while holding every image must sleep
 * through the timeout, or it spins a core. */
static void
hopeless_finite_wait_takes_its_timeout(void **state)
{
   struct fixture *f = *state;
   vw_pq_acquire(&f->p.pq);
   vw_pq_acquire(&f->p.pq);
   uint32_t index;
   uint64_t t0 = now_ns();
   assert_int_equal(vw_acquire_wait(&f->p, 50 * MS, &index), VK_TIMEOUT);
   uint64_t waited = now_ns() - t0;
   assert_true(waited >= 50 * MS);
   assert_true(waited < 500 * MS);
}

static void
hopeless_finite_wait_ends_on_failure(void **state)
{
   struct fixture *f = *state;
   vw_pq_acquire(&f->p.pq);
   vw_pq_acquire(&f->p.pq);
   struct later l = {f, 20, FAIL};
   pthread_t t;
   pthread_create(&t, NULL, act_later, &l);
   uint32_t index;
   uint64_t t0 = now_ns();
   VkResult r = vw_acquire_wait(&f->p, 5000 * MS, &index);
   uint64_t waited = now_ns() - t0;
   pthread_join(t, NULL); /* before any assert: the thread uses the fixture */
   assert_int_equal(r, VK_ERROR_SURFACE_LOST_KHR);
   assert_true(waited >= 15 * MS);
   assert_true(waited < 1000 * MS);
}

static void
hopeless_finite_wait_ends_on_retirement(void **state)
{
   struct fixture *f = *state;
   vw_pq_acquire(&f->p.pq);
   vw_pq_acquire(&f->p.pq);
   struct later l = {f, 20, RETIRE};
   pthread_t t;
   pthread_create(&t, NULL, act_later, &l);
   uint32_t index;
   uint64_t t0 = now_ns();
   VkResult r = vw_acquire_wait(&f->p, 5000 * MS, &index);
   uint64_t waited = now_ns() - t0;
   pthread_join(t, NULL); /* before any assert: the thread uses the fixture */
   assert_int_equal(r, VK_ERROR_OUT_OF_DATE_KHR);
   assert_true(waited >= 15 * MS);
   assert_true(waited < 1000 * MS);
}

/* Another thread of the app presents both held images; the flips free the first. */
static void *
present_both_later(void *arg)
{
   struct fixture *f = arg;
   usleep(20000);
   pthread_mutex_lock(&f->p.lock);
   uint32_t rel[VW_MAX_IMAGES];
   uint64_t wait;
   /* No cmocka asserts off the test's thread: a failed queue shows as a timeout instead. */
   for (uint32_t i = 0; i < 2 && vw_pq_queue(&f->p.pq, i, false); i++) {
      vw_pq_mark_ready(&f->p.pq, i, 0, rel);
      vw_pq_pick(&f->p.pq, 0, &wait);
      vw_pq_flip_started(&f->p.pq, i, 0);
      vw_pq_flip_done(&f->p.pq, 0, rel);
   }
   pthread_cond_broadcast(&f->p.changed);
   pthread_mutex_unlock(&f->p.lock);
   return NULL;
}

static void
hopeless_finite_wait_gets_an_image_presented_meanwhile(void **state)
{
   struct fixture *f = *state;
   vw_pq_acquire(&f->p.pq);
   vw_pq_acquire(&f->p.pq);
   pthread_t t;
   pthread_create(&t, NULL, present_both_later, f);
   uint32_t index = 99;
   VkResult r = vw_acquire_wait(&f->p, 5000 * MS, &index);
   pthread_join(t, NULL);
   assert_int_equal(r, VK_SUCCESS);
   assert_int_equal(index, 0);
}

static void
wait_ends_when_an_image_is_freed(void **state)
{
   struct fixture *f = *state;
   /* Image 1 is on screen; image 0 presented: its flip frees 1. */
   vw_pq_acquire(&f->p.pq);
   vw_pq_acquire(&f->p.pq);
   uint32_t rel[VW_MAX_IMAGES];
   uint64_t wait;
   assert_true(vw_pq_queue(&f->p.pq, 1, false));
   vw_pq_mark_ready(&f->p.pq, 1, 0, rel);
   vw_pq_pick(&f->p.pq, 0, &wait);
   vw_pq_flip_started(&f->p.pq, 1, 0);
   vw_pq_flip_done(&f->p.pq, 0, rel);
   assert_true(vw_pq_queue(&f->p.pq, 0, false));

   struct later l = {f, 30, FREE_IMAGE};
   pthread_t t;
   pthread_create(&t, NULL, act_later, &l);
   uint32_t index = 99;
   uint64_t t0 = now_ns();
   assert_int_equal(vw_acquire_wait(&f->p, UINT64_MAX, &index), VK_SUCCESS);
   uint64_t waited = now_ns() - t0;
   pthread_join(t, NULL);
   assert_int_equal(index, 1);
   assert_true(waited >= 25 * MS);
   assert_true(waited < 1000 * MS);
}

static void
failure_during_the_wait_is_returned(void **state)
{
   struct fixture *f = *state;
   take_all_but_queue_one(f);
   struct later l = {f, 20, FAIL};
   pthread_t t;
   pthread_create(&t, NULL, act_later, &l);
   uint32_t index;
   assert_int_equal(vw_acquire_wait(&f->p, 5000 * MS, &index), VK_ERROR_SURFACE_LOST_KHR);
   pthread_join(t, NULL);
}

static void
retirement_during_the_wait_is_out_of_date(void **state)
{
   struct fixture *f = *state;
   take_all_but_queue_one(f);
   struct later l = {f, 20, RETIRE};
   pthread_t t;
   pthread_create(&t, NULL, act_later, &l);
   uint32_t index;
   assert_int_equal(vw_acquire_wait(&f->p, 5000 * MS, &index), VK_ERROR_OUT_OF_DATE_KHR);
   pthread_join(t, NULL);
}

static void
suboptimal_is_passed_on_with_the_image(void **state)
{
   struct fixture *f = *state;
   f->p.status = VK_SUBOPTIMAL_KHR;
   uint32_t index;
   assert_int_equal(vw_acquire_wait(&f->p, 0, &index), VK_SUBOPTIMAL_KHR);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(zero_timeout_is_not_ready, setup, teardown),
      cmocka_unit_test_setup_teardown(free_image_is_returned_at_once, setup, teardown),
      cmocka_unit_test_setup_teardown(timeout_waits_its_full_length, setup, teardown),
      cmocka_unit_test_setup_teardown(hopeless_wait_times_out_at_once, setup, teardown),
      cmocka_unit_test_setup_teardown(hopeless_finite_wait_takes_its_timeout, setup, teardown),
      cmocka_unit_test_setup_teardown(hopeless_finite_wait_ends_on_failure, setup, teardown),
      cmocka_unit_test_setup_teardown(hopeless_finite_wait_ends_on_retirement, setup, teardown),
      cmocka_unit_test_setup_teardown(hopeless_finite_wait_gets_an_image_presented_meanwhile,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(wait_ends_when_an_image_is_freed, setup, teardown),
      cmocka_unit_test_setup_teardown(failure_during_the_wait_is_returned, setup, teardown),
      cmocka_unit_test_setup_teardown(retirement_during_the_wait_is_out_of_date, setup, teardown),
      cmocka_unit_test_setup_teardown(suboptimal_is_passed_on_with_the_image, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

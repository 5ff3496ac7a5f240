/* VK_KHR_present_id / VK_KHR_present_wait: which ids complete when a frame reaches the
 * screen, and vkWaitForPresentKHR's rules against a real condition variable and clock. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "venus_wsi/present_wait.h"
#include "venus_wsi/presentation.h"

#include "presentation_fixture.h"

/* --- the bookkeeping alone --- */

static void
shown_frame_completes_its_id(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   assert_true(vw_present_ids_queue(&ids, 0, 5, false));
   assert_int_equal(vw_present_ids_check(&ids, 5, false, false), VW_PRESENT_ID_PENDING);
   assert_true(vw_present_ids_shown(&ids, 0));
   assert_int_equal(ids.completed, 5);
   assert_int_equal(vw_present_ids_check(&ids, 5, false, false), VW_PRESENT_ID_DONE);
   assert_int_equal(vw_present_ids_check(&ids, 3, false, false), VW_PRESENT_ID_DONE);
   assert_int_equal(vw_present_ids_check(&ids, 6, false, false), VW_PRESENT_ID_PENDING);
}

static void
id_zero_is_always_complete(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   assert_int_equal(vw_present_ids_check(&ids, 0, true, true), VW_PRESENT_ID_DONE);
}

/* MAILBOX: frame 1 (id 10) is replaced by frame 2 (id 11) before it is shown. */
static void
replaced_frame_completes_with_the_next_shown(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   vw_present_ids_queue(&ids, 1, 10, false);
   vw_present_ids_queue(&ids, 2, 11, false);
   assert_true(vw_present_ids_shown(&ids, 2));
   assert_int_equal(vw_present_ids_check(&ids, 10, false, false), VW_PRESENT_ID_DONE);
   assert_int_equal(vw_present_ids_check(&ids, 11, false, false), VW_PRESENT_ID_DONE);
}

/* FIFO_LATEST_READY with VK_KHR_present_id2's ids: the frames its refresh passes over
 * complete with the one shown, which the present queue picked; a frame still queued behind
 * it keeps its id pending. */
static void
latest_ready_passed_over_ids_complete_with_the_shown_frame(void **state)
{
   struct vw_present_queue pq;
   struct vw_present_ids ids;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_LATEST_READY_EXT, 4, false, 16 * 1000000ull);
   vw_present_ids_init(&ids);
   for (uint32_t i = 0; i < 4; i++) {
      assert_int_equal(vw_pq_acquire(&pq), (int32_t)i);
      assert_true(vw_pq_queue(&pq, i, false));
      assert_true(vw_present_ids_queue(&ids, i, 100 + i, false));
   }
   uint32_t rel[VW_MAX_IMAGES];
   for (uint32_t i = 0; i < 3; i++)
      vw_pq_mark_ready(&pq, i, 0, rel);
   uint64_t wait;
   int32_t pick = vw_pq_pick(&pq, 0, &wait);
   assert_int_equal(pick, 2);
   assert_int_equal(vw_pq_drop_passed_over(&pq, 2, rel), 2);
   vw_pq_flip_started(&pq, 2, 0);
   vw_pq_flip_done(&pq, 0, rel);
   assert_true(vw_present_ids_shown(&ids, 2));
   assert_int_equal(vw_present_ids_check(&ids, 100, false, false), VW_PRESENT_ID_DONE);
   assert_int_equal(vw_present_ids_check(&ids, 102, false, false), VW_PRESENT_ID_DONE);
   assert_int_equal(vw_present_ids_check(&ids, 103, false, false), VW_PRESENT_ID_PENDING);
   /* A retired swapchain whose last frame is still queued can still complete it. */
   assert_int_equal(vw_present_ids_check(&ids, 103, true, false), VW_PRESENT_ID_PENDING);
   assert_int_equal(vw_present_ids_check(&ids, 104, true, false), VW_PRESENT_ID_NEVER);
}

/* A frame without an id that reaches the screen still completes the ids before it. */
static void
frame_without_id_completes_earlier_ids(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   vw_present_ids_queue(&ids, 0, 7, false);
   vw_present_ids_queue(&ids, 1, 0, false);
   assert_true(vw_present_ids_shown(&ids, 1));
   assert_int_equal(ids.completed, 7);
}

/* FIFO shows the frames in order: the presented id climbs one frame at a time, and an
 * image reused for a later frame carries that frame's id. */
static void
fifo_order_climbs_per_frame(void **state)
{
   struct vw_present_ids seq;
   vw_present_ids_init(&seq);
   for (uint64_t id = 1; id <= 9; id++) {
      uint32_t index = (uint32_t)(id % 3);
      vw_present_ids_queue(&seq, index, id, false);
      assert_int_equal(vw_present_ids_check(&seq, id, false, false), VW_PRESENT_ID_PENDING);
      assert_true(vw_present_ids_shown(&seq, index));
      assert_int_equal(seq.completed, id);
   }
}

/* Showing an older frame after a newer one (never done by the present queue, but cheap to
 * guard) does not lower the presented id. */
static void
presented_id_never_goes_down(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   vw_present_ids_queue(&ids, 0, 3, false);
   vw_present_ids_queue(&ids, 1, 4, false);
   assert_true(vw_present_ids_shown(&ids, 1));
   assert_false(vw_present_ids_shown(&ids, 0));
   assert_int_equal(ids.completed, 4);
}

static void
decreasing_id_is_reported(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   assert_true(vw_present_ids_queue(&ids, 0, 8, false));
   assert_false(vw_present_ids_queue(&ids, 1, 8, false));
   assert_false(vw_present_ids_queue(&ids, 2, 2, false));
   assert_true(vw_present_ids_queue(&ids, 0, 0, false));
   assert_true(vw_present_ids_shown(&ids, 2));
   assert_int_equal(ids.completed, 8);
}

/* Retired: frames queued before still count; ids beyond them, or of frames presented to
 * the retired swapchain (discarded), never complete. */
static void
retired_swapchain_completes_only_what_it_had(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   vw_present_ids_queue(&ids, 0, 20, false);
   vw_present_ids_queue(&ids, 1, 21, true);
   assert_int_equal(vw_present_ids_check(&ids, 20, true, false), VW_PRESENT_ID_PENDING);
   assert_int_equal(vw_present_ids_check(&ids, 21, true, false), VW_PRESENT_ID_NEVER);
   assert_int_equal(vw_present_ids_check(&ids, 99, true, false), VW_PRESENT_ID_NEVER);
   assert_false(vw_present_ids_shown(&ids, 1));
   assert_true(vw_present_ids_shown(&ids, 0));
   assert_int_equal(ids.completed, 20);
}

static void
dropping_ends_every_pending_id(void **state)
{
   struct vw_present_ids ids;
   vw_present_ids_init(&ids);
   vw_present_ids_queue(&ids, 0, 1, false);
   vw_present_ids_queue(&ids, 1, 2, false);
   vw_present_ids_shown(&ids, 0);
   assert_int_equal(vw_present_ids_check(&ids, 1, false, true), VW_PRESENT_ID_DONE);
   assert_int_equal(vw_present_ids_check(&ids, 2, false, true), VW_PRESENT_ID_NEVER);
}

/* --- the wait --- */

struct later {
   struct fixture *f;
   unsigned delay_ms;
   enum { SHOW, FAIL, RETIRE, STOP } what;
};

static void *
act_later(void *arg)
{
   struct later *l = arg;
   usleep(l->delay_ms * 1000);
   struct vw_presentation *p = &l->f->p;
   pthread_mutex_lock(&p->lock);
   if (l->what == SHOW)
      vw_presentation_shown_locked(p, 0);
   else if (l->what == FAIL)
      vw_presentation_set_status_locked(p, VK_ERROR_SURFACE_LOST_KHR);
   else if (l->what == RETIRE)
      p->retired = true;
   else
      p->stopping = true;
   pthread_cond_broadcast(&p->changed);
   pthread_mutex_unlock(&p->lock);
   return NULL;
}

static VkResult
wait_with(struct fixture *f, struct later *l, uint64_t id, uint64_t timeout_ns,
          uint64_t *took_ns)
{
   pthread_t t;
   l->f = f;
   pthread_create(&t, NULL, act_later, l);
   uint64_t t0 = now_ns();
   VkResult r = vw_present_wait(&f->p, id, timeout_ns);
   *took_ns = now_ns() - t0;
   pthread_join(t, NULL);
   return r;
}

static void
zero_timeout_polls(void **state)
{
   struct fixture *f = *state;
   vw_present_ids_queue(&f->p.ids, 0, 1, false);
   assert_int_equal(vw_present_wait(&f->p, 1, 0), VK_TIMEOUT);
   assert_int_equal(vw_present_wait(&f->p, 0, 0), VK_SUCCESS);
   vw_present_ids_shown(&f->p.ids, 0);
   assert_int_equal(vw_present_wait(&f->p, 1, 0), VK_SUCCESS);
}

static void
finite_timeout_is_waited_out(void **state)
{
   struct fixture *f = *state;
   uint64_t t0 = now_ns();
   assert_int_equal(vw_present_wait(&f->p, 42, 50 * MS), VK_TIMEOUT);
   uint64_t took = now_ns() - t0;
   assert_true(took >= 50 * MS);
   assert_true(took < 500 * MS);
}

static void
wait_ends_when_the_frame_is_shown(void **state)
{
   struct fixture *f = *state;
   vw_present_ids_queue(&f->p.ids, 0, 3, false);
   struct later l = {.delay_ms = 30, .what = SHOW};
   uint64_t took;
   assert_int_equal(wait_with(f, &l, 3, UINT64_MAX, &took), VK_SUCCESS);
   assert_true(took >= 25 * MS);
}

static void
failure_ends_an_endless_wait(void **state)
{
   struct fixture *f = *state;
   vw_present_ids_queue(&f->p.ids, 0, 3, false);
   struct later l = {.delay_ms = 30, .what = FAIL};
   uint64_t took;
   assert_int_equal(wait_with(f, &l, 3, UINT64_MAX, &took), VK_ERROR_SURFACE_LOST_KHR);
}

static void
retirement_ends_a_wait_nothing_can_complete(void **state)
{
   struct fixture *f = *state;
   vw_present_ids_queue(&f->p.ids, 0, 3, false);
   struct later l = {.delay_ms = 30, .what = RETIRE};
   uint64_t took;
   assert_int_equal(wait_with(f, &l, 4, UINT64_MAX, &took), VK_ERROR_OUT_OF_DATE_KHR);
   /* id 3 was queued before: it may still reach the screen. */
   assert_int_equal(vw_present_wait(&f->p, 3, 0), VK_TIMEOUT);
}

static void
stop_ends_every_wait(void **state)
{
   struct fixture *f = *state;
   vw_present_ids_queue(&f->p.ids, 0, 3, false);
   struct later l = {.delay_ms = 30, .what = STOP};
   uint64_t took;
   assert_int_equal(wait_with(f, &l, 3, UINT64_MAX, &took), VK_ERROR_OUT_OF_DATE_KHR);
}

/* The frame reached the screen before the swapchain failed: the wait succeeds. */
static void
shown_before_failure_is_success(void **state)
{
   struct fixture *f = *state;
   vw_present_ids_queue(&f->p.ids, 0, 3, false);
   vw_present_ids_shown(&f->p.ids, 0);
   f->p.status = VK_ERROR_OUT_OF_DATE_KHR;
   assert_int_equal(vw_present_wait(&f->p, 3, UINT64_MAX), VK_SUCCESS);
   assert_int_equal(vw_present_wait(&f->p, 4, UINT64_MAX), VK_ERROR_OUT_OF_DATE_KHR);
}

static void
suboptimal_is_passed_on(void **state)
{
   struct fixture *f = *state;
   f->p.status = VK_SUBOPTIMAL_KHR;
   assert_int_equal(vw_present_wait(&f->p, 0, 0), VK_SUBOPTIMAL_KHR);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(shown_frame_completes_its_id),
      cmocka_unit_test(id_zero_is_always_complete),
      cmocka_unit_test(replaced_frame_completes_with_the_next_shown),
      cmocka_unit_test(latest_ready_passed_over_ids_complete_with_the_shown_frame),
      cmocka_unit_test(frame_without_id_completes_earlier_ids),
      cmocka_unit_test(fifo_order_climbs_per_frame),
      cmocka_unit_test(presented_id_never_goes_down),
      cmocka_unit_test(decreasing_id_is_reported),
      cmocka_unit_test(retired_swapchain_completes_only_what_it_had),
      cmocka_unit_test(dropping_ends_every_pending_id),
      cmocka_unit_test_setup_teardown(zero_timeout_polls, setup, teardown),
      cmocka_unit_test_setup_teardown(finite_timeout_is_waited_out, setup, teardown),
      cmocka_unit_test_setup_teardown(wait_ends_when_the_frame_is_shown, setup, teardown),
      cmocka_unit_test_setup_teardown(failure_ends_an_endless_wait, setup, teardown),
      cmocka_unit_test_setup_teardown(retirement_ends_a_wait_nothing_can_complete, setup, teardown),
      cmocka_unit_test_setup_teardown(stop_ends_every_wait, setup, teardown),
      cmocka_unit_test_setup_teardown(shown_before_failure_is_success, setup, teardown),
      cmocka_unit_test_setup_teardown(suboptimal_is_passed_on, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Present-mode bookkeeping: ordering, replacement, pacing, and who gets images back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "venus_wsi/present_queue.h"

#define MS 1000000ull

static void
present(struct vw_present_queue *pq, uint32_t index)
{
   assert_true(vw_pq_queue(pq, index, false));
}

/* Marks 'index' finished at 'now' (see ready()). */
static int32_t
ready_at(struct vw_present_queue *pq, uint32_t index, uint64_t now, uint32_t *released)
{
   uint32_t rel[VW_MAX_IMAGES];
   uint32_t n = vw_pq_mark_ready(pq, index, now, rel);
   if (released)
      *released = n;
   return n ? (int32_t)rel[0] : -1;
}

/* Marks 'index' finished at time 0; returns the first image freed by it, or -1. */
static int32_t
ready(struct vw_present_queue *pq, uint32_t index, uint32_t *released)
{
   return ready_at(pq, index, 0, released);
}

/* Shows 'index' (pick, flip started, flip done at 'now'). */
static void
show(struct vw_present_queue *pq, uint32_t index, uint64_t now)
{
   uint64_t wait;
   assert_int_equal(vw_pq_pick(pq, now, &wait), index);
   vw_pq_flip_started(pq, index, now);
   uint32_t rel[VW_MAX_IMAGES];
   vw_pq_flip_done(pq, now, rel);
}

static void
acquire_hands_out_longest_free_first(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 3, false, 0);
   assert_int_equal(vw_pq_acquire(&pq), 0);
   assert_int_equal(vw_pq_acquire(&pq), 1);
   assert_int_equal(vw_pq_acquire(&pq), 2);
   assert_int_equal(vw_pq_acquire(&pq), -1);
   /* 1 comes back first, then 0: the next acquires follow that order */
   present(&pq, 1);
   present(&pq, 0);
   ready(&pq, 1, NULL);
   ready(&pq, 0, NULL);
   show(&pq, 1, 0);
   show(&pq, 0, 0);
   assert_int_equal(vw_pq_acquire(&pq), 1);
   assert_int_equal(vw_pq_acquire(&pq), 0);
}

static void
queue_rejects_images_not_acquired(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 2, false, 0);
   assert_false(vw_pq_queue(&pq, 0, false)); /* free, not acquired */
   assert_false(vw_pq_queue(&pq, 7, false)); /* out of range */
   assert_int_equal(vw_pq_acquire(&pq), 0);
   assert_true(vw_pq_queue(&pq, 0, false));
   assert_false(vw_pq_queue(&pq, 0, false)); /* twice */
}

static void
fifo_shows_frames_in_present_order(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 3, true, 0);
   for (int i = 0; i < 3; i++)
      assert_int_equal(vw_pq_acquire(&pq), i);
   present(&pq, 0);
   present(&pq, 1);
   present(&pq, 2);
   uint64_t wait;
   /* The newest finishes first: FIFO still waits for the oldest. */
   ready(&pq, 2, NULL);
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), -1);
   assert_int_equal(vw_pq_oldest_queued(&pq), 0);
   ready(&pq, 0, NULL);
   ready(&pq, 1, NULL);
   show(&pq, 0, 0);
   show(&pq, 1, 0);
   show(&pq, 2, 0);
   assert_int_equal(pq.shown, 3);
   assert_int_equal(pq.skipped, 0);
   /* The display holds the last frame: 0 and 1 are free again, 2 is on screen. */
   assert_int_equal(pq.state[2], VW_IMAGE_DISPLAYED);
   assert_int_equal(vw_pq_count(&pq, VW_IMAGE_FREE), 2);
}

static void
nothing_is_picked_while_a_flip_is_pending(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_MAILBOX_KHR, 3, true, 0);
   vw_pq_acquire(&pq);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   present(&pq, 1);
   ready(&pq, 0, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), 0);
   vw_pq_flip_started(&pq, 0, 0);
   ready(&pq, 1, NULL);
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), -1);
   uint32_t rel[VW_MAX_IMAGES];
   assert_int_equal(vw_pq_flip_done(&pq, 0, rel), 0); /* nothing was displayed before */
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), 1);
}

static void
mailbox_replaces_finished_frames_at_once(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_MAILBOX_KHR, 4, true, 0);
   for (int i = 0; i < 3; i++)
      vw_pq_acquire(&pq);
   present(&pq, 0);
   present(&pq, 1);
   present(&pq, 2);
   uint32_t n;
   assert_int_equal(ready(&pq, 0, &n), -1);
   assert_int_equal(ready(&pq, 1, &n), 0); /* 1 replaces 0, which is free right away */
   assert_int_equal(n, 1);
   assert_int_equal(pq.state[0], VW_IMAGE_FREE);
   assert_int_equal(ready(&pq, 2, &n), 1);
   show(&pq, 2, 0);
   assert_int_equal(pq.skipped, 2);
   assert_int_equal(pq.shown, 1);
}

static void
mailbox_releases_unfinished_older_frames_once_done(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_MAILBOX_KHR, 3, true, 0);
   vw_pq_acquire(&pq);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   present(&pq, 1);
   ready(&pq, 1, NULL); /* newer done first; 0 still on the GPU */
   assert_int_equal(pq.state[0], VW_IMAGE_QUEUED);
   show(&pq, 1, 0);
   uint32_t n;
   assert_int_equal(ready(&pq, 0, &n), 0); /* released, never shown */
   assert_int_equal(pq.state[0], VW_IMAGE_FREE);
   assert_int_equal(pq.shown, 1);
   assert_int_equal(pq.skipped, 1);
}

static void
fifo_paces_to_the_refresh_grid(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 3, true, 16 * MS);
   vw_pq_acquire(&pq);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   show(&pq, 0, 100 * MS); /* the first frame goes at once */
   present(&pq, 1);
   ready_at(&pq, 1, 103 * MS, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 105 * MS, &wait), -1);
   assert_int_equal(wait, 116 * MS);
   /* Waking a little late for the refresh still shows it (no drifting deadline). */
   assert_int_equal(vw_pq_pick(&pq, 117 * MS, &wait), 1);
   assert_int_equal(wait, 0);
   /* A frame finished after its refresh waits for the next one on the same grid. */
   vw_pq_flip_started(&pq, 1, 117 * MS);
   uint32_t rel[VW_MAX_IMAGES];
   vw_pq_flip_done(&pq, 118 * MS, rel); /* a late start still counts from 116 */
   int32_t i = vw_pq_acquire(&pq);
   present(&pq, (uint32_t)i);
   ready_at(&pq, (uint32_t)i, 135 * MS, NULL);
   assert_int_equal(vw_pq_pick(&pq, 136 * MS, &wait), -1);
   assert_int_equal(wait, 148 * MS);
   assert_int_equal(vw_pq_pick(&pq, 149 * MS, &wait), i);
}

static void
fifo_relaxed_shows_a_late_frame_at_once(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_RELAXED_KHR, 3, true, 16 * MS);
   vw_pq_acquire(&pq);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   show(&pq, 0, 100 * MS);
   present(&pq, 1);
   ready_at(&pq, 1, 110 * MS, NULL);
   uint64_t wait;
   /* On time: waits for the refresh like FIFO. */
   assert_int_equal(vw_pq_pick(&pq, 110 * MS, &wait), -1);
   assert_int_equal(wait, 116 * MS);
   show(&pq, 1, 116 * MS);
   /* Late: no waiting for the next refresh. */
   int32_t i = vw_pq_acquire(&pq);
   present(&pq, (uint32_t)i);
   ready_at(&pq, (uint32_t)i, 135 * MS, NULL);
   assert_int_equal(vw_pq_pick(&pq, 135 * MS, &wait), i);
}

static void
immediate_never_waits_for_a_refresh(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_IMMEDIATE_KHR, 3, true, 16 * MS);
   vw_pq_acquire(&pq);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   show(&pq, 0, 100 * MS);
   present(&pq, 1);
   ready_at(&pq, 1, 101 * MS, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 101 * MS, &wait), 1);
}

static void
mailbox_waits_for_the_refresh_with_the_newest_frame(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_MAILBOX_KHR, 4, true, 16 * MS);
   for (int i = 0; i < 3; i++)
      vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   show(&pq, 0, 100 * MS);
   present(&pq, 1);
   ready_at(&pq, 1, 102 * MS, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 104 * MS, &wait), -1);
   present(&pq, 2);
   ready_at(&pq, 2, 108 * MS, NULL); /* replaces 1 while waiting */
   assert_int_equal(pq.state[1], VW_IMAGE_FREE);
   assert_int_equal(vw_pq_pick(&pq, 116 * MS, &wait), 2);
   show(&pq, 2, 116 * MS);
   /* Frames arriving faster than the refresh, each after the previous refresh: the newest
    * still goes out at the refresh after the first of them arrived (no starvation). */
   uint32_t a = (uint32_t)vw_pq_acquire(&pq);
   present(&pq, a);
   ready_at(&pq, a, 133 * MS, NULL); /* just after the 132 ms refresh */
   uint32_t b = (uint32_t)vw_pq_acquire(&pq);
   present(&pq, b);
   ready_at(&pq, b, 149 * MS, NULL); /* just after 148 ms: replaces a */
   assert_int_equal(vw_pq_pick(&pq, 149 * MS, &wait), b);
}

static void
headless_display_frees_a_frame_once_shown(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 2, false, 0);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   show(&pq, 0, 0);
   assert_int_equal(pq.state[0], VW_IMAGE_FREE);
   assert_int_equal(pq.displayed, -1);
}

static void
progress_is_impossible_only_when_the_app_holds_everything(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 2, true, 0);
   vw_pq_acquire(&pq);
   assert_true(vw_pq_can_progress(&pq)); /* one still free */
   vw_pq_acquire(&pq);
   assert_false(vw_pq_can_progress(&pq));
   present(&pq, 0);
   assert_true(vw_pq_can_progress(&pq)); /* a queued frame will come back */
   ready(&pq, 0, NULL);
   show(&pq, 0, 0);
   /* 0 is on screen and stays there until replaced; 1 is the app's. */
   assert_false(vw_pq_can_progress(&pq));
}

static void
discard_pending_frees_finished_and_marks_unfinished(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 3, true, 0);
   for (int i = 0; i < 3; i++)
      vw_pq_acquire(&pq);
   present(&pq, 0);
   present(&pq, 1);
   ready(&pq, 0, NULL);
   uint32_t rel[VW_MAX_IMAGES];
   assert_int_equal(vw_pq_discard_pending(&pq, rel), 1);
   assert_int_equal(rel[0], 0);
   uint32_t n;
   assert_int_equal(ready(&pq, 1, &n), 1); /* freed when done, not shown */
   assert_int_equal(pq.order_len, 0);
   assert_int_equal(pq.shown, 0);
   assert_true(vw_pq_unacquire(&pq, 2));
   assert_false(vw_pq_unacquire(&pq, 2));
   assert_int_equal(vw_pq_count(&pq, VW_IMAGE_FREE), 3);
}

static void
retired_presents_are_released_unshown(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 2, true, 0);
   vw_pq_acquire(&pq);
   assert_true(vw_pq_queue(&pq, 0, true));
   uint32_t n;
   assert_int_equal(ready(&pq, 0, &n), 0);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), -1);
}

static void
abandoned_flip_frees_its_image(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 2, true, 0);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), 0);
   vw_pq_flip_started(&pq, 0, 0);
   uint32_t rel[VW_MAX_IMAGES];
   assert_int_equal(vw_pq_flip_abandoned(&pq, rel), 1);
   assert_int_equal(pq.state[0], VW_IMAGE_FREE);
   assert_int_equal(pq.flipping, -1);
}

/* X11 Present and Wayland hand images back one at a time, late and in any order. */
static void
backend_releases_held_images_in_any_order(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 4, true, 0);
   pq.backend_releases = true;
   for (uint32_t i = 0; i < 3; i++) {
      assert_int_equal(vw_pq_acquire(&pq), i);
      present(&pq, i);
      ready(&pq, i, NULL);
      show(&pq, i, 0);
   }
   /* a later flip does not free the one it replaced: the server still has all three */
   assert_int_equal(vw_pq_count(&pq, VW_IMAGE_HELD), 3);
   assert_int_equal(pq.displayed, -1);
   assert_int_equal(pq.shown, 3);
   assert_int_equal(vw_pq_acquire(&pq), 3);
   assert_true(vw_pq_can_progress(&pq)); /* held images will come back */
   assert_int_equal(vw_pq_acquire(&pq), -1);

   assert_true(vw_pq_release(&pq, 1));
   assert_true(vw_pq_release(&pq, 0));
   assert_false(vw_pq_release(&pq, 1)); /* a repeated event changes nothing */
   assert_false(vw_pq_release(&pq, 3)); /* the app's, not the backend's */
   assert_false(vw_pq_release(&pq, 9));
   assert_int_equal(pq.state[3], VW_IMAGE_ACQUIRED);
   /* freed in the order they came back */
   assert_int_equal(vw_pq_acquire(&pq), 1);
   assert_int_equal(vw_pq_acquire(&pq), 0);
   assert_int_equal(pq.state[2], VW_IMAGE_HELD);
   assert_true(vw_pq_can_progress(&pq)); /* only 2 can come back, and it will */
   assert_true(vw_pq_release(&pq, 2));
   assert_int_equal(vw_pq_acquire(&pq), 2);
}

/* IdleNotify can overtake CompleteNotify: the image goes back once its flip is done. */
static void
release_before_the_flip_completes_frees_it_then(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_MAILBOX_KHR, 2, false, 0);
   pq.backend_releases = true;
   vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), 0);
   vw_pq_flip_started(&pq, 0, 0);
   assert_true(vw_pq_release(&pq, 0));
   assert_int_equal(pq.state[0], VW_IMAGE_FLIPPING); /* not yet: its flip is pending */
   uint32_t rel[VW_MAX_IMAGES];
   assert_int_equal(vw_pq_flip_done(&pq, 0, rel), 1);
   assert_int_equal(rel[0], 0);
   assert_int_equal(pq.state[0], VW_IMAGE_FREE);
   assert_int_equal(pq.shown, 1);
   /* the early mark does not outlive the image's turn */
   assert_int_equal(vw_pq_acquire(&pq), 1);
   assert_int_equal(vw_pq_acquire(&pq), 0);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   show(&pq, 0, 0);
   assert_int_equal(pq.state[0], VW_IMAGE_HELD);
}

static void
release_is_refused_where_the_flip_frees_images(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 2, true, 0);
   vw_pq_acquire(&pq);
   present(&pq, 0);
   ready(&pq, 0, NULL);
   show(&pq, 0, 0);
   assert_false(vw_pq_release(&pq, 0));
   assert_int_equal(pq.state[0], VW_IMAGE_DISPLAYED);
}

/* FIFO_LATEST_READY, one flip per refresh on a fake clock: at each refresh the newest of
 * the finished frames at the head goes, the older ones are freed unshown. */
static void
latest_ready_shows_the_newest_finished_frame_per_refresh(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_LATEST_READY_EXT, 4, true, 16 * MS);
   for (uint32_t i = 0; i < 4; i++)
      assert_int_equal(vw_pq_acquire(&pq), (int32_t)i);
   present(&pq, 0);
   ready_at(&pq, 0, 0, NULL);
   show(&pq, 0, 0); /* the first frame: nothing to pace against */

   present(&pq, 1);
   present(&pq, 2);
   present(&pq, 3);
   uint32_t released = 99;
   /* Unlike MAILBOX, finishing frees nothing yet: the choice is made at the refresh. */
   assert_int_equal(ready_at(&pq, 1, 2 * MS, &released), -1);
   assert_int_equal(released, 0);
   assert_int_equal(ready_at(&pq, 2, 5 * MS, &released), -1);
   assert_int_equal(released, 0);

   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 5 * MS, &wait), -1);
   assert_int_equal(wait, 16 * MS); /* the refresh after the head (1) was ready */
   /* By the refresh, 2 is the newest finished one; 3 is still rendering. */
   assert_int_equal(vw_pq_pick(&pq, 16 * MS, &wait), 2);
   assert_int_equal(wait, 0);
   uint32_t rel[VW_MAX_IMAGES];
   assert_int_equal(vw_pq_drop_passed_over(&pq, 2, rel), 1);
   assert_int_equal(rel[0], 1);
   assert_int_equal(pq.state[1], VW_IMAGE_FREE);
   vw_pq_flip_started(&pq, 2, 16 * MS);
   assert_int_equal(vw_pq_flip_done(&pq, 16 * MS, rel), 1); /* 0 leaves the screen */
   assert_int_equal(pq.skipped, 1);
   assert_int_equal(pq.shown, 2);

   /* 3 finishes late: it waits for the next refresh, as FIFO's frame would. */
   ready_at(&pq, 3, 40 * MS, NULL);
   assert_int_equal(vw_pq_pick(&pq, 40 * MS, &wait), -1);
   assert_int_equal(wait, 48 * MS);
   assert_int_equal(vw_pq_pick(&pq, 48 * MS, &wait), 3);
   assert_int_equal(vw_pq_drop_passed_over(&pq, 3, rel), 0);
}

/* A frame still rendering at the head holds back the finished ones behind it (the run of
 * finished frames starts at the head), and nothing is dropped past it. */
static void
latest_ready_waits_for_an_unfinished_head(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_LATEST_READY_EXT, 4, false, 16 * MS);
   for (uint32_t i = 0; i < 3; i++)
      assert_int_equal(vw_pq_acquire(&pq), (int32_t)i);
   present(&pq, 0);
   present(&pq, 1);
   present(&pq, 2);
   ready_at(&pq, 1, 1 * MS, NULL);
   ready_at(&pq, 2, 2 * MS, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 100 * MS, &wait), -1);
   assert_int_equal(wait, 0);
   ready_at(&pq, 0, 3 * MS, NULL);
   assert_int_equal(vw_pq_pick(&pq, 100 * MS, &wait), 2);
   uint32_t rel[VW_MAX_IMAGES];
   assert_int_equal(vw_pq_drop_passed_over(&pq, 2, rel), 2);
   assert_int_equal(rel[0], 0);
   assert_int_equal(rel[1], 1);
   assert_int_equal(pq.order_len, 1);
}

/* Frames in other modes are not dropped by a FIFO_LATEST_READY frame behind them: a FIFO
 * frame at the head is shown on its own, and a picked FIFO frame drops nothing. */
static void
latest_ready_passes_over_only_its_own_mode(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, VK_PRESENT_MODE_FIFO_KHR, 4, false, 16 * MS);
   for (uint32_t i = 0; i < 3; i++)
      assert_int_equal(vw_pq_acquire(&pq), (int32_t)i);
   present(&pq, 0); /* FIFO */
   pq.mode = VK_PRESENT_MODE_FIFO_LATEST_READY_EXT;
   present(&pq, 1);
   present(&pq, 2);
   ready_at(&pq, 0, 0, NULL);
   ready_at(&pq, 1, 0, NULL);
   ready_at(&pq, 2, 0, NULL);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), 0);
   uint32_t rel[VW_MAX_IMAGES];
   assert_int_equal(vw_pq_drop_passed_over(&pq, 0, rel), 0);
   vw_pq_flip_started(&pq, 0, 0);
   vw_pq_flip_done(&pq, 0, rel);
   assert_int_equal(vw_pq_pick(&pq, 16 * MS, &wait), 2);
   assert_int_equal(vw_pq_drop_passed_over(&pq, 2, rel), 1);
   assert_int_equal(rel[0], 1);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(acquire_hands_out_longest_free_first),
      cmocka_unit_test(queue_rejects_images_not_acquired),
      cmocka_unit_test(fifo_shows_frames_in_present_order),
      cmocka_unit_test(nothing_is_picked_while_a_flip_is_pending),
      cmocka_unit_test(mailbox_replaces_finished_frames_at_once),
      cmocka_unit_test(mailbox_releases_unfinished_older_frames_once_done),
      cmocka_unit_test(fifo_paces_to_the_refresh_grid),
      cmocka_unit_test(fifo_relaxed_shows_a_late_frame_at_once),
      cmocka_unit_test(immediate_never_waits_for_a_refresh),
      cmocka_unit_test(mailbox_waits_for_the_refresh_with_the_newest_frame),
      cmocka_unit_test(headless_display_frees_a_frame_once_shown),
      cmocka_unit_test(progress_is_impossible_only_when_the_app_holds_everything),
      cmocka_unit_test(discard_pending_frees_finished_and_marks_unfinished),
      cmocka_unit_test(retired_presents_are_released_unshown),
      cmocka_unit_test(abandoned_flip_frees_its_image),
      cmocka_unit_test(backend_releases_held_images_in_any_order),
      cmocka_unit_test(release_before_the_flip_completes_frees_it_then),
      cmocka_unit_test(release_is_refused_where_the_flip_frees_images),
      cmocka_unit_test(latest_ready_shows_the_newest_finished_frame_per_refresh),
      cmocka_unit_test(latest_ready_waits_for_an_unfinished_head),
      cmocka_unit_test(latest_ready_passes_over_only_its_own_mode),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

/* VK_EXT_swapchain_maintenance1's present-mode switching: which modes each backend kind
 * switches between without a new swapchain, how the present queue treats frames presented
 * in different modes, and images given back unpresented (vkReleaseSwapchainImagesEXT). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "venus_wsi/present_modes.h"
#include "venus_wsi/present_queue.h"

#define MS 1000000ull

static const VkPresentModeKHR FIFO = VK_PRESENT_MODE_FIFO_KHR;
static const VkPresentModeKHR RELAXED = VK_PRESENT_MODE_FIFO_RELAXED_KHR;
static const VkPresentModeKHR MAILBOX = VK_PRESENT_MODE_MAILBOX_KHR;
static const VkPresentModeKHR IMMEDIATE = VK_PRESENT_MODE_IMMEDIATE_KHR;
static const VkPresentModeKHR LATEST = VK_PRESENT_MODE_FIFO_LATEST_READY_EXT;

static bool
contains(const VkPresentModeKHR *modes, uint32_t n, VkPresentModeKHR mode)
{
   for (uint32_t i = 0; i < n; i++)
      if (modes[i] == mode)
         return true;
   return false;
}

static void
all_switch_freely(void **state)
{
   VkPresentModeKHR out[VW_PRESENT_MODE_MAX];
   const VkPresentModeKHR modes[] = {FIFO, RELAXED, MAILBOX, IMMEDIATE, LATEST};
   for (int m = 0; m < 5; m++) {
      uint32_t n = vw_compatible_present_modes(VW_MODES_ALL, modes[m], out);
      assert_int_equal(n, 5);
      assert_int_equal(out[0], modes[m]); /* the asked mode first */
      for (int k = 0; k < 5; k++)
         assert_true(contains(out, n, modes[k]));
   }
   assert_true(vw_present_modes_compatible(VW_MODES_ALL, modes, 5));
}

static void
fifo_or_not_pairs(void **state)
{
   VkPresentModeKHR out[VW_PRESENT_MODE_MAX];
   uint32_t n = vw_compatible_present_modes(VW_MODES_FIFO_OR_NOT, FIFO, out);
   assert_int_equal(n, 3);
   assert_int_equal(out[0], FIFO);
   assert_int_equal(out[1], RELAXED);
   assert_int_equal(out[2], LATEST);
   /* FIFO_LATEST_READY waits for the display like FIFO does. */
   n = vw_compatible_present_modes(VW_MODES_FIFO_OR_NOT, LATEST, out);
   assert_int_equal(n, 3);
   assert_int_equal(out[0], LATEST);
   assert_true(contains(out, n, FIFO) && contains(out, n, RELAXED));
   assert_false(contains(out, n, MAILBOX) || contains(out, n, IMMEDIATE));
   n = vw_compatible_present_modes(VW_MODES_FIFO_OR_NOT, IMMEDIATE, out);
   assert_int_equal(n, 2);
   assert_int_equal(out[0], IMMEDIATE);
   assert_int_equal(out[1], MAILBOX);
   const VkPresentModeKHR ok[] = {MAILBOX, IMMEDIATE};
   const VkPresentModeKHR bad[] = {FIFO, MAILBOX};
   assert_true(vw_present_modes_compatible(VW_MODES_FIFO_OR_NOT, ok, 2));
   assert_false(vw_present_modes_compatible(VW_MODES_FIFO_OR_NOT, bad, 2));
}

static void
none_only_itself(void **state)
{
   VkPresentModeKHR out[VW_PRESENT_MODE_MAX];
   assert_int_equal(vw_compatible_present_modes(VW_MODES_NONE, MAILBOX, out), 1);
   assert_int_equal(out[0], MAILBOX);
   assert_int_equal(vw_compatible_present_modes(VW_MODES_NONE, LATEST, out), 1);
   assert_int_equal(out[0], LATEST);
   const VkPresentModeKHR same[] = {FIFO, FIFO};
   const VkPresentModeKHR two[] = {FIFO, RELAXED};
   assert_true(vw_present_modes_compatible(VW_MODES_NONE, same, 2));
   assert_false(vw_present_modes_compatible(VW_MODES_NONE, two, 2));
}

static void
unknown_modes_are_compatible_with_nothing(void **state)
{
   VkPresentModeKHR out[VW_PRESENT_MODE_MAX];
   VkPresentModeKHR shared = VK_PRESENT_MODE_SHARED_DEMAND_REFRESH_KHR;
   assert_false(vw_present_mode_known(shared));
   assert_int_equal(vw_compatible_present_modes(VW_MODES_ALL, shared, out), 0);
   const VkPresentModeKHR mixed[] = {FIFO, shared};
   assert_false(vw_present_modes_compatible(VW_MODES_ALL, mixed, 2));
}

static uint32_t
mark_ready(struct vw_present_queue *pq, uint32_t index, uint64_t now)
{
   uint32_t rel[VW_MAX_IMAGES];
   return vw_pq_mark_ready(pq, index, now, rel);
}

static void
flip(struct vw_present_queue *pq, int32_t index, uint64_t now)
{
   assert_true(index >= 0);
   vw_pq_flip_started(pq, (uint32_t)index, now);
   uint32_t rel[VW_MAX_IMAGES];
   vw_pq_flip_done(pq, now, rel);
}

/* A FIFO frame is shown even when a MAILBOX frame follows it unfinished; a finished
 * MAILBOX frame replaces the finished FIFO frames before it. */
static void
each_frame_keeps_its_mode(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, FIFO, 4, false, 16 * MS);
   for (int i = 0; i < 4; i++)
      assert_int_equal(vw_pq_acquire(&pq), i);
   assert_true(vw_pq_queue(&pq, 0, false)); /* FIFO */
   pq.mode = MAILBOX;
   assert_true(vw_pq_queue(&pq, 1, false)); /* MAILBOX */
   assert_int_equal(pq.frame_mode[0], FIFO);
   assert_int_equal(pq.frame_mode[1], MAILBOX);
   assert_int_equal(mark_ready(&pq, 0, 0), 0);
   uint64_t wait;
   assert_int_equal(vw_pq_pick(&pq, 0, &wait), 0); /* 1 unfinished: FIFO's frame goes */
   flip(&pq, 0, 0);

   pq.mode = FIFO;
   assert_true(vw_pq_queue(&pq, 2, false)); /* FIFO */
   pq.mode = IMMEDIATE;
   assert_true(vw_pq_queue(&pq, 3, false)); /* IMMEDIATE */
   assert_int_equal(mark_ready(&pq, 2, 1 * MS), 0);
   /* 1 (MAILBOX) finishing replaces nothing before it: 0 was shown already. */
   assert_int_equal(mark_ready(&pq, 1, 1 * MS), 0);
   /* 3 (IMMEDIATE) replaces the finished 1 and 2, and is shown without waiting for the
    * refresh 16 ms after the last flip. */
   assert_int_equal(mark_ready(&pq, 3, 2 * MS), 2);
   assert_int_equal(vw_pq_pick(&pq, 2 * MS, &wait), 3);
   assert_int_equal(wait, 0);
   flip(&pq, 3, 2 * MS);
   assert_int_equal(pq.skipped, 2);
}

/* A FIFO frame after a flip waits for the refresh; the same frame in FIFO_RELAXED when it
 * missed the refresh goes at once. */
static void
pacing_follows_the_picked_frame(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, FIFO, 3, false, 16 * MS);
   for (int i = 0; i < 3; i++)
      vw_pq_acquire(&pq);
   assert_true(vw_pq_queue(&pq, 0, false));
   mark_ready(&pq, 0, 0);
   uint64_t wait;
   flip(&pq, vw_pq_pick(&pq, 0, &wait), 0);
   assert_true(vw_pq_queue(&pq, 1, false));
   mark_ready(&pq, 1, 20 * MS);
   assert_int_equal(vw_pq_pick(&pq, 20 * MS, &wait), -1); /* FIFO: the 32 ms refresh */
   assert_int_equal(wait, 32 * MS);
   flip(&pq, vw_pq_pick(&pq, 32 * MS, &wait), 32 * MS);
   pq.mode = RELAXED;
   assert_true(vw_pq_queue(&pq, 2, false));
   mark_ready(&pq, 2, 50 * MS); /* after its refresh at 48 ms */
   assert_int_equal(vw_pq_pick(&pq, 50 * MS, &wait), 2);
}

/* vkReleaseSwapchainImagesEXT: acquired images go back last in line; others are refused. */
static void
release_returns_acquired_images(void **state)
{
   struct vw_present_queue pq;
   vw_pq_init(&pq, FIFO, 3, false, 0);
   assert_int_equal(vw_pq_acquire(&pq), 0);
   assert_int_equal(vw_pq_acquire(&pq), 1);
   assert_true(vw_pq_unacquire(&pq, 0));
   assert_false(vw_pq_unacquire(&pq, 0)); /* free already */
   assert_false(vw_pq_unacquire(&pq, 2)); /* never acquired */
   assert_false(vw_pq_unacquire(&pq, 7)); /* no such image */
   assert_true(vw_pq_queue(&pq, 1, false));
   assert_false(vw_pq_unacquire(&pq, 1)); /* presented */
   assert_int_equal(vw_pq_acquire(&pq), 2);
   assert_int_equal(vw_pq_acquire(&pq), 0); /* released: acquirable again */
   assert_int_equal(vw_pq_acquire(&pq), -1);
   assert_int_equal(pq.presented, 1);
   assert_int_equal(vw_pq_count(&pq, VW_IMAGE_ACQUIRED), 2);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(all_switch_freely),
      cmocka_unit_test(fifo_or_not_pairs),
      cmocka_unit_test(none_only_itself),
      cmocka_unit_test(unknown_modes_are_compatible_with_nothing),
      cmocka_unit_test(each_frame_keeps_its_mode),
      cmocka_unit_test(pacing_follows_the_picked_frame),
      cmocka_unit_test(release_returns_acquired_images),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

/* VK_KHR_present_id and VK_KHR_present_wait, apart from Vulkan so that their rules can be
 * unit-tested: which id a swapchain has presented, and the wait for it.
 *
 * A frame is shown only after every frame presented before it was shown or replaced (the
 * present queue keeps present order; MAILBOX and IMMEDIATE drop older frames, never newer
 * ones). So when a frame reaches the screen, every id presented up to it is complete, ids
 * of replaced frames included, even when the frame shown carried no id itself. Each queued
 * image therefore remembers the highest id presented up to and including it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "venus_wsi/present_queue.h"

struct vw_presentation;

struct vw_present_ids {
   uint64_t completed; /* the swapchain's presented id: every id up to it is complete */
   uint64_t queued;    /* the highest id of a frame that may still reach the screen */
   uint64_t last;      /* the highest id the app gave, shown or not (ordering check) */
   uint64_t upto[VW_MAX_IMAGES]; /* per queued image: 'queued' when it was queued */
};

void vw_present_ids_init(struct vw_present_ids *ids);

/* Image 'index' was queued carrying 'id' (0: none). A 'discarded' frame (presented to a
 * retired or failed swapchain) never reaches the screen, so its id never completes.
 * Returns false when 'id' is not above every earlier one (the spec requires increasing
 * ids; such an id still completes with the frames around it). */
bool vw_present_ids_queue(struct vw_present_ids *ids, uint32_t index, uint64_t id,
                          bool discarded);

/* Image 'index' reached the screen. Returns whether the presented id rose. */
bool vw_present_ids_shown(struct vw_present_ids *ids, uint32_t index);

enum vw_present_id_state {
   VW_PRESENT_ID_DONE,    /* a present with an id at least this large is complete */
   VW_PRESENT_ID_PENDING, /* it may still complete */
   VW_PRESENT_ID_NEVER,   /* nothing left can complete it */
};

/* Where 'id' stands. 'no_new_frames': nothing presented from now on can reach the screen
 * (retired swapchain); 'dropping': frames not yet shown never will be (the swapchain is
 * being destroyed). */
enum vw_present_id_state vw_present_ids_check(const struct vw_present_ids *ids, uint64_t id,
                                              bool no_new_frames, bool dropping);

/* vkWaitForPresentKHR on a presentation: VK_SUCCESS once 'id' is complete (even on a
 * swapchain that failed since: the frame did reach the screen), the latched error when the
 * swapchain failed before, VK_ERROR_OUT_OF_DATE_KHR when nothing left can complete it
 * (retired, being destroyed), VK_TIMEOUT when 'timeout_ns' passes (at once for 0). Takes
 * the presentation's lock and waits on its condition variable. */
VkResult vw_present_wait(struct vw_presentation *p, uint64_t id, uint64_t timeout_ns);

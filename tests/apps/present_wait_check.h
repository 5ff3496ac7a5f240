/* VK_KHR_present_id / VK_KHR_present_wait as an app uses them, on any surface: what the
 * headless and window tests share. The harness must have been started with present_wait. */
#pragma once

#include "frame_loop.h"

/* Whether the device lists 'name'. */
bool pw_device_lists(struct harness *h, const char *name);

/* Both extensions listed, both features reported and enabled, vkWaitForPresentKHR found
 * (the layer's own where 'layer_on_top'); returns it, or NULL after a failed check. */
PFN_vkWaitForPresentKHR pw_setup(struct harness *h, bool layer_on_top);

/* Presents 'frames' frames on 'fl' with increasing ids (with gaps; every fourth frame has
 * none), waiting for each in FIFO and FIFO_RELAXED; then one more whose wait must succeed,
 * after which every earlier id (and one between two presented) is complete at once, and an
 * id never presented times out: at once for a zero timeout, after 50 ms for 50 ms. */
void pw_check_swapchain(struct harness *h, PFN_vkWaitForPresentKHR wait, struct frame_loop *fl,
                        uint32_t frames);

/* VK_KHR_present_id2, VK_KHR_present_wait2 and VK_EXT_present_mode_fifo_latest_ready on
 * 'surface' (the harness started with present2): the three listed and their features
 * enabled, vkWaitForPresent2KHR found (the layer's own where 'layer_on_top'), both surface
 * capabilities true, FIFO_LATEST_READY offered (and, where 'expect_compat', compatible with
 * that many modes: surface maintenance enabled). Then a FIFO_LATEST_READY swapchain with
 * both create flags: 'frames' frames with VkPresentId2KHR each waited for (at most one per
 * refresh where 'hz' is set), as many again presented without waiting, the last waited for,
 * earlier ids complete at once, an id never presented timing out. Returns the swapchains
 * made (for serials). */
uint32_t pw2_check(struct harness *h, VkSurfaceKHR surface, VkExtent2D extent, uint32_t frames,
                   uint32_t serial, bool layer_on_top, uint32_t expect_compat, double hz);

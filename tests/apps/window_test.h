/* What the window-surface tests (X11, Wayland) share: the picture they present (four
 * quadrants whose colours follow the frame number) and its check on a screenshot, the
 * presenting loops, the validation self-check and the layer's statistics check. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frame_loop.h"

const char *wt_result_name(VkResult r);
/* Whether the comma list 'tests' names 'name'. */
bool wt_wants(const char *tests, const char *name);
/* fifo, mailbox, immediate, relaxed (or fifo_relaxed). */
bool wt_parse_mode(const char *s, VkPresentModeKHR *mode);
/* SIGALRM: the whole run took too long; 'what' names the test in the message. */
void wt_arm_alarm(const char *what, unsigned seconds);

void wt_quad_colour(uint64_t n, int q, uint8_t rgb[3]);
VkRect2D wt_quad_rect(VkExtent2D e, int q);
uint32_t wt_quad_scene(uint64_t frame, VkExtent2D extent, uint8_t bg[3],
                       struct scene_rect rects[FRAME_LOOP_MAX_RECTS]);

/* The RGB8 value at (x, y) of some screenshot. */
typedef const uint8_t *(*wt_pixel_fn)(const void *image, uint32_t x, uint32_t y);
/* Whether the 'extent' picture of frame 'n' sits at (x0, y0) of 'image': the centre and the
 * four corners of each quadrant within 'tolerance'. On a mismatch 'detail' says where. */
bool wt_quads_shown(const void *image, wt_pixel_fn pixel, uint32_t x0, uint32_t y0, uint64_t n,
                    VkExtent2D extent, int tolerance, char *detail, size_t detail_size);

/* Presents up to 'frames' frames; stops at the first result other than VK_SUCCESS. */
VkResult wt_present_frames(struct frame_loop *fl, uint32_t frames, uint32_t *done);
/* Presents until an error or for 'limit_ns'; returns the last result. */
VkResult wt_present_until_error(struct frame_loop *fl, uint64_t limit_ns, uint32_t *frames,
                                double *secs);

/* A deliberate misuse must be reported, or "zero messages" proves nothing. */
void wt_provoke_validation(struct harness *h);

/* Every line of VENUS_WSI_STATS_FILE names a 'backend' swapchain shown with 'method'
 * ('method_immediate' for IMMEDIATE ones where not NULL), one line per swapchain made. */
void wt_check_stats(struct harness *h, const char *backend, const char *method,
                    const char *method_immediate, uint32_t swapchains);

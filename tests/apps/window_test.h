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

/* Called after every frame wt_present_frames draws, when set (an app's own event
 * dispatching). */
extern void (*wt_between_frames)(void);

/* Presents up to 'frames' frames; stops at the first result other than VK_SUCCESS. */
VkResult wt_present_frames(struct frame_loop *fl, uint32_t frames, uint32_t *done);
/* Presents until an error or for 'limit_ns'; returns the last result. */
VkResult wt_present_until_error(struct frame_loop *fl, uint64_t limit_ns, uint32_t *frames,
                                double *secs);

/* A deliberate misuse must be reported, or "zero messages" proves nothing. */
void wt_provoke_validation(struct harness *h);

/* Every line of VENUS_WSI_STATS_FILE names a 'backend' swapchain shown with 'method'
 * ('method_immediate' for IMMEDIATE ones where not NULL), one line per swapchain made. With
 * 'fifo_all_shown' (every window was on screen), a FIFO swapchain whose display reported
 * what it did had no frame replaced but perhaps its last. */
void wt_check_stats(struct harness *h, const char *backend, const char *method,
                    const char *method_immediate, uint32_t swapchains, bool fifo_all_shown);

/* The surface's formats (B8G8R8A8 UNORM and SRGB among them) and present modes (FIFO among
 * them), printed and checked. */
void wt_check_formats_and_modes(struct harness *h, VkSurfaceKHR surface);

/* What a window test gives wt_test_modes. */
struct wt_window {
   void *ctx;
   /* A swapchain for the window in 'mode' (its failure already checked and printed). */
   VkResult (*make_swapchain)(void *ctx, struct frame_loop *fl, VkPresentModeKHR mode,
                              VkSwapchainKHR old);
   /* The window must show the swapchain's last frame. */
   void (*check_screen)(void *ctx, struct frame_loop *fl, const char *what);
   const char *clock; /* what paces FIFO, for messages: "the server's 60 Hz Present clock" */
};
/* Every present mode the surface offers, in turn (each swapchain retiring the previous):
 * 'frames' timed frames after a few to fill the queue, FIFO's frames/s within
 * [fifo_min, fifo_max] unless fifo_max is 0, then the screen. */
void wt_test_modes(struct harness *h, VkSurfaceKHR surface, const struct wt_window *win,
                   uint32_t frames, double fifo_min, double fifo_max);

/* VK_KHR_present_id / VK_KHR_present_wait in FIFO and MAILBOX (where offered): see
 * pw_check_swapchain; the window must show the last frame after. 'layer_on_top': the
 * layer's vkWaitForPresentKHR is the one the app gets (no validation layer above). */
void wt_test_present_wait(struct harness *h, VkSurfaceKHR surface, const struct wt_window *win,
                          uint32_t frames, bool layer_on_top);

/* The device extensions of a window test: the swapchain, and with 'present_wait' present id
 * and wait (the harness then enables their features). Returns how many. */
uint32_t wt_device_extensions(bool present_wait, const char *exts[3]);

/* Creates 'path' (when set) for the wrapper script that kills the server, and says so. */
void wt_signal_ready(const char *path, const char *server);
/* After the window or its server went away and presenting returned 'r' (< 0): later frames
 * must fail too, never hang; the surface's capabilities are printed; the swapchain is
 * destroyed (frame_loop_destroy), in under 2 s. */
void wt_after_loss(struct harness *h, struct frame_loop *fl, VkSurfaceKHR surface, VkResult r,
                   const char *what);

/* Splits a comma list of layer names into 'layers' (at most 4), in 'buf'. */
uint32_t wt_split_layers(const char *list, char *buf, size_t buf_size, const char *layers[4]);

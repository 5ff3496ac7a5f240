/* A swapchain and the frames drawn into it, the way a typical app does it: two frames in
 * flight, per-image render-done semaphores, and three ways of drawing that exercise the
 * present layout in render passes, barriers and synchronization2 barriers. */
#pragma once

#include "harness.h"
#include "scene_draw.h"

#define FRAME_LOOP_MAX_IMAGES 16

struct frame_loop {
   struct harness *h;
   VkSurfaceKHR surface;
   VkSwapchainKHR swapchain;
   VkFormat format;
   VkExtent2D extent;
   VkPresentModeKHR mode;
   uint32_t image_count;
   VkImage images[FRAME_LOOP_MAX_IMAGES];
   VkImageView views[FRAME_LOOP_MAX_IMAGES];
   VkFramebuffer framebuffers[FRAME_LOOP_MAX_IMAGES];
   VkSemaphore render_done[FRAME_LOOP_MAX_IMAGES];
   VkRenderPass render_pass;
   VkRenderPass render_pass_load; /* the same keeping the image's contents (damage_only) */
   VkCommandPool pool;
   VkCommandBuffer cmd[2];
   VkSemaphore acquired[2];
   VkFence in_flight[2];
   uint64_t frames; /* presents so far: the next frame's number */
   frame_scene_fn scene; /* when set, draws this instead of the test colours */
   /* When set (VK_KHR_incremental_present), returns the rectangles that changed since the
    * previous frame; they go to vkQueuePresentKHR as VkPresentRegionsKHR. */
   uint32_t (*damage)(uint64_t frame, VkExtent2D extent, VkRectLayerKHR rects[8]);
   /* With damage: redraw only the damaged rectangles, as a damage-aware app does, so that
    * what a frame costs is the presentation's work, not the drawing of a whole frame. An
    * image is drawn in full (a fixed background, presented as a full frame) the first time
    * it is acquired; then the rectangles, in the frame's colour, over what it held. Only for
    * damage that is the same every frame (nothing else needs repairing). */
   bool damage_only;
   bool drawn[FRAME_LOOP_MAX_IMAGES];
   uint32_t serial; /* the layer numbers swapchains in creation order, from 0 */
   uint64_t present_id; /* when not 0, the next present carries it (VkPresentIdKHR) */
   const void *present_next; /* chained last into every VkPresentInfoKHR when set */
};

/* Colours of frame 'n': the background everywhere, and a centre rectangle drawn in 'fg'
 * on frames that take the render-pass path (n % 3 == 0). */
void frame_colours(uint64_t n, uint8_t bg[3], uint8_t fg[3], bool *has_centre);
/* The centre rectangle of an extent: the middle half in each direction. */
VkRect2D frame_centre_rect(VkExtent2D extent);

/* Picks a UNORM 8-bit BGRA/RGBA surface format (so cleared values dump exactly). */
VkFormat frame_loop_pick_format(struct harness *h, VkSurfaceKHR surface);

VkResult frame_loop_create(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface,
                           VkExtent2D extent, VkPresentModeKHR mode, uint32_t min_images,
                           VkSwapchainKHR old, uint32_t serial);
/* The same with another composite alpha than OPAQUE (X11 windows of depth 32). */
VkResult frame_loop_create_alpha(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface,
                                 VkExtent2D extent, VkPresentModeKHR mode, uint32_t min_images,
                                 VkSwapchainKHR old, uint32_t serial,
                                 VkCompositeAlphaFlagBitsKHR alpha);
/* The same with a chain and flags for VkSwapchainCreateInfoKHR. */
VkResult frame_loop_create_ext(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface,
                               VkExtent2D extent, VkPresentModeKHR mode, uint32_t min_images,
                               VkSwapchainKHR old, uint32_t serial, const void *swapchain_next,
                               VkSwapchainCreateFlagsKHR flags);
/* Draws and presents one frame; returns the worst result of acquire and present. */
VkResult frame_loop_draw(struct frame_loop *fl);
/* Waits for the app's own frames (not the layer's) and frees everything. */
void frame_loop_destroy(struct frame_loop *fl, bool destroy_swapchain);

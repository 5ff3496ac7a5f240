/* venus-wsi-refloop's GPU side: one offscreen B8G8R8A8_UNORM image drawn with the demo's
 * scene, copied each frame into a linear host-visible buffer the CPU reads. No surface,
 * no swapchain: only what any Vulkan device has. */
#pragma once

#include "harness.h"
#include "scene_draw.h"

struct refloop_gpu {
   struct harness *h;
   VkExtent2D extent;
   VkImage image;
   VkDeviceMemory image_memory;
   VkImageView view;
   VkRenderPass pass;
   VkFramebuffer framebuffer;
   VkBuffer buffer;
   VkDeviceMemory buffer_memory;
   const uint8_t *pixels; /* the buffer, mapped: rows of extent.width * 4 bytes */
   bool cached, coherent;  /* the buffer's memory type */
   VkCommandPool pool;
   VkCommandBuffer cmd;
   VkFence fence;
};

/* false after printing one line; refloop_gpu_destroy is safe then. */
bool refloop_gpu_create(struct refloop_gpu *g, struct harness *h, VkExtent2D extent);
/* Records frame 'frame' of 'scene' and the copy into the buffer, and submits it. */
bool refloop_gpu_submit(struct refloop_gpu *g, frame_scene_fn scene, uint64_t frame);
/* Waits for the submitted frame and makes its pixels visible to the CPU. */
bool refloop_gpu_wait(struct refloop_gpu *g);
void refloop_gpu_destroy(struct refloop_gpu *g);

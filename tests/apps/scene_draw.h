/* The test apps' scenes: solid rectangles over a background, drawn without shaders (the
 * background as a render pass's clear, each rectangle by vkCmdClearAttachments). Shared by
 * the swapchain frame loop and venus-wsi-refloop, so both do the same work per frame. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#define FRAME_LOOP_MAX_RECTS 64

struct scene_rect {
   VkRect2D rect;
   uint8_t rgb[3];
};
typedef uint32_t (*frame_scene_fn)(uint64_t frame, VkExtent2D extent, uint8_t bg[3],
                                   struct scene_rect rects[FRAME_LOOP_MAX_RECTS]);

/* 8-bit RGB as a clear value: RGBA order whatever the format's memory order. */
VkClearColorValue scene_clear_value(const uint8_t rgb[3]);

/* A render pass with one colour attachment of 'format' and one subpass drawing into it:
 * loading what the image holds when 'load', else clearing it (as scene_record_pass wants),
 * taking it from 'initial' to 'final' with the app's dependencies. */
VkResult scene_create_render_pass(VkDevice device, VkFormat format, bool load, VkImageLayout initial,
                                  VkImageLayout final, const VkSubpassDependency *deps,
                                  uint32_t dep_count, VkRenderPass *out);

/* Records frame 'frame' of 'scene' as one render pass instance over the whole framebuffer
 * ('pass' must clear its single colour attachment). */
void scene_record_pass(VkCommandBuffer cmd, VkRenderPass pass, VkFramebuffer framebuffer,
                       VkExtent2D extent, frame_scene_fn scene, uint64_t frame);

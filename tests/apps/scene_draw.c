#include "scene_draw.h"

VkClearColorValue
scene_clear_value(const uint8_t rgb[3])
{
   return (VkClearColorValue){{rgb[0] / 255.0f, rgb[1] / 255.0f, rgb[2] / 255.0f, 1.0f}};
}

VkResult
scene_create_render_pass(VkDevice device, VkFormat format, bool load, VkImageLayout initial,
                         VkImageLayout final, const VkSubpassDependency *deps, uint32_t dep_count,
                         VkRenderPass *out)
{
   VkAttachmentDescription att = {
      .format = format,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .loadOp = load ? VK_ATTACHMENT_LOAD_OP_LOAD : VK_ATTACHMENT_LOAD_OP_CLEAR,
      .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
      .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
      .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
      .initialLayout = initial,
      .finalLayout = final,
   };
   VkAttachmentReference ref = {0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
   VkSubpassDescription sub = {
      .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS,
      .colorAttachmentCount = 1,
      .pColorAttachments = &ref,
   };
   VkRenderPassCreateInfo rci = {
      .sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
      .attachmentCount = 1,
      .pAttachments = &att,
      .subpassCount = 1,
      .pSubpasses = &sub,
      .dependencyCount = dep_count,
      .pDependencies = deps,
   };
   return vkCreateRenderPass(device, &rci, NULL, out);
}

void
scene_record_pass(VkCommandBuffer cmd, VkRenderPass pass, VkFramebuffer framebuffer,
                  VkExtent2D extent, frame_scene_fn scene, uint64_t frame)
{
   struct scene_rect rects[FRAME_LOOP_MAX_RECTS];
   uint8_t bg[3];
   uint32_t nrects = scene(frame, extent, bg, rects);
   VkClearValue clear = {.color = scene_clear_value(bg)};
   VkRenderPassBeginInfo rbi = {
      .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
      .renderPass = pass,
      .framebuffer = framebuffer,
      .renderArea = {{0, 0}, extent},
      .clearValueCount = 1,
      .pClearValues = &clear,
   };
   vkCmdBeginRenderPass(cmd, &rbi, VK_SUBPASS_CONTENTS_INLINE);
   for (uint32_t i = 0; i < nrects; i++) {
      VkClearAttachment ca = {VK_IMAGE_ASPECT_COLOR_BIT, 0, {.color = scene_clear_value(rects[i].rgb)}};
      VkClearRect rect = {rects[i].rect, 0, 1};
      vkCmdClearAttachments(cmd, 1, &ca, 1, &rect);
   }
   vkCmdEndRenderPass(cmd);
}

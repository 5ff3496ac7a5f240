#include "frame_loop.h"

#include <stdio.h>
#include <string.h>

void
frame_colours(uint64_t n, uint8_t bg[3], uint8_t fg[3], bool *has_centre)
{
   bg[0] = (uint8_t)(n * 37 + 10);
   bg[1] = (uint8_t)(n * 91 + 50);
   bg[2] = (uint8_t)(n * 53 + 100);
   for (int i = 0; i < 3; i++)
      fg[i] = (uint8_t)(255 - bg[i]);
   *has_centre = n % 3 == 0;
}

VkRect2D
frame_centre_rect(VkExtent2D e)
{
   return (VkRect2D){{(int32_t)(e.width / 4), (int32_t)(e.height / 4)},
                     {e.width / 2, e.height / 2}};
}

VkFormat
frame_loop_pick_format(struct harness *h, VkSurfaceKHR surface)
{
   VkSurfaceFormatKHR formats[32];
   uint32_t n = 32;
   vkGetPhysicalDeviceSurfaceFormatsKHR(h->pdev, surface, &n, formats);
   for (uint32_t i = 0; i < n; i++)
      if (formats[i].format == VK_FORMAT_B8G8R8A8_UNORM)
         return formats[i].format;
   for (uint32_t i = 0; i < n; i++)
      if (formats[i].format == VK_FORMAT_R8G8B8A8_UNORM)
         return formats[i].format;
   return VK_FORMAT_UNDEFINED;
}

/* load: keep what the image holds (it was presented before); else clear it. */
static VkResult
create_render_pass(struct frame_loop *fl, bool load, VkRenderPass *out)
{
   /* The acquire semaphore is waited at COLOR_ATTACHMENT_OUTPUT: order the layout
    * transition after it. */
   VkSubpassDependency dep = {
      .srcSubpass = VK_SUBPASS_EXTERNAL,
      .dstSubpass = 0,
      .srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
      .dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
      /* READ for the load; the same in both passes, which keeps them compatible (the
       * framebuffers are made with the clearing one). */
      .dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT,
   };
   return scene_create_render_pass(fl->h->device, fl->format, load,
                                   load ? VK_IMAGE_LAYOUT_PRESENT_SRC_KHR : VK_IMAGE_LAYOUT_UNDEFINED,
                                   VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, &dep, 1, out);
}

VkResult
frame_loop_create(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface,
                  VkExtent2D extent, VkPresentModeKHR mode, uint32_t min_images,
                  VkSwapchainKHR old, uint32_t serial)
{
   return frame_loop_create_alpha(fl, h, surface, extent, mode, min_images, old, serial,
                                  VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR);
}

static VkResult create(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface,
                       VkExtent2D extent, VkPresentModeKHR mode, uint32_t min_images,
                       VkSwapchainKHR old, uint32_t serial, VkCompositeAlphaFlagBitsKHR alpha,
                       const void *next, VkSwapchainCreateFlagsKHR flags);

VkResult
frame_loop_create_alpha(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface,
                        VkExtent2D extent, VkPresentModeKHR mode, uint32_t min_images,
                        VkSwapchainKHR old, uint32_t serial, VkCompositeAlphaFlagBitsKHR alpha)
{
   return create(fl, h, surface, extent, mode, min_images, old, serial, alpha, NULL, 0);
}

VkResult
frame_loop_create_ext(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface,
                      VkExtent2D extent, VkPresentModeKHR mode, uint32_t min_images,
                      VkSwapchainKHR old, uint32_t serial, const void *swapchain_next,
                      VkSwapchainCreateFlagsKHR flags)
{
   return create(fl, h, surface, extent, mode, min_images, old, serial,
                 VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR, swapchain_next, flags);
}

static VkResult
create(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface, VkExtent2D extent,
       VkPresentModeKHR mode, uint32_t min_images, VkSwapchainKHR old, uint32_t serial,
       VkCompositeAlphaFlagBitsKHR alpha, const void *next, VkSwapchainCreateFlagsKHR flags)
{
   memset(fl, 0, sizeof(*fl));
   fl->h = h;
   fl->surface = surface;
   fl->mode = mode;
   fl->serial = serial;
   fl->format = frame_loop_pick_format(h, surface);
   if (fl->format == VK_FORMAT_UNDEFINED)
      return VK_ERROR_FORMAT_NOT_SUPPORTED;

   VkSurfaceCapabilitiesKHR caps;
   VkResult r = vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps);
   if (r != VK_SUCCESS)
      return r;
   fl->extent = caps.currentExtent.width == UINT32_MAX ? extent : caps.currentExtent;
   uint32_t count = min_images > caps.minImageCount ? min_images : caps.minImageCount;
   if (caps.maxImageCount && count > caps.maxImageCount)
      count = caps.maxImageCount;

   VkSwapchainCreateInfoKHR sci = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
      .pNext = next,
      .flags = flags,
      .surface = surface,
      .minImageCount = count,
      .imageFormat = fl->format,
      .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
      .imageExtent = fl->extent,
      .imageArrayLayers = 1,
      .imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
      .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
      .preTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .compositeAlpha = alpha,
      .presentMode = mode,
      .clipped = VK_TRUE,
      .oldSwapchain = old,
   };
   r = vkCreateSwapchainKHR(h->device, &sci, NULL, &fl->swapchain);
   if (r != VK_SUCCESS)
      return r;
   fl->image_count = FRAME_LOOP_MAX_IMAGES;
   r = vkGetSwapchainImagesKHR(h->device, fl->swapchain, &fl->image_count, fl->images);
   if (r != VK_SUCCESS)
      return r;
   r = create_render_pass(fl, false, &fl->render_pass);
   if (r == VK_SUCCESS)
      r = create_render_pass(fl, true, &fl->render_pass_load);
   if (r != VK_SUCCESS)
      return r;

   VkSemaphoreCreateInfo semi = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   for (uint32_t i = 0; i < fl->image_count; i++) {
      VkImageViewCreateInfo vci = {
         .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
         .image = fl->images[i],
         .viewType = VK_IMAGE_VIEW_TYPE_2D,
         .format = fl->format,
         .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
      };
      if ((r = vkCreateImageView(h->device, &vci, NULL, &fl->views[i])) != VK_SUCCESS)
         return r;
      VkFramebufferCreateInfo fci = {
         .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
         .renderPass = fl->render_pass,
         .attachmentCount = 1,
         .pAttachments = &fl->views[i],
         .width = fl->extent.width,
         .height = fl->extent.height,
         .layers = 1,
      };
      if ((r = vkCreateFramebuffer(h->device, &fci, NULL, &fl->framebuffers[i])) != VK_SUCCESS)
         return r;
      if ((r = vkCreateSemaphore(h->device, &semi, NULL, &fl->render_done[i])) != VK_SUCCESS)
         return r;
   }
   VkCommandPoolCreateInfo pci = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
      .queueFamilyIndex = h->queue_family,
   };
   if ((r = vkCreateCommandPool(h->device, &pci, NULL, &fl->pool)) != VK_SUCCESS)
      return r;
   VkCommandBufferAllocateInfo cai = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = fl->pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 2,
   };
   if ((r = vkAllocateCommandBuffers(h->device, &cai, fl->cmd)) != VK_SUCCESS)
      return r;
   VkFenceCreateInfo fci = {
      .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
      .flags = VK_FENCE_CREATE_SIGNALED_BIT,
   };
   for (int i = 0; i < 2; i++) {
      if ((r = vkCreateSemaphore(h->device, &semi, NULL, &fl->acquired[i])) != VK_SUCCESS)
         return r;
      if ((r = vkCreateFence(h->device, &fci, NULL, &fl->in_flight[i])) != VK_SUCCESS)
         return r;
   }
   return VK_SUCCESS;
}

static void
barrier1(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to,
         VkPipelineStageFlags src, VkAccessFlags src_access, VkPipelineStageFlags dst,
         VkAccessFlags dst_access)
{
   VkImageMemoryBarrier b = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
      .srcAccessMask = src_access,
      .dstAccessMask = dst_access,
      .oldLayout = from,
      .newLayout = to,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .image = image,
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   vkCmdPipelineBarrier(cmd, src, dst, 0, 0, NULL, 0, NULL, 1, &b);
}

static void
barrier2(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to,
         VkPipelineStageFlags2 src, VkAccessFlags2 src_access, VkPipelineStageFlags2 dst,
         VkAccessFlags2 dst_access)
{
   VkImageMemoryBarrier2 b = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
      .srcStageMask = src,
      .srcAccessMask = src_access,
      .dstStageMask = dst,
      .dstAccessMask = dst_access,
      .oldLayout = from,
      .newLayout = to,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .image = image,
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   VkDependencyInfo dep = {
      .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
      .imageMemoryBarrierCount = 1,
      .pImageMemoryBarriers = &b,
   };
   vkCmdPipelineBarrier2(cmd, &dep);
}

/* damage_only: the first draw of an image clears it to a fixed background (every image
 * then agrees outside the rectangles); later ones draw the rectangles alone. */
static void
record_damage(struct frame_loop *fl, VkCommandBuffer cmd, uint32_t index, uint64_t n,
              const VkRectLayerKHR *rects, uint32_t nrects)
{
   uint8_t bg[3], fg[3], grey[3] = {64, 64, 64};
   bool centre;
   frame_colours(n, bg, fg, &centre);
   VkRect2D area = {{0, 0}, fl->extent};
   if (fl->drawn[index] && nrects) {
      /* The render area bounds what the pass loads and stores. */
      int32_t x0 = INT32_MAX, y0 = INT32_MAX, x1 = 0, y1 = 0;
      for (uint32_t i = 0; i < nrects; i++) {
         x0 = rects[i].offset.x < x0 ? rects[i].offset.x : x0;
         y0 = rects[i].offset.y < y0 ? rects[i].offset.y : y0;
         int32_t xe = rects[i].offset.x + (int32_t)rects[i].extent.width;
         int32_t ye = rects[i].offset.y + (int32_t)rects[i].extent.height;
         x1 = xe > x1 ? xe : x1;
         y1 = ye > y1 ? ye : y1;
      }
      area = (VkRect2D){{x0, y0}, {(uint32_t)(x1 - x0), (uint32_t)(y1 - y0)}};
   }
   bool load = fl->drawn[index] && nrects;
   VkClearValue clear = {.color = scene_clear_value(grey)};
   VkRenderPassBeginInfo rbi = {
      .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
      .renderPass = load ? fl->render_pass_load : fl->render_pass,
      .framebuffer = fl->framebuffers[index],
      .renderArea = area,
      .clearValueCount = 1,
      .pClearValues = &clear,
   };
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   vkBeginCommandBuffer(cmd, &bi);
   vkCmdBeginRenderPass(cmd, &rbi, VK_SUBPASS_CONTENTS_INLINE);
   VkClearAttachment ca = {VK_IMAGE_ASPECT_COLOR_BIT, 0, {.color = scene_clear_value(bg)}};
   for (uint32_t i = 0; i < nrects; i++) {
      VkClearRect rect = {{rects[i].offset, rects[i].extent}, 0, 1};
      vkCmdClearAttachments(cmd, 1, &ca, 1, &rect);
   }
   vkCmdEndRenderPass(cmd);
   vkEndCommandBuffer(cmd);
   fl->drawn[index] = true;
}

static void
record(struct frame_loop *fl, VkCommandBuffer cmd, uint32_t index, uint64_t n)
{
   uint8_t bg[3], fg[3];
   bool centre;
   frame_colours(n, bg, fg, &centre);
   VkClearColorValue bgc = scene_clear_value(bg), fgc = scene_clear_value(fg);
   VkImage image = fl->images[index];
   VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};

   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   vkBeginCommandBuffer(cmd, &bi);
   int variant = (int)(n % 3);
   if (variant == 2 && !fl->h->has_sync2)
      variant = 1;
   if (fl->scene) {
      scene_record_pass(cmd, fl->render_pass, fl->framebuffers[index], fl->extent, fl->scene, n);
   } else if (variant == 0) {
      VkClearValue clear = {.color = bgc};
      VkRenderPassBeginInfo rbi = {
         .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
         .renderPass = fl->render_pass,
         .framebuffer = fl->framebuffers[index],
         .renderArea = {{0, 0}, fl->extent},
         .clearValueCount = 1,
         .pClearValues = &clear,
      };
      vkCmdBeginRenderPass(cmd, &rbi, VK_SUBPASS_CONTENTS_INLINE);
      VkClearAttachment ca = {VK_IMAGE_ASPECT_COLOR_BIT, 0, {.color = fgc}};
      VkClearRect rect = {frame_centre_rect(fl->extent), 0, 1};
      vkCmdClearAttachments(cmd, 1, &ca, 1, &rect);
      vkCmdEndRenderPass(cmd);
   } else if (variant == 1) {
      barrier1(cmd, image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
               VK_PIPELINE_STAGE_TRANSFER_BIT, 0, VK_PIPELINE_STAGE_TRANSFER_BIT,
               VK_ACCESS_TRANSFER_WRITE_BIT);
      vkCmdClearColorImage(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &bgc, 1, &range);
      barrier1(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
               VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
               VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0);
   } else {
      barrier2(cmd, image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
               VK_PIPELINE_STAGE_2_CLEAR_BIT, 0, VK_PIPELINE_STAGE_2_CLEAR_BIT,
               VK_ACCESS_2_TRANSFER_WRITE_BIT);
      vkCmdClearColorImage(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &bgc, 1, &range);
      barrier2(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
               VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
               VK_PIPELINE_STAGE_2_NONE, 0);
   }
   vkEndCommandBuffer(cmd);
}

static VkResult
worse(VkResult a, VkResult b)
{
   if (a < 0)
      return a;
   if (b < 0)
      return b;
   return a != VK_SUCCESS ? a : b;
}

VkResult
frame_loop_draw(struct frame_loop *fl)
{
   struct harness *h = fl->h;
   uint32_t slot = (uint32_t)(fl->frames % 2);
   /* Finite, as every wait of ours: a frame the GPU never finishes (a stalled renderer)
    * must end the program with an error, not hang it. */
   VkResult rw = vkWaitForFences(h->device, 1, &fl->in_flight[slot], VK_TRUE, 10ull * 1000000000ull);
   if (rw != VK_SUCCESS) {
      fprintf(stderr, "frame_loop: frame %llu's work did not finish within 10 s: %d\n",
              (unsigned long long)fl->frames, rw);
      return rw < 0 ? rw : VK_ERROR_DEVICE_LOST;
   }

   uint32_t index;
   VkResult ra = vkAcquireNextImageKHR(h->device, fl->swapchain, 10ull * 1000000000ull,
                                       fl->acquired[slot], VK_NULL_HANDLE, &index);
   if (ra < 0 || ra == VK_TIMEOUT || ra == VK_NOT_READY)
      return ra;
   vkResetFences(h->device, 1, &fl->in_flight[slot]);
   VkRectLayerKHR rects[8];
   uint32_t nrects = fl->damage ? fl->damage(fl->frames, fl->extent, rects) : 0;
   if (fl->damage && fl->damage_only) {
      /* An image drawn in full for the first time changed everywhere. */
      if (!fl->drawn[index])
         nrects = 0;
      record_damage(fl, fl->cmd[slot], index, fl->frames, rects, nrects);
   } else {
      record(fl, fl->cmd[slot], index, fl->frames);
   }

   /* The clear and the render pass's attachment write both sit behind these stages. */
   VkPipelineStageFlags wait = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                               VK_PIPELINE_STAGE_TRANSFER_BIT;
   VkSubmitInfo si = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .waitSemaphoreCount = 1,
      .pWaitSemaphores = &fl->acquired[slot],
      .pWaitDstStageMask = &wait,
      .commandBufferCount = 1,
      .pCommandBuffers = &fl->cmd[slot],
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &fl->render_done[index],
   };
   VkResult rs = vkQueueSubmit(h->queue, 1, &si, fl->in_flight[slot]);
   if (rs != VK_SUCCESS)
      return rs;
   VkPresentRegionKHR region = {0};
   VkPresentRegionsKHR regions = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_REGIONS_KHR,
      .swapchainCount = 1,
      .pRegions = &region,
   };
   if (fl->damage) {
      region.rectangleCount = nrects;
      region.pRectangles = rects;
   }
   regions.pNext = fl->present_next;
   VkPresentIdKHR present_id = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_ID_KHR,
      /* A whole-image update leaves the regions out: the validation layer of 1.3.239 takes
       * rectangleCount 0 (which the spec allows) for an error. */
      .pNext = fl->damage && region.rectangleCount ? &regions : fl->present_next,
      .swapchainCount = 1,
      .pPresentIds = &fl->present_id,
   };
   VkPresentInfoKHR pi = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
      .pNext = fl->present_id ? &present_id : present_id.pNext,
      .waitSemaphoreCount = 1,
      .pWaitSemaphores = &fl->render_done[index],
      .swapchainCount = 1,
      .pSwapchains = &fl->swapchain,
      .pImageIndices = &index,
   };
   VkResult rp = vkQueuePresentKHR(h->queue, &pi);
   fl->frames++;
   return worse(ra, rp);
}

void
frame_loop_destroy(struct frame_loop *fl, bool destroy_swapchain)
{
   /* Also undoes a frame_loop_create that failed half way: every handle may be null. */
   VkDevice d = fl->h->device;
   /* The present's semaphore waits are queue work too: only an idle queue has finished
    * them (the app cannot tell otherwise without VK_EXT_swapchain_maintenance1). */
   vkQueueWaitIdle(fl->h->queue);
   for (uint32_t i = 0; i < FRAME_LOOP_MAX_IMAGES; i++) {
      if (fl->framebuffers[i])
         vkDestroyFramebuffer(d, fl->framebuffers[i], NULL);
      if (fl->views[i])
         vkDestroyImageView(d, fl->views[i], NULL);
      if (fl->render_done[i])
         vkDestroySemaphore(d, fl->render_done[i], NULL);
   }
   for (int i = 0; i < 2; i++) {
      if (fl->acquired[i])
         vkDestroySemaphore(d, fl->acquired[i], NULL);
      if (fl->in_flight[i])
         vkDestroyFence(d, fl->in_flight[i], NULL);
   }
   if (fl->pool)
      vkDestroyCommandPool(d, fl->pool, NULL);
   if (fl->render_pass)
      vkDestroyRenderPass(d, fl->render_pass, NULL);
   if (fl->render_pass_load)
      vkDestroyRenderPass(d, fl->render_pass_load, NULL);
   if (destroy_swapchain && fl->swapchain)
      vkDestroySwapchainKHR(d, fl->swapchain, NULL);
}

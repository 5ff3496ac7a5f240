#include "refloop_gpu.h"

#include <string.h>

#define LOG_PREFIX "venus-wsi-refloop: "

static bool
ok(VkResult r, const char *what)
{
   if (r != VK_SUCCESS)
      fprintf(stderr, LOG_PREFIX "%s failed: %d\n", what, r);
   return r == VK_SUCCESS;
}

/* Cleared, then ready for the copy: the image's layout ends as TRANSFER_SRC_OPTIMAL. */
static VkResult
create_pass(struct refloop_gpu *g)
{
   VkSubpassDependency deps[2] = {
      /* The previous frame's copy read the image: this frame's clear comes after it. */
      {
         .srcSubpass = VK_SUBPASS_EXTERNAL,
         .dstSubpass = 0,
         .srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
         .dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
         .dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
      },
      /* The copy reads what the pass wrote. */
      {
         .srcSubpass = 0,
         .dstSubpass = VK_SUBPASS_EXTERNAL,
         .srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
         .srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
         .dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
         .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
      },
   };
   return scene_create_render_pass(g->h->device, VK_FORMAT_B8G8R8A8_UNORM, false,
                                   VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                   deps, 2, &g->pass);
}

static bool
create_image(struct refloop_gpu *g)
{
   VkDevice d = g->h->device;
   VkImageCreateInfo ici = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
      .imageType = VK_IMAGE_TYPE_2D,
      .format = VK_FORMAT_B8G8R8A8_UNORM,
      .extent = {g->extent.width, g->extent.height, 1},
      .mipLevels = 1,
      .arrayLayers = 1,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
      .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
   };
   if (!ok(vkCreateImage(d, &ici, NULL, &g->image), "vkCreateImage"))
      return false;
   VkMemoryRequirements req;
   vkGetImageMemoryRequirements(d, g->image, &req);
   int32_t type = harness_memory_type(g->h, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
   if (type < 0)
      type = harness_memory_type(g->h, req.memoryTypeBits, 0);
   VkMemoryAllocateInfo mai = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = req.size,
      .memoryTypeIndex = (uint32_t)type,
   };
   if (type < 0 || !ok(vkAllocateMemory(d, &mai, NULL, &g->image_memory), "image allocation") ||
       !ok(vkBindImageMemory(d, g->image, g->image_memory, 0), "vkBindImageMemory"))
      return false;
   VkImageViewCreateInfo vci = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
      .image = g->image,
      .viewType = VK_IMAGE_VIEW_TYPE_2D,
      .format = VK_FORMAT_B8G8R8A8_UNORM,
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   if (!ok(vkCreateImageView(d, &vci, NULL, &g->view), "vkCreateImageView") ||
       !ok(create_pass(g), "vkCreateRenderPass"))
      return false;
   VkFramebufferCreateInfo fci = {
      .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
      .renderPass = g->pass,
      .attachmentCount = 1,
      .pAttachments = &g->view,
      .width = g->extent.width,
      .height = g->extent.height,
      .layers = 1,
   };
   return ok(vkCreateFramebuffer(d, &fci, NULL, &g->framebuffer), "vkCreateFramebuffer");
}

/* CPU reads of uncached memory are slow (every row of every frame), so a cached type is
 * preferred, coherent or not. */
static bool
create_buffer(struct refloop_gpu *g)
{
   VkDevice d = g->h->device;
   VkBufferCreateInfo bci = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = (VkDeviceSize)g->extent.width * g->extent.height * 4,
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   if (!ok(vkCreateBuffer(d, &bci, NULL, &g->buffer), "vkCreateBuffer"))
      return false;
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(d, g->buffer, &req);
   int32_t type = harness_memory_type(g->h, req.memoryTypeBits,
                                      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                         VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
   if (type < 0)
      type = harness_memory_type(g->h, req.memoryTypeBits,
                                 VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                    VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   if (type < 0) {
      fprintf(stderr, LOG_PREFIX "no host-visible memory type for the readback buffer\n");
      return false;
   }
   VkPhysicalDeviceMemoryProperties props;
   vkGetPhysicalDeviceMemoryProperties(g->h->pdev, &props);
   VkMemoryPropertyFlags flags = props.memoryTypes[type].propertyFlags;
   g->cached = flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
   g->coherent = flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   VkMemoryAllocateInfo mai = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = req.size,
      .memoryTypeIndex = (uint32_t)type,
   };
   void *map = NULL;
   if (!ok(vkAllocateMemory(d, &mai, NULL, &g->buffer_memory), "buffer allocation") ||
       !ok(vkBindBufferMemory(d, g->buffer, g->buffer_memory, 0), "vkBindBufferMemory") ||
       !ok(vkMapMemory(d, g->buffer_memory, 0, VK_WHOLE_SIZE, 0, &map), "vkMapMemory"))
      return false;
   g->pixels = map;
   return true;
}

bool
refloop_gpu_create(struct refloop_gpu *g, struct harness *h, VkExtent2D extent)
{
   memset(g, 0, sizeof(*g));
   g->h = h;
   g->extent = extent;
   if (!create_image(g) || !create_buffer(g))
      return false;
   VkCommandPoolCreateInfo pci = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
      .queueFamilyIndex = h->queue_family,
   };
   VkCommandBufferAllocateInfo cai = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   if (!ok(vkCreateCommandPool(h->device, &pci, NULL, &g->pool), "vkCreateCommandPool"))
      return false;
   cai.commandPool = g->pool;
   return ok(vkAllocateCommandBuffers(h->device, &cai, &g->cmd), "vkAllocateCommandBuffers") &&
          ok(vkCreateFence(h->device, &fci, NULL, &g->fence), "vkCreateFence");
}

bool
refloop_gpu_submit(struct refloop_gpu *g, frame_scene_fn scene, uint64_t frame)
{
   VkCommandBufferBeginInfo bi = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   if (!ok(vkBeginCommandBuffer(g->cmd, &bi), "vkBeginCommandBuffer"))
      return false;
   scene_record_pass(g->cmd, g->pass, g->framebuffer, g->extent, scene, frame);
   VkBufferImageCopy region = {
      .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
      .imageExtent = {g->extent.width, g->extent.height, 1},
   };
   vkCmdCopyImageToBuffer(g->cmd, g->image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, g->buffer, 1,
                          &region);
   /* The fence alone does not make the copy's writes visible to the host. */
   VkBufferMemoryBarrier to_host = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .buffer = g->buffer,
      .size = VK_WHOLE_SIZE,
   };
   vkCmdPipelineBarrier(g->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                        NULL, 1, &to_host, 0, NULL);
   if (!ok(vkEndCommandBuffer(g->cmd), "vkEndCommandBuffer"))
      return false;
   VkSubmitInfo si = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &g->cmd,
   };
   return ok(vkQueueSubmit(g->h->queue, 1, &si, g->fence), "vkQueueSubmit");
}

bool
refloop_gpu_wait(struct refloop_gpu *g)
{
   VkDevice d = g->h->device;
   if (!ok(vkWaitForFences(d, 1, &g->fence, VK_TRUE, 10ull * 1000000000ull), "vkWaitForFences") ||
       !ok(vkResetFences(d, 1, &g->fence), "vkResetFences"))
      return false;
   if (g->coherent)
      return true;
   VkMappedMemoryRange range = {
      .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
      .memory = g->buffer_memory,
      .size = VK_WHOLE_SIZE,
   };
   return ok(vkInvalidateMappedMemoryRanges(d, 1, &range), "vkInvalidateMappedMemoryRanges");
}

void
refloop_gpu_destroy(struct refloop_gpu *g)
{
   if (!g->h)
      return;
   VkDevice d = g->h->device;
   /* A frame may still be on the GPU when a failure or a signal ends the loop. */
   vkQueueWaitIdle(g->h->queue);
   if (g->fence)
      vkDestroyFence(d, g->fence, NULL);
   if (g->pool)
      vkDestroyCommandPool(d, g->pool, NULL);
   if (g->framebuffer)
      vkDestroyFramebuffer(d, g->framebuffer, NULL);
   if (g->pass)
      vkDestroyRenderPass(d, g->pass, NULL);
   if (g->view)
      vkDestroyImageView(d, g->view, NULL);
   if (g->image)
      vkDestroyImage(d, g->image, NULL);
   if (g->image_memory)
      vkFreeMemory(d, g->image_memory, NULL);
   if (g->buffer)
      vkDestroyBuffer(d, g->buffer, NULL);
   if (g->buffer_memory)
      vkFreeMemory(d, g->buffer_memory, NULL);
}

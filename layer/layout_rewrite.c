/* Where the driver has no VK_KHR_swapchain (Venus), VK_IMAGE_LAYOUT_PRESENT_SRC_KHR means
 * nothing to it, yet apps put it in barriers and render passes. These commands swap it for
 * the layout the layer's present copy reads (TRANSFER_SRC_OPTIMAL). They are installed only
 * on such devices, so a driver with its own swapchain pays nothing. */
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "layout_rewrite.h"

#define STACK_ITEMS 16

static VkImageLayout
fix(const struct vw_device *dev, VkImageLayout layout)
{
   /* present_layout is PRESENT_SRC_KHR itself on devices that need no rewriting. */
   return layout == VK_IMAGE_LAYOUT_PRESENT_SRC_KHR ? dev->present_layout : layout;
}

/* Copies 'n' items into 'stack' (or the heap when larger) when any needs rewriting;
 * returns the array to use, and sets *heap when it must be freed. */
static void *
copy_items(const void *items, uint32_t n, size_t size, void *stack, void **heap)
{
   *heap = NULL;
   void *dst = stack;
   if (n > STACK_ITEMS) {
      dst = malloc(n * size);
      if (!dst)
         return NULL;
      *heap = dst;
   }
   memcpy(dst, items, n * size);
   return dst;
}

static bool
barriers_need_fix(const VkImageMemoryBarrier *b, uint32_t n)
{
   for (uint32_t i = 0; i < n; i++)
      if (b[i].oldLayout == VK_IMAGE_LAYOUT_PRESENT_SRC_KHR ||
          b[i].newLayout == VK_IMAGE_LAYOUT_PRESENT_SRC_KHR)
         return true;
   return false;
}

static bool
barriers2_need_fix(const VkImageMemoryBarrier2 *b, uint32_t n)
{
   for (uint32_t i = 0; i < n; i++)
      if (b[i].oldLayout == VK_IMAGE_LAYOUT_PRESENT_SRC_KHR ||
          b[i].newLayout == VK_IMAGE_LAYOUT_PRESENT_SRC_KHR)
         return true;
   return false;
}

VKAPI_ATTR void VKAPI_CALL
vw_CmdPipelineBarrier(VkCommandBuffer cmd, VkPipelineStageFlags src, VkPipelineStageFlags dst,
                      VkDependencyFlags flags, uint32_t nmem, const VkMemoryBarrier *mem,
                      uint32_t nbuf, const VkBufferMemoryBarrier *buf, uint32_t nimg,
                      const VkImageMemoryBarrier *img)
{
   struct vw_device *dev = vw_device_from_handle(cmd);
   if (!barriers_need_fix(img, nimg)) {
      dev->next.CmdPipelineBarrier(cmd, src, dst, flags, nmem, mem, nbuf, buf, nimg, img);
      return;
   }
   VkImageMemoryBarrier stack[STACK_ITEMS];
   void *heap;
   VkImageMemoryBarrier *fixed = copy_items(img, nimg, sizeof(*img), stack, &heap);
   if (!fixed)
      return; /* no memory: a void command cannot report it */
   for (uint32_t i = 0; i < nimg; i++) {
      fixed[i].oldLayout = fix(dev, fixed[i].oldLayout);
      fixed[i].newLayout = fix(dev, fixed[i].newLayout);
   }
   dev->next.CmdPipelineBarrier(cmd, src, dst, flags, nmem, mem, nbuf, buf, nimg, fixed);
   free(heap);
}

VKAPI_ATTR void VKAPI_CALL
vw_CmdWaitEvents(VkCommandBuffer cmd, uint32_t nevents, const VkEvent *events,
                 VkPipelineStageFlags src, VkPipelineStageFlags dst, uint32_t nmem,
                 const VkMemoryBarrier *mem, uint32_t nbuf, const VkBufferMemoryBarrier *buf,
                 uint32_t nimg, const VkImageMemoryBarrier *img)
{
   struct vw_device *dev = vw_device_from_handle(cmd);
   if (!barriers_need_fix(img, nimg)) {
      dev->next.CmdWaitEvents(cmd, nevents, events, src, dst, nmem, mem, nbuf, buf, nimg, img);
      return;
   }
   VkImageMemoryBarrier stack[STACK_ITEMS];
   void *heap;
   VkImageMemoryBarrier *fixed = copy_items(img, nimg, sizeof(*img), stack, &heap);
   if (!fixed)
      return;
   for (uint32_t i = 0; i < nimg; i++) {
      fixed[i].oldLayout = fix(dev, fixed[i].oldLayout);
      fixed[i].newLayout = fix(dev, fixed[i].newLayout);
   }
   dev->next.CmdWaitEvents(cmd, nevents, events, src, dst, nmem, mem, nbuf, buf, nimg, fixed);
   free(heap);
}

/* Rewrites the image barriers of 'n' dependency infos into 'out' (and a barrier array
 * owned by the caller through *storage). Returns false on allocation failure. */
static bool
fix_dependency_infos(const struct vw_device *dev, const VkDependencyInfo *in, uint32_t n,
                     VkDependencyInfo *out, VkImageMemoryBarrier2 **storage)
{
   uint32_t total = 0;
   for (uint32_t i = 0; i < n; i++)
      total += in[i].imageMemoryBarrierCount;
   *storage = malloc((total ? total : 1) * sizeof(VkImageMemoryBarrier2));
   if (!*storage)
      return false;
   VkImageMemoryBarrier2 *next = *storage;
   for (uint32_t i = 0; i < n; i++) {
      out[i] = in[i];
      uint32_t m = in[i].imageMemoryBarrierCount;
      if (!m)
         continue;
      memcpy(next, in[i].pImageMemoryBarriers, m * sizeof(*next));
      for (uint32_t j = 0; j < m; j++) {
         next[j].oldLayout = fix(dev, next[j].oldLayout);
         next[j].newLayout = fix(dev, next[j].newLayout);
      }
      out[i].pImageMemoryBarriers = next;
      next += m;
   }
   return true;
}

static bool
dependencies_need_fix(const VkDependencyInfo *infos, uint32_t n)
{
   for (uint32_t i = 0; i < n; i++)
      if (barriers2_need_fix(infos[i].pImageMemoryBarriers, infos[i].imageMemoryBarrierCount))
         return true;
   return false;
}

VKAPI_ATTR void VKAPI_CALL
vw_CmdPipelineBarrier2(VkCommandBuffer cmd, const VkDependencyInfo *info)
{
   struct vw_device *dev = vw_device_from_handle(cmd);
   VkDependencyInfo fixed;
   VkImageMemoryBarrier2 *storage;
   if (!dependencies_need_fix(info, 1) || !fix_dependency_infos(dev, info, 1, &fixed, &storage)) {
      dev->next.CmdPipelineBarrier2(cmd, info);
      return;
   }
   dev->next.CmdPipelineBarrier2(cmd, &fixed);
   free(storage);
}

VKAPI_ATTR void VKAPI_CALL
vw_CmdSetEvent2(VkCommandBuffer cmd, VkEvent event, const VkDependencyInfo *info)
{
   struct vw_device *dev = vw_device_from_handle(cmd);
   VkDependencyInfo fixed;
   VkImageMemoryBarrier2 *storage;
   if (!dependencies_need_fix(info, 1) || !fix_dependency_infos(dev, info, 1, &fixed, &storage)) {
      dev->next.CmdSetEvent2(cmd, event, info);
      return;
   }
   dev->next.CmdSetEvent2(cmd, event, &fixed);
   free(storage);
}

VKAPI_ATTR void VKAPI_CALL
vw_CmdWaitEvents2(VkCommandBuffer cmd, uint32_t n, const VkEvent *events,
                  const VkDependencyInfo *infos)
{
   struct vw_device *dev = vw_device_from_handle(cmd);
   VkDependencyInfo stack[STACK_ITEMS];
   VkImageMemoryBarrier2 *storage = NULL;
   VkDependencyInfo *fixed = n <= STACK_ITEMS ? stack : malloc(n * sizeof(*fixed));
   if (!fixed || !dependencies_need_fix(infos, n) ||
       !fix_dependency_infos(dev, infos, n, fixed, &storage)) {
      dev->next.CmdWaitEvents2(cmd, n, events, infos);
   } else {
      dev->next.CmdWaitEvents2(cmd, n, events, fixed);
   }
   free(storage);
   if (fixed != stack)
      free(fixed);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateRenderPass(VkDevice device, const VkRenderPassCreateInfo *ci,
                    const VkAllocationCallbacks *alloc, VkRenderPass *out)
{
   struct vw_device *dev = vw_device_from_handle(device);
   VkAttachmentDescription stack[STACK_ITEMS];
   void *heap;
   VkAttachmentDescription *att =
      copy_items(ci->pAttachments, ci->attachmentCount, sizeof(*att), stack, &heap);
   if (!att)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < ci->attachmentCount; i++) {
      att[i].initialLayout = fix(dev, att[i].initialLayout);
      att[i].finalLayout = fix(dev, att[i].finalLayout);
   }
   VkRenderPassCreateInfo fixed = *ci;
   fixed.pAttachments = att;
   VkResult r = dev->next.CreateRenderPass(device, &fixed, alloc, out);
   free(heap);
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateRenderPass2(VkDevice device, const VkRenderPassCreateInfo2 *ci,
                     const VkAllocationCallbacks *alloc, VkRenderPass *out)
{
   struct vw_device *dev = vw_device_from_handle(device);
   VkAttachmentDescription2 stack[STACK_ITEMS];
   void *heap;
   VkAttachmentDescription2 *att =
      copy_items(ci->pAttachments, ci->attachmentCount, sizeof(*att), stack, &heap);
   if (!att)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < ci->attachmentCount; i++) {
      att[i].initialLayout = fix(dev, att[i].initialLayout);
      att[i].finalLayout = fix(dev, att[i].finalLayout);
   }
   VkRenderPassCreateInfo2 fixed = *ci;
   fixed.pAttachments = att;
   VkResult r = dev->next.CreateRenderPass2(device, &fixed, alloc, out);
   free(heap);
   return r;
}

/* vkQueuePresentKHR: one queue submission that waits for the app's semaphores (and, where
 * the backend wants it, copies the frame into host-visible memory), then the frame goes
 * to the swapchain's present thread. The layer's thread never touches a queue. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "queue_sync.h"
#include "swapchain.h"
#include "venus_wsi/format_table.h"

#define MAX_PRESENT_SWAPCHAINS 8

static VkResult
get_command_buffer(struct vw_swapchain *sc, struct vw_image *img, uint32_t family)
{
   struct vw_device *dev = sc->dev;
   if (family >= VW_MAX_QUEUE_FAMILIES)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (img->cmd && img->cmd_family == family)
      return VK_SUCCESS;
   if (!sc->pools[family]) {
      VkCommandPoolCreateInfo pci = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
         .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
         .queueFamilyIndex = family,
      };
      VkResult r = dev->next.CreateCommandPool(dev->handle, &pci, NULL, &sc->pools[family]);
      if (r != VK_SUCCESS)
         return r;
   }
   if (img->cmd)
      dev->next.FreeCommandBuffers(dev->handle, sc->pools[img->cmd_family], 1, &img->cmd);
   img->cmd = VK_NULL_HANDLE;
   VkCommandBufferAllocateInfo ai = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = sc->pools[family],
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   VkResult r = dev->next.AllocateCommandBuffers(dev->handle, &ai, &img->cmd);
   if (r != VK_SUCCESS)
      return r;
   /* A command buffer made below the loader's trampoline has no dispatch pointer yet. */
   if (dev->set_loader_data)
      dev->set_loader_data(dev->handle, img->cmd);
   img->cmd_family = family;
   return VK_SUCCESS;
}

static void
image_barrier(struct vw_device *dev, VkCommandBuffer cmd, VkImage image, VkImageLayout from,
              VkImageLayout to, VkPipelineStageFlags src_stage, VkAccessFlags src_access,
              VkPipelineStageFlags dst_stage, VkAccessFlags dst_access)
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
   dev->next.CmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 0, NULL, 0, NULL, 1, &b);
}

/* Records: PRESENT layout -> TRANSFER_SRC, copy of the damaged parts into img->copy,
 * back to the PRESENT layout, and a barrier that makes the copy visible to the host. The
 * submit's semaphore wait already orders this after the app's rendering. */
static VkResult
record_copy(struct vw_swapchain *sc, struct vw_image *img, uint32_t family)
{
   struct vw_device *dev = sc->dev;
   VkResult r = get_command_buffer(sc, img, family);
   if (r != VK_SUCCESS)
      return r;
   VkCommandBuffer cmd = img->cmd;
   dev->next.ResetCommandBuffer(cmd, 0);
   VkCommandBufferBeginInfo bi = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   r = dev->next.BeginCommandBuffer(cmd, &bi);
   if (r != VK_SUCCESS)
      return r;

   VkImageLayout present = dev->present_layout;
   if (present != VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL)
      image_barrier(dev, cmd, img->image, present, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                    VK_PIPELINE_STAGE_TRANSFER_BIT, 0, VK_PIPELINE_STAGE_TRANSFER_BIT,
                    VK_ACCESS_TRANSFER_READ_BIT);

   const struct vw_format_info *fmt = vw_format_from_vk(sc->format);
   VkBufferImageCopy regions[VW_MAX_DAMAGE_RECTS];
   uint32_t n = 0;
   const struct vw_damage *d = &img->damage;
   if (d->full || d->count == 0) {
      regions[n++] = (VkBufferImageCopy){
         .bufferRowLength = img->copy.row_pixels,
         .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
         .imageExtent = {sc->extent.width, sc->extent.height, 1},
      };
   } else {
      for (uint32_t i = 0; i < d->count; i++) {
         const VkRect2D *rc = &d->rects[i];
         regions[n++] = (VkBufferImageCopy){
            .bufferOffset = (VkDeviceSize)rc->offset.y * img->copy.row_bytes +
                            (VkDeviceSize)rc->offset.x * fmt->bytes_per_pixel,
            .bufferRowLength = img->copy.row_pixels,
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .imageOffset = {rc->offset.x, rc->offset.y, 0},
            .imageExtent = {rc->extent.width, rc->extent.height, 1},
         };
      }
   }
   dev->next.CmdCopyImageToBuffer(cmd, img->image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                  img->copy.buffer, n, regions);

   if (present != VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL)
      image_barrier(dev, cmd, img->image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, present,
                    VK_PIPELINE_STAGE_TRANSFER_BIT, 0, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0);
   VkBufferMemoryBarrier host = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .buffer = img->copy.buffer,
      .size = VK_WHOLE_SIZE,
   };
   dev->next.CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                                0, 0, NULL, 1, &host, 0, NULL);
   return dev->next.EndCommandBuffer(cmd);
}

/* Path E: the display server reads the image's own memory once the present fence has
 * signalled, and a fence makes device writes available to the device only: the layer, as
 * the presentation engine, owes the host the availability operation. */
static VkResult
record_host_barrier(struct vw_swapchain *sc, struct vw_image *img, uint32_t family)
{
   struct vw_device *dev = sc->dev;
   VkResult r = get_command_buffer(sc, img, family);
   if (r != VK_SUCCESS)
      return r;
   VkCommandBuffer cmd = img->cmd;
   dev->next.ResetCommandBuffer(cmd, 0);
   VkCommandBufferBeginInfo bi = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   r = dev->next.BeginCommandBuffer(cmd, &bi);
   if (r != VK_SUCCESS)
      return r;
   VkMemoryBarrier host = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
   };
   dev->next.CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &host, 0, NULL, 0, NULL);
   return dev->next.EndCommandBuffer(cmd);
}

/* Rectangles of VK_KHR_incremental_present, clipped to the image; a frame without any
 * (or with too many to track) counts as fully damaged. */
static void
read_damage(struct vw_swapchain *sc, const VkPresentRegionKHR *region, struct vw_damage *out)
{
   out->full = true;
   out->count = 0;
   if (!region || !region->pRectangles || region->rectangleCount == 0 ||
       region->rectangleCount > VW_MAX_DAMAGE_RECTS)
      return;
   for (uint32_t i = 0; i < region->rectangleCount; i++) {
      const VkRectLayerKHR *r = &region->pRectangles[i];
      if (r->layer != 0)
         continue; /* only layer 0 reaches the screen */
      int64_t x0 = r->offset.x < 0 ? 0 : r->offset.x;
      int64_t y0 = r->offset.y < 0 ? 0 : r->offset.y;
      int64_t x1 = (int64_t)r->offset.x + r->extent.width;
      int64_t y1 = (int64_t)r->offset.y + r->extent.height;
      if (x1 > sc->extent.width)
         x1 = sc->extent.width;
      if (y1 > sc->extent.height)
         y1 = sc->extent.height;
      if (x1 <= x0 || y1 <= y0)
         continue;
      out->rects[out->count++] = (VkRect2D){{(int32_t)x0, (int32_t)y0},
                                            {(uint32_t)(x1 - x0), (uint32_t)(y1 - y0)}};
   }
   out->full = false;
}

/* Damage-sized copies need a queue that copies at texel granularity (every graphics or
 * compute queue does; some transfer-only queues do not). */
static bool
copy_granularity_ok(struct vw_device *dev, uint32_t family)
{
   if (family >= dev->pdev->queue_family_count)
      return false;
   VkExtent3D g = dev->pdev->queue_families[family].minImageTransferGranularity;
   return g.width == 1 && g.height == 1 && g.depth == 1;
}

static VkResult
get_chain_semaphore(struct vw_device *dev, struct vw_image *img)
{
   if (img->chain_semaphore)
      return VK_SUCCESS;
   VkSemaphoreCreateInfo sci = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   return dev->next.CreateSemaphore(dev->handle, &sci, NULL, &img->chain_semaphore);
}

static VkResult
worst(VkResult a, VkResult b)
{
   if (a < 0)
      return a;
   if (b < 0)
      return b;
   return a == VK_SUBOPTIMAL_KHR ? a : b;
}

/* VkSwapchainPresentModeInfoEXT: the mode this frame and the following ones take. One the
 * swapchain was not made to switch to is the app's error; the frame keeps the mode it
 * had. Lock held. */
static void
set_present_mode(struct vw_swapchain *sc, VkPresentModeKHR mode)
{
   for (uint32_t m = 0; m < sc->mode_count; m++) {
      if (sc->modes[m] == mode) {
         sc->pres.pq.mode = mode;
         return;
      }
   }
   vw_err("vkQueuePresentKHR: present mode %d is not among the %u swapchain %u was created "
          "to switch between", mode, sc->mode_count, sc->serial);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_QueuePresentKHR(VkQueue queue, const VkPresentInfoKHR *info)
{
   struct vw_device *dev = vw_device_from_handle(queue);
   if (!dev)
      return VK_ERROR_DEVICE_LOST;
   struct vw_queue *q = vw_queue_from_handle(dev, queue);

   uint32_t count = info->swapchainCount;
   if (count > MAX_PRESENT_SWAPCHAINS) {
      vw_err("vkQueuePresentKHR: %u swapchains in one present, at most %u", count,
             MAX_PRESENT_SWAPCHAINS);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   struct vw_swapchain *scs[MAX_PRESENT_SWAPCHAINS];
   uint32_t ours = 0;
   for (uint32_t i = 0; i < count; i++) {
      scs[i] = vw_swapchain_from_handle(info->pSwapchains[i]);
      ours += scs[i] != NULL;
   }
   if (ours == 0) {
      if (!dev->next.QueuePresentKHR) {
         vw_err("vkQueuePresentKHR: no swapchain of the layer's and the driver has none");
         return VK_ERROR_SURFACE_LOST_KHR;
      }
      if (q)
         pthread_mutex_lock(&q->lock);
      VkResult r = dev->next.QueuePresentKHR(queue, info);
      if (q)
         pthread_mutex_unlock(&q->lock);
      return r;
   }
   for (uint32_t i = 0; i < count; i++) {
      /* Nothing would take the frame to the screen there: nothing is submitted. */
      if (scs[i] && vw_swapchain_refused_in_child(scs[i], "vkQueuePresentKHR")) {
         for (uint32_t j = 0; info->pResults && j < count; j++)
            info->pResults[j] = VK_ERROR_DEVICE_LOST;
         return VK_ERROR_DEVICE_LOST;
      }
   }
   if (ours != count || !q) {
      /* A binary semaphore can be waited once: splitting its wait between the driver's
       * present and the layer's would need a semaphore of the layer in between. */
      vw_err("vkQueuePresentKHR: one present mixing layer and driver swapchains (%u of %u)"
             " is not supported: present them separately",
             ours, count);
      return VK_ERROR_SURFACE_LOST_KHR;
   }

   const VkPresentRegionsKHR *regions = NULL;
   const VkPresentIdKHR *ids = NULL;
   const VkPresentId2KHR *ids2 = NULL;
   const VkSwapchainPresentFenceInfoEXT *fences = NULL;
   const VkSwapchainPresentModeInfoEXT *modes = NULL;
   bool maint1 = dev->app_features.swapchain_maintenance1;
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PRESENT_REGIONS_KHR)
         regions = (const VkPresentRegionsKHR *)s;
      else if (s->sType == VK_STRUCTURE_TYPE_PRESENT_ID_KHR && dev->app_features.present_id)
         ids = (const VkPresentIdKHR *)s;
      else if (s->sType == VK_STRUCTURE_TYPE_PRESENT_ID_2_KHR && dev->app_features.present_id2)
         ids2 = (const VkPresentId2KHR *)s;
      else if (s->sType == VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_FENCE_INFO_EXT && maint1)
         fences = (const VkSwapchainPresentFenceInfoEXT *)s;
      else if (s->sType == VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_MODE_INFO_EXT && maint1)
         modes = (const VkSwapchainPresentModeInfoEXT *)s;
   }

   VkResult results[MAX_PRESENT_SWAPCHAINS];
   VkResult fence_results[MAX_PRESENT_SWAPCHAINS];
   VkResult r = VK_SUCCESS;
   for (uint32_t i = 0; i < count; i++)
      fence_results[i] = VK_SUCCESS;
   for (uint32_t i = 0; i < count; i++) {
      struct vw_swapchain *sc = scs[i];
      uint32_t idx = info->pImageIndices[i];
      results[i] = VK_SUCCESS;
      if (idx >= sc->image_count) {
         results[i] = VK_ERROR_OUT_OF_DATE_KHR;
         continue;
      }
      struct vw_image *img = &sc->images[idx];
      struct vw_damage app_damage;
      read_damage(sc,
                  regions && regions->pRegions && i < regions->swapchainCount
                     ? &regions->pRegions[i]
                     : NULL,
                  &app_damage);
      pthread_mutex_lock(&sc->pres.lock);
      if (sc->pres.pq.state[idx] != VW_IMAGE_ACQUIRED) {
         /* Its fence and command buffer may still be in use by an earlier present. */
         pthread_mutex_unlock(&sc->pres.lock);
         vw_err("vkQueuePresentKHR: image %u of swapchain %u was not acquired", idx,
                sc->serial);
         results[i] = VK_ERROR_OUT_OF_DATE_KHR;
         continue;
      }
      bool shown = !sc->pres.retired && sc->pres.status >= 0;
      img->present_serial = vw_damage_log_record(&sc->pres.damage_log, &app_damage);
      img->present_number = sc->presents; /* counted up once the frame is queued */
      img->copy_this_frame = shown && img->copy.buffer && sc->backend->wants_copy(sc, img);
      if (img->copy_this_frame) {
         /* The copy target last caught up at an older present: copy everything since. */
         vw_damage_log_union(&sc->pres.damage_log, img->copied_serial, img->present_serial,
                             sc->extent, &img->damage);
         if (!copy_granularity_ok(dev, q->family))
            img->damage.full = true;
         img->copy_this_frame = img->damage.full || img->damage.count;
      }
      img->host_barrier_this_frame =
         shown && (sc->path == VW_PATH_HOSTPTR_IMAGE || sc->path == VW_PATH_LINEAR_COPY);
      pthread_mutex_unlock(&sc->pres.lock);
      if (img->copy_this_frame)
         results[i] = record_copy(sc, img, q->family);
      else if (img->host_barrier_this_frame)
         results[i] = record_host_barrier(sc, img, q->family);
      if (results[i] == VK_SUCCESS && count > 1 && i > 0)
         results[i] = get_chain_semaphore(dev, img);
      if (results[i] == VK_SUCCESS)
         results[i] = dev->next.ResetFences(dev->handle, 1, &img->present_fence);
   }

   VkPipelineStageFlags wait_stages[16];
   uint32_t nwait = info->waitSemaphoreCount;
   VkPipelineStageFlags *stages = nwait <= 16 ? wait_stages : calloc(nwait, sizeof(*stages));
   if (!stages)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < nwait; i++)
      stages[i] = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   /* The first submit waits for the app; with several swapchains it hands the wait on
    * to each later one through a semaphore of that image. */
   uint32_t first = count;
   for (uint32_t i = 0; i < count && first == count; i++)
      if (results[i] == VK_SUCCESS)
         first = i;
   VkSemaphore chain[MAX_PRESENT_SWAPCHAINS];
   uint32_t nchain = 0;
   for (uint32_t i = first + 1; i < count; i++)
      if (results[i] == VK_SUCCESS)
         chain[nchain++] = scs[i]->images[info->pImageIndices[i]].chain_semaphore;

   pthread_mutex_lock(&q->lock);
   for (uint32_t i = first; i < count; i++) {
      if (results[i] != VK_SUCCESS)
         continue;
      struct vw_image *img = &scs[i]->images[info->pImageIndices[i]];
      VkPipelineStageFlags chain_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
      VkSubmitInfo submit = {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .commandBufferCount = img->copy_this_frame || img->host_barrier_this_frame ? 1 : 0,
         .pCommandBuffers = &img->cmd,
      };
      if (i == first) {
         submit.waitSemaphoreCount = nwait;
         submit.pWaitSemaphores = info->pWaitSemaphores;
         submit.pWaitDstStageMask = stages;
         submit.signalSemaphoreCount = nchain;
         submit.pSignalSemaphores = chain;
      } else {
         submit.waitSemaphoreCount = 1;
         submit.pWaitSemaphores = &img->chain_semaphore;
         submit.pWaitDstStageMask = &chain_stage;
      }
      results[i] = dev->next.QueueSubmit(queue, 1, &submit, img->present_fence);
      if (results[i] != VK_SUCCESS && i == first) {
         /* Nothing will signal the later ones' semaphores: fail them too. */
         for (uint32_t j = i + 1; j < count; j++)
            if (results[j] == VK_SUCCESS)
               results[j] = results[i];
         break;
      }
      if (results[i] != VK_SUCCESS) {
         /* Unsignal its chain semaphore, or the next present signals it twice. */
         VkSubmitInfo unsignal = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                                  .waitSemaphoreCount = 1,
                                  .pWaitSemaphores = &img->chain_semaphore,
                                  .pWaitDstStageMask = &chain_stage};
         dev->next.QueueSubmit(queue, 1, &unsignal, VK_NULL_HANDLE);
      }
   }
   if (first == count && nwait) {
      /* Every swapchain failed before its submit; the app's semaphores are still consumed,
       * as they would be by a present the presentation engine rejects. */
      VkSubmitInfo consume = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                              .waitSemaphoreCount = nwait,
                              .pWaitSemaphores = info->pWaitSemaphores,
                              .pWaitDstStageMask = stages};
      VkResult cr = dev->next.QueueSubmit(queue, 1, &consume, VK_NULL_HANDLE);
      if (cr != VK_SUCCESS)
         vw_err("vkQueuePresentKHR: could not consume the wait semaphores: %d", cr);
   }
   /* VkSwapchainPresentFenceInfoEXT: the present's resources are the app's wait semaphores
    * and the image. The semaphores are consumed and any copy out of the image is done once
    * the submits above complete; after that the presentation engine holds the image by
    * reference only (the swapchain keeps it until destroyed, and destroy waits for the
    * present thread). So each fence is signalled by an empty submit after them on this
    * queue, whose fence signal covers all work submitted before it, whatever each
    * swapchain's result: the semaphores are consumed on failure too. */
   for (uint32_t i = 0; fences && fences->pFences && i < fences->swapchainCount && i < count;
        i++) {
      if (!fences->pFences[i])
         continue;
      VkResult fr = dev->next.QueueSubmit(queue, 0, NULL, fences->pFences[i]);
      if (fr != VK_SUCCESS) {
         vw_err("vkQueuePresentKHR: signalling the present fence of swapchain %u failed: %d",
                scs[i]->serial, fr);
         fence_results[i] = fr;
      }
   }
   pthread_mutex_unlock(&q->lock);
   if (stages != wait_stages)
      free(stages);

   uint64_t now = vw_now_ns();
   for (uint32_t i = 0; i < count; i++) {
      struct vw_swapchain *sc = scs[i];
      uint32_t idx = info->pImageIndices[i];
      pthread_mutex_lock(&sc->pres.lock);
      if (results[i] == VK_SUCCESS) {
         bool discard = sc->pres.retired || sc->pres.status < 0;
         if (modes && modes->pPresentModes && i < modes->swapchainCount)
            set_present_mode(sc, modes->pPresentModes[i]);
         sc->images[idx].queued_ns = now;
         sc->images[idx].fence_in_flight = true;
         /* Only a submitted copy brings the copy target up to date. */
         if (sc->images[idx].copy_this_frame)
            sc->images[idx].copied_serial = sc->images[idx].present_serial;
         if (!vw_pq_queue(&sc->pres.pq, idx, discard)) {
            vw_err("vkQueuePresentKHR: image %u of swapchain %u was not acquired", idx,
                   sc->serial);
            results[i] = VK_ERROR_OUT_OF_DATE_KHR;
         } else {
            sc->presents++;
            uint64_t id = ids && ids->pPresentIds && i < ids->swapchainCount
                             ? ids->pPresentIds[i]
                             : 0;
            /* Both versions name the same presented id of a swapchain (the second only
             * adds the per-surface capability and the create flags), so either feeds it. */
            if (!id && ids2 && ids2->pPresentIds && i < ids2->swapchainCount &&
                (sc->flags & VK_SWAPCHAIN_CREATE_PRESENT_ID_2_BIT_KHR))
               id = ids2->pPresentIds[i];
            if (!vw_present_ids_queue(&sc->pres.ids, idx, id, discard))
               vw_dbg("vkQueuePresentKHR: present id %llu of swapchain %u is not above the "
                      "previous %llu", (unsigned long long)id, sc->serial,
                      (unsigned long long)sc->pres.ids.last);
            results[i] = sc->pres.retired ? VK_ERROR_OUT_OF_DATE_KHR : sc->pres.status;
         }
      } else if (idx < sc->image_count) {
         /* Never submitted: the image goes straight back so the app is not starved. */
         vw_pq_unacquire(&sc->pres.pq, idx);
         vw_presentation_released_locked(&sc->pres, 1);
      }
      pthread_mutex_unlock(&sc->pres.lock);
      vw_presentation_wake(&sc->pres);
      /* Only now: the frame was queued whatever became of its fence. */
      results[i] = worst(results[i], fence_results[i]);
      if (info->pResults)
         info->pResults[i] = results[i];
      r = worst(r, results[i]);
   }
   return r;
}

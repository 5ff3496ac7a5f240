/* Swapchain creation, retirement, destruction and image acquisition. */
#include "swapchain.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handle_map.h"
#include "log.h"
#include "queue_sync.h"
#include "stats_file.h"
#include "venus_wsi/acquire_wait.h"
#include "venus_wsi/format_table.h"

static struct vw_handle_map swapchain_map = VW_HANDLE_MAP_INIT;
static atomic_uint next_serial;

struct vw_swapchain *
vw_swapchain_from_handle(VkSwapchainKHR handle)
{
   return handle ? vw_map_lookup(&swapchain_map, vw_key((const void *)handle)) : NULL;
}

void
vw_swapchain_release_image(struct vw_swapchain *sc, uint32_t index)
{
   vw_presentation_release_image(&sc->pres, index);
}

/* VK_EXT_swapchain_maintenance1's structures. The modes to switch between must be offered
 * and compatible with each other (present_modes.h); no scaling or gravity is offered
 * (VkSurfacePresentScalingCapabilitiesEXT says none), so only zeros are accepted: an image
 * the layer would show otherwise than asked is refused rather than shown wrong. */
static VkResult
check_maintenance1(struct vw_surface *surface, const VkSwapchainCreateInfoKHR *ci,
                   const VkPresentModeKHR *offered, uint32_t noffered)
{
   for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_MODES_CREATE_INFO_EXT) {
         const VkSwapchainPresentModesCreateInfoEXT *m =
            (const VkSwapchainPresentModesCreateInfoEXT *)s;
         if (!m->presentModeCount || !m->pPresentModes ||
             m->presentModeCount > VW_PRESENT_MODE_MAX) {
            vw_err("vkCreateSwapchainKHR: %u present modes to switch between, 1..%u allowed",
                   m->presentModeCount, VW_PRESENT_MODE_MAX);
            return VK_ERROR_INITIALIZATION_FAILED;
         }
         bool has_own = false;
         for (uint32_t i = 0; i < m->presentModeCount; i++) {
            bool ok = false;
            for (uint32_t j = 0; j < noffered; j++)
               ok |= offered[j] == m->pPresentModes[i];
            if (!ok) {
               vw_err("vkCreateSwapchainKHR: present mode %d to switch to is not one the %s "
                      "surface offers", m->pPresentModes[i], surface->backend->name);
               return VK_ERROR_INITIALIZATION_FAILED;
            }
            has_own |= m->pPresentModes[i] == ci->presentMode;
         }
         if (!has_own || !vw_present_modes_compatible(surface->backend->mode_switching,
                                                      m->pPresentModes, m->presentModeCount)) {
            vw_err("vkCreateSwapchainKHR: the present modes to switch between do not include "
                   "presentMode %d or are not compatible on the %s surface", ci->presentMode,
                   surface->backend->name);
            return VK_ERROR_INITIALIZATION_FAILED;
         }
      } else if (s->sType == VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_SCALING_CREATE_INFO_EXT) {
         const VkSwapchainPresentScalingCreateInfoEXT *sc =
            (const VkSwapchainPresentScalingCreateInfoEXT *)s;
         if (sc->scalingBehavior || sc->presentGravityX || sc->presentGravityY) {
            vw_err("vkCreateSwapchainKHR: present scaling 0x%x, gravity 0x%x/0x%x asked; the "
                   "%s surface offers none", sc->scalingBehavior, sc->presentGravityX,
                   sc->presentGravityY, surface->backend->name);
            return VK_ERROR_INITIALIZATION_FAILED;
         }
      }
   }
   return VK_SUCCESS;
}

/* Refuses what the driver must never see. The extent and layer limits are those the
 * surface's backend reports for this device (vkGetPhysicalDeviceSurfaceCapabilitiesKHR):
 * an image beyond them is invalid usage a driver need not survive (lavapipe crashes on a
 * 65536x65536 one), and an app that skipped the query must get an error, not a crash. */
static VkResult
check_create_info(struct vw_device *dev, struct vw_surface *surface,
                  const VkSwapchainCreateInfoKHR *ci)
{
   if (ci->minImageCount > VW_MAX_IMAGES) {
      vw_err("vkCreateSwapchainKHR: %u images asked, at most %u", ci->minImageCount,
             VW_MAX_IMAGES);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (!vw_format_from_vk(ci->imageFormat)) {
      vw_err("vkCreateSwapchainKHR: format %d is not a surface format", ci->imageFormat);
      return VK_ERROR_FORMAT_NOT_SUPPORTED;
   }
   if (ci->flags & (VK_SWAPCHAIN_CREATE_SPLIT_INSTANCE_BIND_REGIONS_BIT_KHR | VK_SWAPCHAIN_CREATE_PROTECTED_BIT_KHR)) {
      vw_err("vkCreateSwapchainKHR: flags 0x%x not supported", ci->flags);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   VkSurfaceCapabilitiesKHR caps;
   VkResult r = surface->backend->get_capabilities(surface, dev->pdev, &caps);
   if (r != VK_SUCCESS) {
      vw_err("vkCreateSwapchainKHR: the %s surface's capabilities: %d", surface->backend->name,
             r);
      return r;
   }
   const VkExtent2D e = ci->imageExtent;
   /* minImageExtent is at least 1x1 for every backend, so this refuses 0 too. */
   if (e.width == 0 || e.height == 0 || e.width < caps.minImageExtent.width ||
       e.height < caps.minImageExtent.height || e.width > caps.maxImageExtent.width ||
       e.height > caps.maxImageExtent.height) {
      vw_err("vkCreateSwapchainKHR: extent %ux%u outside the %s surface's %ux%u..%ux%u",
             e.width, e.height, surface->backend->name, caps.minImageExtent.width,
             caps.minImageExtent.height, caps.maxImageExtent.width, caps.maxImageExtent.height);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   VkPresentModeKHR modes[VW_PRESENT_MODE_MAX];
   uint32_t nmodes = surface->backend->get_present_modes(surface, dev->pdev, modes);
   bool offered = false;
   for (uint32_t i = 0; i < nmodes; i++)
      offered |= modes[i] == ci->presentMode;
   if (!offered) {
      vw_err("vkCreateSwapchainKHR: present mode %d is not one the %s surface offers",
             ci->presentMode, surface->backend->name);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (ci->imageArrayLayers == 0 || ci->imageArrayLayers > caps.maxImageArrayLayers) {
      vw_err("vkCreateSwapchainKHR: %u array layers, the %s surface allows 1..%u",
             ci->imageArrayLayers, surface->backend->name, caps.maxImageArrayLayers);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   return check_maintenance1(surface, ci, modes, nmodes);
}

/* The image template: the app's request plus TRANSFER_SRC, which the present copy needs. */
static VkResult
init_image_template(struct vw_swapchain *sc, const VkSwapchainCreateInfoKHR *ci)
{
   VkImageCreateInfo *ici = &sc->image_ci;
   ici->sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
   ici->imageType = VK_IMAGE_TYPE_2D;
   ici->format = ci->imageFormat;
   ici->extent = (VkExtent3D){ci->imageExtent.width, ci->imageExtent.height, 1};
   ici->mipLevels = 1;
   ici->arrayLayers = ci->imageArrayLayers;
   ici->samples = VK_SAMPLE_COUNT_1_BIT;
   ici->tiling = VK_IMAGE_TILING_OPTIMAL;
   ici->usage = ci->imageUsage | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
   ici->sharingMode = ci->imageSharingMode;
   ici->initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
   if (ci->imageSharingMode == VK_SHARING_MODE_CONCURRENT && ci->queueFamilyIndexCount) {
      sc->families = calloc(ci->queueFamilyIndexCount, sizeof(uint32_t));
      if (!sc->families)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      memcpy(sc->families, ci->pQueueFamilyIndices, ci->queueFamilyIndexCount * sizeof(uint32_t));
      ici->queueFamilyIndexCount = ci->queueFamilyIndexCount;
      ici->pQueueFamilyIndices = sc->families;
   }
   if (ci->flags & VK_SWAPCHAIN_CREATE_MUTABLE_FORMAT_BIT_KHR) {
      ici->flags |= VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT | VK_IMAGE_CREATE_EXTENDED_USAGE_BIT;
      for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
         if (s->sType != VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO)
            continue;
         const VkImageFormatListCreateInfo *list = (const VkImageFormatListCreateInfo *)s;
         sc->view_formats = calloc(list->viewFormatCount ? list->viewFormatCount : 1,
                                   sizeof(VkFormat));
         if (!sc->view_formats)
            return VK_ERROR_OUT_OF_HOST_MEMORY;
         memcpy(sc->view_formats, list->pViewFormats, list->viewFormatCount * sizeof(VkFormat));
         sc->format_list = (VkImageFormatListCreateInfo){
            .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO,
            .viewFormatCount = list->viewFormatCount,
            .pViewFormats = sc->view_formats,
         };
         ici->pNext = &sc->format_list;
      }
   }
   return VK_SUCCESS;
}

static void
free_swapchain(struct vw_swapchain *sc)
{
   /* Images first: their memory may be the backend's buffers (host pointers into mapped
    * scanout buffers), which must outlive it. */
   vw_swapchain_destroy_images(sc);
   if (sc->backend->destroy_swapchain)
      sc->backend->destroy_swapchain(sc);
   vw_presentation_finish(&sc->pres);
   free(sc->families);
   free(sc->view_formats);
   free(sc);
}

/* Inner failures (a format, a forced path's missing feature) are not among the codes
 * vkCreateSwapchainKHR may return. */
static VkResult
creation_result(VkResult r)
{
   switch (r) {
   case VK_ERROR_OUT_OF_HOST_MEMORY:
   case VK_ERROR_OUT_OF_DEVICE_MEMORY:
   case VK_ERROR_DEVICE_LOST:
   case VK_ERROR_SURFACE_LOST_KHR:
   case VK_ERROR_NATIVE_WINDOW_IN_USE_KHR:
      return r;
   default:
      return VK_ERROR_INITIALIZATION_FAILED;
   }
}

static VkResult
create_fences(struct vw_swapchain *sc)
{
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   for (uint32_t i = 0; i < sc->image_count; i++) {
      VkResult r = sc->dev->next.CreateFence(sc->dev->handle, &fci, NULL,
                                             &sc->images[i].present_fence);
      if (r != VK_SUCCESS)
         return r;
   }
   return VK_SUCCESS;
}

/* VENUS_WSI_STATS_FILE, for benchmarks and checks: a line when a swapchain is made (what it
 * chose, there even when the app is killed before it destroys the swapchain) and a line of
 * figures when it is destroyed. The path and method never change in between. */
static void
write_created_stats(struct vw_swapchain *sc)
{
   const char *path = vw_config_get()->stats_file;
   if (!path[0])
      return;
   char line[320];
   snprintf(line, sizeof(line),
            "swapchain=%u backend=%s path=%s method=%s pacing=%s width=%u height=%u "
            "present_mode=%d images=%u event=create\n",
            sc->serial, sc->backend->name, vw_path_name(sc->path),
            sc->method ? sc->method : "-", sc->pacing ? sc->pacing : "-", sc->extent.width,
            sc->extent.height, sc->present_mode, sc->image_count);
   vw_stats_append(path, line);
}

static void
write_stats(struct vw_swapchain *sc)
{
   const char *path = vw_config_get()->stats_file;
   if (!path[0])
      return;
   char display[160] = "";
   pthread_mutex_lock(&sc->pres.lock); /* a backend's event thread may still count */
   if (sc->stats.display_feedback)
      snprintf(display, sizeof(display),
               " display_presented=%llu display_discarded=%llu display_refresh_ns=%llu",
               (unsigned long long)sc->stats.display_presented,
               (unsigned long long)sc->stats.display_discarded,
               (unsigned long long)sc->stats.display_refresh_ns);
   pthread_mutex_unlock(&sc->pres.lock);
   char line[640];
   snprintf(line, sizeof(line),
            "swapchain=%u backend=%s path=%s method=%s pacing=%s width=%u height=%u "
            "present_mode=%d presents=%llu "
            "shown=%llu skipped=%llu present_cpu_ns=%llu copy_bytes=%llu%s event=destroy\n",
            sc->serial, sc->backend->name, vw_path_name(sc->path),
            sc->method ? sc->method : "-", sc->pacing ? sc->pacing : "-", sc->extent.width,
            sc->extent.height, sc->present_mode, (unsigned long long)sc->pres.pq.presented,
            (unsigned long long)sc->pres.pq.shown, (unsigned long long)sc->pres.pq.skipped,
            (unsigned long long)sc->stats.present_cpu_ns,
            (unsigned long long)sc->stats.copy_bytes, display);
   vw_stats_append(path, line);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateSwapchainKHR(VkDevice device, const VkSwapchainCreateInfoKHR *ci,
                      const VkAllocationCallbacks *alloc, VkSwapchainKHR *out)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return VK_ERROR_INITIALIZATION_FAILED;
   struct vw_surface *surface = vw_surface_from_handle(ci->surface);
   if (!surface) {
      if (!dev->next.CreateSwapchainKHR) {
         vw_err("vkCreateSwapchainKHR: the surface is not the layer's and the driver has no "
                "swapchain");
         return VK_ERROR_SURFACE_LOST_KHR;
      }
      return dev->next.CreateSwapchainKHR(device, ci, alloc, out);
   }
   struct vw_swapchain *old = vw_swapchain_from_handle(ci->oldSwapchain);
   if (old)
      vw_presentation_retire(&old->pres); /* even when creating the new one fails, as the spec says */
   /* Before anything is made: a refusal is the check's one log line, nothing to undo. */
   VkResult r = check_create_info(dev, surface, ci);
   if (r != VK_SUCCESS)
      return creation_result(r);

   struct vw_swapchain *sc = calloc(1, sizeof(*sc));
   if (!sc)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   sc->dev = dev;
   sc->surface = surface;
   sc->backend = surface->backend;
   sc->serial = atomic_fetch_add(&next_serial, 1);
   sc->format = ci->imageFormat;
   sc->color_space = ci->imageColorSpace;
   sc->extent = ci->imageExtent;
   sc->layers = ci->imageArrayLayers;
   sc->usage = ci->imageUsage;
   sc->sharing = ci->imageSharingMode;
   sc->present_mode = ci->presentMode;
   sc->modes[0] = ci->presentMode;
   sc->mode_count = 1;
   for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
      /* VK_EXT_display_control: only display surfaces offer a counter (VBLANK). */
      if (s->sType == VK_STRUCTURE_TYPE_SWAPCHAIN_COUNTER_CREATE_INFO_EXT)
         sc->counters = ((const VkSwapchainCounterCreateInfoEXT *)s)->surfaceCounters;
      if (s->sType != VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_MODES_CREATE_INFO_EXT)
         continue;
      const VkSwapchainPresentModesCreateInfoEXT *m = (const VkSwapchainPresentModesCreateInfoEXT *)s;
      for (uint32_t i = 0; i < m->presentModeCount; i++)
         if (m->pPresentModes[i] != ci->presentMode && sc->mode_count < VW_PRESENT_MODE_MAX)
            sc->modes[sc->mode_count++] = m->pPresentModes[i];
   }
   /* DEFERRED_MEMORY_ALLOCATION only allows the images' memory to wait for their first
    * acquire ("may defer"); they are made here as always, which the spec permits. */
   sc->flags = ci->flags;
   sc->composite_alpha = ci->compositeAlpha;
   sc->image_count = ci->minImageCount ? ci->minImageCount : 1;
   vw_presentation_init(&sc->pres, sc->serial);

   r = init_image_template(sc, ci);
   if (r == VK_SUCCESS)
      r = sc->backend->create_swapchain(sc);
   if (r == VK_SUCCESS)
      r = create_fences(sc);
   if (r == VK_SUCCESS) {
      vw_pq_init(&sc->pres.pq, sc->present_mode, sc->image_count, sc->hold_displayed,
                 sc->refresh_period_ns);
      sc->pres.pq.backend_releases = sc->backend_releases;
      r = vw_present_thread_start(sc);
   }
   if (r == VK_SUCCESS && !vw_map_insert(&swapchain_map, vw_key(sc), sc)) {
      vw_presentation_stop(&sc->pres);
      r = VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   if (r != VK_SUCCESS) {
      vw_err("vkCreateSwapchainKHR: %ux%u format %d failed: %d", ci->imageExtent.width,
             ci->imageExtent.height, ci->imageFormat, r);
      free_swapchain(sc);
      return creation_result(r);
   }
   vw_info("swapchain %u: %ux%u format %d, %u images, present mode %d, %s backend, path %s",
           sc->serial, sc->extent.width, sc->extent.height, sc->format, sc->image_count,
           sc->present_mode, sc->backend->name, vw_path_name(sc->path));
   write_created_stats(sc);
   *out = (VkSwapchainKHR)(uintptr_t)sc;
   return VK_SUCCESS;
}

/* After a frame was declared lost the present thread stopped waiting for the GPU; the
 * destroy waits once more, as long again, before anything is freed. True when nothing of
 * the swapchain's is still in use (or the device is lost, when freeing is allowed). */
static bool
frames_let_go(struct vw_swapchain *sc)
{
   if (!sc->pres.frames_lost)
      return true;
   VkFence fences[VW_MAX_IMAGES];
   uint32_t n = 0;
   for (uint32_t i = 0; i < sc->image_count; i++)
      if (sc->images[i].fence_in_flight)
         fences[n++] = sc->images[i].present_fence;
   if (!n)
      return true;
   uint64_t timeout = (uint64_t)vw_config_get()->fence_timeout_ms * 1000000ull;
   VkResult r = sc->dev->next.WaitForFences(sc->dev->handle, n, fences, VK_TRUE, timeout);
   return r != VK_TIMEOUT;
}

VKAPI_ATTR void VKAPI_CALL
vw_DestroySwapchainKHR(VkDevice device, VkSwapchainKHR handle, const VkAllocationCallbacks *alloc)
{
   if (!handle)
      return;
   struct vw_swapchain *sc = vw_map_remove(&swapchain_map, vw_key((const void *)handle));
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (dev && dev->next.DestroySwapchainKHR)
         dev->next.DestroySwapchainKHR(device, handle, alloc);
      return;
   }
   /* A fork() child has no present thread to join, and the images, memory and scanout
    * buffers are the parent's as much as its own (a DRM file is shared across fork): freeing
    * them would pull them from under the parent. The child's copy is leaked instead. */
   if (vw_presentation_in_forked_child(&sc->pres))
      return;
   vw_presentation_stop(&sc->pres);
   if (!frames_let_go(sc)) {
      /* Freeing memory the GPU may still write is worse than leaking it. */
      vw_err("swapchain %u: frames still not finished on the GPU; leaking the swapchain",
             sc->serial);
      return;
   }
   vw_dbg("swapchain %u: destroyed after %llu presents, %llu shown, %llu skipped", sc->serial,
          (unsigned long long)sc->pres.pq.presented, (unsigned long long)sc->pres.pq.shown,
          (unsigned long long)sc->pres.pq.skipped);
   write_stats(sc);
   free_swapchain(sc);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetSwapchainImagesKHR(VkDevice device, VkSwapchainKHR handle, uint32_t *count, VkImage *images)
{
   struct vw_swapchain *sc = vw_swapchain_from_handle(handle);
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (!dev || !dev->next.GetSwapchainImagesKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return dev->next.GetSwapchainImagesKHR(device, handle, count, images);
   }
   VkImage all[VW_MAX_IMAGES];
   for (uint32_t i = 0; i < sc->image_count; i++)
      all[i] = sc->images[i].image;
   if (!images) {
      *count = sc->image_count;
      return VK_SUCCESS;
   }
   uint32_t n = *count < sc->image_count ? *count : sc->image_count;
   memcpy(images, all, n * sizeof(VkImage));
   *count = n;
   return n < sc->image_count ? VK_INCOMPLETE : VK_SUCCESS;
}

bool
vw_swapchain_refused_in_child(const struct vw_swapchain *sc, const char *call)
{
   if (!vw_presentation_in_forked_child(&sc->pres))
      return false;
   vw_err("%s: swapchain %u belongs to process %d; this fork() child has no present thread for "
          "it (VK_ERROR_DEVICE_LOST)", call, sc->serial, (int)sc->pres.owner_pid);
   return true;
}

static VkResult
acquire(struct vw_swapchain *sc, uint64_t timeout, VkSemaphore semaphore, VkFence fence,
        uint32_t *index)
{
   if (vw_swapchain_refused_in_child(sc, "vkAcquireNextImage(2)KHR"))
      return VK_ERROR_DEVICE_LOST; /* nothing would ever free an image there */
   uint32_t got;
   VkResult r = vw_acquire_wait(&sc->pres, timeout, &got);
   if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR)
      return r;
   VkResult s = vw_signal_acquire(sc->dev, semaphore, fence);
   if (s != VK_SUCCESS) {
      pthread_mutex_lock(&sc->pres.lock);
      vw_pq_unacquire(&sc->pres.pq, got);
      vw_presentation_released_locked(&sc->pres, 1);
      pthread_mutex_unlock(&sc->pres.lock);
      return s;
   }
   *index = got;
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_AcquireNextImageKHR(VkDevice device, VkSwapchainKHR handle, uint64_t timeout,
                       VkSemaphore semaphore, VkFence fence, uint32_t *index)
{
   struct vw_swapchain *sc = vw_swapchain_from_handle(handle);
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (!dev || !dev->next.AcquireNextImageKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return dev->next.AcquireNextImageKHR(device, handle, timeout, semaphore, fence, index);
   }
   return acquire(sc, timeout, semaphore, fence, index);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_AcquireNextImage2KHR(VkDevice device, const VkAcquireNextImageInfoKHR *info, uint32_t *index)
{
   struct vw_swapchain *sc = vw_swapchain_from_handle(info->swapchain);
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (!dev || !dev->next.AcquireNextImage2KHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return dev->next.AcquireNextImage2KHR(device, info, index);
   }
   /* One physical device per logical device here: deviceMask can only be 1. */
   return acquire(sc, info->timeout, info->semaphore, info->fence, index);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_WaitForPresentKHR(VkDevice device, VkSwapchainKHR handle, uint64_t present_id, uint64_t timeout)
{
   struct vw_swapchain *sc = vw_swapchain_from_handle(handle);
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (!dev || !dev->next.WaitForPresentKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return dev->next.WaitForPresentKHR(device, handle, present_id, timeout);
   }
   /* No present thread there: nothing would ever raise the presented id. */
   if (vw_swapchain_refused_in_child(sc, "vkWaitForPresentKHR"))
      return VK_ERROR_DEVICE_LOST;
   return vw_present_wait(&sc->pres, present_id, timeout);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_WaitForPresent2KHR(VkDevice device, VkSwapchainKHR handle, const VkPresentWait2InfoKHR *info)
{
   struct vw_swapchain *sc = vw_swapchain_from_handle(handle);
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (!dev || !dev->next.WaitForPresent2KHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return dev->next.WaitForPresent2KHR(device, handle, info);
   }
   if (!info) {
      /* Invalid usage; of the results the command has, this one tells the app to stop. */
      vw_err("vkWaitForPresent2KHR: no VkPresentWait2InfoKHR");
      return VK_ERROR_OUT_OF_DATE_KHR;
   }
   /* The same presented id as vkWaitForPresentKHR's, with the same rules; the second version
    * only moves the arguments into a structure. */
   if (vw_swapchain_refused_in_child(sc, "vkWaitForPresent2KHR"))
      return VK_ERROR_DEVICE_LOST;
   return vw_present_wait(&sc->pres, info->presentId, info->timeout);
}

/* Acquired images go back to the free list as if never acquired. The spec makes the app
 * wait for any semaphore or fence the acquire signalled before this, so nothing of the GPU
 * still refers to them. All indices are checked first: a bad one changes nothing. */
VKAPI_ATTR VkResult VKAPI_CALL
vw_ReleaseSwapchainImagesEXT(VkDevice device, const VkReleaseSwapchainImagesInfoEXT *info)
{
   struct vw_swapchain *sc = vw_swapchain_from_handle(info->swapchain);
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (!dev || !dev->next.ReleaseSwapchainImagesEXT)
         return VK_ERROR_SURFACE_LOST_KHR;
      return dev->next.ReleaseSwapchainImagesEXT(device, info);
   }
   if (vw_swapchain_refused_in_child(sc, "vkReleaseSwapchainImagesEXT"))
      return VK_ERROR_DEVICE_LOST;
   pthread_mutex_lock(&sc->pres.lock);
   for (uint32_t i = 0; i < info->imageIndexCount; i++) {
      uint32_t idx = info->pImageIndices[i];
      if (idx >= sc->image_count || sc->pres.pq.state[idx] != VW_IMAGE_ACQUIRED) {
         pthread_mutex_unlock(&sc->pres.lock);
         vw_err("vkReleaseSwapchainImagesEXT: image %u of swapchain %u is not acquired", idx,
                sc->serial);
         /* The command has no code for this misuse; OUT_OF_DATE is what vkQueuePresentKHR
          * answers for an image not acquired. The images stay as they were. */
         return VK_ERROR_OUT_OF_DATE_KHR;
      }
   }
   uint32_t n = 0;
   for (uint32_t i = 0; i < info->imageIndexCount; i++)
      n += vw_pq_unacquire(&sc->pres.pq, info->pImageIndices[i]);
   vw_presentation_released_locked(&sc->pres, n);
   pthread_mutex_unlock(&sc->pres.lock);
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDeviceGroupPresentCapabilitiesKHR(VkDevice device, VkDeviceGroupPresentCapabilitiesKHR *caps)
{
   memset(caps->presentMask, 0, sizeof(caps->presentMask));
   caps->presentMask[0] = 1;
   caps->modes = VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR;
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDeviceGroupSurfacePresentModesKHR(VkDevice device, VkSurfaceKHR surface,
                                        VkDeviceGroupPresentModeFlagsKHR *modes)
{
   if (!vw_surface_from_handle(surface)) {
      struct vw_device *dev = vw_device_from_handle(device);
      if (!dev || !dev->next.GetDeviceGroupSurfacePresentModesKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return dev->next.GetDeviceGroupSurfacePresentModesKHR(device, surface, modes);
   }
   *modes = VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR;
   return VK_SUCCESS;
}

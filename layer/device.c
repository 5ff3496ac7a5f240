#include "device.h"
#include "display.h"

#include <stdlib.h>
#include <string.h>

#include "device_chain.h"
#include "venus_wsi/vk_maintenance1_khr.h"
#include "venus_wsi/vk_present2.h"
#include "extensions.h"
#include "handle_map.h"
#include "log.h"

static struct vw_handle_map device_map = VW_HANDLE_MAP_INIT;

struct vw_device *
vw_device_from_handle(const void *dispatchable)
{
   return dispatchable ? vw_map_lookup(&device_map, vw_dispatch_key(dispatchable)) : NULL;
}

struct vw_queue *
vw_queue_from_handle(struct vw_device *dev, VkQueue queue)
{
   for (uint32_t i = 0; i < dev->queue_count; i++)
      if (dev->queues[i].handle == queue)
         return &dev->queues[i];
   return NULL;
}

struct vw_queue *
vw_device_signal_queue(struct vw_device *dev)
{
   /* Any queue can run an empty batch that signals; avoid protected-only queues. */
   for (uint32_t i = 0; i < dev->queue_count; i++)
      if (!(dev->queues[i].flags & VK_DEVICE_QUEUE_CREATE_PROTECTED_BIT))
         return &dev->queues[i];
   return dev->queue_count ? &dev->queues[0] : NULL;
}

static VkLayerDeviceCreateInfo *
find_device_info(const VkDeviceCreateInfo *ci, VkLayerFunction function)
{
   for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
      if (s->sType != VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO)
         continue;
      VkLayerDeviceCreateInfo *info = (VkLayerDeviceCreateInfo *)s;
      if (info->function == function)
         return info;
   }
   return NULL;
}

/* Whether the driver takes one of the layer's device extensions itself: only beside its
 * own swapchain (with VK_KHR_swapchain hidden, its companions are hidden too). */
static bool
driver_takes(const struct vw_physical_device *pdev, const char *name)
{
   return pdev->drv.swapchain && vw_ext_in_props(name, pdev->exts, pdev->ext_count);
}

/* The feature structures of the layer's device extensions; 'ext2' names the KHR promotion
 * that shares the structure. */
static const struct {
   VkStructureType type;
   const char *ext;
   const char *ext2;
} layer_features[] = {
   {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR, VK_KHR_PRESENT_ID_EXTENSION_NAME,
    NULL},
   {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_FEATURES_KHR,
    VK_KHR_PRESENT_WAIT_EXTENSION_NAME, NULL},
   {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SWAPCHAIN_MAINTENANCE_1_FEATURES_EXT,
    VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME, VK_KHR_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME},
   {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_2_FEATURES_KHR,
    VK_KHR_PRESENT_ID_2_EXTENSION_NAME, NULL},
   {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_2_FEATURES_KHR,
    VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME, NULL},
   {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_MODE_FIFO_LATEST_READY_FEATURES_EXT,
    VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME, "VK_KHR_present_mode_fifo_latest_ready"},
};
#define LAYER_FEATURE_COUNT (sizeof(layer_features) / sizeof(layer_features[0]))

/* Whether the driver takes the extension (or its promotion) of layer_features[i]. */
static bool
driver_takes_feature(const struct vw_physical_device *pdev, uint32_t i)
{
   return driver_takes(pdev, layer_features[i].ext) ||
          (layer_features[i].ext2 && driver_takes(pdev, layer_features[i].ext2));
}

VKAPI_ATTR void VKAPI_CALL
vw_GetPhysicalDeviceFeatures2(VkPhysicalDevice handle, VkPhysicalDeviceFeatures2 *features)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   if (!pdev)
      return;
   PFN_vkGetPhysicalDeviceFeatures2 next = pdev->instance->next.GetPhysicalDeviceFeatures2;
   if (!next)
      return;
   if (!pdev->instance->active) {
      next(handle, features);
      return;
   }
   /* A driver without the extension may reject its structure: it is taken out of the chain
    * for the call down and put back after. The structures are the app's outputs, written
    * by this call anyway, so relinking them is no change the app can see. */
   VkBaseOutStructure *prev_of[8], *taken[8];
   uint32_t ntaken = 0;
   for (VkBaseOutStructure *prev = (VkBaseOutStructure *)features, *s = prev->pNext; s;) {
      bool take = false;
      for (uint32_t i = 0; i < LAYER_FEATURE_COUNT; i++)
         take |= s->sType == layer_features[i].type && !driver_takes_feature(pdev, i);
      if (take && ntaken < 8) {
         prev_of[ntaken] = prev;
         taken[ntaken++] = s;
         prev->pNext = s->pNext;
      } else {
         prev = s;
      }
      s = prev->pNext;
   }
   next(handle, features);
   while (ntaken--)
      prev_of[ntaken]->pNext = taken[ntaken];
   for (VkBaseOutStructure *s = features->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR)
         ((VkPhysicalDevicePresentIdFeaturesKHR *)s)->presentId = VK_TRUE;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_FEATURES_KHR)
         ((VkPhysicalDevicePresentWaitFeaturesKHR *)s)->presentWait = VK_TRUE;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SWAPCHAIN_MAINTENANCE_1_FEATURES_EXT)
         ((VkPhysicalDeviceSwapchainMaintenance1FeaturesEXT *)s)->swapchainMaintenance1 = VK_TRUE;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_2_FEATURES_KHR)
         ((VkPhysicalDevicePresentId2FeaturesKHR *)s)->presentId2 = VK_TRUE;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_2_FEATURES_KHR)
         ((VkPhysicalDevicePresentWait2FeaturesKHR *)s)->presentWait2 = VK_TRUE;
      else if (s->sType ==
               VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_MODE_FIFO_LATEST_READY_FEATURES_EXT)
         ((VkPhysicalDevicePresentModeFifoLatestReadyFeaturesEXT *)s)->presentModeFifoLatestReady =
            VK_TRUE;
   }
}

/* Notes the layer's features the app enabled; returns the types of those that must not go
 * down (their extension does not). */
static uint32_t
note_layer_features(struct vw_device *dev, const VkDeviceCreateInfo *ci,
                    VkStructureType drop[LAYER_FEATURE_COUNT])
{
   uint32_t n = 0;
   for (uint32_t i = 0; i < LAYER_FEATURE_COUNT; i++)
      if (!driver_takes_feature(dev->pdev, i))
         drop[n++] = layer_features[i].type;
   for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR)
         dev->app_features.present_id = ((const VkPhysicalDevicePresentIdFeaturesKHR *)s)->presentId;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_FEATURES_KHR)
         dev->app_features.present_wait =
            ((const VkPhysicalDevicePresentWaitFeaturesKHR *)s)->presentWait;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SWAPCHAIN_MAINTENANCE_1_FEATURES_EXT)
         dev->app_features.swapchain_maintenance1 =
            ((const VkPhysicalDeviceSwapchainMaintenance1FeaturesEXT *)s)->swapchainMaintenance1;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_2_FEATURES_KHR)
         dev->app_features.present_id2 =
            ((const VkPhysicalDevicePresentId2FeaturesKHR *)s)->presentId2;
      else if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_2_FEATURES_KHR)
         dev->app_features.present_wait2 =
            ((const VkPhysicalDevicePresentWait2FeaturesKHR *)s)->presentWait2;
      else if (s->sType ==
               VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_MODE_FIFO_LATEST_READY_FEATURES_EXT)
         dev->app_features.fifo_latest_ready =
            ((const VkPhysicalDevicePresentModeFifoLatestReadyFeaturesEXT *)s)
               ->presentModeFifoLatestReady;
   }
   return n;
}

/* The device extensions below the layer: the app's, minus those the layer implements and
 * the driver lacks, plus the driver extensions the layer's scanout paths use. */
static bool
build_device_extensions(struct vw_device *dev, const VkDeviceCreateInfo *ci,
                        struct vw_name_list *list)
{
   const struct vw_driver_features *drv = &dev->pdev->drv;
   if (!vw_name_list_init(list, ci->ppEnabledExtensionNames, ci->enabledExtensionCount, 8))
      return false;
   if (!dev->active)
      return true;

   /* What the layer implements goes down only where the driver has it too (and then only
    * for the driver's own surfaces); with VK_KHR_swapchain hidden, its companions go too. */
   for (uint32_t i = 0; i < vw_device_extension_count; i++) {
      const char *name = vw_device_extensions[i].extensionName;
      if (!driver_takes(dev->pdev, name))
         vw_name_list_remove(list, name);
   }
   dev->enabled.swapchain = vw_ext_in_names(VK_KHR_SWAPCHAIN_EXTENSION_NAME, list->names, list->count);

   /* Mutable-format swapchain images need the format list below the layer on 1.1. */
   if (dev->app_ext.mutable_format && dev->pdev->api_version < VK_API_VERSION_1_2 &&
       drv->image_format_list)
      vw_name_list_add(list, VK_KHR_IMAGE_FORMAT_LIST_EXTENSION_NAME);

   struct {
      bool have;
      const char *name;
      bool *enabled;
   } wanted[] = {
      {drv->external_memory_fd, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
       &dev->enabled.external_memory_fd},
      {drv->external_memory_dma_buf, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME,
       &dev->enabled.external_memory_dma_buf},
      {drv->external_memory_host, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME,
       &dev->enabled.external_memory_host},
      /* Explicit row pitches for imported scanout buffers; its dependencies are core 1.2. */
      {drv->image_drm_format_modifier && dev->pdev->api_version >= VK_API_VERSION_1_2,
       VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME, &dev->enabled.image_drm_format_modifier},
   };
   for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
      if (wanted[i].have)
         *wanted[i].enabled = vw_name_list_add(list, wanted[i].name);
   return true;
}

static VkResult
init_queues(struct vw_device *dev, const VkDeviceCreateInfo *ci)
{
   uint32_t total = 0;
   for (uint32_t i = 0; i < ci->queueCreateInfoCount; i++)
      total += ci->pQueueCreateInfos[i].queueCount;
   dev->queues = calloc(total ? total : 1, sizeof(*dev->queues));
   if (!dev->queues)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < ci->queueCreateInfoCount; i++) {
      const VkDeviceQueueCreateInfo *qci = &ci->pQueueCreateInfos[i];
      for (uint32_t j = 0; j < qci->queueCount; j++) {
         struct vw_queue *q = &dev->queues[dev->queue_count];
         q->family = qci->queueFamilyIndex;
         q->index = j;
         q->flags = qci->flags;
         if (qci->flags && dev->next.GetDeviceQueue2) {
            VkDeviceQueueInfo2 info = {
               .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_INFO_2,
               .flags = qci->flags,
               .queueFamilyIndex = qci->queueFamilyIndex,
               .queueIndex = j,
            };
            dev->next.GetDeviceQueue2(dev->handle, &info, &q->handle);
         } else {
            dev->next.GetDeviceQueue(dev->handle, qci->queueFamilyIndex, j, &q->handle);
         }
         if (!q->handle)
            continue;
         /* Queues fetched from below the loader's trampoline carry no dispatch pointer
          * until the loader sets one; layers below rely on it. */
         if (dev->set_loader_data)
            dev->set_loader_data(dev->handle, q->handle);
         pthread_mutex_init(&q->lock, NULL);
         dev->queue_count++;
      }
   }
   return VK_SUCCESS;
}

static void
free_device_record(struct vw_device *dev)
{
   for (uint32_t i = 0; i < dev->queue_count; i++)
      pthread_mutex_destroy(&dev->queues[i].lock);
   free(dev->queues);
   free(dev);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateDevice(VkPhysicalDevice physical_device, const VkDeviceCreateInfo *ci,
                const VkAllocationCallbacks *alloc, VkDevice *out)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(physical_device);
   VkLayerDeviceCreateInfo *link = find_device_info(ci, VK_LAYER_LINK_INFO);
   if (!pdev || !link || !link->u.pLayerInfo) {
      vw_err("vkCreateDevice: unknown physical device or no loader link info");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   VkLayerDeviceCreateInfo *loader_cb = find_device_info(ci, VK_LOADER_DATA_CALLBACK);
   PFN_vkGetInstanceProcAddr next_gipa = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
   PFN_vkGetDeviceProcAddr next_gdpa = link->u.pLayerInfo->pfnNextGetDeviceProcAddr;
   PFN_vkCreateDevice next_create =
      (PFN_vkCreateDevice)next_gipa(pdev->instance->handle, "vkCreateDevice");
   if (!next_create)
      return VK_ERROR_INITIALIZATION_FAILED;

   struct vw_device *dev = calloc(1, sizeof(*dev));
   if (!dev)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   dev->pdev = pdev;
   dev->instance = pdev->instance;
   dev->next_gdpa = next_gdpa;
   dev->set_loader_data = loader_cb ? loader_cb->u.pfnSetDeviceLoaderData : NULL;
   dev->active = pdev->instance->active;
   dev->app_ext.swapchain = vw_ext_in_names(VK_KHR_SWAPCHAIN_EXTENSION_NAME,
                                            ci->ppEnabledExtensionNames, ci->enabledExtensionCount);
   dev->app_ext.mutable_format =
      vw_ext_in_names(VK_KHR_SWAPCHAIN_MUTABLE_FORMAT_EXTENSION_NAME, ci->ppEnabledExtensionNames,
                      ci->enabledExtensionCount);

   struct vw_name_list exts;
   if (!build_device_extensions(dev, ci, &exts)) {
      free(dev);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   VkDeviceCreateInfo down = *ci;
   down.enabledExtensionCount = exts.count;
   down.ppEnabledExtensionNames = exts.names;

   link->u.pLayerInfo = link->u.pLayerInfo->pNext;
   void *chain_copy = NULL;
   if (dev->active) {
      VkStructureType drop[LAYER_FEATURE_COUNT];
      uint32_t ndrop = note_layer_features(dev, ci, drop);
      bool complete = true;
      down.pNext = vw_chain_without(ci->pNext, drop, ndrop, &chain_copy, &complete);
      if (!complete)
         vw_info("vkCreateDevice: the present id/wait and swapchain maintenance features stay in the chain for the "
                 "driver: a structure before them is of a kind the layer cannot copy");
   }
   VkResult r = next_create(physical_device, &down, alloc, out);
   free(chain_copy);
   vw_name_list_finish(&exts);
   if (r != VK_SUCCESS) {
      vw_err("vkCreateDevice below the layer failed: %d", r);
      free(dev);
      return r;
   }
   dev->handle = *out;
   vw_device_dispatch_init(&dev->next, next_gdpa, *out);

   dev->present_layout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
   if (dev->active && dev->app_ext.swapchain && !dev->enabled.swapchain) {
      /* The driver does not know PRESENT_SRC_KHR: the layer turns it into the layout its
       * own present copy reads from. */
      dev->present_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
      dev->rewrite_present_layout = true;
   }

   r = init_queues(dev, ci);
   if (r == VK_SUCCESS && !vw_map_insert(&device_map, vw_dispatch_key(*out), dev))
      r = VK_ERROR_OUT_OF_HOST_MEMORY;
   if (r != VK_SUCCESS) {
      PFN_vkDestroyDevice destroy = dev->next.DestroyDevice;
      free_device_record(dev);
      destroy(*out, alloc);
      return r;
   }
   vw_info("device: %s: layer %s WSI%s", pdev->props.deviceName,
           dev->active ? "implements" : "passes through",
           dev->rewrite_present_layout ? ", PRESENT_SRC_KHR rewritten for the driver" : "");
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
vw_DestroyDevice(VkDevice device, const VkAllocationCallbacks *alloc)
{
   if (!device)
      return;
   struct vw_device *dev = vw_map_remove(&device_map, vw_dispatch_key(device));
   if (!dev)
      return;
   PFN_vkDestroyDevice destroy = dev->next.DestroyDevice;
   vw_display_events_forget_device(dev);
   free_device_record(dev);
   destroy(device, alloc);
}

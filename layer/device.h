/* The layer's record of a VkDevice: its queues, the commands below it, and what the app
 * and the layer enabled on it. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#include "dispatch.h"
#include "instance.h"

/* Every queue of the device. The lock makes the layer's own submissions (signalling an
 * acquire) safe against the app's use of the same queue from another thread: the app
 * synchronises its own calls, not ours. */
struct vw_queue {
   VkQueue handle;
   uint32_t family;
   uint32_t index;
   VkDeviceQueueCreateFlags flags;
   pthread_mutex_t lock;
};

struct vw_device {
   VkDevice handle;
   struct vw_physical_device *pdev;
   struct vw_instance *instance;
   PFN_vkGetDeviceProcAddr next_gdpa;
   PFN_vkSetDeviceLoaderData set_loader_data;
   struct vw_device_dispatch next;
   bool active; /* the layer implements swapchains on this device */
   struct {
      bool swapchain, mutable_format;
   } app_ext;
   /* Features of the layer's device extensions (present id and wait, their second versions,
    * swapchain maintenance, FIFO_LATEST_READY) the app enabled: the layer's own, whatever the
    * driver has. */
   struct {
      bool present_id, present_wait, swapchain_maintenance1;
      bool present_id2, present_wait2, fifo_latest_ready;
   } app_features;
   struct vw_driver_features enabled; /* driver extensions enabled below the layer */
   /* The layout the app's PRESENT_SRC_KHR means below the layer: itself where the driver
    * has VK_KHR_swapchain, else the layout the layer rewrites it to. */
   VkImageLayout present_layout;
   bool rewrite_present_layout;
   uint32_t queue_count;
   struct vw_queue *queues;
};

struct vw_device *vw_device_from_handle(const void *dispatchable);
struct vw_queue *vw_queue_from_handle(struct vw_device *dev, VkQueue queue);
/* A queue the layer may submit to when signalling an acquire: prefer 'hint'. */
struct vw_queue *vw_device_signal_queue(struct vw_device *dev);

VKAPI_ATTR VkResult VKAPI_CALL vw_CreateDevice(VkPhysicalDevice pdev, const VkDeviceCreateInfo *ci,
                                               const VkAllocationCallbacks *alloc,
                                               VkDevice *out);
/* Reports the features of the layer's device extensions (present id and wait, swapchain
 * maintenance) as supported,
 * on physical devices where the layer implements WSI. */
VKAPI_ATTR void VKAPI_CALL vw_GetPhysicalDeviceFeatures2(VkPhysicalDevice pdev,
                                                         VkPhysicalDeviceFeatures2 *features);
VKAPI_ATTR void VKAPI_CALL vw_DestroyDevice(VkDevice device, const VkAllocationCallbacks *alloc);

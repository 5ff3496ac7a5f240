/* The layer's record of a VkInstance and of each physical device under it. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <vulkan/vulkan.h>

#include "dispatch.h"

struct vw_instance;

/* What the driver below offers, as the layer sees it (VENUS_WSI_HIDE applied). */
struct vw_driver_features {
   bool swapchain;
   bool swapchain_mutable_format;
   bool external_memory_fd;
   bool external_memory_dma_buf;
   bool external_memory_host;
   bool image_drm_format_modifier;
   bool external_semaphore_fd;
   bool external_fence_fd;
   bool image_format_list;
   bool physical_device_drm;
};

struct vw_physical_device {
   VkPhysicalDevice handle;
   struct vw_instance *instance;
   VkPhysicalDeviceProperties props;
   VkPhysicalDeviceMemoryProperties mem_props;
   uint32_t queue_family_count;
   VkQueueFamilyProperties *queue_families;
   VkExtensionProperties *exts; /* the driver's device extensions, unfiltered */
   uint32_t ext_count;
   struct vw_driver_features drv;
   VkDeviceSize min_host_pointer_alignment; /* 0 without VK_EXT_external_memory_host */
   bool drm_primary_known; /* VK_EXT_physical_device_drm says which card it is */
   dev_t drm_primary;
   VkDriverId driver_id;
   uint32_t api_version; /* min(instance, device) */
};

struct vw_instance {
   VkInstance handle;
   PFN_vkGetInstanceProcAddr next_gipa;
   struct vw_instance_dispatch next;
   /* Window-surface creation below the layer, looked up while the instance is created: the
    * loader answers later lookups with the top of the chain (the layer itself). Untyped:
    * their types need the platforms' headers. */
   PFN_vkVoidFunction next_create_xcb_surface;
   PFN_vkVoidFunction next_create_xlib_surface;
   PFN_vkVoidFunction next_create_wayland_surface;
   uint32_t api_version; /* what the instance was created with below the layer */
   bool active;          /* the layer answers WSI for this instance */
   struct {
      bool surface, headless_surface, surface_caps2, display, display_props2;
   } app_ext;
   uint32_t pdev_count;
   struct vw_physical_device *pdevs;

   /* The KMS device, opened the first time an app asks about displays. */
   pthread_mutex_t kms_lock;
   bool kms_tried;
   struct vw_kms_device *kms;
};

struct vw_instance *vw_instance_from_handle(VkInstance instance);
struct vw_physical_device *vw_physical_device_from_handle(VkPhysicalDevice pdev);

/* Memory type index with all of 'required' and as many of 'preferred' as possible, or -1. */
int32_t vw_find_memory_type(const struct vw_physical_device *pdev, uint32_t type_bits,
                            VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred);

/* Whether the family can run the layer's present work: a queue submission that waits,
 * and a transfer for copy paths (graphics and compute queues imply transfer). */
bool vw_family_can_present(const struct vw_physical_device *pdev, uint32_t family);

VKAPI_ATTR VkResult VKAPI_CALL vw_CreateInstance(const VkInstanceCreateInfo *ci,
                                                 const VkAllocationCallbacks *alloc,
                                                 VkInstance *out);
VKAPI_ATTR void VKAPI_CALL vw_DestroyInstance(VkInstance instance,
                                              const VkAllocationCallbacks *alloc);
VKAPI_ATTR VkResult VKAPI_CALL vw_EnumerateDeviceExtensionProperties(
   VkPhysicalDevice pdev, const char *layer_name, uint32_t *count, VkExtensionProperties *props);

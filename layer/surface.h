/* Surfaces the layer answers for. A handle the layer made itself never reaches the driver;
 * where the creation went down (a window surface the drivers list too), the handle is the
 * loader's and the layer keeps its record under it. */
#pragma once

#include <vulkan/vulkan.h>

#include "instance.h"
#include "venus_wsi/backend.h"

enum vw_surface_kind {
   VW_SURFACE_HEADLESS,
   VW_SURFACE_DISPLAY,
   VW_SURFACE_X11,
   VW_SURFACE_WAYLAND,
};

struct vw_surface {
   enum vw_surface_kind kind;
   struct vw_instance *instance;
   const struct vw_backend_ops *backend;
   void *backend_data;
   /* The handle the creation below returned (the loader's surface record), which the app
    * holds and which must be destroyed below too; VK_NULL_HANDLE when the layer made the
    * handle itself. */
   VkSurfaceKHR down_handle;
};

/* NULL when the surface is not one of the layer's (it belongs to the driver). */
struct vw_surface *vw_surface_from_handle(VkSurfaceKHR surface);
VkResult vw_surface_register(struct vw_surface *surface, VkSurfaceKHR *out);
/* For window surfaces: where a driver lists 'ext', creates the surface below too ('next' is
 * the next layer's creation command); *down is then the handle the app gets. Otherwise
 * *down = VK_NULL_HANDLE and VK_SUCCESS: the layer makes the handle. */
VkResult vw_surface_create_below(struct vw_instance *inst, const char *ext, const char *command,
                                 PFN_vkVoidFunction next, const void *ci,
                                 const VkAllocationCallbacks *alloc, VkSurfaceKHR *down);

VKAPI_ATTR VkResult VKAPI_CALL vw_CreateHeadlessSurfaceEXT(
   VkInstance instance, const VkHeadlessSurfaceCreateInfoEXT *ci,
   const VkAllocationCallbacks *alloc, VkSurfaceKHR *out);
VKAPI_ATTR void VKAPI_CALL vw_DestroySurfaceKHR(VkInstance instance, VkSurfaceKHR surface,
                                                const VkAllocationCallbacks *alloc);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceSurfaceSupportKHR(VkPhysicalDevice pdev,
                                                                     uint32_t family,
                                                                     VkSurfaceKHR surface,
                                                                     VkBool32 *supported);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceSurfaceCapabilitiesKHR(
   VkPhysicalDevice pdev, VkSurfaceKHR surface, VkSurfaceCapabilitiesKHR *caps);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceSurfaceCapabilities2EXT(
   VkPhysicalDevice pdev, VkSurfaceKHR surface, VkSurfaceCapabilities2EXT *caps);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceSurfaceCapabilities2KHR(
   VkPhysicalDevice pdev, const VkPhysicalDeviceSurfaceInfo2KHR *info,
   VkSurfaceCapabilities2KHR *caps);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceSurfaceFormatsKHR(VkPhysicalDevice pdev,
                                                                     VkSurfaceKHR surface,
                                                                     uint32_t *count,
                                                                     VkSurfaceFormatKHR *formats);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceSurfaceFormats2KHR(
   VkPhysicalDevice pdev, const VkPhysicalDeviceSurfaceInfo2KHR *info, uint32_t *count,
   VkSurfaceFormat2KHR *formats);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceSurfacePresentModesKHR(
   VkPhysicalDevice pdev, VkSurfaceKHR surface, uint32_t *count, VkPresentModeKHR *modes);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDevicePresentRectanglesKHR(VkPhysicalDevice pdev,
                                                                        VkSurfaceKHR surface,
                                                                        uint32_t *count,
                                                                        VkRect2D *rects);

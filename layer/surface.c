#include "surface.h"

#include <stdlib.h>
#include <string.h>

#include "driver_instance_exts.h"
#include "extensions.h"
#include "handle_map.h"
#include "log.h"
#include "surface_caps.h"

static struct vw_handle_map surface_map = VW_HANDLE_MAP_INIT;

struct vw_surface *
vw_surface_from_handle(VkSurfaceKHR surface)
{
   return surface ? vw_map_lookup(&surface_map, vw_key((const void *)surface)) : NULL;
}

VkResult
vw_surface_register(struct vw_surface *surface, VkSurfaceKHR *out)
{
   VkSurfaceKHR handle = surface->down_handle ? surface->down_handle
                                              : (VkSurfaceKHR)(uintptr_t)surface;
   if (!vw_map_insert(&surface_map, vw_key((const void *)handle), surface))
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   *out = handle;
   return VK_SUCCESS;
}

/* Creates the surface below as well where a driver lists the extension: the loader's
 * terminator then makes its own record, which the app gets as the handle, and the layer's
 * record is found under it. Where no driver has it, the loader's terminator must never see
 * the handle: the layer makes its own. */
VkResult
vw_surface_create_below(struct vw_instance *inst, const char *ext, const char *command,
             PFN_vkVoidFunction next, const void *ci, const VkAllocationCallbacks *alloc,
             VkSurfaceKHR *down)
{
   *down = VK_NULL_HANDLE;
   struct vw_driver_exts drivers = vw_driver_instance_exts();
   if (!vw_driver_exts_has(&drivers, ext))
      return VK_SUCCESS;
   typedef VkResult(VKAPI_PTR * create_fn)(VkInstance, const void *,
                                           const VkAllocationCallbacks *, VkSurfaceKHR *);
   create_fn create = (create_fn)next;
   if (!create)
      return VK_SUCCESS;
   VkResult r = create(inst->handle, ci, alloc, down);
   if (r != VK_SUCCESS)
      vw_err("%s below the layer failed: %d", command, r);
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateHeadlessSurfaceEXT(VkInstance instance, const VkHeadlessSurfaceCreateInfoEXT *ci,
                            const VkAllocationCallbacks *alloc, VkSurfaceKHR *out)
{
   struct vw_instance *inst = vw_instance_from_handle(instance);
   if (!inst)
      return VK_ERROR_INITIALIZATION_FAILED;
   struct vw_surface *surface = calloc(1, sizeof(*surface));
   if (!surface)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   surface->kind = VW_SURFACE_HEADLESS;
   surface->instance = inst;
   surface->backend = &vw_headless_backend;
   VkResult r = vw_surface_register(surface, out);
   if (r != VK_SUCCESS)
      free(surface);
   return r;
}

VKAPI_ATTR void VKAPI_CALL
vw_DestroySurfaceKHR(VkInstance instance, VkSurfaceKHR handle, const VkAllocationCallbacks *alloc)
{
   if (!handle)
      return;
   struct vw_surface *surface = vw_map_remove(&surface_map, vw_key((const void *)handle));
   struct vw_instance *inst = vw_instance_from_handle(instance);
   if (surface) {
      VkSurfaceKHR down = surface->down_handle;
      if (surface->backend->destroy_surface)
         surface->backend->destroy_surface(surface);
      free(surface);
      if (down && inst && inst->next.DestroySurfaceKHR)
         inst->next.DestroySurfaceKHR(instance, down, alloc);
      return;
   }
   if (inst && inst->next.DestroySurfaceKHR)
      inst->next.DestroySurfaceKHR(instance, handle, alloc);
}

/* Each query below answers for the layer's own surfaces and hands any other surface to
 * the driver, which created it. */

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceSurfaceSupportKHR(VkPhysicalDevice handle, uint32_t family,
                                      VkSurfaceKHR surface_handle, VkBool32 *supported)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   struct vw_surface *surface = vw_surface_from_handle(surface_handle);
   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!surface) {
      if (!pdev->instance->next.GetPhysicalDeviceSurfaceSupportKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return pdev->instance->next.GetPhysicalDeviceSurfaceSupportKHR(handle, family,
                                                                      surface_handle, supported);
   }
   return surface->backend->get_support(surface, pdev, family, supported);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceSurfaceCapabilitiesKHR(VkPhysicalDevice handle, VkSurfaceKHR surface_handle,
                                           VkSurfaceCapabilitiesKHR *caps)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   struct vw_surface *surface = vw_surface_from_handle(surface_handle);
   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!surface) {
      if (!pdev->instance->next.GetPhysicalDeviceSurfaceCapabilitiesKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return pdev->instance->next.GetPhysicalDeviceSurfaceCapabilitiesKHR(handle, surface_handle,
                                                                           caps);
   }
   return surface->backend->get_capabilities(surface, pdev, caps);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceSurfaceCapabilities2KHR(VkPhysicalDevice handle,
                                            const VkPhysicalDeviceSurfaceInfo2KHR *info,
                                            VkSurfaceCapabilities2KHR *caps)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   struct vw_surface *surface = vw_surface_from_handle(info->surface);
   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!surface) {
      if (!pdev->instance->next.GetPhysicalDeviceSurfaceCapabilities2KHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return pdev->instance->next.GetPhysicalDeviceSurfaceCapabilities2KHR(handle, info, caps);
   }
   VkResult r = surface->backend->get_capabilities(surface, pdev, &caps->surfaceCapabilities);
   if (r != VK_SUCCESS)
      return r;
   vw_surface_caps2_common(caps);
   r = vw_surface_caps2_present_mode(surface, pdev, info, caps);
   if (r != VK_SUCCESS)
      return r;
   if (surface->backend->get_capabilities2)
      return surface->backend->get_capabilities2(surface, pdev, info, caps);
   return VK_SUCCESS;
}

/* VK_EXT_display_surface_counter: a display surface counts vertical blanks (flips on real
 * hardware, the layer's pacing clock on virtual displays); no other surface has a counter. */
VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceSurfaceCapabilities2EXT(VkPhysicalDevice handle, VkSurfaceKHR surface_handle,
                                            VkSurfaceCapabilities2EXT *caps)
{
   VkSurfaceCapabilitiesKHR k;
   VkResult r = vw_GetPhysicalDeviceSurfaceCapabilitiesKHR(handle, surface_handle, &k);
   if (r != VK_SUCCESS)
      return r;
   struct vw_surface *surface = vw_surface_from_handle(surface_handle);
   caps->minImageCount = k.minImageCount;
   caps->maxImageCount = k.maxImageCount;
   caps->currentExtent = k.currentExtent;
   caps->minImageExtent = k.minImageExtent;
   caps->maxImageExtent = k.maxImageExtent;
   caps->maxImageArrayLayers = k.maxImageArrayLayers;
   caps->supportedTransforms = k.supportedTransforms;
   caps->currentTransform = k.currentTransform;
   caps->supportedCompositeAlpha = k.supportedCompositeAlpha;
   caps->supportedUsageFlags = k.supportedUsageFlags;
   caps->supportedSurfaceCounters =
      surface && surface->kind == VW_SURFACE_DISPLAY ? VK_SURFACE_COUNTER_VBLANK_BIT_EXT : 0;
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceSurfaceFormatsKHR(VkPhysicalDevice handle, VkSurfaceKHR surface_handle,
                                      uint32_t *count, VkSurfaceFormatKHR *formats)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   struct vw_surface *surface = vw_surface_from_handle(surface_handle);
   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!surface) {
      if (!pdev->instance->next.GetPhysicalDeviceSurfaceFormatsKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return pdev->instance->next.GetPhysicalDeviceSurfaceFormatsKHR(handle, surface_handle,
                                                                      count, formats);
   }
   VkSurfaceFormatKHR all[VW_MAX_SURFACE_FORMATS];
   uint32_t n = surface->backend->get_formats(surface, pdev, all);
   return vw_outarray(count, formats, all, n, sizeof(all[0]));
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceSurfaceFormats2KHR(VkPhysicalDevice handle,
                                       const VkPhysicalDeviceSurfaceInfo2KHR *info,
                                       uint32_t *count, VkSurfaceFormat2KHR *formats)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   struct vw_surface *surface = vw_surface_from_handle(info->surface);
   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!surface) {
      if (!pdev->instance->next.GetPhysicalDeviceSurfaceFormats2KHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return pdev->instance->next.GetPhysicalDeviceSurfaceFormats2KHR(handle, info, count,
                                                                       formats);
   }
   VkSurfaceFormatKHR all[VW_MAX_SURFACE_FORMATS];
   uint32_t n = surface->backend->get_formats(surface, pdev, all);
   if (!formats) {
      *count = n;
      return VK_SUCCESS;
   }
   uint32_t copy = *count < n ? *count : n;
   for (uint32_t i = 0; i < copy; i++)
      formats[i].surfaceFormat = all[i]; /* sType and pNext belong to the app */
   *count = copy;
   return copy < n ? VK_INCOMPLETE : VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceSurfacePresentModesKHR(VkPhysicalDevice handle, VkSurfaceKHR surface_handle,
                                           uint32_t *count, VkPresentModeKHR *modes)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   struct vw_surface *surface = vw_surface_from_handle(surface_handle);
   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!surface) {
      if (!pdev->instance->next.GetPhysicalDeviceSurfacePresentModesKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return pdev->instance->next.GetPhysicalDeviceSurfacePresentModesKHR(handle, surface_handle,
                                                                           count, modes);
   }
   VkPresentModeKHR all[VW_PRESENT_MODE_MAX];
   uint32_t n = surface->backend->get_present_modes(surface, pdev, all);
   return vw_outarray(count, modes, all, n, sizeof(all[0]));
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDevicePresentRectanglesKHR(VkPhysicalDevice handle, VkSurfaceKHR surface_handle,
                                         uint32_t *count, VkRect2D *rects)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   struct vw_surface *surface = vw_surface_from_handle(surface_handle);
   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!surface) {
      if (!pdev->instance->next.GetPhysicalDevicePresentRectanglesKHR)
         return VK_ERROR_SURFACE_LOST_KHR;
      return pdev->instance->next.GetPhysicalDevicePresentRectanglesKHR(handle, surface_handle,
                                                                         count, rects);
   }
   VkRect2D rect;
   VkResult r = surface->backend->get_present_rectangle(surface, pdev, &rect);
   if (r != VK_SUCCESS)
      return r;
   return vw_outarray(count, rects, &rect, 1, sizeof(rect));
}

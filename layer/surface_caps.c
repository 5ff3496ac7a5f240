#include "surface_caps.h"

#include "log.h"
#include "surface.h"

static VkFormatFeatureFlags
optimal_features(struct vw_physical_device *pdev, VkFormat format)
{
   VkFormatProperties props;
   pdev->instance->next.GetPhysicalDeviceFormatProperties(pdev->handle, format, &props);
   return props.optimalTilingFeatures;
}

VkImageUsageFlags
vw_surface_usage(struct vw_physical_device *pdev)
{
   VkImageUsageFlags usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                             VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                             VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT;
   if (optimal_features(pdev, VK_FORMAT_B8G8R8A8_UNORM) & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT)
      usage |= VK_IMAGE_USAGE_STORAGE_BIT;
   return usage;
}

uint32_t
vw_surface_formats(struct vw_physical_device *pdev,
                   bool (*keep)(const struct vw_format_info *f, const void *data), const void *data,
                   VkSurfaceFormatKHR out[VW_MAX_SURFACE_FORMATS])
{
   const VkFormatFeatureFlags need = VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT |
                                     VK_FORMAT_FEATURE_TRANSFER_SRC_BIT;
   uint32_t n = 0;
   for (int srgb = 1; srgb >= 0; srgb--) {
      for (uint32_t i = 0; i < vw_format_count() && n < VW_MAX_SURFACE_FORMATS; i++) {
         const struct vw_format_info *f = vw_format_at(i);
         VkFormat vk = srgb ? f->srgb : f->unorm;
         if (vk == VK_FORMAT_UNDEFINED || (keep && !keep(f, data)))
            continue;
         if ((optimal_features(pdev, vk) & need) == need)
            out[n++] = (VkSurfaceFormatKHR){vk, VK_COLOR_SPACE_SRGB_NONLINEAR_KHR};
      }
   }
   return n;
}

uint32_t
vw_surface_present_modes(VkPresentModeKHR modes[VW_PRESENT_MODE_MAX])
{
   modes[0] = VK_PRESENT_MODE_FIFO_KHR;
   modes[1] = VK_PRESENT_MODE_FIFO_RELAXED_KHR;
   modes[2] = VK_PRESENT_MODE_MAILBOX_KHR;
   modes[3] = VK_PRESENT_MODE_IMMEDIATE_KHR;
   /* Listed wherever the extension is (the query knows no device): the present queue paces
    * it for every backend. */
   modes[4] = VK_PRESENT_MODE_FIFO_LATEST_READY_EXT;
   return 5;
}

void
vw_surface_caps2_common(VkSurfaceCapabilities2KHR *caps)
{
   for (VkBaseOutStructure *s = caps->pNext; s; s = s->pNext) {
      switch ((int)s->sType) {
      case VK_STRUCTURE_TYPE_SURFACE_PROTECTED_CAPABILITIES_KHR:
         ((VkSurfaceProtectedCapabilitiesKHR *)s)->supportsProtected = VK_FALSE;
         break;
      case VK_STRUCTURE_TYPE_SHARED_PRESENT_SURFACE_CAPABILITIES_KHR:
         ((VkSharedPresentSurfaceCapabilitiesKHR *)s)->sharedPresentSupportedUsageFlags = 0;
         break;
      /* Every backend reports when a frame reaches the screen (flip_finished), which is all
       * present ids and waits need. */
      case VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_PRESENT_ID_2_KHR:
         ((VkSurfaceCapabilitiesPresentId2KHR *)s)->presentId2Supported = VK_TRUE;
         break;
      case VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_PRESENT_WAIT_2_KHR:
         ((VkSurfaceCapabilitiesPresentWait2KHR *)s)->presentWait2Supported = VK_TRUE;
         break;
      default:
         break;
      }
   }
}

VkResult
vw_surface_caps2_present_mode(struct vw_surface *surface, struct vw_physical_device *pdev,
                              const VkPhysicalDeviceSurfaceInfo2KHR *info,
                              VkSurfaceCapabilities2KHR *caps)
{
   const VkSurfacePresentModeEXT *asked = NULL;
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext)
      if (s->sType == VK_STRUCTURE_TYPE_SURFACE_PRESENT_MODE_EXT)
         asked = (const VkSurfacePresentModeEXT *)s;
   bool offered = false;
   if (asked) {
      VkPresentModeKHR modes[VW_PRESENT_MODE_MAX];
      uint32_t n = surface->backend->get_present_modes(surface, pdev, modes);
      for (uint32_t i = 0; i < n; i++)
         offered |= modes[i] == asked->presentMode;
      if (!offered)
         vw_err("vkGetPhysicalDeviceSurfaceCapabilities2KHR: present mode %d is not one the "
                "%s surface offers", asked->presentMode, surface->backend->name);
   }
   /* No backend's image counts depend on the mode: surfaceCapabilities, as filled, is
    * already the answer for any one mode. */
   for (VkBaseOutStructure *s = caps->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_SURFACE_PRESENT_MODE_COMPATIBILITY_EXT) {
         VkSurfacePresentModeCompatibilityEXT *compat = (VkSurfacePresentModeCompatibilityEXT *)s;
         if (!asked || !offered) {
            /* Without a mode there is nothing to be compatible with. */
            compat->presentModeCount = 0;
            continue;
         }
         VkPresentModeKHR modes[VW_PRESENT_MODE_MAX];
         uint32_t n = vw_compatible_present_modes(surface->backend->mode_switching,
                                                  asked->presentMode, modes);
         if (!compat->pPresentModes) {
            compat->presentModeCount = n;
            continue;
         }
         /* This structure has no VK_INCOMPLETE: a short array gets what fits. */
         uint32_t copy = compat->presentModeCount < n ? compat->presentModeCount : n;
         for (uint32_t i = 0; i < copy; i++)
            compat->pPresentModes[i] = modes[i];
         compat->presentModeCount = copy;
      } else if (s->sType == VK_STRUCTURE_TYPE_SURFACE_PRESENT_SCALING_CAPABILITIES_EXT) {
         /* Every backend shows the image at its own size, at the surface's origin: no
          * scaling and no gravity are offered. The extents an image may have are the
          * surface's own. */
         VkSurfacePresentScalingCapabilitiesEXT *sc = (VkSurfacePresentScalingCapabilitiesEXT *)s;
         sc->supportedPresentScaling = 0;
         sc->supportedPresentGravityX = 0;
         sc->supportedPresentGravityY = 0;
         sc->minScaledImageExtent = caps->surfaceCapabilities.minImageExtent;
         sc->maxScaledImageExtent = caps->surfaceCapabilities.maxImageExtent;
      }
   }
   return VK_SUCCESS;
}

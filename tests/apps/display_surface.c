#include "display_surface.h"

#include <stdlib.h>

VkSurfaceKHR
display_surface_create(struct harness *h, VkExtent2D *extent, uint32_t *refresh_mhz)
{
   uint32_t n = 0;
   vkGetPhysicalDeviceDisplayPropertiesKHR(h->pdev, &n, NULL);
   if (n == 0) {
      fprintf(stderr, "no display\n");
      return VK_NULL_HANDLE;
   }
   VkDisplayPropertiesKHR displays[8];
   n = n > 8 ? 8 : n;
   vkGetPhysicalDeviceDisplayPropertiesKHR(h->pdev, &n, displays);
   VkDisplayKHR display = displays[0].display;

   uint32_t nm = 0;
   vkGetDisplayModePropertiesKHR(h->pdev, display, &nm, NULL);
   if (nm == 0) {
      fprintf(stderr, "display %s has no modes\n", displays[0].displayName);
      return VK_NULL_HANDLE;
   }
   VkDisplayModePropertiesKHR *modes = calloc(nm, sizeof(*modes));
   vkGetDisplayModePropertiesKHR(h->pdev, display, &nm, modes);
   VkDisplayModePropertiesKHR mode = modes[0];
   free(modes);

   uint32_t np = 0;
   vkGetPhysicalDeviceDisplayPlanePropertiesKHR(h->pdev, &np, NULL);
   VkDisplayPlanePropertiesKHR planes[8];
   np = np > 8 ? 8 : np;
   vkGetPhysicalDeviceDisplayPlanePropertiesKHR(h->pdev, &np, planes);
   uint32_t plane = UINT32_MAX;
   for (uint32_t p = 0; p < np && plane == UINT32_MAX; p++) {
      if (planes[p].currentDisplay && planes[p].currentDisplay != display)
         continue;
      VkDisplayKHR supported[8];
      uint32_t ns = 8;
      vkGetDisplayPlaneSupportedDisplaysKHR(h->pdev, p, &ns, supported);
      for (uint32_t i = 0; i < ns; i++)
         if (supported[i] == display)
            plane = p;
   }
   if (plane == UINT32_MAX) {
      fprintf(stderr, "no plane for display %s\n", displays[0].displayName);
      return VK_NULL_HANDLE;
   }
   VkDisplayPlaneCapabilitiesKHR caps;
   vkGetDisplayPlaneCapabilitiesKHR(h->pdev, mode.displayMode, plane, &caps);
   VkDisplaySurfaceCreateInfoKHR ci = {
      .sType = VK_STRUCTURE_TYPE_DISPLAY_SURFACE_CREATE_INFO_KHR,
      .displayMode = mode.displayMode,
      .planeIndex = plane,
      .planeStackIndex = planes[plane].currentStackIndex,
      .transform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .globalAlpha = 1.0f,
      .alphaMode = VK_DISPLAY_PLANE_ALPHA_OPAQUE_BIT_KHR,
      .imageExtent = mode.parameters.visibleRegion,
   };
   VkSurfaceKHR surface = VK_NULL_HANDLE;
   VkResult r = vkCreateDisplayPlaneSurfaceKHR(h->instance, &ci, NULL, &surface);
   if (r != VK_SUCCESS) {
      fprintf(stderr, "vkCreateDisplayPlaneSurfaceKHR: %d\n", r);
      return VK_NULL_HANDLE;
   }
   *extent = mode.parameters.visibleRegion;
   if (refresh_mhz)
      *refresh_mhz = mode.parameters.refreshRate;
   return surface;
}

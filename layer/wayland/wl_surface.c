/* VK_KHR_wayland_surface and the Wayland surfaces' queries. A Wayland window has no size
 * of its own: the swapchain's extent is the size (currentExtent 0xFFFFFFFF). */
#define VK_USE_PLATFORM_WAYLAND_KHR 1
#include <vulkan/vulkan.h>

#include "wayland.h"

#include <stdlib.h>

#include "../driver_instance_exts.h"
#include "../log.h"
#include "../surface_caps.h"
#include "venus_wsi/format_table.h"

/* One on screen, one the compositor holds for its next repaint, one being drawn, one
 * ready: MAILBOX keeps rendering while the compositor holds two. */
#define WL_MIN_IMAGES 4

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateWaylandSurfaceKHR(VkInstance instance, const void *create_info,
                           const VkAllocationCallbacks *alloc, VkSurfaceKHR *out)
{
   const VkWaylandSurfaceCreateInfoKHR *ci = create_info;
   struct vw_instance *inst = vw_instance_from_handle(instance);
   if (!inst)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!ci->display || !ci->surface) {
      vw_err("vkCreateWaylandSurfaceKHR: no display or surface");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (!vw_wl_load())
      return VK_ERROR_INITIALIZATION_FAILED;
   struct vw_surface *surface = calloc(1, sizeof(*surface));
   struct vw_wl_surface *ws = calloc(1, sizeof(*ws));
   if (!surface || !ws) {
      free(surface);
      free(ws);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   ws->display = ci->display;
   ws->surface = ci->surface;
   pthread_mutex_init(&ws->lock, NULL);
   surface->kind = VW_SURFACE_WAYLAND;
   surface->instance = inst;
   surface->backend = &vw_wl_backend;
   surface->backend_data = ws;
   VkResult r = vw_surface_create_below(inst, VK_KHR_WAYLAND_SURFACE_EXTENSION_NAME,
                                        "vkCreateWaylandSurfaceKHR",
                                        inst->next_create_wayland_surface, ci, alloc,
                                        &surface->down_handle);
   if (r == VK_SUCCESS)
      r = vw_surface_register(surface, out);
   if (r != VK_SUCCESS) {
      if (surface->down_handle && inst->next.DestroySurfaceKHR)
         inst->next.DestroySurfaceKHR(instance, surface->down_handle, alloc);
      pthread_mutex_destroy(&ws->lock);
      free(ws);
      free(surface);
      return r;
   }
   vw_dbg("vkCreateWaylandSurfaceKHR: handle %s",
          surface->down_handle ? "made below (a driver has the extension)" : "the layer's");
   return VK_SUCCESS;
}

VKAPI_ATTR VkBool32 VKAPI_CALL
vw_GetPhysicalDeviceWaylandPresentationSupportKHR(VkPhysicalDevice handle, uint32_t family,
                                                  void *display)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   /* Every compositor takes wl_shm buffers in XRGB8888, which the layer always can write. */
   return pdev && display && vw_family_can_present(pdev, family) && vw_wl_load();
}

VkResult
vw_wl_surface_formats(struct vw_wl_surface *ws)
{
   pthread_mutex_lock(&ws->lock);
   VkResult r = VK_SUCCESS;
   if (!ws->formats_known) {
      struct vw_wl_globals g;
      r = vw_wl_globals_init(&g, ws->display);
      if (r == VK_SUCCESS) {
         if (!g.shm) {
            vw_err("Wayland: the compositor has no wl_shm");
            r = VK_ERROR_SURFACE_LOST_KHR;
         }
         ws->shm_format_count = g.shm_format_count;
         for (uint32_t i = 0; i < g.shm_format_count; i++)
            ws->shm_formats[i] = g.shm_formats[i];
         ws->formats_known = r == VK_SUCCESS;
         vw_wl_globals_finish(&g);
      }
   }
   pthread_mutex_unlock(&ws->lock);
   return r;
}

static VkResult
wl_get_support(struct vw_surface *surface, struct vw_physical_device *pdev, uint32_t family,
               VkBool32 *supported)
{
   struct vw_wl_surface *ws = surface->backend_data;
   if (wl_display_get_error(ws->display))
      return VK_ERROR_SURFACE_LOST_KHR;
   *supported = vw_family_can_present(pdev, family);
   return VK_SUCCESS;
}

static VkResult
wl_get_capabilities(struct vw_surface *surface, struct vw_physical_device *pdev,
                    VkSurfaceCapabilitiesKHR *caps)
{
   struct vw_wl_surface *ws = surface->backend_data;
   if (wl_display_get_error(ws->display))
      return VK_ERROR_SURFACE_LOST_KHR;
   uint32_t max_dim = pdev->props.limits.maxImageDimension2D;
   *caps = (VkSurfaceCapabilitiesKHR){
      .minImageCount = WL_MIN_IMAGES,
      .maxImageCount = VW_MAX_IMAGES,
      /* The surface takes the size of whatever buffer it gets. */
      .currentExtent = {UINT32_MAX, UINT32_MAX},
      .minImageExtent = {1, 1},
      .maxImageExtent = {max_dim, max_dim},
      .maxImageArrayLayers = 1,
      .supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .currentTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      /* An opaque buffer format, or the alpha twin whose alpha the compositor blends as
       * premultiplied (Wayland's rule for alpha buffers). */
      .supportedCompositeAlpha =
         VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR | VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR,
      .supportedUsageFlags = vw_surface_usage(pdev),
   };
   return VK_SUCCESS;
}

static bool
keep_compositor_format(const struct vw_format_info *f, const void *data)
{
   const struct vw_wl_surface *ws = data;
   /* The opaque layout is what OPAQUE swapchains send; PRE_MULTIPLIED ones need the alpha
    * twin, checked when the swapchain is made. */
   for (uint32_t i = 0; i < ws->shm_format_count; i++)
      if (ws->shm_formats[i] == f->drm_format)
         return true;
   return false;
}

static uint32_t
wl_get_formats(struct vw_surface *surface, struct vw_physical_device *pdev,
               VkSurfaceFormatKHR out[VW_MAX_SURFACE_FORMATS])
{
   struct vw_wl_surface *ws = surface->backend_data;
   if (vw_wl_surface_formats(ws) != VK_SUCCESS)
      return 0;
   return vw_surface_formats(pdev, keep_compositor_format, ws, out);
}

static uint32_t
wl_get_present_modes(struct vw_surface *surface, struct vw_physical_device *pdev,
                     VkPresentModeKHR modes[VW_PRESENT_MODE_MAX])
{
   /* FIFO by frame callbacks; MAILBOX and IMMEDIATE commit each frame as it is ready (a
    * compositor shows the newest at its next repaint: without the tearing protocol,
    * IMMEDIATE does not tear, it only never waits). */
   return vw_surface_present_modes(modes);
}

static VkResult
wl_get_present_rectangle(struct vw_surface *surface, struct vw_physical_device *pdev,
                         VkRect2D *rect)
{
   struct vw_wl_surface *ws = surface->backend_data;
   if (wl_display_get_error(ws->display))
      return VK_ERROR_SURFACE_LOST_KHR;
   /* No size is known: the whole of whatever the swapchain will be. */
   *rect = (VkRect2D){{0, 0}, {UINT32_MAX, UINT32_MAX}};
   return VK_SUCCESS;
}

static void
wl_destroy_surface(struct vw_surface *surface)
{
   struct vw_wl_surface *ws = surface->backend_data;
   vw_wl_surface_drop_fifo(ws);
   pthread_mutex_destroy(&ws->lock);
   free(ws);
   surface->backend_data = NULL;
}

const struct vw_backend_ops vw_wl_backend = {
   .name = "wayland",
   .mode_switching = VW_MODES_FIFO_OR_NOT,
   .get_support = wl_get_support,
   .get_capabilities = wl_get_capabilities,
   .get_formats = wl_get_formats,
   .get_present_modes = wl_get_present_modes,
   .get_present_rectangle = wl_get_present_rectangle,
   .destroy_surface = wl_destroy_surface,
   .create_swapchain = vw_wl_create_swapchain,
   .wants_copy = vw_wl_wants_copy,
   .present = vw_wl_present,
   .wait_flip = vw_wl_wait_flip,
   .destroy_swapchain = vw_wl_destroy_swapchain,
};

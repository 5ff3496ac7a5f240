/* VK_KHR_xcb_surface and VK_KHR_xlib_surface, and the X11 surfaces' queries. */
#define VK_USE_PLATFORM_XCB_KHR 1
#include <X11/Xlib.h>
#define VK_USE_PLATFORM_XLIB_KHR 1
#include <vulkan/vulkan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../log.h"
#include "../surface_caps.h"
#include "venus_wsi/format_table.h"
#include "x11.h"

static VkResult
create_x11_surface(VkInstance instance, xcb_connection_t *conn, xcb_window_t window, bool xlib,
                   const char *display_name, const char *ext, const char *command,
                   const void *ci, const VkAllocationCallbacks *alloc, VkSurfaceKHR *out)
{
   struct vw_instance *inst = vw_instance_from_handle(instance);
   if (!inst)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (!conn || !window) {
      vw_err("%s: no connection or window", command);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   struct vw_surface *surface = calloc(1, sizeof(*surface));
   struct vw_x11_surface *xs = calloc(1, sizeof(*xs));
   if (!surface || !xs) {
      free(surface);
      free(xs);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   xs->conn = conn;
   xs->window = window;
   xs->xlib = xlib;
   if (display_name)
      snprintf(xs->display_name, sizeof(xs->display_name), "%s", display_name);
   surface->kind = VW_SURFACE_X11;
   surface->instance = inst;
   surface->backend = &vw_x11_backend;
   surface->backend_data = xs;
   VkResult r = vw_surface_create_below(inst, ext, command,
                             xlib ? inst->next_create_xlib_surface : inst->next_create_xcb_surface,
                             ci, alloc, &surface->down_handle);
   if (r == VK_SUCCESS)
      r = vw_surface_register(surface, out);
   if (r != VK_SUCCESS) {
      if (surface->down_handle && inst->next.DestroySurfaceKHR)
         inst->next.DestroySurfaceKHR(instance, surface->down_handle, alloc);
      free(xs);
      free(surface);
      return r;
   }
   vw_dbg("%s: window 0x%x, handle %s", command, window,
          surface->down_handle ? "made below (a driver has the extension)" : "the layer's");
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateXcbSurfaceKHR(VkInstance instance, const void *create_info,
                       const VkAllocationCallbacks *alloc, VkSurfaceKHR *out)
{
   const VkXcbSurfaceCreateInfoKHR *ci = create_info;
   /* xcb keeps no display name: the one xcb_connect(NULL) would have used. */
   return create_x11_surface(instance, ci->connection, ci->window, false, getenv("DISPLAY"),
                             VK_KHR_XCB_SURFACE_EXTENSION_NAME, "vkCreateXcbSurfaceKHR", ci,
                             alloc, out);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateXlibSurfaceKHR(VkInstance instance, const void *create_info,
                        const VkAllocationCallbacks *alloc, VkSurfaceKHR *out)
{
   const VkXlibSurfaceCreateInfoKHR *ci = create_info;
   vw_xlib_to_xcb_fn to_xcb = vw_xlib_to_xcb();
   if (!to_xcb) {
      vw_err("vkCreateXlibSurfaceKHR: libX11-xcb (XGetXCBConnection) cannot be loaded");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   /* Xlib's own connection: the layer only ever talks xcb on it, which is thread-safe
    * whether or not the app called XInitThreads. */
   xcb_connection_t *conn = ci->dpy ? to_xcb(ci->dpy) : NULL;
   vw_xlib_display_string_fn name = vw_xlib_display_string();
   return create_x11_surface(instance, conn, (xcb_window_t)ci->window, true,
                             ci->dpy && name ? name(ci->dpy) : NULL,
                             VK_KHR_XLIB_SURFACE_EXTENSION_NAME, "vkCreateXlibSurfaceKHR", ci,
                             alloc, out);
}

static bool
visual_supported(xcb_connection_t *conn, xcb_visualid_t visual)
{
   const struct vw_xcb *xcb = vw_xcb_get();
   if (!xcb || !conn)
      return false;
   xcb_screen_iterator_t screens = xcb->xcb_setup_roots_iterator(xcb->xcb_get_setup(conn));
   for (; screens.rem; xcb->xcb_screen_next(&screens)) {
      xcb_depth_iterator_t depths = xcb->xcb_screen_allowed_depths_iterator(screens.data);
      for (; depths.rem; xcb->xcb_depth_next(&depths)) {
         xcb_visualtype_iterator_t visuals = xcb->xcb_depth_visuals_iterator(depths.data);
         for (; visuals.rem; xcb->xcb_visualtype_next(&visuals)) {
            if (visuals.data->visual_id != visual)
               continue;
            struct vw_x11_window_info info = {
               .depth = depths.data->depth,
               .red_mask = visuals.data->red_mask,
               .green_mask = visuals.data->green_mask,
               .blue_mask = visuals.data->blue_mask,
            };
            return (visuals.data->_class == XCB_VISUAL_CLASS_TRUE_COLOR ||
                    visuals.data->_class == XCB_VISUAL_CLASS_DIRECT_COLOR) &&
                   vw_x11_visual_fourcc(&info) != 0;
         }
      }
   }
   return false;
}

VKAPI_ATTR VkBool32 VKAPI_CALL
vw_GetPhysicalDeviceXcbPresentationSupportKHR(VkPhysicalDevice handle, uint32_t family,
                                              void *connection, uint32_t visual)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   return pdev && vw_family_can_present(pdev, family) && visual_supported(connection, visual);
}

VKAPI_ATTR VkBool32 VKAPI_CALL
vw_GetPhysicalDeviceXlibPresentationSupportKHR(VkPhysicalDevice handle, uint32_t family,
                                               void *display, unsigned long visual)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   vw_xlib_to_xcb_fn to_xcb = vw_xlib_to_xcb();
   if (!pdev || !to_xcb || !display)
      return VK_FALSE;
   return vw_family_can_present(pdev, family) &&
          visual_supported(to_xcb(display), (xcb_visualid_t)visual);
}

/* --- surface queries --- */

static VkResult
query_window(struct vw_surface *surface, struct vw_x11_window_info *info)
{
   const struct vw_xcb *xcb = vw_xcb_get();
   if (!xcb)
      return VK_ERROR_SURFACE_LOST_KHR;
   VkResult r = vw_x11_window_query(xcb, surface->backend_data, info);
   static struct vw_log_limit limit = VW_LOG_LIMIT_INIT;
   if (r != VK_SUCCESS)
      vw_log_limited(&limit, VW_LOG_ERROR, "X11: window 0x%x is gone (or the connection is)",
                     ((struct vw_x11_surface *)surface->backend_data)->window);
   return r;
}

static VkResult
x11_get_support(struct vw_surface *surface, struct vw_physical_device *pdev, uint32_t family,
                VkBool32 *supported)
{
   struct vw_x11_window_info info;
   VkResult r = query_window(surface, &info);
   if (r != VK_SUCCESS)
      return r;
   *supported = vw_family_can_present(pdev, family) && vw_x11_visual_fourcc(&info) != 0;
   return VK_SUCCESS;
}

static VkResult
x11_get_capabilities(struct vw_surface *surface, struct vw_physical_device *pdev,
                     VkSurfaceCapabilitiesKHR *caps)
{
   struct vw_x11_window_info info;
   VkResult r = query_window(surface, &info);
   if (r != VK_SUCCESS)
      return r;
   uint32_t max_dim = pdev->props.limits.maxImageDimension2D;
   /* X windows are at least 1x1; one larger than the device's images cannot be served. */
   VkExtent2D size = {info.width < max_dim ? info.width : max_dim,
                      info.height < max_dim ? info.height : max_dim};
   bool alpha = vw_x11_depth_has_alpha(info.depth, vw_x11_visual_fourcc(&info));
   *caps = (VkSurfaceCapabilitiesKHR){
      /* One on screen, one waiting for the server's next refresh, one being drawn. */
      .minImageCount = 3,
      .maxImageCount = VW_MAX_IMAGES,
      .currentExtent = size,
      /* Not just the window's size: a window resized between the app's query and its
       * vkCreateSwapchainKHR must not fail the creation. Such a swapchain is suboptimal
       * from the start (x11_swapchain.c). */
      .minImageExtent = {1, 1},
      .maxImageExtent = {max_dim, max_dim},
      .maxImageArrayLayers = 1,
      .supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .currentTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      /* A 32-bit window's alpha goes to the compositor as it is: premultiplied, as X
       * compositors read it. A 24-bit window has none to give. */
      .supportedCompositeAlpha = VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR |
                                 (alpha ? VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR
                                        : VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR),
      .supportedUsageFlags = vw_surface_usage(pdev),
   };
   return VK_SUCCESS;
}

static bool
keep_window_format(const struct vw_format_info *f, const void *data)
{
   const uint32_t *fourcc = data;
   return f->drm_format == *fourcc;
}

static uint32_t
x11_get_formats(struct vw_surface *surface, struct vw_physical_device *pdev,
                VkSurfaceFormatKHR out[VW_MAX_SURFACE_FORMATS])
{
   struct vw_x11_window_info info;
   if (query_window(surface, &info) != VK_SUCCESS)
      return 0;
   uint32_t fourcc = vw_x11_visual_fourcc(&info);
   if (!fourcc) {
      vw_err("X11: window 0x%x has a depth-%u visual the layer cannot write",
             ((struct vw_x11_surface *)surface->backend_data)->window, info.depth);
      return 0;
   }
   return vw_surface_formats(pdev, keep_window_format, &fourcc, out);
}

static uint32_t
x11_get_present_modes(struct vw_surface *surface, struct vw_physical_device *pdev,
                      VkPresentModeKHR modes[VW_PRESENT_MODE_MAX])
{
   return vw_surface_present_modes(modes);
}

static VkResult
x11_get_present_rectangle(struct vw_surface *surface, struct vw_physical_device *pdev,
                          VkRect2D *rect)
{
   struct vw_x11_window_info info;
   VkResult r = query_window(surface, &info);
   if (r == VK_SUCCESS)
      *rect = (VkRect2D){{0, 0}, {info.width, info.height}};
   return r;
}

static void
x11_destroy_surface(struct vw_surface *surface)
{
   free(surface->backend_data);
   surface->backend_data = NULL;
}

const struct vw_backend_ops vw_x11_backend = {
   .name = "x11",
   .mode_switching = VW_MODES_NONE,
   .get_support = x11_get_support,
   .get_capabilities = x11_get_capabilities,
   .get_formats = x11_get_formats,
   .get_present_modes = x11_get_present_modes,
   .get_present_rectangle = x11_get_present_rectangle,
   .destroy_surface = x11_destroy_surface,
   .create_swapchain = vw_x11_create_swapchain,
   .wants_copy = vw_x11_wants_copy,
   .present = vw_x11_present,
   .wait_flip = vw_x11_wait_flip,
   .destroy_swapchain = vw_x11_destroy_swapchain,
};

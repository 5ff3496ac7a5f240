#include "display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extensions.h"
#include "log.h"
#include "surface.h"

struct vw_kms_device *
vw_physical_device_kms(struct vw_physical_device *pdev)
{
   struct vw_instance *inst = pdev->instance;
   pthread_mutex_lock(&inst->kms_lock);
   if (!inst->kms_tried) {
      inst->kms_tried = true;
      inst->kms = vw_kms_open(pdev->drm_primary_known ? &pdev->drm_primary : NULL);
   }
   struct vw_kms_device *dev = inst->kms;
   pthread_mutex_unlock(&inst->kms_lock);
   /* A driver that names its card must name this one; others share the single KMS card. */
   if (dev && pdev->drm_primary_known && dev->rdev && pdev->drm_primary != dev->rdev)
      return NULL;
   return dev;
}

static struct vw_kms_device *
kms_of(VkPhysicalDevice handle)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   return pdev ? vw_physical_device_kms(pdev) : NULL;
}

static struct vw_kms_connector *
connector_of(struct vw_kms_device *dev, VkDisplayKHR display)
{
   for (uint32_t i = 0; dev && i < dev->connector_count; i++)
      if ((VkDisplayKHR)(uintptr_t)&dev->connectors[i] == display)
         return &dev->connectors[i];
   return NULL;
}

static struct vw_kms_mode *
mode_of(struct vw_kms_device *dev, VkDisplayModeKHR handle)
{
   for (uint32_t i = 0; dev && i < dev->connector_count; i++)
      for (struct vw_kms_mode *m = vw_kms_mode_next(&dev->connectors[i].modes); m;
           m = vw_kms_mode_next(&m->next))
         if ((VkDisplayModeKHR)(uintptr_t)m == handle)
            return m;
   return NULL;
}

struct vw_kms_connector *
vw_display_connector(struct vw_kms_device *dev, VkDisplayKHR display)
{
   return connector_of(dev, display);
}

static VkDisplayKHR
display_handle(struct vw_kms_connector *c)
{
   return (VkDisplayKHR)(uintptr_t)c;
}

static const struct vw_kms_mode *
preferred_mode(const struct vw_kms_connector *c)
{
   const struct vw_kms_mode *first = NULL;
   for (const struct vw_kms_mode *m = vw_kms_mode_next(&c->modes); m;
        m = vw_kms_mode_next(&m->next)) {
      if (!vw_kms_mode_listed(m))
         continue;
      if (m->info.type & DRM_MODE_TYPE_PREFERRED)
         return m;
      if (!first)
         first = m;
   }
   return first;
}

/* Connected displays, in connector order (what every query below enumerates). */
static uint32_t
connected_displays(struct vw_kms_device *dev, struct vw_kms_connector **out, uint32_t max)
{
   uint32_t n = 0;
   for (uint32_t i = 0; dev && i < dev->connector_count && n < max; i++)
      if (vw_kms_connector_connected(&dev->connectors[i]) && preferred_mode(&dev->connectors[i]))
         out[n++] = &dev->connectors[i];
   return n;
}

static void
fill_display_props(struct vw_kms_connector *c, VkDisplayPropertiesKHR *p)
{
   const struct vw_kms_mode *pref = preferred_mode(c);
   *p = (VkDisplayPropertiesKHR){
      .display = display_handle(c),
      .displayName = c->name,
      .physicalDimensions = {c->mm_width, c->mm_height},
      .physicalResolution = {pref ? pref->info.hdisplay : 0, pref ? pref->info.vdisplay : 0},
      .supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .planeReorderPossible = VK_FALSE,
      .persistentContent = VK_FALSE,
   };
}

#define MAX_DISPLAYS 16

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceDisplayPropertiesKHR(VkPhysicalDevice pdev, uint32_t *count,
                                         VkDisplayPropertiesKHR *props)
{
   struct vw_kms_device *dev = kms_of(pdev);
   if (dev)
      vw_kms_refresh_connectors(dev, !props); /* probe once per two-call pair */
   struct vw_kms_connector *c[MAX_DISPLAYS];
   uint32_t n = connected_displays(dev, c, MAX_DISPLAYS);
   VkDisplayPropertiesKHR all[MAX_DISPLAYS];
   for (uint32_t i = 0; i < n; i++)
      fill_display_props(c[i], &all[i]);
   return vw_outarray(count, props, all, n, sizeof(all[0]));
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceDisplayProperties2KHR(VkPhysicalDevice pdev, uint32_t *count,
                                          VkDisplayProperties2KHR *props)
{
   struct vw_kms_device *dev = kms_of(pdev);
   if (dev)
      vw_kms_refresh_connectors(dev, !props);
   struct vw_kms_connector *c[MAX_DISPLAYS];
   uint32_t n = connected_displays(dev, c, MAX_DISPLAYS);
   if (!props) {
      *count = n;
      return VK_SUCCESS;
   }
   uint32_t copy = *count < n ? *count : n;
   for (uint32_t i = 0; i < copy; i++)
      fill_display_props(c[i], &props[i].displayProperties);
   *count = copy;
   return copy < n ? VK_INCOMPLETE : VK_SUCCESS;
}

static uint32_t
plane_count(struct vw_kms_device *dev)
{
   return dev ? dev->crtc_count : 0;
}

static void
fill_plane_props(struct vw_kms_device *dev, uint32_t index, VkDisplayPlanePropertiesKHR *p)
{
   struct vw_kms_crtc *crtc = &dev->crtcs[index];
   uint32_t current = crtc->mode_set ? crtc->connector : 0;
   for (uint32_t i = 0; !current && i < dev->connector_count; i++)
      if (dev->connectors[i].current_crtc == crtc->id)
         current = dev->connectors[i].id;
   struct vw_kms_connector *c = vw_kms_find_connector(dev, current);
   p->currentDisplay = c && vw_kms_connector_connected(c) ? display_handle(c) : VK_NULL_HANDLE;
   p->currentStackIndex = 0;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceDisplayPlanePropertiesKHR(VkPhysicalDevice pdev, uint32_t *count,
                                              VkDisplayPlanePropertiesKHR *props)
{
   struct vw_kms_device *dev = kms_of(pdev);
   uint32_t n = plane_count(dev);
   if (!props) {
      *count = n;
      return VK_SUCCESS;
   }
   uint32_t copy = *count < n ? *count : n;
   for (uint32_t i = 0; i < copy; i++)
      fill_plane_props(dev, i, &props[i]);
   *count = copy;
   return copy < n ? VK_INCOMPLETE : VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetPhysicalDeviceDisplayPlaneProperties2KHR(VkPhysicalDevice pdev, uint32_t *count,
                                               VkDisplayPlaneProperties2KHR *props)
{
   struct vw_kms_device *dev = kms_of(pdev);
   uint32_t n = plane_count(dev);
   if (!props) {
      *count = n;
      return VK_SUCCESS;
   }
   uint32_t copy = *count < n ? *count : n;
   for (uint32_t i = 0; i < copy; i++)
      fill_plane_props(dev, i, &props[i].displayPlaneProperties);
   *count = copy;
   return copy < n ? VK_INCOMPLETE : VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDisplayPlaneSupportedDisplaysKHR(VkPhysicalDevice pdev, uint32_t plane, uint32_t *count,
                                       VkDisplayKHR *displays)
{
   struct vw_kms_device *dev = kms_of(pdev);
   VkDisplayKHR all[MAX_DISPLAYS];
   uint32_t n = 0;
   if (dev && plane < dev->crtc_count) {
      struct vw_kms_connector *c[MAX_DISPLAYS];
      uint32_t nc = connected_displays(dev, c, MAX_DISPLAYS);
      for (uint32_t i = 0; i < nc; i++)
         if (c[i]->possible_crtcs & (1u << dev->crtcs[plane].index))
            all[n++] = display_handle(c[i]);
   }
   return vw_outarray(count, displays, all, n, sizeof(all[0]));
}

#define MAX_MODES 256

static uint32_t
listed_modes(struct vw_kms_connector *c, VkDisplayModePropertiesKHR *out)
{
   uint32_t n = 0;
   for (struct vw_kms_mode *m = vw_kms_mode_next(&c->modes); m && n < MAX_MODES;
        m = vw_kms_mode_next(&m->next)) {
      if (!vw_kms_mode_listed(m))
         continue;
      out[n++] = (VkDisplayModePropertiesKHR){
         .displayMode = (VkDisplayModeKHR)(uintptr_t)m,
         .parameters = {{m->info.hdisplay, m->info.vdisplay}, m->refresh_mhz},
      };
   }
   return n;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDisplayModePropertiesKHR(VkPhysicalDevice pdev, VkDisplayKHR display, uint32_t *count,
                               VkDisplayModePropertiesKHR *props)
{
   struct vw_kms_connector *c = connector_of(kms_of(pdev), display);
   if (!c) {
      *count = 0;
      return VK_SUCCESS;
   }
   VkDisplayModePropertiesKHR all[MAX_MODES];
   uint32_t n = listed_modes(c, all);
   return vw_outarray(count, props, all, n, sizeof(all[0]));
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDisplayModeProperties2KHR(VkPhysicalDevice pdev, VkDisplayKHR display, uint32_t *count,
                                VkDisplayModeProperties2KHR *props)
{
   struct vw_kms_connector *c = connector_of(kms_of(pdev), display);
   VkDisplayModePropertiesKHR all[MAX_MODES];
   uint32_t n = c ? listed_modes(c, all) : 0;
   if (!props) {
      *count = n;
      return VK_SUCCESS;
   }
   uint32_t copy = *count < n ? *count : n;
   for (uint32_t i = 0; i < copy; i++)
      props[i].displayModeProperties = all[i];
   *count = copy;
   return copy < n ? VK_INCOMPLETE : VK_SUCCESS;
}

/* Timings for a mode the connector does not list, in the style of CVT reduced blanking:
 * virtual displays take any mode, and those timings are all they look at. */
static drmModeModeInfo
synthesize_mode(uint32_t width, uint32_t height, uint32_t refresh_mhz)
{
   drmModeModeInfo m = {0};
   m.hdisplay = (uint16_t)width;
   m.hsync_start = (uint16_t)(width + 48);
   m.hsync_end = (uint16_t)(width + 80);
   m.htotal = (uint16_t)(width + 160);
   m.vdisplay = (uint16_t)height;
   m.vsync_start = (uint16_t)(height + 3);
   m.vsync_end = (uint16_t)(height + 9);
   m.vtotal = (uint16_t)(height + height / 25 + 10);
   m.clock = (uint32_t)((uint64_t)m.htotal * m.vtotal * refresh_mhz / 1000000ull);
   m.vrefresh = (refresh_mhz + 500) / 1000;
   m.flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
   m.type = DRM_MODE_TYPE_USERDEF;
   snprintf(m.name, sizeof(m.name), "%ux%u", width, height);
   return m;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateDisplayModeKHR(VkPhysicalDevice pdev, VkDisplayKHR display,
                        const VkDisplayModeCreateInfoKHR *ci, const VkAllocationCallbacks *alloc,
                        VkDisplayModeKHR *out)
{
   struct vw_kms_device *dev = kms_of(pdev);
   struct vw_kms_connector *c = connector_of(dev, display);
   const VkDisplayModeParametersKHR *p = &ci->parameters;
   if (!c || !p->visibleRegion.width || !p->visibleRegion.height || !p->refreshRate)
      return VK_ERROR_INITIALIZATION_FAILED;
   /* A listed mode within half a hertz is that mode. */
   for (struct vw_kms_mode *m = vw_kms_mode_next(&c->modes); m;
        m = vw_kms_mode_next(&m->next)) {
      int32_t diff = (int32_t)m->refresh_mhz - (int32_t)p->refreshRate;
      if (vw_kms_mode_listed(m) && m->info.hdisplay == p->visibleRegion.width &&
          m->info.vdisplay == p->visibleRegion.height && diff > -500 && diff < 500) {
         *out = (VkDisplayModeKHR)(uintptr_t)m;
         return VK_SUCCESS;
      }
   }
   if (!dev->virtual_connectors || p->visibleRegion.width > 8192 || p->visibleRegion.height > 8192) {
      vw_err("vkCreateDisplayModeKHR: %s has no %ux%u@%u.%03u mode", c->name,
             p->visibleRegion.width, p->visibleRegion.height, p->refreshRate / 1000,
             p->refreshRate % 1000);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   struct vw_kms_mode *m = calloc(1, sizeof(*m));
   if (!m)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   m->connector = c;
   m->info = synthesize_mode(p->visibleRegion.width, p->visibleRegion.height, p->refreshRate);
   m->refresh_mhz = vw_kms_mode_refresh_mhz(&m->info);
   vw_kms_mode_set_listed(m, false); /* the kernel never listed it; it stays valid on a virtual display */
   m->user_created = true;
   pthread_mutex_lock(&dev->lock);
   struct vw_kms_mode **tail = &c->modes;
   while (*tail)
      tail = &(*tail)->next;
   vw_kms_mode_link(tail, m);
   pthread_mutex_unlock(&dev->lock);
   *out = (VkDisplayModeKHR)(uintptr_t)m;
   return VK_SUCCESS;
}

static VkResult
plane_caps(struct vw_kms_device *dev, VkDisplayModeKHR mode_handle, uint32_t plane,
           VkDisplayPlaneCapabilitiesKHR *caps)
{
   struct vw_kms_mode *m = mode_of(dev, mode_handle);
   if (!m || plane >= plane_count(dev)) {
      vw_err("vkGetDisplayPlaneCapabilitiesKHR: unknown display mode or plane %u", plane);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   /* A primary plane covers its CRTC exactly: no scaling, no positioning. */
   VkExtent2D e = {m->info.hdisplay, m->info.vdisplay};
   *caps = (VkDisplayPlaneCapabilitiesKHR){
      .supportedAlpha = VK_DISPLAY_PLANE_ALPHA_OPAQUE_BIT_KHR,
      .minSrcPosition = {0, 0},
      .maxSrcPosition = {0, 0},
      .minSrcExtent = e,
      .maxSrcExtent = e,
      .minDstPosition = {0, 0},
      .maxDstPosition = {0, 0},
      .minDstExtent = e,
      .maxDstExtent = e,
   };
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDisplayPlaneCapabilitiesKHR(VkPhysicalDevice pdev, VkDisplayModeKHR mode, uint32_t plane,
                                  VkDisplayPlaneCapabilitiesKHR *caps)
{
   return plane_caps(kms_of(pdev), mode, plane, caps);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDisplayPlaneCapabilities2KHR(VkPhysicalDevice pdev, const VkDisplayPlaneInfo2KHR *info,
                                   VkDisplayPlaneCapabilities2KHR *caps)
{
   return plane_caps(kms_of(pdev), info->mode, info->planeIndex, &caps->capabilities);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateDisplayPlaneSurfaceKHR(VkInstance instance, const VkDisplaySurfaceCreateInfoKHR *ci,
                                const VkAllocationCallbacks *alloc, VkSurfaceKHR *out)
{
   struct vw_instance *inst = vw_instance_from_handle(instance);
   if (!inst)
      return VK_ERROR_INITIALIZATION_FAILED;
   pthread_mutex_lock(&inst->kms_lock);
   struct vw_kms_device *dev = inst->kms;
   pthread_mutex_unlock(&inst->kms_lock);
   struct vw_kms_mode *m = mode_of(dev, ci->displayMode);
   if (!m || ci->planeIndex >= plane_count(dev)) {
      vw_err("vkCreateDisplayPlaneSurfaceKHR: unknown display mode or plane %u", ci->planeIndex);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   struct vw_kms_crtc *crtc = &dev->crtcs[ci->planeIndex];
   if (!(m->connector->possible_crtcs & (1u << crtc->index)) || !crtc->primary) {
      vw_err("vkCreateDisplayPlaneSurfaceKHR: plane %u cannot drive %s", ci->planeIndex,
             m->connector->name);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   /* An image size the plane cannot scale to is the swapchain's failure: the surface itself
    * may only fail for want of memory. */
   struct vw_surface *surface = calloc(1, sizeof(*surface));
   struct vw_display_surface *ds = calloc(1, sizeof(*ds));
   if (!surface || !ds) {
      free(surface);
      free(ds);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   ds->dev = dev;
   ds->connector = m->connector;
   ds->mode = m;
   ds->crtc = crtc;
   ds->plane_index = ci->planeIndex;
   ds->extent = ci->imageExtent;
   surface->kind = VW_SURFACE_DISPLAY;
   surface->instance = inst;
   surface->backend = &vw_display_backend;
   surface->backend_data = ds;
   VkResult r = vw_surface_register(surface, out);
   if (r != VK_SUCCESS) {
      free(ds);
      free(surface);
      return r;
   }
   vw_info("display surface: %s %ux%u@%u.%03u Hz on CRTC %u", m->connector->name,
           m->info.hdisplay, m->info.vdisplay, m->refresh_mhz / 1000, m->refresh_mhz % 1000,
           crtc->id);
   return VK_SUCCESS;
}

/* --- VK_EXT_direct_mode_display, VK_EXT_acquire_drm_display ---
 * Every display starts out acquired by the instance: the layer opens the card itself and
 * is DRM master while a swapchain presents (what VK_KHR_display alone promises).
 * vkReleaseDisplayEXT ends that: the display's swapchains get VK_ERROR_SURFACE_LOST_KHR
 * and new ones VK_ERROR_INITIALIZATION_FAILED until vkAcquireDrmDisplayEXT hands it back
 * through an fd of the app's. */

VKAPI_ATTR VkResult VKAPI_CALL
vw_ReleaseDisplayEXT(VkPhysicalDevice pdev, VkDisplayKHR display)
{
   struct vw_kms_device *dev = kms_of(pdev);
   struct vw_kms_connector *c = connector_of(dev, display);
   if (!c) {
      vw_err("vkReleaseDisplayEXT: unknown display");
      return VK_SUCCESS; /* the command has no failure to report */
   }
   vw_kms_release_display(dev, c);
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_AcquireDrmDisplayEXT(VkPhysicalDevice pdev, int32_t drm_fd, VkDisplayKHR display)
{
   struct vw_kms_device *dev = kms_of(pdev);
   struct vw_kms_connector *c = connector_of(dev, display);
   if (!c) {
      vw_err("vkAcquireDrmDisplayEXT: unknown display");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   return vw_kms_acquire_fd(dev, c, drm_fd);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetDrmDisplayEXT(VkPhysicalDevice pdev, int32_t drm_fd, uint32_t connector_id,
                    VkDisplayKHR *display)
{
   *display = VK_NULL_HANDLE;
   struct vw_kms_device *dev = kms_of(pdev);
   if (!dev || !vw_kms_same_card(dev, drm_fd)) {
      vw_err("vkGetDrmDisplayEXT: fd %d is not a file of this physical device's card", drm_fd);
      return VK_ERROR_UNKNOWN;
   }
   /* The connector must be one the fd sees (a lessee sees only its lease). */
   drmModeConnector *conn = drmModeGetConnectorCurrent(drm_fd, connector_id);
   if (!conn) {
      vw_err("vkGetDrmDisplayEXT: fd %d has no connector %u", drm_fd, connector_id);
      return VK_ERROR_UNKNOWN;
   }
   drmModeFreeConnector(conn);
   struct vw_kms_connector *c = vw_kms_find_connector(dev, connector_id);
   if (c)
      *display = display_handle(c);
   return VK_SUCCESS;
}

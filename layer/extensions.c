#include "extensions.h"

#include "venus_wsi/vk_maintenance1_khr.h"
#include "venus_wsi/vk_present2.h"

#include <stdlib.h>
#include <string.h>

/* The instance list must match manifest/VkLayer_venus_wsi.json.in: the loader takes the
 * manifest's word for instance extensions before the layer is loaded. The device list is
 * offered only through vw_EnumerateDeviceExtensionProperties (see manifest/meson.build). */
const VkExtensionProperties vw_instance_extensions[] = {
   {VK_KHR_SURFACE_EXTENSION_NAME, 25},
   {VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME, 1},
   {VK_KHR_GET_SURFACE_CAPABILITIES_2_EXTENSION_NAME, 1},
   {VK_KHR_DISPLAY_EXTENSION_NAME, 23},
   {VK_KHR_GET_DISPLAY_PROPERTIES_2_EXTENSION_NAME, 1},
   {VK_EXT_DIRECT_MODE_DISPLAY_EXTENSION_NAME, 1},
   {VK_EXT_ACQUIRE_DRM_DISPLAY_EXTENSION_NAME, 1},
   {VK_EXT_DISPLAY_SURFACE_COUNTER_EXTENSION_NAME, 1},
   {VK_EXT_SURFACE_MAINTENANCE_1_EXTENSION_NAME, 1},
#ifdef VW_LOADER_KNOWS_KHR_SURFACE_MAINTENANCE1 /* see meson.build */
   {VK_KHR_SURFACE_MAINTENANCE_1_EXTENSION_NAME, 1},
#endif
#ifdef VW_HAVE_X11
   {"VK_KHR_xcb_surface", 6},
   {"VK_KHR_xlib_surface", 6},
#endif
#ifdef VW_HAVE_WAYLAND
   {"VK_KHR_wayland_surface", 6},
#endif
};
const uint32_t vw_instance_extension_count =
   sizeof(vw_instance_extensions) / sizeof(vw_instance_extensions[0]);

const VkExtensionProperties vw_device_extensions[] = {
   {VK_KHR_SWAPCHAIN_EXTENSION_NAME, 70},
   {VK_KHR_SWAPCHAIN_MUTABLE_FORMAT_EXTENSION_NAME, 1},
   {VK_KHR_INCREMENTAL_PRESENT_EXTENSION_NAME, 2},
   {VK_KHR_PRESENT_ID_EXTENSION_NAME, 1},
   {VK_KHR_PRESENT_WAIT_EXTENSION_NAME, 1},
   {VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME, 1},
   {VK_KHR_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME, 1},
   {VK_KHR_PRESENT_ID_2_EXTENSION_NAME, 1},
   {VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME, 1},
   {VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME, 1},
   {VK_EXT_DISPLAY_CONTROL_EXTENSION_NAME, 1},
};
const uint32_t vw_device_extension_count =
   sizeof(vw_device_extensions) / sizeof(vw_device_extensions[0]);

bool
vw_ext_in_names(const char *name, const char *const *names, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++)
      if (!strcmp(names[i], name))
         return true;
   return false;
}

bool
vw_ext_in_props(const char *name, const VkExtensionProperties *props, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++)
      if (!strcmp(props[i].extensionName, name))
         return true;
   return false;
}

bool
vw_name_list_init(struct vw_name_list *list, const char *const *names, uint32_t count,
                  uint32_t extra)
{
   list->count = 0;
   list->capacity = count + extra;
   list->names = calloc(list->capacity ? list->capacity : 1, sizeof(*list->names));
   if (!list->names)
      return false;
   for (uint32_t i = 0; i < count; i++)
      if (!vw_ext_in_names(names[i], list->names, list->count))
         list->names[list->count++] = names[i];
   return true;
}

void
vw_name_list_remove(struct vw_name_list *list, const char *name)
{
   for (uint32_t i = 0; i < list->count; i++) {
      if (!strcmp(list->names[i], name)) {
         memmove(&list->names[i], &list->names[i + 1], (list->count - i - 1) * sizeof(char *));
         list->count--;
         return;
      }
   }
}

bool
vw_name_list_add(struct vw_name_list *list, const char *name)
{
   if (vw_ext_in_names(name, list->names, list->count))
      return true;
   if (list->count == list->capacity)
      return false;
   list->names[list->count++] = name;
   return true;
}

void
vw_name_list_finish(struct vw_name_list *list)
{
   free(list->names);
   list->names = NULL;
   list->count = list->capacity = 0;
}

VkResult
vw_outarray(uint32_t *count, void *out, const void *src, uint32_t n, size_t size)
{
   if (!out) {
      *count = n;
      return VK_SUCCESS;
   }
   uint32_t copy = *count < n ? *count : n;
   if (copy)
      memcpy(out, src, copy * size);
   *count = copy;
   return copy < n ? VK_INCOMPLETE : VK_SUCCESS;
}

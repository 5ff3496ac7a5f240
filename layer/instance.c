#include "instance.h"

#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <vulkan/vk_layer.h>

#include "driver_instance_exts.h"
#include "extensions.h"
#include "handle_map.h"
#include "kms/kms_device.h"
#include "log.h"
#include "takeover_probe.h"
#include "venus_wsi/config.h"

static struct vw_handle_map instance_map = VW_HANDLE_MAP_INIT;
static struct vw_handle_map pdev_map = VW_HANDLE_MAP_INIT;

struct vw_instance *
vw_instance_from_handle(VkInstance instance)
{
   return instance ? vw_map_lookup(&instance_map, vw_dispatch_key(instance)) : NULL;
}

struct vw_physical_device *
vw_physical_device_from_handle(VkPhysicalDevice pdev)
{
   return vw_map_lookup(&pdev_map, vw_key(pdev));
}

int32_t
vw_find_memory_type(const struct vw_physical_device *pdev, uint32_t type_bits,
                    VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred)
{
   int32_t best = -1;
   int best_score = -1;
   for (uint32_t i = 0; i < pdev->mem_props.memoryTypeCount; i++) {
      if (!(type_bits & (1u << i)))
         continue;
      VkMemoryPropertyFlags flags = pdev->mem_props.memoryTypes[i].propertyFlags;
      if ((flags & required) != required)
         continue;
      int score = __builtin_popcount(flags & preferred);
      if (score > best_score) {
         best = (int32_t)i;
         best_score = score;
      }
   }
   return best;
}

bool
vw_family_can_present(const struct vw_physical_device *pdev, uint32_t family)
{
   if (family >= pdev->queue_family_count)
      return false;
   VkQueueFlags f = pdev->queue_families[family].queueFlags;
   return (f & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)) != 0;
}

static VkLayerInstanceCreateInfo *
find_instance_link(const VkInstanceCreateInfo *ci)
{
   for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
      if (s->sType != VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO)
         continue;
      VkLayerInstanceCreateInfo *info = (VkLayerInstanceCreateInfo *)s;
      if (info->function == VK_LAYER_LINK_INFO)
         return info;
   }
   return NULL;
}

static bool
has_ext(const struct vw_physical_device *pdev, const char *name)
{
   return vw_ext_in_props(name, pdev->exts, pdev->ext_count);
}

static void
read_driver_features(struct vw_physical_device *pdev, uint32_t hide)
{
   struct vw_driver_features *d = &pdev->drv;
   d->swapchain = has_ext(pdev, VK_KHR_SWAPCHAIN_EXTENSION_NAME) && !(hide & VW_HIDE_SWAPCHAIN);
   d->swapchain_mutable_format =
      d->swapchain && has_ext(pdev, VK_KHR_SWAPCHAIN_MUTABLE_FORMAT_EXTENSION_NAME);
   d->external_memory_fd =
      has_ext(pdev, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME) && !(hide & VW_HIDE_EXTFD);
   d->external_memory_dma_buf = d->external_memory_fd &&
                                has_ext(pdev, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME) &&
                                !(hide & VW_HIDE_DMABUF);
   d->image_drm_format_modifier = has_ext(pdev, VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME) &&
                                  !(hide & VW_HIDE_DMABUF);
   d->external_memory_host =
      has_ext(pdev, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME) && !(hide & VW_HIDE_HOSTPTR);
   d->external_semaphore_fd =
      has_ext(pdev, VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME) && !(hide & VW_HIDE_SYNCFD);
   d->external_fence_fd =
      has_ext(pdev, VK_KHR_EXTERNAL_FENCE_FD_EXTENSION_NAME) && !(hide & VW_HIDE_SYNCFD);
   d->image_format_list = has_ext(pdev, VK_KHR_IMAGE_FORMAT_LIST_EXTENSION_NAME) ||
                          pdev->api_version >= VK_API_VERSION_1_2;
   d->physical_device_drm = has_ext(pdev, VK_EXT_PHYSICAL_DEVICE_DRM_EXTENSION_NAME);
}

static VkResult
init_physical_device(struct vw_instance *inst, struct vw_physical_device *pdev,
                     VkPhysicalDevice handle)
{
   const struct vw_instance_dispatch *next = &inst->next;
   pdev->handle = handle;
   pdev->instance = inst;
   next->GetPhysicalDeviceProperties(handle, &pdev->props);
   next->GetPhysicalDeviceMemoryProperties(handle, &pdev->mem_props);
   pdev->api_version = pdev->props.apiVersion < inst->api_version ? pdev->props.apiVersion
                                                                 : inst->api_version;

   next->GetPhysicalDeviceQueueFamilyProperties(handle, &pdev->queue_family_count, NULL);
   pdev->queue_families = calloc(pdev->queue_family_count ? pdev->queue_family_count : 1,
                                 sizeof(*pdev->queue_families));
   if (!pdev->queue_families)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   next->GetPhysicalDeviceQueueFamilyProperties(handle, &pdev->queue_family_count,
                                                pdev->queue_families);

   VkResult r = next->EnumerateDeviceExtensionProperties(handle, NULL, &pdev->ext_count, NULL);
   if (r != VK_SUCCESS)
      return r;
   pdev->exts = calloc(pdev->ext_count ? pdev->ext_count : 1, sizeof(*pdev->exts));
   if (!pdev->exts)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   r = next->EnumerateDeviceExtensionProperties(handle, NULL, &pdev->ext_count, pdev->exts);
   if (r < 0)
      return r;

   read_driver_features(pdev, vw_config_get()->hide);

   if (next->GetPhysicalDeviceProperties2) {
      VkPhysicalDeviceExternalMemoryHostPropertiesEXT host = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT,
      };
      VkPhysicalDeviceDrmPropertiesEXT drm = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRM_PROPERTIES_EXT,
      };
      VkPhysicalDeviceDriverProperties driver = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
      };
      VkPhysicalDeviceProperties2 props2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
      /* Only structures of extensions the driver has may be chained. */
      void **tail = &props2.pNext;
      if (pdev->drv.external_memory_host) {
         *tail = &host;
         tail = &host.pNext;
      }
      if (pdev->drv.physical_device_drm) {
         *tail = &drm;
         tail = &drm.pNext;
      }
      if (pdev->api_version >= VK_API_VERSION_1_2 ||
          has_ext(pdev, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME)) {
         *tail = &driver;
         tail = &driver.pNext;
      }
      next->GetPhysicalDeviceProperties2(handle, &props2);
      pdev->min_host_pointer_alignment = host.minImportedHostPointerAlignment;
      uint32_t at_least = vw_config_get()->hostptr_align;
      if (pdev->min_host_pointer_alignment && at_least > pdev->min_host_pointer_alignment)
         pdev->min_host_pointer_alignment = at_least;
      if (drm.hasPrimary) {
         pdev->drm_primary_known = true;
         pdev->drm_primary = makedev((unsigned)drm.primaryMajor, (unsigned)drm.primaryMinor);
      }
      pdev->driver_id = driver.driverID;
   }
   return VK_SUCCESS;
}

static void
destroy_instance_record(struct vw_instance *inst)
{
   for (uint32_t i = 0; i < inst->pdev_count; i++) {
      vw_map_remove(&pdev_map, vw_key(inst->pdevs[i].handle));
      free(inst->pdevs[i].queue_families);
      free(inst->pdevs[i].exts);
   }
   free(inst->pdevs);
   vw_kms_close(inst->kms);
   pthread_mutex_destroy(&inst->kms_lock);
   free(inst);
}

static VkResult
init_physical_devices(struct vw_instance *inst)
{
   VkResult r = inst->next.EnumeratePhysicalDevices(inst->handle, &inst->pdev_count, NULL);
   if (r != VK_SUCCESS)
      return r;
   VkPhysicalDevice *handles = calloc(inst->pdev_count ? inst->pdev_count : 1, sizeof(*handles));
   inst->pdevs = calloc(inst->pdev_count ? inst->pdev_count : 1, sizeof(*inst->pdevs));
   if (!handles || !inst->pdevs) {
      free(handles);
      inst->pdev_count = 0; /* nothing for destroy_instance_record to walk */
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   r = inst->next.EnumeratePhysicalDevices(inst->handle, &inst->pdev_count, handles);
   for (uint32_t i = 0; r >= 0 && i < inst->pdev_count; i++) {
      r = init_physical_device(inst, &inst->pdevs[i], handles[i]);
      if (r == VK_SUCCESS && !vw_map_insert(&pdev_map, vw_key(handles[i]), &inst->pdevs[i]))
         r = VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   free(handles);
   return r < 0 ? r : VK_SUCCESS;
}

/* In 'force' the layer answers every headless and display surface itself, so the driver
 * need not see those extensions. VK_KHR_surface stays: the driver keeps its own
 * VK_KHR_swapchain where it has one, and that depends on it. In 'auto' the app's list goes
 * down as it is: the loader's terminator drops what a driver lacks. */
static void
strip_instance_extensions(struct vw_name_list *list)
{
   vw_name_list_remove(list, VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME);
   vw_name_list_remove(list, VK_KHR_DISPLAY_EXTENSION_NAME);
   vw_name_list_remove(list, VK_KHR_GET_DISPLAY_PROPERTIES_2_EXTENSION_NAME);
   vw_name_list_remove(list, VK_EXT_DIRECT_MODE_DISPLAY_EXTENSION_NAME);
   vw_name_list_remove(list, VK_EXT_ACQUIRE_DRM_DISPLAY_EXTENSION_NAME);
   vw_name_list_remove(list, VK_EXT_DISPLAY_SURFACE_COUNTER_EXTENSION_NAME);
}

static bool
decide_active(struct vw_instance *inst, enum vw_mode mode)
{
   if (mode == VW_MODE_OFF)
      return false;
   if (mode == VW_MODE_FORCE)
      return true;
   for (uint32_t i = 0; i < inst->pdev_count; i++)
      if (!inst->pdevs[i].drv.swapchain)
         return true;
   return false;
}

/* The first extension the app enabled that only the layer's manifest offered (no loaded
 * driver lists it), or NULL. With no driver visible nothing is known, and NULL is returned:
 * the loader's own check and terminator stay in charge. */
static const char *
extension_only_the_layer_offers(const VkInstanceCreateInfo *ci)
{
   bool any = false;
   for (uint32_t i = 0; i < ci->enabledExtensionCount && !any; i++)
      any = vw_ext_in_props(ci->ppEnabledExtensionNames[i], vw_instance_extensions,
                            vw_instance_extension_count);
   if (!any)
      return NULL; /* spares the look at the drivers */
   struct vw_driver_exts drivers = vw_driver_instance_exts();
   if (!drivers.drivers)
      return NULL;
   for (uint32_t i = 0; i < ci->enabledExtensionCount; i++) {
      const char *name = ci->ppEnabledExtensionNames[i];
      if (vw_ext_in_props(name, vw_instance_extensions, vw_instance_extension_count) &&
          !vw_driver_exts_has(&drivers, name))
         return name;
   }
   return NULL;
}

static void
note_app_extensions(struct vw_instance *inst, const VkInstanceCreateInfo *ci)
{
   const char *const *names = ci->ppEnabledExtensionNames;
   uint32_t n = ci->enabledExtensionCount;
   inst->app_ext.surface = vw_ext_in_names(VK_KHR_SURFACE_EXTENSION_NAME, names, n);
   inst->app_ext.headless_surface = vw_ext_in_names(VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME, names, n);
   inst->app_ext.surface_caps2 =
      vw_ext_in_names(VK_KHR_GET_SURFACE_CAPABILITIES_2_EXTENSION_NAME, names, n);
   inst->app_ext.display = vw_ext_in_names(VK_KHR_DISPLAY_EXTENSION_NAME, names, n);
   inst->app_ext.display_props2 =
      vw_ext_in_names(VK_KHR_GET_DISPLAY_PROPERTIES_2_EXTENSION_NAME, names, n);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateInstance(const VkInstanceCreateInfo *ci, const VkAllocationCallbacks *alloc,
                  VkInstance *out)
{
   const struct vw_config *cfg = vw_config_get();
   VkLayerInstanceCreateInfo *link = find_instance_link(ci);
   if (!link || !link->u.pLayerInfo) {
      vw_err("vkCreateInstance: no loader link info; is the layer loaded by a loader?");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   PFN_vkGetInstanceProcAddr next_gipa = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
   PFN_vkCreateInstance next_create =
      (PFN_vkCreateInstance)next_gipa(VK_NULL_HANDLE, "vkCreateInstance");
   if (!next_create)
      return VK_ERROR_INITIALIZATION_FAILED;

   /* The probe instance only asks what the layer would do; it changes nothing. */
   bool probe = vw_takeover_probing();
   enum vw_takeover takeover = probe ? VW_TAKEOVER_NO : vw_takeover_known();
   /* An extension only the layer can give (the loader accepted it on the manifest's word):
    * refused before anything is created where the layer passes through, as the loader
    * refuses it without the layer; where that is not known yet ('auto' with no earlier
    * question about extensions), the app's request makes the layer take over. */
   const char *layer_only = probe ? NULL : extension_only_the_layer_offers(ci);
   if (layer_only && takeover == VW_TAKEOVER_NO) {
      vw_err("vkCreateInstance: %s is not offered: the layer passes through (VENUS_WSI=%s) "
             "and no driver has it", layer_only, vw_mode_name(cfg->mode));
      return VK_ERROR_EXTENSION_NOT_PRESENT;
   }

   struct vw_instance *inst = calloc(1, sizeof(*inst));
   if (!inst)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   inst->next_gipa = next_gipa;
   pthread_mutex_init(&inst->kms_lock, NULL);
   note_app_extensions(inst, ci);

   VkInstanceCreateInfo down = *ci;
   VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO};
   if (ci->pApplicationInfo)
      app = *ci->pApplicationInfo;
   uint32_t app_version = app.apiVersion ? app.apiVersion : VK_API_VERSION_1_0;
   inst->api_version = app_version;
   struct vw_name_list exts = {0};
   if (takeover != VW_TAKEOVER_NO && app_version < VK_API_VERSION_1_1) {
      /* The layer's own work (dedicated allocations, external memory queries,
       * properties2) is core 1.1; every driver the layer targets has 1.1. Raised only when
       * the layer may take over: unknown only for an app that creates an instance in
       * 'auto' without asking for the instance extensions first. */
      app.apiVersion = VK_API_VERSION_1_1;
      down.pApplicationInfo = &app;
      inst->api_version = app.apiVersion;
   }
   if (cfg->mode == VW_MODE_FORCE) {
      if (!vw_name_list_init(&exts, ci->ppEnabledExtensionNames, ci->enabledExtensionCount, 0)) {
         free(inst);
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      }
      strip_instance_extensions(&exts);
      down.enabledExtensionCount = exts.count;
      down.ppEnabledExtensionNames = exts.names;
   }

   link->u.pLayerInfo = link->u.pLayerInfo->pNext;
   VkResult r = next_create(&down, alloc, out);
   vw_name_list_finish(&exts);
   if (r != VK_SUCCESS) {
      vw_err("vkCreateInstance below the layer failed: %d", r);
      free(inst);
      return r;
   }
   inst->handle = *out;
   vw_instance_dispatch_init(&inst->next, next_gipa, *out);
   inst->next_create_xcb_surface = next_gipa(*out, "vkCreateXcbSurfaceKHR");
   inst->next_create_xlib_surface = next_gipa(*out, "vkCreateXlibSurfaceKHR");
   inst->next_create_wayland_surface = next_gipa(*out, "vkCreateWaylandSurfaceKHR");

   r = init_physical_devices(inst);
   if (r != VK_SUCCESS) {
      vw_err("vkCreateInstance: cannot read the physical devices (%d)", r);
      PFN_vkDestroyInstance destroy = inst->next.DestroyInstance;
      destroy_instance_record(inst);
      destroy(*out, alloc);
      return r;
   }
   bool wanted = decide_active(inst, probe ? VW_MODE_AUTO : cfg->mode) || layer_only;
   if (probe)
      vw_takeover_report(wanted);
   inst->active = !probe && wanted;
   if (inst->active && inst->api_version < VK_API_VERSION_1_1) {
      /* Only if the drivers changed since the probe: the layer cannot work on 1.0. */
      vw_err("vkCreateInstance: the instance below is Vulkan 1.0; the layer passes through");
      inst->active = false;
   }
   for (uint32_t i = 0; i < inst->pdev_count && !probe; i++)
      vw_info("instance: %s: driver %s VK_KHR_swapchain", inst->pdevs[i].props.deviceName,
              inst->pdevs[i].drv.swapchain ? "has" : "lacks");
   if (!probe)
      vw_info("instance: mode %s, layer %s WSI", vw_mode_name(cfg->mode),
              inst->active ? "implements" : "passes through");

   if (!vw_map_insert(&instance_map, vw_dispatch_key(*out), inst)) {
      PFN_vkDestroyInstance destroy = inst->next.DestroyInstance;
      destroy_instance_record(inst);
      destroy(*out, alloc);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
vw_DestroyInstance(VkInstance instance, const VkAllocationCallbacks *alloc)
{
   if (!instance)
      return;
   struct vw_instance *inst = vw_map_remove(&instance_map, vw_dispatch_key(instance));
   if (!inst)
      return;
   PFN_vkDestroyInstance destroy = inst->next.DestroyInstance;
   destroy_instance_record(inst);
   destroy(instance, alloc);
}

static bool
layer_offers_on(const struct vw_physical_device *pdev)
{
   return pdev && pdev->instance->active;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_EnumerateDeviceExtensionProperties(VkPhysicalDevice handle, const char *layer_name,
                                      uint32_t *count, VkExtensionProperties *props)
{
   struct vw_physical_device *pdev = vw_physical_device_from_handle(handle);
   if (layer_name && !strcmp(layer_name, VW_LAYER_NAME)) {
      /* Passing through, what the loader says of a disabled layer: its manifest lists no
       * device extensions (see manifest/meson.build). */
      uint32_t n = !pdev || layer_offers_on(pdev) ? vw_device_extension_count : 0;
      return vw_outarray(count, props, vw_device_extensions, n, sizeof(*props));
   }

   if (!pdev)
      return VK_ERROR_INITIALIZATION_FAILED;
   const struct vw_instance_dispatch *next = &pdev->instance->next;
   if (layer_name || !layer_offers_on(pdev))
      return next->EnumerateDeviceExtensionProperties(handle, layer_name, count, props);

   /* The driver's list plus what the layer adds: an app enabled by VK_INSTANCE_LAYERS (not
    * as implicit layer) only learns of the swapchain here. */
   uint32_t n = pdev->ext_count;
   VkExtensionProperties *all = calloc(n + vw_device_extension_count, sizeof(*all));
   if (!all)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   memcpy(all, pdev->exts, n * sizeof(*all));
   for (uint32_t i = 0; i < vw_device_extension_count; i++) {
      const VkExtensionProperties *e = &vw_device_extensions[i];
      if (!strcmp(e->extensionName, VK_KHR_SWAPCHAIN_MUTABLE_FORMAT_EXTENSION_NAME) &&
          !pdev->drv.image_format_list)
         continue;
      if (!vw_ext_in_props(e->extensionName, all, n))
         all[n++] = *e;
   }
   VkResult r = vw_outarray(count, props, all, n, sizeof(*all));
   free(all);
   return r;
}

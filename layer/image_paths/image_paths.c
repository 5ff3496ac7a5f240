/* The paths' common part: what the driver can do, the image template each path needs, and
 * trying the paths in turn. */
#include "image_paths.h"

#include <drm_fourcc.h>

#include "../log.h"
#include "paths_internal.h"
#include "venus_wsi/path_choice.h"

/* Whether the driver can make linear images of the swapchain's kind backed by a dma-buf it
 * exports (A) or imports (B): asked up front, so an unsupported path costs no failed
 * allocation (which drivers report as errors). */
static bool
dma_buf_image_ok(void *ctx, bool import)
{
   struct vw_swapchain *sc = ctx;
   struct vw_physical_device *pdev = sc->dev->pdev;
   if (!pdev->instance->next.GetPhysicalDeviceImageFormatProperties2)
      return false;
   VkPhysicalDeviceImageDrmFormatModifierInfoEXT modifier = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT,
      .drmFormatModifier = DRM_FORMAT_MOD_LINEAR,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkPhysicalDeviceExternalImageFormatInfo external = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
      .pNext = import ? &modifier : NULL,
      .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
   };
   VkPhysicalDeviceImageFormatInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
      .pNext = &external,
      .format = sc->format,
      .type = VK_IMAGE_TYPE_2D,
      .tiling = import ? VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT : VK_IMAGE_TILING_LINEAR,
      .usage = sc->image_ci.usage,
      .flags = sc->image_ci.flags,
   };
   VkExternalImageFormatProperties external_props = {
      .sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES,
   };
   VkImageFormatProperties2 props = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2,
      .pNext = &external_props,
   };
   if (pdev->instance->next.GetPhysicalDeviceImageFormatProperties2(pdev->handle, &info, &props) !=
       VK_SUCCESS)
      return false;
   VkExternalMemoryFeatureFlags need = import ? VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT
                                              : VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT;
   return (external_props.externalMemoryProperties.externalMemoryFeatures & need) == need &&
          props.imageFormatProperties.maxExtent.width >= sc->extent.width &&
          props.imageFormatProperties.maxExtent.height >= sc->extent.height;
}

/* Whether the driver can make linear images of the swapchain's kind in imported host
 * memory (E). */
static bool
host_image_ok(void *ctx)
{
   struct vw_swapchain *sc = ctx;
   struct vw_physical_device *pdev = sc->dev->pdev;
   if (!pdev->instance->next.GetPhysicalDeviceImageFormatProperties2)
      return false;
   VkPhysicalDeviceExternalImageFormatInfo external = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
      .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT,
   };
   VkPhysicalDeviceImageFormatInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
      .pNext = &external,
      .format = sc->format,
      .type = VK_IMAGE_TYPE_2D,
      .tiling = VK_IMAGE_TILING_LINEAR,
      .usage = sc->image_ci.usage,
      .flags = sc->image_ci.flags,
   };
   VkExternalImageFormatProperties external_props = {
      .sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES,
   };
   VkImageFormatProperties2 props = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2,
      .pNext = &external_props,
   };
   if (pdev->instance->next.GetPhysicalDeviceImageFormatProperties2(pdev->handle, &info, &props) !=
       VK_SUCCESS)
      return false;
   return (external_props.externalMemoryProperties.externalMemoryFeatures &
           VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT) &&
          props.imageFormatProperties.maxExtent.width >= sc->extent.width &&
          props.imageFormatProperties.maxExtent.height >= sc->extent.height &&
          props.imageFormatProperties.maxArrayLayers >= sc->layers;
}

/* Whether the driver makes linear single-layer images of the swapchain's kind (F). */
static bool
linear_image_ok(void *ctx)
{
   struct vw_swapchain *sc = ctx;
   struct vw_physical_device *pdev = sc->dev->pdev;
   VkImageFormatProperties props;
   if (sc->layers != 1 ||
       pdev->instance->next.GetPhysicalDeviceImageFormatProperties(
          pdev->handle, sc->format, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_LINEAR, sc->image_ci.usage,
          sc->image_ci.flags, &props) != VK_SUCCESS)
      return false;
   return props.maxExtent.width >= sc->extent.width &&
          props.maxExtent.height >= sc->extent.height;
}

static struct vw_path_caps
path_caps(struct vw_swapchain *sc, const struct vw_buffer_provider *p)
{
   struct vw_device *dev = sc->dev;
   return (struct vw_path_caps){
      .provider = p->name,
      .buffers = p->buffers,
      .provider_buffers = p->create && p->destroy,
      .provider_maps = p->map != NULL,
      .provider_imports_dma_buf = p->import_dma_buf && p->destroy,
      .provider_exports_dma_buf = p->export_dma_buf != NULL,
      .venus = dev->pdev->driver_id == VK_DRIVER_ID_MESA_VENUS,
      .dma_buf = dev->enabled.external_memory_dma_buf,
      .drm_format_modifier = dev->enabled.image_drm_format_modifier,
      .api_1_2 = dev->pdev->api_version >= VK_API_VERSION_1_2,
      .host_pointer = dev->enabled.external_memory_host,
      .provider_host_images = p->host_images && p->create && p->map && p->destroy,
      .dma_buf_image_ok = dma_buf_image_ok,
      .host_image_ok = host_image_ok,
      .linear_image_ok = linear_image_ok,
      .ctx = sc,
   };
}

/* Sets the image template for a path: A, B and E need linear, externally-backed images, F
 * linear ones. */
static void
prepare_template(struct vw_image_paths *paths, struct vw_swapchain *sc, enum vw_path path)
{
   VkImageCreateInfo *ici = &sc->image_ci;
   const void *app_next = paths->app_next; /* the format list, if any, stays last */
   ici->pNext = app_next;
   ici->tiling = VK_IMAGE_TILING_OPTIMAL;
   if (path == VW_PATH_EXPORT || path == VW_PATH_IMPORT) {
      paths->external = (VkExternalMemoryImageCreateInfo){
         .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
         .pNext = app_next,
         .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
      };
      ici->pNext = &paths->external;
      ici->tiling = VK_IMAGE_TILING_LINEAR;
   }
   if (path == VW_PATH_HOSTPTR_IMAGE) {
      paths->external = (VkExternalMemoryImageCreateInfo){
         .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
         .pNext = app_next,
         .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT,
      };
      ici->pNext = &paths->external;
      ici->tiling = VK_IMAGE_TILING_LINEAR;
   }
   if (path == VW_PATH_LINEAR_COPY)
      ici->tiling = VK_IMAGE_TILING_LINEAR;
   if (path == VW_PATH_IMPORT) {
      /* The row pitch is the provider buffer's, filled in per image before creation. */
      paths->plane_layout = (VkSubresourceLayout){0};
      paths->explicit_layout = (VkImageDrmFormatModifierExplicitCreateInfoEXT){
         .sType = VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_EXPLICIT_CREATE_INFO_EXT,
         .pNext = app_next,
         .drmFormatModifier = DRM_FORMAT_MOD_LINEAR,
         .drmFormatModifierPlaneCount = 1,
         .pPlaneLayouts = &paths->plane_layout,
      };
      paths->external.pNext = &paths->explicit_layout;
      ici->tiling = VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT;
   }
}

struct attempt {
   struct vw_image_paths *paths;
   struct vw_swapchain *sc;
};

static VkResult
try_path(void *ctx, enum vw_path path)
{
   struct attempt *a = ctx;
   struct vw_swapchain *sc = a->sc;
   prepare_template(a->paths, sc, path);
   VkResult r = VK_SUCCESS;
   for (uint32_t i = 0; i < sc->image_count && r == VK_SUCCESS; i++) {
      struct vw_image *img = &sc->images[i];
      struct vw_provided_buffer *buf = &a->paths->bufs[i];
      switch (path) {
      case VW_PATH_EXPORT: r = vw_path_export_image(a->paths, sc, img, buf); break;
      case VW_PATH_IMPORT: r = vw_path_import_image(a->paths, sc, img, buf); break;
      case VW_PATH_HOSTPTR: r = vw_path_hostptr_target(a->paths, sc, img, buf); break;
      case VW_PATH_HOSTPTR_IMAGE: r = vw_path_hostptr_image(a->paths, sc, img, buf); break;
      case VW_PATH_LINEAR_COPY: r = vw_path_linear_copy_image(a->paths, sc, img, buf); break;
      default: r = vw_path_copy_target(a->paths, sc, img, buf); break;
      }
   }
   if (r != VK_SUCCESS) {
      vw_swapchain_destroy_images(sc);
      vw_image_paths_free_buffers(a->paths);
   }
   return r;
}

VkResult
vw_image_paths_create(struct vw_image_paths *paths, struct vw_swapchain *sc,
                      const struct vw_buffer_provider *provider)
{
   *paths = (struct vw_image_paths){
      .provider = *provider,
      .fmt = vw_format_from_vk(sc->format),
      .app_next = sc->image_ci.pNext,
   };
   if (!paths->fmt) {
      vw_err("swapchain: no scanout path knows format %d", sc->format);
      return VK_ERROR_FORMAT_NOT_SUPPORTED;
   }
   struct vw_path_caps caps = path_caps(sc, provider);
   struct attempt attempt = {paths, sc};
   return vw_path_choose(&caps, vw_config_get()->path, try_path, &attempt, &sc->path);
}

bool
vw_image_paths_wants_copy(const struct vw_swapchain *sc)
{
   return sc->path == VW_PATH_HOSTPTR || sc->path == VW_PATH_COPY;
}

bool
vw_image_paths_cpu_copies(const struct vw_swapchain *sc)
{
   return sc->path == VW_PATH_COPY || sc->path == VW_PATH_LINEAR_COPY;
}

void
vw_image_paths_free_buffers(struct vw_image_paths *paths)
{
   vw_copy_helper_stop(&paths->copy_helper);
   for (uint32_t i = 0; i < VW_MAX_IMAGES; i++) {
      if (!paths->bufs[i].handle)
         continue;
      paths->provider.destroy(paths->provider.ctx, &paths->bufs[i]);
      paths->bufs[i] = (struct vw_provided_buffer){0};
   }
}

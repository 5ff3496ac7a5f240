/* The display backend: swapchains on VK_KHR_display surfaces, presented as KMS page flips.
 * At creation it picks the fastest scanout path the driver allows (DESIGN.md section 2):
 *   A export  - the image's memory is a dma-buf the display scans out directly;
 *   B import  - a dumb buffer's dma-buf is the image's memory;
 *   C hostptr - a mapped dumb buffer imported as host memory; the present submit copies
 *               the frame into it on the GPU;
 *   D copy    - the present submit copies into host-visible memory, the present thread
 *               copies the damaged rows into a mapped dumb buffer.
 * and falls back down the list when one fails. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <xf86drm.h>

#include "../display.h"
#include "../log.h"
#include "../surface_caps.h"
#include "../swapchain.h"
#include "kms_commit.h"
#include "scanout.h"
#include "venus_wsi/hostptr_plan.h"
#include "venus_wsi/format_table.h"
#include "venus_wsi/row_copy.h"

/* A flip whose event has not come after this long is taken as done (events get lost). */
#define LOST_FLIP_NS 1000000000ull
/* The most a swapchain's teardown waits for the display (its last flip, the restore). A flip
 * that never completes would otherwise cost the kernel's flip timeout, 10 s, per blocking
 * call. */
#define TEARDOWN_NS 1000000000ull
/* What is left of it for a display that has already let a flip go unanswered for a second
 * (LOST_FLIP_NS): enough for an event just past that, not another second. */
#define UNANSWERED_GRACE_NS 100000000ull
#define CONNECTOR_CHECK_NS 250000000ull
#define EBUSY_RETRIES 50

struct kms_image {
   struct vw_scanout_buffer *buf;
};

struct kms_swapchain {
   struct vw_display_surface *ds;
   struct vw_kms_output out;
   uint32_t fourcc;
   const struct vw_format_info *fmt;
   struct kms_image images[VW_MAX_IMAGES];
   VkExternalMemoryImageCreateInfo external; /* chained into the image template, paths A/B */
   VkImageDrmFormatModifierExplicitCreateInfoEXT explicit_layout;
   VkSubresourceLayout plane_layout;
   const void *app_next; /* the app's part of the image template's pNext chain */
   uint64_t pending_serial;
   uint64_t pending_since_ns;
   uint64_t last_check_ns;
   bool counted_user;
   bool holds_master;
   bool lost_flip_logged;
};

static uint64_t
now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct vw_display_surface *
display_surface(struct vw_surface *surface)
{
   return surface->backend_data;
}

/* --- surface queries --- */

static VkResult
display_get_support(struct vw_surface *surface, struct vw_physical_device *pdev, uint32_t family,
                    VkBool32 *supported)
{
   *supported = vw_family_can_present(pdev, family) &&
                vw_physical_device_kms(pdev) == display_surface(surface)->dev;
   return VK_SUCCESS;
}

static VkResult
display_get_capabilities(struct vw_surface *surface, struct vw_physical_device *pdev,
                         VkSurfaceCapabilitiesKHR *caps)
{
   struct vw_display_surface *ds = display_surface(surface);
   if (ds->dev->gone)
      return VK_ERROR_SURFACE_LOST_KHR;
   *caps = (VkSurfaceCapabilitiesKHR){
      .minImageCount = 2,
      .maxImageCount = VW_MAX_IMAGES,
      .currentExtent = ds->extent,
      .minImageExtent = ds->extent,
      .maxImageExtent = ds->extent,
      .maxImageArrayLayers = 1,
      .supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .currentTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .supportedCompositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
      .supportedUsageFlags = vw_surface_usage(pdev),
   };
   return VK_SUCCESS;
}

static bool
plane_scans_out(const struct vw_format_info *f, const void *data)
{
   return vw_kms_plane_has_format(data, f->drm_format);
}

/* The plane's formats (IN_FORMATS, linear), as the opaque X variants: virtio-gpu scans out
 * XRGB8888 and refuses ARGB8888. */
static uint32_t
display_get_formats(struct vw_surface *surface, struct vw_physical_device *pdev,
                    VkSurfaceFormatKHR out[VW_MAX_SURFACE_FORMATS])
{
   return vw_surface_formats(pdev, plane_scans_out, display_surface(surface)->crtc->primary, out);
}

static uint32_t
display_get_present_modes(struct vw_surface *surface, struct vw_physical_device *pdev,
                          VkPresentModeKHR modes[4])
{
   /* IMMEDIATE tears where the device flips asynchronously and acts like MAILBOX elsewhere
    * (a frame never waits for the refresh). */
   return vw_surface_present_modes(modes);
}

static VkResult
display_get_present_rectangle(struct vw_surface *surface, struct vw_physical_device *pdev,
                              VkRect2D *rect)
{
   *rect = (VkRect2D){{0, 0}, display_surface(surface)->extent};
   return VK_SUCCESS;
}

static void
display_destroy_surface(struct vw_surface *surface)
{
   free(surface->backend_data);
   surface->backend_data = NULL;
}

/* --- scanout paths --- */

/* Whether the driver can make linear images of the swapchain's kind backed by a dma-buf it
 * exports (A) or imports (B): asked up front, so an unsupported path costs no failed
 * allocation (which drivers report as errors). */
static bool
dma_buf_image_ok(struct vw_swapchain *sc, bool import)
{
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

/* NULL when 'path' can be tried here, else why not. */
static const char *
path_unavailable(struct vw_swapchain *sc, enum vw_path path, bool forced)
{
   struct vw_device *dev = sc->dev;
   struct kms_swapchain *ks = sc->backend_data;
   switch (path) {
   case VW_PATH_EXPORT:
      if (!dev->enabled.external_memory_dma_buf)
         return "the driver has no VK_EXT_external_memory_dma_buf";
      if (!ks->out.dev->prime_import)
         return "the KMS device imports no dma-bufs";
      if (!dma_buf_image_ok(sc, false))
         return "the driver exports no linear images of this kind as dma-bufs";
      return NULL;
   case VW_PATH_IMPORT:
      /* Importing a KMS buffer into Venus has taken whole devices down on macOS hosts
       * (DESIGN.md section 7): only when asked for there. */
      if (dev->pdev->driver_id == VK_DRIVER_ID_MESA_VENUS && !forced)
         return "not tried on Venus unless VENUS_WSI_PATH=import";
      if (!dev->enabled.external_memory_dma_buf)
         return "the driver has no VK_EXT_external_memory_dma_buf";
      /* Its dependencies are core only from 1.2: below that the layer cannot enable it
       * behind the app's back. */
      if (!dev->enabled.image_drm_format_modifier)
         return dev->pdev->api_version < VK_API_VERSION_1_2
                   ? "VK_EXT_image_drm_format_modifier needs an app on Vulkan 1.2 or later"
                   : "the driver has no VK_EXT_image_drm_format_modifier";
      if (!ks->out.dev->prime_export || !ks->out.dev->dumb)
         return "the KMS device exports no dumb buffers";
      if (!dma_buf_image_ok(sc, true))
         return "the driver imports no linear dma-buf images of this kind";
      return NULL;
   case VW_PATH_HOSTPTR:
      if (!dev->enabled.external_memory_host)
         return "the driver has no VK_EXT_external_memory_host";
      return ks->out.dev->dumb ? NULL : "the KMS device has no dumb buffers";
   case VW_PATH_COPY:
      return ks->out.dev->dumb ? NULL : "the KMS device has no dumb buffers";
   default:
      return "unknown path";
   }
}

/* Memory of its own for 'img', with 'next' (export or import info) chained, bound to it. */
static VkResult
bind_dedicated(struct vw_device *dev, struct vw_image *img, VkDeviceSize size, uint32_t type,
               const void *next)
{
   VkMemoryDedicatedAllocateInfo dedicated = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
      .pNext = next,
      .image = img->image,
   };
   VkMemoryAllocateInfo ai = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = &dedicated,
      .allocationSize = size,
      .memoryTypeIndex = type,
   };
   VkResult r = dev->next.AllocateMemory(dev->handle, &ai, NULL, &img->memory);
   if (r != VK_SUCCESS) {
      /* A failed call leaves its output undefined; callers tell the two failures apart by
       * img->memory (an import's fd is owned only by memory that exists). */
      img->memory = VK_NULL_HANDLE;
      return r;
   }
   return dev->next.BindImageMemory(dev->handle, img->image, img->memory, 0);
}

/* Path A: a linear, exportable image whose memory the display imports as a dma-buf. */
static VkResult
create_export_image(struct vw_swapchain *sc, struct vw_image *img, struct kms_image *ki)
{
   struct kms_swapchain *ks = sc->backend_data;
   struct vw_device *dev = sc->dev;
   VkResult r = dev->next.CreateImage(dev->handle, &sc->image_ci, NULL, &img->image);
   if (r != VK_SUCCESS)
      return r;
   VkMemoryRequirements reqs;
   dev->next.GetImageMemoryRequirements(dev->handle, img->image, &reqs);
   int32_t type = vw_find_memory_type(dev->pdev, reqs.memoryTypeBits, 0,
                                      VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
   if (type < 0)
      return VK_ERROR_OUT_OF_DEVICE_MEMORY;
   VkExportMemoryAllocateInfo export_info = {
      .sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
      .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
   };
   r = bind_dedicated(dev, img, reqs.size, (uint32_t)type, &export_info);
   if (r != VK_SUCCESS)
      return r;
   VkImageSubresource sub = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0};
   VkSubresourceLayout layout;
   dev->next.GetImageSubresourceLayout(dev->handle, img->image, &sub, &layout);
   /* KMS takes 32-bit pitches and offsets: a truncated one would scan out garbage. */
   if (layout.rowPitch > UINT32_MAX || layout.offset > UINT32_MAX)
      return VK_ERROR_INITIALIZATION_FAILED;
   VkMemoryGetFdInfoKHR gi = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR,
      .memory = img->memory,
      .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
   };
   int fd = -1;
   r = dev->next.GetMemoryFdKHR(dev->handle, &gi, &fd);
   if (r != VK_SUCCESS)
      return r;
   int e = vw_scanout_import(ks->out.dev, fd, sc->extent.width, sc->extent.height, ks->fourcc,
                             (uint32_t)layout.rowPitch, (uint32_t)layout.offset,
                             DRM_FORMAT_MOD_LINEAR, &ki->buf);
   close(fd);
   return e ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_SUCCESS;
}

/* Path B: a dumb buffer's dma-buf becomes the memory of a linear image laid out with the
 * dumb buffer's pitch. */
static VkResult
create_import_image(struct vw_swapchain *sc, struct vw_image *img, struct kms_image *ki)
{
   struct kms_swapchain *ks = sc->backend_data;
   struct vw_device *dev = sc->dev;
   int e = vw_scanout_create_dumb(ks->out.dev, sc->extent.width, sc->extent.height,
                                  sc->extent.height, ks->fourcc, &ki->buf);
   if (e)
      return e == -ENOMEM ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_INITIALIZATION_FAILED;
   ks->plane_layout.rowPitch = ki->buf->pitch;
   VkResult r = dev->next.CreateImage(dev->handle, &sc->image_ci, NULL, &img->image);
   if (r != VK_SUCCESS)
      return r;
   int fd = vw_scanout_export(ki->buf);
   if (fd < 0)
      return VK_ERROR_INITIALIZATION_FAILED;
   VkMemoryFdPropertiesKHR fdp = {.sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR};
   r = dev->next.GetMemoryFdPropertiesKHR(dev->handle,
                                          VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, fd, &fdp);
   VkMemoryRequirements reqs;
   dev->next.GetImageMemoryRequirements(dev->handle, img->image, &reqs);
   int32_t type = r == VK_SUCCESS ? vw_find_memory_type(dev->pdev, reqs.memoryTypeBits &
                                                                     fdp.memoryTypeBits, 0, 0)
                                  : -1;
   if (type < 0 || reqs.size > ki->buf->size) {
      close(fd);
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
   }
   VkImportMemoryFdInfoKHR import = {
      .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
      .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
      .fd = fd,
   };
   r = bind_dedicated(dev, img, reqs.size, (uint32_t)type, &import);
   if (!img->memory)
      close(fd); /* a successful import owns the fd; a failed one does not */
   return r;
}

/* Path C: the dumb buffer's own pages, mapped and imported as host memory, are where the
 * present submit copies the frame. */
static VkResult
create_hostptr_target(struct vw_swapchain *sc, struct vw_image *img, struct kms_image *ki)
{
   struct kms_swapchain *ks = sc->backend_data;
   struct vw_device *dev = sc->dev;
   VkDeviceSize align = dev->pdev->min_host_pointer_alignment;
   uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
   struct vw_hostptr_plan plan;
   /* The import is aligned and sized in the driver's units, which need not be pages
    * (16 KiB on the user's macOS-hosted Venus): never assume either. */
   int e = vw_scanout_create_dumb(ks->out.dev, sc->extent.width, sc->extent.height,
                                  sc->extent.height, ks->fourcc, &ki->buf);
   if (!e && vw_hostptr_plan(ki->buf->pitch, sc->extent.height, page, align, &plan) &&
       plan.map_size > ki->buf->size) {
      /* Too small to hold the rounded-up import: ask for a taller buffer. */
      vw_scanout_destroy(ki->buf);
      ki->buf = NULL;
      e = vw_scanout_create_dumb(ks->out.dev, sc->extent.width, sc->extent.height,
                                 plan.alloc_height, ks->fourcc, &ki->buf);
   }
   if (e)
      return e == -ENOMEM ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_INITIALIZATION_FAILED;
   struct vw_scanout_buffer *buf = ki->buf;
   if (!vw_hostptr_plan(buf->pitch, sc->extent.height, page, align, &plan) ||
       plan.map_size > buf->size || buf->pitch % ks->fmt->bytes_per_pixel) {
      vw_dbg("kms: no host pointer import for pitch %u, size %llu, alignment %llu", buf->pitch,
             (unsigned long long)buf->size, (unsigned long long)align);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   if (vw_scanout_map(buf, plan.map_size, align > page ? align : page))
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult r = vw_image_create_local(sc, img);
   if (r != VK_SUCCESS)
      return r;
   struct vw_copy_target *t = &img->copy;
   VkExternalMemoryBufferCreateInfo ext = {
      .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
      .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT,
   };
   VkBufferCreateInfo bci = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .pNext = &ext,
      .size = plan.import_size,
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   r = dev->next.CreateBuffer(dev->handle, &bci, NULL, &t->buffer);
   if (r != VK_SUCCESS)
      return r;
   t->external_memory = true;
   VkMemoryHostPointerPropertiesEXT hp = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT,
   };
   r = dev->next.GetMemoryHostPointerPropertiesEXT(
      dev->handle, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, buf->map, &hp);
   if (r != VK_SUCCESS)
      return r;
   VkMemoryRequirements reqs;
   dev->next.GetBufferMemoryRequirements(dev->handle, t->buffer, &reqs);
   int32_t type = vw_find_memory_type(dev->pdev, reqs.memoryTypeBits & hp.memoryTypeBits, 0,
                                      VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   if (type < 0)
      return VK_ERROR_FEATURE_NOT_PRESENT;
   VkImportMemoryHostPointerInfoEXT import = {
      .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT,
      .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT,
      .pHostPointer = buf->map,
   };
   VkMemoryAllocateInfo ai = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = &import,
      .allocationSize = plan.import_size,
      .memoryTypeIndex = (uint32_t)type,
   };
   r = dev->next.AllocateMemory(dev->handle, &ai, NULL, &t->memory);
   if (r != VK_SUCCESS)
      return r;
   r = dev->next.BindBufferMemory(dev->handle, t->buffer, t->memory, 0);
   if (r != VK_SUCCESS)
      return r;
   t->map = buf->map;
   t->size = plan.import_size;
   t->row_bytes = buf->pitch;
   t->row_pixels = buf->pitch / ks->fmt->bytes_per_pixel;
   t->coherent = true; /* the GPU writes, the kernel reads: nothing for the CPU to sync */
   return VK_SUCCESS;
}

/* Path D: host-visible staging memory for the GPU copy, a mapped dumb buffer for the CPU
 * copy. */
static VkResult
create_copy_target(struct vw_swapchain *sc, struct vw_image *img, struct kms_image *ki)
{
   struct kms_swapchain *ks = sc->backend_data;
   int e = vw_scanout_create_dumb(ks->out.dev, sc->extent.width, sc->extent.height,
                                  sc->extent.height, ks->fourcc, &ki->buf);
   if (!e)
      e = vw_scanout_map(ki->buf, ki->buf->size, (uint64_t)sysconf(_SC_PAGESIZE));
   if (e)
      return e == -ENOMEM ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_INITIALIZATION_FAILED;
   VkResult r = vw_image_create_local(sc, img);
   if (r == VK_SUCCESS)
      r = vw_image_create_copy_target(sc, img);
   return r;
}

static void
free_scanout_buffers(struct kms_swapchain *ks)
{
   for (uint32_t i = 0; i < VW_MAX_IMAGES; i++) {
      if (!ks->images[i].buf)
         continue;
      vw_scanout_destroy(ks->images[i].buf);
      ks->images[i].buf = NULL;
   }
}

/* Sets the image template for a path: A and B need linear, externally-backed images. */
static void
prepare_template(struct vw_swapchain *sc, enum vw_path path)
{
   struct kms_swapchain *ks = sc->backend_data;
   VkImageCreateInfo *ici = &sc->image_ci;
   const void *app_next = ks->app_next; /* the format list, if any, stays last */
   ici->pNext = app_next;
   ici->tiling = VK_IMAGE_TILING_OPTIMAL;
   if (path == VW_PATH_EXPORT || path == VW_PATH_IMPORT) {
      ks->external = (VkExternalMemoryImageCreateInfo){
         .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
         .pNext = app_next,
         .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
      };
      ici->pNext = &ks->external;
      ici->tiling = VK_IMAGE_TILING_LINEAR;
   }
   if (path == VW_PATH_IMPORT) {
      /* The row pitch is the dumb buffer's, filled in per image before creation. */
      ks->plane_layout = (VkSubresourceLayout){0};
      ks->explicit_layout = (VkImageDrmFormatModifierExplicitCreateInfoEXT){
         .sType = VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_EXPLICIT_CREATE_INFO_EXT,
         .pNext = app_next,
         .drmFormatModifier = DRM_FORMAT_MOD_LINEAR,
         .drmFormatModifierPlaneCount = 1,
         .pPlaneLayouts = &ks->plane_layout,
      };
      ks->external.pNext = &ks->explicit_layout;
      ici->tiling = VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT;
   }
}

static VkResult
try_path(struct vw_swapchain *sc, enum vw_path path)
{
   struct kms_swapchain *ks = sc->backend_data;
   prepare_template(sc, path);
   VkResult r = VK_SUCCESS;
   for (uint32_t i = 0; i < sc->image_count && r == VK_SUCCESS; i++) {
      struct vw_image *img = &sc->images[i];
      struct kms_image *ki = &ks->images[i];
      switch (path) {
      case VW_PATH_EXPORT: r = create_export_image(sc, img, ki); break;
      case VW_PATH_IMPORT: r = create_import_image(sc, img, ki); break;
      case VW_PATH_HOSTPTR: r = create_hostptr_target(sc, img, ki); break;
      default: r = create_copy_target(sc, img, ki); break;
      }
   }
   if (r != VK_SUCCESS) {
      vw_swapchain_destroy_images(sc);
      free_scanout_buffers(ks);
   }
   return r;
}

static bool
mode_still_valid(struct vw_display_surface *ds)
{
   /* A mode the app made itself was never listed; it stays good on a virtual display. */
   return ds->connector->connected &&
          (ds->mode->listed || (ds->mode->user_created && ds->dev->virtual_connectors));
}

static VkResult
display_create_swapchain(struct vw_swapchain *sc)
{
   const struct vw_config *cfg = vw_config_get();
   struct vw_display_surface *ds = display_surface(sc->surface);
   struct vw_kms_device *kms = ds->dev;
   if (kms->gone)
      return VK_ERROR_SURFACE_LOST_KHR;
   if (vw_kms_opened_elsewhere(kms)) {
      vw_err("swapchain: %s was opened by the parent of this fork() child, which presents "
             "there", kms->path);
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   if (sc->extent.width != ds->extent.width || sc->extent.height != ds->extent.height ||
       sc->layers != 1) {
      vw_err("swapchain: %ux%u images in %u layers on a %ux%u display surface", sc->extent.width,
             sc->extent.height, sc->layers, ds->extent.width, ds->extent.height);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (ds->extent.width != ds->mode->info.hdisplay ||
       ds->extent.height != ds->mode->info.vdisplay) {
      vw_err("swapchain: %ux%u images on a %ux%u mode need scaling the primary plane cannot do",
             ds->extent.width, ds->extent.height, ds->mode->info.hdisplay,
             ds->mode->info.vdisplay);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   vw_kms_refresh_connectors(kms, false);
   if (!mode_still_valid(ds)) {
      vw_err("swapchain: %s is %s", ds->connector->name,
             ds->connector->connected ? "no longer offering this mode" : "disconnected");
      return VK_ERROR_SURFACE_LOST_KHR;
   }

   struct kms_swapchain *ks = calloc(1, sizeof(*ks));
   if (!ks)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   sc->backend_data = ks;
   ks->holds_master = vw_kms_hold_master(kms);
   if (!ks->holds_master)
      return VK_ERROR_INITIALIZATION_FAILED;
   ks->ds = ds;
   ks->app_next = sc->image_ci.pNext;
   ks->fmt = vw_format_from_vk(sc->format);
   ks->fourcc = vw_drm_format_for_vk(sc->format, false);
   ks->out = (struct vw_kms_output){
      .dev = kms,
      .crtc = ds->crtc,
      .connector = ds->connector,
      .mode = ds->mode->info,
   };
   if (!ks->fmt || !vw_kms_plane_has_format(ds->crtc->primary, ks->fourcc)) {
      vw_err("swapchain: the plane cannot scan out format %d", sc->format);
      return VK_ERROR_FORMAT_NOT_SUPPORTED;
   }

   pthread_mutex_lock(&kms->lock);
   bool busy = ds->crtc->users && ds->crtc->owner != ds;
   if (!busy) {
      ds->crtc->users++;
      ds->crtc->owner = ds;
      ks->counted_user = true;
   }
   pthread_mutex_unlock(&kms->lock);
   if (busy) {
      vw_err("swapchain: CRTC %u already presents another surface", ds->crtc->id);
      return VK_ERROR_NATIVE_WINDOW_IN_USE_KHR;
   }

   static const enum vw_path order[] = {VW_PATH_EXPORT, VW_PATH_IMPORT, VW_PATH_HOSTPTR,
                                        VW_PATH_COPY};
   VkResult r = VK_ERROR_INITIALIZATION_FAILED;
   for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
      enum vw_path p = order[i];
      bool forced = cfg->path == p;
      if (cfg->path != VW_PATH_AUTO && !forced)
         continue;
      const char *why = path_unavailable(sc, p, forced);
      if (why) {
         vw_dbg("swapchain: path %s: %s", vw_path_name(p), why);
         if (forced)
            vw_err("swapchain: VENUS_WSI_PATH=%s is not possible here: %s", vw_path_name(p), why);
         continue;
      }
      r = try_path(sc, p);
      if (r == VK_SUCCESS) {
         sc->path = p;
         break;
      }
      if (forced) {
         vw_err("swapchain: VENUS_WSI_PATH=%s failed (%d); no other path is tried",
                vw_path_name(p), r);
         break;
      }
      vw_info("swapchain: path %s failed (%d)%s", vw_path_name(p), r,
              i + 1 < sizeof(order) / sizeof(order[0]) ? ", trying the next" : "; none left");
   }
   if (r != VK_SUCCESS)
      return r;
   sc->hold_displayed = true;
   /* Virtual displays complete flips as soon as the host has copied the frame: FIFO has to
    * keep the refresh itself. Real hardware flips on vblank and needs no help. */
   sc->refresh_period_ns = kms->virtual_connectors && ds->mode->refresh_mhz
                              ? 1000000000000ull / ds->mode->refresh_mhz
                              : 0;
   ks->last_check_ns = now_ns();
   return VK_SUCCESS;
}

static bool
display_wants_copy(struct vw_swapchain *sc, struct vw_image *img)
{
   return sc->path == VW_PATH_HOSTPTR || sc->path == VW_PATH_COPY;
}

/* Something else is on screen now: the buffers kept up for the hand-over may go. They are
 * freed outside the device lock (removing a framebuffer may wait for the display). */
static void
free_orphans(struct vw_kms_device *dev, struct vw_kms_crtc *crtc)
{
   pthread_mutex_lock(&dev->lock);
   struct vw_scanout_buffer *list = crtc->orphans;
   crtc->orphans = NULL;
   pthread_mutex_unlock(&dev->lock);
   while (list) {
      struct vw_scanout_buffer *b = list;
      list = b->next_orphan;
      vw_scanout_destroy(b);
   }
}

static void
add_orphan(struct vw_kms_device *dev, struct vw_kms_crtc *crtc, struct vw_scanout_buffer *buf)
{
   pthread_mutex_lock(&dev->lock);
   buf->next_orphan = crtc->orphans;
   crtc->orphans = buf;
   pthread_mutex_unlock(&dev->lock);
}

/* Hot-unplug, disconnects and mode-list changes come with no event the layer listens to:
 * look at the connector a few times a second. */
static VkResult
check_display(struct vw_swapchain *sc, struct kms_swapchain *ks)
{
   uint64_t now = now_ns();
   if (now - ks->last_check_ns < CONNECTOR_CHECK_NS)
      return VK_SUCCESS;
   ks->last_check_ns = now;
   vw_kms_refresh_connectors(ks->out.dev, false);
   if (ks->out.dev->gone)
      return VK_ERROR_SURFACE_LOST_KHR;
   if (!ks->ds->connector->connected) {
      vw_err("swapchain %u: %s disconnected", sc->serial, ks->ds->connector->name);
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   if (!mode_still_valid(ks->ds)) {
      vw_err("swapchain %u: %s dropped the mode", sc->serial, ks->ds->connector->name);
      return VK_ERROR_OUT_OF_DATE_KHR;
   }
   return VK_SUCCESS;
}

static VkResult
display_present(struct vw_swapchain *sc, struct vw_image *img, const struct vw_damage *damage,
                bool *shown)
{
   struct kms_swapchain *ks = sc->backend_data;
   struct kms_image *ki = &ks->images[img - sc->images];
   VkResult status = check_display(sc, ks);
   if (status != VK_SUCCESS)
      return status;

   if (sc->path == VW_PATH_COPY) {
      struct vw_device *dev = sc->dev;
      if (!img->copy.coherent) {
         VkMappedMemoryRange range = {
            .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
            .memory = img->copy.memory,
            .size = VK_WHOLE_SIZE,
         };
         dev->next.InvalidateMappedMemoryRanges(dev->handle, 1, &range);
      }
      uint64_t bytes = vw_copy_damage(ki->buf->map, ki->buf->pitch, img->copy.map,
                                      img->copy.row_bytes, ks->fmt->bytes_per_pixel, sc->extent,
                                      damage);
      pthread_mutex_lock(&sc->pres.lock);
      sc->stats.copy_bytes += bytes;
      pthread_mutex_unlock(&sc->pres.lock);
   }

   pthread_mutex_lock(&ks->out.dev->lock);
   ks->out.crtc->notify_fd = sc->pres.wake_fd;
   pthread_mutex_unlock(&ks->out.dev->lock);

   enum vw_flip_result result;
   uint64_t serial = 0;
   int e = 0;
   for (int attempt = 0; attempt <= EBUSY_RETRIES; attempt++) {
      e = vw_kms_show(&ks->out, ki->buf->fb_id, sc->extent, damage,
                      sc->present_mode == VK_PRESENT_MODE_IMMEDIATE_KHR, &result, &serial);
      if (e != -EBUSY)
         break;
      /* A flip of ours (or an old swapchain's) still pending: take its event and retry. */
      vw_kms_dispatch_events(ks->out.dev);
      usleep(2000);
   }
   if (e) {
      vw_err("swapchain %u: showing a frame failed: %s", sc->serial, strerror(-e));
      return vw_kms_error_to_vk(e);
   }
   if (result == VW_FLIP_SHOWN) {
      free_orphans(ks->out.dev, ks->out.crtc);
      *shown = true;
      return VK_SUCCESS;
   }
   ks->pending_serial = serial;
   ks->pending_since_ns = now_ns();
   *shown = false;
   return VK_SUCCESS;
}

static VkResult
display_wait_flip(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns, bool *shown)
{
   struct kms_swapchain *ks = sc->backend_data;
   int r = vw_kms_wait_flip(&ks->out, ks->pending_serial, wake_fd, timeout_ns);
   if (r < 0)
      return VK_ERROR_SURFACE_LOST_KHR;
   if (r == 0 && now_ns() - ks->pending_since_ns > LOST_FLIP_NS) {
      if (!ks->lost_flip_logged)
         vw_err("swapchain %u: no flip event after 1 s; taking the flip as done", sc->serial);
      ks->lost_flip_logged = true;
      vw_kms_give_up_flip(&ks->out, ks->pending_serial);
      r = 1;
   }
   if (r == 1) {
      free_orphans(ks->out.dev, ks->out.crtc);
      *shown = true;
   }
   return VK_SUCCESS;
}

/* The CRTC could not be restored and still holds framebuffer 'held_fb': the buffer behind
 * it (this swapchain's or an earlier one's) is let go without removing it, or kept among the
 * orphans where the kernel cannot do that. */
static void
leave_held_buffer(struct kms_swapchain *ks, uint32_t held_fb)
{
   struct vw_kms_device *kms = ks->out.dev;
   struct vw_kms_crtc *crtc = ks->out.crtc;
   struct vw_scanout_buffer *held = NULL;
   for (uint32_t i = 0; i < VW_MAX_IMAGES && !held; i++) {
      if (ks->images[i].buf && ks->images[i].buf->fb_id == held_fb) {
         held = ks->images[i].buf;
         ks->images[i].buf = NULL;
      }
   }
   pthread_mutex_lock(&kms->lock);
   for (struct vw_scanout_buffer **link = &crtc->orphans; *link && !held;
        link = &(*link)->next_orphan) {
      if ((*link)->fb_id == held_fb) {
         held = *link;
         *link = held->next_orphan;
      }
   }
   pthread_mutex_unlock(&kms->lock);
   if (held && !vw_scanout_leave_on_screen(held))
      add_orphan(kms, crtc, held);
}

/* The last swapchain on the CRTC goes: the screen goes back to what it showed before. */
static void
restore_crtc(struct kms_swapchain *ks, uint64_t deadline_ns)
{
   uint32_t held_fb = 0;
   if (vw_kms_restore(&ks->out, deadline_ns, &held_fb) == -EBUSY && held_fb)
      leave_held_buffer(ks, held_fb);
   free_orphans(ks->out.dev, ks->out.crtc);
   free_scanout_buffers(ks);
}

/* This swapchain stops presenting on its CRTC. Returns true when it was the last one. */
static bool
leave_crtc(struct vw_swapchain *sc, struct kms_swapchain *ks)
{
   struct vw_kms_device *kms = ks->out.dev;
   struct vw_kms_crtc *crtc = ks->out.crtc;
   pthread_mutex_lock(&kms->lock);
   /* A newer swapchain on this CRTC may have taken the flip notifications over. */
   if (crtc->notify_fd == sc->pres.wake_fd)
      crtc->notify_fd = -1;
   crtc->users--;
   bool last = crtc->users == 0;
   if (last)
      crtc->owner = NULL;
   pthread_mutex_unlock(&kms->lock);
   return last;
}

static void
display_destroy_swapchain(struct vw_swapchain *sc)
{
   struct kms_swapchain *ks = sc->backend_data;
   if (!ks)
      return;
   if (ks->counted_user) {
      uint64_t deadline = now_ns() + TEARDOWN_NS;
      if (!vw_kms_drain_flips(&ks->out, deadline) && now_ns() + UNANSWERED_GRACE_NS < deadline)
         deadline = now_ns() + UNANSWERED_GRACE_NS;
      int32_t on_screen = sc->pres.pq.displayed;
      if (leave_crtc(sc, ks)) {
         /* Nothing of the layer's may stay on screen once its buffers are gone. */
         restore_crtc(ks, deadline);
      } else if (on_screen >= 0 && ks->images[on_screen].buf) {
         /* A newer swapchain takes over: keep the shown frame up until it flips. */
         add_orphan(ks->out.dev, ks->out.crtc, ks->images[on_screen].buf);
         ks->images[on_screen].buf = NULL;
      }
   }
   free_scanout_buffers(ks);
   if (ks->holds_master)
      vw_kms_release_master(ks->out.dev);
   free(ks);
   sc->backend_data = NULL;
}

const struct vw_backend_ops vw_display_backend = {
   .name = "display",
   .get_support = display_get_support,
   .get_capabilities = display_get_capabilities,
   .get_formats = display_get_formats,
   .get_present_modes = display_get_present_modes,
   .get_present_rectangle = display_get_present_rectangle,
   .destroy_surface = display_destroy_surface,
   .create_swapchain = display_create_swapchain,
   .wants_copy = display_wants_copy,
   .present = display_present,
   .wait_flip = display_wait_flip,
   .destroy_swapchain = display_destroy_swapchain,
};

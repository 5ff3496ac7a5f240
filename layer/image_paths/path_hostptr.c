/* Paths C and E: the provider buffer's own pages, mapped and imported as host memory. C
 * makes them where the present submit copies the frame (one GPU copy, none on the CPU); E
 * makes them the memory of a linear image the app renders into (no copy at all), for
 * providers whose server reads a buffer only once its frame is presented. */
#include <unistd.h>

#include "../log.h"
#include "paths_internal.h"
#include "venus_wsi/hostptr_plan.h"

/* A buffer big enough for the import 'plan' rounds the frame up to. */
static int
create_buffer(const struct vw_buffer_provider *p, struct vw_swapchain *sc, uint64_t page,
              uint64_t align, struct vw_provided_buffer *buf)
{
   struct vw_hostptr_plan plan;
   int e = p->create(p->ctx, sc->extent, sc->extent.height, buf);
   if (!e && vw_hostptr_plan(buf->pitch, sc->extent.height, page, align, &plan) &&
       plan.map_size > buf->size) {
      /* Too small to hold the rounded-up import: ask for a taller buffer. */
      p->destroy(p->ctx, buf);
      *buf = (struct vw_provided_buffer){0};
      e = p->create(p->ctx, sc->extent, plan.alloc_height, buf);
   }
   return e;
}

/* The provider buffer for 'buf', mapped where the driver imports host memory, and the
 * import's plan; VK_ERROR_FEATURE_NOT_PRESENT where no import fits it. */
static VkResult
map_importable(struct vw_image_paths *paths, struct vw_swapchain *sc,
               struct vw_provided_buffer *buf, struct vw_hostptr_plan *plan)
{
   const struct vw_buffer_provider *p = &paths->provider;
   VkDeviceSize align = sc->dev->pdev->min_host_pointer_alignment;
   uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
   /* The import is aligned and sized in the driver's units, which need not be pages
    * (16 KiB on the user's macOS-hosted Venus): never assume either. */
   int e = create_buffer(p, sc, page, align, buf);
   if (e)
      return vw_path_buffer_error(e);
   if (!vw_hostptr_plan(buf->pitch, sc->extent.height, page, align, plan) ||
       plan->map_size > buf->size || buf->pitch % paths->fmt->bytes_per_pixel) {
      vw_dbg("swapchain: no host pointer import for pitch %u, size %llu, alignment %llu",
             buf->pitch, (unsigned long long)buf->size, (unsigned long long)align);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   if (p->map(p->ctx, buf, plan->map_size, align > page ? align : page))
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   return VK_SUCCESS;
}

/* Device memory over the mapped buffer 'buf' (plan->import_size bytes), of a type in
 * 'type_bits' the driver allows for the pointer. */
static VkResult
import_pointer(struct vw_device *dev, const struct vw_provided_buffer *buf,
               const struct vw_hostptr_plan *plan, uint32_t type_bits, VkDeviceMemory *out)
{
   VkMemoryHostPointerPropertiesEXT hp = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT,
   };
   VkResult r = dev->next.GetMemoryHostPointerPropertiesEXT(
      dev->handle, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, buf->map, &hp);
   if (r != VK_SUCCESS)
      return r;
   int32_t type = vw_find_memory_type(dev->pdev, type_bits & hp.memoryTypeBits, 0,
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
      .allocationSize = plan->import_size,
      .memoryTypeIndex = (uint32_t)type,
   };
   r = dev->next.AllocateMemory(dev->handle, &ai, NULL, out);
   if (r != VK_SUCCESS)
      *out = VK_NULL_HANDLE;
   return r;
}

VkResult
vw_path_hostptr_image(struct vw_image_paths *paths, struct vw_swapchain *sc,
                      struct vw_image *img, struct vw_provided_buffer *buf)
{
   struct vw_device *dev = sc->dev;
   struct vw_hostptr_plan plan;
   VkResult r = map_importable(paths, sc, buf, &plan);
   if (r != VK_SUCCESS)
      return r;
   r = dev->next.CreateImage(dev->handle, &sc->image_ci, NULL, &img->image);
   if (r != VK_SUCCESS)
      return r;
   /* The server reads the buffer with its own pitch: the image must have it too. */
   VkImageSubresource sub = {.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT};
   VkSubresourceLayout layout;
   dev->next.GetImageSubresourceLayout(dev->handle, img->image, &sub, &layout);
   VkMemoryRequirements reqs;
   dev->next.GetImageMemoryRequirements(dev->handle, img->image, &reqs);
   if (layout.offset != 0 || layout.rowPitch != buf->pitch || sc->layers != 1 ||
       reqs.size > plan.import_size) {
      vw_dbg("swapchain: a linear %ux%u image has row pitch %llu and needs %llu bytes; the "
             "buffer's pitch is %u, its import %llu bytes: no host-pointer image",
             sc->extent.width, sc->extent.height, (unsigned long long)layout.rowPitch,
             (unsigned long long)reqs.size, buf->pitch,
             (unsigned long long)plan.import_size);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   r = import_pointer(dev, buf, &plan, reqs.memoryTypeBits, &img->memory);
   if (r != VK_SUCCESS)
      return r;
   img->memory_offset = 0;
   r = dev->next.BindImageMemory(dev->handle, img->image, img->memory, 0);
   if (r != VK_SUCCESS)
      return r;
   /* The frame as the CPU reads it (X11's put-image methods send it from there) is the
    * buffer itself: a copy target with no buffer of its own, which nothing copies into
    * and nothing unmaps. */
   struct vw_copy_target *t = &img->copy;
   t->external_memory = true;
   t->map = buf->map;
   t->size = plan.import_size;
   t->row_bytes = buf->pitch;
   t->row_pixels = buf->pitch / paths->fmt->bytes_per_pixel;
   t->coherent = true;
   return VK_SUCCESS;
}

VkResult
vw_path_hostptr_target(struct vw_image_paths *paths, struct vw_swapchain *sc,
                       struct vw_image *img, struct vw_provided_buffer *buf)
{
   struct vw_device *dev = sc->dev;
   struct vw_hostptr_plan plan;
   VkResult r = map_importable(paths, sc, buf, &plan);
   if (r != VK_SUCCESS)
      return r;
   r = vw_image_create_local(sc, img);
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
   VkMemoryRequirements reqs;
   dev->next.GetBufferMemoryRequirements(dev->handle, t->buffer, &reqs);
   r = import_pointer(dev, buf, &plan, reqs.memoryTypeBits, &t->memory);
   if (r != VK_SUCCESS)
      return r;
   r = dev->next.BindBufferMemory(dev->handle, t->buffer, t->memory, 0);
   if (r != VK_SUCCESS)
      return r;
   t->map = buf->map;
   t->size = plan.import_size;
   t->row_bytes = buf->pitch;
   t->row_pixels = buf->pitch / paths->fmt->bytes_per_pixel;
   t->coherent = true; /* the GPU writes, the provider's reader reads: nothing for the CPU */
   return VK_SUCCESS;
}

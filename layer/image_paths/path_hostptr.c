/* Path C: the provider buffer's own pages, mapped and imported as host memory, are where
 * the present submit copies the frame: one GPU copy, none on the CPU. */
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

VkResult
vw_path_hostptr_target(struct vw_image_paths *paths, struct vw_swapchain *sc,
                       struct vw_image *img, struct vw_provided_buffer *buf)
{
   const struct vw_buffer_provider *p = &paths->provider;
   struct vw_device *dev = sc->dev;
   VkDeviceSize align = dev->pdev->min_host_pointer_alignment;
   uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
   /* The import is aligned and sized in the driver's units, which need not be pages
    * (16 KiB on the user's macOS-hosted Venus): never assume either. */
   int e = create_buffer(p, sc, page, align, buf);
   if (e)
      return vw_path_buffer_error(e);
   struct vw_hostptr_plan plan;
   if (!vw_hostptr_plan(buf->pitch, sc->extent.height, page, align, &plan) ||
       plan.map_size > buf->size || buf->pitch % paths->fmt->bytes_per_pixel) {
      vw_dbg("swapchain: no host pointer import for pitch %u, size %llu, alignment %llu",
             buf->pitch, (unsigned long long)buf->size, (unsigned long long)align);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   if (p->map(p->ctx, buf, plan.map_size, align > page ? align : page))
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
   t->row_pixels = buf->pitch / paths->fmt->bytes_per_pixel;
   t->coherent = true; /* the GPU writes, the provider's reader reads: nothing for the CPU */
   return VK_SUCCESS;
}

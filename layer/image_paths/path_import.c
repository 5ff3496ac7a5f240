/* Path B: a provider buffer's dma-buf becomes the memory of a linear image laid out with
 * the buffer's pitch: no copy either, where the driver can import it. */
#include <unistd.h>

#include "paths_internal.h"

VkResult
vw_path_import_image(struct vw_image_paths *paths, struct vw_swapchain *sc, struct vw_image *img,
                     struct vw_provided_buffer *buf)
{
   const struct vw_buffer_provider *p = &paths->provider;
   struct vw_device *dev = sc->dev;
   int e = p->create(p->ctx, sc->extent, sc->extent.height, buf);
   if (e)
      return vw_path_buffer_error(e);
   /* The image template's explicit layout points here. */
   paths->plane_layout.rowPitch = buf->pitch;
   VkResult r = dev->next.CreateImage(dev->handle, &sc->image_ci, NULL, &img->image);
   if (r != VK_SUCCESS)
      return r;
   int fd = p->export_dma_buf(p->ctx, buf);
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
   if (type < 0 || reqs.size > buf->size) {
      close(fd);
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
   }
   VkImportMemoryFdInfoKHR import = {
      .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
      .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
      .fd = fd,
   };
   r = vw_path_bind_dedicated(dev, img, reqs.size, (uint32_t)type, &import);
   if (!img->memory)
      close(fd); /* a successful import owns the fd; a failed one does not */
   return r;
}

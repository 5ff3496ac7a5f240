/* Path A: a linear, exportable image whose memory the provider takes as a dma-buf: the
 * display scans out what the app rendered, with no copy. */
#include <unistd.h>
#include <drm_fourcc.h>

#include "paths_internal.h"

VkResult
vw_path_bind_dedicated(struct vw_device *dev, struct vw_image *img, VkDeviceSize size,
                       uint32_t type, const void *next)
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

VkResult
vw_path_export_image(struct vw_image_paths *paths, struct vw_swapchain *sc, struct vw_image *img,
                     struct vw_provided_buffer *buf)
{
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
   r = vw_path_bind_dedicated(dev, img, reqs.size, (uint32_t)type, &export_info);
   if (r != VK_SUCCESS)
      return r;
   VkImageSubresource sub = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0};
   VkSubresourceLayout layout;
   dev->next.GetImageSubresourceLayout(dev->handle, img->image, &sub, &layout);
   /* Providers take 32-bit pitches and offsets (KMS does): a truncated one would scan out
    * garbage. */
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
   int e = paths->provider.import_dma_buf(paths->provider.ctx, fd, sc->extent,
                                          (uint32_t)layout.rowPitch, (uint32_t)layout.offset,
                                          DRM_FORMAT_MOD_LINEAR, buf);
   close(fd);
   return e ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_SUCCESS;
}

/* Path F: linear images in host-visible memory of the driver's own. The app renders into
 * them; the present submit makes its writes available to the host (as for E) and the
 * present thread copies the rows that changed into the provider's mapped buffer (as for D),
 * so no GPU copy runs: on Venus, one job fewer per frame for the host. */
#include <stdint.h>

#include "../log.h"
#include "paths_internal.h"

VkResult
vw_path_linear_copy_image(struct vw_image_paths *paths, struct vw_swapchain *sc,
                          struct vw_image *img, struct vw_provided_buffer *buf)
{
   struct vw_device *dev = sc->dev;
   VkResult r = vw_path_mapped_buffer(paths, sc, buf);
   if (r != VK_SUCCESS)
      return r;
   void *map = NULL;
   VkMemoryPropertyFlags flags = 0;
   r = vw_image_create_host_visible(sc, img, &map, &flags);
   if (r != VK_SUCCESS)
      return r;
   VkImageSubresource sub = {.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT};
   VkSubresourceLayout layout;
   dev->next.GetImageSubresourceLayout(dev->handle, img->image, &sub, &layout);
   uint32_t bpp = paths->fmt->bytes_per_pixel;
   if (layout.rowPitch % bpp || layout.rowPitch > UINT32_MAX ||
       layout.rowPitch < (VkDeviceSize)sc->extent.width * bpp) {
      vw_dbg("swapchain: a linear %ux%u image has row pitch %llu: no copy out of it",
             sc->extent.width, sc->extent.height, (unsigned long long)layout.rowPitch);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   /* The copy's source is the image's memory: freed, and so unmapped, with the image. */
   struct vw_copy_target *t = &img->copy;
   t->external_memory = true;
   t->map = (uint8_t *)map + layout.offset;
   t->size = layout.size;
   t->row_bytes = (uint32_t)layout.rowPitch;
   t->row_pixels = (uint32_t)(layout.rowPitch / bpp);
   t->coherent = flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   return VK_SUCCESS;
}

#include "venus_wsi/row_copy.h"

#include <string.h>

static uint64_t
copy_rect(uint8_t *dst, uint32_t dst_stride, const uint8_t *src, uint32_t src_stride,
          uint32_t bpp, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
   size_t row = (size_t)w * bpp;
   if (dst_stride == src_stride && row == dst_stride) {
      memcpy(dst + (size_t)y * dst_stride, src + (size_t)y * src_stride, row * h);
      return (uint64_t)row * h;
   }
   for (uint32_t i = 0; i < h; i++)
      memcpy(dst + (size_t)(y + i) * dst_stride + (size_t)x * bpp,
             src + (size_t)(y + i) * src_stride + (size_t)x * bpp, row);
   return (uint64_t)row * h;
}

uint64_t
vw_copy_damage(void *dst, uint32_t dst_stride, const void *src, uint32_t src_stride, uint32_t bpp,
               VkExtent2D extent, const struct vw_damage *damage)
{
   if (!damage || damage->full)
      return copy_rect(dst, dst_stride, src, src_stride, bpp, 0, 0, extent.width, extent.height);
   uint64_t bytes = 0;
   for (uint32_t i = 0; i < damage->count; i++) {
      const VkRect2D *r = &damage->rects[i];
      /* Rectangles are clipped when recorded; clip again against a smaller extent. */
      if (r->offset.x < 0 || r->offset.y < 0 || (uint32_t)r->offset.x >= extent.width ||
          (uint32_t)r->offset.y >= extent.height)
         continue;
      uint32_t w = r->extent.width, h = r->extent.height;
      if (r->offset.x + w > extent.width)
         w = extent.width - (uint32_t)r->offset.x;
      if (r->offset.y + h > extent.height)
         h = extent.height - (uint32_t)r->offset.y;
      bytes += copy_rect(dst, dst_stride, src, src_stride, bpp, (uint32_t)r->offset.x,
                         (uint32_t)r->offset.y, w, h);
   }
   return bytes;
}

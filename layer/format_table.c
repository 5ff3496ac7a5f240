#include "venus_wsi/format_table.h"

#include <drm_fourcc.h>
#include <string.h>

/* Order matters: surface format lists are reported in this order and apps (vkcube among
 * them) usually take the first entry they can use. B8G8R8A8 over XRGB8888 is the one
 * layout every KMS driver scans out. */
static const struct vw_format_info formats[] = {
   {DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_B8G8R8A8_SRGB,
    4, {16, 8, 0}, {8, 8, 8}},
   {DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888, VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_R8G8B8A8_SRGB,
    4, {0, 8, 16}, {8, 8, 8}},
   {DRM_FORMAT_XRGB2101010, DRM_FORMAT_ARGB2101010, VK_FORMAT_A2R10G10B10_UNORM_PACK32,
    VK_FORMAT_UNDEFINED, 4, {20, 10, 0}, {10, 10, 10}},
   {DRM_FORMAT_XBGR2101010, DRM_FORMAT_ABGR2101010, VK_FORMAT_A2B10G10R10_UNORM_PACK32,
    VK_FORMAT_UNDEFINED, 4, {0, 10, 20}, {10, 10, 10}},
   {DRM_FORMAT_RGB565, 0, VK_FORMAT_R5G6B5_UNORM_PACK16, VK_FORMAT_UNDEFINED, 2, {11, 5, 0},
    {5, 6, 5}},
};

#define FORMAT_COUNT (sizeof(formats) / sizeof(formats[0]))

uint32_t
vw_format_count(void)
{
   return FORMAT_COUNT;
}

const struct vw_format_info *
vw_format_at(uint32_t index)
{
   return index < FORMAT_COUNT ? &formats[index] : NULL;
}

const struct vw_format_info *
vw_format_from_vk(VkFormat format)
{
   if (format == VK_FORMAT_UNDEFINED)
      return NULL;
   for (uint32_t i = 0; i < FORMAT_COUNT; i++)
      if (formats[i].unorm == format || formats[i].srgb == format)
         return &formats[i];
   return NULL;
}

const struct vw_format_info *
vw_format_from_drm(uint32_t drm_format)
{
   if (drm_format == 0)
      return NULL;
   for (uint32_t i = 0; i < FORMAT_COUNT; i++)
      if (formats[i].drm_format == drm_format || formats[i].drm_format_alpha == drm_format)
         return &formats[i];
   return NULL;
}

uint32_t
vw_drm_format_for_vk(VkFormat format, bool want_alpha)
{
   const struct vw_format_info *info = vw_format_from_vk(format);
   if (!info)
      return 0;
   if (want_alpha && info->drm_format_alpha)
      return info->drm_format_alpha;
   return info->drm_format;
}

static uint8_t
scale_to_8(uint32_t value, uint8_t bits)
{
   if (bits >= 8)
      return (uint8_t)(value >> (bits - 8));
   /* Replicate the top bits so full scale maps to 255. */
   uint32_t v = value << (8 - bits);
   return (uint8_t)(v | (v >> bits));
}

void
vw_format_row_to_rgb8(const struct vw_format_info *info, const void *src, uint32_t width,
                      uint8_t *dst)
{
   const uint8_t *p = src;
   for (uint32_t x = 0; x < width; x++, p += info->bytes_per_pixel) {
      uint32_t word;
      if (info->bytes_per_pixel == 4) {
         word = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                (uint32_t)p[3] << 24;
      } else {
         word = (uint32_t)p[0] | (uint32_t)p[1] << 8;
      }
      for (int c = 0; c < 3; c++) {
         uint32_t mask = (1u << info->bits[c]) - 1;
         *dst++ = scale_to_8((word >> info->shift[c]) & mask, info->bits[c]);
      }
   }
}

const char *
vw_fourcc_str(uint32_t fourcc, char buf[5])
{
   for (int i = 0; i < 4; i++) {
      char c = (char)((fourcc >> (8 * i)) & 0xff);
      buf[i] = (c >= 32 && c < 127) ? c : '?';
   }
   buf[4] = '\0';
   return buf;
}

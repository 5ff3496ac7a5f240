/* The one table that ties DRM fourcc scanout formats to Vulkan formats. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

/* A scanout layout: one fourcc without alpha (what a plane scans), its alpha twin, the
 * Vulkan formats with the same memory layout, and where each channel sits in a
 * little-endian pixel word (used to turn frames into RGB8 for PNG dumps). */
struct vw_format_info {
   uint32_t drm_format;       /* e.g. DRM_FORMAT_XRGB8888 */
   uint32_t drm_format_alpha; /* e.g. DRM_FORMAT_ARGB8888, 0 if none */
   VkFormat unorm;
   VkFormat srgb; /* VK_FORMAT_UNDEFINED when the layout has no sRGB twin */
   uint8_t bytes_per_pixel;
   uint8_t shift[3]; /* r, g, b bit offsets */
   uint8_t bits[3];  /* r, g, b widths */
};

/* Entries in the order the layer offers them (first = preferred). */
uint32_t vw_format_count(void);
const struct vw_format_info *vw_format_at(uint32_t index);

const struct vw_format_info *vw_format_from_vk(VkFormat format);
/* Matches both the opaque and the alpha fourcc of an entry. */
const struct vw_format_info *vw_format_from_drm(uint32_t drm_format);

/* For a Vulkan format: the fourcc to scan out. Opaque composite alpha wants the X variant
 * (virtio-gpu, among others, only scans out XRGB8888); 0 if unknown. */
uint32_t vw_drm_format_for_vk(VkFormat format, bool want_alpha);

/* Converts one row of 'width' pixels of 'info' layout into packed RGB8. */
void vw_format_row_to_rgb8(const struct vw_format_info *info, const void *src, uint32_t width,
                           uint8_t *dst_rgb);

/* Four printable characters of a fourcc, for logs. */
const char *vw_fourcc_str(uint32_t fourcc, char buf[5]);

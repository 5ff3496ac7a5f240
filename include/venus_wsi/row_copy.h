/* Path D's CPU half: copying the damaged rectangles of a frame between two linear buffers
 * with their own strides (host-visible staging memory into a mapped dumb buffer). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "venus_wsi/backend.h"

/* 'r' clipped to 'extent' in *out; false when nothing of it is inside. */
bool vw_damage_clip_rect(const VkRect2D *r, VkExtent2D extent, VkRect2D *out);

/* Returns the number of bytes copied. A full update with equal strides is one memcpy. */
uint64_t vw_copy_damage(void *dst, uint32_t dst_stride, const void *src, uint32_t src_stride,
                        uint32_t bytes_per_pixel, VkExtent2D extent, const struct vw_damage *damage);

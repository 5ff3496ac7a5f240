/* Which parts of a swapchain image's buffers are stale. The app's present damage
 * (VK_KHR_incremental_present) describes what changed since the previous present; a buffer
 * last written k presents ago needs the union of the last k damages. This log keeps the
 * damage of recent presents so each buffer can ask for its own union. */
#pragma once

#include <stdint.h>

#include "venus_wsi/backend.h"

#define VW_DAMAGE_HISTORY 64

struct vw_damage_log {
   uint64_t serial; /* presents recorded; the first present is serial 1 */
   struct vw_damage ring[VW_DAMAGE_HISTORY];
};

void vw_damage_log_init(struct vw_damage_log *log);

/* Records one present's damage and returns its serial. */
uint64_t vw_damage_log_record(struct vw_damage_log *log, const struct vw_damage *damage);

/* The damage of presents (since, upto], as rectangles inside 'extent': what a buffer last
 * brought up to date at present 'since' must copy to match present 'upto'. since == 0 (never
 * written), history too short or a full present in between give full damage. */
void vw_damage_log_union(const struct vw_damage_log *log, uint64_t since, uint64_t upto,
                         VkExtent2D extent, struct vw_damage *out);

/* Area covered by the rectangles (overlaps counted twice), or the whole extent when full. */
uint64_t vw_damage_area(const struct vw_damage *damage, VkExtent2D extent);

/* The rows the damage touches, as one band [*y0, *y1) inside 'extent': what a backend that
 * sends whole rows (X11 PutImage, a mapped GBM buffer) must send. Full or empty damage gives
 * every row. */
void vw_damage_row_band(const struct vw_damage *damage, VkExtent2D extent, uint32_t *y0,
                        uint32_t *y1);

#include "venus_wsi/damage.h"

#include <string.h>

void
vw_damage_log_init(struct vw_damage_log *log)
{
   memset(log, 0, sizeof(*log));
}

uint64_t
vw_damage_log_record(struct vw_damage_log *log, const struct vw_damage *damage)
{
   log->serial++;
   log->ring[log->serial % VW_DAMAGE_HISTORY] = *damage;
   return log->serial;
}

static void
set_full(struct vw_damage *out)
{
   out->full = true;
   out->count = 0;
}

static void
bounding_box(struct vw_damage *d)
{
   int64_t x0 = INT64_MAX, y0 = INT64_MAX, x1 = INT64_MIN, y1 = INT64_MIN;
   for (uint32_t i = 0; i < d->count; i++) {
      const VkRect2D *r = &d->rects[i];
      if (r->offset.x < x0)
         x0 = r->offset.x;
      if (r->offset.y < y0)
         y0 = r->offset.y;
      if ((int64_t)r->offset.x + r->extent.width > x1)
         x1 = (int64_t)r->offset.x + r->extent.width;
      if ((int64_t)r->offset.y + r->extent.height > y1)
         y1 = (int64_t)r->offset.y + r->extent.height;
   }
   d->count = 1;
   d->rects[0] = (VkRect2D){{(int32_t)x0, (int32_t)y0}, {(uint32_t)(x1 - x0), (uint32_t)(y1 - y0)}};
}

static bool
contains(const VkRect2D *outer, const VkRect2D *inner)
{
   return inner->offset.x >= outer->offset.x && inner->offset.y >= outer->offset.y &&
          (int64_t)inner->offset.x + inner->extent.width <=
             (int64_t)outer->offset.x + outer->extent.width &&
          (int64_t)inner->offset.y + inner->extent.height <=
             (int64_t)outer->offset.y + outer->extent.height;
}

void
vw_damage_log_union(const struct vw_damage_log *log, uint64_t since, uint64_t upto,
                    VkExtent2D extent, struct vw_damage *out)
{
   out->full = false;
   out->count = 0;
   if (since != 0 && since == upto && upto <= log->serial)
      return; /* already current: nothing to copy */
   /* The ring must still hold every present after 'since'. */
   if (since == 0 || upto < since || upto > log->serial || log->serial - since > VW_DAMAGE_HISTORY) {
      set_full(out);
      return;
   }
   bool overflow = false;
   for (uint64_t s = since + 1; s <= upto; s++) {
      const struct vw_damage *d = &log->ring[s % VW_DAMAGE_HISTORY];
      if (d->full) {
         set_full(out);
         return;
      }
      for (uint32_t i = 0; i < d->count; i++) {
         bool covered = false;
         for (uint32_t j = 0; j < out->count && !covered; j++)
            covered = contains(&out->rects[j], &d->rects[i]);
         if (covered)
            continue;
         if (out->count == VW_MAX_DAMAGE_RECTS) {
            bounding_box(out);
            overflow = true;
         }
         out->rects[out->count++] = d->rects[i];
      }
   }
   if (overflow)
      bounding_box(out);
   /* A box that covers the image is a full update, which copies with one call. */
   if (out->count == 1 && out->rects[0].offset.x == 0 && out->rects[0].offset.y == 0 &&
       out->rects[0].extent.width >= extent.width && out->rects[0].extent.height >= extent.height)
      set_full(out);
}

uint64_t
vw_damage_area(const struct vw_damage *d, VkExtent2D extent)
{
   if (d->full)
      return (uint64_t)extent.width * extent.height;
   uint64_t area = 0;
   for (uint32_t i = 0; i < d->count; i++)
      area += (uint64_t)d->rects[i].extent.width * d->rects[i].extent.height;
   return area;
}

void
vw_damage_row_band(const struct vw_damage *damage, VkExtent2D extent, uint32_t *y0,
                   uint32_t *y1)
{
   uint32_t lo = extent.height, hi = 0;
   for (uint32_t i = 0; !damage->full && i < damage->count; i++) {
      const VkRect2D *r = &damage->rects[i];
      uint32_t top = r->offset.y > 0 ? (uint32_t)r->offset.y : 0;
      uint32_t bottom = top + r->extent.height;
      if (top >= extent.height || r->extent.height == 0)
         continue;
      lo = top < lo ? top : lo;
      hi = bottom > hi ? bottom : hi;
   }
   if (lo >= hi) {
      *y0 = 0;
      *y1 = extent.height;
      return;
   }
   *y0 = lo;
   *y1 = hi < extent.height ? hi : extent.height;
}

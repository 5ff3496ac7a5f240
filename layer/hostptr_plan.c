#include "venus_wsi/hostptr_plan.h"

/* False when the result does not fit in 64 bits. */
static bool
round_up(uint64_t v, uint64_t a, uint64_t *out)
{
   if (v > UINT64_MAX - (a - 1))
      return false;
   *out = (v + a - 1) / a * a;
   return true;
}

static bool
power_of_two(uint64_t v)
{
   return v && !(v & (v - 1));
}

bool
vw_hostptr_plan(uint32_t pitch, uint32_t height, uint64_t page_size, uint64_t alignment,
                struct vw_hostptr_plan *out)
{
   if (!pitch || !height || !power_of_two(page_size) || !power_of_two(alignment))
      return false;
   uint64_t frame = (uint64_t)pitch * height;
   /* A wrapped rounding would plan an import smaller than the frame (a driver may report
    * any alignment): refuse it. Mappings are whole pages; an alignment above the page size
    * is met by where the mapping is placed, not by its size. */
   if (!round_up(frame, alignment, &out->import_size) ||
       !round_up(out->import_size, page_size, &out->map_size))
      return false;
   uint64_t rows = out->map_size / pitch + (out->map_size % pitch != 0);
   if (rows > UINT32_MAX / 2 || rows > (uint64_t)height * 4 + 64)
      return false; /* only a tiny pitch could need this: not a scanout buffer */
   out->alloc_height = (uint32_t)rows;
   return true;
}

uintptr_t
vw_align_up_ptr(uintptr_t addr, uint64_t alignment)
{
   uint64_t up;
   /* Only for addresses inside a reservation of 'alignment' more bytes, which cannot wrap. */
   return round_up(addr, alignment, &up) ? (uintptr_t)up : 0;
}

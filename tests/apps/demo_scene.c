#include "demo_scene.h"

#include <math.h>
#include <string.h>

uint32_t
demo_scene(uint64_t frame, VkExtent2D e, uint8_t bg[3], struct scene_rect rects[FRAME_LOOP_MAX_RECTS])
{
   bg[0] = 16;
   bg[1] = 20;
   bg[2] = 40;
   uint32_t n = 0;
   /* Eight colour bands drifting left to right. */
   uint32_t band_w = e.width / 8;
   for (uint32_t i = 0; i < 8; i++) {
      uint32_t x = (uint32_t)((i * band_w + frame * 6) % e.width);
      uint32_t w = band_w / 2;
      if (x + w > e.width)
         w = e.width - x;
      rects[n].rect = (VkRect2D){{(int32_t)x, 0}, {w, e.height / 10}};
      rects[n].rgb[0] = (uint8_t)(60 + 24 * i);
      rects[n].rgb[1] = (uint8_t)(200 - 20 * i);
      rects[n].rgb[2] = (uint8_t)(90 + 15 * i);
      n++;
   }
   /* A clock face: twelve ticks and a hand made of squares, one turn per 120 frames. */
   double cx = e.width / 2.0, cy = e.height * 0.55, r = e.height * 0.38;
   uint32_t tick = e.height / 40 + 2;
   for (int i = 0; i < 12 && n < FRAME_LOOP_MAX_RECTS; i++) {
      double a = i * M_PI / 6;
      rects[n].rect = (VkRect2D){{(int32_t)(cx + r * cos(a) - tick / 2.0),
                                  (int32_t)(cy + r * sin(a) - tick / 2.0)},
                                 {tick, tick}};
      memcpy(rects[n].rgb, (uint8_t[3]){230, 230, 230}, 3);
      n++;
   }
   double a = 2 * M_PI * (double)(frame % 120) / 120.0 - M_PI / 2;
   uint32_t dot = tick + 4;
   for (int i = 0; i < 24 && n < FRAME_LOOP_MAX_RECTS; i++) {
      double d = r * 0.9 * i / 24.0;
      rects[n].rect = (VkRect2D){{(int32_t)(cx + d * cos(a) - dot / 2.0),
                                  (int32_t)(cy + d * sin(a) - dot / 2.0)},
                                 {dot, dot}};
      memcpy(rects[n].rgb, (uint8_t[3]){255, (uint8_t)(120 + 5 * i), 40}, 3);
      n++;
   }
   /* A short hand, one turn per 1440 frames: the centre never looks the same twice within
    * seconds, even when two screenshots fall a whole number of the long hand's turns apart
    * (at 60 frames/s, shots 4 s apart are exactly two turns of it). */
   double hour = 2 * M_PI * (double)(frame % 1440) / 1440.0 - M_PI / 2;
   for (int i = 0; i < 12 && n < FRAME_LOOP_MAX_RECTS; i++) {
      double d = r * 0.5 * i / 12.0;
      rects[n].rect = (VkRect2D){{(int32_t)(cx + d * cos(hour) - dot / 2.0),
                                  (int32_t)(cy + d * sin(hour) - dot / 2.0)},
                                 {dot, dot}};
      memcpy(rects[n].rgb, (uint8_t[3]){80, 200, 255}, 3);
      n++;
   }
   return n;
}

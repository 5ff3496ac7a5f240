/* Checks a screen the mock display dumped while venus-wsi-refloop ran against it: the PNG
 * must be frame N of the demo's scene, painted here on the CPU the way the GPU clears it
 * (the background, then each rectangle in order over it, clipped to the image).
 *   vw-refloop-check SCREEN.png FRAME */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_scene.h"
#include "png_read.h"

static void
paint(uint8_t *rgb, VkExtent2D e, uint64_t frame)
{
   struct scene_rect rects[FRAME_LOOP_MAX_RECTS];
   uint8_t bg[3];
   uint32_t n = demo_scene(frame, e, bg, rects);
   for (size_t p = 0; p < (size_t)e.width * e.height; p++)
      memcpy(rgb + p * 3, bg, 3);
   for (uint32_t i = 0; i < n; i++) {
      int64_t x0 = rects[i].rect.offset.x, y0 = rects[i].rect.offset.y;
      int64_t x1 = x0 + rects[i].rect.extent.width, y1 = y0 + rects[i].rect.extent.height;
      for (int64_t y = y0 < 0 ? 0 : y0; y < y1 && y < e.height; y++)
         for (int64_t x = x0 < 0 ? 0 : x0; x < x1 && x < e.width; x++)
            memcpy(rgb + ((size_t)y * e.width + (size_t)x) * 3, rects[i].rgb, 3);
   }
}

int
main(int argc, char **argv)
{
   if (argc != 3) {
      fprintf(stderr, "usage: vw-refloop-check SCREEN.png FRAME\n");
      return 2;
   }
   struct rgb_image img;
   if (!rgb_image_load_png(argv[1], &img)) {
      fprintf(stderr, "FAIL: cannot read %s\n", argv[1]);
      return 1;
   }
   VkExtent2D e = {img.width, img.height};
   uint64_t frame = strtoull(argv[2], NULL, 10);
   uint8_t *want = malloc((size_t)e.width * e.height * 3);
   if (!want) {
      rgb_image_free(&img);
      return 1;
   }
   paint(want, e, frame);
   size_t wrong = 0, first = 0;
   for (size_t p = 0; p < (size_t)e.width * e.height; p++)
      if (memcmp(want + p * 3, img.pixels + p * 3, 3) && !wrong++)
         first = p;
   if (wrong)
      fprintf(stderr, "FAIL: %s is not frame %llu of the demo's scene: %zu pixels differ, the "
                      "first at (%zu, %zu): %02x%02x%02x, want %02x%02x%02x\n",
              argv[1], (unsigned long long)frame, wrong, first % e.width, first / e.width,
              img.pixels[first * 3], img.pixels[first * 3 + 1], img.pixels[first * 3 + 2],
              want[first * 3], want[first * 3 + 1], want[first * 3 + 2]);
   else
      printf("%s is frame %llu of the demo's scene (%ux%u)\n", argv[1], (unsigned long long)frame,
             e.width, e.height);
   free(want);
   rgb_image_free(&img);
   return wrong ? 1 : 0;
}

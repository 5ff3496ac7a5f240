/* Looks at `xwd` dumps for the X11 test scripts (check_vkcube_x11.sh):
 *   vw-xwd-tool info FILE                     size and depth
 *   vw-xwd-tool stats FILE X Y W H            distinct colours in the rectangle, and the share of
 *                                             its pixels unlike the one at (X,Y)
 *   vw-xwd-tool diff FILE1 FILE2 X Y W H      pixels that differ between two dumps
 *   vw-xwd-tool pixel FILE X Y                one pixel's R G B A
 *   vw-xwd-tool png FILE OUT.png              the dump as a PNG (for checkers that read PNGs,
 *                                             e.g. tools/vm/check-gears)
 *   vw-xwd-tool selftest                      decodes made-up dumps in every supported layout */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "xwd_read.h"

static int
load(const char *path, struct xwd_image *img)
{
   char err[256];
   if (!xwd_load(path, img, err, sizeof(err))) {
      fprintf(stderr, "vw-xwd-tool: %s: %s\n", path, err);
      return 0;
   }
   return 1;
}

static int
clip(const struct xwd_image *img, char **argv, uint32_t r[4])
{
   long v[4];
   for (int i = 0; i < 4; i++)
      v[i] = strtol(argv[i], NULL, 0);
   if (v[0] < 0 || v[1] < 0 || v[2] <= 0 || v[3] <= 0 || v[0] + v[2] > img->width ||
       v[1] + v[3] > img->height) {
      fprintf(stderr, "vw-xwd-tool: rectangle %ld,%ld %ldx%ld outside the %ux%u dump\n", v[0], v[1],
              v[2], v[3], img->width, img->height);
      return 0;
   }
   for (int i = 0; i < 4; i++)
      r[i] = (uint32_t)v[i];
   return 1;
}

static int
cmp_u32(const void *a, const void *b)
{
   uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
   return x < y ? -1 : x > y;
}

static int
near(const uint8_t *a, const uint8_t *b, int tol)
{
   for (int i = 0; i < 3; i++)
      if (abs((int)a[i] - (int)b[i]) > tol)
         return 0;
   return 1;
}

/* An XWD file of 2x2 pixels: red, green / blue, white (alpha 0x80 where there is alpha). */
static size_t
make_dump(uint8_t *out, int bpp, int depth, int lsb, int bgr)
{
   static const uint8_t px[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
   const char *name = "t";
   uint32_t header_size = 25 * 4 + (uint32_t)strlen(name) + 1;
   uint32_t bytes = (uint32_t)bpp / 8, stride = (2 * bytes + 3) & ~3u;
   uint32_t rmask = bgr ? 0xff : 0xff0000, bmask = bgr ? 0xff0000 : 0xff;
   uint32_t h[25] = {header_size, 7, 2, (uint32_t)depth, 2, 2, 0, lsb ? 0 : 1, 32, lsb ? 0 : 1, 32,
                     (uint32_t)bpp, stride, 4, rmask, 0xff00, bmask, 8, 256, 0, 2, 2, 0, 0, 0};
   size_t n = 0;
   for (int i = 0; i < 25; i++) {
      out[n++] = (uint8_t)(h[i] >> 24);
      out[n++] = (uint8_t)(h[i] >> 16);
      out[n++] = (uint8_t)(h[i] >> 8);
      out[n++] = (uint8_t)h[i];
   }
   memcpy(out + n, name, strlen(name) + 1);
   n += strlen(name) + 1;
   for (int y = 0; y < 2; y++) {
      uint8_t *row = out + n;
      memset(row, 0xee, stride);
      for (int x = 0; x < 2; x++) {
         const uint8_t *c = px[y * 2 + x];
         uint32_t v = (bgr ? (uint32_t)c[2] << 16 | c[0] : (uint32_t)c[0] << 16 | c[2]) |
                      (uint32_t)c[1] << 8;
         if (depth == 32)
            v |= 0x80u << 24;
         for (uint32_t i = 0; i < bytes; i++)
            row[x * bytes + i] = (uint8_t)(v >> (lsb ? 8 * i : 8 * (bytes - 1 - i)));
      }
      n += stride;
   }
   return n;
}

static int
selftest(void)
{
   static const uint8_t want[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
   int failed = 0, cases = 0;
   for (int bpp = 24; bpp <= 32; bpp += 8)
      for (int depth = 24; depth <= 32; depth += 8)
         for (int lsb = 0; lsb < 2; lsb++)
            for (int bgr = 0; bgr < 2; bgr++) {
               if (depth == 32 && bpp == 24)
                  continue;
               uint8_t buf[256];
               size_t n = make_dump(buf, bpp, depth, lsb, bgr);
               struct xwd_image img;
               char err[256];
               cases++;
               int ok = xwd_decode(buf, n, &img, err, sizeof(err));
               if (!ok) {
                  printf("FAIL %d bpp depth %d %s %s: %s\n", bpp, depth, lsb ? "LSB" : "MSB",
                         bgr ? "BGR" : "RGB", err);
                  failed++;
                  continue;
               }
               ok = img.width == 2 && img.height == 2;
               for (int i = 0; i < 4 && ok; i++) {
                  const uint8_t *p = xwd_pixel(&img, (uint32_t)(i % 2), (uint32_t)(i / 2));
                  ok = near(p, want[i], 0) && p[3] == (depth == 32 ? 0x80 : 0xff);
               }
               if (!ok) {
                  printf("FAIL %d bpp depth %d %s %s: wrong pixels\n", bpp, depth,
                         lsb ? "LSB" : "MSB", bgr ? "BGR" : "RGB");
                  failed++;
               }
               xwd_free(&img);
               /* Every shorter prefix must be refused, never read past the end. */
               for (size_t cut = 0; cut < n; cut++) {
                  if (xwd_decode(buf, cut, &img, err, sizeof(err))) {
                     printf("FAIL: a dump cut at %zu of %zu bytes was accepted\n", cut, n);
                     failed++;
                     xwd_free(&img);
                     break;
                  }
               }
            }
   printf("xwd selftest: %d layouts, %d failed\n", cases, failed);
   return failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
   if (argc == 2 && !strcmp(argv[1], "selftest"))
      return selftest();
   struct xwd_image a, b;
   if (argc == 3 && !strcmp(argv[1], "info")) {
      if (!load(argv[2], &a))
         return 1;
      printf("%u %u %u\n", a.width, a.height, a.depth);
      xwd_free(&a);
      return 0;
   }
   if (argc == 4 && !strcmp(argv[1], "png")) {
      if (!load(argv[2], &a))
         return 1;
      png_image out = {.version = PNG_IMAGE_VERSION, .width = a.width, .height = a.height,
                       .format = PNG_FORMAT_RGBA};
      int ok = png_image_write_to_file(&out, argv[3], 0, a.rgba, 0, NULL);
      if (!ok)
         fprintf(stderr, "vw-xwd-tool: %s: %s\n", argv[3], out.message);
      xwd_free(&a);
      return ok ? 0 : 1;
   }
   if (argc == 5 && !strcmp(argv[1], "pixel")) {
      if (!load(argv[2], &a))
         return 1;
      uint32_t x = (uint32_t)strtoul(argv[3], NULL, 0), y = (uint32_t)strtoul(argv[4], NULL, 0);
      if (x >= a.width || y >= a.height) {
         fprintf(stderr, "vw-xwd-tool: %u,%u outside the %ux%u dump\n", x, y, a.width, a.height);
         return 1;
      }
      const uint8_t *p = xwd_pixel(&a, x, y);
      printf("%u %u %u %u\n", p[0], p[1], p[2], p[3]);
      xwd_free(&a);
      return 0;
   }
   if (argc == 7 && !strcmp(argv[1], "stats")) {
      uint32_t r[4];
      if (!load(argv[2], &a))
         return 1;
      if (!clip(&a, argv + 3, r))
         return 1;
      uint32_t *colours = malloc(sizeof(uint32_t) * r[2] * r[3]);
      if (!colours)
         return 1;
      const uint8_t *bg = xwd_pixel(&a, r[0], r[1]);
      size_t n = 0, unlike = 0;
      for (uint32_t y = r[1]; y < r[1] + r[3]; y++)
         for (uint32_t x = r[0]; x < r[0] + r[2]; x++) {
            const uint8_t *p = xwd_pixel(&a, x, y);
            colours[n++] = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
            unlike += !near(p, bg, 8);
         }
      qsort(colours, n, sizeof(uint32_t), cmp_u32);
      size_t distinct = n ? 1 : 0;
      for (size_t i = 1; i < n; i++)
         distinct += colours[i] != colours[i - 1];
      printf("colours %zu unlike_corner_permille %zu\n", distinct, unlike * 1000 / n);
      free(colours);
      xwd_free(&a);
      return 0;
   }
   if (argc == 8 && !strcmp(argv[1], "diff")) {
      uint32_t r[4];
      if (!load(argv[2], &a))
         return 1;
      if (!load(argv[3], &b))
         return 1;
      if (!clip(&a, argv + 4, r) || !clip(&b, argv + 4, r))
         return 1;
      size_t differ = 0;
      for (uint32_t y = r[1]; y < r[1] + r[3]; y++)
         for (uint32_t x = r[0]; x < r[0] + r[2]; x++)
            differ += !near(xwd_pixel(&a, x, y), xwd_pixel(&b, x, y), 8);
      printf("differ_permille %zu\n", differ * 1000 / ((size_t)r[2] * r[3]));
      xwd_free(&a);
      xwd_free(&b);
      return 0;
   }
   fprintf(stderr, "usage: vw-xwd-tool info FILE | pixel FILE X Y | stats FILE X Y W H |\n"
                   "       diff FILE1 FILE2 X Y W H | selftest\n");
   return 2;
}

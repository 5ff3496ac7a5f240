#include "xwd_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file header: 25 32-bit fields, always most significant byte first, then the window
 * name (up to header_size), then ncolors colour entries of 12 bytes, then the image. */
enum {
   H_HEADER_SIZE, H_FILE_VERSION, H_PIXMAP_FORMAT, H_PIXMAP_DEPTH, H_PIXMAP_WIDTH,
   H_PIXMAP_HEIGHT, H_XOFFSET, H_BYTE_ORDER, H_BITMAP_UNIT, H_BITMAP_BIT_ORDER, H_BITMAP_PAD,
   H_BITS_PER_PIXEL, H_BYTES_PER_LINE, H_VISUAL_CLASS, H_RED_MASK, H_GREEN_MASK, H_BLUE_MASK,
   H_BITS_PER_RGB, H_COLORMAP_ENTRIES, H_NCOLORS, H_WINDOW_WIDTH, H_WINDOW_HEIGHT, H_WINDOW_X,
   H_WINDOW_Y, H_WINDOW_BDRWIDTH, H_COUNT
};
#define XWD_FILE_VERSION 7
#define XWD_ZPIXMAP 2
#define XWD_LSB_FIRST 0
#define XWD_TRUE_COLOR 4
#define XWD_DIRECT_COLOR 5

static bool
fail(char *err, size_t err_size, const char *fmt, ...)
{
   if (err && err_size) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(err, err_size, fmt, ap);
      va_end(ap);
   }
   return false;
}

static uint32_t
be32(const uint8_t *p)
{
   return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A mask's lowest set bit and its width. */
static void
mask_shape(uint32_t mask, int *shift, int *bits)
{
   *shift = 0;
   *bits = 0;
   if (!mask)
      return;
   while (!(mask & 1u)) {
      mask >>= 1;
      (*shift)++;
   }
   while (mask & 1u) {
      mask >>= 1;
      (*bits)++;
   }
}

/* A channel's value scaled to 8 bits. */
static uint8_t
channel(uint32_t pixel, int shift, int bits)
{
   if (bits == 0)
      return 0;
   uint32_t v = (pixel >> shift) & ((bits >= 32) ? 0xffffffffu : ((1u << bits) - 1));
   if (bits >= 8)
      return (uint8_t)(v >> (bits - 8));
   uint32_t max = (1u << bits) - 1; /* fewer than 8 bits: scale up */
   return (uint8_t)((v * 255 + max / 2) / max);
}

bool
xwd_decode(const uint8_t *data, size_t size, struct xwd_image *img, char *err, size_t err_size)
{
   memset(img, 0, sizeof(*img));
   if (size < H_COUNT * 4)
      return fail(err, err_size, "short file (%zu bytes)", size);
   uint32_t h[H_COUNT];
   for (int i = 0; i < H_COUNT; i++)
      h[i] = be32(data + i * 4);
   if (h[H_FILE_VERSION] != XWD_FILE_VERSION)
      return fail(err, err_size, "not an XWD version 7 file (version field %u)", h[H_FILE_VERSION]);
   if (h[H_HEADER_SIZE] < H_COUNT * 4 || h[H_HEADER_SIZE] > size)
      return fail(err, err_size, "bad header size %u", h[H_HEADER_SIZE]);
   if (h[H_PIXMAP_FORMAT] != XWD_ZPIXMAP)
      return fail(err, err_size, "pixmap format %u, only ZPixmap (2) is read", h[H_PIXMAP_FORMAT]);
   uint32_t bpp = h[H_BITS_PER_PIXEL];
   if (bpp != 24 && bpp != 32)
      return fail(err, err_size, "%u bits per pixel, only 24 and 32 are read", bpp);
   if (h[H_VISUAL_CLASS] != XWD_TRUE_COLOR && h[H_VISUAL_CLASS] != XWD_DIRECT_COLOR)
      return fail(err, err_size, "visual class %u, only TrueColor and DirectColor are read",
                  h[H_VISUAL_CLASS]);
   uint32_t w = h[H_PIXMAP_WIDTH], ht = h[H_PIXMAP_HEIGHT], stride = h[H_BYTES_PER_LINE];
   if (w == 0 || ht == 0 || w > 65535 || ht > 65535)
      return fail(err, err_size, "bad size %ux%u", w, ht);
   if ((uint64_t)stride < (uint64_t)w * (bpp / 8))
      return fail(err, err_size, "%u bytes per line for %u pixels of %u bits", stride, w, bpp);
   uint64_t offset = (uint64_t)h[H_HEADER_SIZE] + (uint64_t)h[H_NCOLORS] * 12;
   if (offset + (uint64_t)stride * ht > size)
      return fail(err, err_size, "truncated image data: %zu bytes, %llu needed", size,
                  (unsigned long long)(offset + (uint64_t)stride * ht));

   int rs, rb, gs, gb, bs, bb;
   mask_shape(h[H_RED_MASK], &rs, &rb);
   mask_shape(h[H_GREEN_MASK], &gs, &gb);
   mask_shape(h[H_BLUE_MASK], &bs, &bb);
   if (!rb || !gb || !bb)
      return fail(err, err_size, "a colour mask is empty (%#x %#x %#x)", h[H_RED_MASK],
                  h[H_GREEN_MASK], h[H_BLUE_MASK]);
   /* Depth 32 on 32 bits per pixel: the 8 bits no colour mask covers are alpha. */
   uint32_t alpha_mask = 0;
   int as = 0, ab = 0;
   if (h[H_PIXMAP_DEPTH] == 32 && bpp == 32) {
      alpha_mask = ~(h[H_RED_MASK] | h[H_GREEN_MASK] | h[H_BLUE_MASK]);
      mask_shape(alpha_mask, &as, &ab);
   }

   img->rgba = malloc((size_t)w * ht * 4);
   if (!img->rgba)
      return fail(err, err_size, "out of memory");
   img->width = w;
   img->height = ht;
   img->depth = h[H_PIXMAP_DEPTH];
   img->has_alpha = ab > 0;
   bool lsb = h[H_BYTE_ORDER] == XWD_LSB_FIRST;
   uint32_t bytes = bpp / 8;
   for (uint32_t y = 0; y < ht; y++) {
      const uint8_t *row = data + offset + (uint64_t)y * stride;
      uint8_t *out = img->rgba + (size_t)y * w * 4;
      for (uint32_t x = 0; x < w; x++) {
         const uint8_t *p = row + (size_t)x * bytes;
         uint32_t pixel = 0;
         for (uint32_t i = 0; i < bytes; i++)
            pixel |= (uint32_t)p[i] << (lsb ? 8 * i : 8 * (bytes - 1 - i));
         out[x * 4 + 0] = channel(pixel, rs, rb);
         out[x * 4 + 1] = channel(pixel, gs, gb);
         out[x * 4 + 2] = channel(pixel, bs, bb);
         out[x * 4 + 3] = ab ? channel(pixel, as, ab) : 255;
      }
   }
   return true;
}

bool
xwd_load(const char *path, struct xwd_image *img, char *err, size_t err_size)
{
   memset(img, 0, sizeof(*img));
   FILE *f = fopen(path, "rb");
   if (!f)
      return fail(err, err_size, "cannot open %s", path);
   size_t cap = 1 << 20, size = 0;
   uint8_t *data = malloc(cap);
   while (data) {
      size_t got = fread(data + size, 1, cap - size, f);
      size += got;
      if (size < cap)
         break;
      uint8_t *bigger = realloc(data, cap * 2);
      if (!bigger) {
         free(data);
         data = NULL;
         break;
      }
      data = bigger;
      cap *= 2;
   }
   bool read_error = ferror(f);
   fclose(f);
   if (!data)
      return fail(err, err_size, "out of memory reading %s", path);
   if (read_error) {
      free(data);
      return fail(err, err_size, "read error on %s", path);
   }
   bool ok = xwd_decode(data, size, img, err, err_size);
   free(data);
   return ok;
}

void
xwd_free(struct xwd_image *img)
{
   free(img->rgba);
   img->rgba = NULL;
}

bool
xwd_pixel_is(const struct xwd_image *img, uint32_t x, uint32_t y, const uint8_t rgb[3],
             int tolerance)
{
   if (x >= img->width || y >= img->height)
      return false;
   const uint8_t *p = xwd_pixel(img, x, y);
   for (int i = 0; i < 3; i++) {
      int d = (int)p[i] - (int)rgb[i];
      if (d < -tolerance || d > tolerance)
         return false;
   }
   return true;
}

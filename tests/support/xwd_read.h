/* Reading X Window Dump files (what `xwd` writes) back for pixel checks in the X11 tests:
 * ZPixmap images of 24 or 32 bits per pixel on a TrueColor or DirectColor visual, in either
 * byte order. No X library needed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xwd_image {
   uint32_t width, height;
   uint32_t depth;  /* the dumped drawable's depth: 24, or 32 for an ARGB window */
   bool has_alpha;  /* depth 32: the bits outside the colour masks were taken as alpha */
   uint8_t *rgba;   /* RGBA8, rows packed; alpha 255 where the visual has none */
};

/* Decodes an XWD file in memory. On failure returns false and puts the reason in 'err'. */
bool xwd_decode(const uint8_t *data, size_t size, struct xwd_image *img, char *err, size_t err_size);
/* Reads and decodes a file. */
bool xwd_load(const char *path, struct xwd_image *img, char *err, size_t err_size);
void xwd_free(struct xwd_image *img);

static inline const uint8_t *
xwd_pixel(const struct xwd_image *img, uint32_t x, uint32_t y)
{
   return img->rgba + ((size_t)y * img->width + x) * 4;
}

/* True when the pixel at (x, y) is within 'tolerance' of (r, g, b) in every channel. */
bool xwd_pixel_is(const struct xwd_image *img, uint32_t x, uint32_t y, const uint8_t rgb[3],
                  int tolerance);

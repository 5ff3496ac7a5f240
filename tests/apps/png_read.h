/* Reading the layer's frame dumps back for pixel checks (tests only). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct rgb_image {
   uint32_t width, height;
   uint8_t *pixels; /* RGB8, rows packed */
};

bool rgb_image_load_png(const char *path, struct rgb_image *img);
void rgb_image_free(struct rgb_image *img);

/* True when the pixel at (x, y) is within 'tolerance' of (r, g, b) in every channel. */
bool rgb_image_pixel_is(const struct rgb_image *img, uint32_t x, uint32_t y, uint8_t r, uint8_t g,
                        uint8_t b, int tolerance);

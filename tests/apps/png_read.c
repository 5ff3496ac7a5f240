#include "png_read.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

bool
rgb_image_load_png(const char *path, struct rgb_image *img)
{
   png_image image;
   memset(&image, 0, sizeof(image));
   image.version = PNG_IMAGE_VERSION;
   if (!png_image_begin_read_from_file(&image, path))
      return false;
   image.format = PNG_FORMAT_RGB;
   img->width = image.width;
   img->height = image.height;
   img->pixels = malloc(PNG_IMAGE_SIZE(image));
   if (!img->pixels) {
      png_image_free(&image);
      return false;
   }
   if (!png_image_finish_read(&image, NULL, img->pixels, 0, NULL)) {
      free(img->pixels);
      img->pixels = NULL;
      return false;
   }
   return true;
}

void
rgb_image_free(struct rgb_image *img)
{
   free(img->pixels);
   img->pixels = NULL;
}

bool
rgb_image_pixel_is(const struct rgb_image *img, uint32_t x, uint32_t y, uint8_t r, uint8_t g,
                   uint8_t b, int tolerance)
{
   if (x >= img->width || y >= img->height)
      return false;
   const uint8_t *p = img->pixels + ((size_t)y * img->width + x) * 3;
   return abs(p[0] - r) <= tolerance && abs(p[1] - g) <= tolerance && abs(p[2] - b) <= tolerance;
}

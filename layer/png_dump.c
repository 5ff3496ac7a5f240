#include "png_dump.h"

#include <dlfcn.h>
#include <png.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

typedef int (*write_to_file_fn)(png_imagep image, const char *file, int convert_to_8bit,
                                const void *buffer, png_int_32 row_stride, const void *colormap);

static write_to_file_fn write_to_file;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void
load_libpng(void)
{
   /* Never closed: a dump may come at any time until the process exits. */
   void *lib = dlopen("libpng16.so.16", RTLD_NOW | RTLD_LOCAL);
   if (!lib) {
      vw_err("frame dumps need libpng16.so.16: %s", dlerror());
      return;
   }
   write_to_file = (write_to_file_fn)dlsym(lib, "png_image_write_to_file");
   if (!write_to_file)
      vw_err("libpng has no png_image_write_to_file");
}

bool
vw_png_write(const char *path, const struct vw_format_info *fmt, const void *pixels,
             uint32_t width, uint32_t height, uint32_t stride)
{
   pthread_once(&load_once, load_libpng);
   if (!write_to_file)
      return false;
   uint8_t *rgb = malloc((size_t)width * height * 3);
   if (!rgb)
      return false;
   for (uint32_t y = 0; y < height; y++)
      vw_format_row_to_rgb8(fmt, (const uint8_t *)pixels + (size_t)y * stride, width,
                            rgb + (size_t)y * width * 3);
   png_image image;
   memset(&image, 0, sizeof(image));
   image.version = PNG_IMAGE_VERSION;
   image.width = width;
   image.height = height;
   image.format = PNG_FORMAT_RGB;
   image.flags = PNG_IMAGE_FLAG_FAST;
   /* Write to a temporary name first: a reader polling the directory never sees half a file. */
   char tmp[600];
   snprintf(tmp, sizeof(tmp), "%s.tmp", path);
   bool ok = write_to_file(&image, tmp, 0, rgb, (png_int_32)(width * 3), NULL) != 0;
   free(rgb);
   if (ok && rename(tmp, path) != 0)
      ok = false;
   if (!ok) {
      vw_err("cannot write frame dump %s: %s", path, image.message);
      remove(tmp);
   }
   return ok;
}

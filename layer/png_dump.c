#include "png_dump.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

typedef int (*write_to_stdio_fn)(png_imagep image, FILE *file, int convert_to_8bit,
                                 const void *buffer, png_int_32 row_stride,
                                 const void *colormap);

static write_to_stdio_fn write_to_stdio;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static struct vw_log_limit dump_errors = VW_LOG_LIMIT_INIT;
static atomic_uint temp_counter;

static void
load_libpng(void)
{
   /* Never closed: a dump may come at any time until the process exits. */
   void *lib = dlopen("libpng16.so.16", RTLD_NOW | RTLD_LOCAL);
   if (!lib) {
      vw_log(VW_LOG_ALWAYS, "frame dumps need libpng16.so.16: %s", dlerror());
      return;
   }
   write_to_stdio = (write_to_stdio_fn)dlsym(lib, "png_image_write_to_stdio");
   if (!write_to_stdio)
      vw_log(VW_LOG_ALWAYS, "libpng has no png_image_write_to_stdio");
}

/* A new file of our own beside 'path': never an existing name, never through a symlink,
 * never waiting on a FIFO someone planted in the dump directory. */
static int
open_temp(const char *path, char *tmp, size_t size)
{
   for (int attempt = 0; attempt < 8; attempt++) {
      snprintf(tmp, size, "%s.%ld.%u.tmp", path, (long)getpid(),
               atomic_fetch_add(&temp_counter, 1));
      int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                    0644);
      if (fd >= 0 || errno != EEXIST)
         return fd;
   }
   return -1;
}

static bool
write_png(int fd, png_image *image, const uint8_t *rgb, uint32_t width)
{
   FILE *f = fdopen(fd, "wb");
   if (!f) {
      close(fd);
      return false;
   }
   bool ok = write_to_stdio(image, f, 0, rgb, (png_int_32)((size_t)width * 3), NULL) != 0;
   ok = fflush(f) == 0 && ok;
   ok = fclose(f) == 0 && ok;
   return ok;
}

bool
vw_png_write(const char *path, const struct vw_format_info *fmt, const void *pixels,
             uint32_t width, uint32_t height, uint32_t stride)
{
   pthread_once(&load_once, load_libpng);
   if (!write_to_stdio)
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
   /* Written under a temporary name, then renamed: a reader polling the directory never
    * sees half a file, and rename replaces whatever 'path' was without following it. */
   char tmp[VW_PNG_PATH_MAX + 48];
   int fd = open_temp(path, tmp, sizeof(tmp));
   if (fd < 0) {
      vw_log_limited(&dump_errors, VW_LOG_ALWAYS, "cannot write frame dump %s: %s", path,
                     strerror(errno));
      free(rgb);
      return false;
   }
   errno = 0;
   bool ok = write_png(fd, &image, rgb, width);
   int write_errno = errno;
   free(rgb);
   if (ok && rename(tmp, path) != 0) {
      write_errno = errno;
      ok = false;
   }
   if (!ok) {
      vw_log_limited(&dump_errors, VW_LOG_ALWAYS, "cannot write frame dump %s: %s", path,
                     image.message[0] ? image.message : strerror(write_errno));
      unlink(tmp);
   }
   return ok;
}

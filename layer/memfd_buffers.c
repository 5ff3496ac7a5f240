/* Shared-memory buffers for the desktop backends' scanout paths: memfd files, mapped by the
 * layer and by the display server too (X11's ShmAttachFd, Wayland's wl_shm pools). Path C
 * imports the mapping as the frames' host-visible memory, path D copies frames into it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memfd_buffers.h"

#include "aligned_map.h"
#include "log.h"

/* Every format the layer offers keeps a pixel in a 32-bit word, and X reads a pixmap of
 * width w with a stride of exactly 4 w (Wayland takes any stride). */
#define MEMFD_BYTES_PER_PIXEL 4u

static int
create(void *ctx, VkExtent2D extent, uint32_t rows, struct vw_provided_buffer *out)
{
   uint64_t pitch = (uint64_t)extent.width * MEMFD_BYTES_PER_PIXEL;
   uint64_t size = pitch * rows;
   struct vw_memfd_buffer *b = calloc(1, sizeof(*b));
   if (!b)
      return -ENOMEM;
   b->fd = memfd_create("venus-wsi-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING);
   if (b->fd < 0) {
      int e = -errno;
      vw_err("memfd_create: %s", strerror(errno));
      free(b);
      return e;
   }
   if (ftruncate(b->fd, (off_t)size) != 0) {
      int e = -errno;
      vw_err("sizing a %llu-byte shared buffer: %s", (unsigned long long)size,
             strerror(errno));
      close(b->fd);
      free(b);
      return e;
   }
   /* The server maps the file as it is now: it must never shrink under it. */
   fcntl(b->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL);
   *out = (struct vw_provided_buffer){.handle = b, .pitch = (uint32_t)pitch, .size = size};
   return 0;
}

static int
map(void *ctx, struct vw_provided_buffer *buf, uint64_t size, uint64_t alignment)
{
   struct vw_memfd_buffer *b = vw_memfd(buf);
   if (size > buf->size)
      return -EINVAL;
   void *p = vw_map_aligned(b->fd, 0, size, alignment);
   if (!p) {
      int e = -errno;
      vw_err("mapping a shared buffer: %s", strerror(errno));
      return e;
   }
   b->map = p;
   b->map_size = size;
   buf->map = p;
   return 0;
}

static void
destroy(void *ctx, struct vw_provided_buffer *buf)
{
   struct vw_memfd_buffer *b = vw_memfd(buf);
   if (!b)
      return;
   if (b->map)
      munmap(b->map, (size_t)b->map_size);
   close(b->fd);
   free(b);
   buf->handle = NULL;
   buf->map = NULL;
}

struct vw_buffer_provider
vw_memfd_provider(const char *owner)
{
   return (struct vw_buffer_provider){
      .name = owner,
      .buffers = "shared memory buffers",
      .create = create,
      .map = map,
      .destroy = destroy,
      /* The server maps the file and reads it only once a frame is presented: path E may
       * render into it, where the driver's linear image has this buffer's pitch. */
      .host_images = true,
   };
}

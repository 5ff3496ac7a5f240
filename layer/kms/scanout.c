#include "scanout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <sys/mman.h>
#include <xf86drm.h>

#include "../aligned_map.h"
#include "../log.h"
#include "venus_wsi/hostptr_plan.h"

static int
add_framebuffer(struct vw_scanout_buffer *buf, uint64_t modifier, bool use_modifier)
{
   uint32_t handles[4] = {buf->handle}, pitches[4] = {buf->pitch}, offsets[4] = {buf->offset};
   uint64_t modifiers[4] = {modifier};
   int r;
   if (use_modifier && buf->dev->modifiers)
      r = drmModeAddFB2WithModifiers(buf->dev->fd, buf->width, buf->height, buf->fourcc, handles,
                                     pitches, offsets, modifiers, &buf->fb_id,
                                     DRM_MODE_FB_MODIFIERS);
   else
      r = drmModeAddFB2(buf->dev->fd, buf->width, buf->height, buf->fourcc, handles, pitches,
                        offsets, &buf->fb_id, 0);
   return r ? -errno : 0;
}

int
vw_scanout_create_dumb(struct vw_kms_device *dev, uint32_t width, uint32_t height,
                       uint32_t alloc_height, uint32_t fourcc, struct vw_scanout_buffer **out)
{
   struct vw_scanout_buffer *buf = calloc(1, sizeof(*buf));
   if (!buf)
      return -ENOMEM;
   buf->dev = dev;
   buf->width = width;
   buf->height = height;
   buf->fourcc = fourcc;
   buf->dumb = true;
   /* Every scanout format the layer offers is 32 bpp except RGB565. */
   uint32_t bpp = fourcc == DRM_FORMAT_RGB565 ? 16 : 32;
   uint32_t pitch = 0;
   uint64_t size = 0;
   int r = drmModeCreateDumbBuffer(dev->fd, width, alloc_height < height ? height : alloc_height,
                                   bpp, 0, &buf->handle, &pitch, &size);
   if (r) {
      r = r < 0 ? r : -r;
      vw_err("kms: dumb buffer %ux%u: %s", width, alloc_height, strerror(-r));
      free(buf);
      return r;
   }
   buf->pitch = pitch;
   buf->size = size;
   r = add_framebuffer(buf, 0, false);
   if (r) {
      vw_err("kms: framebuffer %ux%u: %s", width, height, strerror(-r));
      vw_scanout_destroy(buf);
      return r;
   }
   *out = buf;
   return 0;
}

int
vw_scanout_map(struct vw_scanout_buffer *buf, uint64_t size, uint64_t alignment)
{
   /* Where size_t is 32 bits, a size (or the aligned reservation) that does not fit would
    * map less than the buffer the copies write. */
   if (size > buf->size || size > SIZE_MAX - alignment)
      return -EINVAL;
   uint64_t offset = 0;
   int r = drmModeMapDumbBuffer(buf->dev->fd, buf->handle, &offset);
   if (r)
      return r < 0 ? r : -r;
   void *p = vw_map_aligned(buf->dev->fd, (off_t)offset, size, alignment);
   if (!p) {
      r = -errno;
      vw_err("kms: mapping a dumb buffer: %s", strerror(errno));
      return r;
   }
   /* At creation rather than in the present thread: at 1080p the first full frame into each
    * of three buffers faulted 6000 pages, 65 ms of the present thread's CPU in the bench. */
   vw_map_prefault(p, (size_t)size);
   buf->map = p;
   buf->map_size = (size_t)size;
   return 0;
}

int
vw_scanout_import(struct vw_kms_device *dev, int fd, uint32_t width, uint32_t height,
                  uint32_t fourcc, uint32_t pitch, uint32_t offset, uint64_t modifier,
                  struct vw_scanout_buffer **out)
{
   struct vw_scanout_buffer *buf = calloc(1, sizeof(*buf));
   if (!buf)
      return -ENOMEM;
   buf->dev = dev;
   buf->width = width;
   buf->height = height;
   buf->fourcc = fourcc;
   buf->pitch = pitch;
   buf->offset = offset;
   if (drmPrimeFDToHandle(dev->fd, fd, &buf->handle)) {
      int r = -errno;
      vw_info("kms: importing a dma-buf: %s", strerror(errno));
      free(buf);
      return r;
   }
   int r = add_framebuffer(buf, modifier, modifier != DRM_FORMAT_MOD_INVALID);
   if (r) {
      vw_err("kms: framebuffer over a dma-buf (pitch %u): %s", pitch, strerror(-r));
      vw_scanout_destroy(buf);
      return r;
   }
   *out = buf;
   return 0;
}

int
vw_scanout_export(struct vw_scanout_buffer *buf)
{
   int fd = -1;
   if (drmPrimeHandleToFD(buf->dev->fd, buf->handle, DRM_CLOEXEC | DRM_RDWR, &fd)) {
      vw_err("kms: exporting a dumb buffer: %s", strerror(errno));
      return -1;
   }
   return fd;
}

/* Linux 6.8 uAPI, missing from older libdrm headers. */
#ifndef DRM_IOCTL_MODE_CLOSEFB
struct drm_mode_closefb {
   uint32_t fb_id;
   uint32_t pad;
};
#define DRM_IOCTL_MODE_CLOSEFB DRM_IOWR(0xD0, struct drm_mode_closefb)
#endif

static void
free_buffer(struct vw_scanout_buffer *buf)
{
   if (buf->map)
      munmap(buf->map, buf->map_size);
   if (buf->handle) {
      if (buf->dumb)
         drmModeDestroyDumbBuffer(buf->dev->fd, buf->handle);
      else
         drmCloseBufferHandle(buf->dev->fd, buf->handle);
   }
   free(buf);
}

bool
vw_scanout_leave_on_screen(struct vw_scanout_buffer *buf)
{
   struct drm_mode_closefb arg = {.fb_id = buf->fb_id};
   if (buf->fb_id && drmIoctl(buf->dev->fd, DRM_IOCTL_MODE_CLOSEFB, &arg)) {
      vw_dbg("kms: CLOSEFB: %s", strerror(errno));
      return false;
   }
   buf->fb_id = 0;
   free_buffer(buf);
   return true;
}

void
vw_scanout_destroy(struct vw_scanout_buffer *buf)
{
   if (!buf)
      return;
   if (buf->fb_id)
      drmModeRmFB(buf->dev->fd, buf->fb_id);
   free_buffer(buf);
}

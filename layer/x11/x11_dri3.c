/* dri3-present: the frame goes into a linear GBM buffer on the X server's own device,
 * which the server imports as a pixmap (DRI3PixmapFromBuffer): a server rendering with
 * the GPU (Xorg with glamor) then shows it without uploading it first. The CPU writes the
 * damaged rows through gbm_bo_map, with the stride that map returns; on virtio-gpu the
 * unmap is what sends the rows to the host. The GPU never touches these buffers here
 * (Venus cannot import them), so any device the server names will do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../gbm_api.h"
#include "../log.h"
#include "venus_wsi/format_table.h"
#include "x11.h"

struct vw_x11_dri3 {
   const struct vw_gbm *gbm_fns;
   struct gbm_device *gbm;
   int fd;
   struct gbm_bo *bos[VW_MAX_IMAGES];
   struct vw_log_limit map_failures;
};

static int
open_server_device(struct vw_x11_swapchain *xsc, char *why, size_t len)
{
   const struct vw_xcb *xcb = xsc->xcb;
   const xcb_query_extension_reply_t *ext = xcb->xcb_get_extension_data(xsc->conn, xcb->dri3_id);
   if (!ext || !ext->present) {
      snprintf(why, len, "the server has no DRI3 extension");
      return -1;
   }
   xcb_dri3_query_version_reply_t *v = xcb->xcb_dri3_query_version_reply(
      xsc->conn, xcb->xcb_dri3_query_version(xsc->conn, 1, 0), NULL);
   free(v);
   xcb_dri3_open_reply_t *open =
      xcb->xcb_dri3_open_reply(xsc->conn, xcb->xcb_dri3_open(xsc->conn, xsc->window, 0), NULL);
   if (!v || !open || open->nfd != 1) {
      snprintf(why, len, "the server's DRI3 gives no device (no GPU rendering there)");
      free(open);
      return -1;
   }
   int fd = xcb->xcb_dri3_open_reply_fds(xsc->conn, open)[0];
   free(open);
   return fd;
}

static void
destroy_dri3(struct vw_x11_dri3 *d)
{
   const struct vw_gbm *gbm = d->gbm_fns;
   for (uint32_t i = 0; i < VW_MAX_IMAGES; i++)
      if (d->bos[i])
         gbm->gbm_bo_destroy(d->bos[i]);
   if (d->gbm)
      gbm->gbm_device_destroy(d->gbm);
   if (d->fd >= 0)
      close(d->fd);
   free(d);
}

static struct gbm_bo *
create_bo(const struct vw_gbm *fns, struct gbm_device *gbm, VkExtent2D e, uint32_t fourcc)
{
   /* Rendering as well where the driver allows it: the server textures from the buffer. */
   struct gbm_bo *bo =
      fns->gbm_bo_create(gbm, e.width, e.height, fourcc, GBM_BO_USE_LINEAR | GBM_BO_USE_RENDERING);
   return bo ? bo : fns->gbm_bo_create(gbm, e.width, e.height, fourcc, GBM_BO_USE_LINEAR);
}

bool
vw_x11_dri3_create(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc, char *why, size_t len)
{
   const struct vw_xcb *xcb = xsc->xcb;
   const struct vw_gbm *gbm = vw_gbm_get();
   if (!xcb->dri3 || !gbm) {
      snprintf(why, len, "libxcb-dri3 or libgbm is not installed");
      return false;
   }
   if (vw_gbm_overridden(why, len))
      return false;
   struct vw_x11_dri3 *d = calloc(1, sizeof(*d));
   if (!d) {
      snprintf(why, len, "out of memory");
      return false;
   }
   d->gbm_fns = gbm;
   d->fd = open_server_device(xsc, why, len);
   if (d->fd < 0) {
      destroy_dri3(d);
      return false;
   }
   d->gbm = gbm->gbm_create_device(d->fd);
   if (!d->gbm) {
      snprintf(why, len, "GBM cannot use the server's device");
      destroy_dri3(d);
      return false;
   }
   const struct vw_format_info *fmt = vw_format_from_vk(sc->format);
   uint32_t fourcc = xsc->depth == 32 && fmt->drm_format_alpha ? fmt->drm_format_alpha
                                                               : fmt->drm_format;
   xcb_void_cookie_t cookies[VW_MAX_IMAGES];
   for (uint32_t i = 0; i < sc->image_count; i++) {
      d->bos[i] = create_bo(gbm, d->gbm, sc->extent, fourcc);
      int fd = d->bos[i] ? gbm->gbm_bo_get_fd(d->bos[i]) : -1;
      uint32_t stride = d->bos[i] ? gbm->gbm_bo_get_stride(d->bos[i]) : 0;
      if (fd < 0 || stride > UINT16_MAX) {
         snprintf(why, len, "GBM cannot make a linear %ux%u buffer to share", sc->extent.width,
                  sc->extent.height);
         if (fd >= 0)
            close(fd);
         for (uint32_t j = 0; j < i; j++)
            vw_x11_discard(xsc, cookies[j]);
         vw_x11_free_pixmaps(xsc, i);
         destroy_dri3(d);
         return false;
      }
      xsc->pixmaps[i] = xcb->xcb_generate_id(xsc->conn);
      /* xcb closes the fd once sent. */
      cookies[i] = xcb->xcb_dri3_pixmap_from_buffer_checked(
         xsc->conn, xsc->pixmaps[i], xsc->window, stride * sc->extent.height,
         (uint16_t)sc->extent.width, (uint16_t)sc->extent.height, (uint16_t)stride, xsc->depth,
         32, fd);
   }
   bool ok = true;
   for (uint32_t i = 0; i < sc->image_count; i++) {
      if (!vw_x11_request_ok(xsc, cookies[i], "DRI3PixmapFromBuffer")) {
         ok = false;
         xsc->pixmaps[i] = 0;
      }
   }
   if (!ok) {
      snprintf(why, len, "the server refused a DRI3 pixmap");
      vw_x11_free_pixmaps(xsc, sc->image_count);
      destroy_dri3(d);
      return false;
   }
   xsc->dri3 = d;
   return true;
}

void
vw_x11_dri3_write(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc, struct vw_image *img,
                  uint32_t index, uint32_t y0, uint32_t y1)
{
   struct vw_x11_dri3 *d = xsc->dri3;
   if (y1 <= y0)
      return;
   vw_image_paths_invalidate_copy(sc, img);
   const uint8_t *src = (const uint8_t *)img->copy.map + (uint64_t)y0 * img->copy.row_bytes;
   if (!vw_gbm_write_rows(d->gbm_fns, d->bos[index], sc->extent.width, src, img->copy.row_bytes,
                          y0, y1)) {
      vw_log_limited(&d->map_failures, VW_LOG_ERROR, "swapchain %u: gbm_bo_map failed: %s",
                     sc->serial, strerror(errno));
      return;
   }
   if (y1 > y0)
      sc->stats.copy_bytes += (uint64_t)sc->extent.width * 4u * (y1 - y0);
}

void
vw_x11_dri3_destroy(struct vw_x11_swapchain *xsc)
{
   if (xsc->dri3)
      destroy_dri3(xsc->dri3);
   xsc->dri3 = NULL;
}

/* The dmabuf method: the frame goes into a linear GBM buffer on the guest's render node,
 * which the compositor imports (zwp_linux_dmabuf_v1) and, rendering with a GPU (weston or
 * sway on virgl), shows without uploading it from shared memory first. The CPU writes the
 * damaged rows through gbm_bo_map; on virtio-gpu the unmap is what sends them to the host.
 * The Vulkan driver never touches these buffers (Venus cannot import them). Buffers are made
 * with the params' 'create' request and a round trip, never 'create_immed': a buffer the
 * compositor refuses must be a fallback to shm, not a protocol error that ends the app's
 * connection. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>

#include "../gbm_api.h"
#include "../log.h"
#include "wayland.h"

#define RENDER_NODE_FIRST 128
#define RENDER_NODE_COUNT 64

struct vw_wl_dmabuf {
   const struct vw_gbm *fns;
   int fd;
   struct gbm_device *gbm;
   struct gbm_bo *bos[VW_MAX_IMAGES];
   struct vw_log_limit map_failures;
   /* The window's own feedback (version 4): a change that drops the swapchain's format or
    * moves the compositor to another device makes the swapchain suboptimal. */
   struct vw_wl_feedback surface_feedback;
   struct vw_wl_swapchain *wsc;
   bool suboptimal_reported;
};

struct params_result {
   struct wl_buffer *buffer;
   bool failed;
};

static void
params_created(void *data, struct zwp_linux_buffer_params_v1 *params, struct wl_buffer *buffer)
{
   ((struct params_result *)data)->buffer = buffer;
}

static void
params_failed(void *data, struct zwp_linux_buffer_params_v1 *params)
{
   ((struct params_result *)data)->failed = true;
}

static const struct zwp_linux_buffer_params_v1_listener params_listener = {
   .created = params_created,
   .failed = params_failed,
};

static void
destroy_dmabuf(struct vw_wl_dmabuf *d)
{
   vw_wl_feedback_finish(&d->surface_feedback);
   for (uint32_t i = 0; i < VW_MAX_IMAGES; i++)
      if (d->bos[i])
         d->fns->gbm_bo_destroy(d->bos[i]);
   if (d->gbm)
      d->fns->gbm_device_destroy(d->gbm);
   if (d->fd >= 0)
      close(d->fd);
   free(d);
}

static bool
try_node(struct vw_wl_dmabuf *d, const char *path)
{
   int fd = open(path, O_RDWR | O_CLOEXEC);
   if (fd < 0)
      return false;
   struct gbm_device *gbm = d->fns->gbm_create_device(fd);
   if (!gbm) {
      close(fd);
      return false;
   }
   d->fd = fd;
   d->gbm = gbm;
   return true;
}

/* The compositor's own device where its feedback names it (version 4), else the first
 * render node GBM can use: a guest has one GPU (virtio-gpu). */
static bool
open_render_node(struct vw_wl_dmabuf *d, const struct vw_wl_globals *g, char *why, size_t len)
{
   drmDevicePtr dev = NULL;
   if (g->has_dmabuf_device && drmGetDeviceFromDevId(g->dmabuf_device, 0, &dev) == 0) {
      bool ok = (dev->available_nodes & (1 << DRM_NODE_RENDER)) &&
                try_node(d, dev->nodes[DRM_NODE_RENDER]);
      drmFreeDevice(&dev);
      if (ok)
         return true;
   }
   for (int i = RENDER_NODE_FIRST; i < RENDER_NODE_FIRST + RENDER_NODE_COUNT; i++) {
      char path[64];
      snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
      if (try_node(d, path))
         return true;
   }
   snprintf(why, len, "no render node GBM can use");
   return false;
}

static void
surface_feedback_done(void *data)
{
   struct vw_wl_dmabuf *d = data;
   struct vw_wl_feedback *fb = &d->surface_feedback;
   struct vw_wl_swapchain *wsc = d->wsc;
   if (fb->dones < 2 || d->suboptimal_reported)
      return; /* the first is the state the swapchain was made for */
   bool format_gone = !vw_wl_formats_have_linear(fb->formats, fb->format_count, wsc->fourcc);
   bool device_moved = wsc->g.has_dmabuf_device && fb->done_has_main_device &&
                       fb->done_main_device != wsc->g.dmabuf_device;
   if (!format_gone && !device_moved)
      return;
   d->suboptimal_reported = true;
   struct vw_swapchain *sc = wsc->sc;
   vw_info("swapchain %u: the compositor's dma-buf feedback changed (%s): suboptimal",
           sc->serial, format_gone ? "no linear buffers of this format any more"
                                   : "another main device");
   pthread_mutex_lock(&sc->pres.lock);
   vw_presentation_set_status_locked(&sc->pres, VK_SUBOPTIMAL_KHR);
   pthread_mutex_unlock(&sc->pres.lock);
}

/* A wl_buffer over 'bo', or NULL (with 'why') when the compositor refuses it. */
static struct wl_buffer *
import_bo(struct vw_wl_swapchain *wsc, struct gbm_bo *bo, char *why, size_t len)
{
   struct vw_wl_dmabuf *d = wsc->dmabuf;
   struct vw_swapchain *sc = wsc->sc;
   int fd = d->fns->gbm_bo_get_fd(bo);
   if (fd < 0) {
      snprintf(why, len, "GBM cannot export its buffer");
      return NULL;
   }
   struct zwp_linux_buffer_params_v1 *params = zwp_linux_dmabuf_v1_create_params(wsc->g.dmabuf);
   if (!params) {
      close(fd);
      snprintf(why, len, "out of memory");
      return NULL;
   }
   struct params_result result = {0};
   zwp_linux_buffer_params_v1_add_listener(params, &params_listener, &result);
   uint64_t modifier =
      vw_wl_linear_modifier(wsc->g.dmabuf_formats, wsc->g.dmabuf_format_count, wsc->fourcc);
   /* libwayland sends a copy of the fd. */
   zwp_linux_buffer_params_v1_add(params, fd, 0, 0, d->fns->gbm_bo_get_stride(bo),
                                  (uint32_t)(modifier >> 32), (uint32_t)modifier);
   zwp_linux_buffer_params_v1_create(params, (int32_t)sc->extent.width,
                                     (int32_t)sc->extent.height, wsc->fourcc, 0);
   int rt = 0;
   while (!result.buffer && !result.failed && rt >= 0)
      rt = wl_display_roundtrip_queue(wsc->g.display, wsc->g.queue);
   zwp_linux_buffer_params_v1_destroy(params);
   close(fd);
   if (!result.buffer)
      snprintf(why, len, "%s", rt < 0 ? "the connection broke while importing a dma-buf"
                                      : "the compositor refused a linear dma-buf");
   return result.buffer;
}

bool
vw_wl_dmabuf_create(struct vw_wl_swapchain *wsc, char *why, size_t len)
{
   struct vw_swapchain *sc = wsc->sc;
   const struct vw_gbm *fns = vw_gbm_get();
   if (!fns) {
      snprintf(why, len, "libgbm is not installed");
      return false;
   }
   if (vw_gbm_overridden(why, len))
      return false;
   struct vw_wl_dmabuf *d = calloc(1, sizeof(*d));
   if (!d) {
      snprintf(why, len, "out of memory");
      return false;
   }
   d->fns = fns;
   d->fd = -1;
   d->wsc = wsc;
   if (!open_render_node(d, &wsc->g, why, len)) {
      destroy_dmabuf(d);
      return false;
   }
   wsc->dmabuf = d;
   for (uint32_t i = 0; i < sc->image_count; i++) {
      /* Rendering as well where the driver allows it: the compositor textures from it. */
      d->bos[i] = fns->gbm_bo_create(d->gbm, sc->extent.width, sc->extent.height, wsc->fourcc,
                                     GBM_BO_USE_LINEAR | GBM_BO_USE_RENDERING);
      if (!d->bos[i])
         d->bos[i] = fns->gbm_bo_create(d->gbm, sc->extent.width, sc->extent.height,
                                        wsc->fourcc, GBM_BO_USE_LINEAR);
      if (!d->bos[i]) {
         char fcc[5];
         snprintf(why, len, "GBM cannot make a linear %ux%u %s buffer", sc->extent.width,
                  sc->extent.height, vw_fourcc_str(wsc->fourcc, fcc));
      }
      wsc->buffers[i] = d->bos[i] ? import_bo(wsc, d->bos[i], why, len) : NULL;
      if (!wsc->buffers[i]) {
         for (uint32_t j = 0; j < i; j++) {
            wl_buffer_destroy(wsc->buffers[j]);
            wsc->buffers[j] = NULL;
         }
         vw_wl_dmabuf_destroy(wsc);
         return false;
      }
   }
   if (wsc->g.dmabuf_version >= 4) {
      struct zwp_linux_dmabuf_feedback_v1 *fb =
         zwp_linux_dmabuf_v1_get_surface_feedback(wsc->g.dmabuf, wsc->surface);
      if (fb)
         vw_wl_feedback_listen(&d->surface_feedback, fb, surface_feedback_done, d);
   }
   return true;
}

void
vw_wl_dmabuf_write(struct vw_wl_swapchain *wsc, struct vw_image *img, uint32_t index,
                   uint32_t y0, uint32_t y1)
{
   struct vw_wl_dmabuf *d = wsc->dmabuf;
   struct vw_swapchain *sc = wsc->sc;
   if (y1 <= y0)
      return;
   vw_image_paths_invalidate_copy(sc, img);
   const uint8_t *src = (const uint8_t *)img->copy.map + (uint64_t)y0 * img->copy.row_bytes;
   if (!vw_gbm_write_rows(d->fns, d->bos[index], sc->extent.width, src, img->copy.row_bytes, y0,
                          y1)) {
      vw_log_limited(&d->map_failures, VW_LOG_ERROR, "swapchain %u: gbm_bo_map failed: %s",
                     sc->serial, strerror(errno));
      return;
   }
   if (y1 > y0)
      sc->stats.copy_bytes += (uint64_t)sc->extent.width * 4u * (y1 - y0);
}

void
vw_wl_dmabuf_destroy(struct vw_wl_swapchain *wsc)
{
   if (wsc->dmabuf)
      destroy_dmabuf(wsc->dmabuf);
   wsc->dmabuf = NULL;
}

/* Wayland swapchains: how frames reach the compositor, fastest first.
 *  - dmabuf: the compositor renders with a GPU and imports linear dma-bufs
 *    (zwp_linux_dmabuf_v1): GBM buffers on the guest's render node, the damaged rows
 *    written through their map (wl_dmabuf.c). The GPU that renders the frames never touches
 *    them (Venus cannot import them), so the copy path feeds them.
 *  - shm: each image's frame sits in a memfd buffer the compositor maps too (a wl_shm pool
 *    per image). With host-pointer import (path C) the GPU writes straight into it;
 *    otherwise (path D) the CPU copies only the damaged rows, and the same rectangles go to
 *    wl_surface.damage_buffer, so the compositor uploads no more than changed.
 * FIFO waits for a frame callback after each commit, and where the compositor has
 * wp_fifo_v1 each FIFO commit also waits for the barrier the one before raised, so that no
 * frame is shown for less than a refresh even where callbacks come early (the protocol
 * itself leaves throttling to callbacks or a timer); a window the compositor stops
 * repainting (hidden, minimised, on another workspace) sends none, so after
 * WL_FRAME_TIMEOUT_NS without one the layer paces by a timer until callbacks come back.
 * MAILBOX and IMMEDIATE commit each frame as it is ready; the compositor shows the newest
 * and hands the others back. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../log.h"
#include "../memfd_buffers.h"
#include "venus_wsi/config.h"
#include "venus_wsi/damage.h"
#include "venus_wsi/format_table.h"
#include "wayland.h"

/* 10 frames/s for a window nobody looks at: slow enough to cost little, fast enough that a
 * compositor merely late with a callback (a loaded guest) is not outrun by much. The first
 * frame gets longer: the compositor maps the window then (placement, a first repaint). */
#define WL_FRAME_TIMEOUT_NS 100000000ull
#define WL_FIRST_FRAME_TIMEOUT_NS 1000000000ull
/* wl_surface.damage_buffer came with version 4 of wl_surface. */
#define WL_SURFACE_DAMAGE_BUFFER_VERSION 4u

static const char *
method_name(enum vw_wl_method m)
{
   return m == VW_WL_DMABUF ? "dmabuf" : "shm";
}

static VkResult
make_shm_buffers(struct vw_wl_swapchain *wsc, struct vw_swapchain *sc)
{
   for (uint32_t i = 0; i < sc->image_count; i++) {
      const struct vw_provided_buffer *buf = &wsc->paths.bufs[i];
      /* libwayland sends a copy of the fd; the buffer keeps the pool alive. */
      struct wl_shm_pool *pool =
         wl_shm_create_pool(wsc->g.shm, vw_memfd(buf)->fd, (int32_t)buf->size);
      if (!pool)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      wsc->buffers[i] = wl_shm_pool_create_buffer(
         pool, 0, (int32_t)sc->extent.width, (int32_t)sc->extent.height, (int32_t)buf->pitch,
         vw_wl_shm_code(wsc->fourcc));
      wl_shm_pool_destroy(pool);
      if (!wsc->buffers[i])
         return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return VK_SUCCESS;
}

static enum vw_wl_method
choose_method(struct vw_wl_swapchain *wsc, struct vw_swapchain *sc, char *why, size_t len)
{
   enum vw_wayland_choice from = vw_config_get()->wayland;
   char no_dmabuf[200] = "VENUS_WSI_WAYLAND=shm";
   if (from != VW_WAYLAND_CHOOSE_SHM) {
      char fcc[5];
      /* The dma-bufs are filled from the frame's host copy, which path E has none of: it
       * renders into the shared memory itself, which no copy beats anyway. */
      if (sc->path == VW_PATH_HOSTPTR_IMAGE)
         snprintf(no_dmabuf, sizeof(no_dmabuf),
                  "path E renders into the shared memory itself (no copy at all)");
      else if (!wsc->g.dmabuf)
         snprintf(no_dmabuf, sizeof(no_dmabuf), "the compositor has no zwp_linux_dmabuf_v1");
      else if (!vw_wl_globals_has_linear_dmabuf(&wsc->g, wsc->fourcc))
         snprintf(no_dmabuf, sizeof(no_dmabuf), "the compositor takes no linear %s dma-buf",
                  vw_fourcc_str(wsc->fourcc, fcc));
#ifdef VW_HAVE_WAYLAND_DMABUF
      else if (vw_wl_dmabuf_create(wsc, no_dmabuf, sizeof(no_dmabuf))) {
         snprintf(why, len, "the compositor imports linear dma-bufs");
         return VW_WL_DMABUF;
      }
#else
      else
         snprintf(no_dmabuf, sizeof(no_dmabuf), "built without GBM");
#endif
   }
   if (from == VW_WAYLAND_CHOOSE_DMABUF)
      vw_err("swapchain %u: VENUS_WSI_WAYLAND=dmabuf is not possible here (%s): shm instead",
             sc->serial, no_dmabuf);
   snprintf(why, len, "no dma-buf: %s", no_dmabuf);
   return VW_WL_SHM;
}

VkResult
vw_wl_create_swapchain(struct vw_swapchain *sc)
{
   struct vw_wl_surface *ws = sc->surface->backend_data;
   struct vw_wl_swapchain *wsc = calloc(1, sizeof(*wsc));
   if (!wsc)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   pthread_mutex_init(&wsc->lock, NULL);
   wsc->stop_fd = -1;
   wsc->sc = sc;
   sc->backend_data = wsc;
   for (uint32_t i = 0; i < VW_MAX_IMAGES; i++)
      wsc->refs[i] = (struct vw_wl_buffer_ref){wsc, i};
   if (!vw_wl_load())
      return VK_ERROR_INITIALIZATION_FAILED;
   VkResult r = vw_wl_globals_init(&wsc->g, ws->display);
   if (r != VK_SUCCESS)
      return r;
   if (!wsc->g.shm) {
      vw_err("swapchain %u: the compositor has no wl_shm", sc->serial);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   const struct vw_format_info *fmt = vw_format_from_vk(sc->format);
   bool alpha = sc->composite_alpha == VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR;
   wsc->fourcc = !fmt ? 0 : alpha ? fmt->drm_format_alpha : fmt->drm_format;
   if (alpha && fmt &&
       (!wsc->fourcc || !vw_wl_globals_has_shm_format(&wsc->g, wsc->fourcc))) {
      /* PRE_MULTIPLIED is offered for every format (a surface's alpha modes cannot depend
       * on one); where the compositor has no alpha twin of this one the frame is shown
       * opaque rather than the creation failing. */
      char fcc[5];
      vw_info("swapchain %u: the compositor takes no %s buffers: premultiplied alpha is "
              "shown opaque", sc->serial, vw_fourcc_str(wsc->fourcc, fcc));
      wsc->fourcc = fmt->drm_format;
   }
   if (!wsc->fourcc || !vw_wl_globals_has_shm_format(&wsc->g, wsc->fourcc)) {
      char fcc[5];
      vw_err("swapchain %u: the compositor takes no %s buffers (format %d, %s)", sc->serial,
             vw_fourcc_str(wsc->fourcc, fcc), sc->format, alpha ? "premultiplied" : "opaque");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   wsc->surface = wl_proxy_create_wrapper(ws->surface);
   if (!wsc->surface)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   wl_proxy_set_queue((struct wl_proxy *)wsc->surface, wsc->g.queue);
   wsc->fifo = sc->present_mode == VK_PRESENT_MODE_FIFO_KHR ||
               sc->present_mode == VK_PRESENT_MODE_FIFO_RELAXED_KHR ||
               sc->present_mode == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT;
   if (wsc->fifo && !vw_config_get()->wayland_fifo_off)
      wsc->fifo_barriers = vw_wl_surface_fifo(ws, wsc->g.fifo_manager);

   struct vw_buffer_provider provider = vw_memfd_provider("the Wayland backend");
   r = vw_image_paths_create(&wsc->paths, sc, &provider);
   if (r != VK_SUCCESS)
      return r;
   char why[256];
   wsc->method = choose_method(wsc, sc, why, sizeof(why));
   if (wsc->method == VW_WL_SHM) {
      r = make_shm_buffers(wsc, sc);
      if (r != VK_SUCCESS)
         return r;
   }
   for (uint32_t i = 0; i < sc->image_count; i++)
      wl_buffer_add_listener(wsc->buffers[i], &vw_wl_buffer_listener, &wsc->refs[i]);
   /* A buffer the compositor refused is a protocol error, which breaks the connection:
    * find out here rather than at the first present. */
   if (wl_display_roundtrip_queue(wsc->g.display, wsc->g.queue) < 0) {
      vw_err("swapchain %u: the compositor refused the buffers (connection error %d)",
             sc->serial, wl_display_get_error(wsc->g.display));
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   char fcc[5];
   /* FIFO_RELAXED frames carry no barrier (see vw_wl_present). */
   bool barriers = wsc->fifo_barriers && sc->present_mode != VK_PRESENT_MODE_FIFO_RELAXED_KHR;
   sc->pacing = !wsc->fifo ? "when-ready" : barriers ? "fifo-barrier" : "frame-callback";
   vw_info("swapchain %u: wayland presentation: %s (%s), path %s, %s buffers, paced %s",
           sc->serial, method_name(wsc->method), why, vw_path_name(sc->path),
           vw_fourcc_str(wsc->fourcc, fcc), sc->pacing);
   sc->method = method_name(wsc->method);
   sc->refresh_period_ns = 0; /* frame callbacks pace FIFO */
   sc->stats.display_feedback = wsc->g.presentation != NULL;
   sc->hold_displayed = false;
   sc->backend_releases = true;
   return VK_SUCCESS;
}

bool
vw_wl_wants_copy(struct vw_swapchain *sc, struct vw_image *img)
{
   return vw_image_paths_wants_copy(sc);
}

static void
send_damage(struct vw_wl_swapchain *wsc, struct vw_swapchain *sc, const struct vw_damage *damage)
{
   if (wl_proxy_get_version((struct wl_proxy *)wsc->surface) <
       WL_SURFACE_DAMAGE_BUFFER_VERSION) {
      /* Surface coordinates need the app's scale and transform, which the layer does not
       * know: all of it. */
      wl_surface_damage(wsc->surface, 0, 0, INT32_MAX, INT32_MAX);
      return;
   }
   if (damage->full || damage->count == 0) {
      wl_surface_damage_buffer(wsc->surface, 0, 0, (int32_t)sc->extent.width,
                               (int32_t)sc->extent.height);
      return;
   }
   for (uint32_t i = 0; i < damage->count; i++) {
      const VkRect2D *r = &damage->rects[i];
      wl_surface_damage_buffer(wsc->surface, r->offset.x, r->offset.y, (int32_t)r->extent.width,
                               (int32_t)r->extent.height);
   }
}

VkResult
vw_wl_present(struct vw_swapchain *sc, struct vw_image *img, const struct vw_damage *damage,
              bool *shown)
{
   struct vw_wl_swapchain *wsc = sc->backend_data;
   uint32_t index = (uint32_t)(img - sc->images);
   *shown = false;
   pthread_mutex_lock(&wsc->lock);
   VkResult lost = wsc->lost;
   pthread_mutex_unlock(&wsc->lock);
   if (lost < 0)
      return lost;
   if (wl_display_get_error(wsc->g.display)) {
      vw_wl_connection_lost(wsc, "before a present");
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   if (!wsc->event_thread_started) {
      VkResult r = vw_wl_events_start(wsc);
      if (r != VK_SUCCESS)
         return r;
   }
   /* A swapchain the app replaced (oldSwapchain) sends nothing more: its frames would
    * land on the surface after the new swapchain's, and two present threads attaching
    * and committing on one wl_surface could commit each other's buffers. */
   pthread_mutex_lock(&sc->pres.lock);
   bool retired = sc->pres.retired;
   pthread_mutex_unlock(&sc->pres.lock);
   if (retired) {
      vw_swapchain_release_image(sc, index);
      *shown = true;
      return VK_SUCCESS;
   }

   if (wsc->method == VW_WL_SHM) {
      vw_image_paths_before_show(&wsc->paths, sc, index, damage);
   } else {
      /* The buffer still holds this image's last frame: only what changed since. */
      uint32_t y0, y1;
      vw_damage_row_band(damage, sc->extent, &y0, &y1);
#ifdef VW_HAVE_WAYLAND_DMABUF
      vw_wl_dmabuf_write(wsc, img, index, y0, y1);
#endif
   }

   wl_surface_attach(wsc->surface, wsc->buffers[index], 0, 0);
   send_damage(wsc, sc, damage);
   if (wsc->fifo_barriers) {
      pthread_mutex_lock(&sc->pres.lock);
      VkPresentModeKHR mode = sc->pres.pq.frame_mode[index];
      pthread_mutex_unlock(&sc->pres.lock);
      /* FIFO_RELAXED shows a late frame at once: it neither waits nor holds the next. */
      if (mode == VK_PRESENT_MODE_FIFO_KHR || mode == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT) {
         wp_fifo_v1_wait_barrier(wsc->fifo_barriers);
         wp_fifo_v1_set_barrier(wsc->fifo_barriers);
      }
   }
   pthread_mutex_lock(&wsc->lock);
   wsc->sent_serial++;
   wsc->frame_sent_ns = vw_now_ns();
   /* One callback at a time: a window that is not repainted keeps its callback pending,
    * and a new one per frame would pile up. Any callback that comes means a repaint. */
   bool ask_frame = wsc->fifo && !wsc->frame;
   bool ask_feedback = wsc->g.presentation && wsc->feedback_count < VW_WL_MAX_FEEDBACK;
   pthread_mutex_unlock(&wsc->lock);
   if (ask_feedback) {
      struct wp_presentation_feedback *fb = wp_presentation_feedback(wsc->g.presentation,
                                                                     wsc->surface);
      if (fb) {
         wp_presentation_feedback_add_listener(fb, &vw_wl_presentation_listener, wsc);
         pthread_mutex_lock(&wsc->lock);
         wsc->feedback[wsc->feedback_count++] = fb;
         pthread_mutex_unlock(&wsc->lock);
      }
   }
   if (ask_frame) {
      struct wl_callback *cb = wl_surface_frame(wsc->surface);
      if (cb) {
         wl_callback_add_listener(cb, &vw_wl_frame_listener, wsc);
         pthread_mutex_lock(&wsc->lock);
         wsc->frame = cb;
         pthread_mutex_unlock(&wsc->lock);
      }
   }
   wl_surface_commit(wsc->surface);
   if (wl_display_flush(wsc->g.display) < 0 && errno != EAGAIN) {
      vw_wl_connection_lost(wsc, "sending a frame");
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   *shown = !wsc->fifo;
   return VK_SUCCESS;
}

VkResult
vw_wl_wait_flip(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns, bool *shown)
{
   struct vw_wl_swapchain *wsc = sc->backend_data;
   *shown = false;
   for (int round = 0; round < 2; round++) {
      pthread_mutex_lock(&wsc->lock);
      VkResult lost = wsc->lost;
      bool done = wsc->done_serial == wsc->sent_serial;
      uint64_t waited = vw_now_ns() - wsc->frame_sent_ns;
      uint64_t limit = wsc->done_serial ? WL_FRAME_TIMEOUT_NS : WL_FIRST_FRAME_TIMEOUT_NS;
      bool timed_out = !done && waited >= limit;
      bool tell = timed_out && !wsc->timer_pacing_logged;
      if (tell)
         wsc->timer_pacing_logged = true;
      pthread_mutex_unlock(&wsc->lock);
      if (lost < 0)
         return lost;
      if (tell)
         vw_info("swapchain %u: no frame callback in %llu ms (the window is not being "
                 "repainted): FIFO paced by a timer until callbacks come back",
                 sc->serial, (unsigned long long)(limit / 1000000));
      if (done || timed_out) {
         *shown = true;
         return VK_SUCCESS;
      }
      if (round == 1)
         break;
      uint64_t left = limit - waited;
      if (left > timeout_ns)
         left = timeout_ns;
      struct pollfd pfd = {.fd = wake_fd, .events = POLLIN};
      poll(&pfd, 1, (int)((left + 999999) / 1000000));
   }
   return VK_SUCCESS;
}

void
vw_wl_destroy_swapchain(struct vw_swapchain *sc)
{
   struct vw_wl_swapchain *wsc = sc->backend_data;
   if (!wsc)
      return;
   vw_wl_events_stop(wsc);
   if (wsc->g.display) {
      /* Nothing reads the queue any more: no listener can run while these go. */
      if (wsc->frame)
         wl_callback_destroy(wsc->frame);
      for (uint32_t i = 0; i < wsc->feedback_count; i++)
         wp_presentation_feedback_destroy(wsc->feedback[i]);
      for (uint32_t i = 0; i < VW_MAX_IMAGES; i++)
         if (wsc->buffers[i])
            wl_buffer_destroy(wsc->buffers[i]);
#ifdef VW_HAVE_WAYLAND_DMABUF
      vw_wl_dmabuf_destroy(wsc);
#endif
      if (wsc->surface)
         wl_proxy_wrapper_destroy(wsc->surface);
      wl_display_flush(wsc->g.display);
      vw_wl_globals_finish(&wsc->g);
   }
   vw_image_paths_free_buffers(&wsc->paths);
   pthread_mutex_destroy(&wsc->lock);
   free(wsc);
   sc->backend_data = NULL;
}

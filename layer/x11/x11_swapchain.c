/* X11 swapchains: how frames reach the window, fastest first.
 *  - dri3-present: the server renders with a GPU (Xorg with glamor): GBM buffers on its
 *    device become pixmaps (x11_dri3.c), the damaged rows are written through their map.
 *  - shm-present: each image's frame sits in a memfd buffer the server maps too (MIT-SHM
 *    pixmaps, ShmAttachFd); PresentPixmap shows it, the server paces with its MSC and hands
 *    each pixmap back by IdleNotify. With host-pointer import (path C) the GPU writes
 *    straight into the shared memory; otherwise (path D) the CPU copies the damaged rows.
 *  - put-image-present: no MIT-SHM (a remote server, ShmAttachFd refused): the damaged rows
 *    go into a server pixmap with PutImage, then the same Present.
 *  - put-image: no Present either: PutImage into the window, the layer paces FIFO. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../log.h"
#include "venus_wsi/config.h"
#include "venus_wsi/damage.h"
#include "venus_wsi/format_table.h"
#include "x11.h"

#define X11_FALLBACK_REFRESH_NS (1000000000ull / 60)
/* A completion this late makes the present thread ask whether the window still exists:
 * servers without PresentWindowDestroyed say nothing when it goes. */
#define X11_SLOW_COMPLETION_NS 500000000ull
#define PUT_IMAGE_HEADER_BYTES 24u

void
vw_x11_discard(struct vw_x11_swapchain *xsc, xcb_void_cookie_t cookie)
{
   /* Checked requests whose errors nobody reads: an error must never reach the app's
    * event queue (Xlib's default handler exits the process). */
   xsc->xcb->xcb_discard_reply(xsc->conn, cookie.sequence);
}

bool
vw_x11_request_ok(struct vw_x11_swapchain *xsc, xcb_void_cookie_t cookie, const char *what)
{
   xcb_generic_error_t *err = xsc->xcb->xcb_request_check(xsc->conn, cookie);
   if (!err)
      return true;
   vw_info("X11: %s failed: X error %u", what, err->error_code);
   free(err);
   return false;
}

/* fds pass only over a local socket; ssh -X and TCP displays have none. */
static bool
connection_is_local(struct vw_x11_swapchain *xsc)
{
   struct sockaddr_storage addr;
   socklen_t len = sizeof(addr);
   int fd = xsc->xcb->xcb_get_file_descriptor(xsc->conn);
   return getsockname(fd, (struct sockaddr *)&addr, &len) == 0 && addr.ss_family == AF_UNIX;
}

static bool
has_present(struct vw_x11_swapchain *xsc, char *why, size_t len)
{
   const struct vw_xcb *xcb = xsc->xcb;
   if (!xcb->present) {
      snprintf(why, len, "libxcb-present is not installed");
      return false;
   }
   const xcb_query_extension_reply_t *ext = xcb->xcb_get_extension_data(xsc->conn, xcb->present_id);
   if (!ext || !ext->present) {
      snprintf(why, len, "the server has no Present extension");
      return false;
   }
   xcb_present_query_version_reply_t *v = xcb->xcb_present_query_version_reply(
      xsc->conn, xcb->xcb_present_query_version(xsc->conn, 1, 2), NULL);
   bool ok = v != NULL;
   free(v);
   if (!ok)
      snprintf(why, len, "Present's version query failed");
   return ok;
}

static bool
has_shm_fd(struct vw_x11_swapchain *xsc, char *why, size_t len)
{
   const struct vw_xcb *xcb = xsc->xcb;
   if (!xcb->shm) {
      snprintf(why, len, "libxcb-shm is not installed");
      return false;
   }
   const xcb_query_extension_reply_t *ext = xcb->xcb_get_extension_data(xsc->conn, xcb->shm_id);
   if (!ext || !ext->present) {
      snprintf(why, len, "the server has no MIT-SHM extension");
      return false;
   }
   xcb_shm_query_version_reply_t *v =
      xcb->xcb_shm_query_version_reply(xsc->conn, xcb->xcb_shm_query_version(xsc->conn), NULL);
   bool fd_passing = v && (v->major_version > 1 || v->minor_version >= 2);
   bool pixmaps = v && v->shared_pixmaps;
   free(v);
   if (!fd_passing || !pixmaps) {
      snprintf(why, len, "the server's MIT-SHM has no %s",
               !fd_passing ? "fd passing (version 1.2)" : "shared pixmaps");
      return false;
   }
   if (!connection_is_local(xsc)) {
      snprintf(why, len, "the connection is not local (no fd passing)");
      return false;
   }
   return true;
}

void
vw_x11_free_pixmaps(struct vw_x11_swapchain *xsc, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++) {
      if (xsc->pixmaps[i])
         vw_x11_discard(xsc, xsc->xcb->xcb_free_pixmap_checked(xsc->conn, xsc->pixmaps[i]));
      if (xsc->segs[i])
         vw_x11_discard(xsc, xsc->xcb->xcb_shm_detach_checked(xsc->conn, xsc->segs[i]));
      xsc->pixmaps[i] = 0;
      xsc->segs[i] = 0;
   }
}

/* MIT-SHM pixmaps over every image's buffer; false (nothing left behind) when the server
 * refuses one. */
static bool
make_shm_pixmaps(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc, char *why, size_t len)
{
   const struct vw_xcb *xcb = xsc->xcb;
   for (uint32_t i = 0; i < sc->image_count; i++) {
      /* xcb closes what it sends. Writable: the server refuses pixmaps over read-only
       * segments. */
      int fd = dup(vw_memfd(&xsc->paths.bufs[i])->fd);
      if (fd < 0) {
         snprintf(why, len, "dup: %s", strerror(errno));
         vw_x11_free_pixmaps(xsc, i);
         return false;
      }
      xsc->segs[i] = xcb->xcb_generate_id(xsc->conn);
      xcb_void_cookie_t attach = xcb->xcb_shm_attach_fd_checked(xsc->conn, xsc->segs[i], fd, 0);
      xsc->pixmaps[i] = xcb->xcb_generate_id(xsc->conn);
      xcb_void_cookie_t create = xcb->xcb_shm_create_pixmap_checked(
         xsc->conn, xsc->pixmaps[i], xsc->window, (uint16_t)sc->extent.width,
         (uint16_t)sc->extent.height, xsc->depth, xsc->segs[i], 0);
      bool attached = vw_x11_request_ok(xsc, attach, "ShmAttachFd");
      bool created = vw_x11_request_ok(xsc, create, "ShmCreatePixmap");
      if (!attached || !created) {
         snprintf(why, len, "the server refused %s", !attached ? "ShmAttachFd" : "a shared pixmap");
         if (!created)
            xsc->pixmaps[i] = 0;
         if (!attached)
            xsc->segs[i] = 0;
         vw_x11_free_pixmaps(xsc, i + 1);
         return false;
      }
   }
   return true;
}

static bool
make_server_pixmaps(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc)
{
   for (uint32_t i = 0; i < sc->image_count; i++) {
      xsc->pixmaps[i] = xsc->xcb->xcb_generate_id(xsc->conn);
      xcb_void_cookie_t c = xsc->xcb->xcb_create_pixmap_checked(
         xsc->conn, xsc->depth, xsc->pixmaps[i], xsc->window, (uint16_t)sc->extent.width,
         (uint16_t)sc->extent.height);
      if (!vw_x11_request_ok(xsc, c, "CreatePixmap")) {
         xsc->pixmaps[i] = 0;
         vw_x11_free_pixmaps(xsc, i);
         return false;
      }
   }
   return true;
}

static enum vw_x11_method
choose_method(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc, char *why, size_t len)
{
   /* VENUS_WSI_X11 skips the faster methods (to test or work around one). */
   enum vw_x11_choice from = vw_config_get()->x11;
   char no_present[128] = "", no_shm[160] = "";
   if (from == VW_X11_CHOOSE_PUT_IMAGE) {
      snprintf(why, len, "VENUS_WSI_X11=put-image");
      return VW_X11_PUT_IMAGE;
   }
   if (!has_present(xsc, no_present, sizeof(no_present))) {
      snprintf(why, len, "%s", no_present);
      return VW_X11_PUT_IMAGE;
   }
   char no_dri3[160] = "VENUS_WSI_X11 skips it";
#ifdef VW_HAVE_X11_DRI3
   if (sc->path == VW_PATH_HOSTPTR_IMAGE) {
      /* DRI3 buffers are filled from the frame's host copy, which path E has none of: it
       * renders into the shared memory itself, which no copy beats anyway. */
      snprintf(no_dri3, sizeof(no_dri3), "path E renders into the shared memory itself");
   } else if (from == VW_X11_AUTO || from == VW_X11_CHOOSE_DRI3_PRESENT) {
      if (vw_x11_dri3_create(xsc, sc, no_dri3, sizeof(no_dri3))) {
         snprintf(why, len, "DRI3 and Present: the server renders on a GPU");
         return VW_X11_DRI3_PRESENT;
      }
   }
#else
   snprintf(no_dri3, sizeof(no_dri3), "built without DRI3");
#endif
   if (from == VW_X11_CHOOSE_PUT_IMAGE_PRESENT) {
      snprintf(no_shm, sizeof(no_shm), "VENUS_WSI_X11=put-image-present");
   } else if (has_shm_fd(xsc, no_shm, sizeof(no_shm)) &&
              make_shm_pixmaps(xsc, sc, no_shm, sizeof(no_shm))) {
      snprintf(why, len, "MIT-SHM with fd passing and Present; no DRI3: %s", no_dri3);
      return VW_X11_SHM_PRESENT;
   }
   if (sc->present_mode == VK_PRESENT_MODE_IMMEDIATE_KHR && from == VW_X11_AUTO) {
      /* Nothing to pace: straight into the window saves the server a copy. */
      snprintf(why, len, "no MIT-SHM (%s); IMMEDIATE needs no Present", no_shm);
      return VW_X11_PUT_IMAGE;
   }
   if (make_server_pixmaps(xsc, sc)) {
      snprintf(why, len, "no MIT-SHM: %s", no_shm);
      return VW_X11_PUT_IMAGE_PRESENT;
   }
   snprintf(why, len, "no MIT-SHM (%s) and no server pixmaps", no_shm);
   return VW_X11_PUT_IMAGE;
}

VkResult
vw_x11_create_swapchain(struct vw_swapchain *sc)
{
   struct vw_x11_surface *xs = sc->surface->backend_data;
   struct vw_x11_swapchain *xsc = calloc(1, sizeof(*xsc));
   if (!xsc)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   pthread_mutex_init(&xsc->lock, NULL);
   xsc->stop_fd = -1;
   xsc->sc = sc;
   sc->backend_data = xsc;
   xsc->xcb = vw_xcb_get();
   if (!xsc->xcb)
      return VK_ERROR_INITIALIZATION_FAILED;
   xsc->window = xs->window;
   char conn_why[320];
   xsc->conn = vw_x11_connect_private(xsc->xcb, xs, conn_why, sizeof(conn_why));
   xsc->own_conn = xsc->conn != NULL;
   if (!xsc->own_conn) {
      xsc->conn = xs->conn;
      vw_info("swapchain %u: X11 requests go on the app's connection: %s", sc->serial,
              conn_why);
   }

   struct vw_x11_window_info info;
   VkResult r = vw_x11_window_query(xsc->xcb, xs, &info);
   if (r != VK_SUCCESS) {
      vw_err("swapchain %u: X11 window 0x%x is gone", sc->serial, xs->window);
      return r;
   }
   const struct vw_format_info *fmt = vw_format_from_vk(sc->format);
   uint32_t fourcc = vw_x11_visual_fourcc(&info);
   if (!fmt || !fourcc || fmt->drm_format != fourcc) {
      vw_err("swapchain %u: format %d does not match window 0x%x's depth-%u visual", sc->serial,
             sc->format, xs->window, info.depth);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   xsc->depth = info.depth;
   xsc->window_width = info.width;
   xsc->window_height = info.height;
   if (info.width != sc->extent.width || info.height != sc->extent.height) {
      /* Made for a size the window no longer has: suboptimal at once, out of date at the
       * app's second present (see out_of_date()). */
      vw_info("swapchain %u: %ux%u for a %ux%u window: suboptimal", sc->serial,
              sc->extent.width, sc->extent.height, info.width, info.height);
      xsc->suboptimal_reported = true;
      pthread_mutex_lock(&sc->pres.lock);
      vw_presentation_set_status_locked(&sc->pres, VK_SUBOPTIMAL_KHR);
      pthread_mutex_unlock(&sc->pres.lock);
   }
   xsc->max_request_bytes = xsc->xcb->xcb_get_maximum_request_length(xsc->conn) * 4u;

   struct vw_buffer_provider provider = vw_memfd_provider("the X11 backend");
   r = vw_image_paths_create(&xsc->paths, sc, &provider);
   if (r != VK_SUCCESS)
      return r;

   char why[256];
   xsc->method = choose_method(xsc, sc, why, sizeof(why));
   vw_info("swapchain %u: x11 presentation: %s (%s), path %s, %s connection", sc->serial,
           vw_x11_method_name(xsc->method), why, vw_path_name(sc->path),
           xsc->own_conn ? "its own" : "the app's");
   sc->method = vw_x11_method_name(xsc->method);

   if (xsc->method == VW_X11_PUT_IMAGE || xsc->method == VW_X11_PUT_IMAGE_PRESENT) {
      xsc->gc = xsc->xcb->xcb_generate_id(xsc->conn);
      uint32_t no_exposures = 0;
      vw_x11_discard(xsc, xsc->xcb->xcb_create_gc_checked(xsc->conn, xsc->gc, xsc->window,
                                                   XCB_GC_GRAPHICS_EXPOSURES, &no_exposures));
   }
   if (xsc->method == VW_X11_PUT_IMAGE) {
      /* Nobody paces but the layer; the server has the frame once it is sent. */
      sc->refresh_period_ns = X11_FALLBACK_REFRESH_NS;
      sc->hold_displayed = false;
      sc->backend_releases = false;
      return VK_SUCCESS;
   }
   sc->refresh_period_ns = 0; /* Present paces by the server's MSC */
   sc->backend_releases = true;
   /* Events queue up from here; the thread that reads them starts with the first present,
    * once the core's presentation state (present queue, wake fd) exists. */
   return vw_x11_events_register(xsc);
}

bool
vw_x11_wants_copy(struct vw_swapchain *sc, struct vw_image *img)
{
   return vw_image_paths_wants_copy(sc);
}

/* Rows [y0, y1) of the frame in 'img's host copy, as few PutImage requests as the
 * server's request limit allows. */
static void
put_rows(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc, struct vw_image *img,
         xcb_drawable_t dst, uint32_t y0, uint32_t y1)
{
   const struct vw_xcb *xcb = xsc->xcb;
   uint32_t width = sc->extent.width;
   uint32_t row = width * 4u;
   const uint8_t *src = img->copy.map;
   uint32_t limit = xsc->max_request_bytes > PUT_IMAGE_HEADER_BYTES
                       ? xsc->max_request_bytes - PUT_IMAGE_HEADER_BYTES
                       : row;
   /* Rows go in one request only where they are packed as the server reads them. */
   uint32_t per_request = img->copy.row_bytes == row ? limit / row : 1;
   if (per_request == 0)
      per_request = 1; /* a row beyond the limit cannot be split; the server says so */
   for (uint32_t y = y0; y < y1;) {
      uint32_t n = y1 - y < per_request ? y1 - y : per_request;
      vw_x11_discard(xsc, xcb->xcb_put_image_checked(xsc->conn, XCB_IMAGE_FORMAT_Z_PIXMAP, dst, xsc->gc,
                                              (uint16_t)width, (uint16_t)n, 0, (int16_t)y, 0,
                                              xsc->depth, n * row,
                                              src + (uint64_t)y * img->copy.row_bytes));
      sc->stats.copy_bytes += (uint64_t)n * row; /* the socket write is a copy too */
      y += n;
   }
}

static uint32_t
present_options(struct vw_swapchain *sc)
{
   switch (sc->present_mode) {
   case VK_PRESENT_MODE_IMMEDIATE_KHR:
   case VK_PRESENT_MODE_FIFO_RELAXED_KHR: /* late frames go at once, on-time ones at the MSC */
      return XCB_PRESENT_OPTION_ASYNC;
   default:
      return XCB_PRESENT_OPTION_NONE;
   }
}

/* The window no longer has the swapchain's size: the first present the app makes after it
 * was told (SUBOPTIMAL, by the event thread) fails. */
static bool
out_of_date(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc, struct vw_image *img)
{
   pthread_mutex_lock(&xsc->lock);
   bool stale = xsc->suboptimal_reported && img->present_number > xsc->suboptimal_at_present &&
                (xsc->window_width != sc->extent.width ||
                 xsc->window_height != sc->extent.height);
   pthread_mutex_unlock(&xsc->lock);
   return stale;
}

/* put-image has no Present events to tell a resize or a destroyed window: each frame asks
 * for the window's geometry and a later one reads the answer, never waiting for it (another
 * client's server grab or a slow link must not stall the present thread). */
static void
put_image_watch_window(struct vw_x11_swapchain *xsc)
{
   const struct vw_xcb *xcb = xsc->xcb;
   if (xsc->geometry_pending) {
      void *reply = NULL;
      xcb_generic_error_t *err = NULL;
      if (!xcb->xcb_poll_for_reply(xsc->conn, xsc->geometry_cookie.sequence, &reply, &err))
         return; /* not answered yet: the question stays out */
      xcb_get_geometry_reply_t *geo = reply;
      xsc->geometry_pending = false;
      if (geo)
         vw_x11_window_size(xsc, geo->width, geo->height);
      else if (err && err->error_code == XCB_DRAWABLE)
         vw_x11_window_gone(xsc, "destroyed");
      free(geo);
      free(err);
   }
   xsc->geometry_cookie = xcb->xcb_get_geometry(xsc->conn, xsc->window);
   xsc->geometry_pending = true;
}

VkResult
vw_x11_present(struct vw_swapchain *sc, struct vw_image *img, const struct vw_damage *damage,
               bool *shown)
{
   struct vw_x11_swapchain *xsc = sc->backend_data;
   const struct vw_xcb *xcb = xsc->xcb;
   uint32_t index = (uint32_t)(img - sc->images);
   *shown = false;
   if (xsc->method == VW_X11_PUT_IMAGE && !xcb->xcb_connection_has_error(xsc->conn))
      put_image_watch_window(xsc);
   pthread_mutex_lock(&xsc->lock);
   VkResult lost = xsc->lost;
   pthread_mutex_unlock(&xsc->lock);
   if (lost < 0)
      return lost;
   if (xcb->xcb_connection_has_error(xsc->conn)) {
      vw_err("swapchain %u: the X connection is broken", sc->serial);
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   if (out_of_date(xsc, sc, img)) {
      vw_info("swapchain %u: the window is %ux%u now, the swapchain %ux%u: out of date",
              sc->serial, xsc->window_width, xsc->window_height, sc->extent.width,
              sc->extent.height);
      return VK_ERROR_OUT_OF_DATE_KHR;
   }

   if (xsc->special && !xsc->event_thread_started) {
      VkResult r = vw_x11_events_start_thread(xsc);
      if (r != VK_SUCCESS)
         return r;
   }

   uint32_t y0, y1;
   switch (xsc->method) {
   case VW_X11_PUT_IMAGE:
      /* The window shows whichever image came last: send all of it. */
      put_rows(xsc, sc, img, xsc->window, 0, sc->extent.height);
      xcb->xcb_flush(xsc->conn);
      *shown = true;
      return VK_SUCCESS;
   case VW_X11_PUT_IMAGE_PRESENT:
      /* The pixmap still holds this image's last frame: only what changed since. */
      vw_damage_row_band(damage, sc->extent, &y0, &y1);
      put_rows(xsc, sc, img, xsc->pixmaps[index], y0, y1);
      break;
   case VW_X11_SHM_PRESENT:
      vw_image_paths_before_show(&xsc->paths, sc, index, damage);
      break;
   case VW_X11_DRI3_PRESENT:
      /* As for a server pixmap: the buffer holds this image's last frame. */
      vw_damage_row_band(damage, sc->extent, &y0, &y1);
      vw_x11_dri3_write(xsc, sc, img, index, y0, y1);
      break;
   }

   pthread_mutex_lock(&xsc->lock);
   uint32_t serial = ++xsc->sent_serial;
   uint64_t target = 0;
   if (sc->present_mode != VK_PRESENT_MODE_IMMEDIATE_KHR && xsc->last_msc)
      target = xsc->last_msc + 1;
   xsc->flip_sent_ns = vw_now_ns();
   xsc->window_checked = false;
   xsc->pixmap_busy[index] = true;
   pthread_mutex_unlock(&xsc->lock);
   vw_x11_discard(xsc, xcb->xcb_present_pixmap_checked(xsc->conn, xsc->window, xsc->pixmaps[index],
                                                serial, 0, 0, 0, 0, 0, 0, 0,
                                                present_options(sc), target, 0, 0, 0, NULL));
   xcb->xcb_flush(xsc->conn);
   return VK_SUCCESS;
}

VkResult
vw_x11_wait_flip(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns, bool *shown)
{
   struct vw_x11_swapchain *xsc = sc->backend_data;
   *shown = false;
   if (xsc->method == VW_X11_PUT_IMAGE) {
      *shown = true;
      return VK_SUCCESS;
   }
   pthread_mutex_lock(&xsc->lock);
   VkResult lost = xsc->lost;
   bool done = xsc->completed_serial == xsc->sent_serial;
   bool ask = !done && !xsc->window_checked &&
              vw_now_ns() - xsc->flip_sent_ns > X11_SLOW_COMPLETION_NS;
   if (ask)
      xsc->window_checked = true;
   pthread_mutex_unlock(&xsc->lock);
   if (lost < 0)
      return lost;
   if (done) {
      *shown = true;
      return VK_SUCCESS;
   }
   if (ask) {
      struct vw_x11_surface probe = {.conn = xsc->conn, .window = xsc->window};
      struct vw_x11_window_info info;
      if (vw_x11_window_query(xsc->xcb, &probe, &info) != VK_SUCCESS) {
         vw_err("swapchain %u: X11 window 0x%x is gone", sc->serial, xsc->window);
         pthread_mutex_lock(&xsc->lock);
         xsc->lost = VK_ERROR_SURFACE_LOST_KHR;
         pthread_mutex_unlock(&xsc->lock);
         return VK_ERROR_SURFACE_LOST_KHR;
      }
   }
   int ms = (int)((timeout_ns + 999999) / 1000000);
   struct pollfd pfd = {.fd = wake_fd, .events = POLLIN};
   poll(&pfd, 1, ms);
   pthread_mutex_lock(&xsc->lock);
   lost = xsc->lost;
   done = xsc->completed_serial == xsc->sent_serial;
   pthread_mutex_unlock(&xsc->lock);
   if (lost < 0)
      return lost;
   *shown = done;
   return VK_SUCCESS;
}

void
vw_x11_destroy_swapchain(struct vw_swapchain *sc)
{
   struct vw_x11_swapchain *xsc = sc->backend_data;
   if (!xsc)
      return;
   if (xsc->xcb) {
      vw_x11_events_stop(xsc);
      vw_x11_free_pixmaps(xsc, VW_MAX_IMAGES);
#ifdef VW_HAVE_X11_DRI3
      vw_x11_dri3_destroy(xsc);
#endif
      if (xsc->gc)
         vw_x11_discard(xsc, xsc->xcb->xcb_free_gc_checked(xsc->conn, xsc->gc));
      if (xsc->geometry_pending)
         xsc->xcb->xcb_discard_reply(xsc->conn, xsc->geometry_cookie.sequence);
      xsc->xcb->xcb_flush(xsc->conn);
      /* The server frees what the connection made when it closes. */
      if (xsc->own_conn)
         xsc->xcb->xcb_disconnect(xsc->conn);
   }
   vw_image_paths_free_buffers(&xsc->paths);
   pthread_mutex_destroy(&xsc->lock);
   free(xsc);
   sc->backend_data = NULL;
}

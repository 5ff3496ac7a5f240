/* Present's events for one swapchain, on a thread of its own: CompleteNotify ends a flip,
 * IdleNotify hands an image back (late and in any order), ConfigureNotify tells a new
 * window size or that the window is gone. They arrive on a special-event queue of the
 * layer's own, so the app never sees them, whichever thread reads the connection. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../log.h"
#include "x11.h"

/* While a frame is out, how long the thread sleeps before looking at the queue again. On
 * the app's connection an app thread blocked reading it may have queued our events without
 * the socket ever looking readable to us; on the swapchain's own only the present thread's
 * rare round trip (a window check) can. */
#define EVENT_SLICE_SHARED_MS 4
#define EVENT_SLICE_OWN_MS 100
#define EVENT_SLICE_IDLE_MS 100
/* PresentConfigureNotify's pixmap_flags (Present 1.3): the window was destroyed. */
#define PRESENT_WINDOW_DESTROYED 1u

void
vw_x11_window_gone(struct vw_x11_swapchain *xsc, const char *why)
{
   struct vw_swapchain *sc = xsc->sc;
   pthread_mutex_lock(&xsc->lock);
   bool first = xsc->lost >= 0;
   xsc->lost = VK_ERROR_SURFACE_LOST_KHR;
   pthread_mutex_unlock(&xsc->lock);
   if (first)
      vw_err("swapchain %u: X11 window 0x%x: %s", sc->serial, xsc->window, why);
   pthread_mutex_lock(&sc->pres.lock);
   vw_presentation_set_status_locked(&sc->pres, VK_ERROR_SURFACE_LOST_KHR);
   pthread_mutex_unlock(&sc->pres.lock);
   vw_presentation_wake(&sc->pres);
}

void
vw_x11_window_size(struct vw_x11_swapchain *xsc, uint32_t width, uint32_t height)
{
   struct vw_swapchain *sc = xsc->sc;
   pthread_mutex_lock(&xsc->lock);
   xsc->window_width = width;
   xsc->window_height = height;
   bool resized = width != sc->extent.width || height != sc->extent.height;
   bool tell = resized && !xsc->suboptimal_reported;
   if (tell) {
      xsc->suboptimal_reported = true;
      pthread_mutex_lock(&sc->pres.lock);
      xsc->suboptimal_at_present = sc->pres.pq.presented;
      vw_presentation_set_status_locked(&sc->pres, VK_SUBOPTIMAL_KHR);
      pthread_mutex_unlock(&sc->pres.lock);
   }
   pthread_mutex_unlock(&xsc->lock);
   if (tell)
      vw_info("swapchain %u: window resized to %ux%u (swapchain %ux%u): suboptimal", sc->serial,
              width, height, sc->extent.width, sc->extent.height);
}

static void
on_configure(struct vw_x11_swapchain *xsc, const xcb_present_configure_notify_event_t *ev)
{
   if (ev->pixmap_flags & PRESENT_WINDOW_DESTROYED) {
      vw_x11_window_gone(xsc, "destroyed");
      return;
   }
   vw_x11_window_size(xsc, ev->width, ev->height);
}

/* Present completes a FIFO frame at the MSC after the previous one's at the earliest; a
 * server that reports the same MSC again and again completes at once (no vblank on its
 * CRTC: Xorg's modesetting on virtio-gpu, whose kernel driver has none), and FIFO would run
 * as fast as the app renders. From then on the layer paces, as on a virtual KMS display,
 * until the MSC moves again (a CRTC that was only off for a while). */
#define COMPLETIONS_TO_SWITCH 3
#define LAYER_REFRESH_NS (1000000000ull / 60)

static void
watch_pacing(struct vw_x11_swapchain *xsc, const xcb_present_complete_notify_event_t *ev)
{
   struct vw_swapchain *sc = xsc->sc;
   if (sc->present_mode != VK_PRESENT_MODE_FIFO_KHR &&
       sc->present_mode != VK_PRESENT_MODE_FIFO_RELAXED_KHR &&
       sc->present_mode != VK_PRESENT_MODE_FIFO_LATEST_READY_EXT)
      return;
   if (ev->mode == XCB_PRESENT_COMPLETE_MODE_SKIP)
      return;
   bool stuck = xsc->completions++ > 0 && ev->msc <= xsc->prev_complete_msc;
   xsc->prev_complete_msc = ev->msc;
   /* Completions in a row that say the other thing than the pacing in force. */
   xsc->unpaced_completions = stuck != xsc->layer_paces ? xsc->unpaced_completions + 1 : 0;
   if (xsc->unpaced_completions < COMPLETIONS_TO_SWITCH)
      return;
   xsc->unpaced_completions = 0;
   xsc->layer_paces = stuck;
   pthread_mutex_lock(&sc->pres.lock);
   sc->pres.pq.period_ns = stuck ? LAYER_REFRESH_NS : 0;
   pthread_mutex_unlock(&sc->pres.lock);
   if (stuck)
      vw_info("swapchain %u: the X server completes presents without waiting for a vblank "
              "(MSC stays at %llu): the layer paces at 60 Hz",
              sc->serial, (unsigned long long)ev->msc);
   else
      vw_info("swapchain %u: the X server's MSC moves again (%llu): it paces, the layer stops",
              sc->serial, (unsigned long long)ev->msc);
}

static void
on_complete(struct vw_x11_swapchain *xsc, const xcb_present_complete_notify_event_t *ev)
{
   if (ev->kind != XCB_PRESENT_COMPLETE_KIND_PIXMAP)
      return;
   pthread_mutex_lock(&xsc->lock);
   xsc->completed_serial = ev->serial;
   if (ev->msc > xsc->last_msc)
      xsc->last_msc = ev->msc;
   watch_pacing(xsc, ev);
   pthread_mutex_unlock(&xsc->lock);
   vw_presentation_wake(&xsc->sc->pres);
}

static void
on_idle(struct vw_x11_swapchain *xsc, const xcb_present_idle_notify_event_t *ev)
{
   struct vw_swapchain *sc = xsc->sc;
   for (uint32_t i = 0; i < sc->image_count; i++) {
      if (xsc->pixmaps[i] != ev->pixmap)
         continue;
      pthread_mutex_lock(&xsc->lock);
      xsc->pixmap_busy[i] = false;
      pthread_mutex_unlock(&xsc->lock);
      vw_swapchain_release_image(sc, i);
      return;
   }
}

static void
handle(struct vw_x11_swapchain *xsc, xcb_generic_event_t *event)
{
   const xcb_present_generic_event_t *ev = (const xcb_present_generic_event_t *)event;
   switch (ev->evtype) {
   case XCB_PRESENT_CONFIGURE_NOTIFY:
      on_configure(xsc, (const xcb_present_configure_notify_event_t *)event);
      break;
   case XCB_PRESENT_COMPLETE_NOTIFY:
      on_complete(xsc, (const xcb_present_complete_notify_event_t *)event);
      break;
   case XCB_PRESENT_IDLE_NOTIFY:
      on_idle(xsc, (const xcb_present_idle_notify_event_t *)event);
      break;
   }
}

static bool
frames_out(struct vw_x11_swapchain *xsc)
{
   pthread_mutex_lock(&xsc->lock);
   bool out = xsc->completed_serial != xsc->sent_serial;
   for (uint32_t i = 0; i < VW_MAX_IMAGES && !out; i++)
      out = xsc->pixmap_busy[i];
   pthread_mutex_unlock(&xsc->lock);
   return out;
}

static void *
event_thread_main(void *arg)
{
   struct vw_x11_swapchain *xsc = arg;
   const struct vw_xcb *xcb = xsc->xcb;
   int conn_fd = xcb->xcb_get_file_descriptor(xsc->conn);
   for (;;) {
      xcb_generic_event_t *ev;
      while ((ev = xcb->xcb_poll_for_special_event(xsc->conn, xsc->special))) {
         handle(xsc, ev);
         free(ev);
      }
      if (xcb->xcb_connection_has_error(xsc->conn)) {
         vw_x11_window_gone(xsc, "the X connection is broken");
         break;
      }
      struct pollfd pfd[2] = {{.fd = xsc->stop_fd, .events = POLLIN},
                              {.fd = conn_fd, .events = POLLIN}};
      int slice = !frames_out(xsc) ? EVENT_SLICE_IDLE_MS
                  : xsc->own_conn  ? EVENT_SLICE_OWN_MS
                                   : EVENT_SLICE_SHARED_MS;
      int n = poll(pfd, 2, slice);
      if (n > 0 && (pfd[0].revents & POLLIN))
         break;
      if (n > 0 && (pfd[1].revents & (POLLERR | POLLHUP)) && !(pfd[1].revents & POLLIN)) {
         vw_x11_window_gone(xsc, "the X connection is closed");
         break;
      }
      if (n < 0 && errno != EINTR)
         break;
   }
   return NULL;
}

VkResult
vw_x11_events_register(struct vw_x11_swapchain *xsc)
{
   const struct vw_xcb *xcb = xsc->xcb;
   xsc->event_id = xcb->xcb_generate_id(xsc->conn);
   xsc->special = xcb->xcb_register_for_special_xge(xsc->conn, xcb->present_id, xsc->event_id, NULL);
   if (!xsc->special) {
      vw_err("swapchain %u: cannot register for Present events", xsc->sc->serial);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   xcb_void_cookie_t c = xcb->xcb_present_select_input_checked(
      xsc->conn, xsc->event_id, xsc->window,
      XCB_PRESENT_EVENT_MASK_CONFIGURE_NOTIFY | XCB_PRESENT_EVENT_MASK_COMPLETE_NOTIFY |
         XCB_PRESENT_EVENT_MASK_IDLE_NOTIFY);
   xcb_generic_error_t *err = xcb->xcb_request_check(xsc->conn, c);
   if (err) {
      vw_err("swapchain %u: Present events for window 0x%x refused: X error %u",
             xsc->sc->serial, xsc->window, err->error_code);
      free(err);
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   xsc->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
   if (xsc->stop_fd < 0)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   return VK_SUCCESS;
}

VkResult
vw_x11_events_start_thread(struct vw_x11_swapchain *xsc)
{
   if (pthread_create(&xsc->event_thread, NULL, event_thread_main, xsc) != 0) {
      vw_err("swapchain %u: cannot start the X11 event thread", xsc->sc->serial);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   xsc->event_thread_started = true;
   return VK_SUCCESS;
}

void
vw_x11_events_stop(struct vw_x11_swapchain *xsc)
{
   const struct vw_xcb *xcb = xsc->xcb;
   if (xsc->event_thread_started) {
      uint64_t one = 1;
      if (write(xsc->stop_fd, &one, sizeof(one)) < 0)
         vw_err("X11: waking the event thread: %s", strerror(errno));
      pthread_join(xsc->event_thread, NULL);
      xsc->event_thread_started = false;
   }
   if (xsc->stop_fd >= 0)
      close(xsc->stop_fd);
   xsc->stop_fd = -1;
   if (xsc->special) {
      /* Events still on their way would land in the app's queue: ask for none first. */
      xcb_void_cookie_t c =
         xcb->xcb_present_select_input_checked(xsc->conn, xsc->event_id, xsc->window, 0);
      xcb->xcb_discard_reply(xsc->conn, c.sequence);
      xcb->xcb_flush(xsc->conn);
      xcb->xcb_unregister_for_special_event(xsc->conn, xsc->special);
      xsc->special = NULL;
   }
}

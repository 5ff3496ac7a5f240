/* The swapchain's own thread reads the compositor's events for the layer's queue: frame
 * callbacks (FIFO's pace), buffer releases (images handed back, late and in any order),
 * and a broken connection (surface lost). It reads with libwayland's prepare/read protocol,
 * so an app thread reading the same connection and this one never steal each other's
 * events: whichever reads last queues every event on its own queue. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../log.h"
#include "wayland.h"

void
vw_wl_connection_lost(struct vw_wl_swapchain *wsc, const char *why)
{
   struct vw_swapchain *sc = wsc->sc;
   pthread_mutex_lock(&wsc->lock);
   bool first = wsc->lost >= 0;
   wsc->lost = VK_ERROR_SURFACE_LOST_KHR;
   pthread_mutex_unlock(&wsc->lock);
   if (first) {
      int err = wl_display_get_error(wsc->g.display);
      vw_err("swapchain %u: the Wayland connection is gone (%s): %s", sc->serial, why,
             strerror(err ? err : EPIPE));
   }
   pthread_mutex_lock(&sc->pres.lock);
   vw_presentation_set_status_locked(&sc->pres, VK_ERROR_SURFACE_LOST_KHR);
   pthread_mutex_unlock(&sc->pres.lock);
   vw_presentation_wake(&sc->pres);
}

static void
frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
   struct vw_wl_swapchain *wsc = data;
   pthread_mutex_lock(&wsc->lock);
   if (wsc->frame == callback)
      wsc->frame = NULL;
   /* The compositor repainted with the newest commit it had: whatever came before it is
    * taken. */
   wsc->done_serial = wsc->sent_serial;
   bool was_timed = wsc->timer_pacing_logged;
   wsc->timer_pacing_logged = false;
   pthread_mutex_unlock(&wsc->lock);
   wl_callback_destroy(callback);
   if (was_timed)
      vw_info("swapchain %u: frame callbacks again: the compositor paces FIFO", wsc->sc->serial);
   vw_presentation_wake(&wsc->sc->pres);
}

const struct wl_callback_listener vw_wl_frame_listener = {.done = frame_done};

static void
buffer_release(void *data, struct wl_buffer *buffer)
{
   struct vw_wl_buffer_ref *ref = data;
   vw_swapchain_release_image(ref->wsc->sc, ref->index);
}

const struct wl_buffer_listener vw_wl_buffer_listener = {.release = buffer_release};

/* Presentation feedback: whether each commit reached the screen or was replaced first. */
static void
feedback_end(struct vw_wl_swapchain *wsc, struct wp_presentation_feedback *fb, bool presented,
             uint32_t refresh_ns)
{
   struct vw_swapchain *sc = wsc->sc;
   pthread_mutex_lock(&wsc->lock);
   for (uint32_t i = 0; i < wsc->feedback_count; i++) {
      if (wsc->feedback[i] == fb) {
         wsc->feedback[i] = wsc->feedback[--wsc->feedback_count];
         break;
      }
   }
   pthread_mutex_unlock(&wsc->lock);
   wp_presentation_feedback_destroy(fb);
   pthread_mutex_lock(&sc->pres.lock);
   if (presented) {
      sc->stats.display_presented++;
      if (refresh_ns)
         sc->stats.display_refresh_ns = refresh_ns;
   } else {
      sc->stats.display_discarded++;
   }
   pthread_mutex_unlock(&sc->pres.lock);
}

static void
feedback_sync_output(void *data, struct wp_presentation_feedback *fb, struct wl_output *output)
{
}

static void
feedback_presented(void *data, struct wp_presentation_feedback *fb, uint32_t tv_sec_hi,
                   uint32_t tv_sec_lo, uint32_t tv_nsec, uint32_t refresh, uint32_t seq_hi,
                   uint32_t seq_lo, uint32_t flags)
{
   feedback_end(data, fb, true, refresh);
}

static void
feedback_discarded(void *data, struct wp_presentation_feedback *fb)
{
   feedback_end(data, fb, false, 0);
}

const struct wp_presentation_feedback_listener vw_wl_presentation_listener = {
   .sync_output = feedback_sync_output,
   .presented = feedback_presented,
   .discarded = feedback_discarded,
};

static void *
event_thread_main(void *arg)
{
   struct vw_wl_swapchain *wsc = arg;
   struct wl_display *display = wsc->g.display;
   struct wl_event_queue *queue = wsc->g.queue;
   int conn_fd = wl_display_get_fd(display);
   for (;;) {
      while (wl_display_prepare_read_queue(display, queue) != 0) {
         if (wl_display_dispatch_queue_pending(display, queue) < 0) {
            vw_wl_connection_lost(wsc, "dispatching its events");
            return NULL;
         }
      }
      /* Requests the present thread could not send at once (a full socket): wait until
       * the socket takes more, not only for events. */
      bool unsent = false;
      if (wl_display_flush(display) < 0) {
         if (errno != EAGAIN) {
            wl_display_cancel_read(display);
            vw_wl_connection_lost(wsc, "sending requests");
            return NULL;
         }
         unsent = true;
      }
      struct pollfd pfd[2] = {{.fd = wsc->stop_fd, .events = POLLIN},
                              {.fd = conn_fd, .events = POLLIN | (unsent ? POLLOUT : 0)}};
      int n = poll(pfd, 2, -1);
      if (n < 0 && errno != EINTR) {
         wl_display_cancel_read(display);
         /* Nothing would hand images back any more: fail the swapchain, never hang it. */
         vw_wl_connection_lost(wsc, "poll failed");
         return NULL;
      }
      if (n > 0 && (pfd[0].revents & POLLIN)) {
         wl_display_cancel_read(display);
         return NULL;
      }
      if (n > 0 && (pfd[1].revents & ~POLLOUT)) {
         if (wl_display_read_events(display) < 0) {
            vw_wl_connection_lost(wsc, "reading its events");
            return NULL;
         }
      } else {
         wl_display_cancel_read(display);
      }
      if (wl_display_dispatch_queue_pending(display, queue) < 0) {
         vw_wl_connection_lost(wsc, "dispatching its events");
         return NULL;
      }
   }
}

VkResult
vw_wl_events_start(struct vw_wl_swapchain *wsc)
{
   wsc->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
   if (wsc->stop_fd < 0)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (pthread_create(&wsc->event_thread, NULL, event_thread_main, wsc) != 0) {
      vw_err("swapchain %u: cannot start the Wayland event thread", wsc->sc->serial);
      close(wsc->stop_fd);
      wsc->stop_fd = -1;
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   wsc->event_thread_started = true;
   return VK_SUCCESS;
}

void
vw_wl_events_stop(struct vw_wl_swapchain *wsc)
{
   if (wsc->event_thread_started) {
      uint64_t one = 1;
      if (write(wsc->stop_fd, &one, sizeof(one)) < 0)
         vw_err("Wayland: waking the event thread: %s", strerror(errno));
      pthread_join(wsc->event_thread, NULL);
      wsc->event_thread_started = false;
   }
   if (wsc->stop_fd >= 0)
      close(wsc->stop_fd);
   wsc->stop_fd = -1;
}

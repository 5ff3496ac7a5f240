/* One thread per swapchain moves finished frames to the backend: it waits for the present
 * submits' fences (never for semaphores, never using a queue), applies the present mode,
 * paces to the refresh where the display does not, and hands images back to acquire. */
#include <poll.h>

#include "log.h"
#include "swapchain.h"

/* Fence waits are sliced so that stop requests and new presents are seen promptly. */
#define FENCE_SLICE_NS 50000000ull
#define FLIP_SLICE_NS 100000000ull

/* Sleeps until 'deadline_ns' (0 = no deadline) or a wake-up. Lock not held. */
static void
sleep_until(struct vw_swapchain *sc, uint64_t deadline_ns)
{
   int timeout_ms = -1;
   if (deadline_ns) {
      uint64_t now = vw_now_ns();
      if (deadline_ns <= now)
         return;
      uint64_t ms = (deadline_ns - now + 999999) / 1000000;
      timeout_ms = ms > 1000 ? 1000 : (int)ms;
   }
   struct pollfd pfd = {.fd = sc->pres.wake_fd, .events = POLLIN};
   if (poll(&pfd, 1, timeout_ms) > 0)
      vw_presentation_drain_wake(&sc->pres);
}

/* Marks every QUEUED image whose fence has signalled as READY. Lock held. */
static void
collect_finished(struct vw_swapchain *sc)
{
   struct vw_device *dev = sc->dev;
   uint32_t released[VW_MAX_IMAGES];
   for (uint32_t i = 0; i < sc->pres.pq.order_len;) {
      uint32_t idx = sc->pres.pq.order[i];
      if (sc->pres.pq.state[idx] != VW_IMAGE_QUEUED) {
         i++;
         continue;
      }
      VkResult r = dev->next.GetFenceStatus(dev->handle, sc->images[idx].present_fence);
      if (r == VK_NOT_READY) {
         i++;
         continue;
      }
      if (r != VK_SUCCESS) {
         vw_presentation_set_status_locked(&sc->pres, r);
         return;
      }
      sc->images[idx].fence_in_flight = false;
      uint32_t before = sc->pres.pq.order_len;
      uint32_t n = vw_pq_mark_ready(&sc->pres.pq, idx, vw_now_ns(), released);
      vw_presentation_released_locked(&sc->pres, n);
      /* Entries may have left the order list; rescan from the start if so. */
      i = sc->pres.pq.order_len == before ? i + 1 : 0;
   }
}

/* Blocks (lock dropped) until a frame that matters finishes, the slice ends, or 'deadline'.
 * FIFO needs the oldest frame; the replacing modes want whichever finishes first. */
static void
wait_for_frames(struct vw_swapchain *sc, uint64_t deadline_ns)
{
   struct vw_device *dev = sc->dev;
   VkFence fences[VW_MAX_IMAGES];
   uint32_t n = 0;
   bool any = sc->pres.pq.mode == VK_PRESENT_MODE_MAILBOX_KHR ||
              sc->pres.pq.mode == VK_PRESENT_MODE_IMMEDIATE_KHR;
   uint64_t oldest_ns = 0;
   for (uint32_t i = 0; i < sc->pres.pq.order_len; i++) {
      uint32_t idx = sc->pres.pq.order[i];
      if (sc->pres.pq.state[idx] != VW_IMAGE_QUEUED)
         continue;
      if (!oldest_ns)
         oldest_ns = sc->images[idx].queued_ns;
      fences[n++] = sc->images[idx].present_fence;
      if (!any)
         break;
   }
   if (!n)
      return;
   uint64_t now = vw_now_ns();
   uint64_t limit = (uint64_t)vw_config_get()->fence_timeout_ms * 1000000ull;
   if (now - oldest_ns > limit) {
      if (!sc->pres.frames_lost)
         vw_err("swapchain %u: a frame has not finished on the GPU after %u ms", sc->serial,
                vw_config_get()->fence_timeout_ms);
      sc->pres.frames_lost = true;
      vw_presentation_set_status_locked(&sc->pres, VK_ERROR_DEVICE_LOST);
      return;
   }
   uint64_t timeout = FENCE_SLICE_NS;
   if (deadline_ns && deadline_ns > now && deadline_ns - now < timeout)
      timeout = deadline_ns - now;
   pthread_mutex_unlock(&sc->pres.lock);
   VkResult r = dev->next.WaitForFences(dev->handle, n, fences, VK_FALSE, timeout);
   pthread_mutex_lock(&sc->pres.lock);
   if (r < 0)
      vw_presentation_set_status_locked(&sc->pres, r);
}

/* With VENUS_WSI_DEBUG=1, the rate frames reach the screen, every few seconds. */
#define RATE_LOG_NS 5000000000ull

static void
log_rate(struct vw_swapchain *sc, uint64_t now)
{
   if (!sc->rate_since_ns) {
      sc->rate_since_ns = now;
      sc->rate_shown = sc->pres.pq.shown;
      return;
   }
   if (now - sc->rate_since_ns < RATE_LOG_NS)
      return;
   double fps = (sc->pres.pq.shown - sc->rate_shown) * 1e9 / (double)(now - sc->rate_since_ns);
   vw_info("swapchain %u: %.1f frames/s on screen (%llu presented, %llu shown, %llu skipped)",
           sc->serial, fps, (unsigned long long)sc->pres.pq.presented,
           (unsigned long long)sc->pres.pq.shown, (unsigned long long)sc->pres.pq.skipped);
   sc->rate_since_ns = now;
   sc->rate_shown = sc->pres.pq.shown;
}

static void
flip_finished(struct vw_swapchain *sc)
{
   uint32_t released[VW_MAX_IMAGES];
   uint64_t now = vw_now_ns();
   if (sc->pres.pq.flipping >= 0)
      vw_presentation_shown_locked(&sc->pres, (uint32_t)sc->pres.pq.flipping);
   uint32_t n = vw_pq_flip_done(&sc->pres.pq, now, released);
   vw_presentation_released_locked(&sc->pres, n);
   if (vw_log_enabled(VW_LOG_INFO))
      log_rate(sc, now);
}

static void
flip_failed(struct vw_swapchain *sc, VkResult r)
{
   uint32_t released[VW_MAX_IMAGES];
   vw_presentation_set_status_locked(&sc->pres, r);
   uint32_t n = vw_pq_flip_abandoned(&sc->pres.pq, released);
   vw_presentation_released_locked(&sc->pres, n);
}

static bool
has_queued(const struct vw_present_queue *pq)
{
   return vw_pq_oldest_queued(pq) >= 0;
}

static void *
present_thread_main(void *arg)
{
   struct vw_swapchain *sc = arg;
   pthread_mutex_lock(&sc->pres.lock);
   for (;;) {
      struct vw_present_queue *pq = &sc->pres.pq;
      bool failed = sc->pres.status < 0;
      /* Going away: only once the GPU is done with every frame (its copy may still run),
       * unless the device is lost or a frame never finished. */
      if (sc->pres.stopping && pq->flipping < 0 &&
          (pq->order_len == 0 || sc->pres.frames_lost || sc->pres.status == VK_ERROR_DEVICE_LOST))
         break;

      if (pq->flipping >= 0) {
         bool shown = false;
         pthread_mutex_unlock(&sc->pres.lock);
         VkResult r = sc->backend->wait_flip(sc, sc->pres.wake_fd, FLIP_SLICE_NS, &shown);
         /* A wake-up (a present, a stop, the flip event itself) ends the wait early; read it
          * off, or every later wait ends at once and the thread spins until the flip. */
         if (r >= 0 && !shown)
            vw_presentation_drain_wake(&sc->pres);
         pthread_mutex_lock(&sc->pres.lock);
         if (r < 0)
            flip_failed(sc, r);
         else if (shown)
            flip_finished(sc);
         continue;
      }

      if (failed) {
         /* Nothing more reaches the screen; keep freeing finished frames so that a
          * destroy can complete, and wait for it. */
         collect_finished(sc);
         if (has_queued(pq) && !sc->pres.frames_lost) {
            wait_for_frames(sc, 0);
         } else {
            pthread_mutex_unlock(&sc->pres.lock);
            sleep_until(sc, vw_now_ns() + FENCE_SLICE_NS);
            pthread_mutex_lock(&sc->pres.lock);
         }
         continue;
      }

      collect_finished(sc);
      uint64_t wait_until = 0;
      int32_t pick = vw_pq_pick(pq, vw_now_ns(), &wait_until);
      if (pick >= 0) {
         struct vw_image *img = &sc->images[pick];
         uint32_t passed[VW_MAX_IMAGES];
         vw_presentation_released_locked(
            &sc->pres, vw_pq_drop_passed_over(pq, (uint32_t)pick, passed));
         vw_pq_flip_started(pq, (uint32_t)pick, vw_now_ns());
         /* The scanout buffer last went on screen some presents ago: all their damage. */
         struct vw_damage scanout;
         uint64_t since = sc->scanout_in_place ? sc->last_shown_serial : img->shown_serial;
         vw_damage_log_union(&sc->pres.damage_log, since, img->present_serial, sc->extent,
                             &scanout);
         bool shown = false;
         pthread_mutex_unlock(&sc->pres.lock);
         uint64_t cpu0 = vw_thread_cpu_ns();
         VkResult r = sc->backend->present(sc, img, &scanout, &shown);
         uint64_t cpu = vw_thread_cpu_ns() - cpu0;
         pthread_mutex_lock(&sc->pres.lock);
         sc->stats.present_cpu_ns += cpu;
         if (r < 0) {
            flip_failed(sc, r);
         } else {
            img->shown_serial = img->present_serial;
            sc->last_shown_serial = img->present_serial;
            if (shown)
               flip_finished(sc);
         }
         continue;
      }

      bool head_unfinished = pq->order_len > 0 && pq->state[pq->order[0]] == VW_IMAGE_QUEUED;
      bool replacing = pq->mode == VK_PRESENT_MODE_MAILBOX_KHR ||
                       pq->mode == VK_PRESENT_MODE_IMMEDIATE_KHR;
      if (has_queued(pq) && (head_unfinished || replacing)) {
         wait_for_frames(sc, wait_until);
         continue;
      }
      if (sc->pres.stopping)
         continue; /* the last discarded frame just left: the check above ends the thread */
      pthread_mutex_unlock(&sc->pres.lock);
      sleep_until(sc, wait_until);
      pthread_mutex_lock(&sc->pres.lock);
   }
   pthread_mutex_unlock(&sc->pres.lock);
   return NULL;
}

VkResult
vw_present_thread_start(struct vw_swapchain *sc)
{
   return vw_presentation_start(&sc->pres, present_thread_main, sc);
}

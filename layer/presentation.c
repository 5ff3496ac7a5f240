#include "venus_wsi/presentation.h"

#include <errno.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "log.h"
#include "venus_wsi/acquire_wait.h"

void
vw_presentation_init(struct vw_presentation *p, uint32_t serial)
{
   p->serial = serial;
   p->status = VK_SUCCESS;
   p->wake_fd = -1;
   vw_damage_log_init(&p->damage_log);
   vw_present_ids_init(&p->ids);
   pthread_mutex_init(&p->lock, NULL);
   vw_cond_init_monotonic(&p->changed);
}

void
vw_presentation_finish(struct vw_presentation *p)
{
   if (p->wake_fd >= 0) {
      close(p->wake_fd);
      p->wake_fd = -1;
   }
   pthread_cond_destroy(&p->changed);
   pthread_mutex_destroy(&p->lock);
}

VkResult
vw_presentation_start(struct vw_presentation *p, void *(*main)(void *), void *arg)
{
   p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
   if (p->wake_fd < 0) {
      vw_err("swapchain %u: eventfd failed: errno %d", p->serial, errno);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   /* musl gives threads 128 KiB of stack; the driver, libdrm and libpng run on this one. */
   pthread_attr_t attr;
   pthread_attr_init(&attr);
   pthread_attr_setstacksize(&attr, 1024 * 1024);
   int e = pthread_create(&p->thread, &attr, main, arg);
   pthread_attr_destroy(&attr);
   if (e) {
      vw_err("swapchain %u: cannot start the present thread: error %d", p->serial, e);
      close(p->wake_fd);
      p->wake_fd = -1;
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   p->thread_started = true;
   p->owner_pid = getpid();
   return VK_SUCCESS;
}

void
vw_presentation_stop(struct vw_presentation *p)
{
   if (!p->thread_started)
      return;
   pthread_mutex_lock(&p->lock);
   p->stopping = true;
   /* Frames not yet on screen stay off it: the swapchain is going away. */
   uint32_t released[VW_MAX_IMAGES];
   vw_pq_discard_pending(&p->pq, released);
   pthread_cond_broadcast(&p->changed); /* present waits for those frames end */
   pthread_mutex_unlock(&p->lock);
   vw_presentation_wake(p);
   pthread_join(p->thread, NULL);
   p->thread_started = false;
}

void
vw_presentation_wake(struct vw_presentation *p)
{
   if (p->wake_fd >= 0) {
      uint64_t one = 1;
      ssize_t n = write(p->wake_fd, &one, sizeof(one));
      (void)n; /* a full counter already means "wake up" */
   }
}

void
vw_presentation_drain_wake(struct vw_presentation *p)
{
   uint64_t v;
   ssize_t n = read(p->wake_fd, &v, sizeof(v));
   (void)n;
}

void
vw_presentation_set_status_locked(struct vw_presentation *p, VkResult status)
{
   if (p->status < 0)
      return; /* the first error is the one that explains the others */
   if (status < 0 || status == VK_SUBOPTIMAL_KHR) {
      if (status < 0)
         vw_err("swapchain %u: now failing with %d", p->serial, status);
      p->status = status;
      pthread_cond_broadcast(&p->changed);
   }
}

void
vw_presentation_released_locked(struct vw_presentation *p, uint32_t n)
{
   if (n)
      pthread_cond_broadcast(&p->changed);
}

void
vw_presentation_retire(struct vw_presentation *p)
{
   pthread_mutex_lock(&p->lock);
   p->retired = true;
   pthread_cond_broadcast(&p->changed);
   pthread_mutex_unlock(&p->lock);
}

void
vw_presentation_release_image(struct vw_presentation *p, uint32_t index)
{
   pthread_mutex_lock(&p->lock);
   bool known = vw_pq_release(&p->pq, index);
   if (known)
      pthread_cond_broadcast(&p->changed);
   pthread_mutex_unlock(&p->lock);
   if (!known)
      vw_dbg("swapchain %u: the backend released image %u, which it did not hold", p->serial,
             index);
}

void
vw_presentation_shown_locked(struct vw_presentation *p, uint32_t index)
{
   if (vw_present_ids_shown(&p->ids, index))
      pthread_cond_broadcast(&p->changed);
}

bool
vw_presentation_in_forked_child(const struct vw_presentation *p)
{
   return p->thread_started && p->owner_pid != getpid();
}

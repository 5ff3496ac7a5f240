#include "venus_wsi/acquire_wait.h"

#include <errno.h>
#include <time.h>

#include "venus_wsi/presentation.h"

void
vw_cond_init_monotonic(pthread_cond_t *cond)
{
   pthread_condattr_t attr;
   pthread_condattr_init(&attr);
   pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
   pthread_cond_init(cond, &attr);
   pthread_condattr_destroy(&attr);
}

struct timespec
vw_deadline_after(uint64_t timeout_ns)
{
   struct timespec now;
   clock_gettime(CLOCK_MONOTONIC, &now);
   uint64_t at = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec + timeout_ns;
   return (struct timespec){.tv_sec = (time_t)(at / 1000000000ull),
                            .tv_nsec = (long)(at % 1000000000ull)};
}

bool
vw_timeout_is_forever(uint64_t timeout_ns)
{
   /* Past ~95 years a timeout means "forever"; it also keeps the deadline from overflowing. */
   return timeout_ns > 3000000000000000000ull;
}

VkResult
vw_acquire_wait(struct vw_presentation *p, uint64_t timeout_ns, uint32_t *index)
{
   bool forever = vw_timeout_is_forever(timeout_ns);
   struct timespec deadline = forever ? (struct timespec){0} : vw_deadline_after(timeout_ns);
   VkResult r;

   pthread_mutex_lock(&p->lock);
   for (;;) {
      if (p->status < 0) {
         r = p->status;
         break;
      }
      if (p->retired) {
         r = VK_ERROR_OUT_OF_DATE_KHR;
         break;
      }
      int32_t got = vw_pq_acquire(&p->pq);
      if (got >= 0) {
         *index = (uint32_t)got;
         r = p->status; /* VK_SUCCESS or VK_SUBOPTIMAL_KHR */
         break;
      }
      if (timeout_ns == 0) {
         r = VK_NOT_READY;
         break;
      }
      if (forever && !vw_pq_can_progress(&p->pq)) {
         /* The app holds every image that could come back. The spec makes an infinite
          * wait here invalid usage; returning beats hanging the app for ever. A finite
          * timeout still waits its length below: an app that polls acquire must not spin
          * a core, and a present from another thread or a failure can end the wait. */
         r = VK_TIMEOUT;
         break;
      }
      int e = forever ? pthread_cond_wait(&p->changed, &p->lock)
                      : pthread_cond_timedwait(&p->changed, &p->lock, &deadline);
      if (e == ETIMEDOUT) {
         got = vw_pq_acquire(&p->pq); /* freed right at the deadline still counts */
         if (got >= 0) {
            *index = (uint32_t)got;
            r = p->status;
         } else {
            r = VK_TIMEOUT;
         }
         break;
      }
   }
   pthread_mutex_unlock(&p->lock);
   return r;
}

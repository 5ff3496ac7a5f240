#include "venus_wsi/copy_helper.h"

#include <string.h>

#include "log.h"
#include "swapchain.h"
#include "venus_wsi/damage.h"
#include "venus_wsi/row_copy.h"

static void
add_rect(struct vw_damage *d, int32_t x, int32_t y, uint32_t w, uint32_t h)
{
   if (w && h && d->count < VW_MAX_DAMAGE_RECTS)
      d->rects[d->count++] = (VkRect2D){{x, y}, {w, h}};
}

void
vw_damage_split_rows(const struct vw_damage *damage, VkExtent2D extent,
                     struct vw_damage *first, struct vw_damage *second)
{
   first->full = second->full = false;
   first->count = second->count = 0;
   if (damage->full) {
      uint32_t top = extent.height / 2;
      add_rect(first, 0, 0, extent.width, top);
      add_rect(second, 0, (int32_t)top, extent.width, extent.height - top);
      return;
   }
   /* One row parts the bands, halfway down the rows the damage covers: rectangles may
    * overlap, and a cut of each on its own would hand the same bytes to both threads. */
   VkRect2D rects[VW_MAX_DAMAGE_RECTS];
   uint32_t n = 0, y0 = UINT32_MAX, y1 = 0;
   for (uint32_t i = 0; i < damage->count && i < VW_MAX_DAMAGE_RECTS; i++) {
      if (!vw_damage_clip_rect(&damage->rects[i], extent, &rects[n]))
         continue;
      uint32_t top = (uint32_t)rects[n].offset.y, bottom = top + rects[n].extent.height;
      y0 = top < y0 ? top : y0;
      y1 = bottom > y1 ? bottom : y1;
      n++;
   }
   uint32_t mid = n ? y0 + (y1 - y0) / 2 : 0;
   for (uint32_t i = 0; i < n; i++) {
      const VkRect2D *r = &rects[i];
      uint32_t top = (uint32_t)r->offset.y, bottom = top + r->extent.height;
      if (top < mid)
         add_rect(first, r->offset.x, r->offset.y, r->extent.width,
                  (bottom < mid ? bottom : mid) - top);
      if (bottom > mid) {
         uint32_t from = top > mid ? top : mid;
         add_rect(second, r->offset.x, (int32_t)from, r->extent.width, bottom - from);
      }
   }
}

static uint64_t
run_job(const struct vw_copy_job *j)
{
   return vw_copy_damage(j->dst, j->dst_stride, j->src, j->src_stride, j->bytes_per_pixel,
                         j->extent, &j->damage);
}

static void *
helper_main(void *arg)
{
   struct vw_copy_helper *h = arg;
   pthread_mutex_lock(&h->lock);
   for (;;) {
      while (!h->has_job && !h->stop)
         pthread_cond_wait(&h->cond, &h->lock);
      if (h->stop)
         break;
      struct vw_copy_job job = h->job;
      pthread_mutex_unlock(&h->lock);
      uint64_t cpu0 = vw_thread_cpu_ns();
      uint64_t bytes = run_job(&job); /* its streaming stores are fenced inside */
      uint64_t cpu = vw_thread_cpu_ns() - cpu0;
      pthread_mutex_lock(&h->lock);
      h->job_bytes = bytes;
      h->job_cpu_ns = cpu;
      h->has_job = false;
      pthread_cond_broadcast(&h->cond);
   }
   pthread_mutex_unlock(&h->lock);
   return NULL;
}

static bool
ensure_started(struct vw_copy_helper *h)
{
   if (h->started)
      return true;
   if (h->failed)
      return false;
   pthread_mutex_init(&h->lock, NULL);
   pthread_cond_init(&h->cond, NULL);
   h->has_job = h->stop = false;
   int err = pthread_create(&h->thread, NULL, helper_main, h);
   if (err) {
      vw_err("VENUS_WSI_COPY_THREADS: cannot start a copy thread (%s): one thread copies",
             strerror(err));
      pthread_cond_destroy(&h->cond);
      pthread_mutex_destroy(&h->lock);
      h->failed = true;
      return false;
   }
   h->started = true;
   return true;
}

uint64_t
vw_copy_helper_copy(struct vw_copy_helper *helper, void *dst, uint32_t dst_stride,
                    const void *src, uint32_t src_stride, uint32_t bytes_per_pixel,
                    VkExtent2D extent, const struct vw_damage *damage, uint64_t *helper_cpu_ns)
{
   if (helper_cpu_ns)
      *helper_cpu_ns = 0;
   struct vw_copy_job mine = {dst, dst_stride, src, src_stride, bytes_per_pixel, extent, {0}};
   if (!helper || vw_damage_area(damage, extent) * bytes_per_pixel < VW_COPY_HELPER_MIN_BYTES ||
       !ensure_started(helper)) {
      mine.damage = *damage;
      return run_job(&mine);
   }
   struct vw_damage first, second;
   vw_damage_split_rows(damage, extent, &first, &second);
   pthread_mutex_lock(&helper->lock);
   helper->job = mine;
   helper->job.damage = first;
   helper->has_job = true;
   pthread_cond_broadcast(&helper->cond);
   pthread_mutex_unlock(&helper->lock);

   mine.damage = second;
   uint64_t bytes = run_job(&mine);

   /* The helper's stores are fenced before it says it is done, and the lock orders them
    * before whatever this thread does next (the flip). */
   pthread_mutex_lock(&helper->lock);
   while (helper->has_job)
      pthread_cond_wait(&helper->cond, &helper->lock);
   bytes += helper->job_bytes;
   if (helper_cpu_ns)
      *helper_cpu_ns = helper->job_cpu_ns;
   pthread_mutex_unlock(&helper->lock);
   return bytes;
}

void
vw_copy_helper_stop(struct vw_copy_helper *helper)
{
   if (!helper->started)
      return;
   pthread_mutex_lock(&helper->lock);
   helper->stop = true;
   pthread_cond_broadcast(&helper->cond);
   pthread_mutex_unlock(&helper->lock);
   pthread_join(helper->thread, NULL);
   pthread_cond_destroy(&helper->cond);
   pthread_mutex_destroy(&helper->lock);
   helper->started = false;
}

#include "venus_wsi/present_queue.h"

#include <string.h>

static void
push_free(struct vw_present_queue *pq, uint32_t index, uint32_t *released, uint32_t *n)
{
   pq->state[index] = VW_IMAGE_FREE;
   pq->discard[index] = false;
   pq->released_early[index] = false;
   pq->free_list[pq->free_len++] = index;
   if (released)
      released[(*n)++] = index;
}

static void
remove_from_order(struct vw_present_queue *pq, uint32_t pos)
{
   memmove(&pq->order[pos], &pq->order[pos + 1], (pq->order_len - pos - 1) * sizeof(pq->order[0]));
   pq->order_len--;
}

void
vw_pq_init(struct vw_present_queue *pq, VkPresentModeKHR mode, uint32_t image_count,
           bool hold_displayed, uint64_t period_ns)
{
   memset(pq, 0, sizeof(*pq));
   if (image_count > VW_MAX_IMAGES)
      image_count = VW_MAX_IMAGES;
   pq->mode = mode;
   pq->image_count = image_count;
   pq->hold_displayed = hold_displayed;
   pq->period_ns = period_ns;
   pq->flipping = -1;
   pq->displayed = -1;
   for (uint32_t i = 0; i < image_count; i++) {
      pq->state[i] = VW_IMAGE_FREE;
      pq->free_list[i] = i;
   }
   pq->free_len = image_count;
}

int32_t
vw_pq_acquire(struct vw_present_queue *pq)
{
   if (pq->free_len == 0)
      return -1;
   uint32_t index = pq->free_list[0];
   memmove(&pq->free_list[0], &pq->free_list[1], (pq->free_len - 1) * sizeof(pq->free_list[0]));
   pq->free_len--;
   pq->state[index] = VW_IMAGE_ACQUIRED;
   return (int32_t)index;
}

bool
vw_pq_can_progress(const struct vw_present_queue *pq)
{
   if (pq->free_len > 0 || pq->order_len > 0 || pq->flipping >= 0)
      return true;
   /* A displayed image that the display drops by itself comes back without a present, and
    * so does one the backend will release. */
   if (pq->backend_releases)
      return vw_pq_count(pq, VW_IMAGE_HELD) > 0;
   return pq->displayed >= 0 && !pq->hold_displayed;
}

uint32_t
vw_pq_count(const struct vw_present_queue *pq, enum vw_image_state state)
{
   uint32_t n = 0;
   for (uint32_t i = 0; i < pq->image_count; i++)
      n += pq->state[i] == state;
   return n;
}

bool
vw_pq_queue(struct vw_present_queue *pq, uint32_t index, bool discard)
{
   if (index >= pq->image_count || pq->state[index] != VW_IMAGE_ACQUIRED)
      return false;
   pq->state[index] = VW_IMAGE_QUEUED;
   pq->discard[index] = discard;
   pq->frame_mode[index] = pq->mode;
   pq->order[pq->order_len++] = index;
   pq->presented++;
   return true;
}

int32_t
vw_pq_oldest_queued(const struct vw_present_queue *pq)
{
   for (uint32_t i = 0; i < pq->order_len; i++)
      if (pq->state[pq->order[i]] == VW_IMAGE_QUEUED)
         return (int32_t)pq->order[i];
   return -1;
}

bool
vw_pq_mode_replaces(VkPresentModeKHR mode)
{
   return mode == VK_PRESENT_MODE_MAILBOX_KHR || mode == VK_PRESENT_MODE_IMMEDIATE_KHR;
}

uint32_t
vw_pq_mark_ready(struct vw_present_queue *pq, uint32_t index, uint64_t now_ns,
                 uint32_t released[VW_MAX_IMAGES])
{
   uint32_t n = 0;
   if (index >= pq->image_count || pq->state[index] != VW_IMAGE_QUEUED)
      return 0;
   uint32_t pos = 0;
   while (pos < pq->order_len && pq->order[pos] != index)
      pos++;

   if (pq->discard[index]) {
      remove_from_order(pq, pos);
      pq->skipped++;
      push_free(pq, index, released, &n);
      return n;
   }
   pq->state[index] = VW_IMAGE_READY;
   pq->ready_ns[index] = now_ns;
   if (!vw_pq_mode_replaces(pq->frame_mode[index]))
      return n;

   /* A newer finished frame makes every older one pointless: free the finished ones now
    * and the unfinished ones as soon as the GPU lets go of them. */
   for (uint32_t i = 0; i < pos;) {
      uint32_t older = pq->order[i];
      if (pq->state[older] == VW_IMAGE_READY) {
         /* The mailbox has held a frame since the older one arrived: the newer takes its
          * place in line for the next refresh instead of starting over. */
         if (pq->ready_ns[older] < pq->ready_ns[index])
            pq->ready_ns[index] = pq->ready_ns[older];
         remove_from_order(pq, i);
         pos--;
         pq->skipped++;
         push_free(pq, older, released, &n);
      } else {
         pq->discard[older] = true;
         i++;
      }
   }
   return n;
}

/* The first refresh on the display's grid (last flip + whole periods) at or after both the
 * earliest next refresh and 'ready_ns'. */
static uint64_t
next_refresh(const struct vw_present_queue *pq, uint64_t ready_ns)
{
   uint64_t first = pq->last_flip_ns + pq->period_ns;
   if (ready_ns <= first)
      return first;
   uint64_t periods = (ready_ns - pq->last_flip_ns + pq->period_ns - 1) / pq->period_ns;
   return pq->last_flip_ns + periods * pq->period_ns;
}

int32_t
vw_pq_pick(const struct vw_present_queue *pq, uint64_t now_ns, uint64_t *wait_until_ns)
{
   *wait_until_ns = 0;
   if (pq->flipping >= 0 || pq->order_len == 0)
      return -1;

   /* With one mode throughout this is MAILBOX/IMMEDIATE's newest frame or FIFO's oldest;
    * a frame presented in a replacing mode after FIFO ones overtakes them, as its
    * mark_ready already freed those that were finished. */
   int32_t pick = -1;
   for (uint32_t i = pq->order_len; i-- > 0;) {
      uint32_t idx = pq->order[i];
      if (pq->state[idx] == VW_IMAGE_READY) {
         if (vw_pq_mode_replaces(pq->frame_mode[idx]))
            pick = (int32_t)idx;
         break;
      }
   }
   if (pick < 0 && pq->state[pq->order[0]] == VW_IMAGE_READY) {
      pick = (int32_t)pq->order[0];
      /* Only the finished frames at the head: one still rendering keeps its place, and
       * the frames behind it wait, as FIFO's would. */
      for (uint32_t i = 1; i < pq->order_len &&
                           pq->frame_mode[pick] == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT;
           i++) {
         uint32_t idx = pq->order[i];
         if (pq->state[idx] != VW_IMAGE_READY ||
             pq->frame_mode[idx] != VK_PRESENT_MODE_FIFO_LATEST_READY_EXT)
            break;
         pick = (int32_t)idx;
      }
   }
   if (pick < 0)
      return -1;

   VkPresentModeKHR mode = pq->frame_mode[pick];
   if (pq->period_ns == 0 || !pq->have_flip_time || mode == VK_PRESENT_MODE_IMMEDIATE_KHR)
      return pick;

   uint64_t due = pq->last_flip_ns + pq->period_ns;
   /* FIFO_LATEST_READY: the queue has had a frame to show since its head was ready, so the
    * refresh after that is the one due, whichever frame it shows. */
   uint64_t ready = mode == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT ? pq->ready_ns[pq->order[0]]
                                                                  : pq->ready_ns[pick];
   if (mode == VK_PRESENT_MODE_FIFO_RELAXED_KHR && ready >= due)
      return pick; /* it missed its refresh: show it now rather than wait another */
   uint64_t at = next_refresh(pq, ready);
   if (now_ns >= at)
      return pick;
   *wait_until_ns = at;
   return -1;
}

uint32_t
vw_pq_drop_passed_over(struct vw_present_queue *pq, uint32_t index,
                       uint32_t released[VW_MAX_IMAGES])
{
   uint32_t n = 0;
   if (index >= pq->image_count || pq->frame_mode[index] != VK_PRESENT_MODE_FIFO_LATEST_READY_EXT)
      return 0;
   while (pq->order_len > 0 && pq->order[0] != index &&
          pq->state[pq->order[0]] == VW_IMAGE_READY) {
      uint32_t older = pq->order[0];
      remove_from_order(pq, 0);
      pq->skipped++;
      push_free(pq, older, released, &n);
   }
   return n;
}

void
vw_pq_flip_started(struct vw_present_queue *pq, uint32_t index, uint64_t now_ns)
{
   pq->flip_started_ns = now_ns;
   for (uint32_t i = 0; i < pq->order_len; i++) {
      if (pq->order[i] == index) {
         remove_from_order(pq, i);
         break;
      }
   }
   pq->state[index] = VW_IMAGE_FLIPPING;
   pq->flipping = (int32_t)index;
}

uint32_t
vw_pq_flip_done(struct vw_present_queue *pq, uint64_t now_ns, uint32_t released[VW_MAX_IMAGES])
{
   uint32_t n = 0;
   if (pq->flipping < 0)
      return 0;
   uint32_t index = (uint32_t)pq->flipping;
   pq->flipping = -1;
   pq->shown++;
   /* A flip handed over a little after its refresh still belongs to that refresh: snap it
    * down onto the grid so the late part does not add up frame after frame. */
   uint64_t t = pq->flip_started_ns ? pq->flip_started_ns : now_ns;
   if (pq->have_flip_time && pq->period_ns && t >= pq->last_flip_ns) {
      uint64_t periods = (t - pq->last_flip_ns) / pq->period_ns;
      if (periods >= 1)
         t = pq->last_flip_ns + periods * pq->period_ns;
   }
   pq->have_flip_time = true;
   pq->last_flip_ns = t;
   pq->flip_started_ns = 0;
   if (pq->backend_releases) {
      if (pq->released_early[index])
         push_free(pq, index, released, &n);
      else
         pq->state[index] = VW_IMAGE_HELD;
      return n;
   }
   if (pq->displayed >= 0) {
      push_free(pq, (uint32_t)pq->displayed, released, &n);
      pq->displayed = -1;
   }
   if (pq->hold_displayed) {
      pq->state[index] = VW_IMAGE_DISPLAYED;
      pq->displayed = (int32_t)index;
   } else {
      push_free(pq, index, released, &n);
   }
   return n;
}

uint32_t
vw_pq_flip_abandoned(struct vw_present_queue *pq, uint32_t released[VW_MAX_IMAGES])
{
   uint32_t n = 0;
   if (pq->flipping < 0)
      return 0;
   push_free(pq, (uint32_t)pq->flipping, released, &n);
   pq->flipping = -1;
   return n;
}

uint32_t
vw_pq_discard_pending(struct vw_present_queue *pq, uint32_t released[VW_MAX_IMAGES])
{
   uint32_t n = 0;
   for (uint32_t i = 0; i < pq->order_len;) {
      uint32_t index = pq->order[i];
      if (pq->state[index] == VW_IMAGE_READY) {
         remove_from_order(pq, i);
         pq->skipped++;
         push_free(pq, index, released, &n);
      } else {
         pq->discard[index] = true;
         i++;
      }
   }
   return n;
}

bool
vw_pq_release(struct vw_present_queue *pq, uint32_t index)
{
   if (!pq->backend_releases || index >= pq->image_count)
      return false;
   if (pq->state[index] == VW_IMAGE_FLIPPING) {
      pq->released_early[index] = true;
      return true;
   }
   if (pq->state[index] != VW_IMAGE_HELD)
      return false;
   uint32_t n = 0;
   push_free(pq, index, NULL, &n);
   return true;
}

bool
vw_pq_unacquire(struct vw_present_queue *pq, uint32_t index)
{
   if (index >= pq->image_count || pq->state[index] != VW_IMAGE_ACQUIRED)
      return false;
   uint32_t n = 0;
   push_free(pq, index, NULL, &n);
   return true;
}

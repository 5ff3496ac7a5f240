#include "venus_wsi/present_wait.h"

#include <errno.h>
#include <string.h>

#include "venus_wsi/acquire_wait.h"
#include "venus_wsi/presentation.h"

void
vw_present_ids_init(struct vw_present_ids *ids)
{
   memset(ids, 0, sizeof(*ids));
}

bool
vw_present_ids_queue(struct vw_present_ids *ids, uint32_t index, uint64_t id, bool discarded)
{
   bool increasing = id == 0 || id > ids->last;
   if (id > ids->last)
      ids->last = id;
   if (!discarded && id > ids->queued)
      ids->queued = id;
   if (index < VW_MAX_IMAGES)
      ids->upto[index] = discarded ? 0 : ids->queued;
   return increasing;
}

bool
vw_present_ids_shown(struct vw_present_ids *ids, uint32_t index)
{
   if (index >= VW_MAX_IMAGES || ids->upto[index] <= ids->completed)
      return false;
   ids->completed = ids->upto[index];
   return true;
}

enum vw_present_id_state
vw_present_ids_check(const struct vw_present_ids *ids, uint64_t id, bool no_new_frames,
                     bool dropping)
{
   if (id <= ids->completed)
      return VW_PRESENT_ID_DONE;
   if (dropping || (no_new_frames && id > ids->queued))
      return VW_PRESENT_ID_NEVER;
   return VW_PRESENT_ID_PENDING;
}

static bool
settled(struct vw_presentation *p, uint64_t id, VkResult *r)
{
   switch (vw_present_ids_check(&p->ids, id, p->retired, p->stopping)) {
   case VW_PRESENT_ID_DONE:
      /* The frame reached the screen: a later failure does not undo that. */
      *r = p->status < 0 ? VK_SUCCESS : p->status;
      return true;
   case VW_PRESENT_ID_NEVER:
      *r = p->status < 0 ? p->status : VK_ERROR_OUT_OF_DATE_KHR;
      return true;
   case VW_PRESENT_ID_PENDING:
      break;
   }
   if (p->status < 0) {
      *r = p->status;
      return true;
   }
   return false;
}

VkResult
vw_present_wait(struct vw_presentation *p, uint64_t id, uint64_t timeout_ns)
{
   bool forever = vw_timeout_is_forever(timeout_ns);
   struct timespec deadline = forever ? (struct timespec){0} : vw_deadline_after(timeout_ns);
   VkResult r = VK_TIMEOUT;

   pthread_mutex_lock(&p->lock);
   while (!settled(p, id, &r)) {
      if (timeout_ns == 0) {
         r = VK_TIMEOUT;
         break;
      }
      int e = forever ? pthread_cond_wait(&p->changed, &p->lock)
                      : pthread_cond_timedwait(&p->changed, &p->lock, &deadline);
      if (e == ETIMEDOUT) {
         /* Shown right at the deadline still counts. */
         if (!settled(p, id, &r))
            r = VK_TIMEOUT;
         break;
      }
   }
   pthread_mutex_unlock(&p->lock);
   return r;
}

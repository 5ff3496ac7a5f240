#include "kms_commit.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include "../log.h"

static uint64_t
now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

VkResult
vw_kms_error_to_vk(int neg_errno)
{
   switch (-neg_errno) {
   case 0: return VK_SUCCESS;
   case EACCES: /* lost DRM master */
   case EPERM:
   case ENODEV: /* device unplugged */
      return VK_ERROR_SURFACE_LOST_KHR;
   case ENOMEM: return VK_ERROR_OUT_OF_HOST_MEMORY;
   default:
      /* EINVAL, ERANGE, ENOSPC, ENOENT, persistent EBUSY: the configuration no longer fits
       * the display; a new swapchain sets the mode again. */
      return VK_ERROR_OUT_OF_DATE_KHR;
   }
}

static void
save_crtc_state(struct vw_kms_output *out)
{
   struct vw_kms_crtc *crtc = out->crtc;
   if (crtc->saved)
      return;
   drmModeCrtc *c = drmModeGetCrtc(out->dev->fd, crtc->id);
   if (c) {
      crtc->saved_active = c->mode_valid && c->buffer_id;
      crtc->saved_mode = c->mode;
      crtc->saved_fb = c->buffer_id;
      drmModeFreeCrtc(c);
   }
   crtc->saved_connector = 0;
   for (uint32_t i = 0; i < out->dev->connector_count; i++)
      if (out->dev->connectors[i].current_crtc == crtc->id)
         crtc->saved_connector = out->dev->connectors[i].id;
   crtc->saved = true;
}

static bool
needs_modeset(const struct vw_kms_output *out)
{
   const struct vw_kms_crtc *crtc = out->crtc;
   return !crtc->mode_set || crtc->connector != out->connector->id ||
          memcmp(&crtc->mode, &out->mode, sizeof(out->mode)) != 0;
}

static void
add_plane(drmModeAtomicReq *req, const struct vw_kms_plane *p, uint32_t crtc, uint32_t fb,
          VkExtent2D e)
{
   drmModeAtomicAddProperty(req, p->id, p->prop.fb_id, fb);
   drmModeAtomicAddProperty(req, p->id, p->prop.crtc_id, crtc);
   drmModeAtomicAddProperty(req, p->id, p->prop.src_x, 0);
   drmModeAtomicAddProperty(req, p->id, p->prop.src_y, 0);
   drmModeAtomicAddProperty(req, p->id, p->prop.src_w, (uint64_t)e.width << 16);
   drmModeAtomicAddProperty(req, p->id, p->prop.src_h, (uint64_t)e.height << 16);
   drmModeAtomicAddProperty(req, p->id, p->prop.crtc_x, 0);
   drmModeAtomicAddProperty(req, p->id, p->prop.crtc_y, 0);
   drmModeAtomicAddProperty(req, p->id, p->prop.crtc_w, e.width);
   drmModeAtomicAddProperty(req, p->id, p->prop.crtc_h, e.height);
}

/* FB_DAMAGE_CLIPS for a partial update; 0 (no blob: everything) otherwise. */
static uint32_t
damage_blob(struct vw_kms_output *out, const struct vw_damage *damage)
{
   if (!damage || damage->full || !damage->count || !out->crtc->primary->prop.damage_clips)
      return 0;
   struct drm_mode_rect rects[VW_MAX_DAMAGE_RECTS];
   for (uint32_t i = 0; i < damage->count; i++) {
      const VkRect2D *r = &damage->rects[i];
      rects[i] = (struct drm_mode_rect){r->offset.x, r->offset.y,
                                        r->offset.x + (int32_t)r->extent.width,
                                        r->offset.y + (int32_t)r->extent.height};
   }
   uint32_t blob = 0;
   if (drmModeCreatePropertyBlob(out->dev->fd, rects, damage->count * sizeof(rects[0]), &blob))
      return 0;
   return blob;
}

static int
atomic_show(struct vw_kms_output *out, uint32_t fb, VkExtent2D extent,
            const struct vw_damage *damage, bool async, uint64_t serial)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   const struct vw_kms_plane *plane = crtc->primary;
   drmModeAtomicReq *req = drmModeAtomicAlloc();
   if (!req)
      return -ENOMEM;
   uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
   uint32_t mode_blob = 0, clips = 0;
   bool modeset = needs_modeset(out);
   if (modeset) {
      if (drmModeCreatePropertyBlob(dev->fd, &out->mode, sizeof(out->mode), &mode_blob)) {
         drmModeAtomicFree(req);
         return -errno;
      }
      drmModeAtomicAddProperty(req, out->connector->id, out->connector->prop_crtc_id, crtc->id);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.active, 1);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.mode_id, mode_blob);
      add_plane(req, plane, crtc->id, fb, extent);
      flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
   } else {
      drmModeAtomicAddProperty(req, plane->id, plane->prop.fb_id, fb);
      clips = damage_blob(out, damage);
      if (clips)
         drmModeAtomicAddProperty(req, plane->id, plane->prop.damage_clips, clips);
      if (async && dev->async_flip && !out->async_failed)
         flags |= DRM_MODE_PAGE_FLIP_ASYNC;
   }
   int r = drmModeAtomicCommit(dev->fd, req, flags, dev) ? -errno : 0;
   if (r == -EINVAL && (flags & DRM_MODE_PAGE_FLIP_ASYNC)) {
      out->async_failed = true; /* e.g. async with damage clips: flip normally from now on */
      r = drmModeAtomicCommit(dev->fd, req, flags & ~DRM_MODE_PAGE_FLIP_ASYNC, dev) ? -errno : 0;
   }
   drmModeAtomicFree(req);
   if (clips)
      drmModeDestroyPropertyBlob(dev->fd, clips); /* the commit keeps its own reference */
   if (r) {
      if (mode_blob)
         drmModeDestroyPropertyBlob(dev->fd, mode_blob);
      return r;
   }
   if (modeset) {
      if (crtc->mode_blob)
         drmModeDestroyPropertyBlob(dev->fd, crtc->mode_blob);
      crtc->mode_blob = mode_blob;
      crtc->mode = out->mode;
      crtc->connector = out->connector->id;
      crtc->mode_set = true;
   }
   crtc->flip_serial = serial;
   return 0;
}

/* Without it a virtio-gpu guest shows nothing new (the host copy is not refreshed).
 * Returns 0 or a negative errno; drivers without it (ENOSYS) show the change anyway. */
static int
dirty_fb(struct vw_kms_device *dev, uint32_t fb, const struct vw_damage *damage)
{
   drmModeClip clips[VW_MAX_DAMAGE_RECTS];
   uint32_t n = 0;
   for (uint32_t i = 0; damage && !damage->full && i < damage->count; i++) {
      const VkRect2D *r = &damage->rects[i];
      clips[n++] = (drmModeClip){(unsigned short)r->offset.x, (unsigned short)r->offset.y,
                                 (unsigned short)(r->offset.x + r->extent.width),
                                 (unsigned short)(r->offset.y + r->extent.height)};
   }
   if (drmModeDirtyFB(dev->fd, fb, n ? clips : NULL, n) && errno != ENOSYS) {
      int e = errno;
      vw_dbg("kms: DirtyFB: %s", strerror(e));
      return -e;
   }
   return 0;
}

int
vw_kms_dirty(struct vw_kms_output *out, uint32_t fb, const struct vw_damage *damage)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   pthread_mutex_lock(&crtc->commit_lock);
   pthread_mutex_lock(&dev->lock);
   int r = vw_kms_device_gone(dev) ? -ENODEV
           : crtc->fb != fb || crtc->flip_done < crtc->flip_serial || needs_modeset(out) ? -EAGAIN
                                                                                        : 0;
   pthread_mutex_unlock(&dev->lock);
   /* Blocking in the kernel (it waits for the host's copy): the device lock is not held,
    * so the flip events of other outputs are still read meanwhile. */
   if (r == 0)
      r = dirty_fb(dev, fb, damage);
   if (r == -ENODEV) {
      pthread_mutex_lock(&dev->lock);
      vw_kms_device_set_gone(dev);
      pthread_mutex_unlock(&dev->lock);
   }
   pthread_mutex_unlock(&crtc->commit_lock);
   return r;
}

/* Device lock held; dropped around the calls that may block. */
static int
legacy_show(struct vw_kms_output *out, uint32_t fb, const struct vw_damage *damage, bool async,
            uint64_t serial, enum vw_flip_result *result)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   if (!needs_modeset(out) && !out->legacy_setcrtc_only) {
      uint32_t flags = DRM_MODE_PAGE_FLIP_EVENT;
      if (async && dev->async_flip && !out->async_failed)
         flags |= DRM_MODE_PAGE_FLIP_ASYNC;
      int r = drmModePageFlip(dev->fd, crtc->id, fb, flags, dev) ? -errno : 0;
      if (r == -EINVAL && (flags & DRM_MODE_PAGE_FLIP_ASYNC)) {
         out->async_failed = true;
         r = drmModePageFlip(dev->fd, crtc->id, fb, DRM_MODE_PAGE_FLIP_EVENT, dev) ? -errno : 0;
      }
      if (r == 0) {
         crtc->flip_serial = serial;
         *result = VW_FLIP_PENDING;
         return 0;
      }
      if (r != -EINVAL && r != -ENOSYS && r != -EOPNOTSUPP)
         return r;
      /* What the user's guest did before this layer: one SetCrtc, then DirtyFB per frame. */
      vw_info("kms: page flips refused (%s); using SetCrtc + DirtyFB", strerror(-r));
      out->legacy_setcrtc_only = true;
   }
   uint32_t conn = out->connector->id;
   drmModeModeInfo mode = out->mode;
   /* SetCrtc and DirtyFB are blocking commits in the kernel: they wait for a pending flip. */
   pthread_mutex_unlock(&dev->lock);
   int r = drmModeSetCrtc(dev->fd, crtc->id, fb, 0, 0, &conn, 1, &mode) ? -errno : 0;
   if (r == 0 && out->legacy_setcrtc_only)
      dirty_fb(dev, fb, damage);
   pthread_mutex_lock(&dev->lock);
   if (r)
      return r;
   crtc->mode = out->mode;
   crtc->connector = conn;
   crtc->mode_set = true;
   /* The kernel finished the pending flip before this: nothing of the layer's is in flight. */
   crtc->flip_serial = serial;
   crtc->flip_done = serial;
   crtc->flip_done_ns = now_ns();
   crtc->flip_unconfirmed = false;
   *result = VW_FLIP_SHOWN;
   return 0;
}

/* --- waiting for a CRTC that may be busy: never past a deadline --- */

#define RESTORE_RETRY_MS 5

static uint64_t
ms_left(uint64_t deadline_ns)
{
   uint64_t now = now_ns();
   return now < deadline_ns ? (deadline_ns - now) / 1000000 : 0;
}

/* Lets the display get on with a pending flip for a few ms, reading its events meanwhile. */
static void
pause_for_display(struct vw_kms_device *dev, uint64_t deadline_ns)
{
   uint64_t left = ms_left(deadline_ns);
   struct pollfd pfd = {.fd = dev->fd, .events = POLLIN};
   if (poll(&pfd, 1, left < RESTORE_RETRY_MS ? (int)left : RESTORE_RETRY_MS) > 0 &&
       (pfd.revents & POLLIN))
      vw_kms_dispatch_events(dev);
}

/* Legacy SetCrtc always blocks, for a pending flip too: where the layer's last flip was
 * never confirmed, a flip of the same framebuffer (which never blocks) shows first whether
 * the CRTC is free. -EBUSY when it stays busy past the deadline. */
static int
legacy_wait_idle(struct vw_kms_output *out, uint64_t deadline_ns)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   uint64_t serial = 0;
   int r;
   for (;;) {
      pthread_mutex_lock(&dev->lock);
      uint64_t s = crtc->flip_serial + 1;
      r = drmModePageFlip(dev->fd, crtc->id, crtc->fb, DRM_MODE_PAGE_FLIP_EVENT, dev) ? -errno
                                                                                     : 0;
      if (r == 0)
         crtc->flip_serial = serial = s;
      pthread_mutex_unlock(&dev->lock);
      if (r != -EBUSY || !ms_left(deadline_ns))
         break;
      pause_for_display(dev, deadline_ns);
   }
   if (r == -EBUSY)
      return r;
   if (r)
      return 0; /* no flips here at all, or refused for a reason SetCrtc reports too */
   return vw_kms_wait_flip(out, serial, -1, ms_left(deadline_ns) * 1000000) == 1 ? 0 : -EBUSY;
}

/* The CRTC's committed framebuffer is 'fb': the flip to it may still be pending. Otherwise
 * someone else has set the CRTC since (off, or their own picture) and the probe flip would
 * be refused for that. */
static bool
crtc_holds_fb(struct vw_kms_device *dev, const struct vw_kms_crtc *crtc, uint32_t fb)
{
   drmModeCrtc *c = drmModeGetCrtc(dev->fd, crtc->id);
   bool holds = c && c->buffer_id == fb;
   drmModeFreeCrtc(c);
   return holds;
}

static int
legacy_settle(struct vw_kms_output *out, uint64_t deadline_ns)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   pthread_mutex_lock(&dev->lock);
   bool unconfirmed = crtc->flip_unconfirmed;
   pthread_mutex_unlock(&dev->lock);
   if (!unconfirmed || !crtc->fb || out->legacy_setcrtc_only)
      return 0;
   if (!crtc_holds_fb(dev, crtc, crtc->fb)) {
      pthread_mutex_lock(&dev->lock);
      crtc->flip_unconfirmed = false;
      pthread_mutex_unlock(&dev->lock);
      return 0;
   }
   return legacy_wait_idle(out, deadline_ns);
}

int
vw_kms_show(struct vw_kms_output *out, uint32_t fb, VkExtent2D extent,
            const struct vw_damage *damage, bool async, enum vw_flip_result *result,
            uint64_t *serial)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   pthread_mutex_lock(&crtc->commit_lock);
   /* A legacy mode set would block behind a flip that never completes: busy instead, which
    * the caller retries a few times. */
   int r = !dev->atomic && needs_modeset(out) ? legacy_settle(out, now_ns()) : 0;
   if (r) {
      pthread_mutex_unlock(&crtc->commit_lock);
      return r;
   }
   /* The device lock stays held from a nonblocking commit to its serial being recorded: the
    * flip event, read by any thread, must find the serial it completes. */
   pthread_mutex_lock(&dev->lock);
   r = -ENODEV;
   if (!vw_kms_device_gone(dev)) {
      save_crtc_state(out);
      uint64_t s = crtc->flip_serial + 1;
      if (dev->atomic) {
         r = atomic_show(out, fb, extent, damage, async, s);
         *result = VW_FLIP_PENDING;
      } else {
         r = legacy_show(out, fb, damage, async, s, result);
      }
      if (r == -ENODEV)
         vw_kms_device_set_gone(dev);
      if (r == 0) {
         crtc->fb = fb;
         *serial = s;
      }
   }
   pthread_mutex_unlock(&dev->lock);
   pthread_mutex_unlock(&crtc->commit_lock);
   return r;
}

int
vw_kms_wait_flip(struct vw_kms_output *out, uint64_t serial, int wake_fd, uint64_t timeout_ns)
{
   struct vw_kms_device *dev = out->dev;
   uint64_t deadline = now_ns() + timeout_ns;
   for (;;) {
      pthread_mutex_lock(&dev->lock);
      bool done = out->crtc->flip_done >= serial;
      bool gone = vw_kms_device_gone(dev);
      pthread_mutex_unlock(&dev->lock);
      if (done)
         return 1;
      if (gone)
         return -ENODEV;
      uint64_t now = now_ns();
      if (now >= deadline)
         return 0;
      uint64_t left_ms = (deadline - now + 999999) / 1000000;
      struct pollfd pfd[2] = {{.fd = dev->fd, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
      int n = poll(pfd, wake_fd >= 0 ? 2 : 1, left_ms > 1000 ? 1000 : (int)left_ms);
      if (n > 0 && (pfd[0].revents & POLLIN) && !vw_kms_dispatch_events(dev))
         return -ENODEV;
      if (n > 0 && (pfd[0].revents & (POLLERR | POLLHUP)))
         return -ENODEV;
      if (n > 0 && wake_fd >= 0 && (pfd[1].revents & POLLIN))
         return 0; /* someone wants the thread: let it look */
   }
}

void
vw_kms_give_up_flip(struct vw_kms_output *out, uint64_t serial)
{
   pthread_mutex_lock(&out->dev->lock);
   if (out->crtc->flip_done < serial) {
      out->crtc->flip_done = serial;
      out->crtc->flip_unconfirmed = true;
   }
   pthread_mutex_unlock(&out->dev->lock);
}

bool
vw_kms_drain_flips(struct vw_kms_output *out, uint64_t deadline_ns)
{
   pthread_mutex_lock(&out->dev->lock);
   uint64_t serial = out->crtc->flip_serial;
   pthread_mutex_unlock(&out->dev->lock);
   int r = 0;
   for (uint64_t now = now_ns(); now < deadline_ns && r == 0; now = now_ns())
      r = vw_kms_wait_flip(out, serial, -1, deadline_ns - now);
   if (r == 0)
      vw_kms_give_up_flip(out, serial);
   pthread_mutex_lock(&out->dev->lock);
   bool confirmed = !out->crtc->flip_unconfirmed;
   pthread_mutex_unlock(&out->dev->lock);
   return confirmed;
}

/* --- restore --- */

static bool
crtc_is_on(struct vw_kms_device *dev, const struct vw_kms_crtc *crtc)
{
   drmModeCrtc *c = drmModeGetCrtc(dev->fd, crtc->id);
   bool on = c && c->mode_valid;
   drmModeFreeCrtc(c);
   return on;
}

/* Commits without blocking, again while the CRTC is busy and time is left. With an event,
 * its serial goes to *serial. Commit lock held. */
static int
restore_commit(struct vw_kms_output *out, drmModeAtomicReq *req, uint32_t flags,
               uint64_t deadline_ns, uint64_t *serial)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   for (;;) {
      pthread_mutex_lock(&dev->lock);
      uint64_t s = crtc->flip_serial + 1;
      int r = drmModeAtomicCommit(dev->fd, req, flags, dev) ? -errno : 0;
      if (r == 0 && (flags & DRM_MODE_PAGE_FLIP_EVENT))
         crtc->flip_serial = *serial = s;
      if (r == -ENODEV)
         vw_kms_device_set_gone(dev);
      pthread_mutex_unlock(&dev->lock);
      if (r != -EBUSY || !ms_left(deadline_ns))
         return r;
      pause_for_display(dev, deadline_ns);
   }
}

/* The CRTC back to the saved console picture, or off. */
static drmModeAtomicReq *
restore_request(struct vw_kms_output *out, bool console, uint32_t *blob)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   const struct vw_kms_plane *plane = crtc->primary;
   struct vw_kms_connector *ours = vw_kms_find_connector(dev, crtc->connector);
   struct vw_kms_connector *saved = vw_kms_find_connector(dev, crtc->saved_connector);
   drmModeAtomicReq *req = drmModeAtomicAlloc();
   if (!req)
      return NULL;
   if (ours && (!console || ours != saved))
      drmModeAtomicAddProperty(req, ours->id, ours->prop_crtc_id, 0);
   if (console) {
      drmModeAtomicAddProperty(req, saved->id, saved->prop_crtc_id, crtc->id);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.mode_id, *blob);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.active, 1);
      add_plane(req, plane, crtc->id, crtc->saved_fb,
                (VkExtent2D){crtc->saved_mode.hdisplay, crtc->saved_mode.vdisplay});
   } else {
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.mode_id, 0);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.active, 0);
      drmModeAtomicAddProperty(req, plane->id, plane->prop.fb_id, 0);
      drmModeAtomicAddProperty(req, plane->id, plane->prop.crtc_id, 0);
   }
   return req;
}

static int
atomic_restore_to(struct vw_kms_output *out, bool console, uint64_t deadline_ns)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   uint32_t blob = 0;
   if (console && drmModeCreatePropertyBlob(dev->fd, &crtc->saved_mode, sizeof(crtc->saved_mode),
                                            &blob))
      return -errno;
   drmModeAtomicReq *req = restore_request(out, console, &blob);
   if (!req) {
      if (blob)
         drmModeDestroyPropertyBlob(dev->fd, blob);
      return -ENOMEM;
   }
   /* An event tells when the restore is on screen; the kernel refuses one for a CRTC that
    * is off and stays off. */
   uint32_t flags = DRM_MODE_ATOMIC_ALLOW_MODESET | DRM_MODE_ATOMIC_NONBLOCK;
   if (console || crtc_is_on(dev, crtc))
      flags |= DRM_MODE_PAGE_FLIP_EVENT;
   uint64_t serial = 0;
   int r = restore_commit(out, req, flags, deadline_ns, &serial);
   drmModeAtomicFree(req);
   if (blob)
      drmModeDestroyPropertyBlob(dev->fd, blob); /* the commit keeps its own reference */
   /* Once committed the layer's framebuffers are out of the CRTC's state and may go; the
    * wait only keeps the console from coming back after the caller returns. */
   if (r == 0 && serial && vw_kms_wait_flip(out, serial, -1, ms_left(deadline_ns) * 1000000) == 0)
      vw_dbg("kms: the restore of CRTC %u is not on screen yet", crtc->id);
   return r;
}

static int
atomic_restore(struct vw_kms_output *out, uint64_t deadline_ns)
{
   struct vw_kms_crtc *crtc = out->crtc;
   bool console = crtc->saved_active && crtc->saved_fb &&
                  vw_kms_find_connector(out->dev, crtc->saved_connector);
   int r = atomic_restore_to(out, console, deadline_ns);
   if (r && r != -EBUSY && console) {
      /* The saved framebuffer (fbcon's, say) may be gone: switch off instead. */
      vw_dbg("kms: restoring the CRTC failed (%s); turning it off", strerror(-r));
      r = atomic_restore_to(out, false, deadline_ns);
   }
   return r;
}

static int
legacy_restore(struct vw_kms_output *out, uint64_t deadline_ns)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   int r = legacy_settle(out, deadline_ns);
   if (r)
      return r;
   if (crtc->saved_active && crtc->saved_fb) {
      uint32_t conn = crtc->saved_connector ? crtc->saved_connector : crtc->connector;
      if (drmModeSetCrtc(dev->fd, crtc->id, crtc->saved_fb, 0, 0, &conn, 1, &crtc->saved_mode) == 0)
         return 0;
   }
   return drmModeSetCrtc(dev->fd, crtc->id, 0, 0, 0, NULL, 0, NULL) ? -errno : 0;
}

int
vw_kms_restore(struct vw_kms_output *out, uint64_t deadline_ns, uint32_t *held_fb)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   pthread_mutex_lock(&crtc->commit_lock);
   pthread_mutex_lock(&dev->lock);
   bool gone = vw_kms_device_gone(dev);
   pthread_mutex_unlock(&dev->lock);
   int r = 0;
   /* A framebuffer left from a restore that found the CRTC stuck asks for another try. */
   if ((crtc->mode_set || crtc->fb) && !gone)
      r = dev->atomic ? atomic_restore(out, deadline_ns) : legacy_restore(out, deadline_ns);
   *held_fb = 0;
   if (r == -EBUSY) {
      vw_err("kms: CRTC %u is still busy with a flip that never completed; leaving the "
             "display as it is", crtc->id);
      *held_fb = crtc->fb;
   } else if (r) {
      vw_err("kms: restoring CRTC %u failed: %s", crtc->id, strerror(-r));
   }
   if (r != -EBUSY) {
      /* Kept otherwise for the next try: the committed state still routes the connector
       * here, and a later swapchain must not save the stuck picture as the console's. */
      crtc->fb = 0;
      crtc->connector = 0;
      crtc->saved = false;
   }
   if (crtc->mode_blob && !gone)
      drmModeDestroyPropertyBlob(dev->fd, crtc->mode_blob);
   crtc->mode_blob = 0;
   crtc->mode_set = false;
   pthread_mutex_unlock(&crtc->commit_lock);
   return r;
}

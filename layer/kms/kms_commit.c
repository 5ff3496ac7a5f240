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
   if (drmModeSetCrtc(dev->fd, crtc->id, fb, 0, 0, &conn, 1, &mode))
      return -errno;
   crtc->mode = out->mode;
   crtc->connector = conn;
   crtc->mode_set = true;
   if (out->legacy_setcrtc_only) {
      drmModeClip clips[VW_MAX_DAMAGE_RECTS];
      uint32_t n = 0;
      for (uint32_t i = 0; damage && !damage->full && i < damage->count; i++) {
         const VkRect2D *r = &damage->rects[i];
         clips[n++] = (drmModeClip){(unsigned short)r->offset.x, (unsigned short)r->offset.y,
                                    (unsigned short)(r->offset.x + r->extent.width),
                                    (unsigned short)(r->offset.y + r->extent.height)};
      }
      /* Without it a virtio-gpu guest shows nothing new (the host copy is not refreshed). */
      if (drmModeDirtyFB(dev->fd, fb, n ? clips : NULL, n) && errno != ENOSYS)
         vw_dbg("kms: DirtyFB: %s", strerror(errno));
   }
   crtc->flip_serial = serial;
   crtc->flip_done = serial;
   crtc->flip_done_ns = now_ns();
   *result = VW_FLIP_SHOWN;
   return 0;
}

int
vw_kms_show(struct vw_kms_output *out, uint32_t fb, VkExtent2D extent,
            const struct vw_damage *damage, bool async, enum vw_flip_result *result,
            uint64_t *serial)
{
   struct vw_kms_device *dev = out->dev;
   pthread_mutex_lock(&dev->lock);
   if (dev->gone) {
      pthread_mutex_unlock(&dev->lock);
      return -ENODEV;
   }
   save_crtc_state(out);
   uint64_t s = out->crtc->flip_serial + 1;
   int r;
   if (dev->atomic) {
      r = atomic_show(out, fb, extent, damage, async, s);
      *result = VW_FLIP_PENDING;
   } else {
      r = legacy_show(out, fb, damage, async, s, result);
   }
   if (r == -ENODEV)
      dev->gone = true;
   if (r == 0)
      *serial = s;
   pthread_mutex_unlock(&dev->lock);
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
      bool gone = dev->gone;
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
vw_kms_drain_flips(struct vw_kms_output *out, uint64_t timeout_ns)
{
   pthread_mutex_lock(&out->dev->lock);
   uint64_t serial = out->crtc->flip_serial;
   pthread_mutex_unlock(&out->dev->lock);
   uint64_t deadline = now_ns() + timeout_ns;
   while (now_ns() < deadline) {
      int r = vw_kms_wait_flip(out, serial, -1, deadline - now_ns());
      if (r != 0)
         return;
   }
   /* The event never came: treat the flip as done so nothing waits on it forever. */
   pthread_mutex_lock(&out->dev->lock);
   if (out->crtc->flip_done < serial)
      out->crtc->flip_done = serial;
   pthread_mutex_unlock(&out->dev->lock);
}

static void
atomic_restore(struct vw_kms_output *out)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   const struct vw_kms_plane *plane = crtc->primary;
   struct vw_kms_connector *ours = vw_kms_find_connector(dev, crtc->connector);
   struct vw_kms_connector *saved = vw_kms_find_connector(dev, crtc->saved_connector);
   drmModeAtomicReq *req = drmModeAtomicAlloc();
   if (!req)
      return;
   uint32_t blob = 0;
   bool restore = crtc->saved_active && crtc->saved_fb && saved &&
                  !drmModeCreatePropertyBlob(dev->fd, &crtc->saved_mode, sizeof(crtc->saved_mode),
                                             &blob);
   if (ours && (!restore || ours != saved))
      drmModeAtomicAddProperty(req, ours->id, ours->prop_crtc_id, 0);
   if (restore) {
      drmModeAtomicAddProperty(req, saved->id, saved->prop_crtc_id, crtc->id);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.mode_id, blob);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.active, 1);
      add_plane(req, plane, crtc->id, crtc->saved_fb,
                (VkExtent2D){crtc->saved_mode.hdisplay, crtc->saved_mode.vdisplay});
   } else {
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.mode_id, 0);
      drmModeAtomicAddProperty(req, crtc->id, crtc->prop.active, 0);
      drmModeAtomicAddProperty(req, plane->id, plane->prop.fb_id, 0);
      drmModeAtomicAddProperty(req, plane->id, plane->prop.crtc_id, 0);
   }
   int r = drmModeAtomicCommit(dev->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
   drmModeAtomicFree(req);
   if (blob)
      drmModeDestroyPropertyBlob(dev->fd, blob);
   if (r && restore) {
      /* The saved framebuffer (fbcon's, say) may be gone: switch off instead. */
      vw_dbg("kms: restoring the CRTC failed (%s); turning it off", strerror(errno));
      crtc->saved_active = false;
      atomic_restore(out);
   } else if (r) {
      vw_err("kms: turning the CRTC off failed: %s", strerror(errno));
   }
}

static void
legacy_restore(struct vw_kms_output *out)
{
   struct vw_kms_device *dev = out->dev;
   struct vw_kms_crtc *crtc = out->crtc;
   if (crtc->saved_active && crtc->saved_fb) {
      uint32_t conn = crtc->saved_connector ? crtc->saved_connector : crtc->connector;
      if (drmModeSetCrtc(dev->fd, crtc->id, crtc->saved_fb, 0, 0, &conn, 1, &crtc->saved_mode) == 0)
         return;
   }
   drmModeSetCrtc(dev->fd, crtc->id, 0, 0, 0, NULL, 0, NULL);
}

void
vw_kms_restore(struct vw_kms_output *out)
{
   struct vw_kms_device *dev = out->dev;
   pthread_mutex_lock(&dev->lock);
   struct vw_kms_crtc *crtc = out->crtc;
   if (crtc->mode_set && !dev->gone) {
      if (dev->atomic)
         atomic_restore(out);
      else
         legacy_restore(out);
   }
   if (crtc->mode_blob && !dev->gone)
      drmModeDestroyPropertyBlob(dev->fd, crtc->mode_blob);
   crtc->mode_blob = 0;
   crtc->mode_set = false;
   crtc->connector = 0;
   crtc->saved = false;
   pthread_mutex_unlock(&dev->lock);
}

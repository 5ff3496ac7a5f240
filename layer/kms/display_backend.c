/* The display backend: swapchains on VK_KHR_display surfaces, presented as KMS page flips.
 * The images' memory comes from the scanout paths (layer/image_paths), for which the KMS
 * device is the buffer provider (kms_buffers.c); this file owns the CRTC: taking it, the
 * flips, the connector checks, and giving it back at teardown. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../display.h"
#include "../log.h"
#include "../surface_caps.h"
#include "../swapchain.h"
#include "kms_buffers.h"
#include "kms_commit.h"
#include "scanout.h"
#include "venus_wsi/display_logic.h"
#include "venus_wsi/format_table.h"

/* A flip whose event has not come after this long is taken as done (events get lost). */
#define LOST_FLIP_NS 1000000000ull
/* The most a swapchain's teardown waits for the display (its last flip, the restore). A flip
 * that never completes would otherwise cost the kernel's flip timeout, 10 s, per blocking
 * call. */
#define TEARDOWN_NS 1000000000ull
/* What is left of it for a display that has already let a flip go unanswered for a second
 * (LOST_FLIP_NS): enough for an event just past that, not another second. */
#define UNANSWERED_GRACE_NS 100000000ull
#define CONNECTOR_CHECK_NS 250000000ull
#define EBUSY_RETRIES 50

struct kms_swapchain {
   struct vw_display_surface *ds;
   struct vw_kms_output out;
   struct vw_kms_buffers buffers; /* the buffer provider's state */
   struct vw_image_paths paths;
   /* Frames rewrite the buffer on screen (sc->scanout_in_place): the image whose buffer it
    * is, once the first frame has gone up; -1 before. */
   int32_t front;
   uint64_t pending_serial;
   uint64_t pending_since_ns;
   uint64_t last_check_ns;
   bool counted_user;
   bool holds_master;
   bool lost_flip_logged;
   bool released_logged;
   uint64_t created_ns;
   uint64_t flips_shown; /* written by the present thread, read by the app's: atomic */
};

static uint64_t
now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct vw_display_surface *
display_surface(struct vw_surface *surface)
{
   return surface->backend_data;
}

/* --- surface queries --- */

static VkResult
display_get_support(struct vw_surface *surface, struct vw_physical_device *pdev, uint32_t family,
                    VkBool32 *supported)
{
   *supported = vw_family_can_present(pdev, family) &&
                vw_physical_device_kms(pdev) == display_surface(surface)->dev;
   return VK_SUCCESS;
}

static VkResult
display_get_capabilities(struct vw_surface *surface, struct vw_physical_device *pdev,
                         VkSurfaceCapabilitiesKHR *caps)
{
   struct vw_display_surface *ds = display_surface(surface);
   if (vw_kms_device_gone(ds->dev))
      return VK_ERROR_SURFACE_LOST_KHR;
   *caps = (VkSurfaceCapabilitiesKHR){
      .minImageCount = 2,
      .maxImageCount = VW_MAX_IMAGES,
      .currentExtent = ds->extent,
      .minImageExtent = ds->extent,
      .maxImageExtent = ds->extent,
      .maxImageArrayLayers = 1,
      .supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .currentTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .supportedCompositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
      .supportedUsageFlags = vw_surface_usage(pdev),
   };
   return VK_SUCCESS;
}

static bool
plane_scans_out(const struct vw_format_info *f, const void *data)
{
   return vw_kms_plane_has_format(data, f->drm_format);
}

/* The plane's formats (IN_FORMATS, linear), as the opaque X variants: virtio-gpu scans out
 * XRGB8888 and refuses ARGB8888. */
static uint32_t
display_get_formats(struct vw_surface *surface, struct vw_physical_device *pdev,
                    VkSurfaceFormatKHR out[VW_MAX_SURFACE_FORMATS])
{
   return vw_surface_formats(pdev, plane_scans_out, display_surface(surface)->crtc->primary, out);
}

static uint32_t
display_get_present_modes(struct vw_surface *surface, struct vw_physical_device *pdev,
                          VkPresentModeKHR modes[VW_PRESENT_MODE_MAX])
{
   /* IMMEDIATE tears where the device flips asynchronously and acts like MAILBOX elsewhere
    * (a frame never waits for the refresh). */
   return vw_surface_present_modes(modes);
}

static VkResult
display_get_present_rectangle(struct vw_surface *surface, struct vw_physical_device *pdev,
                              VkRect2D *rect)
{
   *rect = (VkRect2D){{0, 0}, display_surface(surface)->extent};
   return VK_SUCCESS;
}

static void
display_destroy_surface(struct vw_surface *surface)
{
   free(surface->backend_data);
   surface->backend_data = NULL;
}

static bool
mode_still_valid(struct vw_display_surface *ds)
{
   /* A mode the app made itself was never listed; it stays good on a virtual display. */
   return vw_kms_connector_connected(ds->connector) &&
          (vw_kms_mode_listed(ds->mode) || (ds->mode->user_created && ds->dev->virtual_connectors));
}

/* Path D's and F's frames are copied by the CPU anyway: into the buffer on screen, the display
 * copies only the rows that changed (DirtyFB) instead of taking a new buffer per frame (a
 * flip). A frame may then show half-written, which only IMMEDIATE allows. Asked for only:
 * on real Venus it cost the host less per frame in some runs and more in others, and the
 * blocking DirtyFB holds the present thread (venus-frames runs both, README.md). */
static bool
updates_in_place(struct vw_swapchain *sc)
{
   /* A swapchain that may switch to another mode per present must never tear. */
   if (!vw_image_paths_cpu_copies(sc) || vw_config_get()->kms_update != VW_KMS_UPDATE_DIRTYFB ||
       sc->present_mode != VK_PRESENT_MODE_IMMEDIATE_KHR || sc->mode_count != 1)
      return false;
   vw_info("swapchain %u: frames are copied into the buffer on screen and shown with DirtyFB "
           "(VENUS_WSI_KMS_UPDATE=dirtyfb)", sc->serial);
   return true;
}

static VkResult
display_create_swapchain(struct vw_swapchain *sc)
{
   struct vw_display_surface *ds = display_surface(sc->surface);
   struct vw_kms_device *kms = ds->dev;
   if (vw_kms_device_gone(kms))
      return VK_ERROR_SURFACE_LOST_KHR;
   if (vw_kms_opened_elsewhere(kms)) {
      vw_err("swapchain: %s was opened by the parent of this fork() child, which presents "
             "there", kms->path);
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   if (sc->extent.width != ds->extent.width || sc->extent.height != ds->extent.height ||
       sc->layers != 1) {
      vw_err("swapchain: %ux%u images in %u layers on a %ux%u display surface", sc->extent.width,
             sc->extent.height, sc->layers, ds->extent.width, ds->extent.height);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (ds->extent.width != ds->mode->info.hdisplay ||
       ds->extent.height != ds->mode->info.vdisplay) {
      vw_err("swapchain: %ux%u images on a %ux%u mode need scaling the primary plane cannot do",
             ds->extent.width, ds->extent.height, ds->mode->info.hdisplay,
             ds->mode->info.vdisplay);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (vw_kms_connector_released(ds->connector)) {
      vw_err("swapchain: %s was released (vkReleaseDisplayEXT) and not acquired again",
             ds->connector->name);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   vw_kms_refresh_connectors(kms, false);
   if (!mode_still_valid(ds)) {
      vw_err("swapchain: %s is %s", ds->connector->name,
             vw_kms_connector_connected(ds->connector) ? "no longer offering this mode" : "disconnected");
      return VK_ERROR_SURFACE_LOST_KHR;
   }

   struct kms_swapchain *ks = calloc(1, sizeof(*ks));
   if (!ks)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   sc->backend_data = ks;
   ks->holds_master = vw_kms_hold_master(kms);
   if (!ks->holds_master)
      return VK_ERROR_INITIALIZATION_FAILED;
   ks->ds = ds;
   ks->buffers = (struct vw_kms_buffers){kms, vw_drm_format_for_vk(sc->format, false)};
   ks->out = (struct vw_kms_output){
      .dev = kms,
      .crtc = ds->crtc,
      .connector = ds->connector,
      .mode = ds->mode->info,
   };
   if (!vw_format_from_vk(sc->format) ||
       !vw_kms_plane_has_format(ds->crtc->primary, ks->buffers.fourcc)) {
      vw_err("swapchain: the plane cannot scan out format %d", sc->format);
      return VK_ERROR_FORMAT_NOT_SUPPORTED;
   }

   pthread_mutex_lock(&kms->lock);
   bool busy = ds->crtc->users && ds->crtc->owner != ds;
   if (!busy) {
      ds->crtc->users++;
      ds->crtc->owner = ds;
      ks->counted_user = true;
   }
   pthread_mutex_unlock(&kms->lock);
   if (busy) {
      vw_err("swapchain: CRTC %u already presents another surface", ds->crtc->id);
      return VK_ERROR_NATIVE_WINDOW_IN_USE_KHR;
   }

   struct vw_buffer_provider provider = vw_kms_buffer_provider(&ks->buffers);
   VkResult r = vw_image_paths_create(&ks->paths, sc, &provider);
   if (r != VK_SUCCESS)
      return r;
   ks->front = -1;
   sc->scanout_in_place = updates_in_place(sc);
   /* A flipped image's buffer stays on screen until the next flip. In place no image's is,
    * but the shown one is kept back all the same: with every image free the app renders
    * ahead, and IMMEDIATE replaces the frames the screen could not take in time: on Venus
    * that drew almost twice the frames shown, for no more on screen. */
   sc->hold_displayed = true;
   /* Virtual displays complete flips as soon as the host has copied the frame: FIFO has to
    * keep the refresh itself. Real hardware flips on vblank and needs no help. */
   sc->refresh_period_ns = kms->virtual_connectors && ds->mode->refresh_mhz
                              ? 1000000000000ull / ds->mode->refresh_mhz
                              : 0;
   ks->last_check_ns = now_ns();
   ks->created_ns = ks->last_check_ns;
   return VK_SUCCESS;
}

/* A frame is on screen: counted, and the display's FIRST_PIXEL_OUT fences fire. */
static void
frame_out(struct kms_swapchain *ks)
{
   __atomic_add_fetch(&ks->flips_shown, 1, __ATOMIC_RELAXED);
   vw_display_events_flip(ks->ds->connector);
}

/* Virtual displays have no vblank: their refreshes are the pacing clock's periods since the
 * swapchain was made. Elsewhere each completed flip stands for the refresh it waited for
 * (the refreshes between flips are not seen: the layer asks for no vblank events). */
uint64_t
vw_display_vblank_count(struct vw_swapchain *sc)
{
   struct kms_swapchain *ks = sc->backend_data;
   if (!ks)
      return 0;
   return vw_vblank_counter(ks->created_ns, now_ns(), sc->refresh_period_ns,
                            __atomic_load_n(&ks->flips_shown, __ATOMIC_RELAXED));
}

static bool
display_wants_copy(struct vw_swapchain *sc, struct vw_image *img)
{
   return vw_image_paths_wants_copy(sc);
}

/* Something else is on screen now: the buffers kept up for the hand-over may go. They are
 * freed outside the device lock (removing a framebuffer may wait for the display). */
static void
free_orphans(struct vw_kms_device *dev, struct vw_kms_crtc *crtc)
{
   pthread_mutex_lock(&dev->lock);
   struct vw_scanout_buffer *list = crtc->orphans;
   crtc->orphans = NULL;
   pthread_mutex_unlock(&dev->lock);
   while (list) {
      struct vw_scanout_buffer *b = list;
      list = b->next_orphan;
      vw_scanout_destroy(b);
   }
}

static void
add_orphan(struct vw_kms_device *dev, struct vw_kms_crtc *crtc, struct vw_scanout_buffer *buf)
{
   pthread_mutex_lock(&dev->lock);
   buf->next_orphan = crtc->orphans;
   crtc->orphans = buf;
   pthread_mutex_unlock(&dev->lock);
}

/* Hot-unplug, disconnects and mode-list changes come with no event the layer listens to:
 * look at the connector a few times a second. */
static VkResult
check_display(struct vw_swapchain *sc, struct kms_swapchain *ks)
{
   uint64_t now = now_ns();
   if (now - ks->last_check_ns < CONNECTOR_CHECK_NS)
      return VK_SUCCESS;
   ks->last_check_ns = now;
   vw_kms_refresh_connectors(ks->out.dev, false);
   if (vw_kms_device_gone(ks->out.dev))
      return VK_ERROR_SURFACE_LOST_KHR;
   if (!vw_kms_connector_connected(ks->ds->connector)) {
      vw_err("swapchain %u: %s disconnected", sc->serial, ks->ds->connector->name);
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   if (!mode_still_valid(ks->ds)) {
      vw_err("swapchain %u: %s dropped the mode", sc->serial, ks->ds->connector->name);
      return VK_ERROR_OUT_OF_DATE_KHR;
   }
   return VK_SUCCESS;
}

static VkResult
display_present(struct vw_swapchain *sc, struct vw_image *img, const struct vw_damage *damage,
                bool *shown)
{
   struct kms_swapchain *ks = sc->backend_data;
   uint32_t index = (uint32_t)(img - sc->images);
   if (vw_kms_connector_released(ks->ds->connector)) {
      if (!ks->released_logged)
         vw_err("swapchain %u: %s was released (vkReleaseDisplayEXT)", sc->serial,
                ks->ds->connector->name);
      ks->released_logged = true;
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   VkResult status = check_display(sc, ks);
   if (status != VK_SUCCESS)
      return status;
   if (__atomic_load_n(&ks->ds->connector->powered_off, __ATOMIC_ACQUIRE)) {
      /* KMS refuses flips on a CRTC that DPMS turned off: the frame is taken and not shown
       * (no FIRST_PIXEL_OUT), and the display comes back with the picture it had. */
      *shown = true;
      return VK_SUCCESS;
   }

   uint32_t target = index;
   if (sc->scanout_in_place && ks->front >= 0) {
      target = (uint32_t)ks->front;
      vw_image_paths_copy_to(&ks->paths, sc, index, target, damage);
      int e = vw_kms_dirty(&ks->out, vw_kms_buffer(&ks->paths.bufs[target])->fb_id, damage);
      if (e == 0) {
         free_orphans(ks->out.dev, ks->out.crtc);
         frame_out(ks);
         *shown = true;
         return VK_SUCCESS;
      }
      if (e != -EAGAIN) {
         vw_err("swapchain %u: DirtyFB failed: %s", sc->serial, strerror(-e));
         return vw_kms_error_to_vk(e);
      }
      /* Not on screen (a mode set is due, someone else's picture is up): show it. */
   } else {
      vw_image_paths_before_show(&ks->paths, sc, index, damage);
   }

   pthread_mutex_lock(&ks->out.dev->lock);
   ks->out.crtc->notify_fd = sc->pres.wake_fd;
   pthread_mutex_unlock(&ks->out.dev->lock);

   uint32_t fb_id = vw_kms_buffer(&ks->paths.bufs[target])->fb_id;
   /* The frame's own mode (it may switch per present); written when it was queued, under
    * the lock the present thread took to pick it. */
   bool immediate = sc->pres.pq.frame_mode[img - sc->images] == VK_PRESENT_MODE_IMMEDIATE_KHR;
   enum vw_flip_result result;
   uint64_t serial = 0;
   int e = 0;
   for (int attempt = 0; attempt <= EBUSY_RETRIES; attempt++) {
      e = vw_kms_show(&ks->out, fb_id, sc->extent, damage, immediate, &result, &serial);
      if (e != -EBUSY)
         break;
      /* A flip of ours (or an old swapchain's) still pending: take its event and retry. */
      vw_kms_dispatch_events(ks->out.dev);
      usleep(2000);
   }
   if (e) {
      vw_err("swapchain %u: showing a frame failed: %s", sc->serial, strerror(-e));
      return vw_kms_error_to_vk(e);
   }
   if (sc->scanout_in_place)
      ks->front = (int32_t)target;
   if (result == VW_FLIP_SHOWN) {
      free_orphans(ks->out.dev, ks->out.crtc);
      frame_out(ks);
      *shown = true;
      return VK_SUCCESS;
   }
   ks->pending_serial = serial;
   ks->pending_since_ns = now_ns();
   *shown = false;
   return VK_SUCCESS;
}

static VkResult
display_wait_flip(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns, bool *shown)
{
   struct kms_swapchain *ks = sc->backend_data;
   int r = vw_kms_wait_flip(&ks->out, ks->pending_serial, wake_fd, timeout_ns);
   if (r < 0)
      return VK_ERROR_SURFACE_LOST_KHR;
   if (r == 0 && now_ns() - ks->pending_since_ns > LOST_FLIP_NS) {
      if (!ks->lost_flip_logged)
         vw_err("swapchain %u: no flip event after 1 s; taking the flip as done", sc->serial);
      ks->lost_flip_logged = true;
      vw_kms_give_up_flip(&ks->out, ks->pending_serial);
      r = 1;
   }
   if (r == 1) {
      free_orphans(ks->out.dev, ks->out.crtc);
      frame_out(ks);
      *shown = true;
   }
   return VK_SUCCESS;
}

/* The CRTC could not be restored and still holds framebuffer 'held_fb': the buffer behind
 * it (this swapchain's or an earlier one's) is let go without removing it, or kept among the
 * orphans where the kernel cannot do that. */
static void
leave_held_buffer(struct kms_swapchain *ks, uint32_t held_fb)
{
   struct vw_kms_device *kms = ks->out.dev;
   struct vw_kms_crtc *crtc = ks->out.crtc;
   struct vw_scanout_buffer *held = NULL;
   for (uint32_t i = 0; i < VW_MAX_IMAGES && !held; i++) {
      struct vw_scanout_buffer *buf = vw_kms_buffer(&ks->paths.bufs[i]);
      if (buf && buf->fb_id == held_fb) {
         held = buf;
         ks->paths.bufs[i] = (struct vw_provided_buffer){0};
      }
   }
   pthread_mutex_lock(&kms->lock);
   for (struct vw_scanout_buffer **link = &crtc->orphans; *link && !held;
        link = &(*link)->next_orphan) {
      if ((*link)->fb_id == held_fb) {
         held = *link;
         *link = held->next_orphan;
      }
   }
   pthread_mutex_unlock(&kms->lock);
   if (held && !vw_scanout_leave_on_screen(held))
      add_orphan(kms, crtc, held);
}

/* The last swapchain on the CRTC goes: the screen goes back to what it showed before. */
static void
restore_crtc(struct kms_swapchain *ks, uint64_t deadline_ns)
{
   uint32_t held_fb = 0;
   if (vw_kms_restore(&ks->out, deadline_ns, &held_fb) == -EBUSY && held_fb)
      leave_held_buffer(ks, held_fb);
   free_orphans(ks->out.dev, ks->out.crtc);
   vw_image_paths_free_buffers(&ks->paths);
}

/* This swapchain stops presenting on its CRTC. Returns true when it was the last one. */
static bool
leave_crtc(struct vw_swapchain *sc, struct kms_swapchain *ks)
{
   struct vw_kms_device *kms = ks->out.dev;
   struct vw_kms_crtc *crtc = ks->out.crtc;
   pthread_mutex_lock(&kms->lock);
   /* A newer swapchain on this CRTC may have taken the flip notifications over. */
   if (crtc->notify_fd == sc->pres.wake_fd)
      crtc->notify_fd = -1;
   crtc->users--;
   bool last = crtc->users == 0;
   if (last)
      crtc->owner = NULL;
   pthread_mutex_unlock(&kms->lock);
   return last;
}

static void
display_destroy_swapchain(struct vw_swapchain *sc)
{
   struct kms_swapchain *ks = sc->backend_data;
   if (!ks)
      return;
   if (ks->counted_user) {
      uint64_t deadline = now_ns() + TEARDOWN_NS;
      if (!vw_kms_drain_flips(&ks->out, deadline) && now_ns() + UNANSWERED_GRACE_NS < deadline)
         deadline = now_ns() + UNANSWERED_GRACE_NS;
      int32_t on_screen = sc->scanout_in_place ? ks->front : sc->pres.pq.displayed;
      if (leave_crtc(sc, ks)) {
         /* Nothing of the layer's may stay on screen once its buffers are gone. */
         restore_crtc(ks, deadline);
      } else if (on_screen >= 0 && ks->paths.bufs[on_screen].handle) {
         /* A newer swapchain takes over: keep the shown frame up until it flips. */
         add_orphan(ks->out.dev, ks->out.crtc, vw_kms_buffer(&ks->paths.bufs[on_screen]));
         ks->paths.bufs[on_screen] = (struct vw_provided_buffer){0};
      }
   }
   vw_image_paths_free_buffers(&ks->paths);
   if (ks->holds_master)
      vw_kms_release_master(ks->out.dev);
   if (ks->out.dev)
      vw_kms_settle_fd(ks->out.dev);
   free(ks);
   sc->backend_data = NULL;
}

const struct vw_backend_ops vw_display_backend = {
   .name = "display",
   .mode_switching = VW_MODES_ALL,
   .get_support = display_get_support,
   .get_capabilities = display_get_capabilities,
   .get_formats = display_get_formats,
   .get_present_modes = display_get_present_modes,
   .get_present_rectangle = display_get_present_rectangle,
   .destroy_surface = display_destroy_surface,
   .create_swapchain = display_create_swapchain,
   .wants_copy = display_wants_copy,
   .present = display_present,
   .wait_flip = display_wait_flip,
   .destroy_swapchain = display_destroy_swapchain,
};

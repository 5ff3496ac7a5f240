/* cmocka tests of the layer's display backend, driven the way apps drive it: through the
 * loader and the layer on lavapipe, against the mock virtio-gpu KMS device linked into this
 * executable (so the layer's libdrm calls land in it). Every present mode with what is on
 * the mock's screen and the flip sequence checked, CRTC restore over a console, a flip that
 * never completes (teardown in about a second), and each injected KMS fault -> the VkResult
 * the app sees, with no fd, GEM handle, framebuffer or mapping left behind. VENUS_WSI_PATH
 * picks the scanout path per run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "display_surface.h"
#include "frame_loop.h"
#include "mock_drm.h"
#include "maintenance1_check.h"
#include "present_wait_check.h"

struct options {
   uint32_t frames;
   const char *app_layers;
   const char *validation;
};

static uint32_t swapchains_created;
static struct options opts = {.frames = 300};
static bool legacy_kms(void);
static bool start_ext(struct harness *h, const struct options *o, bool incremental,
                      bool present_wait, bool maint1, bool present2);

static bool
start_with(struct harness *h, const struct options *o, bool incremental, bool present_wait)
{
   return start_ext(h, o, incremental, present_wait, false, false);
}

static bool
start_ext(struct harness *h, const struct options *o, bool incremental, bool present_wait,
          bool maint1, bool present2)
{
   static const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME, VK_KHR_DISPLAY_EXTENSION_NAME,
                                     VK_KHR_GET_SURFACE_CAPABILITIES_2_EXTENSION_NAME,
                                     VK_EXT_SURFACE_MAINTENANCE_1_EXTENSION_NAME};
   static const char *dev_exts[8];
   uint32_t ndev = 0;
   dev_exts[ndev++] = VK_KHR_SWAPCHAIN_EXTENSION_NAME;
   if (incremental)
      dev_exts[ndev++] = VK_KHR_INCREMENTAL_PRESENT_EXTENSION_NAME;
   if (present_wait) {
      dev_exts[ndev++] = VK_KHR_PRESENT_ID_EXTENSION_NAME;
      dev_exts[ndev++] = VK_KHR_PRESENT_WAIT_EXTENSION_NAME;
   }
   if (maint1)
      dev_exts[ndev++] = VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME;
   if (present2) {
      dev_exts[ndev++] = VK_KHR_PRESENT_ID_2_EXTENSION_NAME;
      dev_exts[ndev++] = VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME;
      dev_exts[ndev++] = VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME;
   }
   static const char *layers[4];
   static char layer_buf[256];
   uint32_t nlayers = 0;
   if (o->app_layers) {
      snprintf(layer_buf, sizeof(layer_buf), "%s", o->app_layers);
      char *save = NULL;
      for (char *t = strtok_r(layer_buf, ",", &save); t && nlayers < 4; t = strtok_r(NULL, ",", &save))
         layers[nlayers++] = t;
   }
   struct harness_options ho = {
      .layers = layers,
      .layer_count = nlayers,
      .instance_exts = inst_exts,
      .instance_ext_count = maint1 || present2 ? 4 : 2,
      .device_exts = dev_exts,
      .device_ext_count = ndev,
      .present_wait = present_wait,
      .maintenance1 = maint1,
      .present2 = present2,
   };
   memset(h, 0, sizeof(*h));
   return harness_init(h, &ho);
}

static bool
start(struct harness *h, const struct options *o)
{
   return start_with(h, o, false, false);
}

/* With VK_KHR_present_id and VK_KHR_present_wait and both features. */
static bool
start_present_wait(struct harness *h, const struct options *o)
{
   return start_with(h, o, false, true) && h->present_wait;
}

/* Everything of the layer's must be gone from the device once the instance is. */
static void
check_nothing_leaked(struct harness *h, const char *what)
{
   struct mock_drm_stats s;
   mock_drm_get_stats(&s);
   CHECK(h, s.files == 0 && s.handles == 0 && s.fbs == 0 && s.mappings == 0 &&
               s.user_blobs == 0 && s.dumb_buffers == 0 && s.prime_fds == 0,
         "%s leaked: files %u handles %u fbs %u mappings %u blobs %u dumb %u prime fds %u", what,
         s.files, s.handles, s.fbs, s.mappings, s.user_blobs, s.dumb_buffers, s.prime_fds);
}

/* True once the screen shows frame n's colours (see frame_colours), within 'ms'. */
static bool
screen_shows_frame(uint64_t n, VkExtent2D e, unsigned ms)
{
   uint8_t bg[3], fg[3];
   bool centre;
   frame_colours(n, bg, fg, &centre);
   const uint8_t *mid = centre ? fg : bg;
   uint32_t want_bg = (uint32_t)bg[0] << 16 | bg[1] << 8 | bg[2];
   uint32_t want_mid = (uint32_t)mid[0] << 16 | mid[1] << 8 | mid[2];
   for (unsigned t = 0; t <= ms; t += 5) {
      uint32_t a = 0, b = 0, c = 0;
      if (mock_drm_screen_pixel(1, 1, &a) && mock_drm_screen_pixel(e.width / 2, e.height / 2, &b) &&
          mock_drm_screen_pixel(e.width - 2, e.height - 2, &c) && a == want_bg && c == want_bg &&
          b == want_mid)
         return true;
      usleep(5000);
   }
   return false;
}

static bool
screen_is_on(void)
{
   struct mock_drm_screen s;
   if (mock_drm_screen_read(&s))
      return false;
   bool on = s.on && s.fb_id;
   mock_drm_screen_release(&s);
   return on;
}

static bool
fifo_order_ok(uint64_t first_commit, uint32_t image_count)
{
   /* FIFO cycles through the images in present order: the flipped framebuffers repeat with
    * the swapchain's period and never twice in a row. */
   uint32_t fbs[1024];
   uint32_t n = 0;
   struct mock_drm_commit c;
   for (uint64_t seq = first_commit; seq < mock_drm_commit_count() && n < 1024; seq++)
      if (mock_drm_commit_get(seq, &c) && c.result == 0 && c.fb_id &&
          (c.kind == MOCK_DRM_COMMIT_ATOMIC || c.kind == MOCK_DRM_COMMIT_PAGE_FLIP))
         fbs[n++] = c.fb_id;
   for (uint32_t i = 0; i + 1 < n; i++)
      if (fbs[i] == fbs[i + 1] || (i + image_count < n && fbs[i] != fbs[i + image_count]))
         return false;
   return n > image_count;
}

static bool path_forced(void);

/* IMMEDIATE on path D (forced, or all there is without host pointers) updates the buffer
 * on screen in place when VENUS_WSI_KMS_UPDATE asks for DirtyFB. */
static bool
in_place_expected(void)
{
   const char *p = getenv("VENUS_WSI_PATH");
   const char *hide = getenv("VENUS_WSI_HIDE");
   const char *update = getenv("VENUS_WSI_KMS_UPDATE");
   bool path_d = (p && !strcmp(p, "copy")) ||
                 (!path_forced() && hide && (strstr(hide, "hostptr") || strstr(hide, "venus")));
   return path_d && update && !strcmp(update, "dirtyfb");
}

static void
present_modes(void **state)
{
   const struct options *o = &opts;
   struct harness h;
   mock_drm_reset(NULL);
   assert_true(start(&h, o));
   VkExtent2D extent;
   uint32_t refresh_mhz = 0;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, &refresh_mhz);
   CHECK(&h, surface != VK_NULL_HANDLE, "no display surface");
   if (!surface)
      goto out;
   double hz = refresh_mhz / 1000.0;
   static const VkPresentModeKHR modes[] = {VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR,
                                            VK_PRESENT_MODE_IMMEDIATE_KHR,
                                            VK_PRESENT_MODE_FIFO_RELAXED_KHR};
   struct frame_loop prev;
   bool have_prev = false;
   for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
      struct frame_loop fl;
      VkResult r = frame_loop_create(&fl, &h, surface, extent, modes[m], 3,
                                     have_prev ? prev.swapchain : VK_NULL_HANDLE,
                                     swapchains_created++);
      CHECK(&h, r == VK_SUCCESS, "%s swapchain: %d", harness_mode_name(modes[m]), r);
      if (have_prev) {
         frame_loop_destroy(&prev, true); /* hand-over: the old one goes with frames queued */
         have_prev = false;
      }
      if (r != VK_SUCCESS)
         break;
      struct mock_drm_stats s0, s1;
      mock_drm_get_stats(&s0);
      uint64_t first_commit = mock_drm_commit_count();
      uint64_t t0 = harness_now_ns();
      uint32_t wrong = 0;
      for (uint32_t f = 0; f < o->frames; f++) {
         VkResult fr = frame_loop_draw(&fl);
         CHECK(&h, fr == VK_SUCCESS, "%s frame %u: %d", harness_mode_name(modes[m]), f, fr);
         if (fr < 0)
            break;
         /* FIFO shows every frame: a sample must come up on screen. */
         if ((modes[m] == VK_PRESENT_MODE_FIFO_KHR) && f % 100 == 50 &&
             !screen_shows_frame(f, extent, 2000))
            wrong++;
      }
      double secs = (harness_now_ns() - t0) / 1e9;
      bool last_shown = screen_shows_frame(fl.frames - 1, extent, 2000);
      mock_drm_get_stats(&s1);
      uint64_t flips = s1.flips - s0.flips;
      double fps = o->frames / secs;
      printf("%-13s %u frames %ux%u on the mock display in %.2f s: %.1f frames/s, %llu flips, "
             "%llu DirtyFBs\n",
             harness_mode_name(modes[m]), o->frames, extent.width, extent.height, secs, fps,
             (unsigned long long)flips, (unsigned long long)(s1.dirtyfbs - s0.dirtyfbs));
      CHECK(&h, last_shown, "%s: the last frame never reached the screen", harness_mode_name(modes[m]));
      CHECK(&h, wrong == 0, "%s: %u sampled frames never reached the screen", harness_mode_name(modes[m]),
            wrong);
      bool fifo = modes[m] == VK_PRESENT_MODE_FIFO_KHR || modes[m] == VK_PRESENT_MODE_FIFO_RELAXED_KHR;
      if (fifo) {
         /* Every frame flipped, no faster than the refresh (virtio flips are unpaced). */
         CHECK(&h, flips >= o->frames && flips <= o->frames + 1, "%s: %llu flips for %u frames",
               harness_mode_name(modes[m]), (unsigned long long)flips, o->frames);
         CHECK(&h, fps < hz * 1.1, "%s at %.1f frames/s on a %.1f Hz display", harness_mode_name(modes[m]),
               fps, hz);
         CHECK(&h, modes[m] != VK_PRESENT_MODE_FIFO_KHR || fifo_order_ok(first_commit, fl.image_count),
               "FIFO flipped framebuffers out of order");
      } else if (modes[m] == VK_PRESENT_MODE_IMMEDIATE_KHR && in_place_expected()) {
         /* Path D: the first frame goes up with a mode set or flip, the rest rewrite the
          * buffer on screen and say which rows changed. */
         uint64_t dirty = s1.dirtyfbs - s0.dirtyfbs;
         CHECK(&h, flips <= 2 && dirty >= o->frames / 2 && dirty <= o->frames,
               "IMMEDIATE on path D: %llu flips and %llu DirtyFBs for %u frames",
               (unsigned long long)flips, (unsigned long long)dirty, o->frames);
      } else {
         CHECK(&h, flips > 0 && flips <= o->frames + 1, "%s: %llu flips for %u frames",
               harness_mode_name(modes[m]), (unsigned long long)flips, o->frames);
      }
      prev = fl;
      have_prev = true;
   }
   if (have_prev)
      frame_loop_destroy(&prev, true);
   CHECK(&h, !screen_is_on(), "the CRTC is still on after the last swapchain went");
   vkDestroySurfaceKHR(h.instance, surface, NULL);
out:
   harness_finish(&h);
   check_nothing_leaked(&h, "present modes");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* A console (fbcon stands in: another DRM file's framebuffer on the CRTC) must come back. */
static void
restore_console(void **state)
{
   const struct options *o = &opts;
   mock_drm_reset(NULL);
   int fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
   drmModeRes *res = drmModeGetResources(fd);
   drmModeConnector *conn = drmModeGetConnector(fd, res->connectors[0]);
   uint32_t handle, pitch, fb;
   uint64_t size, offset;
   drmModeCreateDumbBuffer(fd, conn->modes[0].hdisplay, conn->modes[0].vdisplay, 32, 0, &handle,
                           &pitch, &size);
   drmModeMapDumbBuffer(fd, handle, &offset);
   uint32_t *px = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
   for (uint64_t i = 0; i < size / 4; i++)
      px[i] = 0x00336699;
   uint32_t handles[4] = {handle}, pitches[4] = {pitch}, offsets[4] = {0};
   drmModeAddFB2(fd, conn->modes[0].hdisplay, conn->modes[0].vdisplay, 0x34325258 /* XR24 */,
                 handles, pitches, offsets, &fb, 0);
   drmModeSetCrtc(fd, res->crtcs[0], fb, 0, 0, &conn->connector_id, 1, &conn->modes[0]);
   drmDropMaster(fd); /* the console lets go of master, its picture stays */

   struct harness h;
   assert_true(start(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   struct frame_loop fl;
   VkResult r = surface ? frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                            VK_NULL_HANDLE, swapchains_created++)
                        : VK_ERROR_SURFACE_LOST_KHR;
   CHECK(&h, r == VK_SUCCESS, "swapchain over a console: %d", r);
   if (r == VK_SUCCESS) {
      for (int i = 0; i < 30; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK(&h, screen_shows_frame(29, extent, 2000), "the app's frame is not on screen");
      frame_loop_destroy(&fl, true);
   }
   uint32_t rgb = 0;
   CHECK(&h, mock_drm_screen_pixel(10, 10, &rgb) && rgb == 0x336699,
         "the console did not come back (pixel 0x%06x)", rgb);
   printf("restore: console picture back after the swapchain went: %s\n",
          rgb == 0x336699 ? "yes" : "no");
   if (surface)
      vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   munmap(px, size);
   drmModeRmFB(fd, fb);
   drmModeDestroyDumbBuffer(fd, handle);
   drmModeFreeConnector(conn);
   drmModeFreeResources(res);
   close(fd);
   check_nothing_leaked(&h, "restore");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* --- VK_KHR_incremental_present: a square moving over a still background --- */

#define SQUARE 64
static const uint8_t still_bg[3] = {80, 80, 80};

static VkRect2D
square_at(uint64_t n, VkExtent2D e)
{
   return (VkRect2D){{(int32_t)(20 + (n * 40) % (e.width - 100)), 200}, {SQUARE, SQUARE}};
}

static uint32_t
moving_square_scene(uint64_t n, VkExtent2D e, uint8_t bg[3], struct scene_rect rects[FRAME_LOOP_MAX_RECTS])
{
   memcpy(bg, still_bg, 3);
   uint8_t fg[3];
   bool centre;
   frame_colours(n, rects[0].rgb, fg, &centre);
   rects[0].rect = square_at(n, e);
   return 1;
}

/* What changed since the previous frame: where the square was, and where it is. */
static uint32_t
moving_square_damage(uint64_t n, VkExtent2D e, VkRectLayerKHR rects[8])
{
   if (n == 0)
      return 0; /* everything */
   VkRect2D was = square_at(n - 1, e), is = square_at(n, e);
   rects[0] = (VkRectLayerKHR){was.offset, was.extent, 0};
   rects[1] = (VkRectLayerKHR){is.offset, is.extent, 0};
   return 2;
}

static bool
screen_shows_square(uint64_t n, VkExtent2D e, unsigned ms)
{
   uint8_t colour[3], fg[3];
   bool centre;
   frame_colours(n, colour, fg, &centre);
   uint32_t want = (uint32_t)colour[0] << 16 | colour[1] << 8 | colour[2];
   uint32_t grey = (uint32_t)still_bg[0] << 16 | still_bg[1] << 8 | still_bg[2];
   VkRect2D sq = square_at(n, e);
   for (unsigned t = 0; t <= ms; t += 5) {
      uint32_t in = 0, corner = 0, ok_old = 1;
      mock_drm_screen_pixel((uint32_t)sq.offset.x + SQUARE / 2, (uint32_t)sq.offset.y + SQUARE / 2, &in);
      mock_drm_screen_pixel(5, 5, &corner);
      /* Where the square was in the last frames must be background again. */
      for (uint64_t k = 1; k <= 3 && k <= n; k++) {
         VkRect2D old = square_at(n - k, e);
         uint32_t px = 0;
         bool overlaps = old.offset.x + SQUARE > sq.offset.x && sq.offset.x + SQUARE > old.offset.x;
         if (!overlaps && mock_drm_screen_pixel((uint32_t)old.offset.x + 2, (uint32_t)old.offset.y + 2, &px) &&
             px != grey)
            ok_old = 0;
      }
      if (in == want && corner == grey && ok_old)
         return true;
      usleep(5000);
   }
   return false;
}

static void
incremental_present(void **state)
{
   const struct options *o = &opts;
   struct harness h;
   mock_drm_reset(NULL);
   assert_true(start_with(&h, o, true, false));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   struct frame_loop fl;
   assert_int_equal(frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, swapchains_created++),
                    VK_SUCCESS);
   fl.scene = moving_square_scene;
   fl.damage = moving_square_damage;
   uint64_t first_commit = mock_drm_commit_count();
   uint32_t wrong = 0;
   for (uint32_t f = 0; f < 40; f++) {
      CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      /* Each buffer is three frames behind: only accumulated damage keeps it right. */
      if (f % 4 == 3 && !screen_shows_square(f, extent, 2000))
         wrong++;
   }
   CHECK(&h, wrong == 0, "%u sampled frames wrong on screen (stale damage?)", wrong);
   /* Flips after the first carry damage clips covering a small part of the screen. */
   uint32_t clipped = 0, flips = 0;
   uint64_t max_area = 0;
   struct mock_drm_commit c;
   for (uint64_t seq = first_commit; seq < mock_drm_commit_count(); seq++) {
      if (!mock_drm_commit_get(seq, &c) || c.result || !c.fb_id)
         continue;
      flips++;
      if (!c.num_clips)
         continue;
      clipped++;
      uint64_t area = 0;
      for (unsigned i = 0; i < c.num_clips && i < MOCK_DRM_LOG_CLIPS; i++)
         area += (uint64_t)c.clips[i].w * c.clips[i].h;
      if (area > max_area)
         max_area = area;
   }
   uint64_t screen = (uint64_t)extent.width * extent.height;
   printf("incremental present: %u of %u flips carried damage clips, largest %.1f%% of the screen\n",
          clipped, flips, 100.0 * max_area / screen);
   bool atomic = !legacy_kms();
   if (atomic) {
      CHECK(&h, clipped + 3 >= flips, "only %u of %u flips had damage clips", clipped, flips);
      CHECK(&h, max_area * 20 < screen, "damage clips cover %llu of %llu pixels",
            (unsigned long long)max_area, (unsigned long long)screen);
   }
   frame_loop_destroy(&fl, true);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "incremental present");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* The app holds every image of a display swapchain (nothing presented, so nothing can
 * come back): a 50 ms acquire is waited out and times out, not returned at once. */
static void
acquire_timeout_every_image_held(void **state)
{
   const struct options *o = &opts;
   struct harness h;
   mock_drm_reset(NULL);
   assert_true(start(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   struct frame_loop fl;
   assert_int_equal(frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, swapchains_created++),
                    VK_SUCCESS);
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence fences[FRAME_LOOP_MAX_IMAGES + 2];
   uint32_t held = 0, index;
   VkResult r = VK_SUCCESS;
   while (held <= fl.image_count) {
      vkCreateFence(h.device, &fci, NULL, &fences[held]);
      r = vkAcquireNextImageKHR(h.device, fl.swapchain, 0, VK_NULL_HANDLE, fences[held], &index);
      if (r != VK_SUCCESS)
         break;
      held++;
   }
   CHECK(&h, held == fl.image_count && r == VK_NOT_READY, "held %u of %u images, then %d", held,
         fl.image_count, r);
   uint64_t t0 = harness_now_ns();
   r = vkAcquireNextImageKHR(h.device, fl.swapchain, 50000000, VK_NULL_HANDLE, fences[held],
                             &index);
   double ms = (harness_now_ns() - t0) / 1e6;
   printf("display: 50 ms acquire with every image held: %s after %.1f ms\n",
          r == VK_TIMEOUT ? "VK_TIMEOUT" : "wrong result", ms);
   CHECK(&h, r == VK_TIMEOUT, "50 ms acquire with every image held returned %d", r);
   CHECK(&h, ms >= 45.0 && ms < 500.0, "50 ms acquire with every image held took %.1f ms", ms);
   if (held)
      vkWaitForFences(h.device, held, fences, VK_TRUE, UINT64_MAX);
   for (uint32_t i = 0; i <= held && i <= fl.image_count; i++)
      vkDestroyFence(h.device, fences[i], NULL);
   frame_loop_destroy(&fl, true);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "acquire timeout");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* --- VK_KHR_present_wait: a wait ends with the flip event of its frame --- */

static PFN_vkWaitForPresentKHR wait_for_present;

static VkResult
wait_id(struct harness *h, struct frame_loop *fl, uint64_t id, uint64_t timeout_ns)
{
   return wait_for_present(h->device, fl->swapchain, id, timeout_ns);
}

/* A fresh mock display, the harness with present id and wait, and a FIFO swapchain. */
static VkSurfaceKHR
present_wait_start(struct harness *h, VkExtent2D *extent, struct frame_loop *fl)
{
   mock_drm_reset(NULL);
   assert_true(start_present_wait(h, &opts));
   wait_for_present = pw_setup(h, !opts.validation || strcmp(opts.validation, "above") != 0);
   assert_non_null(wait_for_present);
   VkSurfaceKHR surface = display_surface_create(h, extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   assert_int_equal(frame_loop_create(fl, h, surface, *extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, swapchains_created++),
                    VK_SUCCESS);
   return surface;
}

static void
present_wait_after_flip(void **state)
{
   struct harness h;
   VkExtent2D extent;
   struct frame_loop fl;
   VkSurfaceKHR surface = present_wait_start(&h, &extent, &fl);

   /* FIFO: each frame waited for; then one whose flip completes 300 ms late, which the
    * wait must sit out (a poll in between finds it pending). */
   uint64_t id = 0;
   for (int f = 0; f < 20; f++) {
      fl.present_id = ++id;
      CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK_VK(&h, wait_id(&h, &fl, id, 2000000000ull), VK_SUCCESS);
      struct mock_drm_stats s;
      mock_drm_get_stats(&s);
      CHECK(&h, s.pending_flips == 0, "FIFO frame %d: wait returned with a flip pending", f);
   }
   struct mock_drm_stats before, after;
   mock_drm_get_stats(&before);
   mock_drm_inject("late_flip_us:300000");
   fl.present_id = ++id;
   uint64_t t0 = harness_now_ns();
   CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
   usleep(100000);
   CHECK_VK(&h, wait_id(&h, &fl, id, 0), VK_TIMEOUT);
   CHECK_VK(&h, wait_id(&h, &fl, id, UINT64_MAX), VK_SUCCESS);
   double late_ms = (harness_now_ns() - t0) / 1e6;
   mock_drm_get_stats(&after);
   CHECK(&h, late_ms >= 280.0, "wait for a flip 300 ms late returned after %.1f ms", late_ms);
   CHECK(&h, after.events > before.events && after.flips > before.flips,
         "wait returned before the late flip's event (events %llu -> %llu)",
         (unsigned long long)before.events, (unsigned long long)after.events);
   CHECK(&h, screen_shows_frame(fl.frames - 1, extent, 0), "the waited-for frame is not on screen");

   /* An id never presented. */
   CHECK_VK(&h, wait_id(&h, &fl, id + 1, 0), VK_TIMEOUT);
   t0 = harness_now_ns();
   CHECK_VK(&h, wait_id(&h, &fl, id + 1, 50000000ull), VK_TIMEOUT);
   double ms = (harness_now_ns() - t0) / 1e6;
   CHECK(&h, ms >= 50.0 && ms < 500.0, "50 ms present wait took %.1f ms", ms);
   printf("display: present wait: FIFO each frame after its flip; a flip 300 ms late waited "
          "%.1f ms; 50 ms wait for an id never presented %.1f ms\n", late_ms, ms);

   /* MAILBOX: frames replaced before their flip complete with the next one shown. */
   struct frame_loop mb;
   VkResult r = frame_loop_create(&mb, &h, surface, extent, VK_PRESENT_MODE_MAILBOX_KHR, 3,
                                  fl.swapchain, swapchains_created++);
   CHECK(&h, r == VK_SUCCESS, "MAILBOX swapchain: %d", r);
   frame_loop_destroy(&fl, true);
   if (r == VK_SUCCESS) {
      uint64_t first = 0;
      for (int f = 0; f < 60; f++) {
         mb.present_id = 1000 + 2 * (uint64_t)f;
         first = first ? first : mb.present_id;
         CHECK_VK(&h, frame_loop_draw(&mb), VK_SUCCESS);
      }
      CHECK_VK(&h, wait_id(&h, &mb, mb.present_id, 2000000000ull), VK_SUCCESS);
      CHECK_VK(&h, wait_id(&h, &mb, first, 0), VK_SUCCESS);
      CHECK_VK(&h, wait_id(&h, &mb, mb.present_id - 1, 0), VK_SUCCESS);
      CHECK(&h, screen_shows_frame(mb.frames - 1, extent, 0), "MAILBOX: the last frame is not on screen");
      frame_loop_destroy(&mb, true);
   }
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "present wait");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* --- VK_EXT_surface_maintenance1 / VK_EXT_swapchain_maintenance1 on a KMS display --- */

/* Every mode compatible (the present queue applies each frame's mode; IMMEDIATE only adds
 * the async flag to that frame's commit); present fences signal with the mode switched per
 * present; images released and acquired again; the last frame reaches the screen. */
static void
maintenance1_on_display(void **state)
{
   struct harness h;
   mock_drm_reset(NULL);
   assert_true(start_ext(&h, &opts, false, false, true, false));
   CHECK(&h, h.maintenance1, "swapchainMaintenance1 not reported or not enabled");
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   m1_check_surface(&h, surface, 5);
   struct frame_loop fl;
   m1_check_swapchain(&h, surface, &fl, extent, 40, swapchains_created++);
   if (fl.swapchain) {
      CHECK(&h, screen_shows_frame(fl.frames - 1, fl.extent, 2000),
            "the last frame is not on screen");
      struct mock_drm_stats s;
      mock_drm_get_stats(&s);
      printf("display: %llu flips after %llu frames\n", (unsigned long long)s.flips,
             (unsigned long long)fl.frames);
      m1_check_deferred(&h, surface, extent, fl.swapchain);
      swapchains_created++;
   }
   frame_loop_destroy(&fl, fl.swapchain != VK_NULL_HANDLE);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "maintenance1");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* --- VK_KHR_present_id2 / VK_KHR_present_wait2 / FIFO_LATEST_READY on a KMS display --- */

/* FIFO_LATEST_READY paced by the display's flips, each id2 wait back after its flip event,
 * the last frame on screen. Not with validation above: that of these headers (1.3.239)
 * knows none of the three extensions. */
static void
present2_on_display(void **state)
{
   if (opts.validation && !strcmp(opts.validation, "above")) {
      printf("present2_on_display: skipped, the validation layer above predates the "
             "extensions\n");
      skip();
   }
   struct harness h;
   mock_drm_reset(NULL);
   assert_true(start_ext(&h, &opts, false, false, false, true));
   VkExtent2D extent;
   uint32_t refresh_mhz = 0;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, &refresh_mhz);
   assert_true(surface != VK_NULL_HANDLE);
   struct mock_drm_stats before, after;
   mock_drm_get_stats(&before);
   uint32_t frames = opts.frames < 60 ? opts.frames : 60;
   swapchains_created += pw2_check(&h, surface, extent, frames, swapchains_created, true, 5,
                                   refresh_mhz / 1000.0);
   mock_drm_get_stats(&after);
   /* 2 x frames presented; the unwaited ones may be passed over, never shown twice. */
   CHECK(&h, after.flips - before.flips <= 2 * (uint64_t)frames + 1,
         "%llu flips for %u frames", (unsigned long long)(after.flips - before.flips),
         2 * frames);
   printf("display: %llu flips for %u FIFO_LATEST_READY frames\n",
          (unsigned long long)(after.flips - before.flips), 2 * frames);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "present2");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

struct pending_wait {
   struct harness *h;
   struct frame_loop *fl;
   uint64_t id;
   VkResult result;
};

static void *
wait_in_thread(void *arg)
{
   struct pending_wait *w = arg;
   w->result = wait_id(w->h, w->fl, w->id, UINT64_MAX);
   return NULL;
}

/* A swapchain whose surface fails ends waits with its error: one already waiting for ever
 * (for an id not presented yet) and one made afterwards. The first needs a second thread on
 * the swapchain, which the validation layer of these headers (1.3.239, where the swapchain
 * of vkWaitForPresentKHR is externally synchronised) reports when it sits above: there
 * the wait comes only after the present that saw the error. */
static void
present_wait_on_failed_surface(VkResult expected, void (*fault)(void))
{
   const struct options *o = &opts;
   struct harness h;
   VkExtent2D extent;
   struct frame_loop fl;
   VkSurfaceKHR surface = present_wait_start(&h, &extent, &fl);
   uint64_t id = 0;
   for (int f = 0; f < 5; f++) {
      fl.present_id = ++id;
      CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
   }
   CHECK_VK(&h, wait_id(&h, &fl, id, 2000000000ull), VK_SUCCESS);
   bool threaded = !o->validation || strcmp(o->validation, "above") != 0;
   struct pending_wait w = {.h = &h, .fl = &fl, .id = id + 1000, .result = expected};
   pthread_t t;
   if (threaded) {
      assert_int_equal(pthread_create(&t, NULL, wait_in_thread, &w), 0);
      usleep(50000);
   }
   fault();
   VkResult seen = VK_SUCCESS;
   for (int f = 0; f < 60 && seen == VK_SUCCESS; f++) {
      fl.present_id = ++id;
      seen = frame_loop_draw(&fl);
   }
   uint64_t t0 = harness_now_ns();
   if (threaded)
      pthread_join(t, NULL);
   double ms = (harness_now_ns() - t0) / 1e6;
   CHECK(&h, seen == expected, "presents after the fault returned %d, expected %d", seen, expected);
   CHECK(&h, w.result == expected, "the pending wait returned %d, expected %d", w.result, expected);
   CHECK(&h, ms < 2000.0, "the pending wait ended %.1f ms after the present saw the error", ms);
   /* The frame whose present saw the error never reaches the screen. */
   CHECK_VK(&h, wait_id(&h, &fl, id, UINT64_MAX), expected);
   CHECK_VK(&h, wait_id(&h, &fl, id + 1, UINT64_MAX), expected);
   CHECK_VK(&h, wait_id(&h, &fl, id + 1, 0), expected);
   /* Frames shown before the fault stay complete. */
   CHECK_VK(&h, wait_id(&h, &fl, 5, 0), VK_SUCCESS);
   printf("display: present wait on a failed surface: %d%s\n", expected,
          threaded ? ", and for a wait already pending" : "");
   frame_loop_destroy(&fl, true);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "present wait on a failed surface");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

static void unplug(void);
static void drop_mode(void);

static void
present_wait_surface_lost(void **state)
{
   present_wait_on_failed_surface(VK_ERROR_SURFACE_LOST_KHR, unplug);
}

static void
present_wait_out_of_date(void **state)
{
   present_wait_on_failed_surface(VK_ERROR_OUT_OF_DATE_KHR, drop_mode);
}

/* A display surface allows exactly its mode's extent and one layer: anything else is
 * refused before the driver or KMS sees it, with nothing left on the device. */
static void
bad_extents(void **state)
{
   const struct options *o = &opts;
   struct harness h;
   mock_drm_reset(NULL);
   assert_true(start(&h, o));
   VkExtent2D e;
   VkSurfaceKHR surface = display_surface_create(&h, &e, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   struct {
      VkExtent2D extent;
      uint32_t layers;
   } cases[] = {
      {{e.width + 1, e.height}, 1}, {{e.width, e.height + 1}, 1}, {{e.width - 1, e.height}, 1},
      {{0, 0}, 1}, {{65536, 65536}, 1}, {{e.width, e.height}, 2}, {{e.width, e.height}, 0},
   };
   h.quiet_validation = true;
   for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      VkSwapchainCreateInfoKHR sci = {
         .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
         .surface = surface,
         .minImageCount = 3,
         .imageFormat = frame_loop_pick_format(&h, surface),
         .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
         .imageExtent = cases[i].extent,
         .imageArrayLayers = cases[i].layers,
         .imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
         .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
         .preTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
         .compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
         .presentMode = VK_PRESENT_MODE_FIFO_KHR,
         .clipped = VK_TRUE,
      };
      VkSwapchainKHR sc = VK_NULL_HANDLE;
      VkResult r = vkCreateSwapchainKHR(h.device, &sci, NULL, &sc);
      CHECK(&h, r == VK_ERROR_INITIALIZATION_FAILED, "%ux%u, %u layers on a %ux%u display: %d",
            cases[i].extent.width, cases[i].extent.height, cases[i].layers, e.width, e.height, r);
      if (r == VK_SUCCESS) {
         swapchains_created++;
         vkDestroySwapchainKHR(h.device, sc, NULL);
      }
   }
   uint32_t provoked = h.validation_messages;
   h.validation_messages = 0;
   h.quiet_validation = false;
   printf("display: bad extents refused, %u validation message(s) (validation %s)\n", provoked,
          o->validation ? o->validation : "off");
   /* Above, the app's misuse is seen; below, the layer passed nothing on. */
   if (o->validation)
      CHECK(&h, !strcmp(o->validation, "above") ? provoked > 0 : provoked == 0,
            "%u validation messages with validation %s the layer", provoked, o->validation);
   struct mock_drm_stats st;
   mock_drm_get_stats(&st);
   CHECK(&h, st.dumb_buffers == 0 && st.fbs == 0 && st.commits == 0,
         "refused swapchains left %u dumb buffers, %u fbs, %llu commits", st.dumb_buffers, st.fbs,
         (unsigned long long)st.commits);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "bad extents");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

enum when { BEFORE_INSTANCE, BEFORE_SWAPCHAIN, WHILE_PRESENTING };

struct fault_case {
   const char *name;
   const char *spec;   /* mock_drm_inject() spec, or NULL */
   enum when when;
   void (*action)(void); /* instead of a spec */
   VkResult create;    /* expected from vkCreateSwapchainKHR */
   VkResult present;   /* the first non-success expected while presenting, or VK_SUCCESS */
};

static void revoke_master(void) { mock_drm_revoke_master(); }
static void unplug(void) { mock_drm_unplug(); }
static void disconnect(void) { mock_drm_set_connected(false); }
static void drop_mode(void)
{
   /* The preferred 1280x800 disappears; the rest stay. */
   struct mock_drm_mode modes[] = {{1920, 1080, 60}, {1024, 768, 60}};
   mock_drm_set_modes(modes, 2);
}

static const struct fault_case fault_cases[] = {
   {"commit EBUSY x3 (retried)", "commit_ebusy:3", WHILE_PRESENTING, NULL, VK_SUCCESS, VK_SUCCESS},
   {"commit EINVAL", "commit_einval:1", WHILE_PRESENTING, NULL, VK_SUCCESS, VK_ERROR_OUT_OF_DATE_KHR},
   {"lost flip event", "lost_flip:1", WHILE_PRESENTING, NULL, VK_SUCCESS, VK_SUCCESS},
   {"late flip event (200 ms)", "late_flip_us:200000", WHILE_PRESENTING, NULL, VK_SUCCESS, VK_SUCCESS},
   {"dumb buffer ENOMEM once", "dumb_enomem:1", BEFORE_SWAPCHAIN, NULL, VK_SUCCESS, VK_SUCCESS},
   {"dumb buffer ENOMEM always", "dumb_enomem:1000", BEFORE_SWAPCHAIN, NULL,
    VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_SUCCESS},
   {"framebuffer ENOMEM always", "addfb_enomem:1000", BEFORE_SWAPCHAIN, NULL,
    VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_SUCCESS},
   {"no DRM master", "no_master", BEFORE_INSTANCE, NULL, VK_ERROR_INITIALIZATION_FAILED, VK_SUCCESS},
   {"master revoked", NULL, WHILE_PRESENTING, revoke_master, VK_SUCCESS, VK_ERROR_SURFACE_LOST_KHR},
   {"hot-unplug", NULL, WHILE_PRESENTING, unplug, VK_SUCCESS, VK_ERROR_SURFACE_LOST_KHR},
   {"display disconnected", NULL, WHILE_PRESENTING, disconnect, VK_SUCCESS,
    VK_ERROR_SURFACE_LOST_KHR},
   {"mode list changed", NULL, WHILE_PRESENTING, drop_mode, VK_SUCCESS, VK_ERROR_OUT_OF_DATE_KHR},
};

static void
inject(const struct fault_case *c)
{
   if (c->spec)
      mock_drm_inject(c->spec);
   else
      c->action();
}

static bool
path_forced(void)
{
   const char *p = getenv("VENUS_WSI_PATH");
   return p && *p && strcmp(p, "auto") != 0;
}

static bool
legacy_kms(void)
{
   const char *k = getenv("VENUS_WSI_KMS");
   const char *m = getenv("VW_MOCK_DRM_LEGACY");
   return (k && !strcmp(k, "legacy")) || (m && !strcmp(m, "1"));
}

static void
run_fault(void **state)
{
   const struct options *o = &opts;
   const struct fault_case *c = *state;
   VkResult want_create = c->create, want_present = c->present;
   /* Path C falls back to D; a forced path, or D alone (no host pointers), has nowhere to go. */
   const char *hide = getenv("VENUS_WSI_HIDE");
   bool no_hostptr = hide && (strstr(hide, "hostptr") || strstr(hide, "venus"));
   if (c->spec && !strcmp(c->spec, "dumb_enomem:1") && (path_forced() || no_hostptr))
      want_create = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   /* Legacy KMS takes a refused page flip for a driver without flips: SetCrtc + DirtyFB. */
   if (c->spec && !strcmp(c->spec, "commit_einval:1") && legacy_kms())
      want_present = VK_SUCCESS;
   mock_drm_reset(NULL);
   if (c->when == BEFORE_INSTANCE)
      inject(c);
   struct harness h;
   assert_true(start(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   CHECK(&h, surface != VK_NULL_HANDLE, "%s: no surface", c->name);
   VkResult seen_create = VK_ERROR_UNKNOWN, seen_present = VK_SUCCESS;
   if (surface) {
      if (c->when == BEFORE_SWAPCHAIN)
         inject(c);
      struct frame_loop fl;
      seen_create = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, swapchains_created++);
      if (seen_create == VK_SUCCESS) {
         for (int i = 0; i < 60 && seen_present == VK_SUCCESS; i++) {
            if (i == 10 && c->when == WHILE_PRESENTING)
               inject(c);
            VkResult r = frame_loop_draw(&fl);
            if (r != VK_SUCCESS)
               seen_present = r;
         }
         /* A lost or out-of-date surface keeps failing; the app's move is to recreate. */
         if (seen_present != VK_SUCCESS)
            CHECK(&h, frame_loop_draw(&fl) == seen_present, "%s: the error did not stick", c->name);
         frame_loop_destroy(&fl, true);
      } else {
         frame_loop_destroy(&fl, false);
      }
      vkDestroySurfaceKHR(h.instance, surface, NULL);
   }
   printf("fault %-28s -> create %d, present %d\n", c->name, seen_create, seen_present);
   harness_finish(&h);
   check_nothing_leaked(&h, c->name);
   assert_int_equal(seen_create, want_create);
   assert_int_equal(seen_present, want_present);
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* --- DRM master: held only while a swapchain presents --- */

static bool
master_held(void)
{
   struct mock_drm_stats s;
   mock_drm_get_stats(&s);
   return s.master_held;
}

/* Opening a primary node nobody is master of makes the opener master: an app that only looks
 * at the displays must leave it to a display server, and the layer must let go of it when
 * its last swapchain goes. */
static void
master_only_while_presenting(void **state)
{
   const struct options *o = &opts;
   mock_drm_reset(NULL);
   struct harness h;
   assert_true(start(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   struct mock_drm_stats s;
   mock_drm_get_stats(&s);
   CHECK(&h, s.files == 1, "the layer has %u DRM files open, expected its one", s.files);
   CHECK(&h, !s.master_held, "the layer is DRM master after only enumerating displays");

   /* A display server starting now gets master; the app cannot present meanwhile. */
   int server = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
   CHECK(&h, server >= 0 && drmIsMaster(server), "a display server could not become master");
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, swapchains_created++);
   CHECK(&h, r == VK_ERROR_INITIALIZATION_FAILED, "a swapchain while another is master: %d", r);
   frame_loop_destroy(&fl, r == VK_SUCCESS);
   close(server);

   r = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3, VK_NULL_HANDLE,
                         swapchains_created++);
   CHECK(&h, r == VK_SUCCESS, "a swapchain once the display server left: %d", r);
   if (r == VK_SUCCESS) {
      CHECK(&h, master_held(), "presenting without DRM master");
      for (int i = 0; i < 5; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      /* A hand-over keeps master: the new swapchain presents. */
      struct frame_loop next;
      r = frame_loop_create(&next, &h, surface, extent, VK_PRESENT_MODE_MAILBOX_KHR, 3,
                            fl.swapchain, swapchains_created++);
      CHECK(&h, r == VK_SUCCESS, "the second swapchain: %d", r);
      frame_loop_destroy(&fl, true);
      if (r == VK_SUCCESS) {
         CHECK(&h, master_held(), "master dropped while a swapchain still presents");
         CHECK_VK(&h, frame_loop_draw(&next), VK_SUCCESS);
         frame_loop_destroy(&next, true);
      }
      CHECK(&h, !master_held(), "still DRM master after the last swapchain went");
   }
   printf("master: not held after enumerating, held while presenting, dropped after: %s\n",
          h.failures ? "no" : "yes");
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "master");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* --- fork(): a child shares the DRM file but has no present thread --- */

#define CHILD_CALL_LIMIT_NS 2000000000ull

/* Bits of the child's exit code. */
enum {
   CHILD_ACQUIRE_WRONG = 1,     /* no error, or not within the limit */
   CHILD_PRESENT_WRONG = 2,
   CHILD_DESTROY_SLOW = 4,
   CHILD_FREED_PARENTS = 8,     /* buffers or framebuffers of the shared DRM file went */
   CHILD_CREATE_WRONG = 16,     /* a new swapchain on the parent's display */
};

static bool
within_limit(uint64_t t0)
{
   return harness_now_ns() - t0 <= CHILD_CALL_LIMIT_NS;
}

static int
child_uses_display_swapchain(struct harness *h, struct frame_loop *fl, uint32_t held,
                             VkFence fence)
{
   int wrong = 0;
   struct mock_drm_stats before, after;
   mock_drm_get_stats(&before);
   uint64_t t0 = harness_now_ns();
   uint32_t index;
   VkResult r = vkAcquireNextImageKHR(h->device, fl->swapchain, 3000000000ull, VK_NULL_HANDLE,
                                      fence, &index);
   if (r >= 0 || !within_limit(t0))
      wrong |= CHILD_ACQUIRE_WRONG;
   t0 = harness_now_ns();
   VkPresentInfoKHR pi = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
      .swapchainCount = 1,
      .pSwapchains = &fl->swapchain,
      .pImageIndices = &held,
   };
   r = vkQueuePresentKHR(h->queue, &pi);
   if (r >= 0 || !within_limit(t0))
      wrong |= CHILD_PRESENT_WRONG;
   t0 = harness_now_ns();
   vkDestroySwapchainKHR(h->device, fl->swapchain, NULL);
   if (!within_limit(t0))
      wrong |= CHILD_DESTROY_SLOW;
   mock_drm_get_stats(&after);
   if (after.handles != before.handles || after.fbs != before.fbs ||
       after.mappings != before.mappings || after.commits != before.commits)
      wrong |= CHILD_FREED_PARENTS;
   struct frame_loop other;
   r = frame_loop_create(&other, h, fl->surface, fl->extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                         VK_NULL_HANDLE, 0);
   if (r != VK_ERROR_SURFACE_LOST_KHR)
      wrong |= CHILD_CREATE_WRONG;
   return wrong;
}

/* The child fails cleanly and touches nothing of the parent's; the parent presents on. */
static void
fork_child_leaves_display_alone(void **state)
{
   const struct options *o = &opts;
   mock_drm_reset(NULL);
   struct harness h;
   assert_true(start(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   struct frame_loop fl;
   assert_int_equal(frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, swapchains_created++),
                    VK_SUCCESS);
   for (int i = 0; i < 10; i++)
      CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
   vkQueueWaitIdle(h.queue);
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence held_fence, child_fence;
   vkCreateFence(h.device, &fci, NULL, &held_fence);
   vkCreateFence(h.device, &fci, NULL, &child_fence);
   uint32_t held = 0;
   CHECK_VK(&h, vkAcquireNextImageKHR(h.device, fl.swapchain, 5000000000ull, VK_NULL_HANDLE,
                                      held_fence, &held),
            VK_SUCCESS);
   vkWaitForFences(h.device, 1, &held_fence, VK_TRUE, UINT64_MAX);
   /* Every frame on screen and the mock's event thread idle: the child gets the mock's lock
    * free (fork copies a lock held by another thread as held forever). */
   CHECK(&h, screen_shows_frame(fl.frames - 1, extent, 2000), "the last frame is not on screen");
   usleep(100000);

   fflush(stdout);
   fflush(stderr);
   pid_t pid = fork();
   if (pid == 0)
      _exit(child_uses_display_swapchain(&h, &fl, held, child_fence));
   int code = pid > 0 ? harness_wait_child(pid, 10000000000ull) : -1;
   printf("fork: child exit code %d (0: acquire and present failed, destroy returned, each "
          "within 2 s; nothing of the parent's freed; no swapchain on the parent's display)\n",
          code);
   CHECK(&h, code == 0, "the fork() child %s (code %d: 1 acquire, 2 present, 4 destroy, "
         "8 freed the parent's buffers, 16 created a swapchain)",
         code < 0 ? "hung and was killed" : "saw wrong results", code);

   VkPresentInfoKHR pi = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
      .swapchainCount = 1,
      .pSwapchains = &fl.swapchain,
      .pImageIndices = &held,
   };
   CHECK_VK(&h, vkQueuePresentKHR(h.queue, &pi), VK_SUCCESS);
   for (int i = 0; i < 30; i++)
      CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
   CHECK(&h, screen_shows_frame(fl.frames - 1, extent, 2000),
         "the parent's last frame is not on screen after the fork");
   frame_loop_destroy(&fl, true);
   vkDestroyFence(h.device, held_fence, NULL);
   vkDestroyFence(h.device, child_fence, NULL);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "fork");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* --- a flip that never completes (the host stops answering) --- */

#define TEARDOWN_LIMIT_NS 1500000000ull

/* The kernel gives up on a stuck flip after 10 s per blocking call; 3 s here still shows any
 * blocking call the layer makes during teardown, and keeps the test short. */
static void
reset_with_flip_timeout(unsigned ms)
{
   struct mock_drm_config cfg;
   mock_drm_config_default(&cfg);
   cfg.flip_timeout_ms = ms;
   mock_drm_config_from_env(&cfg);
   mock_drm_reset(&cfg);
}

/* What a display server starting later does: it becomes master and turns the CRTC off,
 * waiting out the stuck flip as the kernel makes it. Whatever the layer left on the screen
 * is freed then. */
static void
later_display_server_turns_off(struct harness *h)
{
   mock_drm_clear_faults();
   int fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
   CHECK(h, fd >= 0 && drmIsMaster(fd), "a later display server could not become master");
   if (fd < 0)
      return;
   drmModeRes *res = drmModeGetResources(fd);
   if (res && res->count_crtcs)
      drmModeSetCrtc(fd, res->crtcs[0], 0, 0, 0, NULL, 0, NULL);
   drmModeFreeResources(res);
   close(fd);
}

/* Draws until the mock has taken one more commit than 'commits' (the stuck flip). */
static bool
draw_until_committed(struct frame_loop *fl, uint64_t commits)
{
   struct mock_drm_commit c;
   for (int i = 0; i < 50; i++) {
      if (frame_loop_draw(fl) != VK_SUCCESS)
         return false;
      for (int t = 0; t < 100; t++) {
         for (uint64_t seq = commits; seq < mock_drm_commit_count(); seq++)
            if (mock_drm_commit_get(seq, &c) && c.result == 0)
               return true;
         usleep(1000);
      }
   }
   return false;
}

/* What an app does on VK_ERROR_OUT_OF_DATE_KHR: a new swapchain. On a display still stuck
 * its first frame fails (a mode set must not block behind the stuck flip either) and it goes
 * again. Returns how long that took. */
static uint64_t
recreate_on_stuck_display(struct harness *h, VkSurfaceKHR surface, VkExtent2D extent)
{
   uint64_t t0 = harness_now_ns();
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, swapchains_created++);
   CHECK(h, r == VK_SUCCESS, "a new swapchain on the stuck display: %d", r);
   VkResult seen = r;
   for (int i = 0; i < 20 && seen == VK_SUCCESS; i++)
      seen = frame_loop_draw(&fl);
   CHECK(h, seen == VK_ERROR_OUT_OF_DATE_KHR, "presenting on the stuck display: %d", seen);
   frame_loop_destroy(&fl, true);
   uint64_t ns = harness_now_ns() - t0;
   printf("stuck flip: a new swapchain failed with %d and went in %.3f s\n", seen, ns / 1e9);
   return ns;
}

/* A flip that never completes, with the swapchain destroyed once it has failed or at once:
 * either way the teardown waits about a second at most, and nothing is left behind. */
static void
stuck_flip(bool destroy_at_once)
{
   const struct options *o = &opts;
   reset_with_flip_timeout(3000);
   struct harness h;
   assert_true(start(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   struct frame_loop fl;
   assert_int_equal(frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, swapchains_created++),
                    VK_SUCCESS);
   for (int i = 0; i < 10; i++)
      CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
   mock_drm_wait_flips(10, 2000);
   mock_drm_inject("stuck_flip:3");
   uint64_t t0 = harness_now_ns();
   VkResult seen = VK_SUCCESS;
   if (destroy_at_once) {
      CHECK(&h, draw_until_committed(&fl, mock_drm_commit_count()), "no flip got stuck");
   } else {
      for (int i = 0; i < 200 && seen == VK_SUCCESS; i++)
         seen = frame_loop_draw(&fl);
   }
   double fail_s = (harness_now_ns() - t0) / 1e9;
   frame_loop_destroy(&fl, false);

   t0 = harness_now_ns();
   vkDestroySwapchainKHR(h.device, fl.swapchain, NULL);
   uint64_t destroy_ns = harness_now_ns() - t0;
   uint64_t again_ns = 0;
   if (!destroy_at_once)
      again_ns = recreate_on_stuck_display(&h, surface, extent);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   t0 = harness_now_ns();
   harness_finish(&h);
   uint64_t finish_ns = harness_now_ns() - t0;
   if (destroy_at_once)
      printf("stuck flip, destroyed at once: ");
   else
      printf("stuck flip: swapchain failed with %d after %.2f s; ", seen, fail_s);
   printf("vkDestroySwapchainKHR %.3f s, device and instance teardown %.3f s\n",
          destroy_ns / 1e9, finish_ns / 1e9);
   CHECK(&h, destroy_at_once || seen == VK_ERROR_OUT_OF_DATE_KHR, "a stuck flip: %d, expected %d",
         seen, VK_ERROR_OUT_OF_DATE_KHR);
   CHECK(&h, destroy_ns < TEARDOWN_LIMIT_NS, "vkDestroySwapchainKHR took %.3f s",
         destroy_ns / 1e9);
   CHECK(&h, finish_ns < TEARDOWN_LIMIT_NS, "device and instance teardown took %.3f s",
         finish_ns / 1e9);
   CHECK(&h, again_ns < 2 * TEARDOWN_LIMIT_NS,
         "a swapchain made again on the stuck display took %.3f s to fail and go", again_ns / 1e9);
   later_display_server_turns_off(&h);
   check_nothing_leaked(&h, "stuck flip");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

static void
stuck_flip_teardown(void **state)
{
   stuck_flip(false);
}

static void
stuck_flip_destroy_at_once(void **state)
{
   stuck_flip(true);
}

/* --- VK_EXT_direct_mode_display and VK_EXT_acquire_drm_display --- */

static PFN_vkAcquireDrmDisplayEXT acquire_drm_display;
static PFN_vkGetDrmDisplayEXT get_drm_display;
static PFN_vkReleaseDisplayEXT release_display;

static bool
start_drm_ext(struct harness *h, const struct options *o, bool control)
{
   static const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME, VK_KHR_DISPLAY_EXTENSION_NAME,
                                     VK_EXT_DIRECT_MODE_DISPLAY_EXTENSION_NAME,
                                     VK_EXT_ACQUIRE_DRM_DISPLAY_EXTENSION_NAME,
                                     VK_EXT_DISPLAY_SURFACE_COUNTER_EXTENSION_NAME};
   static const char *dev_exts[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME,
                                    VK_EXT_DISPLAY_CONTROL_EXTENSION_NAME};
   static const char *layers[4];
   static char layer_buf[256];
   uint32_t nlayers = 0;
   if (o->app_layers) {
      snprintf(layer_buf, sizeof(layer_buf), "%s", o->app_layers);
      char *save = NULL;
      for (char *t = strtok_r(layer_buf, ",", &save); t && nlayers < 4; t = strtok_r(NULL, ",", &save))
         layers[nlayers++] = t;
   }
   struct harness_options ho = {
      .layers = layers,
      .layer_count = nlayers,
      .instance_exts = inst_exts,
      .instance_ext_count = 5,
      .device_exts = dev_exts,
      .device_ext_count = control ? 2 : 1,
   };
   memset(h, 0, sizeof(*h));
   if (!harness_init(h, &ho))
      return false;
   acquire_drm_display =
      (PFN_vkAcquireDrmDisplayEXT)vkGetInstanceProcAddr(h->instance, "vkAcquireDrmDisplayEXT");
   get_drm_display =
      (PFN_vkGetDrmDisplayEXT)vkGetInstanceProcAddr(h->instance, "vkGetDrmDisplayEXT");
   release_display =
      (PFN_vkReleaseDisplayEXT)vkGetInstanceProcAddr(h->instance, "vkReleaseDisplayEXT");
   return acquire_drm_display && get_drm_display && release_display;
}

static bool
start_drm(struct harness *h, const struct options *o)
{
   return start_drm_ext(h, o, false);
}

static VkDisplayKHR
first_display(struct harness *h)
{
   VkDisplayPropertiesKHR p[4];
   uint32_t n = 4;
   vkGetPhysicalDeviceDisplayPropertiesKHR(h->pdev, &n, p);
   return n ? p[0].display : VK_NULL_HANDLE;
}

static uint32_t
first_connector(int fd)
{
   drmModeRes *res = drmModeGetResources(fd);
   uint32_t id = res && res->count_connectors ? res->connectors[0] : 0;
   drmModeFreeResources(res);
   return id;
}

/* Commits since 'first' that did not come from DRM file 'file' (mock serials). */
static uint32_t
commits_not_from(uint64_t first, unsigned file)
{
   uint32_t n = 0;
   struct mock_drm_commit c;
   for (uint64_t seq = first; seq < mock_drm_commit_count(); seq++)
      if (mock_drm_commit_get(seq, &c) && c.file != file) {
         if (!n)
            fprintf(stderr, "commit %llu from file %u\n", (unsigned long long)seq, c.file);
         n++;
      }
   return n;
}

static unsigned
open_files(void)
{
   struct mock_drm_stats s;
   mock_drm_get_stats(&s);
   return s.files;
}

/* A compositor (or a lease) hands the app a master fd: vkGetDrmDisplayEXT maps its
 * connector to the display the layer lists, vkAcquireDrmDisplayEXT refuses files that are
 * not this card or not master, and after it every commit goes through the app's file (the
 * layer's own, file 1, stays unused); the layer's dup of the fd goes at release. */
static void
acquire_drm_display_second_fd(void **state)
{
   const struct options *o = &opts;
   mock_drm_reset(NULL);
   struct harness h;
   assert_true(start_drm(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   VkDisplayKHR display = first_display(&h);
   CHECK(&h, open_files() == 1, "the layer has %u DRM files open", open_files());

   int app_fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC); /* file 2: master */
   int other_fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC); /* file 3: not master */
   int pipe_fds[2];
   assert_int_equal(pipe(pipe_fds), 0);
   CHECK(&h, app_fd >= 0 && drmIsMaster(app_fd) && !drmIsMaster(other_fd),
         "the app's fd is not master");
   uint32_t conn = first_connector(app_fd);
   unsigned app_file = mock_drm_file_serial(app_fd);

   /* The validation layer of 1.3.239 wraps vkGetDrmDisplayEXT's display as a new handle
    * (another than it gave for the same display from vkGetPhysicalDeviceDisplayProperties)
    * when it sits above the layer: the mapping is compared where nothing rewrites handles. */
   bool same_handles = !o->validation || strcmp(o->validation, "above");
   VkDisplayKHR mapped = VK_NULL_HANDLE;
   CHECK_VK(&h, get_drm_display(h.pdev, app_fd, conn, &mapped), VK_SUCCESS);
   CHECK(&h, mapped != VK_NULL_HANDLE && (!same_handles || mapped == display),
         "vkGetDrmDisplayEXT gave another handle than the listed one");
   mapped = VK_NULL_HANDLE;
   CHECK_VK(&h, get_drm_display(h.pdev, other_fd, conn, &mapped), VK_SUCCESS);
   CHECK(&h, mapped != VK_NULL_HANDLE && (!same_handles || mapped == display),
         "a file that is not master maps the connector differently");
   h.quiet_validation = true;
   CHECK_VK(&h, get_drm_display(h.pdev, app_fd, conn + 1000, &mapped), VK_ERROR_UNKNOWN);
   CHECK_VK(&h, get_drm_display(h.pdev, pipe_fds[0], conn, &mapped), VK_ERROR_UNKNOWN);
   CHECK(&h, mapped == VK_NULL_HANDLE, "a failed vkGetDrmDisplayEXT left a handle");
   CHECK_VK(&h, acquire_drm_display(h.pdev, pipe_fds[0], display), VK_ERROR_UNKNOWN);
   CHECK_VK(&h, acquire_drm_display(h.pdev, other_fd, display), VK_ERROR_INITIALIZATION_FAILED);
   h.quiet_validation = false;
   close(pipe_fds[0]);
   close(pipe_fds[1]);
   CHECK(&h, h.validation_messages == 0, "%u validation messages for failed calls",
         h.validation_messages);
   h.validation_messages = 0;

   CHECK_VK(&h, acquire_drm_display(h.pdev, app_fd, display), VK_SUCCESS);
   uint64_t first = mock_drm_commit_count();
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, swapchains_created++);
   CHECK(&h, r == VK_SUCCESS, "a swapchain on the acquired display: %d", r);
   if (r == VK_SUCCESS) {
      for (int i = 0; i < 30; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK(&h, screen_shows_frame(29, extent, 2000), "the app's frame is not on screen");
      frame_loop_destroy(&fl, true);
   }
   uint64_t commits = mock_drm_commit_count() - first;
   uint32_t foreign = commits_not_from(first, app_file);
   CHECK(&h, commits >= 30 && foreign == 0,
         "%llu commits, %u not through the app's fd (file %u)", (unsigned long long)commits,
         foreign, app_file);
   CHECK(&h, !screen_is_on(), "the CRTC is still on after the swapchain went");
   CHECK(&h, drmIsMaster(app_fd), "the layer took master from the app's file");
   CHECK_VK(&h, release_display(h.pdev, display), VK_SUCCESS);
   close(app_fd);
   close(other_fd);
   CHECK(&h, open_files() == 1, "%u DRM files open after release and the app's close, "
         "expected the layer's own", open_files());
   printf("acquire-drm: %llu commits, all through the app's fd; its dup closed at release: %s\n",
          (unsigned long long)commits, h.failures ? "no" : "yes");
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "acquire-drm");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* VK_EXT_display_surface_counter: a display surface has the vblank counter, and the rest
 * of its capabilities are those of vkGetPhysicalDeviceSurfaceCapabilitiesKHR. */
static void
surface_counter_on_display(void **state)
{
   const struct options *o = &opts;
   mock_drm_reset(NULL);
   struct harness h;
   assert_true(start_drm(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   PFN_vkGetPhysicalDeviceSurfaceCapabilities2EXT caps2ext =
      (PFN_vkGetPhysicalDeviceSurfaceCapabilities2EXT)vkGetInstanceProcAddr(
         h.instance, "vkGetPhysicalDeviceSurfaceCapabilities2EXT");
   CHECK(&h, caps2ext != NULL, "no vkGetPhysicalDeviceSurfaceCapabilities2EXT");
   if (caps2ext) {
      VkSurfaceCapabilitiesKHR k;
      VkSurfaceCapabilities2EXT e = {.sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_2_EXT};
      CHECK_VK(&h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h.pdev, surface, &k), VK_SUCCESS);
      CHECK_VK(&h, caps2ext(h.pdev, surface, &e), VK_SUCCESS);
      CHECK(&h, e.supportedSurfaceCounters == VK_SURFACE_COUNTER_VBLANK_BIT_EXT,
            "display surface counters 0x%x", e.supportedSurfaceCounters);
      CHECK(&h, e.minImageCount == k.minImageCount && e.maxImageCount == k.maxImageCount &&
                   e.currentExtent.width == k.currentExtent.width &&
                   e.currentExtent.height == k.currentExtent.height &&
                   e.supportedUsageFlags == k.supportedUsageFlags &&
                   e.supportedCompositeAlpha == k.supportedCompositeAlpha &&
                   e.maxImageArrayLayers == k.maxImageArrayLayers,
            "the EXT capabilities differ from the KHR ones");
      printf("surface counter: display surface reports VBLANK: %s\n",
             e.supportedSurfaceCounters == VK_SURFACE_COUNTER_VBLANK_BIT_EXT ? "yes" : "no");
   }
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "surface counter");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* vkReleaseDisplayEXT while presenting: the swapchain reports VK_ERROR_SURFACE_LOST_KHR, a
 * new one is refused, master goes once the old one is destroyed, and the display is usable
 * again once acquired through the app's fd. */
static void
release_then_present(void **state)
{
   const struct options *o = &opts;
   mock_drm_reset(NULL);
   struct harness h;
   assert_true(start_drm(&h, o));
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   assert_true(surface != VK_NULL_HANDLE);
   VkDisplayKHR display = first_display(&h);
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, swapchains_created++);
   CHECK(&h, r == VK_SUCCESS, "swapchain: %d", r);
   if (r == VK_SUCCESS) {
      for (int i = 0; i < 5; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK_VK(&h, release_display(h.pdev, display), VK_SUCCESS);
      VkResult fr = VK_SUCCESS;
      for (int i = 0; i < 10 && fr == VK_SUCCESS; i++)
         fr = frame_loop_draw(&fl);
      CHECK(&h, fr == VK_ERROR_SURFACE_LOST_KHR, "presenting after release: %d", fr);
      frame_loop_destroy(&fl, true);
   }
   CHECK(&h, !master_held(), "DRM master still held after release and destroy");
   CHECK(&h, !screen_is_on(), "the CRTC is still on after release and destroy");
   r = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3, VK_NULL_HANDLE,
                         swapchains_created++);
   CHECK(&h, r == VK_ERROR_INITIALIZATION_FAILED, "a swapchain on a released display: %d", r);
   frame_loop_destroy(&fl, r == VK_SUCCESS);

   int app_fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
   CHECK_VK(&h, acquire_drm_display(h.pdev, app_fd, display), VK_SUCCESS);
   r = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_MAILBOX_KHR, 3,
                         VK_NULL_HANDLE, swapchains_created++);
   CHECK(&h, r == VK_SUCCESS, "a swapchain once acquired again: %d", r);
   if (r == VK_SUCCESS) {
      for (int i = 0; i < 10; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK(&h, screen_shows_frame(9, extent, 2000), "the frame after re-acquiring is not shown");
      frame_loop_destroy(&fl, true);
   }
   CHECK_VK(&h, release_display(h.pdev, display), VK_SUCCESS);
   close(app_fd);
   CHECK(&h, open_files() == 1, "%u DRM files open after release", open_files());
   printf("release: surface lost while presenting, refused after, usable once acquired: %s\n",
          h.failures ? "no" : "yes");
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "release");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

/* VK_EXT_display_control: DPMS written to the connector (the mock records it; frames
 * presented while off are taken without a commit), a
 * FIRST_PIXEL_OUT fence signalled by the first flip after it, a fence destroyed before its
 * event never touched again, the VBLANK counter growing while frames flip and
 * VK_ERROR_OUT_OF_DATE_KHR once the swapchain is, and a DISPLAY_HOTPLUG fence signalled
 * after the mock's connector goes. */
static void
display_control_events(void **state)
{
   const struct options *o = &opts;
   /* Above the layer, the validation layer of 1.3.239 does not know the fences these
    * commands return: it reports "Couldn't find VkFence Object" on every use, and with its
    * handle wrapping the app's waits would not reach the layer's fence. Checked below. */
   if (o->validation && !strcmp(o->validation, "above")) {
      printf("display control: not run with validation above (1.3.239 loses the event "
             "fences)\n");
      skip();
   }
   mock_drm_reset(NULL);
   struct harness h;
   assert_true(start_drm_ext(&h, o, true));
   VkExtent2D extent;
   uint32_t refresh_mhz = 0;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, &refresh_mhz);
   assert_true(surface != VK_NULL_HANDLE);
   VkDisplayKHR display = first_display(&h);
   PFN_vkDisplayPowerControlEXT power =
      (PFN_vkDisplayPowerControlEXT)vkGetDeviceProcAddr(h.device, "vkDisplayPowerControlEXT");
   PFN_vkRegisterDeviceEventEXT device_event =
      (PFN_vkRegisterDeviceEventEXT)vkGetDeviceProcAddr(h.device, "vkRegisterDeviceEventEXT");
   PFN_vkRegisterDisplayEventEXT display_event =
      (PFN_vkRegisterDisplayEventEXT)vkGetDeviceProcAddr(h.device, "vkRegisterDisplayEventEXT");
   PFN_vkGetSwapchainCounterEXT counter =
      (PFN_vkGetSwapchainCounterEXT)vkGetDeviceProcAddr(h.device, "vkGetSwapchainCounterEXT");
   assert_true(power && device_event && display_event && counter);

   /* Power */
   VkDisplayPowerInfoEXT off = {VK_STRUCTURE_TYPE_DISPLAY_POWER_INFO_EXT, NULL,
                                VK_DISPLAY_POWER_STATE_OFF_EXT};
   VkDisplayPowerInfoEXT on = {VK_STRUCTURE_TYPE_DISPLAY_POWER_INFO_EXT, NULL,
                               VK_DISPLAY_POWER_STATE_ON_EXT};
   struct mock_drm_stats st;
   CHECK_VK(&h, power(h.device, display, &off), VK_SUCCESS);
   mock_drm_get_stats(&st);
   CHECK(&h, st.dpms_sets == 1 && st.dpms == DRM_MODE_DPMS_OFF, "DPMS off: %llu writes, last %u",
         (unsigned long long)st.dpms_sets, st.dpms);
   CHECK_VK(&h, power(h.device, display, &on), VK_SUCCESS);
   mock_drm_get_stats(&st);
   CHECK(&h, st.dpms_sets == 2 && st.dpms == DRM_MODE_DPMS_ON, "DPMS on: %llu writes, last %u",
         (unsigned long long)st.dpms_sets, st.dpms);
   CHECK(&h, !master_held(), "DRM master kept after a power change");

   /* A fence destroyed before its event: its registration goes with it. */
   VkDisplayEventInfoEXT first_pixel = {VK_STRUCTURE_TYPE_DISPLAY_EVENT_INFO_EXT, NULL,
                                        VK_DISPLAY_EVENT_TYPE_FIRST_PIXEL_OUT_EXT};
   VkFence dropped = VK_NULL_HANDLE, pixel_fence = VK_NULL_HANDLE;
   CHECK_VK(&h, display_event(h.device, display, &first_pixel, NULL, &dropped), VK_SUCCESS);
   vkDestroyFence(h.device, dropped, NULL);
   CHECK_VK(&h, display_event(h.device, display, &first_pixel, NULL, &pixel_fence), VK_SUCCESS);
   CHECK(&h, vkGetFenceStatus(h.device, pixel_fence) == VK_NOT_READY,
         "the FIRST_PIXEL_OUT fence is signalled before any frame");

   VkSwapchainCounterCreateInfoEXT counters = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_COUNTER_CREATE_INFO_EXT,
      .surfaceCounters = VK_SURFACE_COUNTER_VBLANK_BIT_EXT,
   };
   struct frame_loop fl;
   VkResult r = frame_loop_create_ext(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, swapchains_created++, &counters, 0);
   CHECK(&h, r == VK_SUCCESS, "a swapchain with the VBLANK counter: %d", r);
   uint64_t c0 = 0, c1 = 0, flips = 0;
   double secs = 0;
   if (r == VK_SUCCESS) {
      CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK_VK(&h, vkWaitForFences(h.device, 1, &pixel_fence, VK_TRUE, 2000000000ull),
               VK_SUCCESS);
      mock_drm_get_stats(&st);
      uint64_t flips0 = st.flips;
      CHECK_VK(&h, counter(h.device, fl.swapchain, VK_SURFACE_COUNTER_VBLANK_BIT_EXT, &c0),
               VK_SUCCESS);
      uint64_t t0 = harness_now_ns();
      for (int i = 0; i < 30; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK(&h, screen_shows_frame(30, extent, 2000), "the last frame is not on screen");
      CHECK_VK(&h, counter(h.device, fl.swapchain, VK_SURFACE_COUNTER_VBLANK_BIT_EXT, &c1),
               VK_SUCCESS);
      secs = (harness_now_ns() - t0) / 1e9;
      mock_drm_get_stats(&st);
      flips = st.flips - flips0;
      /* FIFO on the virtual display flips once a refresh: the counter follows the flips. */
      double most = secs * refresh_mhz / 1000.0 + 2;
      CHECK(&h, c1 >= c0 + flips / 2 && c1 - c0 <= most,
            "VBLANK counter %llu -> %llu over %llu flips in %.2f s",
            (unsigned long long)c0, (unsigned long long)c1, (unsigned long long)flips, secs);
      /* Powered off while presenting: frames are taken, nothing is committed, and the
       * display shows frames again once it is on. */
      CHECK_VK(&h, power(h.device, display, &off), VK_SUCCESS);
      uint64_t commits_off = mock_drm_commit_count();
      for (int i = 0; i < 10; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK(&h, !screen_is_on(), "the display is on after DPMS off");
      CHECK(&h, mock_drm_commit_count() == commits_off, "%llu commits while the display was off",
            (unsigned long long)(mock_drm_commit_count() - commits_off));
      CHECK_VK(&h, power(h.device, display, &on), VK_SUCCESS);
      for (int i = 0; i < 5; i++)
         CHECK_VK(&h, frame_loop_draw(&fl), VK_SUCCESS);
      CHECK(&h, screen_shows_frame(fl.frames - 1, extent, 2000),
            "frames are not shown after DPMS on");
      /* Out of date: the mode goes from the connector's list. */
      drop_mode();
      VkResult fr = VK_SUCCESS;
      for (int i = 0; i < 60 && fr == VK_SUCCESS; i++)
         fr = frame_loop_draw(&fl);
      CHECK(&h, fr == VK_ERROR_OUT_OF_DATE_KHR, "presenting after the mode went: %d", fr);
      uint64_t c2 = 0;
      CHECK_VK(&h, counter(h.device, fl.swapchain, VK_SURFACE_COUNTER_VBLANK_BIT_EXT, &c2),
               VK_ERROR_OUT_OF_DATE_KHR);
      frame_loop_destroy(&fl, true);
   }
   vkDestroyFence(h.device, pixel_fence, NULL);

   /* Hotplug */
   VkDeviceEventInfoEXT hotplug = {VK_STRUCTURE_TYPE_DEVICE_EVENT_INFO_EXT, NULL,
                                   VK_DEVICE_EVENT_TYPE_DISPLAY_HOTPLUG_EXT};
   VkFence plug_fence = VK_NULL_HANDLE;
   CHECK_VK(&h, device_event(h.device, &hotplug, NULL, &plug_fence), VK_SUCCESS);
   mock_drm_get_stats(&st);
   uint64_t ioctls0 = st.ioctls;
   usleep(300000);
   mock_drm_get_stats(&st);
   /* The watcher looks ten times a second, a few ioctls each. */
   printf("hotplug watch: %llu ioctls in 300 ms\n", (unsigned long long)(st.ioctls - ioctls0));
   CHECK(&h, st.ioctls - ioctls0 < 100, "%llu ioctls in 300 ms while watching for hotplug",
         (unsigned long long)(st.ioctls - ioctls0));
   CHECK(&h, vkGetFenceStatus(h.device, plug_fence) == VK_NOT_READY,
         "the hotplug fence is signalled with no hotplug");
   uint64_t t_plug = harness_now_ns();
   mock_drm_set_connected(false);
   CHECK_VK(&h, vkWaitForFences(h.device, 1, &plug_fence, VK_TRUE, 2000000000ull), VK_SUCCESS);
   double plug_ms = (harness_now_ns() - t_plug) / 1e6;
   mock_drm_set_connected(true);
   vkDestroyFence(h.device, plug_fence, NULL);
   printf("display control: DPMS recorded, frames taken while off, first pixel out fence "
          "signalled, VBLANK counter "
          "%llu -> %llu over %llu flips in %.2f s, hotplug fence after %.0f ms: %s\n",
          (unsigned long long)c0, (unsigned long long)c1, (unsigned long long)flips, secs,
          plug_ms, h.failures ? "no" : "yes");
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   check_nothing_leaked(&h, "display control");
   assert_int_equal(h.failures, 0);
   assert_int_equal(h.validation_messages, 0);
}

int
main(int argc, char **argv)
{
   for (int i = 1; i < argc; i++) {
      if (!strcmp(argv[i], "--frames") && i + 1 < argc)
         opts.frames = (uint32_t)atoi(argv[++i]);
      else if (!strcmp(argv[i], "--app-layers") && i + 1 < argc)
         opts.app_layers = argv[++i];
      else if (!strcmp(argv[i], "--validation") && i + 1 < argc)
         opts.validation = argv[++i];
      else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
         cmocka_set_test_filter(argv[++i]);
      else {
         fprintf(stderr, "usage: vw-display-test [--frames N] [--app-layers L] "
                         "[--validation above|below] [--filter 'test name pattern']   "
                         "(CMOCKA_TEST_ABORT applies)\n");
         return 2;
      }
   }
   struct CMUnitTest tests[18 + sizeof(fault_cases) / sizeof(fault_cases[0])] = {
      cmocka_unit_test(present_modes),
      cmocka_unit_test(restore_console),
      cmocka_unit_test(incremental_present),
      cmocka_unit_test(master_only_while_presenting),
      cmocka_unit_test(stuck_flip_teardown),
      cmocka_unit_test(stuck_flip_destroy_at_once),
      cmocka_unit_test(fork_child_leaves_display_alone),
      cmocka_unit_test(acquire_timeout_every_image_held),
      cmocka_unit_test(bad_extents),
      cmocka_unit_test(present_wait_after_flip),
      cmocka_unit_test(present_wait_surface_lost),
      cmocka_unit_test(present_wait_out_of_date),
      cmocka_unit_test(maintenance1_on_display),
      cmocka_unit_test(present2_on_display),
      cmocka_unit_test(acquire_drm_display_second_fd),
      cmocka_unit_test(release_then_present),
      cmocka_unit_test(surface_counter_on_display),
      cmocka_unit_test(display_control_events),
   };
   size_t n = 18;
   for (size_t i = 0; i < sizeof(fault_cases) / sizeof(fault_cases[0]); i++, n++)
      tests[n] = (struct CMUnitTest){fault_cases[i].name, run_fault, NULL, NULL,
                                     (void *)&fault_cases[i]};
   return _cmocka_run_group_tests("display", tests, n, NULL, NULL);
}

/* Integration test of Wayland surfaces (VK_KHR_wayland_surface) on a real compositor (the
 * private headless weston of check_wayland.sh, pixman renderer): the surface queries, every
 * present mode with its frames/s and the picture on screen, a swapchain remade at another
 * size, a window the compositor stops repainting (minimised: no frame callbacks) under a
 * FIFO swapchain and acquire timeouts there, and the compositor killed under a presenting
 * app. What reaches the screen is checked from weston-screenshooter's PNG shots: the window
 * is fullscreen, so it sits at a known place (centred when smaller than the output).
 *
 * Whoever implements WSI (the layer with VENUS_WSI=force, Mesa's own Wayland WSI with
 * VENUS_WSI=off) must pass the same checks, except the minimised case, which Mesa 22.3
 * cannot pass (its FIFO waits for a frame callback without end). */
#define VK_USE_PLATFORM_WAYLAND_KHR

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wayland-client.h>

#include "maintenance1_check.h"
#include "present_wait_check.h"
#include "png_read.h"
#include "window_test.h"
#include "wayland_window.h"
#include "xdg-shell-client-protocol.h"

struct options {
   VkPresentModeKHR mode; /* for the resize, minimised and compositor-killed cases */
   uint32_t frames;       /* per present mode */
   const char *tests;
   const char *app_layers;
   const char *validation;
   const char *ready_file;
   const char *expect_method;
   double fifo_min, fifo_max;
   uint32_t screenshot_tolerance;
   bool no_screen_check; /* a compositor with no screenshot protocol (mutter alone) */
};

static uint32_t swapchains_created;

/* The window (wayland_window.c); its events are dispatched between frames. */
static struct wwin *pumped;

static void
pump(void)
{
   wwin_pump(pumped);
}

static VkSurfaceKHR
create_surface(struct harness *h, struct wwin *w)
{
   VkWaylandSurfaceCreateInfoKHR ci = {
      .sType = VK_STRUCTURE_TYPE_WAYLAND_SURFACE_CREATE_INFO_KHR,
      .display = w->display,
      .surface = w->surface,
   };
   VkSurfaceKHR s = VK_NULL_HANDLE;
   VkResult r = vkCreateWaylandSurfaceKHR(h->instance, &ci, NULL, &s);
   CHECK(h, r == VK_SUCCESS, "vkCreateWaylandSurfaceKHR: %s (%d)", wt_result_name(r), r);
   return r == VK_SUCCESS ? s : VK_NULL_HANDLE;
}

/* --- screenshots: weston-screenshooter writes wayland-screenshot-*.png into its cwd --- */

static const uint8_t *
png_rgb(const void *image, uint32_t x, uint32_t y)
{
   const struct rgb_image *img = image;
   static const uint8_t outside[3] = {0, 0, 0};
   if (x >= img->width || y >= img->height)
      return outside;
   return img->pixels + ((size_t)y * img->width + x) * 3;
}

static bool
shoot_screen(struct rgb_image *img, char *err, size_t err_size)
{
   char dir[] = "/tmp/vw-wayland-shot-XXXXXX";
   if (!mkdtemp(dir)) {
      snprintf(err, err_size, "mkdtemp: %s", strerror(errno));
      return false;
   }
   fflush(stdout);
   fflush(stderr);
   pid_t pid = fork();
   if (pid == 0) {
      int null = open("/dev/null", O_RDWR);
      if (null >= 0) {
         dup2(null, 0);
         dup2(null, 1);
      }
      unsetenv("LD_PRELOAD"); /* the sanitizer builds' preload is for this test */
      if (chdir(dir) != 0)
         _exit(126);
      execlp("weston-screenshooter", "weston-screenshooter", (char *)NULL);
      fprintf(stderr, "exec weston-screenshooter: %s\n", strerror(errno));
      _exit(127);
   }
   bool ok = false;
   if (pid < 0) {
      snprintf(err, err_size, "fork: %s", strerror(errno));
   } else {
      int status = harness_wait_child(pid, 15ull * 1000000000ull);
      if (status != 0) {
         snprintf(err, err_size, "weston-screenshooter %s",
                  status < 0 ? "hung or crashed" : "failed");
      } else {
         DIR *d = opendir(dir);
         struct dirent *e;
         char path[512] = "";
         while (d && (e = readdir(d)))
            if (strstr(e->d_name, ".png"))
               snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
         if (d)
            closedir(d);
         if (!path[0])
            snprintf(err, err_size, "weston-screenshooter wrote no PNG");
         else if (!(ok = rgb_image_load_png(path, img)))
            snprintf(err, err_size, "cannot read %s", path);
         if (path[0])
            unlink(path);
      }
   }
   rmdir(dir);
   return ok;
}

/* The screen must show frame 'n' at 'extent', centred (fullscreen). The last present may
 * take a few repaints to reach the screen: shots are retried for 3 s. */
static bool
check_screen(struct harness *h, uint64_t n, VkExtent2D extent, const char *what,
             const struct options *o)
{
   char err[256] = "", detail[512] = "";
   if (o->no_screen_check) {
      printf("screen %s: not checked (--no-screen-check: no screenshots from this "
             "compositor)\n", what);
      return true;
   }
   uint64_t t0 = harness_now_ns();
   for (int attempt = 0;; attempt++) {
      struct rgb_image img;
      bool shot = shoot_screen(&img, err, sizeof(err));
      bool ok = false;
      if (shot) {
         if (img.width < extent.width || img.height < extent.height) {
            snprintf(detail, sizeof(detail), "the screen is %ux%u, smaller than %ux%u",
                     img.width, img.height, extent.width, extent.height);
         } else {
            uint32_t x0 = (img.width - extent.width) / 2, y0 = (img.height - extent.height) / 2;
            ok = wt_quads_shown(&img, png_rgb, x0, y0, n, extent,
                                (int)o->screenshot_tolerance, detail, sizeof(detail));
         }
         rgb_image_free(&img);
      }
      if (ok) {
         printf("screen %s: frame %llu at %ux%u shown (%.2f s after the present, %d shot(s))\n",
                what, (unsigned long long)n, extent.width, extent.height,
                (harness_now_ns() - t0) / 1e9, attempt + 1);
         return true;
      }
      if (harness_now_ns() - t0 > 3000000000ull || (!shot && attempt >= 2))
         break;
      pump();
      usleep(150000);
   }
   CHECK(h, false, "screen %s: %s", what, detail[0] ? detail : err);
   return false;
}

/* --- swapchains --- */

static VkResult
make_swapchain(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface, VkExtent2D size,
               VkPresentModeKHR mode, VkSwapchainKHR old)
{
   VkResult r = frame_loop_create(fl, h, surface, size, mode, 3, old, swapchains_created++);
   fl->scene = wt_quad_scene;
   CHECK(h, r == VK_SUCCESS, "swapchain %s %ux%u: %s (%d)", harness_mode_name(mode), size.width,
         size.height, wt_result_name(r), r);
   if (r == VK_SUCCESS)
      CHECK(h, fl->extent.width == size.width && fl->extent.height == size.height,
            "swapchain extent %ux%u, asked for %ux%u", fl->extent.width, fl->extent.height,
            size.width, size.height);
   return r;
}

/* --- the cases --- */

static void
test_queries(struct harness *h, VkSurfaceKHR surface, struct wwin *w)
{
   VkBool32 supported = VK_FALSE;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceSupportKHR(h->pdev, h->queue_family, surface, &supported),
            VK_SUCCESS);
   CHECK(h, supported, "the graphics queue family cannot present to the surface");
   CHECK(h, vkGetPhysicalDeviceWaylandPresentationSupportKHR(h->pdev, h->queue_family, w->display),
         "no Wayland presentation support for the graphics queue family");

   VkSurfaceCapabilitiesKHR caps;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps), VK_SUCCESS);
   printf("capabilities: currentExtent %ux%u, images %u..%u, extent %ux%u..%ux%u, composite alpha "
          "%#x, usage %#x, transforms %#x\n",
          caps.currentExtent.width, caps.currentExtent.height, caps.minImageCount,
          caps.maxImageCount, caps.minImageExtent.width, caps.minImageExtent.height,
          caps.maxImageExtent.width, caps.maxImageExtent.height, caps.supportedCompositeAlpha,
          caps.supportedUsageFlags, caps.supportedTransforms);
   CHECK(h, caps.currentExtent.width == UINT32_MAX && caps.currentExtent.height == UINT32_MAX,
         "currentExtent %ux%u: a Wayland surface takes the swapchain's size (0xFFFFFFFF)",
         caps.currentExtent.width, caps.currentExtent.height);
   CHECK(h, caps.maxImageExtent.width >= w->size.width && caps.maxImageExtent.height >= w->size.height,
         "maxImageExtent %ux%u below the window's %ux%u", caps.maxImageExtent.width,
         caps.maxImageExtent.height, w->size.width, w->size.height);
   CHECK(h, caps.minImageCount >= 1 && (caps.maxImageCount == 0 || caps.maxImageCount >= 3),
         "image counts %u..%u", caps.minImageCount, caps.maxImageCount);
   CHECK(h, caps.supportedUsageFlags & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, "no color attachment usage");
   CHECK(h, (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR) &&
               (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR),
         "composite alpha %#x: not both OPAQUE and PRE_MULTIPLIED", caps.supportedCompositeAlpha);

   wt_check_formats_and_modes(h, surface);
}

struct wl_modes_ctx {
   struct harness *h;
   VkSurfaceKHR surface;
   struct wwin *w;
   const struct options *o;
};

static VkResult
modes_make_swapchain(void *ctx, struct frame_loop *fl, VkPresentModeKHR mode, VkSwapchainKHR old)
{
   struct wl_modes_ctx *c = ctx;
   return make_swapchain(fl, c->h, c->surface, c->w->size, mode, old);
}

static void
modes_check_screen(void *ctx, struct frame_loop *fl, const char *what)
{
   struct wl_modes_ctx *c = ctx;
   check_screen(c->h, fl->frames - 1, fl->extent, what, c->o);
}

static void
test_modes(struct harness *h, VkSurfaceKHR surface, struct wwin *w, const struct options *o)
{
   struct wl_modes_ctx ctx = {h, surface, w, o};
   struct wt_window win = {
      .ctx = &ctx,
      .make_swapchain = modes_make_swapchain,
      .check_screen = modes_check_screen,
      .clock = "the compositor's repaints",
   };
   wt_test_modes(h, surface, &win, o->frames, o->fifo_min, o->fifo_max);
}

static void
test_present_wait(struct harness *h, VkSurfaceKHR surface, struct wwin *w, const struct options *o)
{
   struct wl_modes_ctx ctx = {h, surface, w, o};
   struct wt_window win = {.ctx = &ctx, .make_swapchain = modes_make_swapchain,
                           .check_screen = modes_check_screen};
   wt_test_present_wait(h, surface, &win, 60,
                        !o->validation || strcmp(o->validation, "above") != 0);
}

/* VK_EXT_surface_maintenance1 / VK_EXT_swapchain_maintenance1 on a Wayland window: FIFO
 * switches with FIFO_RELAXED only (the swapchain throttles on frame callbacks or not from
 * creation), present fences, images released and acquired again, the last frame shown. */
static void
test_maintenance1(struct harness *h, VkSurfaceKHR surface, struct wwin *w, const struct options *o)
{
   CHECK(h, h->maintenance1, "swapchainMaintenance1 not reported or not enabled");
   if (!h->maintenance1)
      return;
   m1_check_surface(h, surface, 3);
   struct frame_loop fl;
   m1_scene = wt_quad_scene;
   m1_check_swapchain(h, surface, &fl, w->size, 30, swapchains_created++);
   if (fl.swapchain) {
      check_screen(h, fl.frames - 1, fl.extent, "maintenance1", o);
      m1_check_deferred(h, surface, w->size, fl.swapchain);
      swapchains_created++;
   }
   frame_loop_destroy(&fl, fl.swapchain != VK_NULL_HANDLE);
}

/* VK_KHR_present_id2 / VK_KHR_present_wait2 / FIFO_LATEST_READY on a Wayland window
 * (throttled on frame callbacks, so compatible with FIFO and FIFO_RELAXED). */
static void
test_present2(struct harness *h, VkSurfaceKHR surface, struct wwin *w, const struct options *o)
{
   uint32_t serial = swapchains_created;
   swapchains_created += pw2_check(h, surface, w->size, 60, serial,
                                   !o->validation || strcmp(o->validation, "above") != 0, 3, 0);
}

/* Wayland windows take the size of their buffers: the app remakes its swapchain at the size
 * it wants, and the compositor shows the new one (centred, fullscreen). */
static void
test_resize(struct harness *h, VkSurfaceKHR surface, struct wwin *w, const struct options *o)
{
   struct frame_loop fl;
   if (make_swapchain(&fl, h, surface, w->size, o->mode, VK_NULL_HANDLE) != VK_SUCCESS) {
      frame_loop_destroy(&fl, true);
      return;
   }
   uint32_t done;
   VkResult r = wt_present_frames(&fl, 10, &done);
   CHECK(h, r == VK_SUCCESS, "resize: before, frame %u returned %s", done, wt_result_name(r));
   check_screen(h, fl.frames - 1, fl.extent, "before the new size", o);
   VkExtent2D sizes[2] = {{w->size.width * 3 / 4, w->size.height * 3 / 4},
                          {w->size.width / 2 + 2, w->size.height / 2 + 2}};
   for (int s = 0; s < 2; s++) {
      struct frame_loop next;
      VkResult cr = make_swapchain(&next, h, surface, sizes[s], o->mode, fl.swapchain);
      frame_loop_destroy(&fl, true);
      fl = next;
      if (cr != VK_SUCCESS)
         break;
      r = wt_present_frames(&fl, 10, &done);
      CHECK(h, r == VK_SUCCESS, "resize: at %ux%u frame %u returned %s", sizes[s].width,
            sizes[s].height, done, wt_result_name(r));
      char what[64];
      snprintf(what, sizeof(what), "at %ux%u", sizes[s].width, sizes[s].height);
      if (r == VK_SUCCESS)
         check_screen(h, fl.frames - 1, sizes[s], what, o);
   }
   frame_loop_destroy(&fl, true);
}

/* Two VkSurfaceKHRs of one window, both alive, a FIFO swapchain on each in turn (a toolkit
 * that remakes its surface before dropping the old one): whatever per-window state the
 * implementation keeps in the compositor (a wl_surface takes one wp_fifo_v1 only) must not
 * break the connection. */
static void
test_two_surfaces(struct harness *h, VkSurfaceKHR surface, struct wwin *w, const struct options *o)
{
   VkSurfaceKHR second = create_surface(h, w);
   if (!second)
      return;
   VkSurfaceKHR both[2] = {surface, second};
   for (int i = 0; i < 2; i++) {
      struct frame_loop fl;
      if (make_swapchain(&fl, h, both[i], w->size, VK_PRESENT_MODE_FIFO_KHR, VK_NULL_HANDLE) ==
          VK_SUCCESS) {
         uint32_t done;
         VkResult r = wt_present_frames(&fl, 10, &done);
         CHECK(h, r == VK_SUCCESS, "two surfaces: on surface %d, frame %u returned %s", i + 1,
               done, wt_result_name(r));
         if (r == VK_SUCCESS)
            check_screen(h, fl.frames - 1, fl.extent, i ? "second surface" : "first surface", o);
      }
      frame_loop_destroy(&fl, true);
   }
   wl_display_roundtrip(w->display);
   int err = wl_display_get_error(w->display);
   CHECK(h, err == 0, "two surfaces of one window: the connection broke (error %d)", err);
   if (!err)
      printf("two surfaces of one window: a FIFO swapchain on each, the connection intact\n");
   vkDestroySurfaceKHR(h->instance, second, NULL);
}

/* A minimised window is not repainted, so no frame callback comes: FIFO must go on (the
 * layer paces by a timer) and acquire's timeouts must hold. */
static void
test_minimised(struct harness *h, VkSurfaceKHR surface, struct wwin *w, const struct options *o)
{
   struct frame_loop fl;
   if (make_swapchain(&fl, h, surface, w->size, VK_PRESENT_MODE_FIFO_KHR, VK_NULL_HANDLE) !=
       VK_SUCCESS) {
      frame_loop_destroy(&fl, true);
      return;
   }
   uint32_t done;
   VkResult r = wt_present_frames(&fl, 10, &done);
   CHECK(h, r == VK_SUCCESS, "minimised: before, frame %u returned %s", done, wt_result_name(r));
   xdg_toplevel_set_minimized(w->toplevel);
   wl_display_roundtrip(w->display);
   uint64_t t0 = harness_now_ns();
   r = wt_present_frames(&fl, 20, &done);
   double secs = (harness_now_ns() - t0) / 1e9;
   printf("minimised: %u FIFO frames in %.2f s (%.1f frames/s): %s\n", done, secs, done / secs,
          wt_result_name(r));
   CHECK(h, r == VK_SUCCESS && secs < 10.0,
         "minimised: FIFO %s after %u frames in %.1f s (must go on, paced by a timer)",
         wt_result_name(r), done, secs);

   /* Hold every image the app may: the next acquire has nothing to give. */
   VkFence fence;
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   vkCreateFence(h->device, &fci, NULL, &fence);
   uint32_t held = 0, index;
   VkResult ar = VK_SUCCESS;
   uint64_t a0 = harness_now_ns();
   while (held < FRAME_LOOP_MAX_IMAGES && harness_now_ns() - a0 < 5000000000ull) {
      ar = vkAcquireNextImageKHR(h->device, fl.swapchain, 200000000ull, VK_NULL_HANDLE, fence,
                                 &index);
      if (ar != VK_SUCCESS && ar != VK_SUBOPTIMAL_KHR)
         break;
      vkWaitForFences(h->device, 1, &fence, VK_TRUE, UINT64_MAX);
      vkResetFences(h->device, 1, &fence);
      held++;
   }
   printf("acquired %u image(s) of %u without presenting, then %s\n", held, fl.image_count,
          wt_result_name(ar));
   CHECK(h, ar == VK_TIMEOUT, "an acquire with every free image held: %s, expected VK_TIMEOUT",
         wt_result_name(ar));
   uint64_t q0 = harness_now_ns();
   VkResult zero = vkAcquireNextImageKHR(h->device, fl.swapchain, 0, VK_NULL_HANDLE, fence, &index);
   double zero_ms = (harness_now_ns() - q0) / 1e6;
   q0 = harness_now_ns();
   VkResult timed = vkAcquireNextImageKHR(h->device, fl.swapchain, 50000000ull, VK_NULL_HANDLE,
                                          fence, &index);
   double timed_ms = (harness_now_ns() - q0) / 1e6;
   printf("acquire with timeout 0: %s in %.1f ms; with 50 ms: %s in %.1f ms\n",
          wt_result_name(zero), zero_ms, wt_result_name(timed), timed_ms);
   CHECK(h, zero == VK_NOT_READY && zero_ms < 50, "timeout 0: %s in %.1f ms, expected VK_NOT_READY at once",
         wt_result_name(zero), zero_ms);
   CHECK(h, timed == VK_TIMEOUT && timed_ms >= 45 && timed_ms < 1000,
         "timeout 50 ms: %s in %.1f ms, expected VK_TIMEOUT after about 50 ms",
         wt_result_name(timed), timed_ms);
   vkDestroyFence(h->device, fence, NULL);
   frame_loop_destroy(&fl, true);
}

static void
test_compositor_killed(struct harness *h, VkSurfaceKHR surface, struct wwin *w,
                       const struct options *o)
{
   struct frame_loop fl;
   if (make_swapchain(&fl, h, surface, w->size, o->mode, VK_NULL_HANDLE) != VK_SUCCESS) {
      frame_loop_destroy(&fl, true);
      return;
   }
   uint32_t done;
   VkResult r = wt_present_frames(&fl, 10, &done);
   CHECK(h, r == VK_SUCCESS, "compositor-killed: frame %u returned %s", done, wt_result_name(r));
   check_screen(h, fl.frames - 1, fl.extent, "before the compositor goes", o);
   wt_signal_ready(o->ready_file, "compositor");
   pumped = NULL; /* the app's own dispatching would only add errors of its own */
   uint32_t frames;
   double secs;
   r = wt_present_until_error(&fl, 30000000000ull, &frames, &secs);
   wl_display_roundtrip(w->display);
   int conn_error = wl_display_get_error(w->display);
   printf("compositor killed: %s after %u frame(s), %.3f s; the connection's error: %d\n",
          wt_result_name(r), frames, secs, conn_error);
   CHECK(h, conn_error != 0, "the connection is still fine after %.1f s: the compositor was "
         "not killed", secs);
   CHECK(h, r == VK_ERROR_SURFACE_LOST_KHR || r == VK_ERROR_OUT_OF_DATE_KHR ||
               r == VK_ERROR_DEVICE_LOST,
         "with the compositor gone: %s (%d) after %u frames, expected VK_ERROR_SURFACE_LOST_KHR, "
         "VK_ERROR_OUT_OF_DATE_KHR or VK_ERROR_DEVICE_LOST", wt_result_name(r), r, frames);
   wt_after_loss(h, &fl, surface, r, "with the compositor gone");
}

static void
usage(void)
{
   fprintf(stderr,
           "usage: vw-wayland-test [--mode fifo|mailbox|immediate|relaxed] [--frames N]\n"
           "                       [--tests modes,resize,two-surfaces,minimised,compositor-killed,\n"
           "                                presentwait,maint1,present2]\n"
           "                       [--app-layers L1,L2] [--validation above|below]\n"
           "                       [--fifo-range MIN:MAX | --no-rate-check] [--ready-file PATH]\n"
           "                       [--expect-method dmabuf|shm] [--tolerance N]\n"
           "                       [--no-screen-check]\n"
           "WAYLAND_DISPLAY names the compositor (check_wayland.sh starts a private weston).\n");
}

int
main(int argc, char **argv)
{
   struct options o = {
      .mode = VK_PRESENT_MODE_FIFO_KHR,
      .frames = 60,
      .tests = "modes",
      .fifo_min = 10,
      .fifo_max = 75,
      .screenshot_tolerance = 2,
   };
   for (int i = 1; i < argc; i++) {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (!strcmp(a, "--no-rate-check")) {
         o.fifo_min = o.fifo_max = 0;
         continue;
      }
      if (!strcmp(a, "--no-screen-check")) {
         o.no_screen_check = true;
         continue;
      }
      if (!v) {
         usage();
         return 2;
      }
      i++;
      if (!strcmp(a, "--mode")) {
         if (!wt_parse_mode(v, &o.mode)) {
            usage();
            return 2;
         }
      } else if (!strcmp(a, "--frames")) {
         o.frames = (uint32_t)atoi(v);
      } else if (!strcmp(a, "--tests")) {
         o.tests = v;
      } else if (!strcmp(a, "--app-layers")) {
         o.app_layers = v;
      } else if (!strcmp(a, "--validation")) {
         o.validation = v;
      } else if (!strcmp(a, "--ready-file")) {
         o.ready_file = v;
      } else if (!strcmp(a, "--expect-method")) {
         o.expect_method = v;
      } else if (!strcmp(a, "--tolerance")) {
         o.screenshot_tolerance = (uint32_t)atoi(v);
      } else if (!strcmp(a, "--fifo-range")) {
         if (sscanf(v, "%lf:%lf", &o.fifo_min, &o.fifo_max) != 2) {
            usage();
            return 2;
         }
      } else {
         usage();
         return 2;
      }
   }
   signal(SIGPIPE, SIG_IGN); /* a killed compositor must show as errors, not end the process */
   wt_arm_alarm("wayland test", 120);
   if (o.expect_method) {
      const char *stats = getenv("VENUS_WSI_STATS_FILE");
      if (stats && *stats)
         unlink(stats);
   }

   struct wwin w;
   if (!wwin_open(&w, "vw-wayland-test")) {
      wwin_close(&w);
      return 1;
   }
   printf("window: fullscreen %ux%u\n", w.size.width, w.size.height);
   pumped = &w;
   wt_between_frames = pump;
   const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME, VK_KHR_WAYLAND_SURFACE_EXTENSION_NAME,
                              VK_KHR_GET_SURFACE_CAPABILITIES_2_EXTENSION_NAME,
                              VK_EXT_SURFACE_MAINTENANCE_1_EXTENSION_NAME};
   bool maint1 = wt_wants(o.tests, "maint1");
   /* Only the present-wait runs enable them: Mesa's own WSI, the reference, may lack them. */
   bool present_wait = wt_wants(o.tests, "presentwait");
   /* present2: VK_KHR_present_id2, VK_KHR_present_wait2 and
    * VK_EXT_present_mode_fifo_latest_ready, the layer's alone. */
   bool present2 = wt_wants(o.tests, "present2");
   m1_latest_ready_known = present2;
   const char *dev_exts[8];
   uint32_t ndev = wt_device_extensions(present_wait, dev_exts);
   if (maint1)
      dev_exts[ndev++] = VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME;
   if (present2) {
      dev_exts[ndev++] = VK_KHR_PRESENT_ID_2_EXTENSION_NAME;
      dev_exts[ndev++] = VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME;
      dev_exts[ndev++] = VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME;
   }
   const char *layers[4];
   char layer_buf[256];
   uint32_t nlayers = wt_split_layers(o.app_layers, layer_buf, sizeof(layer_buf), layers);
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
   struct harness h = {0};
   if (!harness_init(&h, &ho)) {
      harness_finish(&h);
      wwin_close(&w);
      return 1;
   }
   VkSurfaceKHR surface = create_surface(&h, &w);
   if (surface) {
      test_queries(&h, surface, &w);
      if (wt_wants(o.tests, "modes"))
         test_modes(&h, surface, &w, &o);
      if (present_wait)
         test_present_wait(&h, surface, &w, &o);
      if (maint1)
         test_maintenance1(&h, surface, &w, &o);
      if (present2)
         test_present2(&h, surface, &w, &o);
      if (wt_wants(o.tests, "resize"))
         test_resize(&h, surface, &w, &o);
      if (wt_wants(o.tests, "two-surfaces"))
         test_two_surfaces(&h, surface, &w, &o);
      if (wt_wants(o.tests, "minimised"))
         test_minimised(&h, surface, &w, &o);
      if (wt_wants(o.tests, "compositor-killed"))
         test_compositor_killed(&h, surface, &w, &o);
      vkDestroySurfaceKHR(h.instance, surface, NULL);
   }
   if (o.validation)
      wt_provoke_validation(&h);
   uint32_t failures = h.failures;
   harness_finish(&h);
   uint32_t messages = h.validation_messages;
   pumped = NULL;
   wt_between_frames = NULL;
   wwin_close(&w);
   if (o.expect_method) {
      h.failures = 0;
      /* A minimised window's frames are replaced unseen, as they should be. */
      wt_check_stats(&h, "wayland", o.expect_method, NULL, swapchains_created,
                     !wt_wants(o.tests, "minimised"));
      failures += h.failures;
   }
   printf("validation messages: %u, failed checks: %u\n", messages, failures);
   return failures || messages ? 1 : 0;
}

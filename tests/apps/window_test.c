#include "window_test.h"

#include "present_wait_check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *
wt_result_name(VkResult r)
{
   switch (r) {
   case VK_SUCCESS: return "VK_SUCCESS";
   case VK_NOT_READY: return "VK_NOT_READY";
   case VK_TIMEOUT: return "VK_TIMEOUT";
   case VK_SUBOPTIMAL_KHR: return "VK_SUBOPTIMAL_KHR";
   case VK_ERROR_OUT_OF_DATE_KHR: return "VK_ERROR_OUT_OF_DATE_KHR";
   case VK_ERROR_SURFACE_LOST_KHR: return "VK_ERROR_SURFACE_LOST_KHR";
   case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
   case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
   case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
   case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
   case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
   case VK_ERROR_NATIVE_WINDOW_IN_USE_KHR: return "VK_ERROR_NATIVE_WINDOW_IN_USE_KHR";
   default: return "(other)";
   }
}

bool
wt_wants(const char *tests, const char *name)
{
   char buf[256], key[64];
   snprintf(buf, sizeof(buf), ",%s,", tests);
   snprintf(key, sizeof(key), ",%s,", name);
   return strstr(buf, key) != NULL;
}

bool
wt_parse_mode(const char *s, VkPresentModeKHR *mode)
{
   static const struct {
      const char *name;
      VkPresentModeKHR mode;
   } names[] = {{"fifo", VK_PRESENT_MODE_FIFO_KHR},
                {"mailbox", VK_PRESENT_MODE_MAILBOX_KHR},
                {"immediate", VK_PRESENT_MODE_IMMEDIATE_KHR},
                {"relaxed", VK_PRESENT_MODE_FIFO_RELAXED_KHR},
                {"fifo_relaxed", VK_PRESENT_MODE_FIFO_RELAXED_KHR}};
   for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
      if (!strcmp(s, names[i].name)) {
         *mode = names[i].mode;
         return true;
      }
   return false;
}

static char alarm_msg[128];

static void
on_alarm(int sig)
{
   (void)sig;
   ssize_t ignored = write(2, alarm_msg, strlen(alarm_msg));
   (void)ignored;
   _exit(3);
}

void
wt_arm_alarm(const char *what, unsigned seconds)
{
   snprintf(alarm_msg, sizeof(alarm_msg),
            "FAIL: %s hung (no progress before the alarm); exiting\n", what);
   signal(SIGALRM, on_alarm);
   alarm(seconds);
}

void
wt_quad_colour(uint64_t n, int q, uint8_t rgb[3])
{
   uint8_t v = (uint8_t)(64 + (n * 5) % 128);
   static const uint8_t base[4][3] = {{220, 0, 30}, {30, 220, 0}, {0, 30, 220}, {230, 230, 0}};
   static const int varies[4] = {1, 2, 0, 2}; /* the channel each quadrant changes */
   for (int i = 0; i < 3; i++)
      rgb[i] = base[q][i];
   rgb[varies[q]] = v;
}

VkRect2D
wt_quad_rect(VkExtent2D e, int q)
{
   uint32_t hw = e.width / 2, hh = e.height / 2;
   uint32_t x = (q & 1) ? hw : 0, y = (q & 2) ? hh : 0;
   return (VkRect2D){{(int32_t)x, (int32_t)y},
                     {(q & 1) ? e.width - hw : hw, (q & 2) ? e.height - hh : hh}};
}

uint32_t
wt_quad_scene(uint64_t frame, VkExtent2D extent, uint8_t bg[3],
              struct scene_rect rects[FRAME_LOOP_MAX_RECTS])
{
   bg[0] = bg[1] = bg[2] = 0;
   for (int q = 0; q < 4; q++) {
      rects[q].rect = wt_quad_rect(extent, q);
      wt_quad_colour(frame, q, rects[q].rgb);
   }
   return 4;
}

static bool
near(const uint8_t *got, const uint8_t want[3], int tolerance)
{
   for (int i = 0; i < 3; i++)
      if (abs((int)got[i] - (int)want[i]) > tolerance)
         return false;
   return true;
}

bool
wt_quads_shown(const void *image, wt_pixel_fn pixel, uint32_t ox, uint32_t oy, uint64_t n,
               VkExtent2D extent, int tolerance, char *detail, size_t detail_size)
{
   for (int q = 0; q < 4; q++) {
      uint8_t rgb[3];
      wt_quad_colour(n, q, rgb);
      VkRect2D r = wt_quad_rect(extent, q);
      uint32_t x0 = ox + (uint32_t)r.offset.x, y0 = oy + (uint32_t)r.offset.y;
      uint32_t pts[5][2] = {
         {x0 + r.extent.width / 2, y0 + r.extent.height / 2},
         {x0 + 2, y0 + 2},
         {x0 + r.extent.width - 3, y0 + 2},
         {x0 + 2, y0 + r.extent.height - 3},
         {x0 + r.extent.width - 3, y0 + r.extent.height - 3},
      };
      for (int p = 0; p < 5; p++) {
         const uint8_t *got = pixel(image, pts[p][0], pts[p][1]);
         if (!near(got, rgb, tolerance)) {
            snprintf(detail, detail_size,
                     "quadrant %d at (%u,%u): %u,%u,%u, expected frame %llu's %u,%u,%u", q,
                     pts[p][0], pts[p][1], got[0], got[1], got[2], (unsigned long long)n, rgb[0],
                     rgb[1], rgb[2]);
            return false;
         }
      }
   }
   return true;
}

void (*wt_between_frames)(void);

VkResult
wt_present_frames(struct frame_loop *fl, uint32_t frames, uint32_t *done)
{
   *done = 0;
   for (uint32_t f = 0; f < frames; f++) {
      VkResult r = frame_loop_draw(fl);
      if (wt_between_frames)
         wt_between_frames();
      if (r != VK_SUCCESS)
         return r;
      (*done)++;
   }
   return VK_SUCCESS;
}

VkResult
wt_present_until_error(struct frame_loop *fl, uint64_t limit_ns, uint32_t *frames, double *secs)
{
   uint64_t t0 = harness_now_ns();
   VkResult r = VK_SUCCESS;
   *frames = 0;
   while (harness_now_ns() - t0 < limit_ns) {
      r = frame_loop_draw(fl);
      (*frames)++;
      if (r < 0)
         break;
   }
   *secs = (harness_now_ns() - t0) / 1e9;
   return r;
}

void
wt_provoke_validation(struct harness *h)
{
   h->quiet_validation = true;
   uint32_t before = h->validation_messages;
   VkBufferCreateInfo bci = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = 0, /* VUID-VkBufferCreateInfo-size-00912 */
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
   };
   VkBuffer b = VK_NULL_HANDLE;
   vkCreateBuffer(h->device, &bci, NULL, &b);
   if (b)
      vkDestroyBuffer(h->device, b, NULL);
   uint32_t provoked = h->validation_messages - before;
   printf("provoked validation messages: %u\n", provoked);
   CHECK(h, provoked > 0, "the validation layer reported nothing for a misuse");
   h->validation_messages = before;
   h->quiet_validation = false;
}

void
wt_check_stats(struct harness *h, const char *backend, const char *method,
               const char *method_immediate, uint32_t swapchains, bool fifo_all_shown)
{
   const char *path = getenv("VENUS_WSI_STATS_FILE");
   CHECK(h, path && *path, "--expect-method needs VENUS_WSI_STATS_FILE");
   if (!path || !*path)
      return;
   FILE *f = fopen(path, "r");
   CHECK(h, f != NULL, "no statistics in %s: %s", path, strerror(errno));
   if (!f)
      return;
   char line[1024], want[96], want_immediate[96], want_backend[64];
   snprintf(want, sizeof(want), " method=%s ", method);
   snprintf(want_immediate, sizeof(want_immediate), " method=%s ",
            method_immediate ? method_immediate : method);
   snprintf(want_backend, sizeof(want_backend), " backend=%s ", backend);
   uint32_t lines = 0, created = 0;
   while (fgets(line, sizeof(line), f)) {
      line[strcspn(line, "\n")] = 0;
      char padded[1040];
      snprintf(padded, sizeof(padded), " %s ", line);
      printf("stats: %s\n", line);
      /* Each swapchain: a line when made, one when destroyed; both name what it chose. */
      if (strstr(padded, " event=create "))
         created++;
      else
         lines++;
      CHECK(h, strstr(padded, want_backend) != NULL, "stats line without backend=%s: %s",
            backend, line);
      /* FIFO shows every frame: where the display says what it did, it replaced none but
       * maybe the last (the next swapchain's first frame may come before its repaint). */
      const char *discarded = strstr(padded, " display_discarded=");
      if (fifo_all_shown && discarded && strstr(padded, " present_mode=2 "))
         CHECK(h, strtoull(discarded + 19, NULL, 10) <= 1,
               "FIFO frames replaced before the display showed them: %s", line);
      bool immediate = strstr(padded, " present_mode=0 ") != NULL;
      CHECK(h, strstr(padded, immediate ? want_immediate : want) != NULL,
            "stats line without method=%s: %s",
            immediate && method_immediate ? method_immediate : method, line);
   }
   fclose(f);
   CHECK(h, lines >= 1 && lines == swapchains && created == swapchains,
         "%u stats lines at destruction and %u at creation for %u swapchains", lines, created,
         swapchains);
}

void
wt_check_formats_and_modes(struct harness *h, VkSurfaceKHR surface)
{
   VkSurfaceFormatKHR formats[64];
   uint32_t nf = 64;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceFormatsKHR(h->pdev, surface, &nf, formats), VK_SUCCESS);
   bool unorm = false, srgb = false;
   printf("formats:");
   for (uint32_t i = 0; i < nf; i++) {
      printf(" %d/%d", formats[i].format, formats[i].colorSpace);
      unorm |= formats[i].format == VK_FORMAT_B8G8R8A8_UNORM;
      srgb |= formats[i].format == VK_FORMAT_B8G8R8A8_SRGB;
   }
   printf("\n");
   CHECK(h, unorm && srgb, "formats lack B8G8R8A8_UNORM (%d) or B8G8R8A8_SRGB (%d)", unorm, srgb);

   VkPresentModeKHR modes[16];
   uint32_t nm = 16;
   CHECK_VK(h, vkGetPhysicalDeviceSurfacePresentModesKHR(h->pdev, surface, &nm, modes), VK_SUCCESS);
   bool fifo = false;
   printf("present modes:");
   for (uint32_t i = 0; i < nm; i++) {
      printf(" %s", harness_mode_name(modes[i]));
      fifo |= modes[i] == VK_PRESENT_MODE_FIFO_KHR;
   }
   printf("\n");
   CHECK(h, fifo, "no FIFO present mode");
}

static bool
mode_offered(struct harness *h, VkSurfaceKHR surface, VkPresentModeKHR mode)
{
   VkPresentModeKHR modes[16];
   uint32_t n = 16;
   vkGetPhysicalDeviceSurfacePresentModesKHR(h->pdev, surface, &n, modes);
   for (uint32_t i = 0; i < n; i++)
      if (modes[i] == mode)
         return true;
   return false;
}

void
wt_test_modes(struct harness *h, VkSurfaceKHR surface, const struct wt_window *win,
              uint32_t frames, double fifo_min, double fifo_max)
{
   static const VkPresentModeKHR modes[] = {
      VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR, VK_PRESENT_MODE_IMMEDIATE_KHR,
      VK_PRESENT_MODE_FIFO_RELAXED_KHR,
   };
   struct frame_loop prev;
   bool have_prev = false;
   for (size_t m = 0; m < 4; m++) {
      const char *name = harness_mode_name(modes[m]);
      if (!mode_offered(h, surface, modes[m])) {
         printf("%-13s not offered by the surface: skipped\n", name);
         continue;
      }
      struct frame_loop fl;
      VkResult r = win->make_swapchain(win->ctx, &fl, modes[m],
                                       have_prev ? prev.swapchain : VK_NULL_HANDLE);
      if (have_prev) {
         frame_loop_destroy(&prev, true);
         have_prev = false;
      }
      if (r != VK_SUCCESS) {
         frame_loop_destroy(&fl, true);
         return;
      }
      /* The first frames fill the queue without waiting: time the rest. */
      uint32_t warm = 5, done = 0;
      VkResult fr = wt_present_frames(&fl, warm, &done);
      uint64_t t0 = harness_now_ns();
      if (fr == VK_SUCCESS)
         fr = wt_present_frames(&fl, frames, &done);
      double secs = (harness_now_ns() - t0) / 1e9;
      double fps = done / secs;
      CHECK(h, fr == VK_SUCCESS, "%s: frame %llu returned %s (%d)", name,
            (unsigned long long)fl.frames, wt_result_name(fr), fr);
      printf("%-13s %u frames %ux%u in %.2f s: %.1f frames/s\n", name, done, fl.extent.width,
             fl.extent.height, secs, fps);
      if (modes[m] == VK_PRESENT_MODE_FIFO_KHR && fifo_max > 0 && fr == VK_SUCCESS)
         CHECK(h, fps >= fifo_min && fps <= fifo_max,
               "FIFO at %.1f frames/s, outside %.0f..%.0f (%s)", fps, fifo_min, fifo_max,
               win->clock);
      if ((modes[m] == VK_PRESENT_MODE_MAILBOX_KHR || modes[m] == VK_PRESENT_MODE_IMMEDIATE_KHR) &&
          fr == VK_SUCCESS)
         printf("%-13s %s\n", name,
                fps > 80 ? "not held to the display's refresh"
                         : "near or below 60 frames/s (held to the refresh, or a slow machine)");
      if (fr == VK_SUCCESS)
         win->check_screen(win->ctx, &fl, name);
      prev = fl;
      have_prev = true;
   }
   if (have_prev)
      frame_loop_destroy(&prev, true);
}

void
wt_test_present_wait(struct harness *h, VkSurfaceKHR surface, const struct wt_window *win,
                     uint32_t frames, bool layer_on_top)
{
   PFN_vkWaitForPresentKHR wait = pw_setup(h, layer_on_top);
   if (!wait)
      return;
   static const VkPresentModeKHR modes[] = {VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR};
   for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
      if (!mode_offered(h, surface, modes[m]))
         continue;
      struct frame_loop fl;
      VkResult r = win->make_swapchain(win->ctx, &fl, modes[m], VK_NULL_HANDLE);
      if (r == VK_SUCCESS) {
         pw_check_swapchain(h, wait, &fl, frames);
         win->check_screen(win->ctx, &fl, harness_mode_name(modes[m]));
      }
      frame_loop_destroy(&fl, true);
   }
}

uint32_t
wt_device_extensions(bool present_wait, const char *exts[3])
{
   exts[0] = VK_KHR_SWAPCHAIN_EXTENSION_NAME;
   if (!present_wait)
      return 1;
   exts[1] = VK_KHR_PRESENT_ID_EXTENSION_NAME;
   exts[2] = VK_KHR_PRESENT_WAIT_EXTENSION_NAME;
   return 3;
}

void
wt_signal_ready(const char *path, const char *server)
{
   if (path) {
      int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0)
         close(fd);
      printf("presenting; %s written for the wrapper to kill the %s\n", path, server);
   } else {
      printf("presenting; the %s must be killed from outside now\n", server);
   }
   fflush(stdout);
}

void
wt_after_loss(struct harness *h, struct frame_loop *fl, VkSurfaceKHR surface, VkResult r,
              const char *what)
{
   /* A few more tries: none may hang, none may claim to have presented. */
   for (int i = 0; i < 3 && r < 0; i++) {
      VkResult again = frame_loop_draw(fl);
      printf("a later frame: %s\n", wt_result_name(again));
      CHECK(h, again != VK_SUCCESS && again != VK_SUBOPTIMAL_KHR,
            "after %s a later frame returned %s", wt_result_name(r), wt_result_name(again));
   }
   VkSurfaceCapabilitiesKHR caps;
   VkResult cr = vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps);
   printf("capabilities %s: %s\n", what, wt_result_name(cr));
   uint64_t t0 = harness_now_ns();
   frame_loop_destroy(fl, true);
   double secs = (harness_now_ns() - t0) / 1e9;
   printf("swapchain destroyed in %.3f s\n", secs);
   CHECK(h, secs < 2.0, "destroying the swapchain %s took %.1f s", what, secs);
}

uint32_t
wt_split_layers(const char *list, char *buf, size_t buf_size, const char *layers[4])
{
   uint32_t n = 0;
   if (!list)
      return 0;
   snprintf(buf, buf_size, "%s", list);
   char *save = NULL;
   for (char *t = strtok_r(buf, ",", &save); t && n < 4; t = strtok_r(NULL, ",", &save))
      layers[n++] = t;
   return n;
}

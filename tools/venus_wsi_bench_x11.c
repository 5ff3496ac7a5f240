/* venus-wsi-bench --x11: the layer's X11 presentation next to Mesa's own X11 WSI on the
 * same driver, in one run, on private Xvfb servers at 1280x720 (one with MIT-SHM, one
 * without). Each configuration runs in a child process: VENUS_WSI=force (the layer) or
 * VENUS_WSI=off (the driver's WSI), IMMEDIATE and FIFO, drawing and presenting in a
 * 1280x720 window. Frames/s and the process's CPU per frame (the app's threads and the
 * layer's or Mesa's present work alike) are printed side by side, with the X server's CPU
 * per frame: work the SHM path moves to the server is not hidden. */
#define VK_USE_PLATFORM_XCB_KHR 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xcb/xcb.h>

#include "bench_common.h"
#include "bench_x11.h"
#include "frame_loop.h"

#define X11_BENCH_MAX_REPEAT 9

int
bench_x11_child(const char *result_path, uint32_t frames, VkPresentModeKHR mode)
{
   xcb_connection_t *conn = xcb_connect(NULL, NULL);
   if (xcb_connection_has_error(conn)) {
      fprintf(stderr, "bench: cannot connect to the X server\n");
      return 1;
   }
   xcb_screen_t *screen = xcb_setup_roots_iterator(xcb_get_setup(conn)).data;
   xcb_window_t win = xcb_generate_id(conn);
   VkExtent2D extent = {1280, 720};
   xcb_create_window(conn, XCB_COPY_FROM_PARENT, win, screen->root, 0, 0, extent.width,
                     extent.height, 0, XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual, 0,
                     NULL);
   xcb_map_window(conn, win);
   xcb_flush(conn);

   const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME, VK_KHR_XCB_SURFACE_EXTENSION_NAME};
   const char *dev_exts[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
   struct harness_options ho = {
      .instance_exts = inst_exts,
      .instance_ext_count = 2,
      .device_exts = dev_exts,
      .device_ext_count = 1,
   };
   struct harness h = {0};
   if (!harness_init(&h, &ho))
      return 1;
   VkXcbSurfaceCreateInfoKHR ci = {
      .sType = VK_STRUCTURE_TYPE_XCB_SURFACE_CREATE_INFO_KHR,
      .connection = conn,
      .window = win,
   };
   VkSurfaceKHR surface = VK_NULL_HANDLE;
   struct frame_loop fl;
   if (vkCreateXcbSurfaceKHR(h.instance, &ci, NULL, &surface) != VK_SUCCESS ||
       frame_loop_create(&fl, &h, surface, extent, mode, 3, VK_NULL_HANDLE, 0) != VK_SUCCESS) {
      fprintf(stderr, "bench: no X11 swapchain\n");
      harness_finish(&h);
      return 1;
   }
   int rc = bench_measure(&fl, frames, result_path, NULL, NULL);
   frame_loop_destroy(&fl, true);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   xcb_disconnect(conn);
   return rc;
}

struct xvfb {
   pid_t pid;
   int display;
};

/* A private Xvfb on the first free display number from 80; false when none starts. */
static bool
xvfb_start(struct xvfb *x, bool shm)
{
   for (int d = 80; d < 120; d++) {
      char lock[64];
      snprintf(lock, sizeof(lock), "/tmp/.X%d-lock", d);
      struct stat st;
      if (stat(lock, &st) == 0)
         continue;
      char name[16];
      snprintf(name, sizeof(name), ":%d", d);
      pid_t pid = fork();
      if (pid == 0) {
         int null = open("/dev/null", O_WRONLY);
         dup2(null, 1);
         dup2(null, 2);
         if (shm)
            execlp("Xvfb", "Xvfb", name, "-screen", "0", "1280x720x24", "-nolisten", "tcp",
                   (char *)NULL);
         else
            execlp("Xvfb", "Xvfb", name, "-screen", "0", "1280x720x24", "-nolisten", "tcp",
                   "-extension", "MIT-SHM", (char *)NULL);
         _exit(127);
      }
      /* Up when a client can connect; give it five seconds. */
      for (int i = 0; i < 50; i++) {
         usleep(100000);
         xcb_connection_t *c = xcb_connect(name, NULL);
         bool up = !xcb_connection_has_error(c);
         xcb_disconnect(c);
         if (up) {
            x->pid = pid;
            x->display = d;
            return true;
         }
         int status;
         if (waitpid(pid, &status, WNOHANG) == pid)
            break; /* it died: that number was taken after all */
      }
      kill(pid, SIGTERM);
      waitpid(pid, NULL, 0);
   }
   return false;
}

static void
xvfb_stop(struct xvfb *x)
{
   if (x->pid > 0) {
      kill(x->pid, SIGTERM);
      waitpid(x->pid, NULL, 0);
   }
   x->pid = 0;
}

struct x11_run {
   const char *who;  /* "layer" or "mesa" */
   const char *hide; /* VENUS_WSI_HIDE for the layer */
   VkPresentModeKHR mode;
   bool shm;
   struct bench_result res;
};

static void
run_one(const char *self, struct x11_run *run, const struct xvfb *server, uint32_t frames)
{
   char display[32], mode_s[16], hide[64];
   snprintf(display, sizeof(display), "DISPLAY=:%d", server->display);
   snprintf(mode_s, sizeof(mode_s), "%d", (int)run->mode);
   snprintf(hide, sizeof(hide), "VENUS_WSI_HIDE=%s", run->hide);
   const char *extra[] = {mode_s, NULL};
   const char *env[] = {display, !strcmp(run->who, "layer") ? "VENUS_WSI=force" : "VENUS_WSI=off",
                        hide, NULL};
   bench_run_child(self, "--x11-child", frames, extra, env, server->pid, &run->res);
}

int
bench_x11_main(const char *self, uint32_t frames, uint32_t repeat)
{
   if (repeat < 1 || repeat > X11_BENCH_MAX_REPEAT)
      repeat = 3;
   struct xvfb servers[2] = {{0}, {0}};
   if (!xvfb_start(&servers[0], true) || !xvfb_start(&servers[1], false)) {
      fprintf(stderr, "venus-wsi-bench: cannot start Xvfb (package xvfb)\n");
      xvfb_stop(&servers[0]);
      return 1;
   }
   struct x11_run runs[] = {
      {.who = "layer", .hide = "none", .mode = VK_PRESENT_MODE_IMMEDIATE_KHR, .shm = true},
      {.who = "mesa", .hide = "none", .mode = VK_PRESENT_MODE_IMMEDIATE_KHR, .shm = true},
      {.who = "layer", .hide = "none", .mode = VK_PRESENT_MODE_FIFO_KHR, .shm = true},
      {.who = "mesa", .hide = "none", .mode = VK_PRESENT_MODE_FIFO_KHR, .shm = true},
      {.who = "layer", .hide = "none", .mode = VK_PRESENT_MODE_IMMEDIATE_KHR, .shm = false},
      {.who = "mesa", .hide = "none", .mode = VK_PRESENT_MODE_IMMEDIATE_KHR, .shm = false},
      {.who = "layer", .hide = "none", .mode = VK_PRESENT_MODE_FIFO_KHR, .shm = false},
      {.who = "mesa", .hide = "none", .mode = VK_PRESENT_MODE_FIFO_KHR, .shm = false},
      /* What Venus gets: no host-pointer import, so path D's CPU copy. */
      {.who = "layer", .hide = "venus", .mode = VK_PRESENT_MODE_IMMEDIATE_KHR, .shm = true},
      {.who = "layer", .hide = "venus", .mode = VK_PRESENT_MODE_FIFO_KHR, .shm = true},
   };
   size_t nruns = sizeof(runs) / sizeof(runs[0]);
   static struct x11_run rounds[X11_BENCH_MAX_REPEAT][sizeof(runs) / sizeof(runs[0])];
   /* Round after round over every configuration, so that whatever else the machine does
    * spreads over all of them; each keeps its median round by frames/s. */
   for (uint32_t k = 0; k < repeat; k++)
      for (size_t i = 0; i < nruns; i++) {
         rounds[k][i] = runs[i];
         run_one(self, &rounds[k][i], &servers[runs[i].shm ? 0 : 1], frames);
      }
   xvfb_stop(&servers[0]);
   xvfb_stop(&servers[1]);
   for (size_t i = 0; i < nruns; i++) {
      double fps[X11_BENCH_MAX_REPEAT];
      for (uint32_t k = 0; k < repeat; k++)
         fps[k] = rounds[k][i].res.fps;
      runs[i] = rounds[bench_median_index(fps, repeat)][i];
   }

   printf("venus-wsi-bench --x11: %u presents in a 1280x720 window on Xvfb (1280x720x24), "
          "the median of %u rounds; layer = VENUS_WSI=force, mesa = the driver's own X11 WSI "
          "(VENUS_WSI=off)\n\n", frames, repeat);
   printf("%-6s %-9s %-6s %-18s %-10s %9s %15s %14s %11s\n", "server", "mode", "who", "method",
          "path", "frames/s", "process CPU/fr", "server CPU/fr", "CPU/second");
   for (size_t i = 0; i < nruns; i++) {
      struct x11_run *r = &runs[i];
      const char *server = r->shm ? "shm" : "no-shm";
      const char *who = !strcmp(r->who, "mesa") ? "mesa" : !strcmp(r->hide, "venus") ? "venus" : "layer";
      if (!r->res.ok) {
         printf("%-6s %-9s %-6s (failed)\n", server, harness_mode_name(r->mode), who);
         continue;
      }
      printf("%-6s %-9s %-6s %-18s %-10s %9.1f %12.3f ms %11.3f ms %8.0f ms\n", server,
             harness_mode_name(r->mode), who, r->res.method, r->res.path, r->res.fps, r->res.process_ms,
             r->res.server_ms, r->res.fps * (r->res.process_ms + r->res.server_ms));
   }
   printf("\nlayer / mesa, same server and mode (target: frames/s >= 1.0x, CPU/frame <= 1.0x):\n");
   for (size_t i = 0; i + 1 < 8; i += 2) {
      struct x11_run *l = &runs[i], *m = &runs[i + 1];
      if (!l->res.ok || !m->res.ok)
         continue;
      double f = l->res.fps / m->res.fps, c = l->res.process_ms / m->res.process_ms;
      const char *server = l->shm ? "shm" : "no-shm";
      if (l->mode == VK_PRESENT_MODE_FIFO_KHR && m->res.fps > 75.0) {
         /* An unpaced FIFO is not a peer: compare what showing 60 frames a second costs. */
         printf("  %-6s %-9s mesa does not pace FIFO (%.0f frames/s on a 60 Hz server), the "
                "layer shows %.1f; CPU per second of it (process + server): %.0f ms vs %.0f ms "
                "(%.2fx)\n", server, harness_mode_name(l->mode), m->res.fps, l->res.fps,
                l->res.fps * (l->res.process_ms + l->res.server_ms), m->res.fps * (m->res.process_ms + m->res.server_ms),
                (l->res.fps * (l->res.process_ms + l->res.server_ms)) /
                   (m->res.fps * (m->res.process_ms + m->res.server_ms)));
         continue;
      }
      printf("  %-6s %-9s frames/s %.2fx, process CPU/frame %.2fx%s\n", server,
             harness_mode_name(l->mode), f, c, f >= 0.99 && c <= 1.0 ? "" : "  (target missed)");
   }
   return 0;
}

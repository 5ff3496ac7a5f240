/* venus-wsi-bench --wayland: the layer's Wayland presentation (wl_shm buffers) next to the
 * driver's own Mesa Wayland WSI, in one run, on one private headless weston (pixman
 * renderer, 1280x720). Each configuration runs in a child process that makes its own
 * fullscreen toplevel and presents to it: VENUS_WSI=force (the layer: path C on lavapipe,
 * the GPU writes into the shm buffer), VENUS_WSI=force with VENUS_WSI_HIDE=venus (what
 * Venus gets: path D, a GPU copy and a CPU copy of the damaged rows), VENUS_WSI=off
 * (Mesa) and Mesa with MESA_VK_WSI_DEBUG=noshm (it then copies whole frames into the shm
 * buffer, which is what it does on drivers without host-pointer import: the fair peer of
 * path D), in MAILBOX and FIFO (Mesa 22.3 offers no IMMEDIATE on Wayland), for full frames
 * and for 10% damage. With damage the app redraws only the damaged rectangle, as a
 * damage-aware app does: what is left is the presentation's work. Frames/s and the
 * process's CPU per frame are printed with weston's CPU per frame, since work handed to the
 * compositor is work too. */
#define VK_USE_PLATFORM_WAYLAND_KHR 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wayland-client.h>

#include "bench_common.h"
#include "bench_wayland.h"
#include "frame_loop.h"
#include "wayland_window.h"

#define WL_BENCH_MAX_REPEAT 9
#define WL_BENCH_SOCKET "venus-wsi-bench"

static void
pump(void *w)
{
   wwin_pump(w);
}

int
bench_wayland_child(const char *result_path, uint32_t frames, VkPresentModeKHR mode,
                    uint32_t damage_percent)
{
   struct wwin w;
   if (!wwin_open(&w, "venus-wsi-bench")) {
      wwin_close(&w);
      return 1;
   }
   const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME, VK_KHR_WAYLAND_SURFACE_EXTENSION_NAME};
   const char *dev_exts[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME,
                             VK_KHR_INCREMENTAL_PRESENT_EXTENSION_NAME};
   struct harness_options ho = {
      .instance_exts = inst_exts,
      .instance_ext_count = 2,
      .device_exts = dev_exts,
      .device_ext_count = damage_percent ? 2 : 1,
   };
   struct harness h = {0};
   if (!harness_init(&h, &ho)) {
      harness_finish(&h);
      wwin_close(&w);
      return 1;
   }
   VkWaylandSurfaceCreateInfoKHR ci = {
      .sType = VK_STRUCTURE_TYPE_WAYLAND_SURFACE_CREATE_INFO_KHR,
      .display = w.display,
      .surface = w.surface,
   };
   VkSurfaceKHR surface = VK_NULL_HANDLE;
   struct frame_loop fl = {0};
   int rc = 1;
   VkResult r = vkCreateWaylandSurfaceKHR(h.instance, &ci, NULL, &surface);
   if (r == VK_SUCCESS)
      r = frame_loop_create(&fl, &h, surface, w.size, mode, 3, VK_NULL_HANDLE, 0);
   if (r != VK_SUCCESS) {
      fprintf(stderr, "bench: no Wayland %s swapchain: %d\n", harness_mode_name(mode), r);
   } else {
      if (damage_percent) {
         bench_damage_percent = damage_percent;
         fl.damage = bench_centred_damage;
         fl.damage_only = true;
      }
      rc = bench_measure(&fl, frames, result_path, pump, &w);
   }
   if (fl.h)
      frame_loop_destroy(&fl, true);
   if (surface)
      vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   wwin_close(&w);
   return rc;
}

/* --- the compositor --- */

struct weston {
   pid_t pid;
   char dir[64]; /* XDG_RUNTIME_DIR: private (0700), as libwayland wants it */
};

static void
global_seen(void *data, struct wl_registry *reg, uint32_t name, const char *iface, uint32_t v)
{
   if (!strcmp(iface, "xdg_wm_base"))
      *(bool *)data = true;
}
static void
global_gone(void *data, struct wl_registry *reg, uint32_t name)
{
}
static const struct wl_registry_listener probe_listener = {global_seen, global_gone};

/* The socket exists before the shell is loaded: up when a client sees xdg_wm_base. */
static bool
weston_ready(void)
{
   struct wl_display *d = wl_display_connect(WL_BENCH_SOCKET);
   if (!d)
      return false;
   bool shell = false;
   struct wl_registry *reg = wl_display_get_registry(d);
   wl_registry_add_listener(reg, &probe_listener, &shell);
   wl_display_roundtrip(d);
   wl_registry_destroy(reg);
   wl_display_disconnect(d);
   return shell;
}

static void
weston_stop(struct weston *wn)
{
   if (wn->pid > 0) {
      kill(wn->pid, SIGTERM);
      int status;
      for (int i = 0; i < 30 && waitpid(wn->pid, &status, WNOHANG) == 0; i++)
         usleep(100000);
      if (waitpid(wn->pid, &status, WNOHANG) == 0) {
         kill(wn->pid, SIGKILL);
         waitpid(wn->pid, &status, 0);
      }
   }
   wn->pid = 0;
   if (wn->dir[0]) {
      char cmd[128];
      snprintf(cmd, sizeof(cmd), "rm -rf '%s'", wn->dir);
      if (system(cmd) != 0)
         fprintf(stderr, "venus-wsi-bench: could not remove %s\n", wn->dir);
      wn->dir[0] = '\0';
   }
}

/* A private headless weston at 1280x720, its socket in a runtime directory of its own;
 * XDG_RUNTIME_DIR and WAYLAND_DISPLAY are set for the children. */
static bool
weston_start(struct weston *wn)
{
   snprintf(wn->dir, sizeof(wn->dir), "/tmp/venus-wsi-bench-wl.XXXXXX");
   if (!mkdtemp(wn->dir)) {
      wn->dir[0] = '\0';
      return false;
   }
   char ini[128], log[128];
   snprintf(ini, sizeof(ini), "%s/weston.ini", wn->dir);
   snprintf(log, sizeof(log), "%s/weston.log", wn->dir);
   FILE *f = fopen(ini, "w");
   if (!f)
      return false;
   /* Nothing that moves or locks: weston repaints for the app alone. */
   fputs("[core]\nidle-time=0\n[shell]\nbackground-color=0xff000000\npanel-position=none\n"
         "locking=false\nanimation=none\nstartup-animation=none\nclose-animation=none\n", f);
   fclose(f);
   setenv("XDG_RUNTIME_DIR", wn->dir, 1);
   setenv("WAYLAND_DISPLAY", WL_BENCH_SOCKET, 1);
   char config[160];
   snprintf(config, sizeof(config), "--config=%s", ini);
   pid_t pid = fork();
   if (pid == 0) {
      int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int in = open("/dev/null", O_RDONLY);
      dup2(in, 0);
      dup2(out, 1);
      dup2(out, 2);
      /* weston refuses to start as a Wayland client of a compositor it was started from. */
      unsetenv("WAYLAND_DISPLAY");
      unsetenv("DISPLAY");
      execlp("weston", "weston", "--backend=headless-backend.so", "--use-pixman",
             "--socket=" WL_BENCH_SOCKET, "--width=1280", "--height=720", "--idle-time=0",
             config, (char *)NULL);
      _exit(127);
   }
   wn->pid = pid;
   for (int i = 0; i < 100; i++) { /* 10 s */
      int status;
      if (waitpid(pid, &status, WNOHANG) == pid) {
         wn->pid = 0;
         break;
      }
      if (weston_ready())
         return true;
      usleep(100000);
   }
   fprintf(stderr, "venus-wsi-bench: weston did not come up; its log:\n");
   snprintf(config, sizeof(config), "tail -n 20 '%s' >&2", log);
   if (system(config) != 0)
      fprintf(stderr, "(no log)\n");
   return false;
}

/* --- the runs --- */

struct wl_run {
   /* "layer", "venus" (the layer as Venus gets it), "mesa", or "mesa-copy" (Mesa copying
    * whole frames, the peer of "venus") */
   const char *who;
   VkPresentModeKHR mode;
   uint32_t damage; /* percent, 0 = full frames */
   struct bench_result res;
   double thread_ms; /* the layer's present thread per frame shown; -1 for Mesa */
};

static void
run_one(const char *self, struct wl_run *run, pid_t weston, uint32_t frames)
{
   char mode_s[16], damage_s[16];
   snprintf(mode_s, sizeof(mode_s), "%d", (int)run->mode);
   snprintf(damage_s, sizeof(damage_s), "%u", run->damage);
   const char *extra[] = {mode_s, damage_s, NULL};
   bool mesa = !strncmp(run->who, "mesa", 4);
   /* mesa-copy: Mesa's WSI told not to render into the shm buffer (noshm), so it copies
    * every frame whole into it, as it does on a driver without host-pointer import. */
   const char *env[] = {mesa ? "VENUS_WSI=off" : "VENUS_WSI=force",
                        !strcmp(run->who, "venus") ? "VENUS_WSI_HIDE=venus" : "VENUS_WSI_HIDE=none",
                        !strcmp(run->who, "mesa-copy") ? "MESA_VK_WSI_DEBUG=noshm" : NULL,
                        NULL};
   bench_run_child(self, "--wayland-child", frames, extra, env, weston, &run->res);
   char cpu[32], shown[32];
   run->thread_ms = -1;
   if (bench_read_value(run->res.stats, "present_cpu_ns", cpu, sizeof(cpu)) &&
       bench_read_value(run->res.stats, "shown", shown, sizeof(shown)) && atof(shown) > 0)
      run->thread_ms = atof(cpu) / atof(shown) / 1e6;
}

static const struct wl_run *
find_run(const struct wl_run *runs, size_t n, const char *who, VkPresentModeKHR mode,
         uint32_t damage)
{
   for (size_t i = 0; i < n; i++)
      if (!strcmp(runs[i].who, who) && runs[i].mode == mode && runs[i].damage == damage)
         return runs[i].res.ok ? &runs[i] : NULL;
   return NULL;
}

/* 'what' of a against the peer's in the same mode and damage, with its verdict. */
static void
print_ratio(const struct wl_run *runs, size_t n, const char *who, const char *peer,
            VkPresentModeKHR mode, uint32_t damage, bool fps, double target)
{
   const struct wl_run *a = find_run(runs, n, who, mode, damage);
   const struct wl_run *m = find_run(runs, n, peer, mode, damage);
   char damage_s[16];
   snprintf(damage_s, sizeof(damage_s), damage ? "%u%% damage" : "full frames", damage);
   printf("  %-5s / %-9s %-9s %-12s ", who, peer, harness_mode_name(mode), damage_s);
   if (!a || !m) {
      printf("%s: (a run failed)\n", fps ? "frames/s" : "process CPU/frame");
      return;
   }
   double ratio = fps ? a->res.fps / m->res.fps : a->res.process_ms / m->res.process_ms;
   bool met = fps ? ratio >= target : ratio <= target;
   /* Three decimals: in FIFO both sides run at weston's pace, and 0.997 must not read 1.00. */
   printf("%s %.3fx (target %s %.1fx): %s\n", fps ? "frames/s" : "process CPU/frame", ratio,
          fps ? ">=" : "<=", target, met ? "met" : "MISSED");
}

int
bench_wayland_main(const char *self, uint32_t frames, uint32_t repeat)
{
   if (repeat < 1 || repeat > WL_BENCH_MAX_REPEAT)
      repeat = 3;
   /* FIFO shows 60 frames a second whoever presents: 300 of them say what a frame costs. */
   uint32_t fifo_frames = frames < 300 ? frames : 300;
   struct weston wn = {0};
   if (!weston_start(&wn)) {
      fprintf(stderr, "venus-wsi-bench: cannot start a headless weston (package weston)\n");
      weston_stop(&wn);
      return 1;
   }
   static const char *const whos[] = {"layer", "mesa", "venus", "mesa-copy"};
   static const VkPresentModeKHR modes[] = {VK_PRESENT_MODE_MAILBOX_KHR, VK_PRESENT_MODE_FIFO_KHR};
   static const uint32_t damages[] = {0, 10};
   struct wl_run runs[16];
   size_t nruns = 0;
   for (size_t d = 0; d < 2; d++)
      for (size_t m = 0; m < 2; m++)
         for (size_t w = 0; w < 4; w++)
            runs[nruns++] = (struct wl_run){.who = whos[w], .mode = modes[m], .damage = damages[d]};
   static struct wl_run rounds[WL_BENCH_MAX_REPEAT][16];
   /* Round after round over every configuration, so that whatever else the machine does
    * spreads over all of them. */
   for (uint32_t k = 0; k < repeat; k++)
      for (size_t i = 0; i < nruns; i++) {
         rounds[k][i] = runs[i];
         run_one(self, &rounds[k][i], wn.pid,
                 runs[i].mode == VK_PRESENT_MODE_FIFO_KHR ? fifo_frames : frames);
      }
   weston_stop(&wn);
   /* Each figure is its own median over the rounds that succeeded: in FIFO every round shows
    * 60 frames/s, so a round picked by frames/s would say nothing about its CPU. */
   for (size_t i = 0; i < nruns; i++) {
      double fps[WL_BENCH_MAX_REPEAT], proc[WL_BENCH_MAX_REPEAT], server[WL_BENCH_MAX_REPEAT];
      double thread[WL_BENCH_MAX_REPEAT];
      uint32_t ok = 0;
      for (uint32_t k = 0; k < repeat; k++) {
         const struct wl_run *r = &rounds[k][i];
         if (!r->res.ok)
            continue;
         if (!ok)
            runs[i] = *r;
         fps[ok] = r->res.fps;
         proc[ok] = r->res.process_ms;
         server[ok] = r->res.server_ms;
         thread[ok] = r->thread_ms;
         ok++;
      }
      if (!ok)
         continue;
      runs[i].res.fps = fps[bench_median_index(fps, ok)];
      runs[i].res.process_ms = proc[bench_median_index(proc, ok)];
      runs[i].res.server_ms = server[bench_median_index(server, ok)];
      runs[i].thread_ms = thread[bench_median_index(thread, ok)];
   }

   printf("venus-wsi-bench --wayland: a fullscreen 1280x720 window on a headless weston "
          "(pixman), %u presents in MAILBOX and %u in FIFO, the median of %u rounds; "
          "layer = VENUS_WSI=force, venus = the same with VENUS_WSI_HIDE=venus (path D), "
          "mesa = the driver's own Wayland WSI (VENUS_WSI=off), rendering into the shm buffer "
          "as the layer does; mesa-copy = the same told not to (MESA_VK_WSI_DEBUG=noshm): it "
          "copies each frame whole into the buffer, as on a driver without host-pointer import "
          "(the peer of venus); with damage the app redraws only the damaged rectangle\n\n",
          frames, fifo_frames, repeat);
   /* present thread: the layer's own thread (from its stats), part of the process's CPU. */
   printf("%-7s %-9s %-9s %-10s %-10s %9s %15s %15s %15s %11s\n", "damage", "mode", "who",
          "method", "path", "frames/s", "process CPU/fr", "present thr/fr", "weston CPU/fr",
          "CPU/second");
   for (size_t i = 0; i < nruns; i++) {
      const struct wl_run *r = &runs[i];
      char damage[16];
      snprintf(damage, sizeof(damage), r->damage ? "%u%%" : "full", r->damage);
      if (!r->res.ok) {
         printf("%-7s %-9s %-9s (failed)\n", damage, harness_mode_name(r->mode), r->who);
         continue;
      }
      char thread[32] = "-";
      if (r->thread_ms >= 0)
         snprintf(thread, sizeof(thread), "%.3f ms", r->thread_ms);
      printf("%-7s %-9s %-9s %-10s %-10s %9.1f %12.3f ms %15s %12.3f ms %8.0f ms\n", damage,
             harness_mode_name(r->mode), r->who, r->res.method, r->res.path, r->res.fps,
             r->res.process_ms, thread, r->res.server_ms,
             r->res.fps * (r->res.process_ms + r->res.server_ms));
   }
   /* Each against the Mesa that does the same kind of work: both render into the shared
    * buffer, or both copy into it. */
   printf("\nlayer / mesa, same mode (both zero-copy):\n");
   for (size_t m = 0; m < 2; m++)
      print_ratio(runs, nruns, "layer", "mesa", modes[m], 0, true, 1.0);
   for (size_t m = 0; m < 2; m++)
      print_ratio(runs, nruns, "layer", "mesa", modes[m], 10, false, 0.3);
   printf("venus-like (path D) / mesa-copy, same mode (both copy), against the same targets:\n");
   for (size_t m = 0; m < 2; m++)
      print_ratio(runs, nruns, "venus", "mesa-copy", modes[m], 0, true, 1.0);
   for (size_t m = 0; m < 2; m++)
      print_ratio(runs, nruns, "venus", "mesa-copy", modes[m], 10, false, 0.3);
   return 0;
}

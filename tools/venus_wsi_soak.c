/* venus-wsi-soak: a long run that a leak cannot hide from. Per surface kind (headless, and a
 * display on the mock virtio-gpu device linked into this program) and per present mode it
 * draws N frames, recreating the swapchain (with oldSwapchain) every K frames and the
 * instance and device every M frames, and samples what a leak grows: open fds, RSS, threads
 * and the mock's live GEM handles, framebuffers, mappings and buffers.
 *
 * Samples are compared only with samples taken at the same point of the same kind's cycle,
 * because the figures differ legitimately between points: "in flight" just before a
 * swapchain is replaced (one swapchain, its present thread, the driver's threads, the DRM
 * file), and "idle" just after an instance is gone (nothing of the layer's may be left).
 * The first sample of a series at or after the warm-up frame count is its reference (the
 * loader, the driver and libc fill caches and arenas during the first cycles); any later
 * sample above it fails the run, RSS only beyond a slack, since the allocator's free lists
 * and the driver's caches breathe.
 *
 *   venus-wsi-soak [--frames N] [--recreate-every K] [--reinstance-every M]
 *                  [--kinds headless,display] [--size WxH] [--refresh HZ]
 *                  [--warmup FRAMES] [--rss-slack-kb KB] [--no-rss]
 *
 * Exit status 0 when nothing grew and every frame presented, 1 otherwise. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "display_surface.h"
#include "frame_loop.h"
#include "mock_drm.h"

enum kind { KIND_HEADLESS, KIND_DISPLAY, KIND_COUNT };
enum point { POINT_IN_FLIGHT, POINT_IDLE, POINT_COUNT };

static const char *const kind_names[KIND_COUNT] = {"headless", "display"};
static const char *const point_names[POINT_COUNT] = {"in flight", "idle"};

static const VkPresentModeKHR modes[] = {VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR,
                                         VK_PRESENT_MODE_IMMEDIATE_KHR,
                                         VK_PRESENT_MODE_FIFO_RELAXED_KHR};
#define MODE_COUNT (sizeof(modes) / sizeof(modes[0]))

struct options {
   uint64_t frames; /* per kind and present mode */
   uint64_t recreate_every;
   uint64_t reinstance_every;
   bool kinds[KIND_COUNT];
   VkExtent2D size;
   uint32_t refresh_hz;
   uint64_t warmup; /* frames of a kind before its reference samples; 0: chosen from the run */
   uint64_t rss_slack_kb;
   bool check_rss;
};

/* Everything a sample holds; the mock's figures are its live counters. */
enum figure {
   FIG_FDS,
   FIG_RSS_KB,
   FIG_THREADS,
   FIG_DRM_FILES,
   FIG_GEM_HANDLES,
   FIG_FBS,
   FIG_MAPPINGS,
   FIG_DUMB_BUFFERS,
   FIG_BUFFERS,
   FIG_PRIME_FDS,
   FIG_BLOBS,
   FIG_COUNT
};

static const char *const figure_names[FIG_COUNT] = {
   "open fds", "RSS KiB", "threads", "DRM files", "GEM handles", "framebuffers",
   "mappings", "dumb buffers", "GEM buffers", "PRIME fds", "property blobs",
};

struct series {
   uint64_t count;
   bool have_reference;
   uint64_t reference_frame; /* the kind's frame count at the reference sample */
   uint64_t reference[FIG_COUNT];
   uint64_t peak[FIG_COUNT];  /* after the reference */
   uint64_t last[FIG_COUNT];
   uint64_t peak_frame[FIG_COUNT];
};

struct kind_run {
   uint64_t frames, swapchains, instances, errors;
   double seconds;
   struct series series[POINT_COUNT];
};

static struct kind_run runs[KIND_COUNT];

static uint64_t
count_dir(const char *path)
{
   DIR *d = opendir(path);
   if (!d)
      return 0;
   uint64_t n = 0;
   for (struct dirent *e; (e = readdir(d));)
      n += e->d_name[0] != '.';
   closedir(d);
   return n;
}

static uint64_t
rss_kb(void)
{
   FILE *f = fopen("/proc/self/statm", "r");
   unsigned long long size = 0, resident = 0;
   if (f) {
      if (fscanf(f, "%llu %llu", &size, &resident) != 2)
         resident = 0;
      fclose(f);
   }
   return resident * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
}

static void
sample(uint64_t out[FIG_COUNT])
{
   /* opendir's own fd is among those listed: one fewer is what the program holds. */
   uint64_t fds = count_dir("/proc/self/fd");
   out[FIG_FDS] = fds ? fds - 1 : 0;
   out[FIG_RSS_KB] = rss_kb();
   out[FIG_THREADS] = count_dir("/proc/self/task");
   struct mock_drm_stats s;
   mock_drm_get_stats(&s);
   out[FIG_DRM_FILES] = s.files;
   out[FIG_GEM_HANDLES] = s.handles;
   out[FIG_FBS] = s.fbs;
   out[FIG_MAPPINGS] = s.mappings;
   out[FIG_DUMB_BUFFERS] = s.dumb_buffers;
   out[FIG_BUFFERS] = s.buffers;
   out[FIG_PRIME_FDS] = s.prime_fds;
   out[FIG_BLOBS] = s.user_blobs;
}

static void
record(const struct options *o, enum kind k, enum point p)
{
   struct kind_run *run = &runs[k];
   struct series *s = &run->series[p];
   uint64_t v[FIG_COUNT];
   sample(v);
   s->count++;
   memcpy(s->last, v, sizeof(v));
   if (!s->have_reference) {
      if (run->frames < o->warmup)
         return;
      s->have_reference = true;
      s->reference_frame = run->frames;
      memcpy(s->reference, v, sizeof(v));
      memcpy(s->peak, v, sizeof(v));
      for (int f = 0; f < FIG_COUNT; f++)
         s->peak_frame[f] = run->frames;
      return;
   }
   for (int f = 0; f < FIG_COUNT; f++) {
      if (v[f] > s->peak[f]) {
         s->peak[f] = v[f];
         s->peak_frame[f] = run->frames;
      }
   }
}

static uint64_t
limit_of(const struct options *o, const struct series *s, enum figure f)
{
   if (f == FIG_RSS_KB)
      return s->reference[f] + o->rss_slack_kb;
   return s->reference[f];
}

static VkSurfaceKHR
create_surface(struct harness *h, enum kind k, VkExtent2D size, VkExtent2D *extent)
{
   if (k == KIND_DISPLAY)
      return display_surface_create(h, extent, NULL);
   PFN_vkCreateHeadlessSurfaceEXT create =
      (PFN_vkCreateHeadlessSurfaceEXT)vkGetInstanceProcAddr(h->instance,
                                                            "vkCreateHeadlessSurfaceEXT");
   VkHeadlessSurfaceCreateInfoEXT ci = {.sType = VK_STRUCTURE_TYPE_HEADLESS_SURFACE_CREATE_INFO_EXT};
   VkSurfaceKHR s = VK_NULL_HANDLE;
   if (!create || create(h->instance, &ci, NULL, &s) != VK_SUCCESS)
      return VK_NULL_HANDLE;
   *extent = size;
   return s;
}

static bool
start_instance(struct harness *h, enum kind k)
{
   static const char *headless_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME,
                                         VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME};
   static const char *display_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME,
                                        VK_KHR_DISPLAY_EXTENSION_NAME};
   static const char *dev_exts[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
   struct harness_options ho = {
      .instance_exts = k == KIND_DISPLAY ? display_exts : headless_exts,
      .instance_ext_count = 2,
      .device_exts = dev_exts,
      .device_ext_count = 1,
   };
   memset(h, 0, sizeof(*h));
   /* The loader's note about VK_INSTANCE_LAYERS, once per instance: thousands of lines. */
   h->quiet_validation = true;
   return harness_init(h, &ho);
}

/* One instance's share of a kind and mode: swapchains of K frames each, the next made
 * with the last as oldSwapchain and the last destroyed after, as apps resize. */
static bool
run_instance(const struct options *o, enum kind k, VkPresentModeKHR mode, uint64_t frames)
{
   struct kind_run *run = &runs[k];
   struct harness h;
   bool ok = start_instance(&h, k);
   VkExtent2D extent = o->size;
   VkSurfaceKHR surface = ok ? create_surface(&h, k, o->size, &extent) : VK_NULL_HANDLE;
   if (!surface) {
      fprintf(stderr, "soak: %s: no instance or surface\n", kind_names[k]);
      ok = false;
   }
   run->instances++;
   struct frame_loop prev;
   bool have_prev = false;
   for (uint64_t done = 0; ok && done < frames;) {
      uint64_t n = frames - done < o->recreate_every ? frames - done : o->recreate_every;
      struct frame_loop fl;
      VkResult r = frame_loop_create(&fl, &h, surface, extent, mode, 3,
                                     have_prev ? prev.swapchain : VK_NULL_HANDLE, 0);
      if (have_prev) {
         frame_loop_destroy(&prev, true);
         have_prev = false;
      }
      if (r != VK_SUCCESS) {
         fprintf(stderr, "soak: %s: swapchain %llu: %d\n", kind_names[k],
                 (unsigned long long)run->swapchains, r);
         frame_loop_destroy(&fl, true);
         run->errors++;
         ok = false;
         break;
      }
      run->swapchains++;
      for (uint64_t f = 0; f < n; f++) {
         r = frame_loop_draw(&fl);
         if (r < 0) {
            if (run->errors++ < 10)
               fprintf(stderr, "soak: %s frame %llu: %d\n", kind_names[k],
                       (unsigned long long)(run->frames + f), r);
            ok = false;
            break;
         }
      }
      done += n;
      run->frames += n;
      record(o, k, POINT_IN_FLIGHT);
      prev = fl;
      have_prev = true;
   }
   if (have_prev)
      frame_loop_destroy(&prev, true);
   if (surface)
      vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   if (h.validation_messages) {
      fprintf(stderr, "soak: %s: %u validation messages\n", kind_names[k], h.validation_messages);
      run->errors++;
      ok = false;
   }
   record(o, k, POINT_IDLE);
   return ok;
}

static bool
parse_kinds(const char *list, bool kinds[KIND_COUNT])
{
   char buf[128];
   snprintf(buf, sizeof(buf), "%s", list);
   memset(kinds, 0, sizeof(bool) * KIND_COUNT);
   char *save = NULL;
   for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      bool known = false;
      for (int k = 0; k < KIND_COUNT; k++)
         if (!strcmp(t, kind_names[k]))
            kinds[k] = known = true;
      if (!known)
         return false;
   }
   return true;
}

static void
usage(void)
{
   fprintf(stderr,
           "usage: venus-wsi-soak [--frames N] [--recreate-every K] [--reinstance-every M]\n"
           "                      [--kinds headless,display] [--size WxH] [--refresh HZ]\n"
           "                      [--warmup FRAMES] [--rss-slack-kb KB] [--no-rss]\n"
           "N frames per kind and present mode (default 100000); a new swapchain every K\n"
           "(default 500), a new instance and device every M (default 5000) frames.\n");
}

/* The layer of this build tree, forced on, unless the caller chose otherwise. */
static void
set_environment(void)
{
   if (!getenv("VK_INSTANCE_LAYERS") && !getenv("VK_LOADER_LAYERS_ENABLE")) {
      setenv("VK_ADD_LAYER_PATH", VW_BUILD_LAYER_DIR, 1);
      setenv("VK_INSTANCE_LAYERS", "VK_LAYER_VENUS_wsi", 1);
   }
   setenv("VENUS_WSI", "force", 0);
}

static void
print_report(const struct options *o, bool ok, const char *why)
{
   printf("\n%-9s %9s %9s %9s %11s %10s %7s\n", "kind", "frames", "seconds", "frames/s",
          "swapchains", "instances", "errors");
   for (int k = 0; k < KIND_COUNT; k++) {
      const struct kind_run *r = &runs[k];
      if (!o->kinds[k])
         continue;
      printf("%-9s %9llu %9.1f %9.1f %11llu %10llu %7llu\n", kind_names[k],
             (unsigned long long)r->frames, r->seconds, r->seconds > 0 ? r->frames / r->seconds : 0,
             (unsigned long long)r->swapchains, (unsigned long long)r->instances,
             (unsigned long long)r->errors);
   }
   printf("\n%-9s %-9s %-14s %9s %9s %9s %9s  %s\n", "kind", "sampled", "figure", "warm-up",
          "end", "peak", "limit", "samples (warm-up at frame)");
   for (int k = 0; k < KIND_COUNT; k++) {
      if (!o->kinds[k])
         continue;
      for (int p = 0; p < POINT_COUNT; p++) {
         const struct series *s = &runs[k].series[p];
         if (!s->have_reference) {
            printf("%-9s %-9s (no sample after the warm-up of %llu frames)\n", kind_names[k],
                   point_names[p], (unsigned long long)o->warmup);
            continue;
         }
         for (int f = 0; f < FIG_COUNT; f++) {
            if (f == FIG_RSS_KB && !o->check_rss)
               continue;
            printf("%-9s %-9s %-14s %9llu %9llu %9llu %9llu  %llu (%llu)\n", kind_names[k],
                   point_names[p], figure_names[f], (unsigned long long)s->reference[f],
                   (unsigned long long)s->last[f], (unsigned long long)s->peak[f],
                   (unsigned long long)limit_of(o, s, f), (unsigned long long)s->count,
                   (unsigned long long)s->reference_frame);
         }
      }
   }
   struct mock_drm_stats ms;
   mock_drm_get_stats(&ms);
   printf("\nmock virtio-gpu totals: %llu opens, %llu closes, %llu commits (%llu failed), "
          "%llu flips, %llu events, %llu lost\n",
          (unsigned long long)ms.opens, (unsigned long long)ms.closes,
          (unsigned long long)ms.commits, (unsigned long long)ms.commits_failed,
          (unsigned long long)ms.flips, (unsigned long long)ms.events,
          (unsigned long long)ms.lost_events);
   printf("venus-wsi-soak: %s%s\n", ok ? "PASS" : "FAIL: ", ok ? "" : why);
}

int
main(int argc, char **argv)
{
   struct options o = {
      .frames = 100000,
      .recreate_every = 500,
      .reinstance_every = 5000,
      .kinds = {true, true},
      .size = {64, 64},
      .refresh_hz = 1000,
      .rss_slack_kb = 16384,
      .check_rss = true,
   };
   for (int i = 1; i < argc; i++) {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
      bool ok = true;
      if (!strcmp(a, "--frames") && v)
         o.frames = strtoull(argv[++i], NULL, 10);
      else if (!strcmp(a, "--recreate-every") && v)
         o.recreate_every = strtoull(argv[++i], NULL, 10);
      else if (!strcmp(a, "--reinstance-every") && v)
         o.reinstance_every = strtoull(argv[++i], NULL, 10);
      else if (!strcmp(a, "--kinds") && v)
         ok = parse_kinds(argv[++i], o.kinds);
      else if (!strcmp(a, "--size") && v)
         ok = sscanf(argv[++i], "%ux%u", &o.size.width, &o.size.height) == 2;
      else if (!strcmp(a, "--refresh") && v)
         o.refresh_hz = (uint32_t)strtoul(argv[++i], NULL, 10);
      else if (!strcmp(a, "--warmup") && v)
         o.warmup = strtoull(argv[++i], NULL, 10);
      else if (!strcmp(a, "--rss-slack-kb") && v)
         o.rss_slack_kb = strtoull(argv[++i], NULL, 10);
      else if (!strcmp(a, "--no-rss"))
         o.check_rss = false;
      else
         ok = false;
      if (!ok) {
         usage();
         return 2;
      }
   }
   if (!o.frames || !o.recreate_every || !o.reinstance_every || !o.size.width ||
       !o.size.height || !o.refresh_hz || o.refresh_hz > 1000) {
      usage();
      return 2;
   }
   /* By default the reference is taken a tenth into each kind's run, and never before its
    * first instance has gone (a cycle of every kind of object has then been through). */
   uint64_t per_kind = o.frames * MODE_COUNT;
   if (!o.warmup) {
      o.warmup = per_kind / 10;
      uint64_t cycle = o.reinstance_every < o.frames ? o.reinstance_every : o.frames;
      if (o.warmup < cycle)
         o.warmup = cycle;
   }
   set_environment();

   /* The display: one mode of the asked size at a rate FIFO can run fast at (the layer
    * paces FIFO to the refresh on virtual displays), flips completing at once. */
   struct mock_drm_config cfg;
   mock_drm_config_default(&cfg);
   mock_drm_config_from_env(&cfg);
   cfg.num_modes = 1;
   cfg.modes[0] = (struct mock_drm_mode){o.size.width, o.size.height, o.refresh_hz};
   cfg.flip_delay_us = 100;
   if (o.kinds[KIND_DISPLAY] && mock_drm_reset(&cfg)) {
      fprintf(stderr, "soak: the mock display refuses %ux%u@%u\n", o.size.width, o.size.height,
              o.refresh_hz);
      return 2;
   }

   printf("venus-wsi-soak: %llu frames per kind and present mode at %ux%u, a new swapchain every "
          "%llu frames, a new instance every %llu; reference samples after %llu frames of each "
          "kind; RSS slack %s%llu KiB\n",
          (unsigned long long)o.frames, o.size.width, o.size.height,
          (unsigned long long)o.recreate_every, (unsigned long long)o.reinstance_every,
          (unsigned long long)o.warmup, o.check_rss ? "" : "(not checked) ",
          (unsigned long long)o.rss_slack_kb);
   fflush(stdout);
   bool ok = true;
   for (int k = 0; k < KIND_COUNT && ok; k++) {
      if (!o.kinds[k])
         continue;
      uint64_t t0 = harness_now_ns();
      for (size_t m = 0; m < MODE_COUNT && ok; m++) {
         uint64_t tm = harness_now_ns();
         for (uint64_t done = 0; done < o.frames && ok;) {
            uint64_t n = o.frames - done < o.reinstance_every ? o.frames - done
                                                               : o.reinstance_every;
            ok = run_instance(&o, (enum kind)k, modes[m], n);
            done += n;
         }
         double secs = (harness_now_ns() - tm) / 1e9;
         printf("%-9s %-13s %llu frames in %.1f s (%.0f frames/s)\n", kind_names[k],
                harness_mode_name(modes[m]), (unsigned long long)o.frames, secs, o.frames / secs);
         fflush(stdout);
      }
      runs[k].seconds = (harness_now_ns() - t0) / 1e9;
   }

   char why[512] = "";
   size_t used = 0;
   if (!ok)
      used += (size_t)snprintf(why, sizeof(why), "frames or swapchains failed (see above); ");
   for (int k = 0; k < KIND_COUNT; k++) {
      for (int p = 0; p < POINT_COUNT && o.kinds[k]; p++) {
         const struct series *s = &runs[k].series[p];
         if (!s->have_reference)
            continue;
         for (int f = 0; f < FIG_COUNT; f++) {
            if (f == FIG_RSS_KB && !o.check_rss)
               continue;
            if (s->peak[f] > limit_of(&o, s, f) && used < sizeof(why)) {
               ok = false;
               used += (size_t)snprintf(why + used, sizeof(why) - used,
                                        "%s %s %s grew from %llu to %llu (frame %llu); ",
                                        kind_names[k], point_names[p], figure_names[f],
                                        (unsigned long long)s->reference[f],
                                        (unsigned long long)s->peak[f],
                                        (unsigned long long)s->peak_frame[f]);
            }
         }
      }
   }
   print_report(&o, ok, why);
   return ok ? 0 : 1;
}

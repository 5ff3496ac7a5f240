/* venus-wsi-refloop: the bar the layer must clear on a display. What a program with no WSI
 * at all does to show Vulkan frames through KMS, written plainly and serially: draw the
 * demo's scene into an offscreen image, copy it into host-visible memory, wait for the
 * fence, copy the rows into a dumb buffer, DirtyFB it (or flip to it). Run beside
 * venus-wsi-demo --display on the same guest, its one summary line says how many frames/s
 * and how much CPU per frame that path costs without the layer. It asks for no surface and
 * enables no WSI extension, so the layer (implicit or not, VENUS_WSI set or not) has
 * nothing to do in it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo_scene.h"
#include "refloop_gpu.h"
#include "refloop_kms.h"

#define LOG_PREFIX "venus-wsi-refloop: "

static volatile sig_atomic_t stop_requested;

static void
request_stop(int sig)
{
   (void)sig;
   stop_requested = 1;
}

struct options {
   uint64_t frames;  /* 0: no limit */
   double seconds;   /* 0: no limit */
   bool flip;
   uint32_t width, height;
   const char *card;
   bool quiet;
};

/* Nanoseconds spent in each phase of a frame, summed over the run. */
struct phase_totals {
   uint64_t submit, gpu_wait, copy, kms;
};

static bool
parse_options(int argc, char **argv, struct options *o)
{
   *o = (struct options){.frames = 600};
   bool frames_given = false, seconds_given = false;
   for (int i = 1; i < argc; i++) {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
      char *end = NULL;
      if (!strcmp(a, "--quiet")) {
         o->quiet = true;
         continue;
      }
      if (!v)
         return false;
      i++;
      if (!strcmp(a, "--frames")) {
         o->frames = strtoull(v, &end, 10);
         frames_given = true;
      } else if (!strcmp(a, "--seconds")) {
         o->seconds = strtod(v, &end);
         seconds_given = true;
         if (o->seconds <= 0)
            return false;
      } else if (!strcmp(a, "--variant")) {
         if (strcmp(v, "dirtyfb") && strcmp(v, "flip"))
            return false;
         o->flip = !strcmp(v, "flip");
         end = "";
      } else if (!strcmp(a, "--size")) {
         if (sscanf(v, "%ux%u", &o->width, &o->height) != 2 || !o->width || !o->height)
            return false;
         end = "";
      } else if (!strcmp(a, "--card")) {
         o->card = v;
         end = "";
      }
      if (!end || *end)
         return false;
   }
   /* --seconds alone runs for that long, whatever the default frame count. */
   if (seconds_given && !frames_given)
      o->frames = 0;
   return o->frames || o->seconds > 0;
}

static uint64_t
clock_ns(clockid_t id)
{
   struct timespec ts;
   clock_gettime(id, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The frame the GPU copied out, row by row into the dumb buffer (its pitch may be wider). */
static void
copy_rows(const struct refloop_gpu *g, struct refloop_dumb *b)
{
   size_t row = (size_t)g->extent.width * 4;
   for (uint32_t y = 0; y < g->extent.height; y++)
      memcpy(b->map + (size_t)y * b->pitch, g->pixels + y * row, row);
}

/* Frames until a limit or a signal; false on a failure (already reported). */
static bool
run(const struct options *o, struct refloop_gpu *g, struct refloop_kms *k, uint64_t *frames,
    struct phase_totals *t)
{
   uint64_t start = clock_ns(CLOCK_MONOTONIC);
   for (uint64_t n = 0; !stop_requested; n++) {
      if (o->frames && n >= o->frames)
         break;
      if (o->seconds > 0 && clock_ns(CLOCK_MONOTONIC) - start >= (uint64_t)(o->seconds * 1e9))
         break;
      /* dirtyfb keeps buffer 0 on screen; flip draws into the one not shown. */
      uint32_t target = o->flip ? 1 - k->shown : 0;
      uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
      if (!refloop_gpu_submit(g, demo_scene, n))
         return false;
      uint64_t t1 = clock_ns(CLOCK_MONOTONIC);
      if (!refloop_gpu_wait(g))
         return false;
      uint64_t t2 = clock_ns(CLOCK_MONOTONIC);
      copy_rows(g, &k->buf[target]);
      uint64_t t3 = clock_ns(CLOCK_MONOTONIC);
      if (!(o->flip ? refloop_kms_flip(k, target) : refloop_kms_dirty(k, target)))
         return false;
      uint64_t t4 = clock_ns(CLOCK_MONOTONIC);
      t->submit += t1 - t0;
      t->gpu_wait += t2 - t1;
      t->copy += t3 - t2;
      t->kms += t4 - t3;
      *frames = n + 1;
   }
   return true;
}

int
main(int argc, char **argv)
{
   struct options o;
   if (!parse_options(argc, argv, &o)) {
      fprintf(stderr, "usage: venus-wsi-refloop [--frames N] [--seconds S] "
                      "[--variant dirtyfb|flip] [--size WxH] [--card PATH] [--quiet]\n");
      return 2;
   }
   struct sigaction sa = {.sa_handler = request_stop};
   sigemptyset(&sa.sa_mask);
   sigaction(SIGINT, &sa, NULL);
   sigaction(SIGTERM, &sa, NULL);

   struct refloop_kms k;
   struct refloop_gpu g = {0};
   struct harness h = {0};
   bool good = refloop_kms_open(&k, o.card, o.width, o.height, o.quiet);
   VkExtent2D extent = {k.mode.hdisplay, k.mode.vdisplay};
   if (good && !harness_init(&h, &(struct harness_options){0})) {
      fprintf(stderr, LOG_PREFIX "no Vulkan device\n");
      good = false;
   }
   good = good && refloop_gpu_create(&g, &h, extent);
   if (good && !o.quiet)
      printf(LOG_PREFIX "%s, connector %u, CRTC %u, %ux%u; readback memory host-visible %s%s\n",
             k.path, k.connector_id, k.crtc_id, extent.width, extent.height,
             g.cached ? "cached" : "uncached", g.coherent ? " coherent" : " (invalidated)");

   uint64_t frames = 0;
   struct phase_totals t = {0};
   uint64_t wall0 = clock_ns(CLOCK_MONOTONIC), cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
   good = good && run(&o, &g, &k, &frames, &t);
   double secs = (clock_ns(CLOCK_MONOTONIC) - wall0) / 1e9;
   double cpu_ms = (clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / 1e6;

   refloop_gpu_destroy(&g);
   harness_finish(&h);
   refloop_kms_close(&k);
   if (!good)
      return 1;
   double per = frames ? (double)frames : 1.0;
   printf(LOG_PREFIX "variant=%s size=%ux%u frames=%llu seconds=%.3f fps=%.1f "
                     "cpu_ms_per_frame=%.3f submit_ms_per_frame=%.3f gpu_wait_ms_per_frame=%.3f "
                     "copy_ms_per_frame=%.3f kms_ms_per_frame=%.3f readback=%s%s\n",
          o.flip ? "flip" : "dirtyfb", extent.width, extent.height, (unsigned long long)frames,
          secs, secs > 0 ? frames / secs : 0.0, cpu_ms / per, t.submit / 1e6 / per,
          t.gpu_wait / 1e6 / per, t.copy / 1e6 / per, t.kms / 1e6 / per,
          g.cached ? "cached" : "uncached", stop_requested ? " stopped=signal" : "");
   return 0;
}

#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mock_drm.h"

uint64_t
bench_process_cpu_ns(void)
{
   struct rusage ru;
   getrusage(RUSAGE_SELF, &ru);
   return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
          (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

uint64_t
bench_other_cpu_ns(pid_t pid)
{
   char path[64], buf[1024];
   snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
   FILE *f = fopen(path, "r");
   if (!f)
      return 0;
   size_t n = fread(buf, 1, sizeof(buf) - 1, f);
   fclose(f);
   buf[n] = '\0';
   /* The command name may hold spaces and parentheses: the fields start after the last ')'. */
   const char *p = strrchr(buf, ')');
   unsigned long long ut = 0, st = 0;
   if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
      return 0;
   return (ut + st) * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK));
}

bool
bench_read_value(const char *line, const char *key, char *out, size_t n)
{
   char k[64];
   snprintf(k, sizeof(k), "%s=", key);
   const char *p = strstr(line, k);
   if (!p)
      return false;
   p += strlen(k);
   size_t i = 0;
   while (p[i] && p[i] != ' ' && p[i] != '\n' && i + 1 < n) {
      out[i] = p[i];
      i++;
   }
   out[i] = '\0';
   return true;
}

uint32_t
bench_median_index(const double *values, uint32_t n)
{
   uint32_t order[32];
   if (n > 32)
      n = 32;
   for (uint32_t i = 0; i < n; i++)
      order[i] = i;
   for (uint32_t a = 1; a < n; a++)
      for (uint32_t b = a; b > 0 && values[order[b]] < values[order[b - 1]]; b--) {
         uint32_t t = order[b];
         order[b] = order[b - 1];
         order[b - 1] = t;
      }
   return n ? order[n / 2] : 0;
}

uint32_t bench_damage_percent;

uint32_t
bench_centred_damage(uint64_t frame, VkExtent2D e, VkRectLayerKHR rects[8])
{
   if (frame == 0)
      return 0;
   double side = __builtin_sqrt(bench_damage_percent / 100.0);
   uint32_t w = (uint32_t)(e.width * side), h = (uint32_t)(e.height * side);
   rects[0] = (VkRectLayerKHR){{(int32_t)(e.width - w) / 2, (int32_t)(e.height - h) / 2}, {w, h}, 0};
   return 1;
}

int
bench_measure(struct frame_loop *fl, uint32_t frames, const char *result_path,
              void (*between)(void *), void *ctx)
{
   /* From before the warm-up: the layer's present CPU counts its first frame (the mode
    * set) too. */
   uint64_t mock0 = mock_drm_ioctl_cpu_ns();
   for (int i = 0; i < 10; i++) {
      frame_loop_draw(fl);
      if (between)
         between(ctx);
   }
   uint64_t t0 = harness_now_ns(), cpu0 = bench_process_cpu_ns();
   VkResult r = VK_SUCCESS;
   for (uint32_t f = 0; f < frames && r >= 0; f++) {
      r = frame_loop_draw(fl);
      if (between)
         between(ctx);
   }
   vkQueueWaitIdle(fl->h->queue);
   double secs = (harness_now_ns() - t0) / 1e9;
   uint64_t cpu = bench_process_cpu_ns() - cpu0;
   FILE *f = fopen(result_path, "w");
   if (!f)
      return 1;
   fprintf(f, "fps=%f process_cpu_per_frame_ns=%llu mock_cpu_ns=%llu result=%d\n",
           frames / secs, (unsigned long long)(cpu / frames),
           (unsigned long long)(mock_drm_ioctl_cpu_ns() - mock0), r);
   fclose(f);
   return r < 0;
}

void
bench_run_child(const char *self, const char *flag, uint32_t frames, const char *const *extra,
                const char *const *env, pid_t server, struct bench_result *out)
{
   char stats[] = "/tmp/venus-wsi-bench-stats.XXXXXX";
   char result[] = "/tmp/venus-wsi-bench-result.XXXXXX";
   close(mkstemp(stats));
   close(mkstemp(result));
   uint64_t server0 = server > 0 ? bench_other_cpu_ns(server) : 0;
   pid_t pid = fork();
   if (pid == 0) {
      char frames_s[16];
      snprintf(frames_s, sizeof(frames_s), "%u", frames);
      const char *argv[16] = {self, flag, result, frames_s};
      for (int i = 0; extra && extra[i] && i < 11; i++)
         argv[4 + i] = extra[i];
      if (!getenv("VK_INSTANCE_LAYERS") && !getenv("VK_LOADER_LAYERS_ENABLE")) {
         setenv("VK_ADD_LAYER_PATH", VW_BUILD_LAYER_DIR, 1);
         setenv("VK_INSTANCE_LAYERS", "VK_LAYER_VENUS_wsi", 1);
      }
      for (int i = 0; env && env[i]; i++)
         putenv((char *)env[i]);
      setenv("VENUS_WSI_STATS_FILE", stats, 1);
      execv(self, (char *const *)argv);
      _exit(127);
   }
   int status = 0;
   waitpid(pid, &status, 0);
   uint64_t server_cpu = server > 0 ? bench_other_cpu_ns(server) - server0 : 0;
   memset(out, 0, sizeof(*out));
   char line[512] = "", value[64];
   FILE *f = fopen(result, "r");
   if (f && fgets(line, sizeof(line), f) && bench_read_value(line, "fps", value, sizeof(value))) {
      out->fps = atof(value);
      bench_read_value(line, "process_cpu_per_frame_ns", value, sizeof(value));
      out->process_ms = atof(value) / 1e6;
      if (bench_read_value(line, "mock_cpu_ns", value, sizeof(value)))
         out->mock_cpu_ns = atof(value);
      out->server_ms = server_cpu / 1e6 / (frames + 10);
      out->ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
   }
   if (f)
      fclose(f);
   snprintf(out->method, sizeof(out->method), "Mesa WSI");
   snprintf(out->path, sizeof(out->path), "-");
   /* The figures are on the line the swapchain's destruction wrote (the first line says
    * what it chose when it was made). */
   f = fopen(stats, "r");
   char stats_line[sizeof(out->stats)];
   while (f && fgets(stats_line, sizeof(stats_line), f)) {
      if (!strstr(stats_line, " event=destroy"))
         continue;
      memcpy(out->stats, stats_line, sizeof(out->stats));
      bench_read_value(out->stats, "method", out->method, sizeof(out->method));
      bench_read_value(out->stats, "path", out->path, sizeof(out->path));
   }
   if (f)
      fclose(f);
   unlink(stats);
   unlink(result);
}

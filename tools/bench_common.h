/* What venus-wsi-bench's modes share (bench_common.c): each configuration runs in a child
 * process of its own (the layer reads its environment once per process), which measures a
 * frame loop and writes a result line; the parent reads it back with the layer's stats line
 * and the display server's CPU time, and keeps the median of the rounds. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <vulkan/vulkan.h>

#include "frame_loop.h"

/* CPU time of this process (all its threads: the app's, the layer's, the driver's). */
uint64_t bench_process_cpu_ns(void);
/* CPU time of another process (a display server), from /proc; 0 when it cannot be read. */
uint64_t bench_other_cpu_ns(pid_t pid);
/* The value of 'key=' in a line of space-separated key=value pairs. */
bool bench_read_value(const char *line, const char *key, char *out, size_t n);
/* Index of the median of n values (the upper one of the middle pair when n is even). */
uint32_t bench_median_index(const double *values, uint32_t n);

/* Damage of bench_damage_percent percent of the frame, a centred rectangle (a frame_loop
 * damage callback); frame 0 is everything. */
extern uint32_t bench_damage_percent;
uint32_t bench_centred_damage(uint64_t frame, VkExtent2D e, VkRectLayerKHR rects[8]);

/* Child side: 10 warm-up frames, then 'frames' measured ones; 'between' (may be NULL) runs
 * after every frame (an app's own event dispatching). Writes "fps=... process_cpu_per_frame_ns=...
 * mock_cpu_ns=... result=..." to result_path; returns 0 when every frame was presented. */
int bench_measure(struct frame_loop *fl, uint32_t frames, const char *result_path,
                  void (*between)(void *), void *ctx);

struct bench_result {
   bool ok;
   double fps, process_ms;
   double server_ms; /* the display server's CPU per frame, warm-up frames included */
   /* CPU in the mock display's ioctl handlers (the kernel's work, done in the caller's
    * thread), warm-up frames included: 0 away from the mock display. */
   double mock_cpu_ns;
   char stats[512];  /* the layer's VENUS_WSI_STATS_FILE line ("" with Mesa's own WSI) */
   char method[32], path[32]; /* from it: "Mesa WSI" and "-" when there is none */
};

/* Parent side: runs "self flag RESULT FRAMES extra..." with 'env' ("NAME=VALUE", NULL
 * terminated) added to the environment, the layer of this build tree enabled unless the
 * caller chose layers, and a stats file of its own. 'server' (0 for none) is the display
 * server whose CPU time is counted. */
void bench_run_child(const char *self, const char *flag, uint32_t frames,
                     const char *const *extra, const char *const *env, pid_t server,
                     struct bench_result *out);

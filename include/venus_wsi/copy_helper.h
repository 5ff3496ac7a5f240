/* A second thread for path D's CPU copy (VENUS_WSI_COPY_THREADS=2): a large update is cut in
 * two bands of rows, the helper copies the first while the present thread copies the second.
 * Meant for a guest whose other core sits idle while the frame is copied (on Venus the GPU
 * work runs on the host); whether that pays is measured, not assumed (README, Figures). */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "venus_wsi/backend.h"

/* Updates smaller than this go through one thread: waking the helper costs more. */
#define VW_COPY_HELPER_MIN_BYTES (1u << 20)

struct vw_copy_job {
   void *dst;
   uint32_t dst_stride;
   const void *src;
   uint32_t src_stride;
   uint32_t bytes_per_pixel;
   VkExtent2D extent;
   struct vw_damage damage;
};

struct vw_copy_helper {
   pthread_mutex_t lock;
   pthread_cond_t cond;
   pthread_t thread;
   bool started; /* the thread runs; only the owner (one present thread) reads this */
   bool failed;  /* could not start: copies stay on one thread */
   bool has_job, stop;
   struct vw_copy_job job;
   uint64_t job_bytes;
   uint64_t job_cpu_ns; /* the helper's thread CPU time on its last job */
};

/* Cuts 'damage' (clipped to 'extent'; 'full' = the whole frame, no rectangles = nothing) into
 * two bands of rows that share no byte: the rows above one row halfway down the damaged span
 * go to 'first', the rest to 'second'. */
void vw_damage_split_rows(const struct vw_damage *damage, VkExtent2D extent,
                          struct vw_damage *first, struct vw_damage *second);

/* vw_copy_damage, on two threads where the update is large enough and the helper can run
 * (started on first use); 'helper' may be NULL (one thread). Returns the bytes copied, and in
 * *helper_cpu_ns (may be NULL) the CPU time the helper spent on it, which the caller's own
 * thread clock does not see. Called by one thread at a time per helper. */
uint64_t vw_copy_helper_copy(struct vw_copy_helper *helper, void *dst, uint32_t dst_stride,
                             const void *src, uint32_t src_stride, uint32_t bytes_per_pixel,
                             VkExtent2D extent, const struct vw_damage *damage,
                             uint64_t *helper_cpu_ns);

/* Stops and joins the thread; the helper can be used (started) again. Idempotent. */
void vw_copy_helper_stop(struct vw_copy_helper *helper);

/* The presentation engine's bookkeeping for one swapchain, free of Vulkan calls and
 * threads so that every present mode's ordering can be unit-tested with a fake clock.
 *
 * An image moves FREE -> ACQUIRED -> QUEUED -> READY -> FLIPPING -> DISPLAYED -> FREE, or,
 * where the backend hands images back itself, FLIPPING -> HELD -> FREE.
 * QUEUED means the app presented it but its rendering may still run; READY means the GPU
 * is done with it. FIFO shows every READY frame in order, at most one per refresh;
 * MAILBOX keeps only the newest READY frame and releases the ones it replaces at once;
 * IMMEDIATE shows the newest frame without waiting for a refresh; FIFO_RELAXED is FIFO
 * that shows a late frame at once instead of waiting for the next refresh;
 * FIFO_LATEST_READY is FIFO that, at each refresh, shows the newest of the READY frames at
 * the head of the queue and drops the older ones (a frame still rendering stops the run:
 * frames behind it wait for it, as in FIFO). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "venus_wsi/vk_present2.h"

#define VW_MAX_IMAGES 16

enum vw_image_state {
   VW_IMAGE_FREE,
   VW_IMAGE_ACQUIRED,
   VW_IMAGE_QUEUED,
   VW_IMAGE_READY,
   VW_IMAGE_FLIPPING,
   VW_IMAGE_DISPLAYED,
   /* Shown, and still read by someone else (an X server, a compositor) until the backend
    * says it is free: several images can be held at once and come back in any order. */
   VW_IMAGE_HELD,
};

struct vw_present_queue {
   /* The mode the next present takes (VK_EXT_swapchain_maintenance1 changes it per
    * present); each queued frame keeps the one it was presented with. */
   VkPresentModeKHR mode;
   uint32_t image_count;
   /* The display keeps reading an image until the next one replaces it (KMS); a headless
    * "display" is done with a frame as soon as it has it. */
   bool hold_displayed;
   /* Set after vw_pq_init where the backend releases images one at a time (X11 Present's
    * IdleNotify, wl_buffer.release) instead of by replacing them; hold_displayed is then
    * ignored. */
   bool backend_releases;
   uint64_t period_ns; /* refresh period used for pacing; 0 = show frames as they come (the
                          backend, if anyone, paces) */

   uint8_t state[VW_MAX_IMAGES];
   bool discard[VW_MAX_IMAGES]; /* released, not shown, once READY (mailbox, retired) */
   bool released_early[VW_MAX_IMAGES]; /* the backend let go of it before its flip was done */
   VkPresentModeKHR frame_mode[VW_MAX_IMAGES]; /* the mode each queued frame was presented in */
   uint64_t ready_ns[VW_MAX_IMAGES]; /* when the GPU finished it: FIFO shows it at the next
                                        refresh after that */
   uint32_t order[VW_MAX_IMAGES]; /* QUEUED and READY images in present order */
   uint32_t order_len;
   uint32_t free_list[VW_MAX_IMAGES]; /* FREE images, longest-free first */
   uint32_t free_len;
   int32_t flipping;
   int32_t displayed;

   bool have_flip_time;
   uint64_t last_flip_ns;    /* when the frame now on screen was handed to the display */
   uint64_t flip_started_ns; /* when the pending flip was */

   uint64_t presented; /* frames the app queued */
   uint64_t shown;     /* frames that reached the screen */
   uint64_t skipped;   /* frames replaced before they were shown */
};

void vw_pq_init(struct vw_present_queue *pq, VkPresentModeKHR mode, uint32_t image_count,
                bool hold_displayed, uint64_t period_ns);

/* Takes the longest-free image for the app; -1 when none is free. */
int32_t vw_pq_acquire(struct vw_present_queue *pq);
/* Whether any image can still come back to the free list without a new present. */
bool vw_pq_can_progress(const struct vw_present_queue *pq);
/* Number of images in 'state'. */
uint32_t vw_pq_count(const struct vw_present_queue *pq, enum vw_image_state state);

/* The app presented 'index' (ACQUIRED). With 'discard' the frame is released once READY
 * instead of being shown (presents to a retired swapchain). Returns false if the image
 * was not acquired. */
bool vw_pq_queue(struct vw_present_queue *pq, uint32_t index, bool discard);

/* Whether frames presented in 'mode' replace older ones (MAILBOX, IMMEDIATE). */
bool vw_pq_mode_replaces(VkPresentModeKHR mode);

/* Oldest QUEUED image (the next fence to wait for), or -1. */
int32_t vw_pq_oldest_queued(const struct vw_present_queue *pq);

/* The GPU finished 'index' at 'now_ns'. Images freed as a result (discarded frames, and
 * where 'index' was presented in MAILBOX or IMMEDIATE the older READY frames it replaces,
 * whatever their own mode) are written to 'released'. */
uint32_t vw_pq_mark_ready(struct vw_present_queue *pq, uint32_t index, uint64_t now_ns,
                          uint32_t released[VW_MAX_IMAGES]);

/* Chooses the frame to put on screen at time 'now_ns', or -1: the newest READY frame where
 * that one replaces older frames, else the oldest frame once READY (in FIFO_LATEST_READY
 * the last of the READY frames in that mode that follow it); the chosen frame's own
 * mode decides whether it waits for a refresh. When the choice waits for a
 * refresh, *wait_until_ns is set to that time (else 0). Nothing is chosen while a flip is
 * pending. The caller then calls vw_pq_flip_started(). */
int32_t vw_pq_pick(const struct vw_present_queue *pq, uint64_t now_ns, uint64_t *wait_until_ns);

/* Frees the READY frames presented before 'index' (the pick), which FIFO_LATEST_READY
 * passes over; call it before vw_pq_flip_started. Returns how many went to 'released'
 * (none unless 'index' was presented in that mode). */
uint32_t vw_pq_drop_passed_over(struct vw_present_queue *pq, uint32_t index,
                                uint32_t released[VW_MAX_IMAGES]);

/* 'index' (READY, from vw_pq_pick) was handed to the display at 'now_ns'. */
void vw_pq_flip_started(struct vw_present_queue *pq, uint32_t index, uint64_t now_ns);

/* The pending flip reached the screen. Refreshes are counted from when it was handed to the
 * display: a virtual display completes flips a little later every time, and counting from
 * completion would slow FIFO below the refresh rate. Freed images go to 'released'. */
uint32_t vw_pq_flip_done(struct vw_present_queue *pq, uint64_t now_ns,
                         uint32_t released[VW_MAX_IMAGES]);

/* The pending flip will never complete (device gone): free it as if shown. */
uint32_t vw_pq_flip_abandoned(struct vw_present_queue *pq, uint32_t released[VW_MAX_IMAGES]);

/* Frees every READY frame (nothing will show it: the swapchain is going away). QUEUED
 * frames are marked to be freed once READY. */
uint32_t vw_pq_discard_pending(struct vw_present_queue *pq, uint32_t released[VW_MAX_IMAGES]);

/* The backend is done with 'index' (backend_releases): a HELD image is freed at once, a
 * FLIPPING one as soon as its flip is done. Events may come late and in any order; one
 * for an image in any other state (a stale event) is ignored and returns false. */
bool vw_pq_release(struct vw_present_queue *pq, uint32_t index);

/* The app gives an acquired image back without presenting it
 * (VK_EXT_swapchain_maintenance1-style release, and error paths). */
bool vw_pq_unacquire(struct vw_present_queue *pq, uint32_t index);

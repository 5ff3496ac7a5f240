/* A swapchain's presentation state in one object: what the app's threads (acquire, the
 * present submit), the present thread and the backend's event handling share, behind one
 * lock. It makes no Vulkan calls, so acquire's rules can be unit-tested on it; the
 * swapchain keeps the Vulkan objects and the backend. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <vulkan/vulkan_core.h>

#include "venus_wsi/damage.h"
#include "venus_wsi/present_queue.h"
#include "venus_wsi/present_wait.h"

struct vw_presentation {
   pthread_mutex_t lock; /* guards everything below */
   /* An image freed, an error latched, the swapchain retired or stopping, a frame shown:
    * what acquire and vkWaitForPresentKHR wait for. On CLOCK_MONOTONIC, as their deadlines
    * are. */
   pthread_cond_t changed;
   struct vw_present_queue pq;
   struct vw_present_ids ids; /* VK_KHR_present_id: what the frames carried and reached */
   VkResult status; /* VK_SUCCESS, VK_SUBOPTIMAL_KHR or a latched error */
   struct vw_damage_log damage_log;
   bool retired;
   bool stopping;
   bool frames_lost; /* a frame never finished on the GPU: its resources cannot be waited for */
   uint32_t serial;  /* the swapchain's, for log lines */

   /* The present thread, and the eventfd that wakes it (a present, a stop, a released
    * image; the KMS backend also routes flip events to it). */
   int wake_fd;
   pthread_t thread;
   bool thread_started;
   pid_t owner_pid; /* the process whose thread it is */
};

void vw_presentation_init(struct vw_presentation *p, uint32_t serial);
/* After the thread stopped and the backend let go of wake_fd. */
void vw_presentation_finish(struct vw_presentation *p);

/* Starts the present thread running main(arg), with a wake fd. */
VkResult vw_presentation_start(struct vw_presentation *p, void *(*main)(void *), void *arg);
/* Frames not yet shown are dropped; returns once the thread has ended (it ends when the GPU
 * is done with every frame and no flip is pending). */
void vw_presentation_stop(struct vw_presentation *p);
void vw_presentation_wake(struct vw_presentation *p);
/* Reads the wake-ups off, so that the next wait does not end at once. */
void vw_presentation_drain_wake(struct vw_presentation *p);

/* Latches an error (the first one wins: it explains the others) or VK_SUBOPTIMAL_KHR and
 * wakes acquirers. Lock held. */
void vw_presentation_set_status_locked(struct vw_presentation *p, VkResult status);
/* 'n' images went back to the free list: wakes acquirers. Lock held. */
void vw_presentation_released_locked(struct vw_presentation *p, uint32_t n);
/* Replaced by a newer swapchain: frames already presented still reach the screen; new
 * acquires fail with VK_ERROR_OUT_OF_DATE_KHR. */
void vw_presentation_retire(struct vw_presentation *p);
/* The backend is done with image 'index' (see vw_pq_release). Takes the lock: callable
 * from any thread, at any time before the presentation is finished. */
void vw_presentation_release_image(struct vw_presentation *p, uint32_t index);

/* Image 'index' reached the screen (the present queue's flip is done): raises the
 * presented id and wakes vkWaitForPresentKHR. Lock held. */
void vw_presentation_shown_locked(struct vw_presentation *p, uint32_t index);

/* Whether this is a fork() child of the process that started the thread: such a child has
 * no present thread. */
bool vw_presentation_in_forked_child(const struct vw_presentation *p);

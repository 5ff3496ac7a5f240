/* The waiting half of vkAcquireNextImageKHR, apart from Vulkan so its timeout rules can be
 * unit-tested: VK_NOT_READY for a zero timeout, VK_TIMEOUT once the timeout passes (even
 * when the app holds every image: a finite timeout is always waited out; only an infinite
 * one returns VK_TIMEOUT at once then), the swapchain's latched error or
 * VK_ERROR_OUT_OF_DATE_KHR when it fails or is retired meanwhile. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "venus_wsi/present_queue.h"

struct vw_acquire_state {
   pthread_mutex_t *lock;   /* guards everything below */
   pthread_cond_t *freed;   /* signalled when an image is freed or the state changes;
                               must use CLOCK_MONOTONIC */
   struct vw_present_queue *pq;
   const VkResult *status;  /* VK_SUCCESS, VK_SUBOPTIMAL_KHR or an error */
   const bool *retired;
};

/* On success (VK_SUCCESS or VK_SUBOPTIMAL_KHR) *index is the acquired image. */
VkResult vw_acquire_wait(const struct vw_acquire_state *st, uint64_t timeout_ns, uint32_t *index);

/* Initialises a condition variable on CLOCK_MONOTONIC, as vw_acquire_wait needs. */
void vw_cond_init_monotonic(pthread_cond_t *cond);

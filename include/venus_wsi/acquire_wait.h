/* The waiting half of vkAcquireNextImageKHR, apart from Vulkan so its timeout rules can be
 * unit-tested: VK_NOT_READY for a zero timeout, VK_TIMEOUT once the timeout passes (even
 * when the app holds every image: a finite timeout is always waited out; only an infinite
 * one returns VK_TIMEOUT at once then), the swapchain's latched error or
 * VK_ERROR_OUT_OF_DATE_KHR when it fails or is retired meanwhile. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <vulkan/vulkan_core.h>


struct vw_presentation;

/* On success (VK_SUCCESS or VK_SUBOPTIMAL_KHR) *index is the acquired image. Takes the
 * presentation's lock and waits on its condition variable. */
VkResult vw_acquire_wait(struct vw_presentation *p, uint64_t timeout_ns, uint32_t *index);

/* Initialises a condition variable on CLOCK_MONOTONIC, as vw_acquire_wait needs. */
void vw_cond_init_monotonic(pthread_cond_t *cond);

/* Whether a Vulkan timeout means "forever", and the CLOCK_MONOTONIC deadline of a finite
 * one: shared by every wait on a presentation's condition variable. */
bool vw_timeout_is_forever(uint64_t timeout_ns);
struct timespec vw_deadline_after(uint64_t timeout_ns);

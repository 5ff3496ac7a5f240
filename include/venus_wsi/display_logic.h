/* Decisions of the display extensions (VK_EXT_acquire_drm_display, VK_EXT_display_control)
 * kept free of KMS and Vulkan calls, so that unit tests cover them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

/* What the layer found out about an fd handed to vkAcquireDrmDisplayEXT. */
struct vw_acquire_facts {
   bool same_card;       /* a file of the physical device's card (same character device) */
   bool master;          /* DRM master, or a lessee (a lease's fd is master of its lease) */
   bool sees_connector;  /* the display's connector is among the fd's objects */
   int borrowed_from;    /* the app's fd the device already runs on, or -1 */
   bool device_idle;     /* nothing of the layer's lives on its current file */
};

/* VK_SUCCESS (use the fd, or keep using it), VK_ERROR_UNKNOWN for another card (as the spec
 * asks), VK_ERROR_INITIALIZATION_FAILED otherwise. */
VkResult vw_acquire_verdict(const struct vw_acquire_facts *f, int app_fd);

/* DRM_MODE_DPMS_* for a Vulkan power state; false for a value the spec does not define. */
bool vw_dpms_for_power_state(VkDisplayPowerStateEXT state, uint64_t *dpms);

/* The VBLANK counter of a display swapchain: refresh periods since creation where the layer
 * paces (period_ns > 0: virtual displays have no vblank), else the flips seen. */
uint64_t vw_vblank_counter(uint64_t created_ns, uint64_t now_ns, uint64_t period_ns,
                           uint64_t flips);

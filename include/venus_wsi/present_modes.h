/* Which present modes a swapchain can switch between per present
 * (VK_EXT_swapchain_maintenance1) without being recreated, per backend kind. Free of
 * Vulkan calls beyond the types, so the rules are unit-tested. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "venus_wsi/vk_present2.h"

/* FIFO, FIFO_RELAXED, MAILBOX, IMMEDIATE and FIFO_LATEST_READY. */
#define VW_PRESENT_MODE_MAX 5

enum vw_mode_switching {
   /* The present queue applies the mode of each frame and the backend shows every frame
    * the same way whatever its mode (headless; KMS, where IMMEDIATE only adds the async
    * flag to the commit of that frame): every mode switches freely. */
   VW_MODES_ALL = 0,
   /* The backend chooses how it waits for the server when the swapchain is made (Wayland:
    * whether to throttle on frame callbacks), so only modes that agree on that switch:
    * FIFO, FIFO_RELAXED and FIFO_LATEST_READY; MAILBOX with IMMEDIATE. */
   VW_MODES_FIFO_OR_NOT,
   /* The backend's method and server options depend on the mode chosen at creation (X11
    * Present: the method is picked for IMMEDIATE, the options and MSC targets per mode):
    * each mode is compatible only with itself. */
   VW_MODES_NONE,
};

/* Whether 'mode' is one the layer offers. */
bool vw_present_mode_known(VkPresentModeKHR mode);

/* Writes the modes a swapchain presenting with 'mode' may switch to ('mode' first) and
 * returns their number (0 for an unknown mode). */
uint32_t vw_compatible_present_modes(enum vw_mode_switching kind, VkPresentModeKHR mode,
                                     VkPresentModeKHR out[VW_PRESENT_MODE_MAX]);

/* Whether every mode of 'modes' is compatible with 'modes[0]' (the swapchain's
 * VkSwapchainPresentModesCreateInfoEXT list, which must contain its presentMode). */
bool vw_present_modes_compatible(enum vw_mode_switching kind, const VkPresentModeKHR *modes,
                                 uint32_t count);

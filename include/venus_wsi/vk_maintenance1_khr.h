/* VK_KHR_surface_maintenance1 and VK_KHR_swapchain_maintenance1, the promotions of the EXT
 * extensions, where the system's Vulkan headers predate them (Debian 12's 1.3.239 and
 * 1.4.309 alike). Written from the Vulkan registry's definition: the KHR structures, enum
 * values and command are the EXT ones under new names (the EXT names are their aliases), so
 * the layer handles both through the EXT declarations and only needs the names. Headers that
 * have the extensions define their guard macros, and nothing here is declared twice. */
#pragma once

#include <vulkan/vulkan_core.h>

#ifndef VK_KHR_surface_maintenance1
#define VK_KHR_surface_maintenance1 1
#define VK_KHR_SURFACE_MAINTENANCE_1_SPEC_VERSION 1
#define VK_KHR_SURFACE_MAINTENANCE_1_EXTENSION_NAME "VK_KHR_surface_maintenance1"
#endif

#ifndef VK_KHR_swapchain_maintenance1
#define VK_KHR_swapchain_maintenance1 1
#define VK_KHR_SWAPCHAIN_MAINTENANCE_1_SPEC_VERSION 1
#define VK_KHR_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME "VK_KHR_swapchain_maintenance1"
typedef VkReleaseSwapchainImagesInfoEXT VkReleaseSwapchainImagesInfoKHR;
typedef PFN_vkReleaseSwapchainImagesEXT PFN_vkReleaseSwapchainImagesKHR;
#endif

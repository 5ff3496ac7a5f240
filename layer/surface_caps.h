/* What every backend's surfaces share: the usage the layer's images allow, the formats the
 * driver can render and copy, and the present modes the present thread implements. */
#pragma once

#include <stdbool.h>
#include <vulkan/vulkan.h>

#include "instance.h"
#include "venus_wsi/backend.h"
#include "venus_wsi/format_table.h"

/* supportedUsageFlags: what an optimal swapchain image of the preferred format allows. */
VkImageUsageFlags vw_surface_usage(struct vw_physical_device *pdev);

/* The table's formats the driver can render and copy from, sRGB first (as compositors offer
 * them: apps that look for sRGB find it), kept only where 'keep' agrees (NULL: all). */
uint32_t vw_surface_formats(struct vw_physical_device *pdev,
                            bool (*keep)(const struct vw_format_info *f, const void *data),
                            const void *data, VkSurfaceFormatKHR out[VW_MAX_SURFACE_FORMATS]);

/* FIFO, FIFO_RELAXED, MAILBOX, IMMEDIATE: the present thread does all four everywhere. */
uint32_t vw_surface_present_modes(VkPresentModeKHR modes[VW_PRESENT_MODE_MAX]);

/* vkGetPhysicalDeviceSurfaceCapabilities2KHR's chained structures that every backend answers
 * alike: no shared-present usage (no shared present modes are offered) and no protected
 * swapchains. Structures the layer does not know are left as the app wrote them. */
void vw_surface_caps2_common(VkSurfaceCapabilities2KHR *caps);

/* VK_EXT_surface_maintenance1: the structures that depend on the VkSurfacePresentModeEXT in
 * info's chain (the image counts per mode, the modes it switches to without a new
 * swapchain) and the scaling the layer offers (none). */
struct vw_surface;
VkResult vw_surface_caps2_present_mode(struct vw_surface *surface, struct vw_physical_device *pdev,
                                       const VkPhysicalDeviceSurfaceInfo2KHR *info,
                                       VkSurfaceCapabilities2KHR *caps);

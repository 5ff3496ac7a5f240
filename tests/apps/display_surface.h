/* Creating a VK_KHR_display surface the way vkcube --wsi display does. */
#pragma once

#include "harness.h"

/* The first display, its first (preferred) mode, and a plane that can show it.
 * Returns VK_NULL_HANDLE and prints why when there is none. */
VkSurfaceKHR display_surface_create(struct harness *h, VkExtent2D *extent, uint32_t *refresh_mhz);

/* VK_EXT_surface_maintenance1 and VK_EXT_swapchain_maintenance1 as an app uses them, on any
 * surface the layer owns: what the headless and display tests share. The harness must have
 * been started with maintenance1 and both extensions named. */
#pragma once

#include "frame_loop.h"
#include "venus_wsi/vk_maintenance1_khr.h"
#include "venus_wsi/vk_present2.h"

/* The release command's name: the EXT one unless a test runs with the KHR promotions. */
extern const char *m1_release_command;
/* Whether every layer above the WSI layer knows VK_PRESENT_MODE_FIFO_LATEST_READY_EXT: only
 * then are its surface queries asked too. */
extern bool m1_latest_ready_known;
/* FIFO, FIFO_RELAXED, MAILBOX, IMMEDIATE, FIFO_LATEST_READY, and room for more. */
#define M1_MAX_MODES 8
/* When set, what m1_check_swapchain's frames draw (frame_loop.scene). */
extern frame_scene_fn m1_scene;

/* The surface queries: per-mode capabilities, the compatible modes with the two-call
 * idiom (each must list 'expect_compat' modes for FIFO; 0 skips that check), no
 * scaling. */
void m1_check_surface(struct harness *h, VkSurfaceKHR surface, uint32_t expect_compat);

/* A swapchain made to switch between FIFO and the other modes compatible with it (zero
 * scaling asked too): 'frames' presents cycling the
 * mode per present, each with a present fence that must signal; then images acquired and
 * given back with vkReleaseSwapchainImagesEXT, each time acquirable again; then frames
 * again. Returns the number of frames presented (for dump checks) and leaves the swapchain
 * in 'fl' (frame_loop_destroy it). */
uint64_t m1_check_swapchain(struct harness *h, VkSurfaceKHR surface, struct frame_loop *fl,
                            VkExtent2D extent, uint32_t frames, uint32_t serial);

/* A swapchain with DEFERRED_MEMORY_ALLOCATION replacing 'old': made, an image acquired and
 * released, destroyed. */
void m1_check_deferred(struct harness *h, VkSurfaceKHR surface, VkExtent2D extent,
                       VkSwapchainKHR old);

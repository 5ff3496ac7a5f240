/* The narrow interface every presentation backend (headless, display/KMS, X11 and
 * Wayland) implements. The swapchain core owns images, acquire, the present submit and the
 * present thread; a backend answers surface queries, gives images their memory and puts a
 * finished frame on its screen.
 *
 * Who paces: the layer paces FIFO and MAILBOX to sc->refresh_period_ns only where nobody
 * else does (virtual KMS displays, headless with VENUS_WSI_HEADLESS_HZ). A backend whose
 * display paces itself (an X server with Present's MSC, a compositor's frame callbacks) sets
 * the period to 0: the core then hands each frame to present() as soon as it is finished and
 * the flip is free, and the backend paces by reporting the flip done (wait_flip) only once
 * the display took the frame.
 *
 * Who frees images: by default the core frees an image when the display is done with it,
 * which the backend chooses in create_swapchain: at once when shown (headless), or when the
 * next flip replaces it (sc->hold_displayed, KMS). A display that hands images back one at a
 * time, late and in any order (X11 Present's IdleNotify, wl_buffer.release), sets
 * sc->backend_releases and calls vw_swapchain_release_image() for each. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "venus_wsi/present_modes.h"

struct vw_surface;
struct vw_swapchain;
struct vw_image;
struct vw_physical_device;

#define VW_MAX_SURFACE_FORMATS 16
#define VW_MAX_DAMAGE_RECTS 32

/* The part of a frame that changed (VK_KHR_incremental_present), clipped to the image. */
struct vw_damage {
   bool full;
   uint32_t count;
   VkRect2D rects[VW_MAX_DAMAGE_RECTS];
};

struct vw_backend_ops {
   const char *name;
   /* Which present modes its swapchains switch between per present (present_modes.h). */
   enum vw_mode_switching mode_switching;

   /* --- surface queries, for one physical device --- */
   VkResult (*get_support)(struct vw_surface *surface, struct vw_physical_device *pdev,
                           uint32_t queue_family, VkBool32 *supported);
   VkResult (*get_capabilities)(struct vw_surface *surface, struct vw_physical_device *pdev,
                                VkSurfaceCapabilitiesKHR *caps);
   /* Optional. vkGetPhysicalDeviceSurfaceCapabilities2KHR: the core has filled
    * caps->surfaceCapabilities and the chained structures every backend answers alike
    * (VkSharedPresentSurfaceCapabilitiesKHR, VkSurfaceProtectedCapabilitiesKHR); the backend
    * fills those it knows more of (e.g. VkSurfacePresentModeCompatibilityEXT, which depends
    * on info's chain) and leaves the others untouched. */
   VkResult (*get_capabilities2)(struct vw_surface *surface, struct vw_physical_device *pdev,
                                 const VkPhysicalDeviceSurfaceInfo2KHR *info,
                                 VkSurfaceCapabilities2KHR *caps);
   /* Fills at most VW_MAX_SURFACE_FORMATS entries, preferred first. */
   uint32_t (*get_formats)(struct vw_surface *surface, struct vw_physical_device *pdev,
                           VkSurfaceFormatKHR formats[VW_MAX_SURFACE_FORMATS]);
   /* The modes this surface offers, preferred first: the app's list, and what
    * vkCreateSwapchainKHR accepts. The present thread implements all four; a backend lists
    * fewer where its display cannot do one. */
   uint32_t (*get_present_modes)(struct vw_surface *surface, struct vw_physical_device *pdev,
                                 VkPresentModeKHR modes[VW_PRESENT_MODE_MAX]);
   VkResult (*get_present_rectangle)(struct vw_surface *surface, struct vw_physical_device *pdev,
                                     VkRect2D *rect);
   void (*destroy_surface)(struct vw_surface *surface);

   /* --- swapchains --- */
   /* Creates every image of 'sc' (sc->image_count is set) with its memory and whatever
    * the backend needs to show it; sets sc->refresh_period_ns and sc->hold_displayed or
    * sc->backend_releases (see the top of this file).
    * On failure it leaves nothing behind that vw_swapchain_destroy_images cannot free. */
   VkResult (*create_swapchain)(struct vw_swapchain *sc);
   /* Whether this present must copy the image into img->copy (recorded by the core in the
    * present submit). */
   bool (*wants_copy)(struct vw_swapchain *sc, struct vw_image *img);
   /* Present thread: 'img' is finished on the GPU (and copied, if asked). Put it on screen.
    * *shown = true when it is on screen already; otherwise a flip is pending and
    * wait_flip() reports when it completes. */
   VkResult (*present)(struct vw_swapchain *sc, struct vw_image *img,
                       const struct vw_damage *damage, bool *shown);
   /* Present thread: waits at most 'timeout_ns' for the pending flip, returning early if
    * 'wake_fd' becomes readable. *shown = true when the flip completed. */
   VkResult (*wait_flip)(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns,
                         bool *shown);
   /* All frames are off the GPU and no flip is pending: free the backend's resources
    * (images are freed by the core afterwards). */
   void (*destroy_swapchain)(struct vw_swapchain *sc);
};

/* --- calls a backend makes into the core --- */

/* The display is done with image 'index' of 'sc' (sc->backend_releases). Thread-safe: call
 * it from the backend's own event handling, at any time until destroy_swapchain returns. A
 * release that overtakes the flip's completion frees the image once wait_flip reports it;
 * repeated or stale releases are ignored. */
void vw_swapchain_release_image(struct vw_swapchain *sc, uint32_t index);

extern const struct vw_backend_ops vw_headless_backend;

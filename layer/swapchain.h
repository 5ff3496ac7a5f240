/* Swapchains the layer implements: images, acquire, the present submit, and the present
 * thread that moves finished frames to the backend. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <vulkan/vulkan.h>

#include "device.h"
#include "surface.h"
#include "venus_wsi/backend.h"
#include "venus_wsi/config.h"
#include "venus_wsi/damage.h"
#include "venus_wsi/present_queue.h"
#include "venus_wsi/presentation.h"

#define VW_MAX_QUEUE_FAMILIES 16

/* Host-visible memory the present copy writes a frame into (frame dumps, paths C and D). */
struct vw_copy_target {
   VkBuffer buffer;
   VkDeviceMemory memory; /* owned by the layer unless 'external_memory' */
   bool external_memory;
   void *map;               /* CPU address of byte 0 of the buffer */
   VkDeviceSize size;
   uint32_t row_pixels;     /* bufferRowLength of the copy */
   uint32_t row_bytes;      /* stride in bytes */
   bool coherent;
};

struct vw_image {
   VkImage image;
   VkDeviceMemory memory;
   VkDeviceSize memory_offset;
   struct vw_copy_target copy;
   VkFence present_fence;   /* signalled when the present submit is done with the image */
   bool fence_in_flight;    /* submitted and not yet seen signalled (lock held) */
   VkSemaphore chain_semaphore; /* made on demand for presents to several swapchains */
   VkCommandBuffer cmd;
   uint32_t cmd_family;
   bool copy_this_frame;
   bool host_barrier_this_frame; /* paths E and F: the present submit makes the image's
                                  * writes available to the host that reads its memory */
   struct vw_damage damage;  /* what the present copy must bring up to date */
   uint64_t present_serial;  /* this frame's entry in the swapchain's damage log */
   uint64_t copied_serial;   /* the copy target is current as of this present */
   uint64_t shown_serial;    /* the scanout buffer was last shown at this present */
   uint64_t queued_ns;      /* when the app presented it: a stuck frame is a lost device */
   uint64_t present_number; /* the swapchain's present count at this present */
   void *backend;
};

struct vw_swapchain {
   struct vw_device *dev;
   struct vw_surface *surface;
   const struct vw_backend_ops *backend;
   void *backend_data;
   uint32_t serial; /* names frame dumps and log lines */

   VkFormat format;
   VkColorSpaceKHR color_space;
   VkExtent2D extent;
   uint32_t layers;
   VkImageUsageFlags usage;
   VkSharingMode sharing;
   VkPresentModeKHR present_mode; /* the one it was created with */
   /* What presents may switch to (VkSwapchainPresentModesCreateInfoEXT), present_mode
    * first; compatible with each other on the backend (present_modes.h). */
   VkPresentModeKHR modes[VW_PRESENT_MODE_MAX];
   uint32_t mode_count;
   VkSwapchainCreateFlagsKHR flags;
   VkCompositeAlphaFlagBitsKHR composite_alpha;
   VkSurfaceCounterFlagsEXT counters; /* VkSwapchainCounterCreateInfoEXT */
   /* How every image is created: also used for app images bound to swapchain memory
    * (VkImageSwapchainCreateInfoKHR). */
   VkImageCreateInfo image_ci;
   VkImageFormatListCreateInfo format_list;
   VkFormat *view_formats;
   uint32_t *families;

   uint32_t image_count;
   struct vw_image images[VW_MAX_IMAGES];
   VkCommandPool pools[VW_MAX_QUEUE_FAMILIES];
   enum vw_path path; /* chosen scanout path, for logs and tests */
   const char *method; /* how the backend shows frames, where it has several ("shm-present") */
   const char *pacing; /* what holds FIFO frames to the refresh, where a backend says */

   /* Backend decisions made in create_swapchain (see backend.h). */
   bool hold_displayed;
   bool backend_releases;
   /* Every frame goes into the one buffer on screen (display, path D, DirtyFB): its damage
    * is counted from the last frame shown, not from the image's own last one. */
   bool scanout_in_place;
   uint64_t refresh_period_ns;

   /* Presentation state shared by acquire, the present submit, the present thread and the
    * backend's event handling; its lock also guards the fields below. */
   struct vw_presentation pres;
   uint64_t presents;
   uint64_t last_shown_serial; /* the damage log's entry of the last frame shown */
   uint64_t rate_since_ns; /* for the frames/s log line */
   uint64_t rate_shown;
   struct {
      uint64_t present_cpu_ns; /* the present thread's CPU time putting frames on screen */
      uint64_t copy_bytes;     /* bytes the CPU copied doing it (path D) */
      /* What the display itself reported of the frames, where it does (Wayland's
       * presentation feedback): shown, or replaced before they were. */
      bool display_feedback;
      uint64_t display_presented, display_discarded;
      uint64_t display_refresh_ns;
   } stats;
};

struct vw_swapchain *vw_swapchain_from_handle(VkSwapchainKHR handle);

/* Helpers backends use in create_swapchain. */
VkResult vw_image_create_local(struct vw_swapchain *sc, struct vw_image *img);
/* An image from sc->image_ci (linear) in host-visible memory, cached where the driver has
 * it, bound and mapped at '*map'; the memory's type flags in '*flags'. */
VkResult vw_image_create_host_visible(struct vw_swapchain *sc, struct vw_image *img, void **map,
                                      VkMemoryPropertyFlags *flags);
VkResult vw_image_create_copy_target(struct vw_swapchain *sc, struct vw_image *img);
void vw_swapchain_destroy_images(struct vw_swapchain *sc);
uint64_t vw_now_ns(void);
uint64_t vw_thread_cpu_ns(void);

/* present_thread.c: starts the thread that moves finished frames to the backend (stopped
 * with vw_presentation_stop). */
VkResult vw_present_thread_start(struct vw_swapchain *sc);

/* Whether this is a fork() child of the process that made the swapchain (it has no present
 * thread, and the swapchain's memory and DRM file are still the parent's), logging one line
 * naming 'call' when it is: the call fails there. */
bool vw_swapchain_refused_in_child(const struct vw_swapchain *sc, const char *call);

VKAPI_ATTR VkResult VKAPI_CALL vw_CreateSwapchainKHR(VkDevice device,
                                                     const VkSwapchainCreateInfoKHR *ci,
                                                     const VkAllocationCallbacks *alloc,
                                                     VkSwapchainKHR *out);
VKAPI_ATTR void VKAPI_CALL vw_DestroySwapchainKHR(VkDevice device, VkSwapchainKHR swapchain,
                                                  const VkAllocationCallbacks *alloc);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetSwapchainImagesKHR(VkDevice device, VkSwapchainKHR swapchain,
                                                        uint32_t *count, VkImage *images);
VKAPI_ATTR VkResult VKAPI_CALL vw_AcquireNextImageKHR(VkDevice device, VkSwapchainKHR swapchain,
                                                      uint64_t timeout, VkSemaphore semaphore,
                                                      VkFence fence, uint32_t *index);
VKAPI_ATTR VkResult VKAPI_CALL vw_AcquireNextImage2KHR(VkDevice device,
                                                       const VkAcquireNextImageInfoKHR *info,
                                                       uint32_t *index);
VKAPI_ATTR VkResult VKAPI_CALL vw_QueuePresentKHR(VkQueue queue, const VkPresentInfoKHR *info);
VKAPI_ATTR VkResult VKAPI_CALL vw_WaitForPresentKHR(VkDevice device, VkSwapchainKHR swapchain,
                                                    uint64_t present_id, uint64_t timeout);
VKAPI_ATTR VkResult VKAPI_CALL vw_WaitForPresent2KHR(VkDevice device, VkSwapchainKHR swapchain,
                                                     const VkPresentWait2InfoKHR *info);
VKAPI_ATTR VkResult VKAPI_CALL vw_ReleaseSwapchainImagesEXT(
   VkDevice device, const VkReleaseSwapchainImagesInfoEXT *info);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDeviceGroupPresentCapabilitiesKHR(
   VkDevice device, VkDeviceGroupPresentCapabilitiesKHR *caps);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDeviceGroupSurfacePresentModesKHR(
   VkDevice device, VkSurfaceKHR surface, VkDeviceGroupPresentModeFlagsKHR *modes);
VKAPI_ATTR VkResult VKAPI_CALL vw_CreateImage(VkDevice device, const VkImageCreateInfo *ci,
                                              const VkAllocationCallbacks *alloc, VkImage *out);
VKAPI_ATTR VkResult VKAPI_CALL vw_BindImageMemory2(VkDevice device, uint32_t count,
                                                   const VkBindImageMemoryInfo *infos);

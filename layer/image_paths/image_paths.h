/* The scanout memory paths every backend that shows frames in buffers of its own shares
 * (KMS, X11, Wayland): A export, B import, C host pointer, D copy, E host-pointer images (README.md,
 * "How it works"). A backend describes what its buffers can do with a buffer provider; this
 * module owns the Vulkan side: probing, the images' memory, the copy targets, the CPU copy of
 * damaged rows, the fallback from one path to the next. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "../swapchain.h"
#include "venus_wsi/copy_helper.h"
#include "venus_wsi/format_table.h"

/* One of the provider's buffers, as far as the paths need to know it. */
struct vw_provided_buffer {
   void *handle;   /* the provider's own; NULL when there is none */
   uint32_t pitch; /* bytes between rows */
   uint64_t size;  /* bytes the buffer holds */
   void *map;      /* set by map() */
};

/* What a backend's buffers can do. Every call is optional: NULL means the provider cannot,
 * and the paths that need it are not tried (A needs import_dma_buf; B create and
 * export_dma_buf; C and D create and map; all of them destroy). Failures return a negative
 * errno (-1 for export_dma_buf) and log their own line. */
struct vw_buffer_provider {
   const char *name;    /* in the reasons a path is not tried: "the KMS device" */
   const char *buffers; /* what its buffers are called there: "dumb buffers" */
   void *ctx;
   /* A buffer for an 'extent' frame in the swapchain's format, with room for 'rows' rows
    * (at least extent.height): a host-pointer import may need more than the frame. */
   int (*create)(void *ctx, VkExtent2D extent, uint32_t rows, struct vw_provided_buffer *out);
   /* Maps the first 'size' bytes at an address that is a multiple of 'alignment' (a power
    * of two, possibly more than a page), once, for the buffer's life. Paths C and D. */
   int (*map)(void *ctx, struct vw_provided_buffer *buf, uint64_t size, uint64_t alignment);
   /* Path B: a dma-buf of the buffer for Vulkan to import; the caller owns it. */
   int (*export_dma_buf)(void *ctx, struct vw_provided_buffer *buf);
   /* Path A: a buffer over Vulkan memory exported as a dma-buf ('fd' stays the caller's). */
   int (*import_dma_buf)(void *ctx, int fd, VkExtent2D extent, uint32_t pitch, uint32_t offset,
                         uint64_t modifier, struct vw_provided_buffer *out);
   /* Set when the display server reads the buffers only after a frame is done and takes
    * any row pitch a linear image has: path E then renders into them directly. */
   bool host_images;
   /* Frees a buffer with its mapping. */
   void (*destroy)(void *ctx, struct vw_provided_buffer *buf);
};

/* A swapchain's paths: kept in the backend's swapchain data, set up by
 * vw_image_paths_create. */
struct vw_image_paths {
   struct vw_buffer_provider provider;
   const struct vw_format_info *fmt;
   /* The buffer behind each image. The backend may take one over (e.g. to keep it on
    * screen after the swapchain is gone) by clearing its entry. */
   struct vw_provided_buffer bufs[VW_MAX_IMAGES];
   /* The image template's chain for paths A and B, in front of the app's part. */
   const void *app_next;
   VkExternalMemoryImageCreateInfo external;
   VkImageDrmFormatModifierExplicitCreateInfoEXT explicit_layout;
   VkSubresourceLayout plane_layout;
   /* Paths D and F with VENUS_WSI_COPY_THREADS=2: the second copying thread, stopped with
    * the buffers. */
   struct vw_copy_helper copy_helper;
};

/* Creates every image of 'sc' on the fastest path the driver and 'provider' allow (only
 * the one VENUS_WSI_PATH names, if any) and sets sc->path. On failure nothing it made is
 * left: each failed path's images are destroyed and its buffers freed. */
VkResult vw_image_paths_create(struct vw_image_paths *paths, struct vw_swapchain *sc,
                               const struct vw_buffer_provider *provider);
/* Whether the present submit must copy the image into img->copy (paths C and D). */
bool vw_image_paths_wants_copy(const struct vw_swapchain *sc);
/* Whether the present thread copies each frame's damaged rows into the buffer (D and F). */
bool vw_image_paths_cpu_copies(const struct vw_swapchain *sc);
/* Present thread, before the backend shows image 'index': path D's CPU copy of the rows
 * 'damage' covers into the provider's buffer. */
void vw_image_paths_before_show(struct vw_image_paths *paths, struct vw_swapchain *sc,
                                uint32_t index, const struct vw_damage *damage);
/* The same, into the buffer of image 'target' (the one on screen, updated in place). */
void vw_image_paths_copy_to(struct vw_image_paths *paths, struct vw_swapchain *sc,
                            uint32_t index, uint32_t target, const struct vw_damage *damage);
/* Present thread, before the CPU reads img->copy (path D's copy, or a backend's own copy
 * into buffers of its server's: DRI3, linux-dmabuf): non-coherent memory is invalidated. */
void vw_image_paths_invalidate_copy(struct vw_swapchain *sc, struct vw_image *img);
/* Frees the buffers the backend has not taken over. */
void vw_image_paths_free_buffers(struct vw_image_paths *paths);

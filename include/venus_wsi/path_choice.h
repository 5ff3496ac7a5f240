/* Which scanout path a swapchain gets (README.md, "How it works"): A export, B import, E host
 * pointer image, C host pointer, F linear copy, D copy, fastest first, each skipped when the
 * driver or the backend's buffer provider cannot do it, VENUS_WSI_PATH forcing one. No Vulkan calls here, so the rules are
 * unit-tested without a driver. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <vulkan/vulkan_core.h>

#include "venus_wsi/config.h"

/* What the driver and the provider can do, as far as it is known without allocating. */
struct vw_path_caps {
   const char *provider; /* names it in the reasons: "the KMS device" */
   const char *buffers;  /* its buffers: "dumb buffers" */
   bool provider_buffers;         /* makes buffers of its own (B, C, D) */
   bool provider_maps;            /* and maps them for the CPU (C, D) */
   bool provider_imports_dma_buf; /* takes Vulkan memory as a dma-buf (A) */
   bool provider_exports_dma_buf; /* gives its buffers out as dma-bufs (B) */
   bool venus;
   bool dma_buf;             /* VK_EXT_external_memory_dma_buf is enabled */
   bool drm_format_modifier; /* VK_EXT_image_drm_format_modifier is enabled */
   bool api_1_2;             /* the app's device is Vulkan 1.2 or later */
   bool host_pointer;        /* VK_EXT_external_memory_host is enabled */
   bool provider_host_images; /* its mapped buffers may be image memory themselves (E) */
   /* Asked last, and only for a path nothing else rules out: querying external dma-buf
    * formats without the extension enabled is invalid. Whether the driver makes linear
    * images of the swapchain's kind whose memory it exports (import false) or imports. */
   bool (*dma_buf_image_ok)(void *ctx, bool import);
   /* Whether the driver makes linear images of the swapchain's kind in imported host
    * memory (E); asked last, as above. NULL: it cannot. */
   bool (*host_image_ok)(void *ctx);
   /* Whether the driver makes linear images of the swapchain's kind (F); asked last. NULL:
    * it cannot. */
   bool (*linear_image_ok)(void *ctx);
   void *ctx;
};

/* NULL when 'path' may be tried, else why not, written into 'why' ('len' bytes). 'forced':
 * VENUS_WSI_PATH asks for this path. */
const char *vw_path_unavailable(const struct vw_path_caps *caps, enum vw_path path, bool forced,
                                char *why, size_t len);

/* Tries A, B, E, C, F, D in turn (only 'wanted' unless it is VW_PATH_AUTO) with 'try_path', which
 * leaves nothing behind when it fails, until one works; the reason a path is skipped or
 * failed is logged. Returns the last failure, or VK_ERROR_INITIALIZATION_FAILED when none
 * could be tried. */
VkResult vw_path_choose(const struct vw_path_caps *caps, enum vw_path wanted,
                        VkResult (*try_path)(void *ctx, enum vw_path path), void *try_ctx,
                        enum vw_path *chosen);

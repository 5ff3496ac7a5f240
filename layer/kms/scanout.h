/* Scanout buffers: DRM framebuffers over dumb buffers or imported dma-bufs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kms_device.h"

struct vw_scanout_buffer {
   struct vw_kms_device *dev;
   uint32_t width, height, fourcc;
   uint32_t handle; /* GEM handle in the layer's DRM file */
   uint32_t pitch;
   uint32_t offset;
   uint64_t size;
   uint32_t fb_id;
   void *map; /* CPU mapping of a dumb buffer, or NULL */
   size_t map_size;
   bool dumb;
   struct vw_scanout_buffer *next_orphan;
};

/* A dumb buffer of 'alloc_height' rows (at least 'height') with a 'height'-row framebuffer
 * over it. */
int vw_scanout_create_dumb(struct vw_kms_device *dev, uint32_t width, uint32_t height,
                           uint32_t alloc_height, uint32_t fourcc, struct vw_scanout_buffer **out);
/* Maps the first 'size' bytes of a dumb buffer at an address that is a multiple of
 * 'alignment' (a power of two; more than the page size is fine). */
int vw_scanout_map(struct vw_scanout_buffer *buf, uint64_t size, uint64_t alignment);
/* A framebuffer over a dma-buf made elsewhere (path A). The fd stays the caller's. */
int vw_scanout_import(struct vw_kms_device *dev, int fd, uint32_t width, uint32_t height,
                      uint32_t fourcc, uint32_t pitch, uint32_t offset, uint64_t modifier,
                      struct vw_scanout_buffer **out);
/* A dma-buf of the buffer for Vulkan to import (path B); -1 on failure. */
int vw_scanout_export(struct vw_scanout_buffer *buf);
/* Frees the framebuffer, mapping and handle. Never call it for a buffer on screen unless
 * the CRTC is being turned off or restored: removing a shown framebuffer blanks it. */
void vw_scanout_destroy(struct vw_scanout_buffer *buf);
/* Frees a buffer the CRTC still holds and cannot be taken off (a flip that never completes)
 * without removing its framebuffer, which would block: the kernel keeps the picture and
 * frees it once something else is shown. False, leaving the buffer whole, on kernels
 * without DRM_IOCTL_MODE_CLOSEFB (before Linux 6.8). */
bool vw_scanout_leave_on_screen(struct vw_scanout_buffer *buf);

/* The KMS device as a buffer provider for the scanout paths: dumb buffers (mapped once),
 * dma-bufs imported and exported with PRIME, a framebuffer over each. */
#pragma once

#include <stdint.h>

#include "../image_paths/image_paths.h"
#include "kms_device.h"
#include "scanout.h"

struct vw_kms_buffers {
   struct vw_kms_device *dev;
   uint32_t fourcc;
};

/* A provider over 'kb' (which must outlive it), offering only what the device can do. */
struct vw_buffer_provider vw_kms_buffer_provider(struct vw_kms_buffers *kb);

/* The scanout buffer behind a provided one, or NULL. */
static inline struct vw_scanout_buffer *
vw_kms_buffer(const struct vw_provided_buffer *buf)
{
   return buf->handle;
}

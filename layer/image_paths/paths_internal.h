/* One file per path; each makes the memory of one image (and its provider buffer), leaving
 * what it made in place on failure for vw_image_paths_create to free. */
#pragma once

#include <errno.h>

#include "image_paths.h"

VkResult vw_path_export_image(struct vw_image_paths *paths, struct vw_swapchain *sc,
                              struct vw_image *img, struct vw_provided_buffer *buf);
VkResult vw_path_import_image(struct vw_image_paths *paths, struct vw_swapchain *sc,
                              struct vw_image *img, struct vw_provided_buffer *buf);
VkResult vw_path_hostptr_target(struct vw_image_paths *paths, struct vw_swapchain *sc,
                                struct vw_image *img, struct vw_provided_buffer *buf);
VkResult vw_path_hostptr_image(struct vw_image_paths *paths, struct vw_swapchain *sc,
                               struct vw_image *img, struct vw_provided_buffer *buf);
VkResult vw_path_linear_copy_image(struct vw_image_paths *paths, struct vw_swapchain *sc,
                                   struct vw_image *img, struct vw_provided_buffer *buf);
VkResult vw_path_copy_target(struct vw_image_paths *paths, struct vw_swapchain *sc,
                             struct vw_image *img, struct vw_provided_buffer *buf);

/* The provider's buffer for one image, mapped for the CPU (paths D and F). */
VkResult vw_path_mapped_buffer(struct vw_image_paths *paths, struct vw_swapchain *sc,
                               struct vw_provided_buffer *buf);

/* Memory of its own for 'img', with 'next' (export or import info) chained, bound to it.
 * img->memory stays VK_NULL_HANDLE when the allocation fails. */
VkResult vw_path_bind_dedicated(struct vw_device *dev, struct vw_image *img, VkDeviceSize size,
                                uint32_t type, const void *next);

/* A provider's errno as the Vulkan error a swapchain creation reports. */
static inline VkResult
vw_path_buffer_error(int e)
{
   return e == -ENOMEM ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_INITIALIZATION_FAILED;
}

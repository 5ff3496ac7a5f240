/* Queue access shared between the app and the layer (README.md, "How it works"). */
#pragma once

#include <vulkan/vulkan.h>

#include "device.h"

/* Signals the app's acquire semaphore and/or fence once the image is free: an empty
 * batch on a device queue, taken under that queue's lock. */
VkResult vw_signal_acquire(struct vw_device *dev, VkSemaphore semaphore, VkFence fence);

VKAPI_ATTR VkResult VKAPI_CALL vw_QueueSubmit(VkQueue queue, uint32_t count,
                                              const VkSubmitInfo *submits, VkFence fence);
VKAPI_ATTR VkResult VKAPI_CALL vw_QueueSubmit2(VkQueue queue, uint32_t count,
                                               const VkSubmitInfo2 *submits, VkFence fence);
VKAPI_ATTR VkResult VKAPI_CALL vw_QueueWaitIdle(VkQueue queue);
VKAPI_ATTR VkResult VKAPI_CALL vw_QueueBindSparse(VkQueue queue, uint32_t count,
                                                  const VkBindSparseInfo *binds, VkFence fence);
VKAPI_ATTR VkResult VKAPI_CALL vw_DeviceWaitIdle(VkDevice device);

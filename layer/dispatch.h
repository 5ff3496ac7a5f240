/* Function tables of the next layer in the chain: what the layer calls down. Each entry
 * is looked up once per instance or device; a NULL entry means the next layer (or the
 * driver) does not have that command. */
#pragma once

#include <vulkan/vulkan.h>

#include "venus_wsi/vk_present2.h"

#define VW_INSTANCE_COMMANDS(X)                                                                  \
   X(DestroyInstance)                                                                            \
   X(EnumeratePhysicalDevices)                                                                   \
   X(GetPhysicalDeviceProperties)                                                                \
   X(GetPhysicalDeviceProperties2)                                                               \
   X(GetPhysicalDeviceFeatures2)                                                                 \
   X(GetPhysicalDeviceQueueFamilyProperties)                                                     \
   X(GetPhysicalDeviceMemoryProperties)                                                          \
   X(GetPhysicalDeviceFormatProperties)                                                          \
   X(GetPhysicalDeviceImageFormatProperties)                                                     \
   X(GetPhysicalDeviceImageFormatProperties2)                                                    \
   X(GetPhysicalDeviceExternalBufferProperties)                                                  \
   X(EnumerateDeviceExtensionProperties)                                                         \
   X(DestroySurfaceKHR)                                                                          \
   X(GetPhysicalDeviceSurfaceSupportKHR)                                                         \
   X(GetPhysicalDeviceSurfaceCapabilitiesKHR)                                                    \
   X(GetPhysicalDeviceSurfaceFormatsKHR)                                                         \
   X(GetPhysicalDeviceSurfacePresentModesKHR)                                                    \
   X(GetPhysicalDeviceSurfaceCapabilities2KHR)                                                   \
   X(GetPhysicalDeviceSurfaceFormats2KHR)                                                        \
   X(GetPhysicalDevicePresentRectanglesKHR)

#define VW_DEVICE_COMMANDS(X)                                                                    \
   X(DestroyDevice)                                                                              \
   X(GetDeviceQueue)                                                                             \
   X(GetDeviceQueue2)                                                                            \
   X(DeviceWaitIdle)                                                                             \
   X(QueueSubmit)                                                                                \
   X(QueueSubmit2)                                                                               \
   X(QueueWaitIdle)                                                                              \
   X(QueueBindSparse)                                                                            \
   X(CreateImage)                                                                                \
   X(DestroyImage)                                                                               \
   X(GetImageMemoryRequirements)                                                                 \
   X(GetImageMemoryRequirements2)                                                                \
   X(GetImageSubresourceLayout)                                                                  \
   X(BindImageMemory)                                                                            \
   X(BindImageMemory2)                                                                           \
   X(CreateBuffer)                                                                               \
   X(DestroyBuffer)                                                                              \
   X(GetBufferMemoryRequirements)                                                                \
   X(BindBufferMemory)                                                                           \
   X(AllocateMemory)                                                                             \
   X(FreeMemory)                                                                                 \
   X(MapMemory)                                                                                  \
   X(UnmapMemory)                                                                                \
   X(InvalidateMappedMemoryRanges)                                                               \
   X(FlushMappedMemoryRanges)                                                                    \
   X(CreateFence)                                                                                \
   X(DestroyFence)                                                                               \
   X(ResetFences)                                                                                \
   X(WaitForFences)                                                                              \
   X(GetFenceStatus)                                                                             \
   X(CreateSemaphore)                                                                            \
   X(DestroySemaphore)                                                                           \
   X(CreateCommandPool)                                                                          \
   X(DestroyCommandPool)                                                                         \
   X(AllocateCommandBuffers)                                                                     \
   X(FreeCommandBuffers)                                                                         \
   X(BeginCommandBuffer)                                                                         \
   X(EndCommandBuffer)                                                                           \
   X(ResetCommandBuffer)                                                                         \
   X(CmdPipelineBarrier)                                                                         \
   X(CmdPipelineBarrier2)                                                                        \
   X(CmdWaitEvents)                                                                              \
   X(CmdWaitEvents2)                                                                             \
   X(CmdSetEvent2)                                                                               \
   X(CmdCopyImageToBuffer)                                                                       \
   X(CreateRenderPass)                                                                           \
   X(CreateRenderPass2)                                                                          \
   X(GetMemoryFdKHR)                                                                             \
   X(GetMemoryFdPropertiesKHR)                                                                   \
   X(GetMemoryHostPointerPropertiesEXT)                                                          \
   X(CreateSwapchainKHR)                                                                         \
   X(DestroySwapchainKHR)                                                                        \
   X(GetSwapchainImagesKHR)                                                                      \
   X(AcquireNextImageKHR)                                                                        \
   X(AcquireNextImage2KHR)                                                                       \
   X(QueuePresentKHR)                                                                            \
   X(WaitForPresentKHR)                                                                          \
   X(WaitForPresent2KHR)                                                                         \
   X(ReleaseSwapchainImagesEXT)                                                                  \
   X(GetDeviceGroupPresentCapabilitiesKHR)                                                       \
   X(GetDeviceGroupSurfacePresentModesKHR)

#define VW_DECLARE_PFN(name) PFN_vk##name name;

struct vw_instance_dispatch {
   VW_INSTANCE_COMMANDS(VW_DECLARE_PFN)
};

struct vw_device_dispatch {
   VW_DEVICE_COMMANDS(VW_DECLARE_PFN)
};

/* Looks each command up under its core name, then with the KHR suffix (a 1.0 instance
 * may only have the extension's name for a promoted command). */
void vw_instance_dispatch_init(struct vw_instance_dispatch *d, PFN_vkGetInstanceProcAddr gipa,
                               VkInstance instance);
void vw_device_dispatch_init(struct vw_device_dispatch *d, PFN_vkGetDeviceProcAddr gdpa,
                             VkDevice device);

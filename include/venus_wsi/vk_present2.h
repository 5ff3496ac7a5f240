/* VK_KHR_present_id2, VK_KHR_present_wait2 and VK_EXT_present_mode_fifo_latest_ready where
 * the system's Vulkan headers predate them: Debian 12's 1.3.239 has none of them, Debian
 * 13's 1.4.309 only the EXT. Written from the Vulkan registry's definitions (extensions 480,
 * 481 and 362). Enum values a header lacks cannot join its enums, so they are constants of
 * the enum's type. Headers that have an extension define its guard macro, and nothing here
 * is declared twice. */
#pragma once

#include <vulkan/vulkan_core.h>

#ifndef VK_KHR_present_id2
#define VK_KHR_present_id2 1
#define VK_KHR_PRESENT_ID_2_SPEC_VERSION 1
#define VK_KHR_PRESENT_ID_2_EXTENSION_NAME "VK_KHR_present_id2"
#define VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_PRESENT_ID_2_KHR ((VkStructureType)1000479000)
#define VK_STRUCTURE_TYPE_PRESENT_ID_2_KHR ((VkStructureType)1000479001)
#define VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_2_FEATURES_KHR ((VkStructureType)1000479002)
#define VK_SWAPCHAIN_CREATE_PRESENT_ID_2_BIT_KHR ((VkSwapchainCreateFlagBitsKHR)0x00000040)

typedef struct VkSurfaceCapabilitiesPresentId2KHR {
   VkStructureType sType;
   void *pNext;
   VkBool32 presentId2Supported;
} VkSurfaceCapabilitiesPresentId2KHR;

typedef struct VkPresentId2KHR {
   VkStructureType sType;
   const void *pNext;
   uint32_t swapchainCount;
   const uint64_t *pPresentIds;
} VkPresentId2KHR;

typedef struct VkPhysicalDevicePresentId2FeaturesKHR {
   VkStructureType sType;
   void *pNext;
   VkBool32 presentId2;
} VkPhysicalDevicePresentId2FeaturesKHR;
#endif

#ifndef VK_KHR_present_wait2
#define VK_KHR_present_wait2 1
#define VK_KHR_PRESENT_WAIT_2_SPEC_VERSION 1
#define VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME "VK_KHR_present_wait2"
#define VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_PRESENT_WAIT_2_KHR ((VkStructureType)1000480000)
#define VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_2_FEATURES_KHR                          \
   ((VkStructureType)1000480001)
#define VK_STRUCTURE_TYPE_PRESENT_WAIT_2_INFO_KHR ((VkStructureType)1000480002)
#define VK_SWAPCHAIN_CREATE_PRESENT_WAIT_2_BIT_KHR ((VkSwapchainCreateFlagBitsKHR)0x00000080)

typedef struct VkSurfaceCapabilitiesPresentWait2KHR {
   VkStructureType sType;
   void *pNext;
   VkBool32 presentWait2Supported;
} VkSurfaceCapabilitiesPresentWait2KHR;

typedef struct VkPhysicalDevicePresentWait2FeaturesKHR {
   VkStructureType sType;
   void *pNext;
   VkBool32 presentWait2;
} VkPhysicalDevicePresentWait2FeaturesKHR;

typedef struct VkPresentWait2InfoKHR {
   VkStructureType sType;
   const void *pNext;
   uint64_t presentId;
   uint64_t timeout;
} VkPresentWait2InfoKHR;

typedef VkResult(VKAPI_PTR *PFN_vkWaitForPresent2KHR)(VkDevice device, VkSwapchainKHR swapchain,
                                                      const VkPresentWait2InfoKHR *info);
#endif

#ifndef VK_EXT_present_mode_fifo_latest_ready
#define VK_EXT_present_mode_fifo_latest_ready 1
#define VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_SPEC_VERSION 1
#define VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME "VK_EXT_present_mode_fifo_latest_ready"
#define VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_MODE_FIFO_LATEST_READY_FEATURES_EXT          \
   ((VkStructureType)1000361000)
#define VK_PRESENT_MODE_FIFO_LATEST_READY_EXT ((VkPresentModeKHR)1000361000)

typedef struct VkPhysicalDevicePresentModeFifoLatestReadyFeaturesEXT {
   VkStructureType sType;
   void *pNext;
   VkBool32 presentModeFifoLatestReady;
} VkPhysicalDevicePresentModeFifoLatestReadyFeaturesEXT;
#endif

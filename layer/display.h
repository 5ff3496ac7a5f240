/* VK_KHR_display and VK_KHR_get_display_properties2 over the instance's KMS device:
 * displays are connectors, display modes are their modes, plane i is the primary plane of
 * CRTC i. */
#pragma once

#include <vulkan/vulkan.h>

#include "instance.h"
#include "kms/kms_device.h"

/* A display-plane surface: what its swapchains present to. */
struct vw_display_surface {
   struct vw_kms_device *dev;
   struct vw_kms_connector *connector;
   struct vw_kms_mode *mode;
   struct vw_kms_crtc *crtc;
   uint32_t plane_index;
   VkExtent2D extent;
};

/* The KMS device this physical device presents to, opening it on first use; NULL if none. */
struct vw_kms_device *vw_physical_device_kms(struct vw_physical_device *pdev);

VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceDisplayPropertiesKHR(
   VkPhysicalDevice pdev, uint32_t *count, VkDisplayPropertiesKHR *props);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceDisplayProperties2KHR(
   VkPhysicalDevice pdev, uint32_t *count, VkDisplayProperties2KHR *props);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceDisplayPlanePropertiesKHR(
   VkPhysicalDevice pdev, uint32_t *count, VkDisplayPlanePropertiesKHR *props);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetPhysicalDeviceDisplayPlaneProperties2KHR(
   VkPhysicalDevice pdev, uint32_t *count, VkDisplayPlaneProperties2KHR *props);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDisplayPlaneSupportedDisplaysKHR(VkPhysicalDevice pdev,
                                                                      uint32_t plane,
                                                                      uint32_t *count,
                                                                      VkDisplayKHR *displays);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDisplayModePropertiesKHR(VkPhysicalDevice pdev,
                                                              VkDisplayKHR display,
                                                              uint32_t *count,
                                                              VkDisplayModePropertiesKHR *props);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDisplayModeProperties2KHR(VkPhysicalDevice pdev,
                                                               VkDisplayKHR display,
                                                               uint32_t *count,
                                                               VkDisplayModeProperties2KHR *props);
VKAPI_ATTR VkResult VKAPI_CALL vw_CreateDisplayModeKHR(VkPhysicalDevice pdev, VkDisplayKHR display,
                                                       const VkDisplayModeCreateInfoKHR *ci,
                                                       const VkAllocationCallbacks *alloc,
                                                       VkDisplayModeKHR *mode);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDisplayPlaneCapabilitiesKHR(
   VkPhysicalDevice pdev, VkDisplayModeKHR mode, uint32_t plane,
   VkDisplayPlaneCapabilitiesKHR *caps);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDisplayPlaneCapabilities2KHR(
   VkPhysicalDevice pdev, const VkDisplayPlaneInfo2KHR *info, VkDisplayPlaneCapabilities2KHR *caps);
VKAPI_ATTR VkResult VKAPI_CALL vw_CreateDisplayPlaneSurfaceKHR(
   VkInstance instance, const VkDisplaySurfaceCreateInfoKHR *ci,
   const VkAllocationCallbacks *alloc, VkSurfaceKHR *surface);

VKAPI_ATTR VkResult VKAPI_CALL vw_ReleaseDisplayEXT(VkPhysicalDevice pdev, VkDisplayKHR display);
VKAPI_ATTR VkResult VKAPI_CALL vw_AcquireDrmDisplayEXT(VkPhysicalDevice pdev, int32_t drm_fd,
                                                       VkDisplayKHR display);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetDrmDisplayEXT(VkPhysicalDevice pdev, int32_t drm_fd,
                                                   uint32_t connector_id, VkDisplayKHR *display);

/* The connector behind a display handle of 'dev', or NULL. */
struct vw_kms_connector *vw_display_connector(struct vw_kms_device *dev, VkDisplayKHR display);

/* VK_EXT_display_control (display_control.c). */
struct vw_device;
struct vw_swapchain;
VKAPI_ATTR VkResult VKAPI_CALL vw_DisplayPowerControlEXT(VkDevice device, VkDisplayKHR display,
                                                         const VkDisplayPowerInfoEXT *info);
VKAPI_ATTR VkResult VKAPI_CALL vw_RegisterDeviceEventEXT(VkDevice device,
                                                         const VkDeviceEventInfoEXT *info,
                                                         const VkAllocationCallbacks *alloc,
                                                         VkFence *fence);
VKAPI_ATTR VkResult VKAPI_CALL vw_RegisterDisplayEventEXT(VkDevice device, VkDisplayKHR display,
                                                          const VkDisplayEventInfoEXT *info,
                                                          const VkAllocationCallbacks *alloc,
                                                          VkFence *fence);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetSwapchainCounterEXT(VkDevice device,
                                                         VkSwapchainKHR swapchain,
                                                         VkSurfaceCounterFlagBitsEXT counter,
                                                         uint64_t *value);
VKAPI_ATTR VkResult VKAPI_CALL vw_WaitForFences(VkDevice device, uint32_t count,
                                                const VkFence *fences, VkBool32 wait_all,
                                                uint64_t timeout);
VKAPI_ATTR VkResult VKAPI_CALL vw_GetFenceStatus(VkDevice device, VkFence fence);
VKAPI_ATTR void VKAPI_CALL vw_DestroyFence(VkDevice device, VkFence fence,
                                           const VkAllocationCallbacks *alloc);
/* A frame reached the screen on 'c' (flip completed): FIRST_PIXEL_OUT fences fire. */
void vw_display_events_flip(struct vw_kms_connector *c);
/* The device goes: its registrations are dropped (their fences go with it). */
void vw_display_events_forget_device(struct vw_device *dev);
/* Vertical blanks since the display swapchain was created. */
uint64_t vw_display_vblank_count(struct vw_swapchain *sc);

extern const struct vw_backend_ops vw_display_backend;

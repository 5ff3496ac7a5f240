/* Loader glue: interface negotiation and the three proc-address queries. A command the
 * layer does not implement for a given instance or device resolves to the next layer's
 * pointer, so pass-through costs nothing on any path. */
#include <string.h>
#include <vulkan/vk_layer.h>

#include "device.h"
#include "display.h"
#include "instance.h"
#include "layout_rewrite.h"
#include "queue_sync.h"
#include "surface.h"
#include "swapchain.h"
#ifdef VW_HAVE_WAYLAND
#include "wayland/wayland.h"
#endif
#ifdef VW_HAVE_X11
#include "x11/x11.h"
#endif

#define VW_EXPORT __attribute__((visibility("default")))

enum intercept_scope {
   ALWAYS,          /* bookkeeping the layer needs whatever it does */
   ACTIVE_INSTANCE, /* instance-level WSI, when the layer implements WSI */
   ACTIVE_DEVICE,   /* device-level, on devices where the layer implements WSI */
   APP_SWAPCHAIN,   /* ... and the app enabled VK_KHR_swapchain */
   REWRITE,         /* ... and the driver lacks VK_KHR_swapchain (layout rewriting) */
};

struct intercept {
   const char *name;
   PFN_vkVoidFunction fn;
   enum intercept_scope scope;
   bool device_level;
   bool wraps_next; /* only offered when the next layer has the command too */
};

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vw_GetInstanceProcAddr(VkInstance instance,
                                                                       const char *name);
static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vw_GetDeviceProcAddr(VkDevice device,
                                                                     const char *name);

#define FN(f) ((PFN_vkVoidFunction)(f))
static const struct intercept intercepts[] = {
   {"vkGetInstanceProcAddr", FN(vw_GetInstanceProcAddr), ALWAYS, false, false},
   {"vkCreateInstance", FN(vw_CreateInstance), ALWAYS, false, false},
   {"vkDestroyInstance", FN(vw_DestroyInstance), ALWAYS, false, false},
   {"vkCreateDevice", FN(vw_CreateDevice), ALWAYS, false, false},
   {"vkEnumerateDeviceExtensionProperties", FN(vw_EnumerateDeviceExtensionProperties), ALWAYS,
    false, false},
   {"vkGetDeviceProcAddr", FN(vw_GetDeviceProcAddr), ALWAYS, true, false},
   {"vkDestroyDevice", FN(vw_DestroyDevice), ALWAYS, true, false},

   {"vkCreateHeadlessSurfaceEXT", FN(vw_CreateHeadlessSurfaceEXT), ACTIVE_INSTANCE, false, false},
   {"vkDestroySurfaceKHR", FN(vw_DestroySurfaceKHR), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceSurfaceSupportKHR", FN(vw_GetPhysicalDeviceSurfaceSupportKHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceSurfaceCapabilitiesKHR", FN(vw_GetPhysicalDeviceSurfaceCapabilitiesKHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceSurfaceCapabilities2KHR",
    FN(vw_GetPhysicalDeviceSurfaceCapabilities2KHR), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceSurfaceCapabilities2EXT",
    FN(vw_GetPhysicalDeviceSurfaceCapabilities2EXT), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceSurfaceFormatsKHR", FN(vw_GetPhysicalDeviceSurfaceFormatsKHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceSurfaceFormats2KHR", FN(vw_GetPhysicalDeviceSurfaceFormats2KHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceSurfacePresentModesKHR", FN(vw_GetPhysicalDeviceSurfacePresentModesKHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDevicePresentRectanglesKHR", FN(vw_GetPhysicalDevicePresentRectanglesKHR),
    ACTIVE_INSTANCE, false, false},

#ifdef VW_HAVE_X11
   {"vkCreateXcbSurfaceKHR", FN(vw_CreateXcbSurfaceKHR), ACTIVE_INSTANCE, false, false},
   {"vkCreateXlibSurfaceKHR", FN(vw_CreateXlibSurfaceKHR), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceXcbPresentationSupportKHR",
    FN(vw_GetPhysicalDeviceXcbPresentationSupportKHR), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceXlibPresentationSupportKHR",
    FN(vw_GetPhysicalDeviceXlibPresentationSupportKHR), ACTIVE_INSTANCE, false, false},
#endif
#ifdef VW_HAVE_WAYLAND
   {"vkCreateWaylandSurfaceKHR", FN(vw_CreateWaylandSurfaceKHR), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceWaylandPresentationSupportKHR",
    FN(vw_GetPhysicalDeviceWaylandPresentationSupportKHR), ACTIVE_INSTANCE, false, false},
#endif

   {"vkGetPhysicalDeviceDisplayPropertiesKHR", FN(vw_GetPhysicalDeviceDisplayPropertiesKHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceDisplayProperties2KHR", FN(vw_GetPhysicalDeviceDisplayProperties2KHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceDisplayPlanePropertiesKHR",
    FN(vw_GetPhysicalDeviceDisplayPlanePropertiesKHR), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceDisplayPlaneProperties2KHR",
    FN(vw_GetPhysicalDeviceDisplayPlaneProperties2KHR), ACTIVE_INSTANCE, false, false},
   {"vkGetDisplayPlaneSupportedDisplaysKHR", FN(vw_GetDisplayPlaneSupportedDisplaysKHR),
    ACTIVE_INSTANCE, false, false},
   {"vkGetDisplayModePropertiesKHR", FN(vw_GetDisplayModePropertiesKHR), ACTIVE_INSTANCE, false,
    false},
   {"vkGetDisplayModeProperties2KHR", FN(vw_GetDisplayModeProperties2KHR), ACTIVE_INSTANCE, false,
    false},
   {"vkCreateDisplayModeKHR", FN(vw_CreateDisplayModeKHR), ACTIVE_INSTANCE, false, false},
   {"vkGetDisplayPlaneCapabilitiesKHR", FN(vw_GetDisplayPlaneCapabilitiesKHR), ACTIVE_INSTANCE,
    false, false},
   {"vkGetDisplayPlaneCapabilities2KHR", FN(vw_GetDisplayPlaneCapabilities2KHR), ACTIVE_INSTANCE,
    false, false},
   {"vkCreateDisplayPlaneSurfaceKHR", FN(vw_CreateDisplayPlaneSurfaceKHR), ACTIVE_INSTANCE, false,
    false},
   {"vkReleaseDisplayEXT", FN(vw_ReleaseDisplayEXT), ACTIVE_INSTANCE, false, false},
   {"vkAcquireDrmDisplayEXT", FN(vw_AcquireDrmDisplayEXT), ACTIVE_INSTANCE, false, false},
   {"vkGetDrmDisplayEXT", FN(vw_GetDrmDisplayEXT), ACTIVE_INSTANCE, false, false},
   {"vkGetPhysicalDeviceFeatures2", FN(vw_GetPhysicalDeviceFeatures2), ACTIVE_INSTANCE, false,
    true},
   {"vkGetPhysicalDeviceFeatures2KHR", FN(vw_GetPhysicalDeviceFeatures2), ACTIVE_INSTANCE, false,
    true},

   {"vkQueueSubmit", FN(vw_QueueSubmit), ACTIVE_DEVICE, true, true},
   {"vkQueueSubmit2", FN(vw_QueueSubmit2), ACTIVE_DEVICE, true, true},
   {"vkQueueSubmit2KHR", FN(vw_QueueSubmit2), ACTIVE_DEVICE, true, true},
   {"vkQueueWaitIdle", FN(vw_QueueWaitIdle), ACTIVE_DEVICE, true, true},
   {"vkQueueBindSparse", FN(vw_QueueBindSparse), ACTIVE_DEVICE, true, true},
   {"vkDeviceWaitIdle", FN(vw_DeviceWaitIdle), ACTIVE_DEVICE, true, true},

   {"vkCreateSwapchainKHR", FN(vw_CreateSwapchainKHR), APP_SWAPCHAIN, true, false},
   {"vkDestroySwapchainKHR", FN(vw_DestroySwapchainKHR), APP_SWAPCHAIN, true, false},
   {"vkGetSwapchainImagesKHR", FN(vw_GetSwapchainImagesKHR), APP_SWAPCHAIN, true, false},
   {"vkAcquireNextImageKHR", FN(vw_AcquireNextImageKHR), APP_SWAPCHAIN, true, false},
   {"vkAcquireNextImage2KHR", FN(vw_AcquireNextImage2KHR), APP_SWAPCHAIN, true, false},
   {"vkQueuePresentKHR", FN(vw_QueuePresentKHR), APP_SWAPCHAIN, true, false},
   {"vkWaitForPresentKHR", FN(vw_WaitForPresentKHR), APP_SWAPCHAIN, true, false},
   {"vkWaitForPresent2KHR", FN(vw_WaitForPresent2KHR), APP_SWAPCHAIN, true, false},
   {"vkReleaseSwapchainImagesEXT", FN(vw_ReleaseSwapchainImagesEXT), APP_SWAPCHAIN, true, false},
   {"vkReleaseSwapchainImagesKHR", FN(vw_ReleaseSwapchainImagesEXT), APP_SWAPCHAIN, true, false},
   {"vkGetDeviceGroupPresentCapabilitiesKHR", FN(vw_GetDeviceGroupPresentCapabilitiesKHR),
    APP_SWAPCHAIN, true, false},
   {"vkGetDeviceGroupSurfacePresentModesKHR", FN(vw_GetDeviceGroupSurfacePresentModesKHR),
    APP_SWAPCHAIN, true, false},
   {"vkDisplayPowerControlEXT", FN(vw_DisplayPowerControlEXT), APP_SWAPCHAIN, true, false},
   {"vkRegisterDeviceEventEXT", FN(vw_RegisterDeviceEventEXT), APP_SWAPCHAIN, true, false},
   {"vkRegisterDisplayEventEXT", FN(vw_RegisterDisplayEventEXT), APP_SWAPCHAIN, true, false},
   {"vkGetSwapchainCounterEXT", FN(vw_GetSwapchainCounterEXT), APP_SWAPCHAIN, true, false},
   {"vkDestroyFence", FN(vw_DestroyFence), APP_SWAPCHAIN, true, true},
   {"vkWaitForFences", FN(vw_WaitForFences), APP_SWAPCHAIN, true, true},
   {"vkGetFenceStatus", FN(vw_GetFenceStatus), APP_SWAPCHAIN, true, true},
   {"vkCreateImage", FN(vw_CreateImage), APP_SWAPCHAIN, true, true},
   {"vkBindImageMemory2", FN(vw_BindImageMemory2), APP_SWAPCHAIN, true, true},
   {"vkBindImageMemory2KHR", FN(vw_BindImageMemory2), APP_SWAPCHAIN, true, true},

   {"vkCmdPipelineBarrier", FN(vw_CmdPipelineBarrier), REWRITE, true, true},
   {"vkCmdPipelineBarrier2", FN(vw_CmdPipelineBarrier2), REWRITE, true, true},
   {"vkCmdPipelineBarrier2KHR", FN(vw_CmdPipelineBarrier2), REWRITE, true, true},
   {"vkCmdWaitEvents", FN(vw_CmdWaitEvents), REWRITE, true, true},
   {"vkCmdWaitEvents2", FN(vw_CmdWaitEvents2), REWRITE, true, true},
   {"vkCmdWaitEvents2KHR", FN(vw_CmdWaitEvents2), REWRITE, true, true},
   {"vkCmdSetEvent2", FN(vw_CmdSetEvent2), REWRITE, true, true},
   {"vkCmdSetEvent2KHR", FN(vw_CmdSetEvent2), REWRITE, true, true},
   {"vkCreateRenderPass", FN(vw_CreateRenderPass), REWRITE, true, true},
   {"vkCreateRenderPass2", FN(vw_CreateRenderPass2), REWRITE, true, true},
   {"vkCreateRenderPass2KHR", FN(vw_CreateRenderPass2), REWRITE, true, true},
};
#undef FN

static const struct intercept *
find_intercept(const char *name)
{
   if (!name || name[0] != 'v' || name[1] != 'k')
      return NULL;
   for (size_t i = 0; i < sizeof(intercepts) / sizeof(intercepts[0]); i++)
      if (!strcmp(intercepts[i].name, name))
         return &intercepts[i];
   return NULL;
}

static bool
device_wants(const struct vw_device *dev, const struct intercept *ic)
{
   switch (ic->scope) {
   case ALWAYS: return true;
   case ACTIVE_INSTANCE: return false;
   case ACTIVE_DEVICE: return dev->active;
   case APP_SWAPCHAIN: return dev->active && dev->app_ext.swapchain;
   case REWRITE: return dev->active && dev->rewrite_present_layout;
   }
   return false;
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vw_GetDeviceProcAddr(VkDevice device, const char *name)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return NULL;
   const struct intercept *ic = find_intercept(name);
   if (!ic || !device_wants(dev, ic))
      return dev->next_gdpa(device, name);
   if (ic->wraps_next && !dev->next_gdpa(device, name))
      return NULL;
   return ic->fn;
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vw_GetInstanceProcAddr(VkInstance instance, const char *name)
{
   const struct intercept *ic = find_intercept(name);
   struct vw_instance *inst = vw_instance_from_handle(instance);
   if (!inst) {
      /* Before an instance exists only the global commands make sense. */
      if (ic && ic->scope == ALWAYS && !ic->device_level)
         return ic->fn;
      return NULL;
   }
   if (ic && (ic->scope == ALWAYS || inst->active)) {
      if (ic->wraps_next && !inst->next_gipa(instance, name))
         return NULL;
      return ic->fn;
   }
   return inst->next_gipa(instance, name);
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vw_GetPhysicalDeviceProcAddr(VkInstance instance, const char *name)
{
   struct vw_instance *inst = vw_instance_from_handle(instance);
   if (!inst)
      return NULL;
   const struct intercept *ic = find_intercept(name);
   if (ic && !ic->device_level && ic->scope == ACTIVE_INSTANCE && inst->active)
      return ic->fn;
   PFN_GetPhysicalDeviceProcAddr next =
      (PFN_GetPhysicalDeviceProcAddr)inst->next_gipa(instance, "vk_layerGetPhysicalDeviceProcAddr");
   return next ? next(instance, name) : NULL;
}

VW_EXPORT VKAPI_ATTR VkResult VKAPI_CALL
vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface *iface)
{
   if (!iface || iface->sType != LAYER_NEGOTIATE_INTERFACE_STRUCT)
      return VK_ERROR_INITIALIZATION_FAILED;
   if (iface->loaderLayerInterfaceVersion < 2)
      return VK_ERROR_INITIALIZATION_FAILED;
   iface->loaderLayerInterfaceVersion = 2;
   iface->pfnGetInstanceProcAddr = vw_GetInstanceProcAddr;
   iface->pfnGetDeviceProcAddr = vw_GetDeviceProcAddr;
   iface->pfnGetPhysicalDeviceProcAddr = vw_GetPhysicalDeviceProcAddr;
   return VK_SUCCESS;
}

/* For loaders and tools that look the entry points up by name. */
VW_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vkGetInstanceProcAddr(VkInstance instance, const char *name)
{
   return vw_GetInstanceProcAddr(instance, name);
}

VW_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vkGetDeviceProcAddr(VkDevice device, const char *name)
{
   return vw_GetDeviceProcAddr(device, name);
}

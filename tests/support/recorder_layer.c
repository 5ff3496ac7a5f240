/* A test layer placed below venus-wsi: it writes what reaches it at vkCreateInstance (the
 * apiVersion and the enabled extensions) to $VW_RECORDER_FILE, then passes every call down.
 * It shows what the layer above really changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vk_layer.h>

#define EXPORT __attribute__((visibility("default")))

static PFN_vkGetInstanceProcAddr next_gipa;
static PFN_vkGetDeviceProcAddr next_gdpa;

static void *
find_link(const void *pnext, VkStructureType type, VkLayerFunction function)
{
   for (const VkBaseInStructure *s = pnext; s; s = s->pNext) {
      /* Both link structures share this layout up to 'function'. */
      const VkLayerInstanceCreateInfo *info = (const VkLayerInstanceCreateInfo *)s;
      if (s->sType == type && info->function == function)
         return (void *)s;
   }
   return NULL;
}

static void
record(const VkInstanceCreateInfo *ci)
{
   const char *path = getenv("VW_RECORDER_FILE");
   FILE *f = path ? fopen(path, "w") : NULL;
   if (!f)
      return;
   uint32_t api = ci->pApplicationInfo ? ci->pApplicationInfo->apiVersion : 0;
   fprintf(f, "api=%u.%u\n", VK_API_VERSION_MAJOR(api), VK_API_VERSION_MINOR(api));
   for (uint32_t i = 0; i < ci->enabledExtensionCount; i++)
      fprintf(f, "ext=%s\n", ci->ppEnabledExtensionNames[i]);
   fclose(f);
}

static VKAPI_ATTR VkResult VKAPI_CALL
recorder_CreateInstance(const VkInstanceCreateInfo *ci, const VkAllocationCallbacks *alloc,
                        VkInstance *out)
{
   VkLayerInstanceCreateInfo *link =
      find_link(ci->pNext, VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO, VK_LAYER_LINK_INFO);
   if (!link)
      return VK_ERROR_INITIALIZATION_FAILED;
   next_gipa = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
   link->u.pLayerInfo = link->u.pLayerInfo->pNext;
   record(ci);
   PFN_vkCreateInstance create = (PFN_vkCreateInstance)next_gipa(NULL, "vkCreateInstance");
   return create(ci, alloc, out);
}

static VKAPI_ATTR VkResult VKAPI_CALL
recorder_CreateDevice(VkPhysicalDevice pdev, const VkDeviceCreateInfo *ci,
                      const VkAllocationCallbacks *alloc, VkDevice *out)
{
   VkLayerDeviceCreateInfo *link =
      find_link(ci->pNext, VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO, VK_LAYER_LINK_INFO);
   if (!link)
      return VK_ERROR_INITIALIZATION_FAILED;
   PFN_vkGetInstanceProcAddr gipa = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
   next_gdpa = link->u.pLayerInfo->pfnNextGetDeviceProcAddr;
   link->u.pLayerInfo = link->u.pLayerInfo->pNext;
   PFN_vkCreateDevice create = (PFN_vkCreateDevice)gipa(NULL, "vkCreateDevice");
   return create(pdev, ci, alloc, out);
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL recorder_GetInstanceProcAddr(VkInstance, const char *);

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
recorder_GetDeviceProcAddr(VkDevice device, const char *name)
{
   if (!strcmp(name, "vkGetDeviceProcAddr"))
      return (PFN_vkVoidFunction)recorder_GetDeviceProcAddr;
   return next_gdpa ? next_gdpa(device, name) : NULL;
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
recorder_GetInstanceProcAddr(VkInstance instance, const char *name)
{
   if (!strcmp(name, "vkGetInstanceProcAddr"))
      return (PFN_vkVoidFunction)recorder_GetInstanceProcAddr;
   if (!strcmp(name, "vkCreateInstance"))
      return (PFN_vkVoidFunction)recorder_CreateInstance;
   if (!strcmp(name, "vkCreateDevice"))
      return (PFN_vkVoidFunction)recorder_CreateDevice;
   if (!strcmp(name, "vkGetDeviceProcAddr"))
      return (PFN_vkVoidFunction)recorder_GetDeviceProcAddr;
   return next_gipa ? next_gipa(instance, name) : NULL;
}

EXPORT VKAPI_ATTR VkResult VKAPI_CALL
vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface *iface)
{
   if (iface->loaderLayerInterfaceVersion < 2)
      return VK_ERROR_INITIALIZATION_FAILED;
   iface->loaderLayerInterfaceVersion = 2;
   iface->pfnGetInstanceProcAddr = recorder_GetInstanceProcAddr;
   iface->pfnGetDeviceProcAddr = recorder_GetDeviceProcAddr;
   iface->pfnGetPhysicalDeviceProcAddr = NULL;
   return VK_SUCCESS;
}

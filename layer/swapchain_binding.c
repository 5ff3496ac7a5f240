/* Vulkan 1.1 device-group pieces of VK_KHR_swapchain: an app image created with
 * VkImageSwapchainCreateInfoKHR and bound with VkBindImageMemorySwapchainInfoKHR aliases
 * the memory of a swapchain image. The driver never sees the layer's swapchain handle. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "swapchain.h"

static const VkImageSwapchainCreateInfoKHR *
find_image_swapchain_info(const VkImageCreateInfo *ci)
{
   for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext)
      if (s->sType == VK_STRUCTURE_TYPE_IMAGE_SWAPCHAIN_CREATE_INFO_KHR)
         return (const VkImageSwapchainCreateInfoKHR *)s;
   return NULL;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_CreateImage(VkDevice device, const VkImageCreateInfo *ci, const VkAllocationCallbacks *alloc,
               VkImage *out)
{
   struct vw_device *dev = vw_device_from_handle(device);
   const VkImageSwapchainCreateInfoKHR *info = find_image_swapchain_info(ci);
   struct vw_swapchain *sc = info ? vw_swapchain_from_handle(info->swapchain) : NULL;
   if (!sc)
      return dev->next.CreateImage(device, ci, alloc, out);
   /* The spec makes the app's parameters match the swapchain's; the swapchain's template
    * also carries what the layer added (transfer usage, format list). */
   return dev->next.CreateImage(device, &sc->image_ci, alloc, out);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_BindImageMemory2(VkDevice device, uint32_t count, const VkBindImageMemoryInfo *infos)
{
   struct vw_device *dev = vw_device_from_handle(device);
   bool any = false;
   for (uint32_t i = 0; i < count && !any; i++)
      for (const VkBaseInStructure *s = infos[i].pNext; s; s = s->pNext)
         if (s->sType == VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_SWAPCHAIN_INFO_KHR)
            any = true;
   if (!any)
      return dev->next.BindImageMemory2(device, count, infos);

   VkBindImageMemoryInfo *fixed = calloc(count, sizeof(*fixed));
   VkBindImageMemoryDeviceGroupInfo *groups = calloc(count, sizeof(*groups));
   if (!fixed || !groups) {
      free(fixed);
      free(groups);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   VkResult r = VK_SUCCESS;
   for (uint32_t i = 0; i < count && r == VK_SUCCESS; i++) {
      fixed[i] = infos[i];
      fixed[i].pNext = NULL;
      for (const VkBaseInStructure *s = infos[i].pNext; s; s = s->pNext) {
         if (s->sType == VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_SWAPCHAIN_INFO_KHR) {
            const VkBindImageMemorySwapchainInfoKHR *b = (const void *)s;
            struct vw_swapchain *sc = vw_swapchain_from_handle(b->swapchain);
            if (!sc || b->imageIndex >= sc->image_count) {
               vw_err("vkBindImageMemory2: unknown swapchain or image %u", b->imageIndex);
               r = VK_ERROR_OUT_OF_DEVICE_MEMORY;
               break;
            }
            fixed[i].memory = sc->images[b->imageIndex].memory;
            fixed[i].memoryOffset = sc->images[b->imageIndex].memory_offset;
         } else if (s->sType == VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_DEVICE_GROUP_INFO) {
            /* The one other structure that may ride along: keep it. */
            groups[i] = *(const VkBindImageMemoryDeviceGroupInfo *)s;
            groups[i].pNext = NULL;
            fixed[i].pNext = &groups[i];
         }
      }
   }
   if (r == VK_SUCCESS)
      r = dev->next.BindImageMemory2(device, count, fixed);
   free(fixed);
   free(groups);
   return r;
}

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

/* The driver's image for one app bind through a layer swapchain: swapchain info out, the
 * image's memory in; the structures that may ride along with it are kept. */
struct rebound {
   VkBindImageMemoryDeviceGroupInfo group;
#ifdef VK_STRUCTURE_TYPE_BIND_MEMORY_STATUS_KHR
   VkBindMemoryStatusKHR status;
#endif
};

static bool
rebind(const VkBindImageMemoryInfo *in, VkBindImageMemoryInfo *out, struct rebound *keep)
{
   const VkBindImageMemorySwapchainInfoKHR *b = NULL;
   for (const VkBaseInStructure *s = in->pNext; s; s = s->pNext)
      if (s->sType == VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_SWAPCHAIN_INFO_KHR)
         b = (const void *)s;
   *out = *in;
   struct vw_swapchain *sc = b ? vw_swapchain_from_handle(b->swapchain) : NULL;
   if (!sc)
      return true; /* not a layer swapchain's: the driver binds it as the app asked */
   if (b->imageIndex >= sc->image_count) {
      vw_err("vkBindImageMemory2: swapchain %u has no image %u", sc->serial, b->imageIndex);
      return false;
   }
   out->memory = sc->images[b->imageIndex].memory;
   out->memoryOffset = sc->images[b->imageIndex].memory_offset;
   out->pNext = NULL;
   VkBaseOutStructure **tail = (VkBaseOutStructure **)&out->pNext;
   for (const VkBaseInStructure *s = in->pNext; s; s = s->pNext) {
      VkBaseOutStructure *copy = NULL;
      if (s->sType == VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_DEVICE_GROUP_INFO) {
         keep->group = *(const VkBindImageMemoryDeviceGroupInfo *)s;
         copy = (VkBaseOutStructure *)&keep->group;
      }
#ifdef VK_STRUCTURE_TYPE_BIND_MEMORY_STATUS_KHR
      else if (s->sType == VK_STRUCTURE_TYPE_BIND_MEMORY_STATUS_KHR) {
         keep->status = *(const VkBindMemoryStatusKHR *)s;
         copy = (VkBaseOutStructure *)&keep->status;
      }
#endif
      if (copy) {
         copy->pNext = NULL;
         *tail = copy;
         tail = &copy->pNext;
      }
   }
   return true;
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
   struct rebound *keep = calloc(count, sizeof(*keep));
   if (!fixed || !keep) {
      free(fixed);
      free(keep);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   VkResult r = VK_SUCCESS;
   for (uint32_t i = 0; i < count && r == VK_SUCCESS; i++)
      if (!rebind(&infos[i], &fixed[i], &keep[i]))
         r = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   if (r == VK_SUCCESS)
      r = dev->next.BindImageMemory2(device, count, fixed);
   free(fixed);
   free(keep);
   return r;
}

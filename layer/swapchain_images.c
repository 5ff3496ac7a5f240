/* Memory for swapchain images and for the host-visible buffers the present copy fills. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "swapchain.h"
#include "venus_wsi/format_table.h"

uint64_t
vw_now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Allocates memory for 'reqs'; dedicated to 'image' or 'buffer' when one is given. */
static VkResult
allocate(struct vw_device *dev, VkMemoryRequirements *reqs, VkImage image,
                   VkBuffer buffer, VkMemoryPropertyFlags required,
                   VkMemoryPropertyFlags preferred, VkDeviceMemory *out, uint32_t *type_out)
{
   int32_t type = vw_find_memory_type(dev->pdev, reqs->memoryTypeBits, required, preferred);
   if (type < 0) {
      vw_err("no memory type with flags 0x%x among 0x%x", required, reqs->memoryTypeBits);
      return VK_ERROR_OUT_OF_DEVICE_MEMORY;
   }
   VkMemoryDedicatedAllocateInfo dedicated = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
      .image = image,
      .buffer = buffer,
   };
   VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = (image || buffer) ? &dedicated : NULL,
      .allocationSize = reqs->size,
      .memoryTypeIndex = (uint32_t)type,
   };
   if (type_out)
      *type_out = (uint32_t)type;
   return dev->next.AllocateMemory(dev->handle, &info, NULL, out);
}

uint64_t
vw_thread_cpu_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* An image from sc->image_ci with memory of the 'required' flags ('preferred' where a type
 * has them), bound; the type chosen in '*type'. */
static VkResult
create_image(struct vw_swapchain *sc, struct vw_image *img, VkMemoryPropertyFlags required,
             VkMemoryPropertyFlags preferred, uint32_t *type)
{
   struct vw_device *dev = sc->dev;
   VkResult r = dev->next.CreateImage(dev->handle, &sc->image_ci, NULL, &img->image);
   if (r != VK_SUCCESS)
      return r;
   VkMemoryDedicatedRequirements dedicated = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS,
   };
   VkMemoryRequirements2 reqs2 = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2,
      .pNext = &dedicated,
   };
   VkImageMemoryRequirementsInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2,
      .image = img->image,
   };
   dev->next.GetImageMemoryRequirements2(dev->handle, &info, &reqs2);
   /* Not dedicated unless the driver insists: apps may bind their own images to this
    * memory (VkBindImageMemorySwapchainInfoKHR), which a dedicated allocation forbids. */
   VkImage dedicated_to = dedicated.requiresDedicatedAllocation ? img->image : VK_NULL_HANDLE;
   r = allocate(dev, &reqs2.memoryRequirements, dedicated_to, VK_NULL_HANDLE, required,
                preferred, &img->memory, type);
   if (r != VK_SUCCESS)
      return r;
   img->memory_offset = 0;
   return dev->next.BindImageMemory(dev->handle, img->image, img->memory, 0);
}

VkResult
vw_image_create_local(struct vw_swapchain *sc, struct vw_image *img)
{
   uint32_t type;
   return create_image(sc, img, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &type);
}

VkResult
vw_image_create_host_visible(struct vw_swapchain *sc, struct vw_image *img, void **map,
                             VkMemoryPropertyFlags *flags)
{
   struct vw_device *dev = sc->dev;
   uint32_t type;
   /* The present thread reads every frame out of it: cached matters most. */
   VkResult r = create_image(sc, img, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
                             VK_MEMORY_PROPERTY_HOST_CACHED_BIT, &type);
   if (r != VK_SUCCESS)
      return r;
   *flags = dev->pdev->mem_props.memoryTypes[type].propertyFlags;
   return dev->next.MapMemory(dev->handle, img->memory, 0, VK_WHOLE_SIZE, 0, map);
}

VkResult
vw_image_create_copy_target(struct vw_swapchain *sc, struct vw_image *img)
{
   struct vw_device *dev = sc->dev;
   const struct vw_format_info *fmt = vw_format_from_vk(sc->format);
   if (!fmt)
      return VK_ERROR_FORMAT_NOT_SUPPORTED;
   struct vw_copy_target *t = &img->copy;
   /* 64-bit: the stride is handed on as 32 bits (row copies, PNG dumps), so one that does not
    * fit must be refused here, not wrapped into a short buffer the GPU copy overruns. */
   uint64_t row_bytes = (uint64_t)sc->extent.width * fmt->bytes_per_pixel;
   if (row_bytes > UINT32_MAX) {
      vw_err("swapchain %u: rows of %llu bytes are too long for a copy target", sc->serial,
             (unsigned long long)row_bytes);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   t->row_pixels = sc->extent.width;
   t->row_bytes = (uint32_t)row_bytes;
   t->size = row_bytes * sc->extent.height;

   VkBufferCreateInfo bci = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = t->size,
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkResult r = dev->next.CreateBuffer(dev->handle, &bci, NULL, &t->buffer);
   if (r != VK_SUCCESS)
      return r;
   VkMemoryRequirements reqs;
   dev->next.GetBufferMemoryRequirements(dev->handle, t->buffer, &reqs);
   /* The CPU reads this memory: cached matters far more than coherent. */
   uint32_t type;
   r = allocate(dev, &reqs, VK_NULL_HANDLE, t->buffer, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
                          VK_MEMORY_PROPERTY_HOST_CACHED_BIT, &t->memory, &type);
   if (r != VK_SUCCESS)
      return r;
   t->coherent = dev->pdev->mem_props.memoryTypes[type].propertyFlags &
                 VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   r = dev->next.BindBufferMemory(dev->handle, t->buffer, t->memory, 0);
   if (r != VK_SUCCESS)
      return r;
   return dev->next.MapMemory(dev->handle, t->memory, 0, VK_WHOLE_SIZE, 0, &t->map);
}

static void
destroy_copy_target(struct vw_device *dev, struct vw_copy_target *t)
{
   if (t->map && !t->external_memory)
      dev->next.UnmapMemory(dev->handle, t->memory);
   if (t->buffer)
      dev->next.DestroyBuffer(dev->handle, t->buffer, NULL);
   if (t->memory)
      dev->next.FreeMemory(dev->handle, t->memory, NULL);
   memset(t, 0, sizeof(*t));
}

void
vw_swapchain_destroy_images(struct vw_swapchain *sc)
{
   struct vw_device *dev = sc->dev;
   for (uint32_t i = 0; i < VW_MAX_IMAGES; i++) {
      struct vw_image *img = &sc->images[i];
      destroy_copy_target(dev, &img->copy);
      if (img->image)
         dev->next.DestroyImage(dev->handle, img->image, NULL);
      if (img->memory)
         dev->next.FreeMemory(dev->handle, img->memory, NULL);
      if (img->present_fence)
         dev->next.DestroyFence(dev->handle, img->present_fence, NULL);
      if (img->chain_semaphore)
         dev->next.DestroySemaphore(dev->handle, img->chain_semaphore, NULL);
      img->image = VK_NULL_HANDLE;
      img->memory = VK_NULL_HANDLE;
      img->present_fence = VK_NULL_HANDLE;
      img->chain_semaphore = VK_NULL_HANDLE;
   }
   for (uint32_t f = 0; f < VW_MAX_QUEUE_FAMILIES; f++) {
      if (sc->pools[f])
         dev->next.DestroyCommandPool(dev->handle, sc->pools[f], NULL);
      sc->pools[f] = VK_NULL_HANDLE;
   }
}

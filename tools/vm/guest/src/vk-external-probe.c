/* Guest side: what a Vulkan driver offers for sharing memory and sync with others, the
 * questions vulkaninfo does not ask. For every physical device: memory types and heaps,
 * whether it lists VK_KHR_swapchain / VK_KHR_display-related and external-memory
 * extensions, and for each external handle type what buffers, B8G8R8A8 images (linear,
 * optimal), semaphores and fences allow (export / import). Plain text on stdout.
 *   cc -o vk-external-probe vk-external-probe.c -lvulkan && ./vk-external-probe
 * Run it with DISABLE_VENUS_WSI=1 to see the driver alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

static const struct {
   VkExternalMemoryHandleTypeFlagBits bit;
   const char *name;
} mem_types[] = {
   {VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT, "OPAQUE_FD"},
   {VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, "DMA_BUF"},
   {VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, "HOST_ALLOCATION"},
   {VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_MAPPED_FOREIGN_MEMORY_BIT_EXT, "HOST_MAPPED_FOREIGN_MEMORY"},
};

static void
print_mem_features(VkExternalMemoryFeatureFlags f)
{
   printf("%s%s%s%s", f ? "" : "none",
          f & VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT ? "exportable " : "",
          f & VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT ? "importable " : "",
          f & VK_EXTERNAL_MEMORY_FEATURE_DEDICATED_ONLY_BIT ? "dedicated-only" : "");
}

static void
print_mem_flags(VkMemoryPropertyFlags f)
{
   static const char *names[] = {"DEVICE_LOCAL", "HOST_VISIBLE", "HOST_COHERENT", "HOST_CACHED",
                                 "LAZILY_ALLOCATED", "PROTECTED"};
   int any = 0;
   for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
      if (f & (1u << i)) {
         printf("%s%s", any ? "|" : "", names[i]);
         any = 1;
      }
   if (!any)
      printf("0");
}

static int
has_ext(const VkExtensionProperties *e, uint32_t n, const char *name)
{
   for (uint32_t i = 0; i < n; i++)
      if (!strcmp(e[i].extensionName, name))
         return 1;
   return 0;
}

static void
probe_image(VkPhysicalDevice pd, VkImageTiling tiling, const char *tiling_name,
            VkExternalMemoryHandleTypeFlagBits type, const char *type_name)
{
   VkPhysicalDeviceExternalImageFormatInfo ext = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
      .handleType = type,
   };
   VkPhysicalDeviceImageFormatInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
      .pNext = &ext,
      .format = VK_FORMAT_B8G8R8A8_UNORM,
      .type = VK_IMAGE_TYPE_2D,
      .tiling = tiling,
      .usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
   };
   VkExternalImageFormatProperties ext_out = {.sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES};
   VkImageFormatProperties2 out = {.sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2, .pNext = &ext_out};
   VkResult r = vkGetPhysicalDeviceImageFormatProperties2(pd, &info, &out);
   printf("  image B8G8R8A8_UNORM %-7s %-27s ", tiling_name, type_name);
   if (r != VK_SUCCESS)
      printf("VkResult %d\n", r);
   else {
      print_mem_features(ext_out.externalMemoryProperties.externalMemoryFeatures);
      printf("\n");
   }
}

int
main(void)
{
   VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = "vk-external-probe",
      .apiVersion = VK_API_VERSION_1_1,
   };
   VkInstanceCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app};
   VkInstance inst;
   VkResult r = vkCreateInstance(&ici, NULL, &inst);
   if (r != VK_SUCCESS) {
      printf("vkCreateInstance: VkResult %d\n", r);
      return 1;
   }
   uint32_t n = 0;
   vkEnumeratePhysicalDevices(inst, &n, NULL);
   VkPhysicalDevice *pds = calloc(n ? n : 1, sizeof(*pds));
   vkEnumeratePhysicalDevices(inst, &n, pds);
   for (uint32_t d = 0; d < n; d++) {
      VkPhysicalDevice pd = pds[d];
      VkPhysicalDeviceProperties props;
      vkGetPhysicalDeviceProperties(pd, &props);
      printf("device %u: %s (Vulkan %u.%u.%u)\n", d, props.deviceName, VK_API_VERSION_MAJOR(props.apiVersion),
             VK_API_VERSION_MINOR(props.apiVersion), VK_API_VERSION_PATCH(props.apiVersion));

      uint32_t ne = 0;
      vkEnumerateDeviceExtensionProperties(pd, NULL, &ne, NULL);
      VkExtensionProperties *exts = calloc(ne ? ne : 1, sizeof(*exts));
      vkEnumerateDeviceExtensionProperties(pd, NULL, &ne, exts);
      static const char *watch[] = {
         "VK_KHR_swapchain", "VK_KHR_external_memory_fd", "VK_EXT_external_memory_dma_buf",
         "VK_EXT_image_drm_format_modifier", "VK_EXT_external_memory_host",
         "VK_EXT_queue_family_foreign", "VK_KHR_external_semaphore_fd", "VK_KHR_external_fence_fd",
         "VK_EXT_physical_device_drm",
      };
      printf("  %u device extensions; of the ones that matter here:\n", ne);
      for (unsigned i = 0; i < sizeof(watch) / sizeof(watch[0]); i++)
         printf("    %-34s %s\n", watch[i], has_ext(exts, ne, watch[i]) ? "yes" : "no");

      VkPhysicalDeviceMemoryProperties mp;
      vkGetPhysicalDeviceMemoryProperties(pd, &mp);
      for (uint32_t i = 0; i < mp.memoryHeapCount; i++)
         printf("  memory heap %u: %llu MiB%s\n", i, (unsigned long long)(mp.memoryHeaps[i].size >> 20),
                mp.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT ? " DEVICE_LOCAL" : "");
      for (uint32_t i = 0; i < mp.memoryTypeCount; i++) {
         printf("  memory type %u: heap %u ", i, mp.memoryTypes[i].heapIndex);
         print_mem_flags(mp.memoryTypes[i].propertyFlags);
         printf("\n");
      }
      if (has_ext(exts, ne, "VK_EXT_external_memory_host")) {
         VkPhysicalDeviceExternalMemoryHostPropertiesEXT host = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT,
         };
         VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &host};
         vkGetPhysicalDeviceProperties2(pd, &p2);
         printf("  minImportedHostPointerAlignment: %llu\n",
                (unsigned long long)host.minImportedHostPointerAlignment);
      }

      for (unsigned t = 0; t < sizeof(mem_types) / sizeof(mem_types[0]); t++) {
         VkPhysicalDeviceExternalBufferInfo bi = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
            .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
            .handleType = mem_types[t].bit,
         };
         VkExternalBufferProperties bo = {.sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES};
         vkGetPhysicalDeviceExternalBufferProperties(pd, &bi, &bo);
         printf("  buffer %-27s ", mem_types[t].name);
         print_mem_features(bo.externalMemoryProperties.externalMemoryFeatures);
         printf("\n");
      }
      for (unsigned t = 0; t < sizeof(mem_types) / sizeof(mem_types[0]); t++) {
         probe_image(pd, VK_IMAGE_TILING_LINEAR, "LINEAR", mem_types[t].bit, mem_types[t].name);
         probe_image(pd, VK_IMAGE_TILING_OPTIMAL, "OPTIMAL", mem_types[t].bit, mem_types[t].name);
      }
      static const struct {
         VkExternalSemaphoreHandleTypeFlagBits bit;
         const char *name;
      } sync_types[] = {
         {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT, "OPAQUE_FD"},
         {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT, "SYNC_FD"},
      };
      for (unsigned t = 0; t < 2; t++) {
         VkPhysicalDeviceExternalSemaphoreInfo si = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO,
            .handleType = sync_types[t].bit,
         };
         VkExternalSemaphoreProperties so = {.sType = VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES};
         vkGetPhysicalDeviceExternalSemaphoreProperties(pd, &si, &so);
         VkPhysicalDeviceExternalFenceInfo fi = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_FENCE_INFO,
            .handleType = (VkExternalFenceHandleTypeFlagBits)sync_types[t].bit,
         };
         VkExternalFenceProperties fo = {.sType = VK_STRUCTURE_TYPE_EXTERNAL_FENCE_PROPERTIES};
         vkGetPhysicalDeviceExternalFenceProperties(pd, &fi, &fo);
         VkExternalSemaphoreFeatureFlags sf = so.externalSemaphoreFeatures;
         VkExternalFenceFeatureFlags ff = fo.externalFenceFeatures;
         printf("  semaphore %-10s %s%s%s\n", sync_types[t].name, sf ? "" : "none",
                sf & VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT ? "exportable " : "",
                sf & VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT ? "importable" : "");
         printf("  fence     %-10s %s%s%s\n", sync_types[t].name, ff ? "" : "none",
                ff & VK_EXTERNAL_FENCE_FEATURE_EXPORTABLE_BIT ? "exportable " : "",
                ff & VK_EXTERNAL_FENCE_FEATURE_IMPORTABLE_BIT ? "importable" : "");
      }
      free(exts);
   }
   free(pds);
   vkDestroyInstance(inst, NULL);
   return 0;
}

#include "harness.h"

#include "venus_wsi/vk_present2.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

uint64_t
harness_now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool
harness_fn_from_layer(PFN_vkVoidFunction fn)
{
   Dl_info info;
   return fn && dladdr((void *)fn, &info) && info.dli_fname &&
          strstr(info.dli_fname, "VkLayer_venus_wsi") != NULL;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL
on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
           const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
   struct harness *h = user;
   if (severity & (VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)) {
      /* The loader and the driver talk through the same messenger (the loader about
       * VK_INSTANCE_LAYERS, Mesa about each error it returns, such as a failed probe
       * allocation): those are GENERAL messages. What the validation layer finds is
       * VALIDATION or PERFORMANCE, and only that counts. */
      if (!(type & (VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                    VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT))) {
         if (!h->quiet_validation)
            fprintf(stderr, "general message (not counted): %s\n", data->pMessage);
         return VK_FALSE;
      }
      h->validation_messages++;
      if (!h->quiet_validation)
         fprintf(stderr, "VALIDATION: %s\n", data->pMessage);
   }
   return VK_FALSE;
}

int32_t
harness_memory_type(struct harness *h, uint32_t bits, VkMemoryPropertyFlags flags)
{
   VkPhysicalDeviceMemoryProperties props;
   vkGetPhysicalDeviceMemoryProperties(h->pdev, &props);
   for (uint32_t i = 0; i < props.memoryTypeCount; i++)
      if ((bits & (1u << i)) && (props.memoryTypes[i].propertyFlags & flags) == flags)
         return (int32_t)i;
   return -1;
}

bool
harness_init(struct harness *h, const struct harness_options *opt)
{
   const char *exts[16];
   uint32_t n = 0;
   exts[n++] = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
   for (uint32_t i = 0; i < opt->instance_ext_count && n < 16; i++)
      exts[n++] = opt->instance_exts[i];

   VkDebugUtilsMessengerCreateInfoEXT mci = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
      .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
      .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
      .pfnUserCallback = on_message,
      .pUserData = h,
   };
   VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = "venus-wsi-test",
      .apiVersion = VK_API_VERSION_1_3,
   };
   VkInstanceCreateInfo ici = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pNext = &mci, /* catches what instance creation itself reports */
      .pApplicationInfo = &app,
      .enabledLayerCount = opt->layer_count,
      .ppEnabledLayerNames = opt->layers,
      .enabledExtensionCount = n,
      .ppEnabledExtensionNames = exts,
   };
   VkResult r = vkCreateInstance(&ici, NULL, &h->instance);
   if (r != VK_SUCCESS) {
      fprintf(stderr, "vkCreateInstance: %d\n", r);
      return false;
   }
   h->create_messenger = (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
      h->instance, "vkCreateDebugUtilsMessengerEXT");
   h->destroy_messenger = (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
      h->instance, "vkDestroyDebugUtilsMessengerEXT");
   if (h->create_messenger)
      h->create_messenger(h->instance, &mci, NULL, &h->messenger);

   uint32_t count = 1;
   r = vkEnumeratePhysicalDevices(h->instance, &count, &h->pdev);
   if (r < 0 || count == 0) {
      fprintf(stderr, "no physical device: %d\n", r);
      return false;
   }
   VkQueueFamilyProperties families[8];
   uint32_t nf = 8;
   vkGetPhysicalDeviceQueueFamilyProperties(h->pdev, &nf, families);
   h->queue_family = UINT32_MAX;
   for (uint32_t i = 0; i < nf && h->queue_family == UINT32_MAX; i++)
      if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)
         h->queue_family = i;
   if (h->queue_family == UINT32_MAX)
      return false;

   VkPhysicalDeviceProperties props;
   vkGetPhysicalDeviceProperties(h->pdev, &props);
   VkPhysicalDeviceVulkan13Features f13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
   };
   VkPhysicalDeviceVulkan12Features f12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
   };
   VkPhysicalDeviceFeatures2 supported = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
      .pNext = props.apiVersion >= VK_API_VERSION_1_3 ? (void *)&f13 : NULL,
   };
   vkGetPhysicalDeviceFeatures2(h->pdev, &supported);
   h->has_sync2 = props.apiVersion >= VK_API_VERSION_1_3 && f13.synchronization2;
   VkPhysicalDeviceVulkan13Features want13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = h->has_sync2,
   };
   /* Timeline semaphores let the tests hold a present back from the host. */
   f12.pNext = h->has_sync2 ? &want13 : NULL;
   f12.timelineSemaphore = VK_TRUE;

   VkPhysicalDevicePresentWaitFeaturesKHR wait_f = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_FEATURES_KHR,
   };
   VkPhysicalDevicePresentIdFeaturesKHR id_f = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR,
      .pNext = &wait_f,
   };
   if (opt->present_wait) {
      VkPhysicalDeviceFeatures2 asked = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
         .pNext = &id_f,
      };
      vkGetPhysicalDeviceFeatures2(h->pdev, &asked);
      h->present_wait = id_f.presentId && wait_f.presentWait;
      if (!h->present_wait)
         fprintf(stderr, "presentId %u, presentWait %u reported\n", id_f.presentId,
                 wait_f.presentWait);
      /* Last in the chain: a driver that lacks them must get the rest all the same. */
      want13.pNext = h->present_wait ? &id_f : NULL;
      if (!h->has_sync2)
         f12.pNext = want13.pNext;
   }

   VkPhysicalDeviceSwapchainMaintenance1FeaturesEXT maint_f = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SWAPCHAIN_MAINTENANCE_1_FEATURES_EXT,
   };
   if (opt->maintenance1) {
      VkPhysicalDeviceFeatures2 asked = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
         .pNext = &maint_f,
      };
      vkGetPhysicalDeviceFeatures2(h->pdev, &asked);
      h->maintenance1 = maint_f.swapchainMaintenance1;
      if (!h->maintenance1)
         fprintf(stderr, "swapchainMaintenance1 not reported\n");
      /* Last in the chain, as the present features are. */
      VkBaseOutStructure *last = (VkBaseOutStructure *)&f12;
      while (last->pNext)
         last = last->pNext;
      if (h->maintenance1)
         last->pNext = (VkBaseOutStructure *)&maint_f;
   }

   VkPhysicalDevicePresentModeFifoLatestReadyFeaturesEXT latest_f = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_MODE_FIFO_LATEST_READY_FEATURES_EXT,
   };
   VkPhysicalDevicePresentWait2FeaturesKHR wait2_f = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_2_FEATURES_KHR,
      .pNext = &latest_f,
   };
   VkPhysicalDevicePresentId2FeaturesKHR id2_f = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_2_FEATURES_KHR,
      .pNext = &wait2_f,
   };
   if (opt->present2) {
      VkPhysicalDeviceFeatures2 asked = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
         .pNext = &id2_f,
      };
      vkGetPhysicalDeviceFeatures2(h->pdev, &asked);
      h->present2 = id2_f.presentId2 && wait2_f.presentWait2 && latest_f.presentModeFifoLatestReady;
      if (!h->present2)
         fprintf(stderr, "presentId2 %u, presentWait2 %u, presentModeFifoLatestReady %u reported\n",
                 id2_f.presentId2, wait2_f.presentWait2, latest_f.presentModeFifoLatestReady);
      VkBaseOutStructure *last = (VkBaseOutStructure *)&f12;
      while (last->pNext)
         last = last->pNext;
      if (h->present2)
         last->pNext = (VkBaseOutStructure *)&id2_f;
   }

   float prio = 1.0f;
   VkDeviceQueueCreateInfo qci = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
      .queueFamilyIndex = h->queue_family,
      .queueCount = 1,
      .pQueuePriorities = &prio,
   };
   VkDeviceCreateInfo dci = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .pNext = &f12,
      .queueCreateInfoCount = 1,
      .pQueueCreateInfos = &qci,
      .enabledExtensionCount = opt->device_ext_count,
      .ppEnabledExtensionNames = opt->device_exts,
   };
   r = vkCreateDevice(h->pdev, &dci, NULL, &h->device);
   if (r != VK_SUCCESS) {
      fprintf(stderr, "vkCreateDevice: %d\n", r);
      return false;
   }
   vkGetDeviceQueue(h->device, h->queue_family, 0, &h->queue);
   return true;
}

void
harness_finish(struct harness *h)
{
   if (h->device)
      vkDestroyDevice(h->device, NULL);
   if (h->messenger)
      h->destroy_messenger(h->instance, h->messenger, NULL);
   if (h->instance)
      vkDestroyInstance(h->instance, NULL);
}

const char *
harness_mode_name(VkPresentModeKHR mode)
{
   switch ((int)mode) {
   case VK_PRESENT_MODE_FIFO_KHR: return "FIFO";
   case VK_PRESENT_MODE_FIFO_RELAXED_KHR: return "FIFO_RELAXED";
   case VK_PRESENT_MODE_MAILBOX_KHR: return "MAILBOX";
   case VK_PRESENT_MODE_IMMEDIATE_KHR: return "IMMEDIATE";
   case VK_PRESENT_MODE_FIFO_LATEST_READY_EXT: return "FIFO_LATEST_RDY";
   default: return "?";
   }
}

int
harness_wait_child(pid_t pid, uint64_t limit_ns)
{
   uint64_t t0 = harness_now_ns();
   int status = 0;
   while (waitpid(pid, &status, WNOHANG) == 0) {
      if (harness_now_ns() - t0 > limit_ns) {
         kill(pid, SIGKILL);
         waitpid(pid, &status, 0);
         return -1;
      }
      usleep(10000);
   }
   return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

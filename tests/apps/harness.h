/* Shared plumbing for the layer's test apps: an instance and device set up the way a real
 * app does it, a debug messenger that counts validation messages, and small checks. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <vulkan/vulkan.h>

struct harness {
   VkInstance instance;
   VkPhysicalDevice pdev;
   VkDevice device;
   VkQueue queue;
   uint32_t queue_family;
   VkDebugUtilsMessengerEXT messenger;
   PFN_vkCreateDebugUtilsMessengerEXT create_messenger;
   PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger;
   uint32_t validation_messages; /* warnings and errors reported */
   bool quiet_validation;        /* a control test expects messages: do not print them */
   uint32_t failures;            /* failed checks */
   bool has_sync2;
   bool present_wait; /* presentId and presentWait reported and enabled */
   bool maintenance1; /* swapchainMaintenance1 reported and enabled */
   /* presentId2, presentWait2 and presentModeFifoLatestReady reported and enabled */
   bool present2;
};

struct harness_options {
   const char *const *layers; /* enabled by the app: placed below the VK_INSTANCE_LAYERS ones */
   uint32_t layer_count;
   const char *const *instance_exts;
   uint32_t instance_ext_count;
   const char *const *device_exts;
   uint32_t device_ext_count;
   /* Enable the presentId and presentWait features where vkGetPhysicalDeviceFeatures2
    * reports them (the app names VK_KHR_present_id and VK_KHR_present_wait itself). */
   bool present_wait;
   /* Enable swapchainMaintenance1 where reported (the app names
    * VK_EXT_swapchain_maintenance1 and VK_EXT_surface_maintenance1 itself). */
   bool maintenance1;
   /* Enable presentId2, presentWait2 and presentModeFifoLatestReady where reported (the app
    * names VK_KHR_present_id2, VK_KHR_present_wait2 and
    * VK_EXT_present_mode_fifo_latest_ready itself). */
   bool present2;
};

bool harness_init(struct harness *h, const struct harness_options *opt);
void harness_finish(struct harness *h);

/* A failed check is counted and printed; the test goes on so one run shows everything. */
#define CHECK(h, cond, ...)                                                                      \
   do {                                                                                          \
      if (!(cond)) {                                                                             \
         (h)->failures++;                                                                        \
         fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                    \
         fprintf(stderr, __VA_ARGS__);                                                           \
         fprintf(stderr, "\n");                                                                  \
      }                                                                                          \
   } while (0)

#define CHECK_VK(h, expr, expected)                                                              \
   do {                                                                                          \
      VkResult check_vk_r = (expr);                                                              \
      CHECK(h, check_vk_r == (expected), "%s returned %d, expected %d", #expr, check_vk_r,       \
            (int)(expected));                                                                    \
   } while (0)

uint64_t harness_now_ns(void);
const char *harness_mode_name(VkPresentModeKHR mode);
/* A forked child's exit status, or -1 when it had to be killed after 'limit_ns'. */
int harness_wait_child(pid_t pid, uint64_t limit_ns);

/* Whether a command pointer lands in the venus-wsi layer's library (dladdr): device commands
 * come straight from the layer that answered vkGetDeviceProcAddr, so this shows who
 * implements WSI. */
bool harness_fn_from_layer(PFN_vkVoidFunction fn);
int32_t harness_memory_type(struct harness *h, uint32_t bits, VkMemoryPropertyFlags flags);

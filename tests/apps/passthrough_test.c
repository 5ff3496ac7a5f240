/* What an app sees of the layer's extensions, in one process, as an app does it: ask for
 * the instance (and the layer's) extension lists, create an instance with the extensions it
 * was told to enable, then look at a device and, if asked, use a headless surface. Prints
 * one 'key value' line per fact for tests/apps/check_passthrough.sh to compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

#define LAYER "VK_LAYER_VENUS_wsi"

static void
print_instance_exts(const char *key, const char *layer)
{
   uint32_t n = 0;
   VkResult r = vkEnumerateInstanceExtensionProperties(layer, &n, NULL);
   VkExtensionProperties *props = calloc(n ? n : 1, sizeof(*props));
   if (r == VK_SUCCESS && props)
      r = vkEnumerateInstanceExtensionProperties(layer, &n, props);
   printf("%s-result %d\n", key, r);
   for (uint32_t i = 0; r == VK_SUCCESS && i < n; i++)
      printf("%s %s\n", key, props[i].extensionName);
   free(props);
}

static void
print_device_exts(VkPhysicalDevice pdev, const char *key, const char *layer)
{
   uint32_t n = 0;
   VkResult r = vkEnumerateDeviceExtensionProperties(pdev, layer, &n, NULL);
   VkExtensionProperties *props = calloc(n ? n : 1, sizeof(*props));
   if (r == VK_SUCCESS && props)
      r = vkEnumerateDeviceExtensionProperties(pdev, layer, &n, props);
   printf("%s-result %d\n", key, r);
   for (uint32_t i = 0; r == VK_SUCCESS && i < n; i++)
      printf("%s %s\n", key, props[i].extensionName);
   free(props);
}

static void
use_headless_surface(VkInstance instance, VkPhysicalDevice pdev)
{
   PFN_vkCreateHeadlessSurfaceEXT create =
      (PFN_vkCreateHeadlessSurfaceEXT)vkGetInstanceProcAddr(instance, "vkCreateHeadlessSurfaceEXT");
   VkHeadlessSurfaceCreateInfoEXT sci = {.sType = VK_STRUCTURE_TYPE_HEADLESS_SURFACE_CREATE_INFO_EXT};
   VkSurfaceKHR surface = VK_NULL_HANDLE;
   VkResult r = create ? create(instance, &sci, NULL, &surface) : VK_ERROR_EXTENSION_NOT_PRESENT;
   printf("headless-surface %d\n", r);
   if (r != VK_SUCCESS)
      return;
   VkBool32 supported = VK_FALSE;
   r = vkGetPhysicalDeviceSurfaceSupportKHR(pdev, 0, surface, &supported);
   printf("headless-support %d %u\n", r, supported);
   uint32_t formats = 0;
   r = vkGetPhysicalDeviceSurfaceFormatsKHR(pdev, surface, &formats, NULL);
   printf("headless-formats %d %u\n", r, formats);
   vkDestroySurfaceKHR(instance, surface, NULL);
}

int
main(int argc, char **argv)
{
   const char *enable[16];
   uint32_t enable_count = 0;
   const char *layers[4];
   uint32_t layer_count = 0;
   uint32_t api = VK_API_VERSION_1_0;
   int ask_first = 1, headless = 0;
   for (int i = 1; i < argc; i++) {
      if (!strcmp(argv[i], "--enable") && i + 1 < argc && enable_count < 16) {
         enable[enable_count++] = argv[++i];
      } else if (!strcmp(argv[i], "--app-layer") && i + 1 < argc && layer_count < 4) {
         layers[layer_count++] = argv[++i];
      } else if (!strcmp(argv[i], "--api") && i + 1 < argc) {
         unsigned major = 1, minor = 0;
         sscanf(argv[++i], "%u.%u", &major, &minor);
         api = VK_MAKE_API_VERSION(0, major, minor, 0);
      } else if (!strcmp(argv[i], "--no-ask")) {
         ask_first = 0; /* a careless app: enables without looking at the list */
      } else if (!strcmp(argv[i], "--headless")) {
         headless = 1;
      } else {
         fprintf(stderr, "usage: vw-passthrough-test [--no-ask] [--enable EXT]... "
                         "[--app-layer NAME]... [--api M.N] [--headless]\n");
         return 2;
      }
   }
   if (ask_first) {
      print_instance_exts("instance-ext", NULL);
      print_instance_exts("layer-instance-ext", LAYER);
   }
   VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = "vw-passthrough-test",
      .apiVersion = api,
   };
   VkInstanceCreateInfo ici = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pApplicationInfo = &app,
      .enabledLayerCount = layer_count,
      .ppEnabledLayerNames = layers,
      .enabledExtensionCount = enable_count,
      .ppEnabledExtensionNames = enable,
   };
   VkInstance instance = VK_NULL_HANDLE;
   VkResult r = vkCreateInstance(&ici, NULL, &instance);
   printf("create-instance %d\n", r);
   if (r != VK_SUCCESS)
      return 0;
   uint32_t count = 1;
   VkPhysicalDevice pdev = VK_NULL_HANDLE;
   r = vkEnumeratePhysicalDevices(instance, &count, &pdev);
   if (r >= 0 && count) {
      print_device_exts(pdev, "device-ext", NULL);
      print_device_exts(pdev, "layer-device-ext", LAYER);
      if (headless)
         use_headless_surface(instance, pdev);
   }
   vkDestroyInstance(instance, NULL);
   return 0;
}

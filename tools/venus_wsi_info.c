/* venus-wsi-info: what the layer finds and would do on this machine. Lists each Vulkan
 * device with the driver features the scanout paths need, whether the layer takes over WSI
 * there, the displays it offers, and with --probe tries every scanout path on the first
 * display (each in a child process: the layer reads VENUS_WSI_PATH once per process). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "display_surface.h"
#include "frame_loop.h"

static bool
has_ext(const VkExtensionProperties *e, uint32_t n, const char *name)
{
   for (uint32_t i = 0; i < n; i++)
      if (!strcmp(e[i].extensionName, name))
         return true;
   return false;
}

static void
print_device(VkPhysicalDevice pdev)
{
   VkPhysicalDeviceDriverProperties driver = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
   };
   VkPhysicalDeviceExternalMemoryHostPropertiesEXT host = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT,
      .pNext = &driver,
   };
   VkPhysicalDeviceProperties2 props = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
      .pNext = &host,
   };
   vkGetPhysicalDeviceProperties2(pdev, &props);
   uint32_t n = 0;
   vkEnumerateDeviceExtensionProperties(pdev, NULL, &n, NULL);
   VkExtensionProperties *e = calloc(n ? n : 1, sizeof(*e));
   vkEnumerateDeviceExtensionProperties(pdev, NULL, &n, e);
   uint32_t api = props.properties.apiVersion;
   printf("device: %s\n", props.properties.deviceName);
   printf("  driver: %s (%s), Vulkan %u.%u.%u\n", driver.driverName, driver.driverInfo,
          VK_API_VERSION_MAJOR(api), VK_API_VERSION_MINOR(api), VK_API_VERSION_PATCH(api));
   static const char *const wanted[] = {
      VK_KHR_SWAPCHAIN_EXTENSION_NAME,
      VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
      VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME,
      VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME,
      VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME,
      VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME,
      VK_KHR_EXTERNAL_FENCE_FD_EXTENSION_NAME,
      VK_EXT_PHYSICAL_DEVICE_DRM_EXTENSION_NAME,
   };
   for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
      printf("  %-36s %s\n", wanted[i], has_ext(e, n, wanted[i]) ? "yes" : "no");
   if (has_ext(e, n, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME))
      printf("  minImportedHostPointerAlignment      %llu\n",
             (unsigned long long)host.minImportedHostPointerAlignment);
   VkPhysicalDeviceMemoryProperties mem;
   vkGetPhysicalDeviceMemoryProperties(pdev, &mem);
   for (uint32_t i = 0; i < mem.memoryTypeCount; i++) {
      VkMemoryPropertyFlags f = mem.memoryTypes[i].propertyFlags;
      printf("  memory type %u: heap %u%s%s%s%s\n", i, mem.memoryTypes[i].heapIndex,
             f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT ? " DEVICE_LOCAL" : "",
             f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT ? " HOST_VISIBLE" : "",
             f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT ? " HOST_COHERENT" : "",
             f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT ? " HOST_CACHED" : "");
   }
   free(e);
}

static void
print_displays(struct harness *h)
{
   uint32_t n = 0;
   vkGetPhysicalDeviceDisplayPropertiesKHR(h->pdev, &n, NULL);
   VkDisplayPropertiesKHR d[8];
   n = n > 8 ? 8 : n;
   vkGetPhysicalDeviceDisplayPropertiesKHR(h->pdev, &n, d);
   printf("displays: %u\n", n);
   for (uint32_t i = 0; i < n; i++) {
      printf("  %s, %ux%u mm, native %ux%u\n", d[i].displayName, d[i].physicalDimensions.width,
             d[i].physicalDimensions.height, d[i].physicalResolution.width,
             d[i].physicalResolution.height);
      uint32_t nm = 0;
      vkGetDisplayModePropertiesKHR(h->pdev, d[i].display, &nm, NULL);
      VkDisplayModePropertiesKHR m[32];
      nm = nm > 32 ? 32 : nm;
      vkGetDisplayModePropertiesKHR(h->pdev, d[i].display, &nm, m);
      for (uint32_t j = 0; j < nm; j++)
         printf("    mode %ux%u @ %u.%03u Hz\n", m[j].parameters.visibleRegion.width,
                m[j].parameters.visibleRegion.height, m[j].parameters.refreshRate / 1000,
                m[j].parameters.refreshRate % 1000);
   }
}

static bool
start(struct harness *h)
{
   const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME, VK_KHR_DISPLAY_EXTENSION_NAME};
   const char *dev_exts[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
   struct harness_options ho = {
      .instance_exts = inst_exts,
      .instance_ext_count = 2,
      .device_exts = dev_exts,
      .device_ext_count = 1,
   };
   memset(h, 0, sizeof(*h));
   h->quiet_validation = true;
   return harness_init(h, &ho);
}

/* Child: a swapchain on the first display with the path forced, and a few frames. */
static int
probe_child(void)
{
   struct harness h;
   if (!start(&h))
      return 10;
   VkExtent2D extent;
   VkSurfaceKHR surface = display_surface_create(&h, &extent, NULL);
   if (!surface) {
      harness_finish(&h);
      return 11;
   }
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, &h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, 0);
   printf("create %d\n", r);
   if (r == VK_SUCCESS) {
      for (int i = 0; i < 5 && r == VK_SUCCESS; i++)
         r = frame_loop_draw(&fl);
      printf("present %d\n", r);
   }
   frame_loop_destroy(&fl, r == VK_SUCCESS || fl.swapchain);
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   return r == VK_SUCCESS ? 0 : 1;
}

static void
probe_paths(const char *self)
{
   static const char *const paths[] = {"export", "import", "hostptr", "copy"};
   static const char *const names[] = {"A export", "B import", "C hostptr", "D copy"};
   printf("scanout paths on the first display (a swapchain and 5 FIFO frames each):\n");
   for (int i = 0; i < 4; i++) {
      int pipefd[2];
      if (pipe(pipefd))
         return;
      pid_t pid = fork();
      if (pid == 0) {
         dup2(pipefd[1], 1);
         dup2(pipefd[1], 2);
         close(pipefd[0]);
         setenv("VENUS_WSI_PATH", paths[i], 1);
         setenv("VENUS_WSI_DEBUG", "1", 0);
         execl(self, self, "--probe-child", (char *)NULL);
         _exit(127);
      }
      close(pipefd[1]);
      char out[16384];
      size_t len = 0;
      ssize_t got;
      while (len + 1 < sizeof(out) && (got = read(pipefd[0], out + len, sizeof(out) - 1 - len)) > 0)
         len += (size_t)got;
      out[len] = '\0';
      close(pipefd[0]);
      int status = 0;
      waitpid(pid, &status, 0);
      bool works = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      printf("  %-10s %s\n", names[i], works ? "works" : "fails");
      /* The layer's and the probe's own words about it. */
      for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
         if (strstr(line, "venus-wsi: swapchain") || strstr(line, "venus-wsi: kms") ||
             !strncmp(line, "create ", 7) || !strncmp(line, "present ", 8))
            printf("             %s\n", line);
   }
}

int
main(int argc, char **argv)
{
   if (argc == 2 && !strcmp(argv[1], "--probe-child"))
      return probe_child();
   bool probe = argc == 2 && !strcmp(argv[1], "--probe");
   if (argc > 1 && !probe) {
      fprintf(stderr, "usage: venus-wsi-info [--probe]\n");
      return 2;
   }
   const char *mode = getenv("VENUS_WSI");
   printf("page size: %ld bytes\n", sysconf(_SC_PAGESIZE));
   printf("VENUS_WSI=%s\n", mode && *mode ? mode : "(unset: auto)");
   struct harness h;
   if (!start(&h)) {
      fprintf(stderr, "venus-wsi-info: no Vulkan device (or no VK_KHR_display: is the layer installed?)\n");
      return 1;
   }
   uint32_t n = 0;
   vkEnumeratePhysicalDevices(h.instance, &n, NULL);
   VkPhysicalDevice pdevs[8];
   n = n > 8 ? 8 : n;
   vkEnumeratePhysicalDevices(h.instance, &n, pdevs);
   for (uint32_t i = 0; i < n; i++)
      print_device(pdevs[i]);
   bool layer = harness_fn_from_layer(vkGetDeviceProcAddr(h.device, "vkQueuePresentKHR"));
   printf("WSI on the first device: %s\n",
          layer ? "the venus-wsi layer" : "the driver (the layer passes through)");
   print_displays(&h);
   harness_finish(&h);
   if (probe)
      probe_paths("/proc/self/exe");
   return 0;
}

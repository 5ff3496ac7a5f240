/* venus-wsi demo: an animated scene (a sweeping clock hand over moving colour bands)
 * presented through the layer's swapchain: on the headless surface (frames land as PNGs in
 * VENUS_WSI_DUMP_DIR) or on a display through VK_KHR_display (--display). With
 * --present-wait it paces itself as latency-minded apps (DXVK, games) do: every present
 * carries an id (VK_KHR_present_id), and before drawing the next frame it waits until the
 * one before the last is on screen (VK_KHR_present_wait), so at most two are queued. With
 * --present-fence every present carries a fence (VK_EXT_swapchain_maintenance1) that the
 * demo waits for before it hands the same fence to a present again. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "demo_scene.h"
#include "display_surface.h"
#include "frame_loop.h"
#include "venus_wsi/vk_maintenance1_khr.h"

/* Ctrl-C or a TERM (as the VM harness sends) ends the loop, so the swapchain and surface are
 * destroyed as an app would: the layer gives the display back and writes its statistics. */
static volatile sig_atomic_t stop_requested;

static void
request_stop(int sig)
{
   (void)sig;
   stop_requested = 1;
}

/* As a careful app does: ask before enabling, so a missing surface is a message. */
static bool
instance_offers(const char *name)
{
   uint32_t n = 0;
   if (vkEnumerateInstanceExtensionProperties(NULL, &n, NULL) != VK_SUCCESS)
      return false;
   VkExtensionProperties *props = calloc(n ? n : 1, sizeof(*props));
   bool found = false;
   if (props && vkEnumerateInstanceExtensionProperties(NULL, &n, props) >= 0)
      for (uint32_t i = 0; i < n && !found; i++)
         found = !strcmp(props[i].extensionName, name);
   free(props);
   return found;
}

int
main(int argc, char **argv)
{
   uint32_t frames = 240;
   VkExtent2D extent = {1280, 720};
   VkPresentModeKHR mode = VK_PRESENT_MODE_FIFO_KHR;
   bool display = false;
   static const struct { const char *name; VkPresentModeKHR mode; } modes[] = {
      {"fifo", VK_PRESENT_MODE_FIFO_KHR}, {"mailbox", VK_PRESENT_MODE_MAILBOX_KHR},
      {"immediate", VK_PRESENT_MODE_IMMEDIATE_KHR}, {"relaxed", VK_PRESENT_MODE_FIFO_RELAXED_KHR},
   };
   bool present_wait = false, present_fence = false;
   for (int i = 1; i < argc; i++) {
      bool known = false;
      if (!strcmp(argv[i], "--present-wait")) {
         present_wait = true;
         known = true;
      } else if (!strcmp(argv[i], "--present-fence")) {
         present_fence = true;
         known = true;
      } else if (!strcmp(argv[i], "--frames") && i + 1 < argc) {
         frames = (uint32_t)atoi(argv[++i]);
         known = true;
      } else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
         sscanf(argv[++i], "%ux%u", &extent.width, &extent.height);
         known = true;
      } else if (!strcmp(argv[i], "--display")) {
         display = true;
         known = true;
      } else if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
         i++;
         for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
            if (!strcmp(argv[i], modes[m].name)) {
               mode = modes[m].mode;
               known = true;
            }
      }
      if (!known) {
         fprintf(stderr, "usage: venus-wsi-demo [--frames N] [--size WxH] [--display] "
                         "[--mode fifo|mailbox|immediate|relaxed] [--present-wait] "
                         "[--present-fence]\n");
         return 2;
      }
   }
   const char *surface_ext =
      display ? VK_KHR_DISPLAY_EXTENSION_NAME : VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME;
   if (!instance_offers(surface_ext)) {
      fprintf(stderr,
              "venus-wsi-demo: %s is not offered here: neither the driver nor the layer "
              "provides it (the layer takes over only where the driver has no swapchain, or "
              "with VENUS_WSI=force)\n",
              surface_ext);
      return 1;
   }
   const char *inst_exts[4] = {VK_KHR_SURFACE_EXTENSION_NAME, surface_ext};
   const char *dev_exts[4] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
   uint32_t ninst = 2, ndev = 1;
   if (present_wait) {
      dev_exts[ndev++] = VK_KHR_PRESENT_ID_EXTENSION_NAME;
      dev_exts[ndev++] = VK_KHR_PRESENT_WAIT_EXTENSION_NAME;
   }
   if (present_fence) {
      if (!instance_offers(VK_EXT_SURFACE_MAINTENANCE_1_EXTENSION_NAME)) {
         fprintf(stderr, "venus-wsi-demo: --present-fence: VK_EXT_surface_maintenance1 is not "
                         "offered here\n");
         return 1;
      }
      inst_exts[ninst++] = VK_KHR_GET_SURFACE_CAPABILITIES_2_EXTENSION_NAME;
      inst_exts[ninst++] = VK_EXT_SURFACE_MAINTENANCE_1_EXTENSION_NAME;
      dev_exts[ndev++] = VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME;
   }
   struct harness_options ho = {
      .instance_exts = inst_exts,
      .instance_ext_count = ninst,
      .device_exts = dev_exts,
      .device_ext_count = ndev,
      .present_wait = present_wait,
      .maintenance1 = present_fence,
   };
   struct harness h = {0};
   if (!harness_init(&h, &ho)) {
      fprintf(stderr, "venus-wsi-demo: no Vulkan device with the layer's surfaces\n");
      harness_finish(&h);
      return 1;
   }
   VkSurfaceKHR surface = VK_NULL_HANDLE;
   if (display) {
      surface = display_surface_create(&h, &extent, NULL);
   } else {
      VkHeadlessSurfaceCreateInfoEXT sci = {
         .sType = VK_STRUCTURE_TYPE_HEADLESS_SURFACE_CREATE_INFO_EXT,
      };
      PFN_vkCreateHeadlessSurfaceEXT create_surface =
         (PFN_vkCreateHeadlessSurfaceEXT)vkGetInstanceProcAddr(h.instance,
                                                               "vkCreateHeadlessSurfaceEXT");
      if (create_surface)
         create_surface(h.instance, &sci, NULL, &surface);
   }
   if (!surface) {
      fprintf(stderr, "venus-wsi-demo: cannot create a %s surface\n", display ? "display" : "headless");
      harness_finish(&h);
      return 1;
   }
   PFN_vkWaitForPresentKHR wait_for_present = NULL;
   if (present_wait) {
      wait_for_present =
         (PFN_vkWaitForPresentKHR)vkGetDeviceProcAddr(h.device, "vkWaitForPresentKHR");
      if (!h.present_wait || !wait_for_present) {
         fprintf(stderr, "venus-wsi-demo: --present-wait: the device does not offer presentId "
                         "and presentWait\n");
         vkDestroySurfaceKHR(h.instance, surface, NULL);
         harness_finish(&h);
         return 1;
      }
   }
   struct pacing {
      uint64_t waits, timeouts, worst_ns, total_ns;
   } pacing = {0};
   /* Present fences: a ring, each waited for (1 s at most) before its next present. */
   enum { FENCES = 4 };
   VkFence fences[FENCES] = {0};
   bool fence_used[FENCES] = {0};
   uint64_t fences_signalled = 0, fences_late = 0;
   if (present_fence) {
      VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
      for (uint32_t i = 0; i < FENCES; i++)
         if (!h.maintenance1 || vkCreateFence(h.device, &fci, NULL, &fences[i]) != VK_SUCCESS) {
            fprintf(stderr, "venus-wsi-demo: --present-fence: no swapchainMaintenance1 or no "
                            "fence\n");
            for (uint32_t j = 0; j < i; j++)
               vkDestroyFence(h.device, fences[j], NULL);
            vkDestroySurfaceKHR(h.instance, surface, NULL);
            harness_finish(&h);
            return 1;
         }
   }
   VkSwapchainPresentFenceInfoEXT fence_info = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_FENCE_INFO_EXT,
      .swapchainCount = 1,
   };
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, &h, surface, extent, mode, 3, VK_NULL_HANDLE, 0);
   int rc = 0;
   if (r == VK_SUCCESS) {
      fl.scene = demo_scene;
      struct sigaction sa = {.sa_handler = request_stop};
      sigemptyset(&sa.sa_mask);
      sigaction(SIGINT, &sa, NULL);
      sigaction(SIGTERM, &sa, NULL);
      uint64_t t0 = harness_now_ns();
      uint32_t drawn = 0;
      while (drawn < frames && r >= 0 && !stop_requested) {
         if (wait_for_present && fl.frames >= 2) {
            /* Ids are frame numbers from 1: the one before the last present. A second is
             * far beyond any frame here, so running out of it is a failure. */
            uint64_t w0 = harness_now_ns();
            VkResult rw = wait_for_present(h.device, fl.swapchain, fl.frames - 1, 1000000000ull);
            uint64_t took = harness_now_ns() - w0;
            pacing.waits++;
            pacing.total_ns += took;
            pacing.worst_ns = took > pacing.worst_ns ? took : pacing.worst_ns;
            if (rw == VK_TIMEOUT)
               pacing.timeouts++;
            else if (rw != VK_SUCCESS && rw != VK_SUBOPTIMAL_KHR)
               r = rw;
            if (r < 0)
               break;
         }
         fl.present_id = wait_for_present ? fl.frames + 1 : 0;
         if (present_fence) {
            uint32_t k = (uint32_t)(fl.frames % FENCES);
            if (fence_used[k]) {
               VkResult rf = vkWaitForFences(h.device, 1, &fences[k], VK_TRUE, 1000000000ull);
               if (rf == VK_SUCCESS)
                  fences_signalled++;
               else if (rf == VK_TIMEOUT)
                  fences_late++;
               else
                  r = rf;
               if (r < 0 || vkResetFences(h.device, 1, &fences[k]) != VK_SUCCESS)
                  break;
            }
            fence_info.pFences = &fences[k];
            fl.present_next = &fence_info;
            fence_used[k] = true;
         }
         r = frame_loop_draw(&fl);
         drawn++;
      }
      double secs = (harness_now_ns() - t0) / 1e9;
      printf("venus-wsi-demo: %u frames %ux%u in %.2f s (%.1f frames/s), present mode %d, on the "
             "layer's %s surface%s\n", drawn, fl.extent.width, fl.extent.height, secs,
             drawn / secs, mode, display ? "display" : "headless",
             stop_requested ? " (stopped by a signal)" : "");
      if (present_fence) {
         for (uint32_t k = 0; k < FENCES; k++) {
            if (!fence_used[k])
               continue;
            VkResult rf = vkWaitForFences(h.device, 1, &fences[k], VK_TRUE, 1000000000ull);
            fences_signalled += rf == VK_SUCCESS;
            fences_late += rf != VK_SUCCESS;
         }
         printf("venus-wsi-demo: present fences: %llu signalled, %llu not within a second\n",
                (unsigned long long)fences_signalled, (unsigned long long)fences_late);
         if (fences_late)
            rc = 1;
      }
      if (wait_for_present) {
         printf("venus-wsi-demo: present wait: %llu waits, %llu timed out, %.2f ms on average, "
                "%.2f ms at most\n",
                (unsigned long long)pacing.waits, (unsigned long long)pacing.timeouts,
                pacing.waits ? pacing.total_ns / 1e6 / (double)pacing.waits : 0.0,
                pacing.worst_ns / 1e6);
         if (pacing.timeouts)
            rc = 1;
      }
      frame_loop_destroy(&fl, true);
   }
   for (uint32_t k = 0; k < FENCES; k++)
      if (fences[k])
         vkDestroyFence(h.device, fences[k], NULL);
   if (r < 0) {
      fprintf(stderr, "venus-wsi-demo: presenting failed: %d\n", r);
      rc = 1;
   }
   vkDestroySurfaceKHR(h.instance, surface, NULL);
   harness_finish(&h);
   return rc;
}

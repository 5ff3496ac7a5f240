#include "present_wait_check.h"

#include <string.h>

#include "venus_wsi/vk_present2.h"

bool
pw_device_lists(struct harness *h, const char *name)
{
   VkExtensionProperties props[512];
   uint32_t n = 512;
   vkEnumerateDeviceExtensionProperties(h->pdev, NULL, &n, props);
   for (uint32_t i = 0; i < n; i++)
      if (!strcmp(props[i].extensionName, name))
         return true;
   return false;
}

PFN_vkWaitForPresentKHR
pw_setup(struct harness *h, bool layer_on_top)
{
   CHECK(h, pw_device_lists(h, VK_KHR_PRESENT_ID_EXTENSION_NAME) &&
               pw_device_lists(h, VK_KHR_PRESENT_WAIT_EXTENSION_NAME),
         "present id/wait not listed");
   CHECK(h, h->present_wait, "presentId/presentWait not reported or not enabled");
   PFN_vkWaitForPresentKHR wait =
      (PFN_vkWaitForPresentKHR)vkGetDeviceProcAddr(h->device, "vkWaitForPresentKHR");
   /* A validation layer above answers with its own wrapper. */
   CHECK(h, wait && (!layer_on_top || harness_fn_from_layer((PFN_vkVoidFunction)wait)),
         "vkWaitForPresentKHR missing or not the layer's");
   return wait && h->present_wait ? wait : NULL;
}

void
pw_check_swapchain(struct harness *h, PFN_vkWaitForPresentKHR wait, struct frame_loop *fl,
                   uint32_t frames)
{
   const char *mode = harness_mode_name(fl->mode);
   bool each = fl->mode == VK_PRESENT_MODE_FIFO_KHR || fl->mode == VK_PRESENT_MODE_FIFO_RELAXED_KHR;
   uint64_t base = 100 + 10 * fl->frames; /* above what an earlier call on fl presented */
   VkResult r = VK_SUCCESS;
   for (uint32_t f = 0; f < frames && r == VK_SUCCESS; f++) {
      fl->present_id = f % 4 == 3 ? 0 : base + 3 * (uint64_t)f;
      uint64_t id = fl->present_id;
      r = frame_loop_draw(fl);
      CHECK(h, r == VK_SUCCESS, "%s: frame %u: %d", mode, f, r);
      if (each && id && r == VK_SUCCESS) {
         r = wait(h->device, fl->swapchain, id, 2000000000ull);
         CHECK(h, r == VK_SUCCESS, "%s: wait for id %llu: %d", mode, (unsigned long long)id, r);
      }
   }
   fl->present_id = base + 3 * (uint64_t)frames;
   uint64_t last = fl->present_id;
   CHECK_VK(h, frame_loop_draw(fl), VK_SUCCESS);
   fl->present_id = 0;
   CHECK_VK(h, wait(h->device, fl->swapchain, last, 2000000000ull), VK_SUCCESS);
   CHECK_VK(h, wait(h->device, fl->swapchain, base, 0), VK_SUCCESS);
   CHECK_VK(h, wait(h->device, fl->swapchain, last - 1, 0), VK_SUCCESS);
   CHECK_VK(h, wait(h->device, fl->swapchain, last + 1, 0), VK_TIMEOUT);
   uint64_t t0 = harness_now_ns();
   CHECK_VK(h, wait(h->device, fl->swapchain, last + 1, 50000000ull), VK_TIMEOUT);
   double ms = (harness_now_ns() - t0) / 1e6;
   CHECK(h, ms >= 50.0 && ms < 500.0, "%s: a 50 ms present wait took %.1f ms", mode, ms);
   printf("%-13s %u frames with present ids%s, the last complete; a 50 ms wait for an id "
          "never presented took %.1f ms\n",
          mode, frames, each ? " (each waited for)" : "", ms);
}

static void
pw2_check_surface(struct harness *h, VkSurfaceKHR surface, uint32_t expect_compat)
{
   VkSurfaceCapabilitiesPresentWait2KHR wait2 = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_PRESENT_WAIT_2_KHR,
   };
   VkSurfaceCapabilitiesPresentId2KHR id2 = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_PRESENT_ID_2_KHR,
      .pNext = &wait2,
   };
   VkSurfaceCapabilities2KHR c2 = {.sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_2_KHR,
                                   .pNext = &id2};
   VkPhysicalDeviceSurfaceInfo2KHR info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SURFACE_INFO_2_KHR,
      .surface = surface,
   };
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &c2), VK_SUCCESS);
   CHECK(h, id2.presentId2Supported && wait2.presentWait2Supported,
         "presentId2Supported %u, presentWait2Supported %u", id2.presentId2Supported,
         wait2.presentWait2Supported);

   VkPresentModeKHR modes[8];
   uint32_t n = 8;
   CHECK_VK(h, vkGetPhysicalDeviceSurfacePresentModesKHR(h->pdev, surface, &n, modes), VK_SUCCESS);
   bool offered = false;
   for (uint32_t i = 0; i < n; i++)
      offered |= modes[i] == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT;
   CHECK(h, offered, "FIFO_LATEST_READY not among the %u present modes", n);
   if (!expect_compat)
      return;

   VkSurfacePresentModeEXT pm = {.sType = VK_STRUCTURE_TYPE_SURFACE_PRESENT_MODE_EXT,
                                 .presentMode = VK_PRESENT_MODE_FIFO_LATEST_READY_EXT};
   info.pNext = &pm;
   VkPresentModeKHR compat[8];
   VkSurfacePresentModeCompatibilityEXT pmc = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_PRESENT_MODE_COMPATIBILITY_EXT,
      .presentModeCount = 8,
      .pPresentModes = compat,
   };
   c2.pNext = &pmc;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &c2), VK_SUCCESS);
   CHECK(h, pmc.presentModeCount == expect_compat &&
               compat[0] == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT,
         "FIFO_LATEST_READY compatible with %u modes (expected %u), first %d", pmc.presentModeCount,
         expect_compat, compat[0]);
   bool fifo = false;
   for (uint32_t i = 0; i < pmc.presentModeCount; i++)
      fifo |= compat[i] == VK_PRESENT_MODE_FIFO_KHR;
   CHECK(h, fifo || expect_compat == 1, "FIFO_LATEST_READY not compatible with FIFO");
   printf("FIFO_LATEST_READY offered, compatible with %u mode(s); presentId2 and presentWait2 "
          "supported by the surface\n", pmc.presentModeCount);
}

uint32_t
pw2_check(struct harness *h, VkSurfaceKHR surface, VkExtent2D extent, uint32_t frames,
          uint32_t serial, bool layer_on_top, uint32_t expect_compat, double hz)
{
   CHECK(h, pw_device_lists(h, VK_KHR_PRESENT_ID_2_EXTENSION_NAME) &&
               pw_device_lists(h, VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME) &&
               pw_device_lists(h, VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME),
         "present id2/wait2/FIFO_LATEST_READY not listed");
   CHECK(h, h->present2, "presentId2/presentWait2/presentModeFifoLatestReady not enabled");
   PFN_vkWaitForPresent2KHR wait =
      (PFN_vkWaitForPresent2KHR)vkGetDeviceProcAddr(h->device, "vkWaitForPresent2KHR");
   CHECK(h, wait && (!layer_on_top || harness_fn_from_layer((PFN_vkVoidFunction)wait)),
         "vkWaitForPresent2KHR missing or not the layer's");
   if (!wait || !h->present2)
      return 0;
   pw2_check_surface(h, surface, expect_compat);

   struct frame_loop fl;
   VkResult r = frame_loop_create_ext(
      &fl, h, surface, extent, VK_PRESENT_MODE_FIFO_LATEST_READY_EXT, 3, VK_NULL_HANDLE, serial,
      NULL, VK_SWAPCHAIN_CREATE_PRESENT_ID_2_BIT_KHR | VK_SWAPCHAIN_CREATE_PRESENT_WAIT_2_BIT_KHR);
   CHECK(h, r == VK_SUCCESS, "FIFO_LATEST_READY swapchain with the id2/wait2 flags: %d", r);
   if (r != VK_SUCCESS) {
      frame_loop_destroy(&fl, false);
      return 1;
   }
   uint64_t id = 0;
   VkPresentId2KHR ids = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_ID_2_KHR,
      .swapchainCount = 1,
      .pPresentIds = &id,
   };
   fl.present_next = &ids;
   VkPresentWait2InfoKHR wi = {.sType = VK_STRUCTURE_TYPE_PRESENT_WAIT_2_INFO_KHR};

   uint64_t t0 = harness_now_ns();
   for (uint32_t f = 0; f < frames && r == VK_SUCCESS; f++) {
      id = 1000 + 2 * (uint64_t)f;
      r = frame_loop_draw(&fl);
      CHECK(h, r == VK_SUCCESS, "FIFO_LATEST_READY frame %u: %d", f, r);
      wi.presentId = id;
      wi.timeout = 2000000000ull;
      VkResult w = wait(h->device, fl.swapchain, &wi);
      CHECK(h, w == VK_SUCCESS, "vkWaitForPresent2KHR for id %llu: %d", (unsigned long long)id, w);
   }
   double waited_fps = frames / ((harness_now_ns() - t0) / 1e9);
   if (hz > 0)
      CHECK(h, waited_fps < hz * 1.1, "FIFO_LATEST_READY waited for each frame at %.1f frames/s "
            "on a %.1f Hz display", waited_fps, hz);

   /* Unwaited: the refreshes show the newest finished frames, the rest are passed over and
    * complete with them. */
   uint64_t first = 1000 + 2 * (uint64_t)frames;
   t0 = harness_now_ns();
   for (uint32_t f = 0; f < frames && r == VK_SUCCESS; f++) {
      id = first + 2 * (uint64_t)f;
      r = frame_loop_draw(&fl);
      CHECK(h, r == VK_SUCCESS, "FIFO_LATEST_READY unwaited frame %u: %d", f, r);
   }
   double burst_fps = frames / ((harness_now_ns() - t0) / 1e9);
   uint64_t last = id;
   id = 0;
   wi.presentId = last;
   wi.timeout = 2000000000ull;
   CHECK_VK(h, wait(h->device, fl.swapchain, &wi), VK_SUCCESS);
   wi.timeout = 0;
   wi.presentId = first;
   CHECK_VK(h, wait(h->device, fl.swapchain, &wi), VK_SUCCESS);
   wi.presentId = last - 1;
   CHECK_VK(h, wait(h->device, fl.swapchain, &wi), VK_SUCCESS);
   wi.presentId = last + 1;
   CHECK_VK(h, wait(h->device, fl.swapchain, &wi), VK_TIMEOUT);
   wi.timeout = 50000000ull;
   uint64_t w0 = harness_now_ns();
   CHECK_VK(h, wait(h->device, fl.swapchain, &wi), VK_TIMEOUT);
   double ms = (harness_now_ns() - w0) / 1e6;
   CHECK(h, ms >= 50.0 && ms < 500.0, "a 50 ms vkWaitForPresent2KHR took %.1f ms", ms);
   printf("FIFO_LATEST_READY %u frames with VkPresentId2KHR each waited for (%.1f frames/s), "
          "%u unwaited (%.1f frames/s), the last complete; a 50 ms wait for an id never "
          "presented took %.1f ms\n", frames, waited_fps, frames, burst_fps, ms);
   frame_loop_destroy(&fl, true);
   return 1;
}

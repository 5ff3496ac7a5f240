#include "present_wait_check.h"

#include <string.h>

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

/* Integration test of the layer's headless WSI on a real driver (lavapipe): every present
 * mode with pixel checks of the frames the layer dumps, acquire timeouts, swapchain
 * retirement, the Vulkan 1.1 swapchain pieces, a fork() child (fails cleanly, the parent goes
 * on), and pass-through in 'auto' mode. Run it
 * with the Khronos validation layer above or below the layer: any message fails it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frame_loop.h"
#include "png_read.h"
#include "maintenance1_check.h"
#include "present_wait_check.h"

struct options {
   uint32_t frames;
   VkExtent2D extent;
   const char *tests;
   double expect_hz; /* when > 0: FIFO must pace to it, MAILBOX/IMMEDIATE must not */
   const char *expect_owner; /* "layer" or "driver": who answers WSI (dladdr check) */
   const char *app_layers;   /* comma list enabled through ppEnabledLayerNames */
   const char *validation;   /* "above" or "below": where the validation layer must sit */
};

static uint32_t swapchains_created; /* the layer's serial of the next swapchain */

static bool
wants(const struct options *o, const char *name)
{
   if (!o->tests)
      return true;
   char buf[256];
   snprintf(buf, sizeof(buf), ",%s,", o->tests);
   char key[64];
   snprintf(key, sizeof(key), ",%s,", name);
   return strstr(buf, key) != NULL;
}

static VkSurfaceKHR
create_surface(struct harness *h)
{
   VkHeadlessSurfaceCreateInfoEXT ci = {.sType = VK_STRUCTURE_TYPE_HEADLESS_SURFACE_CREATE_INFO_EXT};
   PFN_vkCreateHeadlessSurfaceEXT create =
      (PFN_vkCreateHeadlessSurfaceEXT)vkGetInstanceProcAddr(h->instance,
                                                            "vkCreateHeadlessSurfaceEXT");
   VkSurfaceKHR s = VK_NULL_HANDLE;
   CHECK(h, create != NULL, "no vkCreateHeadlessSurfaceEXT");
   if (create)
      CHECK_VK(h, create(h->instance, &ci, NULL, &s), VK_SUCCESS);
   return s;
}

/* Before the present: a dump left by an earlier run must not pass for this one's. */
static void
remove_dump(uint32_t serial)
{
   const char *dir = getenv("VENUS_WSI_DUMP_DIR");
   if (!dir || !*dir)
      return;
   char path[1024];
   snprintf(path, sizeof(path), "%s/sc%u-frame000000.png", dir, serial);
   unlink(path);
}

/* The layer's present thread writes a dump after the frame is shown (under a new name, so
 * it appears whole). Under a sanitizer a large frame takes far longer than in a plain
 * build: wait for it rather than for a fixed time. */
static bool
load_dump(const char *path, struct rgb_image *img)
{
   for (int waited_ms = 0; waited_ms < 5000; waited_ms += 10) {
      if (access(path, F_OK) == 0)
         return rgb_image_load_png(path, img);
      usleep(10000);
   }
   return false;
}

/* Dumped frames (VENUS_WSI_DUMP_DIR) of swapchain 'serial' must show frame n's colours. */
static uint32_t
check_dumps(struct harness *h, uint32_t serial, uint64_t frames, VkExtent2D extent,
            uint32_t *found_out)
{
   const char *dir = getenv("VENUS_WSI_DUMP_DIR");
   if (!dir || !*dir)
      return 0;
   const char *every_s = getenv("VENUS_WSI_DUMP_EVERY");
   uint32_t every = every_s ? (uint32_t)atoi(every_s) : 1;
   uint32_t found = 0, bad = 0;
   VkRect2D c = frame_centre_rect(extent);
   for (uint64_t n = 0; n < frames; n += every) {
      char path[1024];
      snprintf(path, sizeof(path), "%s/sc%u-frame%06llu.png", dir, serial, (unsigned long long)n);
      struct rgb_image img;
      if (!rgb_image_load_png(path, &img))
         continue;
      found++;
      uint8_t bg[3], fg[3];
      bool centre;
      frame_colours(n, bg, fg, &centre);
      const uint8_t *mid = centre ? fg : bg;
      bool ok = img.width == extent.width && img.height == extent.height &&
                rgb_image_pixel_is(&img, 1, 1, bg[0], bg[1], bg[2], 1) &&
                rgb_image_pixel_is(&img, extent.width - 2, extent.height - 2, bg[0], bg[1], bg[2], 1) &&
                rgb_image_pixel_is(&img, extent.width / 2, extent.height / 2, mid[0], mid[1], mid[2], 1) &&
                rgb_image_pixel_is(&img, (uint32_t)c.offset.x, (uint32_t)c.offset.y, mid[0], mid[1], mid[2], 1) &&
                rgb_image_pixel_is(&img, (uint32_t)c.offset.x - 1, (uint32_t)c.offset.y - 1, bg[0], bg[1], bg[2], 1);
      CHECK(h, ok, "%s: pixels differ from frame %llu's colours", path, (unsigned long long)n);
      bad += !ok;
      rgb_image_free(&img);
   }
   *found_out = found;
   return bad;
}

static void
test_surface_queries(struct harness *h, VkSurfaceKHR surface)
{
   VkBool32 supported = VK_FALSE;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceSupportKHR(h->pdev, h->queue_family, surface, &supported),
            VK_SUCCESS);
   CHECK(h, supported, "graphics family cannot present");
   VkSurfaceCapabilitiesKHR caps;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps), VK_SUCCESS);
   CHECK(h, caps.minImageCount >= 1 && (caps.maxImageCount == 0 || caps.maxImageCount >= caps.minImageCount),
         "image counts %u..%u", caps.minImageCount, caps.maxImageCount);
   CHECK(h, caps.supportedUsageFlags & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, "no color attachment usage");

   VkPhysicalDeviceSurfaceInfo2KHR info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SURFACE_INFO_2_KHR,
      .surface = surface,
   };
   /* The chain: what the layer answers (protected: no; shared present: no usage), and a
    * structure of an extension it does not know, which must stay as the app wrote it. */
   VkSurfaceCapabilitiesPresentBarrierNV unknown = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_PRESENT_BARRIER_NV,
      .presentBarrierSupported = 0x5a5a,
   };
   VkSharedPresentSurfaceCapabilitiesKHR shared = {
      .sType = VK_STRUCTURE_TYPE_SHARED_PRESENT_SURFACE_CAPABILITIES_KHR,
      .pNext = &unknown,
      .sharedPresentSupportedUsageFlags = ~0u,
   };
   VkSurfaceProtectedCapabilitiesKHR prot = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_PROTECTED_CAPABILITIES_KHR,
      .pNext = &shared,
      .supportsProtected = VK_TRUE,
   };
   VkSurfaceCapabilities2KHR caps2 = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_2_KHR,
      .pNext = &prot,
   };
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &caps2), VK_SUCCESS);
   CHECK(h, caps2.pNext == &prot && prot.pNext == &shared && shared.pNext == &unknown &&
            unknown.pNext == NULL, "the chain was changed");
   CHECK(h, prot.supportsProtected == VK_FALSE, "protected swapchains claimed");
   CHECK(h, shared.sharedPresentSupportedUsageFlags == 0, "shared present usage 0x%x",
         shared.sharedPresentSupportedUsageFlags);
   CHECK(h, unknown.presentBarrierSupported == 0x5a5a,
         "a structure the layer does not know was written");
   CHECK(h, caps2.surfaceCapabilities.minImageCount == caps.minImageCount, "caps2 differs");

   uint32_t n = 0;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceFormatsKHR(h->pdev, surface, &n, NULL), VK_SUCCESS);
   CHECK(h, n > 0, "no surface formats");
   VkSurfaceFormatKHR one;
   uint32_t n1 = 1;
   VkResult r = vkGetPhysicalDeviceSurfaceFormatsKHR(h->pdev, surface, &n1, &one);
   CHECK(h, n > 1 ? r == VK_INCOMPLETE : r == VK_SUCCESS, "short format query returned %d", r);
   VkSurfaceFormat2KHR f2[32];
   for (int i = 0; i < 32; i++)
      f2[i] = (VkSurfaceFormat2KHR){.sType = VK_STRUCTURE_TYPE_SURFACE_FORMAT_2_KHR};
   uint32_t n2 = 32;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceFormats2KHR(h->pdev, &info, &n2, f2), VK_SUCCESS);
   CHECK(h, n2 == n, "formats2 count %u != %u", n2, n);
   CHECK(h, frame_loop_pick_format(h, surface) != VK_FORMAT_UNDEFINED, "no 8-bit UNORM format");

   VkPresentModeKHR modes[8];
   uint32_t nm = 8;
   CHECK_VK(h, vkGetPhysicalDeviceSurfacePresentModesKHR(h->pdev, surface, &nm, modes), VK_SUCCESS);
   CHECK(h, nm == 5,
         "%u present modes, expected FIFO, FIFO_RELAXED, MAILBOX, IMMEDIATE, FIFO_LATEST_READY",
         nm);

   VkRect2D rects[2];
   uint32_t nr = 2;
   CHECK_VK(h, vkGetPhysicalDevicePresentRectanglesKHR(h->pdev, surface, &nr, rects), VK_SUCCESS);
   CHECK(h, nr == 1, "%u present rectangles", nr);

   VkDeviceGroupPresentCapabilitiesKHR gcaps = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_GROUP_PRESENT_CAPABILITIES_KHR,
   };
   CHECK_VK(h, vkGetDeviceGroupPresentCapabilitiesKHR(h->device, &gcaps), VK_SUCCESS);
   CHECK(h, gcaps.presentMask[0] == 1 && (gcaps.modes & VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR),
         "device group caps mask %u modes %u", gcaps.presentMask[0], gcaps.modes);
   VkDeviceGroupPresentModeFlagsKHR gmodes = 0;
   CHECK_VK(h, vkGetDeviceGroupSurfacePresentModesKHR(h->device, surface, &gmodes), VK_SUCCESS);
   CHECK(h, gmodes & VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR, "surface group modes %u", gmodes);
}

static void
test_present_modes(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   static const VkPresentModeKHR modes[] = {
      VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR, VK_PRESENT_MODE_IMMEDIATE_KHR,
      VK_PRESENT_MODE_FIFO_RELAXED_KHR,
   };
   VkSwapchainKHR old = VK_NULL_HANDLE;
   struct frame_loop prev;
   bool have_prev = false;
   for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
      struct frame_loop fl;
      uint32_t serial = swapchains_created++;
      VkResult r = frame_loop_create(&fl, h, surface, o->extent, modes[m], 3, old, serial);
      CHECK(h, r == VK_SUCCESS, "swapchain for %s: %d", harness_mode_name(modes[m]), r);
      if (have_prev) {
         /* Recreation: the old one is retired, and goes away with frames still queued. */
         frame_loop_destroy(&prev, true);
         have_prev = false;
      }
      if (r != VK_SUCCESS)
         return;
      uint64_t t0 = harness_now_ns();
      uint32_t bad = 0;
      for (uint32_t f = 0; f < o->frames; f++) {
         VkResult fr = frame_loop_draw(&fl);
         if (fr != VK_SUCCESS)
            bad++;
         CHECK(h, fr == VK_SUCCESS, "%s frame %u: %d", harness_mode_name(modes[m]), f, fr);
         if (fr < 0)
            break;
      }
      double secs = (harness_now_ns() - t0) / 1e9;
      double fps = o->frames / secs;
      printf("%-13s %u frames %ux%u in %.2f s: %.1f frames/s\n", harness_mode_name(modes[m]), o->frames,
             fl.extent.width, fl.extent.height, secs, fps);
      if (o->expect_hz > 0) {
         bool paced = modes[m] == VK_PRESENT_MODE_FIFO_KHR ||
                      modes[m] == VK_PRESENT_MODE_FIFO_RELAXED_KHR;
         if (paced)
            CHECK(h, fps > o->expect_hz * 0.85 && fps < o->expect_hz * 1.1,
                  "%s at %.1f frames/s, display refreshes at %.0f Hz", harness_mode_name(modes[m]), fps,
                  o->expect_hz);
         else
            CHECK(h, fps > o->expect_hz * 1.5, "%s at %.1f frames/s: throttled to the %.0f Hz display",
                  harness_mode_name(modes[m]), fps, o->expect_hz);
      }
      prev = fl;
      have_prev = true;
      old = fl.swapchain;

      /* Dumps are written by the layer's thread: let the last due ones land. */
      if (getenv("VENUS_WSI_DUMP_DIR")) {
         vkQueueWaitIdle(h->queue);
         usleep(200000);
         uint32_t found = 0;
         uint32_t wrong = check_dumps(h, serial, fl.frames, fl.extent, &found);
         const char *every_s = getenv("VENUS_WSI_DUMP_EVERY");
         uint32_t every = every_s ? (uint32_t)atoi(every_s) : 1;
         uint32_t due = (uint32_t)((fl.frames + every - 1) / every);
         bool drops = modes[m] == VK_PRESENT_MODE_MAILBOX_KHR ||
                      modes[m] == VK_PRESENT_MODE_IMMEDIATE_KHR;
         printf("%-13s frame dumps: %u of %u due found, %u with wrong pixels\n",
                harness_mode_name(modes[m]), found, due, wrong);
         /* FIFO shows every frame; the replacing modes may drop some, not most. The very
          * last frames can still be queued when the swapchain goes. */
         CHECK(h, drops ? found * 2 >= due : found + 1 >= due, "%s: %u of %u frame dumps",
               harness_mode_name(modes[m]), found, due);
      }
   }
   if (have_prev)
      frame_loop_destroy(&prev, true);
}

static VkFence
make_fence(struct harness *h)
{
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence f = VK_NULL_HANDLE;
   vkCreateFence(h->device, &fci, NULL, &f);
   return f;
}

/* Records a transition of 'image' to PRESENT_SRC behind a host-set event, so the test
 * decides from the host when the GPU side of a present finishes. The present that follows
 * waits through queue order, not a semaphore: lavapipe blocks the submitting thread on a
 * binary semaphore whose signal has not executed yet, which would deadlock the test. */
static void
submit_gated_transition(struct harness *h, VkCommandBuffer cmd, VkImage image, VkEvent gate,
                        VkSemaphore done)
{
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   vkBeginCommandBuffer(cmd, &bi);
   VkImageMemoryBarrier b = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
      .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
      .newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .image = image,
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   if (gate)
      vkCmdWaitEvents(cmd, 1, &gate, VK_PIPELINE_STAGE_HOST_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                      0, NULL, 0, NULL, 1, &b);
   else
      vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                           VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, NULL, 0, NULL, 1, &b);
   vkEndCommandBuffer(cmd);
   VkSubmitInfo si = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmd,
      .signalSemaphoreCount = done ? 1 : 0,
      .pSignalSemaphores = &done,
   };
   CHECK_VK(h, vkQueueSubmit(h->queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
}

static VkResult
present_one(struct harness *h, VkSwapchainKHR sc, uint32_t index, VkSemaphore wait)
{
   VkPresentInfoKHR pi = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
      .waitSemaphoreCount = wait ? 1 : 0,
      .pWaitSemaphores = &wait,
      .swapchainCount = 1,
      .pSwapchains = &sc,
      .pImageIndices = &index,
   };
   return vkQueuePresentKHR(h->queue, &pi);
}

static void
test_timeouts_and_retirement(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   VkSurfaceCapabilitiesKHR caps;
   vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps);
   struct frame_loop fl;
   uint32_t serial = swapchains_created++;
   VkResult r = frame_loop_create(&fl, h, surface, o->extent, VK_PRESENT_MODE_FIFO_KHR,
                                  caps.minImageCount, VK_NULL_HANDLE, serial);
   CHECK(h, r == VK_SUCCESS, "swapchain: %d", r);
   if (r != VK_SUCCESS)
      return;

   /* Take every image with timeout 0: then VK_NOT_READY. */
   VkFence fences[FRAME_LOOP_MAX_IMAGES];
   uint32_t got = 0;
   for (uint32_t i = 0; i <= fl.image_count; i++) {
      VkFence f = make_fence(h);
      uint32_t index;
      r = vkAcquireNextImageKHR(h->device, fl.swapchain, 0, VK_NULL_HANDLE, f, &index);
      if (r != VK_SUCCESS) {
         vkDestroyFence(h->device, f, NULL);
         break;
      }
      fences[got++] = f;
   }
   CHECK(h, got == fl.image_count, "acquired %u of %u images", got, fl.image_count);
   CHECK(h, r == VK_NOT_READY, "acquire with all images taken and timeout 0: %d", r);
   vkWaitForFences(h->device, got, fences, VK_TRUE, UINT64_MAX);
   for (uint32_t i = 0; i < got; i++)
      vkDestroyFence(h->device, fences[i], NULL);
   /* Still all held, now with a finite timeout: it is waited out, not returned at once, or
    * an app polling acquire spins a core. */
   uint32_t index;
   VkFence spare = make_fence(h);
   uint64_t t0 = harness_now_ns();
   r = vkAcquireNextImageKHR(h->device, fl.swapchain, 50000000, VK_NULL_HANDLE, spare, &index);
   double waited_ms = (harness_now_ns() - t0) / 1e6;
   CHECK(h, r == VK_TIMEOUT, "acquire with every image held, 50 ms: %d", r);
   CHECK(h, waited_ms >= 45.0 && waited_ms < 500.0,
         "50 ms acquire timeout with every image held took %.1f ms", waited_ms);
   printf("acquire timeout 50 ms, every image held: %s after %.1f ms\n",
          r == VK_TIMEOUT ? "VK_TIMEOUT" : "wrong result", waited_ms);
   vkDestroyFence(h->device, spare, NULL);

   /* Present image 0 behind a gate: acquire must wait its timeout, then succeed
    * once the host opens the gate. */
   VkEventCreateInfo eci = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   VkEvent gate;
   vkCreateEvent(h->device, &eci, NULL, &gate);
   submit_gated_transition(h, fl.cmd[0], fl.images[0], gate, VK_NULL_HANDLE);
   CHECK_VK(h, present_one(h, fl.swapchain, 0, VK_NULL_HANDLE), VK_SUCCESS);

   VkFence f = make_fence(h);
   t0 = harness_now_ns();
   r = vkAcquireNextImageKHR(h->device, fl.swapchain, 30000000, VK_NULL_HANDLE, f, &index);
   waited_ms = (harness_now_ns() - t0) / 1e6;
   CHECK(h, r == VK_TIMEOUT, "gated acquire returned %d", r);
   CHECK(h, waited_ms >= 29.0 && waited_ms < 1000.0, "30 ms acquire timeout took %.1f ms", waited_ms);
   printf("acquire timeout 30 ms: returned VK_TIMEOUT after %.1f ms\n", waited_ms);

   vkSetEvent(h->device, gate);
   t0 = harness_now_ns();
   r = vkAcquireNextImageKHR(h->device, fl.swapchain, 5000000000ull, VK_NULL_HANDLE, f, &index);
   waited_ms = (harness_now_ns() - t0) / 1e6;
   CHECK(h, r == VK_SUCCESS && index == 0, "acquire after the gate opened: %d, image %u", r, index);
   CHECK(h, waited_ms < 1000.0, "acquire after the gate took %.1f ms", waited_ms);
   printf("acquire after the gate opened: image %u in %.2f ms\n", index, waited_ms);
   vkWaitForFences(h->device, 1, &f, VK_TRUE, UINT64_MAX);
   vkResetFences(h->device, 1, &f);

   /* vkAcquireNextImage2KHR on a fresh image count: present image 0 again first. */
   submit_gated_transition(h, fl.cmd[1], fl.images[0], VK_NULL_HANDLE, fl.render_done[1]);
   CHECK_VK(h, present_one(h, fl.swapchain, 0, fl.render_done[1]), VK_SUCCESS);
   VkAcquireNextImageInfoKHR ai = {
      .sType = VK_STRUCTURE_TYPE_ACQUIRE_NEXT_IMAGE_INFO_KHR,
      .swapchain = fl.swapchain,
      .timeout = 5000000000ull,
      .fence = f,
      .deviceMask = 1,
   };
   CHECK_VK(h, vkAcquireNextImage2KHR(h->device, &ai, &index), VK_SUCCESS);
   vkWaitForFences(h->device, 1, &f, VK_TRUE, UINT64_MAX);
   vkResetFences(h->device, 1, &f);

   /* Retirement: the old swapchain refuses new acquires; a present of an image acquired
    * before still consumes its semaphore and reports VK_ERROR_OUT_OF_DATE_KHR. */
   struct frame_loop fresh;
   uint32_t fresh_serial = swapchains_created++;
   r = frame_loop_create(&fresh, h, surface, o->extent, VK_PRESENT_MODE_MAILBOX_KHR, 3,
                         fl.swapchain, fresh_serial);
   CHECK(h, r == VK_SUCCESS, "recreated swapchain: %d", r);
   /* Acquiring from a retired swapchain is invalid usage: checked only without validation. */
   if (!o->validation)
      CHECK_VK(h, vkAcquireNextImageKHR(h->device, fl.swapchain, 0, VK_NULL_HANDLE, f, &index),
               VK_ERROR_OUT_OF_DATE_KHR);
   vkQueueWaitIdle(h->queue);
   vkResetCommandBuffer(fl.cmd[0], 0);
   submit_gated_transition(h, fl.cmd[0], fl.images[0], VK_NULL_HANDLE, fl.render_done[0]);
   /* Image 0 is the one acquired by vkAcquireNextImage2KHR above. */
   CHECK_VK(h, present_one(h, fl.swapchain, 0, fl.render_done[0]), VK_ERROR_OUT_OF_DATE_KHR);
   if (r == VK_SUCCESS) {
      for (int i = 0; i < 5; i++)
         CHECK_VK(h, frame_loop_draw(&fresh), VK_SUCCESS);
   }
   vkQueueWaitIdle(h->queue);
   vkDestroyFence(h->device, f, NULL);
   vkDestroyEvent(h->device, gate, NULL);
   frame_loop_destroy(&fl, true);
   /* Destroyed right after its last present: frames still in the layer's queue. */
   if (r == VK_SUCCESS)
      frame_loop_destroy(&fresh, true);
}

/* A frame that does not finish within VENUS_WSI_FENCE_TIMEOUT_MS (run with 300): the
 * swapchain fails with VK_ERROR_DEVICE_LOST instead of hanging, and still goes away cleanly
 * once the GPU lets go. */
static void
test_stuck_frame(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   VkSurfaceCapabilitiesKHR caps;
   vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps);
   struct frame_loop fl;
   swapchains_created++;
   VkResult r = frame_loop_create(&fl, h, surface, o->extent, VK_PRESENT_MODE_FIFO_KHR,
                                  caps.minImageCount, VK_NULL_HANDLE, 0);
   CHECK(h, r == VK_SUCCESS, "swapchain: %d", r);
   if (r != VK_SUCCESS)
      return;
   VkFence f = make_fence(h);
   uint32_t index;
   CHECK_VK(h, vkAcquireNextImageKHR(h->device, fl.swapchain, 0, VK_NULL_HANDLE, f, &index),
            VK_SUCCESS);
   vkWaitForFences(h->device, 1, &f, VK_TRUE, UINT64_MAX);
   vkResetFences(h->device, 1, &f);
   VkEventCreateInfo eci = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   VkEvent gate;
   vkCreateEvent(h->device, &eci, NULL, &gate);
   submit_gated_transition(h, fl.cmd[0], fl.images[index], gate, VK_NULL_HANDLE);
   CHECK_VK(h, present_one(h, fl.swapchain, index, VK_NULL_HANDLE), VK_SUCCESS);
   /* Take the other images so the next acquire has to wait for the stuck one. Their
    * fences signal only after the stuck work (same queue): do not wait for them. */
   VkFence others[FRAME_LOOP_MAX_IMAGES];
   uint32_t nothers = 0, other;
   for (;;) {
      others[nothers] = make_fence(h);
      if (vkAcquireNextImageKHR(h->device, fl.swapchain, 0, VK_NULL_HANDLE, others[nothers],
                                &other) != VK_SUCCESS)
         break;
      nothers++;
   }
   uint64_t t0 = harness_now_ns();
   r = vkAcquireNextImageKHR(h->device, fl.swapchain, 5000000000ull, VK_NULL_HANDLE,
                             others[nothers], &other);
   double ms = (harness_now_ns() - t0) / 1e6;
   printf("stuck frame: acquire returned %d after %.0f ms\n", r, ms);
   CHECK(h, r == VK_ERROR_DEVICE_LOST, "acquire behind a stuck frame returned %d", r);
   CHECK(h, ms < 2000, "the stuck frame was noticed only after %.0f ms", ms);
   vkSetEvent(h->device, gate);
   vkQueueWaitIdle(h->queue);
   for (uint32_t i = 0; i <= nothers; i++)
      vkDestroyFence(h->device, others[i], NULL);
   vkDestroyFence(h->device, f, NULL);
   vkDestroyEvent(h->device, gate, NULL);
   frame_loop_destroy(&fl, true);
}

/* VkImageSwapchainCreateInfoKHR + VkBindImageMemorySwapchainInfoKHR: an app image bound to
 * a swapchain image's memory; a clear through it must show in the presented frame. */
static void
test_swapchain_bound_images(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   struct frame_loop fl;
   uint32_t serial = swapchains_created++;
   VkResult r = frame_loop_create(&fl, h, surface, o->extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, serial);
   CHECK(h, r == VK_SUCCESS, "swapchain: %d", r);
   if (r != VK_SUCCESS)
      return;
   VkImageSwapchainCreateInfoKHR isci = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_SWAPCHAIN_CREATE_INFO_KHR,
      .swapchain = fl.swapchain,
   };
   VkImageCreateInfo ici = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
      .pNext = &isci,
      .imageType = VK_IMAGE_TYPE_2D,
      .format = fl.format,
      .extent = {fl.extent.width, fl.extent.height, 1},
      .mipLevels = 1,
      .arrayLayers = 1,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
      .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
   };
   VkImage aliases[FRAME_LOOP_MAX_IMAGES] = {0};
   for (uint32_t i = 0; i < fl.image_count; i++) {
      CHECK_VK(h, vkCreateImage(h->device, &ici, NULL, &aliases[i]), VK_SUCCESS);
      VkBindImageMemorySwapchainInfoKHR bsi = {
         .sType = VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_SWAPCHAIN_INFO_KHR,
         .swapchain = fl.swapchain,
         .imageIndex = i,
      };
      VkBindImageMemoryInfo bind = {
         .sType = VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_INFO,
         .pNext = &bsi,
         .image = aliases[i],
      };
      CHECK_VK(h, vkBindImageMemory2(h->device, 1, &bind), VK_SUCCESS);
   }

   /* Draw through the alias of the acquired image, present the swapchain image. */
   VkFence f = make_fence(h);
   uint32_t index = 0;
   CHECK_VK(h, vkAcquireNextImageKHR(h->device, fl.swapchain, 5000000000ull, VK_NULL_HANDLE, f,
                                     &index),
            VK_SUCCESS);
   vkWaitForFences(h->device, 1, &f, VK_TRUE, UINT64_MAX);
   VkCommandBuffer cmd = fl.cmd[0];
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   vkBeginCommandBuffer(cmd, &bi);
   VkImageMemoryBarrier b = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
      .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
      .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .image = aliases[index],
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                        NULL, 0, NULL, 1, &b);
   VkClearColorValue colour = {{12 / 255.0f, 200 / 255.0f, 99 / 255.0f, 1.0f}};
   vkCmdClearColorImage(cmd, aliases[index], VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &colour, 1,
                        &b.subresourceRange);
   b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
   b.dstAccessMask = 0;
   b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
   b.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                        0, 0, NULL, 0, NULL, 1, &b);
   vkEndCommandBuffer(cmd);
   VkSubmitInfo si = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmd,
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &fl.render_done[index],
   };
   CHECK_VK(h, vkQueueSubmit(h->queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
   remove_dump(serial);
   CHECK_VK(h, present_one(h, fl.swapchain, index, fl.render_done[index]), VK_SUCCESS);
   vkQueueWaitIdle(h->queue);
   const char *dir = getenv("VENUS_WSI_DUMP_DIR");
   const char *every = getenv("VENUS_WSI_DUMP_EVERY");
   if (dir && *dir && (!every || atoi(every) <= 1)) {
      char path[1024];
      snprintf(path, sizeof(path), "%s/sc%u-frame000000.png", dir, serial);
      struct rgb_image img;
      bool loaded = load_dump(path, &img);
      CHECK(h, loaded, "no dump %s", path);
      if (loaded) {
         CHECK(h, rgb_image_pixel_is(&img, 10, 10, 12, 200, 99, 1),
               "the clear through the bound image is not in the presented frame");
         rgb_image_free(&img);
      }
   }
   vkDestroyFence(h->device, f, NULL);
   for (uint32_t i = 0; i < fl.image_count; i++)
      vkDestroyImage(h->device, aliases[i], NULL);
   frame_loop_destroy(&fl, true);
}

/* VK_KHR_swapchain_mutable_format: images that views of another format may read. */
static void
test_mutable_format(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   VkFormat unorm = frame_loop_pick_format(h, surface);
   VkFormat srgb = unorm == VK_FORMAT_B8G8R8A8_UNORM ? VK_FORMAT_B8G8R8A8_SRGB
                                                     : VK_FORMAT_R8G8B8A8_SRGB;
   VkFormat view_formats[2] = {unorm, srgb};
   VkImageFormatListCreateInfo list = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO,
      .viewFormatCount = 2,
      .pViewFormats = view_formats,
   };
   VkSwapchainCreateInfoKHR sci = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
      .pNext = &list,
      .flags = VK_SWAPCHAIN_CREATE_MUTABLE_FORMAT_BIT_KHR,
      .surface = surface,
      .minImageCount = 3,
      .imageFormat = unorm,
      .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
      .imageExtent = o->extent,
      .imageArrayLayers = 1,
      .imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
      .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
      .preTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
      .presentMode = VK_PRESENT_MODE_FIFO_KHR,
      .clipped = VK_TRUE,
   };
   VkSwapchainKHR sc;
   swapchains_created++;
   CHECK_VK(h, vkCreateSwapchainKHR(h->device, &sci, NULL, &sc), VK_SUCCESS);
   VkImage images[FRAME_LOOP_MAX_IMAGES];
   uint32_t n = FRAME_LOOP_MAX_IMAGES;
   CHECK_VK(h, vkGetSwapchainImagesKHR(h->device, sc, &n, images), VK_SUCCESS);
   VkImageViewCreateInfo vci = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
      .image = images[0],
      .viewType = VK_IMAGE_VIEW_TYPE_2D,
      .format = srgb,
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   VkImageView view;
   CHECK_VK(h, vkCreateImageView(h->device, &vci, NULL, &view), VK_SUCCESS);
   vkDestroyImageView(h->device, view, NULL);
   vkDestroySwapchainKHR(h->device, sc, NULL);
}

/* A two-layer swapchain: both layers are the app's to render; layer 0 is what is shown. */
static void
test_array_layers(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   VkSwapchainCreateInfoKHR sci = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
      .surface = surface,
      .minImageCount = 2,
      .imageFormat = frame_loop_pick_format(h, surface),
      .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
      .imageExtent = {64, 48},
      .imageArrayLayers = 2,
      .imageUsage = VK_IMAGE_USAGE_TRANSFER_DST_BIT,
      .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
      .preTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
      .presentMode = VK_PRESENT_MODE_FIFO_KHR,
      .clipped = VK_TRUE,
   };
   VkSwapchainKHR sc;
   uint32_t serial = swapchains_created++;
   CHECK_VK(h, vkCreateSwapchainKHR(h->device, &sci, NULL, &sc), VK_SUCCESS);
   VkImage images[FRAME_LOOP_MAX_IMAGES];
   uint32_t n = FRAME_LOOP_MAX_IMAGES;
   CHECK_VK(h, vkGetSwapchainImagesKHR(h->device, sc, &n, images), VK_SUCCESS);
   VkFence f = make_fence(h);
   uint32_t index = 0;
   CHECK_VK(h, vkAcquireNextImageKHR(h->device, sc, 5000000000ull, VK_NULL_HANDLE, f, &index),
            VK_SUCCESS);
   vkWaitForFences(h->device, 1, &f, VK_TRUE, UINT64_MAX);

   VkCommandPoolCreateInfo pci = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = h->queue_family,
   };
   VkCommandPool pool;
   vkCreateCommandPool(h->device, &pci, NULL, &pool);
   VkCommandBufferAllocateInfo cai = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   VkCommandBuffer cmd;
   vkAllocateCommandBuffers(h->device, &cai, &cmd);
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   vkBeginCommandBuffer(cmd, &bi);
   VkImageMemoryBarrier b = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
      .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
      .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .image = images[index],
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 2},
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                        NULL, 0, NULL, 1, &b);
   VkClearColorValue layer0 = {{1.0f, 0.0f, 0.0f, 1.0f}}, layer1 = {{0.0f, 0.0f, 1.0f, 1.0f}};
   VkImageSubresourceRange r0 = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
   VkImageSubresourceRange r1 = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 1, 1};
   vkCmdClearColorImage(cmd, images[index], VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &layer0, 1, &r0);
   vkCmdClearColorImage(cmd, images[index], VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &layer1, 1, &r1);
   b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
   b.dstAccessMask = 0;
   b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
   b.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                        0, 0, NULL, 0, NULL, 1, &b);
   vkEndCommandBuffer(cmd);
   VkSemaphoreCreateInfo semi = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   VkSemaphore done;
   vkCreateSemaphore(h->device, &semi, NULL, &done);
   VkSubmitInfo si = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmd,
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &done,
   };
   CHECK_VK(h, vkQueueSubmit(h->queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
   remove_dump(serial);
   CHECK_VK(h, present_one(h, sc, index, done), VK_SUCCESS);
   vkQueueWaitIdle(h->queue);
   const char *dir = getenv("VENUS_WSI_DUMP_DIR");
   const char *every = getenv("VENUS_WSI_DUMP_EVERY");
   if (dir && *dir && (!every || atoi(every) <= 1)) {
      char path[1024];
      snprintf(path, sizeof(path), "%s/sc%u-frame000000.png", dir, serial);
      struct rgb_image img;
      bool loaded = load_dump(path, &img);
      CHECK(h, loaded, "no dump %s", path);
      if (loaded) {
         CHECK(h, img.width == 64 && img.height == 48 && rgb_image_pixel_is(&img, 5, 5, 255, 0, 0, 1),
               "layer 0 (red) is not what was shown");
         rgb_image_free(&img);
      }
   }
   vkDestroySemaphore(h->device, done, NULL);
   vkDestroyCommandPool(h->device, pool, NULL);
   vkDestroyFence(h->device, f, NULL);
   vkDestroySwapchainKHR(h->device, sc, NULL);
}

/* --- fork(): the child has the swapchain but not its present thread --- */

#define CHILD_CALL_LIMIT_NS 2000000000ull

/* Bits of the child's exit code: which call misbehaved. */
enum {
   CHILD_ACQUIRE_WRONG = 1,    /* no error, or not within the limit */
   CHILD_PRESENT_WRONG = 2,
   CHILD_DESTROY_SLOW = 4,
   CHILD_VALIDATION = 8,       /* the validation layer objected to the child's calls */
};

static int
child_uses_swapchain(struct harness *h, VkSwapchainKHR sc, uint32_t held, VkFence fence)
{
   int wrong = 0;
   uint64_t t0 = harness_now_ns();
   uint32_t index = 0;
   VkResult r = vkAcquireNextImageKHR(h->device, sc, 3000000000ull, VK_NULL_HANDLE, fence, &index);
   if (r >= 0 || harness_now_ns() - t0 > CHILD_CALL_LIMIT_NS)
      wrong |= CHILD_ACQUIRE_WRONG;
   printf("fork child: vkAcquireNextImageKHR %d in %.3f s\n", r, (harness_now_ns() - t0) / 1e9);

   t0 = harness_now_ns();
   VkResult result = VK_SUCCESS;
   VkPresentInfoKHR pi = {
      .sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
      .swapchainCount = 1,
      .pSwapchains = &sc,
      .pImageIndices = &held,
      .pResults = &result,
   };
   r = vkQueuePresentKHR(h->queue, &pi);
   if (r >= 0 || result >= 0 || harness_now_ns() - t0 > CHILD_CALL_LIMIT_NS)
      wrong |= CHILD_PRESENT_WRONG;
   printf("fork child: vkQueuePresentKHR %d (result %d) in %.3f s\n", r, result,
          (harness_now_ns() - t0) / 1e9);

   t0 = harness_now_ns();
   vkDestroySwapchainKHR(h->device, sc, NULL);
   if (harness_now_ns() - t0 > CHILD_CALL_LIMIT_NS)
      wrong |= CHILD_DESTROY_SLOW;
   printf("fork child: vkDestroySwapchainKHR returned in %.3f s\n", (harness_now_ns() - t0) / 1e9);
   if (h->validation_messages)
      wrong |= CHILD_VALIDATION;
   fflush(stdout);
   return wrong;
}

static void
test_fork(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, h, surface, o->extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, swapchains_created++);
   CHECK(h, r == VK_SUCCESS, "swapchain: %d", r);
   if (r != VK_SUCCESS) {
      frame_loop_destroy(&fl, false);
      return;
   }
   for (int i = 0; i < 10; i++)
      CHECK_VK(h, frame_loop_draw(&fl), VK_SUCCESS);
   vkQueueWaitIdle(h->queue);
   /* The app holds an image when it forks: the child tries to present it. */
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence held_fence, child_fence;
   vkCreateFence(h->device, &fci, NULL, &held_fence);
   vkCreateFence(h->device, &fci, NULL, &child_fence);
   uint32_t held = 0;
   CHECK_VK(h, vkAcquireNextImageKHR(h->device, fl.swapchain, 5000000000ull, VK_NULL_HANDLE,
                                     held_fence, &held),
            VK_SUCCESS);
   vkWaitForFences(h->device, 1, &held_fence, VK_TRUE, UINT64_MAX);

   fflush(stdout);
   fflush(stderr);
   pid_t pid = fork();
   if (pid == 0)
      _exit(child_uses_swapchain(h, fl.swapchain, held, child_fence)); /* no atexit, no driver teardown */
   CHECK(h, pid > 0, "fork failed");
   int code = pid > 0 ? harness_wait_child(pid, 10000000000ull) : -1;
   printf("fork: child exit code %d (0: acquire and present failed and destroy returned, each "
          "within 2 s)\n", code);
   CHECK(h, code == 0, "the fork() child %s (code %d: 1 acquire, 2 present, 4 destroy, "
         "8 validation)", code < 0 ? "hung and was killed" : "saw wrong results", code);

   /* The parent's swapchain is untouched: the held image goes to the screen, frames go on. */
   CHECK_VK(h, present_one(h, fl.swapchain, held, VK_NULL_HANDLE), VK_SUCCESS);
   for (int i = 0; i < 30; i++)
      CHECK_VK(h, frame_loop_draw(&fl), VK_SUCCESS);
   frame_loop_destroy(&fl, true);
   vkDestroyFence(h->device, held_fence, NULL);
   vkDestroyFence(h->device, child_fence, NULL);
}

/* Without any KMS card (this machine has no /dev/dri), VK_KHR_display offers no display and
 * nothing breaks. */
static void
test_no_display(struct harness *h)
{
   char path[32];
   for (int i = 0; i < 16; i++) {
      snprintf(path, sizeof(path), "/dev/dri/card%d", i);
      if (access(path, F_OK) == 0) {
         printf("no-display check skipped: %s exists\n", path);
         return;
      }
   }
   uint32_t n = 99;
   CHECK_VK(h, vkGetPhysicalDeviceDisplayPropertiesKHR(h->pdev, &n, NULL), VK_SUCCESS);
   CHECK(h, n == 0, "%u displays without a DRM card", n);
   uint32_t planes = 99;
   CHECK_VK(h, vkGetPhysicalDeviceDisplayPlanePropertiesKHR(h->pdev, &planes, NULL), VK_SUCCESS);
   CHECK(h, planes == 0, "%u display planes without a DRM card", planes);
   printf("no KMS card: %u displays, %u planes\n", n, planes);
}

/* Extents and layer counts outside the surface's capabilities: the layer refuses them with
 * VK_ERROR_INITIALIZATION_FAILED before the driver sees them (lavapipe, like other drivers,
 * may crash or allocate gigabytes on such an image). A validation layer above the layer
 * reports the app's misuse; one below must see nothing, as the layer passes nothing on. */
static void
test_bad_extents(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   VkSurfaceCapabilitiesKHR caps;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps), VK_SUCCESS);
   const uint32_t mw = caps.maxImageExtent.width, mh = caps.maxImageExtent.height;
   const uint32_t ml = caps.maxImageArrayLayers;
   struct {
      const char *what;
      VkExtent2D extent;
      uint32_t layers;
   } cases[] = {
      {"width max+1", {mw + 1, 64}, 1},
      {"height max+1", {64, mh + 1}, 1},
      {"both max+1", {mw + 1, mh + 1}, 1},
      {"0x0", {0, 0}, 1},
      {"0x64", {0, 64}, 1},
      {"64x0", {64, 0}, 1},
      {"65536x65536", {65536, 65536}, 1},
      {"UINT32_MAX square", {UINT32_MAX, UINT32_MAX}, 1},
      {"array layers max+1", {64, 64}, ml + 1},
      {"array layers 0", {64, 64}, 0},
   };
   printf("surface extents %ux%u..%ux%u, up to %u array layers\n", caps.minImageExtent.width,
          caps.minImageExtent.height, mw, mh, ml);
   h->quiet_validation = true;
   uint32_t before = h->validation_messages;
   for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      VkSwapchainCreateInfoKHR sci = {
         .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
         .surface = surface,
         .minImageCount = caps.minImageCount,
         .imageFormat = frame_loop_pick_format(h, surface),
         .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
         .imageExtent = cases[i].extent,
         .imageArrayLayers = cases[i].layers,
         .imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
         .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
         .preTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
         .compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
         .presentMode = VK_PRESENT_MODE_FIFO_KHR,
         .clipped = VK_TRUE,
      };
      VkSwapchainKHR sc = VK_NULL_HANDLE;
      VkResult r = vkCreateSwapchainKHR(h->device, &sci, NULL, &sc);
      printf("swapchain %-20s %ux%u, %u layers: %d\n", cases[i].what, cases[i].extent.width,
             cases[i].extent.height, cases[i].layers, r);
      CHECK(h, r == VK_ERROR_INITIALIZATION_FAILED, "swapchain %s returned %d", cases[i].what, r);
      if (r == VK_SUCCESS) {
         swapchains_created++; /* the layer numbers only the swapchains it made */
         vkDestroySwapchainKHR(h->device, sc, NULL);
      }
   }
   uint32_t provoked = h->validation_messages - before;
   h->validation_messages = before;
   h->quiet_validation = false;
   if (o->validation) {
      bool above = !strcmp(o->validation, "above");
      printf("bad extents: %u validation message(s), validation layer %s the layer\n", provoked,
             o->validation);
      /* Above: the app's misuse is reported. Below: the layer sent the driver nothing. */
      CHECK(h, above ? provoked > 0 : provoked == 0,
            "%u validation messages for bad extents with validation %s the layer", provoked,
            o->validation);
   }

   /* The layer is still fine: a swapchain within the limits works. */
   struct frame_loop fl;
   VkResult r = frame_loop_create(&fl, h, surface, o->extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                  VK_NULL_HANDLE, swapchains_created++);
   CHECK(h, r == VK_SUCCESS, "swapchain after the bad ones: %d", r);
   if (r == VK_SUCCESS) {
      for (int i = 0; i < 5; i++)
         CHECK_VK(h, frame_loop_draw(&fl), VK_SUCCESS);
      frame_loop_destroy(&fl, true);
   }
}

/* Controls: a deliberate misuse must be reported, or "zero messages" proves nothing. A
 * misuse of a swapchain the layer tolerates is seen only by a validation layer above it:
 * that proves where the validation layer sits. */
static void
provoke_swapchain_misuse(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   h->quiet_validation = true;
   uint32_t before = h->validation_messages;
   VkSwapchainCreateInfoKHR sci = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
      .surface = surface,
      .minImageCount = 3,
      .imageFormat = frame_loop_pick_format(h, surface),
      .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
      .imageExtent = o->extent,
      .imageArrayLayers = 1,
      .imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
      .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
      .preTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      /* not among the headless surface's supported composite alphas */
      .compositeAlpha = VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR,
      .presentMode = VK_PRESENT_MODE_FIFO_KHR,
      .clipped = VK_TRUE,
   };
   VkSwapchainKHR sc = VK_NULL_HANDLE;
   swapchains_created++;
   if (vkCreateSwapchainKHR(h->device, &sci, NULL, &sc) == VK_SUCCESS)
      vkDestroySwapchainKHR(h->device, sc, NULL);
   uint32_t provoked = h->validation_messages - before;
   h->validation_messages = before;
   h->quiet_validation = false;
   bool above = !strcmp(o->validation, "above");
   printf("swapchain misuse reported %u time(s): validation layer is %s the layer\n", provoked,
          provoked ? "above" : "below");
   CHECK(h, above ? provoked > 0 : provoked == 0,
         "validation layer should sit %s the layer, but %s the swapchain misuse", o->validation,
         provoked ? "saw" : "missed");
}

static void
test_provoke_validation(struct harness *h)
{
   h->quiet_validation = true;
   uint32_t before = h->validation_messages;
   VkBufferCreateInfo bci = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = 0, /* VUID-VkBufferCreateInfo-size-00912 */
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
   };
   VkBuffer b = VK_NULL_HANDLE;
   vkCreateBuffer(h->device, &bci, NULL, &b);
   if (b)
      vkDestroyBuffer(h->device, b, NULL);
   uint32_t provoked = h->validation_messages - before;
   printf("provoked validation messages: %u\n", provoked);
   CHECK(h, provoked > 0, "the validation layer reported nothing for a misuse");
   h->validation_messages = before;
   h->quiet_validation = false;
}

/* Which library answers a command: the layer's, or the next one's (pass-through). */
/* Device commands come straight from the layer that answered vkGetDeviceProcAddr (the
 * loader adds no trampoline), so their library shows whether the layer sits on the hot
 * path. Instance commands always go through the loader's trampolines: not checked here. */
/* VK_KHR_present_id and VK_KHR_present_wait on a headless surface, FIFO and MAILBOX. */
static void
test_present_wait(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   PFN_vkWaitForPresentKHR wait =
      pw_setup(h, !o->validation || strcmp(o->validation, "above") != 0);
   if (!wait)
      return;
   static const VkPresentModeKHR modes[] = {VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR};
   for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
      struct frame_loop fl;
      VkResult r = frame_loop_create(&fl, h, surface, o->extent, modes[m], 3, VK_NULL_HANDLE,
                                     swapchains_created++);
      CHECK(h, r == VK_SUCCESS, "%s swapchain: %d", harness_mode_name(modes[m]), r);
      if (r == VK_SUCCESS)
         pw_check_swapchain(h, wait, &fl, o->frames < 60 ? o->frames : 60);
      frame_loop_destroy(&fl, r == VK_SUCCESS);
      if (r != VK_SUCCESS)
         return;
   }
}

/* VK_EXT_surface_maintenance1 and VK_EXT_swapchain_maintenance1: every mode compatible on
 * a headless surface; present fences, the mode switched per present (the frames dumped
 * still show their colours), images released and acquired again. */
static void
test_maintenance1(struct harness *h, VkSurfaceKHR surface, const struct options *o)
{
   CHECK(h, h->maintenance1, "swapchainMaintenance1 not reported or not enabled");
   CHECK(h, pw_device_lists(h, VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME) &&
               pw_device_lists(h, VK_KHR_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME),
         "VK_EXT_swapchain_maintenance1 or VK_KHR_swapchain_maintenance1 not listed");
   if (!h->maintenance1)
      return;
   m1_check_surface(h, surface, 5);
   uint32_t serial = swapchains_created++;
   remove_dump(serial);
   struct frame_loop fl;
   uint64_t frames = m1_check_swapchain(h, surface, &fl, o->extent,
                                        o->frames < 60 ? o->frames : 60, serial);
   uint32_t found = 0;
   uint32_t bad = check_dumps(h, serial, frames, fl.extent, &found);
   m1_check_deferred(h, surface, o->extent, fl.swapchain);
   swapchains_created++;
   frame_loop_destroy(&fl, fl.swapchain != VK_NULL_HANDLE);
   if (getenv("VENUS_WSI_DUMP_DIR"))
      CHECK(h, found > 0, "no frame of swapchain %u dumped", serial);
   printf("dumps: %u checked, %u wrong\n", found, bad);
}

static void
test_owner(struct harness *h, const struct options *o)
{
   bool want_layer = !strcmp(o->expect_owner, "layer");
   static const char *device_cmds[] = {"vkQueuePresentKHR", "vkAcquireNextImageKHR",
                                       "vkCreateSwapchainKHR", "vkQueueSubmit"};
   for (size_t i = 0; i < sizeof(device_cmds) / sizeof(device_cmds[0]); i++) {
      bool layer = harness_fn_from_layer(vkGetDeviceProcAddr(h->device, device_cmds[i]));
      printf("%s -> %s\n", device_cmds[i], layer ? "venus-wsi layer" : "next layer/driver");
      CHECK(h, layer == want_layer, "%s answered by the %s", device_cmds[i],
            layer ? "layer" : "driver");
   }
}

static void
usage(void)
{
   fprintf(stderr,
           "usage: vw-headless-test [--frames N] [--size WxH] [--tests a,b] [--expect-hz HZ]\n"
           "                        [--expect-owner layer|driver] [--app-layers L1,L2]\n"
           "                        [--validation above|below]\n"
           "tests: queries, modes, timeouts, bound, mutable, layers, stuck, fork, extents, nodisplay,\n"
           "       provoke, owner, presentwait, maint1, maint1khr, present2\n");
}

int
main(int argc, char **argv)
{
   struct options o = {.frames = 300, .extent = {1280, 720}};
   for (int i = 1; i < argc; i++) {
      if (!strcmp(argv[i], "--frames") && i + 1 < argc)
         o.frames = (uint32_t)atoi(argv[++i]);
      else if (!strcmp(argv[i], "--size") && i + 1 < argc)
         sscanf(argv[++i], "%ux%u", &o.extent.width, &o.extent.height);
      else if (!strcmp(argv[i], "--tests") && i + 1 < argc)
         o.tests = argv[++i];
      else if (!strcmp(argv[i], "--expect-hz") && i + 1 < argc)
         o.expect_hz = atof(argv[++i]);
      else if (!strcmp(argv[i], "--expect-owner") && i + 1 < argc)
         o.expect_owner = argv[++i];
      else if (!strcmp(argv[i], "--app-layers") && i + 1 < argc)
         o.app_layers = argv[++i];
      else if (!strcmp(argv[i], "--validation") && i + 1 < argc)
         o.validation = argv[++i];
      else {
         usage();
         return 2;
      }
   }
   if (!o.tests)
      o.tests = o.expect_owner ? "owner" : "queries,modes,timeouts,bound,mutable,layers";

   bool owner_only = !strcmp(o.tests, "owner");
   /* Only the present-wait and maintenance1 runs enable theirs: the other runs show the
    * layer without. */
   bool present_wait = wants(&o, "presentwait") && !owner_only;
   /* maint1khr: the same through VK_KHR_swapchain_maintenance1 and its command's KHR name.
    * The instance extension stays the EXT one (same structures): a loader older than
    * 1.4.321 refuses VK_KHR_surface_maintenance1, a name it does not know, whoever offers it,
    * so the layer built against one does not list it; the layer does not check the
    * dependency. */
   bool maint1_khr = wants(&o, "maint1khr") && !owner_only;
   bool maint1 = (wants(&o, "maint1") || maint1_khr) && !owner_only;
   if (maint1_khr)
      m1_release_command = "vkReleaseSwapchainImagesKHR";
   /* present2: VK_KHR_present_id2, VK_KHR_present_wait2, VK_EXT_present_mode_fifo_latest_ready
    * (surface maintenance too, for FIFO_LATEST_READY's compatible modes). */
   bool present2 = wants(&o, "present2") && !owner_only;
   /* Only then is the mode's value known to every layer above and its feature enabled. */
   m1_latest_ready_known = present2;
   const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME, VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME,
                              VK_KHR_GET_SURFACE_CAPABILITIES_2_EXTENSION_NAME,
                              VK_KHR_DISPLAY_EXTENSION_NAME,
                              VK_EXT_SURFACE_MAINTENANCE_1_EXTENSION_NAME};
   const char *dev_exts[8] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME,
                              VK_KHR_SWAPCHAIN_MUTABLE_FORMAT_EXTENSION_NAME};
   uint32_t ndev_exts = 2;
   if (present_wait) {
      dev_exts[ndev_exts++] = VK_KHR_PRESENT_ID_EXTENSION_NAME;
      dev_exts[ndev_exts++] = VK_KHR_PRESENT_WAIT_EXTENSION_NAME;
   }
   if (present2) {
      dev_exts[ndev_exts++] = VK_KHR_PRESENT_ID_2_EXTENSION_NAME;
      dev_exts[ndev_exts++] = VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME;
      dev_exts[ndev_exts++] = VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME;
   }
   if (maint1)
      dev_exts[ndev_exts++] = maint1_khr ? VK_KHR_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME
                                         : VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME;
   const char *layers[4];
   uint32_t nlayers = 0;
   char layer_buf[256] = "";
   if (o.app_layers) {
      snprintf(layer_buf, sizeof(layer_buf), "%s", o.app_layers);
      char *save = NULL;
      for (char *t = strtok_r(layer_buf, ",", &save); t && nlayers < 4; t = strtok_r(NULL, ",", &save))
         layers[nlayers++] = t;
   }
   struct harness_options ho = {
      .layers = layers,
      .layer_count = nlayers,
      .instance_exts = inst_exts,
      .instance_ext_count = owner_only ? 0 : maint1 || present2 ? 5 : 4,
      .device_exts = dev_exts,
      .device_ext_count = ndev_exts,
      .present_wait = present_wait,
      .maintenance1 = maint1,
      .present2 = present2,
   };
   struct harness h = {0};
   if (!harness_init(&h, &ho)) {
      harness_finish(&h);
      return 1;
   }
   if (wants(&o, "owner") && o.expect_owner)
      test_owner(&h, &o);
   VkSurfaceKHR surface = owner_only ? VK_NULL_HANDLE : create_surface(&h);
   if (surface) {
      if (wants(&o, "queries"))
         test_surface_queries(&h, surface);
      if (wants(&o, "modes"))
         test_present_modes(&h, surface, &o);
      if (wants(&o, "timeouts"))
         test_timeouts_and_retirement(&h, surface, &o);
      if (wants(&o, "bound"))
         test_swapchain_bound_images(&h, surface, &o);
      if (wants(&o, "mutable"))
         test_mutable_format(&h, surface, &o);
      if (wants(&o, "layers"))
         test_array_layers(&h, surface, &o);
      if (wants(&o, "stuck"))
         test_stuck_frame(&h, surface, &o);
      if (wants(&o, "fork"))
         test_fork(&h, surface, &o);
      if (wants(&o, "extents"))
         test_bad_extents(&h, surface, &o);
      if (wants(&o, "presentwait"))
         test_present_wait(&h, surface, &o);
      if (maint1)
         test_maintenance1(&h, surface, &o);
      if (present2) {
         swapchains_created += pw2_check(&h, surface, o.extent, o.frames < 60 ? o.frames : 60,
                                         swapchains_created, !o.validation ||
                                            strcmp(o.validation, "above") != 0, 5, 0);
      }
      if (wants(&o, "provoke") && o.validation)
         provoke_swapchain_misuse(&h, surface, &o);
      vkDestroySurfaceKHR(h.instance, surface, NULL);
   }
   if (wants(&o, "nodisplay") && !owner_only)
      test_no_display(&h);
   if (wants(&o, "provoke"))
      test_provoke_validation(&h);
   uint32_t messages = h.validation_messages;
   uint32_t failures = h.failures;
   harness_finish(&h);
   messages = h.validation_messages; /* destruction may report leaks too */
   printf("validation messages: %u, failed checks: %u\n", messages, failures);
   return failures || messages ? 1 : 0;
}

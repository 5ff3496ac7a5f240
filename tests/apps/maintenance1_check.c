#include "maintenance1_check.h"

#include <string.h>

const char *m1_release_command = "vkReleaseSwapchainImagesEXT";
bool m1_latest_ready_known;
frame_scene_fn m1_scene;

/* The modes compatible with 'mode', by the two-call idiom; returns their number. */
static uint32_t
compatible_modes(struct harness *h, VkSurfaceKHR surface, VkPresentModeKHR mode,
                 VkPresentModeKHR out[M1_MAX_MODES], VkSurfaceCapabilitiesKHR *caps)
{
   VkSurfacePresentModeEXT pm = {.sType = VK_STRUCTURE_TYPE_SURFACE_PRESENT_MODE_EXT,
                                 .presentMode = mode};
   VkPhysicalDeviceSurfaceInfo2KHR info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SURFACE_INFO_2_KHR,
      .pNext = &pm,
      .surface = surface,
   };
   VkSurfacePresentModeCompatibilityEXT compat = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_PRESENT_MODE_COMPATIBILITY_EXT,
   };
   VkSurfaceCapabilities2KHR c2 = {.sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_2_KHR,
                                   .pNext = &compat};
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &c2), VK_SUCCESS);
   uint32_t n = compat.presentModeCount;
   CHECK(h, n >= 1 && n <= M1_MAX_MODES, "%s: %u compatible modes counted",
         harness_mode_name(mode), n);
   if (n < 1 || n > M1_MAX_MODES)
      return 0;
   compat.pPresentModes = out;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &c2), VK_SUCCESS);
   CHECK(h, compat.presentModeCount == n, "%s: %u modes written of %u", harness_mode_name(mode),
         compat.presentModeCount, n);
   bool self = false;
   for (uint32_t i = 0; i < compat.presentModeCount; i++)
      self |= out[i] == mode;
   CHECK(h, self, "%s is not compatible with itself", harness_mode_name(mode));
   /* A short array gets what fits. */
   VkPresentModeKHR one[1] = {VK_PRESENT_MODE_MAX_ENUM_KHR};
   compat.presentModeCount = 1;
   compat.pPresentModes = one;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &c2), VK_SUCCESS);
   CHECK(h, compat.presentModeCount == 1 && one[0] == out[0], "%s: short array: %u, %d",
         harness_mode_name(mode), compat.presentModeCount, one[0]);
   *caps = c2.surfaceCapabilities;
   return n;
}

void
m1_check_surface(struct harness *h, VkSurfaceKHR surface, uint32_t expect_compat)
{
   VkSurfaceCapabilitiesKHR plain;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &plain), VK_SUCCESS);
   uint32_t nmodes = M1_MAX_MODES;
   VkPresentModeKHR offered[M1_MAX_MODES];
   CHECK_VK(h, vkGetPhysicalDeviceSurfacePresentModesKHR(h->pdev, surface, &nmodes, offered),
            VK_SUCCESS);
   for (uint32_t m = 0; m < nmodes; m++) {
      /* A validation layer that predates the mode (1.3.239) refuses its value in a query. */
      if (offered[m] == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT && !m1_latest_ready_known)
         continue;
      VkPresentModeKHR compat[M1_MAX_MODES];
      VkSurfaceCapabilitiesKHR caps = {0};
      uint32_t n = compatible_modes(h, surface, offered[m], compat, &caps);
      CHECK(h, caps.minImageCount == plain.minImageCount &&
                  caps.maxImageCount == plain.maxImageCount,
            "%s: %u..%u images, %u..%u without a mode", harness_mode_name(offered[m]),
            caps.minImageCount, caps.maxImageCount, plain.minImageCount, plain.maxImageCount);
      if (offered[m] == VK_PRESENT_MODE_FIFO_KHR && expect_compat)
         CHECK(h, n == expect_compat, "FIFO: %u compatible modes, expected %u", n, expect_compat);
      printf("%-13s compatible with %u mode(s), %u..%u images\n", harness_mode_name(offered[m]),
             n, caps.minImageCount, caps.maxImageCount);
   }

   VkSurfacePresentModeEXT pm = {.sType = VK_STRUCTURE_TYPE_SURFACE_PRESENT_MODE_EXT,
                                 .presentMode = VK_PRESENT_MODE_FIFO_KHR};
   VkPhysicalDeviceSurfaceInfo2KHR info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SURFACE_INFO_2_KHR,
      .pNext = &pm,
      .surface = surface,
   };
   VkSurfacePresentScalingCapabilitiesEXT scaling = {
      .sType = VK_STRUCTURE_TYPE_SURFACE_PRESENT_SCALING_CAPABILITIES_EXT,
      .supportedPresentScaling = 0xff,
      .supportedPresentGravityX = 0xff,
      .supportedPresentGravityY = 0xff,
   };
   VkSurfaceCapabilities2KHR c2 = {.sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_2_KHR,
                                   .pNext = &scaling};
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &c2), VK_SUCCESS);
   CHECK(h, !scaling.supportedPresentScaling && !scaling.supportedPresentGravityX &&
               !scaling.supportedPresentGravityY,
         "scaling 0x%x, gravity 0x%x/0x%x reported", scaling.supportedPresentScaling,
         scaling.supportedPresentGravityX, scaling.supportedPresentGravityY);
   CHECK(h, scaling.minScaledImageExtent.width == plain.minImageExtent.width &&
               scaling.maxScaledImageExtent.height == plain.maxImageExtent.height,
         "scaled extents differ from the surface's");
}

/* Acquires with a fence and waits for it; returns the index or -1. */
static int32_t
acquire(struct harness *h, struct frame_loop *fl, VkFence fence)
{
   uint32_t index = UINT32_MAX;
   VkResult r = vkAcquireNextImageKHR(h->device, fl->swapchain, 2000000000ull, VK_NULL_HANDLE,
                                      fence, &index);
   CHECK(h, r == VK_SUCCESS, "acquire: %d", r);
   if (r != VK_SUCCESS)
      return -1;
   CHECK_VK(h, vkWaitForFences(h->device, 1, &fence, VK_TRUE, 2000000000ull), VK_SUCCESS);
   vkResetFences(h->device, 1, &fence);
   return (int32_t)index;
}

/* DEFERRED_MEMORY_ALLOCATION is accepted; its images are usable once acquired. Not the
 * frame loop's swapchain: it makes views of every image before acquiring them. */
void
m1_check_deferred(struct harness *h, VkSurfaceKHR surface, VkExtent2D extent, VkSwapchainKHR old)
{
   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence fence = VK_NULL_HANDLE;
   CHECK_VK(h, vkCreateFence(h->device, &fci, NULL, &fence), VK_SUCCESS);
   VkSurfaceCapabilitiesKHR caps;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps), VK_SUCCESS);
   VkSwapchainCreateInfoKHR sci = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
      .flags = VK_SWAPCHAIN_CREATE_DEFERRED_MEMORY_ALLOCATION_BIT_EXT,
      .surface = surface,
      .minImageCount = caps.minImageCount,
      .imageFormat = frame_loop_pick_format(h, surface),
      .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
      .imageExtent = caps.currentExtent.width == UINT32_MAX ? extent : caps.currentExtent,
      .imageArrayLayers = 1,
      .imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
      .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
      .preTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
      .presentMode = VK_PRESENT_MODE_FIFO_KHR,
      .clipped = VK_TRUE,
      .oldSwapchain = old,
   };
   VkSwapchainKHR sc = VK_NULL_HANDLE;
   CHECK_VK(h, vkCreateSwapchainKHR(h->device, &sci, NULL, &sc), VK_SUCCESS);
   if (!sc) {
      vkDestroyFence(h->device, fence, NULL);
      return;
   }
   /* The validation layer knows the images only once they were asked for. */
   VkImage images[16];
   uint32_t nimages = 16;
   CHECK_VK(h, vkGetSwapchainImagesKHR(h->device, sc, &nimages, images), VK_SUCCESS);
   struct frame_loop tmp = {.swapchain = sc};
   int32_t idx = acquire(h, &tmp, fence);
   if (idx >= 0) {
      uint32_t u = (uint32_t)idx;
      VkReleaseSwapchainImagesInfoEXT ri = {
         .sType = VK_STRUCTURE_TYPE_RELEASE_SWAPCHAIN_IMAGES_INFO_EXT,
         .swapchain = sc,
         .imageIndexCount = 1,
         .pImageIndices = &u,
      };
      PFN_vkReleaseSwapchainImagesEXT release = (PFN_vkReleaseSwapchainImagesEXT)
         vkGetDeviceProcAddr(h->device, m1_release_command);
      if (release)
         CHECK_VK(h, release(h->device, &ri), VK_SUCCESS);
   }
   vkDestroySwapchainKHR(h->device, sc, NULL);
   vkDestroyFence(h->device, fence, NULL);
   printf("a swapchain with DEFERRED_MEMORY_ALLOCATION: made, image %d acquired and released\n",
          idx);
}

uint64_t
m1_check_swapchain(struct harness *h, VkSurfaceKHR surface, struct frame_loop *fl,
                   VkExtent2D extent, uint32_t frames, uint32_t serial)
{
   VkPresentModeKHR modes[M1_MAX_MODES];
   VkSurfaceCapabilitiesKHR caps;
   uint32_t nmodes = compatible_modes(h, surface, VK_PRESENT_MODE_FIFO_KHR, modes, &caps);
   /* FIFO_LATEST_READY needs its own feature enabled (and a validation layer that knows
    * it): the present-id2 tests switch to it. */
   uint32_t kept = 0;
   for (uint32_t i = 0; i < nmodes; i++)
      if (modes[i] != VK_PRESENT_MODE_FIFO_LATEST_READY_EXT)
         modes[kept++] = modes[i];
   nmodes = kept;
   memset(fl, 0, sizeof(*fl));
   if (!nmodes)
      return 0;
   VkSwapchainPresentScalingCreateInfoEXT scaling = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_SCALING_CREATE_INFO_EXT,
   };
   VkSwapchainPresentModesCreateInfoEXT modes_ci = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_MODES_CREATE_INFO_EXT,
      .pNext = &scaling,
      .presentModeCount = nmodes,
      .pPresentModes = modes,
   };
   VkResult r = frame_loop_create_ext(fl, h, surface, extent, VK_PRESENT_MODE_FIFO_KHR, 3,
                                      VK_NULL_HANDLE, serial, &modes_ci, 0);
   CHECK(h, r == VK_SUCCESS, "swapchain switching between %u modes: %d", nmodes, r);
   if (r != VK_SUCCESS)
      return 0;
   fl->scene = m1_scene;

   VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence fences[4] = {0};
   for (uint32_t i = 0; i < 4; i++)
      CHECK_VK(h, vkCreateFence(h->device, &fci, NULL, &fences[i]), VK_SUCCESS);

   VkPresentModeKHR mode = VK_PRESENT_MODE_FIFO_KHR;
   VkSwapchainPresentModeInfoEXT mode_info = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_MODE_INFO_EXT,
      .swapchainCount = 1,
      .pPresentModes = &mode,
   };
   VkFence present_fence = VK_NULL_HANDLE;
   VkSwapchainPresentFenceInfoEXT fence_info = {
      .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_PRESENT_FENCE_INFO_EXT,
      .pNext = &mode_info,
      .swapchainCount = 1,
      .pFences = &present_fence,
   };
   fl->present_next = &fence_info;
   uint32_t signalled = 0;
   uint64_t t0 = harness_now_ns();
   for (uint32_t f = 0; f < frames; f++) {
      mode = modes[f % nmodes];
      /* Three fences in turn: each is waited for before it is reused. */
      present_fence = fences[f % 3];
      r = frame_loop_draw(fl);
      CHECK(h, r == VK_SUCCESS, "frame %u in %s: %d", f, harness_mode_name(mode), r);
      if (r != VK_SUCCESS)
         break;
      VkResult w = vkWaitForFences(h->device, 1, &present_fence, VK_TRUE, 2000000000ull);
      CHECK(h, w == VK_SUCCESS, "present fence of frame %u (%s): %d", f,
            harness_mode_name(mode), w);
      signalled += w == VK_SUCCESS;
      vkResetFences(h->device, 1, &present_fence);
   }
   double ms = (harness_now_ns() - t0) / 1e6;
   printf("%u frames switching among %u modes per present: %u present fences signalled "
          "(%.1f ms)\n", frames, nmodes, signalled, ms);

   /* Acquired, then given back unpresented: each time the pool must have it again, so
    * more acquires than there are images all succeed. */
   fl->present_next = NULL;
   /* The validation layer of 1.3.239 takes any image of the swapchain still in use for one
    * of those released: nothing of the frames may be running. */
   vkDeviceWaitIdle(h->device);
   VkFence af = fences[3];
   PFN_vkReleaseSwapchainImagesEXT release =
      (PFN_vkReleaseSwapchainImagesEXT)vkGetDeviceProcAddr(h->device, m1_release_command);
   CHECK(h, release != NULL, "no %s", m1_release_command);
   uint32_t seen = 0, rounds = 0;
   for (uint32_t i = 0; release && r == VK_SUCCESS && i < 3 * fl->image_count; i++) {
      int32_t idx = acquire(h, fl, af);
      if (idx < 0)
         break;
      seen |= 1u << idx;
      uint32_t u = (uint32_t)idx;
      VkReleaseSwapchainImagesInfoEXT ri = {
         .sType = VK_STRUCTURE_TYPE_RELEASE_SWAPCHAIN_IMAGES_INFO_EXT,
         .swapchain = fl->swapchain,
         .imageIndexCount = 1,
         .pImageIndices = &u,
      };
      CHECK_VK(h, release(h->device, &ri), VK_SUCCESS);
      rounds++;
   }
   /* Two at once, given back in one call. */
   if (release && r == VK_SUCCESS && fl->image_count - caps.minImageCount >= 2) {
      int32_t a = acquire(h, fl, af), b = acquire(h, fl, af);
      if (a >= 0 && b >= 0) {
         uint32_t both[2] = {(uint32_t)a, (uint32_t)b};
         VkReleaseSwapchainImagesInfoEXT ri = {
            .sType = VK_STRUCTURE_TYPE_RELEASE_SWAPCHAIN_IMAGES_INFO_EXT,
            .swapchain = fl->swapchain,
            .imageIndexCount = 2,
            .pImageIndices = both,
         };
         CHECK_VK(h, release(h->device, &ri), VK_SUCCESS);
      }
   }
   /* More acquires than images, none presented: each came back. Which ones depends on what
    * is still on its way to the screen (a frame being dumped, a display holding one). */
   CHECK(h, rounds == 3 * fl->image_count, "%u acquire-release rounds of %u", rounds,
         3 * fl->image_count);
   printf("%u acquire-release rounds on %u images (images 0x%x acquired)\n", rounds,
          fl->image_count, seen);

   /* Presents go on after the releases: the released images are presentable again. */
   for (uint32_t f = 0; r == VK_SUCCESS && f < fl->image_count * 2; f++) {
      r = frame_loop_draw(fl);
      CHECK(h, r == VK_SUCCESS, "frame after releases: %d", r);
   }
   vkDeviceWaitIdle(h->device);
   for (uint32_t i = 0; i < 4; i++)
      vkDestroyFence(h->device, fences[i], NULL);
   return fl->frames;
}

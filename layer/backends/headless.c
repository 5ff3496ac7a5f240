/* VK_EXT_headless_surface: frames go nowhere, except that VENUS_WSI_DUMP_DIR writes every
 * Nth presented frame as a PNG so people and tests can see them. With
 * VENUS_WSI_HEADLESS_HZ the "display" refreshes at that rate, so FIFO and MAILBOX pace as
 * on a screen; without it a frame is shown as soon as it is finished. */
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../log.h"
#include "../png_dump.h"
#include "../surface_caps.h"
#include "../swapchain.h"
#include "venus_wsi/format_table.h"

struct headless_swapchain {
   uint64_t frame; /* frames the thread showed */
};

static VkResult
headless_get_support(struct vw_surface *surface, struct vw_physical_device *pdev,
                     uint32_t family, VkBool32 *supported)
{
   *supported = vw_family_can_present(pdev, family);
   return VK_SUCCESS;
}

static VkResult
headless_get_capabilities(struct vw_surface *surface, struct vw_physical_device *pdev,
                          VkSurfaceCapabilitiesKHR *caps)
{
   uint32_t max_dim = pdev->props.limits.maxImageDimension2D;
   *caps = (VkSurfaceCapabilitiesKHR){
      .minImageCount = 2,
      .maxImageCount = VW_MAX_IMAGES,
      /* No window: the swapchain's extent decides. */
      .currentExtent = {UINT32_MAX, UINT32_MAX},
      .minImageExtent = {1, 1},
      .maxImageExtent = {max_dim, max_dim},
      .maxImageArrayLayers = pdev->props.limits.maxImageArrayLayers,
      .supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .currentTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .supportedCompositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR |
                                 VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR,
      .supportedUsageFlags = vw_surface_usage(pdev),
   };
   return VK_SUCCESS;
}

static uint32_t
headless_get_formats(struct vw_surface *surface, struct vw_physical_device *pdev,
                     VkSurfaceFormatKHR out[VW_MAX_SURFACE_FORMATS])
{
   return vw_surface_formats(pdev, NULL, NULL, out);
}

static uint32_t
headless_get_present_modes(struct vw_surface *surface, struct vw_physical_device *pdev,
                           VkPresentModeKHR modes[VW_PRESENT_MODE_MAX])
{
   return vw_surface_present_modes(modes);
}

static VkResult
headless_get_present_rectangle(struct vw_surface *surface, struct vw_physical_device *pdev,
                               VkRect2D *rect)
{
   uint32_t max_dim = pdev->props.limits.maxImageDimension2D;
   *rect = (VkRect2D){{0, 0}, {max_dim, max_dim}};
   return VK_SUCCESS;
}

/* mkdir -p: an existing directory is fine, and any failure shows when a dump is written. */
static void
make_directories(const char *path)
{
   char buf[VW_CONFIG_PATH_MAX];
   snprintf(buf, sizeof(buf), "%s", path);
   for (char *p = buf + 1; *p; p++) {
      if (*p == '/') {
         *p = '\0';
         mkdir(buf, 0755);
         *p = '/';
      }
   }
   mkdir(buf, 0755);
}

static VkResult
headless_create_swapchain(struct vw_swapchain *sc)
{
   const struct vw_config *cfg = vw_config_get();
   struct headless_swapchain *hs = calloc(1, sizeof(*hs));
   if (!hs)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   sc->backend_data = hs;
   sc->hold_displayed = false;
   sc->refresh_period_ns = cfg->headless_hz ? 1000000000ull / cfg->headless_hz : 0;
   sc->path = VW_PATH_AUTO;
   bool dumping = cfg->dump_dir[0] != '\0';
   if (dumping)
      make_directories(cfg->dump_dir);
   for (uint32_t i = 0; i < sc->image_count; i++) {
      VkResult r = vw_image_create_local(sc, &sc->images[i]);
      if (r == VK_SUCCESS && dumping)
         r = vw_image_create_copy_target(sc, &sc->images[i]);
      if (r != VK_SUCCESS)
         return r;
   }
   return VK_SUCCESS;
}

static bool
dump_due(uint64_t frame)
{
   return frame % vw_config_get()->dump_every == 0;
}

static bool
headless_wants_copy(struct vw_swapchain *sc, struct vw_image *img)
{
   /* The thread shows frames in present order (or drops some in MAILBOX); the app's
    * present count is the stable numbering a person can follow. */
   return dump_due(img->present_number);
}

static void
dump_frame(struct vw_swapchain *sc, struct vw_image *img, uint64_t number)
{
   const struct vw_config *cfg = vw_config_get();
   struct vw_device *dev = sc->dev;
   if (!img->copy.coherent) {
      VkMappedMemoryRange range = {
         .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
         .memory = img->copy.memory,
         .size = VK_WHOLE_SIZE,
      };
      dev->next.InvalidateMappedMemoryRanges(dev->handle, 1, &range);
   }
   char path[VW_PNG_PATH_MAX];
   snprintf(path, sizeof(path), "%s/sc%u-frame%06llu.png", cfg->dump_dir, sc->serial,
            (unsigned long long)number);
   vw_png_write(path, vw_format_from_vk(sc->format), img->copy.map, sc->extent.width,
                sc->extent.height, img->copy.row_bytes);
}

static VkResult
headless_present(struct vw_swapchain *sc, struct vw_image *img, const struct vw_damage *damage,
                 bool *shown)
{
   struct headless_swapchain *hs = sc->backend_data;
   if (img->copy_this_frame)
      dump_frame(sc, img, img->present_number);
   hs->frame++;
   *shown = true;
   return VK_SUCCESS;
}

static VkResult
headless_wait_flip(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns, bool *shown)
{
   *shown = true; /* flips never pend here */
   return VK_SUCCESS;
}

static void
headless_destroy_swapchain(struct vw_swapchain *sc)
{
   free(sc->backend_data);
   sc->backend_data = NULL;
}

const struct vw_backend_ops vw_headless_backend = {
   .name = "headless",
   .mode_switching = VW_MODES_ALL,
   .get_support = headless_get_support,
   .get_capabilities = headless_get_capabilities,
   .get_formats = headless_get_formats,
   .get_present_modes = headless_get_present_modes,
   .get_present_rectangle = headless_get_present_rectangle,
   .create_swapchain = headless_create_swapchain,
   .wants_copy = headless_wants_copy,
   .present = headless_present,
   .wait_flip = headless_wait_flip,
   .destroy_swapchain = headless_destroy_swapchain,
};

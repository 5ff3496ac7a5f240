#include "venus_wsi/path_choice.h"

#include <stdio.h>

#include "../log.h"

/* Paths C and D need nothing else of the provider than mappable buffers. */
static const char *
no_buffers(const struct vw_path_caps *c, char *why, size_t len)
{
   if (c->provider_buffers && c->provider_maps)
      return NULL;
   snprintf(why, len, "%s has no %s", c->provider, c->buffers);
   return why;
}

const char *
vw_path_unavailable(const struct vw_path_caps *c, enum vw_path path, bool forced, char *why,
                    size_t len)
{
   switch (path) {
   case VW_PATH_EXPORT:
      if (!c->dma_buf)
         return "the driver has no VK_EXT_external_memory_dma_buf";
      if (!c->provider_imports_dma_buf) {
         snprintf(why, len, "%s imports no dma-bufs", c->provider);
         return why;
      }
      if (!c->dma_buf_image_ok(c->ctx, false))
         return "the driver exports no linear images of this kind as dma-bufs";
      return NULL;
   case VW_PATH_IMPORT:
      /* Importing a KMS buffer into Venus has taken whole devices down on macOS hosts
       * (README.md, "How it works"): only when asked for there. */
      if (c->venus && !forced)
         return "not tried on Venus unless VENUS_WSI_PATH=import";
      if (!c->dma_buf)
         return "the driver has no VK_EXT_external_memory_dma_buf";
      /* Its dependencies are core only from 1.2: below that the layer cannot enable it
       * behind the app's back. */
      if (!c->drm_format_modifier)
         return !c->api_1_2
                   ? "VK_EXT_image_drm_format_modifier needs an app on Vulkan 1.2 or later"
                   : "the driver has no VK_EXT_image_drm_format_modifier";
      if (!c->provider_exports_dma_buf || !c->provider_buffers) {
         snprintf(why, len, "%s exports no %s", c->provider, c->buffers);
         return why;
      }
      if (!c->dma_buf_image_ok(c->ctx, true))
         return "the driver imports no linear dma-buf images of this kind";
      return NULL;
   case VW_PATH_HOSTPTR_IMAGE:
      if (!c->provider_host_images) {
         snprintf(why, len, "%s cannot show images' own memory", c->provider);
         return why;
      }
      if (!c->host_pointer)
         return "the driver has no VK_EXT_external_memory_host";
      if (no_buffers(c, why, len))
         return why;
      if (!c->host_image_ok || !c->host_image_ok(c->ctx))
         return "the driver makes no linear images of this kind in host memory";
      return NULL;
   case VW_PATH_HOSTPTR:
      if (!c->host_pointer)
         return "the driver has no VK_EXT_external_memory_host";
      return no_buffers(c, why, len);
   case VW_PATH_LINEAR_COPY:
      /* On real Venus it put more frames on screen than D in five of six boots measured
       * (one host job fewer a frame: README.md, Figures); elsewhere D's GPU copy has not
       * been beaten, and a driver with host pointers or dma-bufs takes a faster path
       * before either. */
      if (!forced && !c->venus)
         return "tried only on Venus or when VENUS_WSI_PATH=linear-copy";
      if (no_buffers(c, why, len))
         return why;
      if (!c->linear_image_ok || !c->linear_image_ok(c->ctx))
         return "the driver makes no linear images of this kind";
      return NULL;
   case VW_PATH_COPY:
      return no_buffers(c, why, len);
   default:
      return "unknown path";
   }
}

VkResult
vw_path_choose(const struct vw_path_caps *caps, enum vw_path wanted,
               VkResult (*try_path)(void *ctx, enum vw_path path), void *try_ctx,
               enum vw_path *chosen)
{
   /* E before C: both import the provider's pages, but E renders into them (no copy at
    * all) where C copies each frame there. */
   static const enum vw_path order[] = {VW_PATH_EXPORT, VW_PATH_IMPORT, VW_PATH_HOSTPTR_IMAGE,
                                        VW_PATH_HOSTPTR, VW_PATH_LINEAR_COPY, VW_PATH_COPY};
   const size_t n = sizeof(order) / sizeof(order[0]);
   VkResult r = VK_ERROR_INITIALIZATION_FAILED;
   for (size_t i = 0; i < n; i++) {
      enum vw_path p = order[i];
      bool forced = wanted == p;
      if (wanted != VW_PATH_AUTO && !forced)
         continue;
      char buf[160];
      const char *why = vw_path_unavailable(caps, p, forced, buf, sizeof(buf));
      if (why) {
         vw_dbg("swapchain: path %s: %s", vw_path_name(p), why);
         if (forced)
            vw_err("swapchain: VENUS_WSI_PATH=%s is not possible here: %s", vw_path_name(p), why);
         continue;
      }
      r = try_path(try_ctx, p);
      if (r == VK_SUCCESS) {
         *chosen = p;
         return VK_SUCCESS;
      }
      if (forced) {
         vw_err("swapchain: VENUS_WSI_PATH=%s failed (%d); no other path is tried",
                vw_path_name(p), r);
         return r;
      }
      vw_info("swapchain: path %s failed (%d)%s", vw_path_name(p), r,
              i + 1 < n ? ", trying the next" : "; none left");
   }
   return r;
}

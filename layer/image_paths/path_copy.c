/* Path D, which works everywhere: the present submit copies the frame into host-visible
 * memory, the present thread copies the rows that changed since that buffer was last
 * written into the provider's mapped buffer. That CPU copy serves path F too, whose images
 * are host-visible themselves. */
#include <unistd.h>

#include "paths_internal.h"
#include "venus_wsi/copy_helper.h"

VkResult
vw_path_mapped_buffer(struct vw_image_paths *paths, struct vw_swapchain *sc,
                      struct vw_provided_buffer *buf)
{
   const struct vw_buffer_provider *p = &paths->provider;
   int e = p->create(p->ctx, sc->extent, sc->extent.height, buf);
   if (!e)
      e = p->map(p->ctx, buf, buf->size, (uint64_t)sysconf(_SC_PAGESIZE));
   return e ? vw_path_buffer_error(e) : VK_SUCCESS;
}

VkResult
vw_path_copy_target(struct vw_image_paths *paths, struct vw_swapchain *sc, struct vw_image *img,
                    struct vw_provided_buffer *buf)
{
   VkResult r = vw_path_mapped_buffer(paths, sc, buf);
   if (r != VK_SUCCESS)
      return r;
   r = vw_image_create_local(sc, img);
   if (r == VK_SUCCESS)
      r = vw_image_create_copy_target(sc, img);
   return r;
}

void
vw_image_paths_invalidate_copy(struct vw_swapchain *sc, struct vw_image *img)
{
   /* Path F reads the image's own memory. */
   VkDeviceMemory memory = sc->path == VW_PATH_LINEAR_COPY ? img->memory : img->copy.memory;
   if (img->copy.coherent || !memory)
      return;
   struct vw_device *dev = sc->dev;
   VkMappedMemoryRange range = {
      .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
      .memory = memory,
      .size = VK_WHOLE_SIZE,
   };
   dev->next.InvalidateMappedMemoryRanges(dev->handle, 1, &range);
}

void
vw_image_paths_before_show(struct vw_image_paths *paths, struct vw_swapchain *sc,
                           uint32_t index, const struct vw_damage *damage)
{
   vw_image_paths_copy_to(paths, sc, index, index, damage);
}

void
vw_image_paths_copy_to(struct vw_image_paths *paths, struct vw_swapchain *sc, uint32_t index,
                       uint32_t target, const struct vw_damage *damage)
{
   if (!vw_image_paths_cpu_copies(sc))
      return;
   struct vw_image *img = &sc->images[index];
   struct vw_provided_buffer *buf = &paths->bufs[target];
   vw_image_paths_invalidate_copy(sc, img);
   struct vw_copy_helper *helper = vw_config_get()->copy_threads > 1 ? &paths->copy_helper
                                                                      : NULL;
   uint64_t helper_cpu_ns;
   uint64_t bytes = vw_copy_helper_copy(helper, buf->map, buf->pitch, img->copy.map,
                                        img->copy.row_bytes, paths->fmt->bytes_per_pixel,
                                        sc->extent, damage, &helper_cpu_ns);
   pthread_mutex_lock(&sc->pres.lock);
   sc->stats.copy_bytes += bytes;
   sc->stats.present_cpu_ns += helper_cpu_ns; /* the present's work, on another thread */
   pthread_mutex_unlock(&sc->pres.lock);
}

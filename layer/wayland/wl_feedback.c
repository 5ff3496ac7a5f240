/* linux-dmabuf feedback (version 4): what the compositor takes (a format table shared as a
 * file, then tranches of indices into it) and on which device. From version 4 on this is
 * the only way to learn the formats, and a surface's feedback says when they change (the
 * window moved to another output, a scanout plane became free or was lost). */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "../log.h"
#include "venus_wsi/format_table.h"
#include "wayland.h"

/* One entry of the format table: the protocol's layout. */
struct table_entry {
   uint32_t fourcc;
   uint32_t pad;
   uint64_t modifier;
};

static void
fb_done(void *data, struct zwp_linux_dmabuf_feedback_v1 *obj)
{
   struct vw_wl_feedback *fb = data;
   memcpy(fb->formats, fb->pending, fb->pending_count * sizeof(fb->pending[0]));
   fb->format_count = fb->pending_count;
   fb->pending_count = 0;
   fb->done_main_device = fb->main_device;
   fb->done_has_main_device = fb->has_main_device;
   fb->dones++;
   if (fb->on_done)
      fb->on_done(fb->on_done_data);
}

static void
fb_format_table(void *data, struct zwp_linux_dmabuf_feedback_v1 *obj, int32_t fd, uint32_t size)
{
   struct vw_wl_feedback *fb = data;
   if (fb->table)
      munmap(fb->table, fb->table_size);
   fb->table = NULL;
   fb->table_size = 0;
   /* Reading past the file's end would be SIGBUS in the app: trust the file, not 'size'. */
   struct stat st;
   void *map = MAP_FAILED;
   if (size && fstat(fd, &st) == 0 && (uint64_t)st.st_size >= size)
      map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
   close(fd);
   if (map == MAP_FAILED) {
      vw_err("Wayland: cannot map the compositor's dma-buf format table (%u bytes)", size);
      return;
   }
   fb->table = map;
   fb->table_size = size;
}

static bool
read_dev(struct wl_array *array, dev_t *out)
{
   if (array->size != sizeof(dev_t))
      return false;
   memcpy(out, array->data, sizeof(dev_t));
   return true;
}

static void
fb_main_device(void *data, struct zwp_linux_dmabuf_feedback_v1 *obj, struct wl_array *device)
{
   struct vw_wl_feedback *fb = data;
   fb->has_main_device = read_dev(device, &fb->main_device);
}

static void
fb_tranche_done(void *data, struct zwp_linux_dmabuf_feedback_v1 *obj)
{
}

static void
fb_tranche_target_device(void *data, struct zwp_linux_dmabuf_feedback_v1 *obj,
                         struct wl_array *device)
{
}

static void
fb_tranche_formats(void *data, struct zwp_linux_dmabuf_feedback_v1 *obj, struct wl_array *indices)
{
   struct vw_wl_feedback *fb = data;
   const struct table_entry *table = fb->table;
   size_t entries = fb->table_size / sizeof(*table);
   const uint16_t *index = indices->data;
   /* A whole number of 16-bit indices, whatever the array's size says. */
   size_t count = indices->size / sizeof(*index);
   for (size_t i = 0; i < count && table; i++) {
      if (index[i] >= entries || fb->pending_count == VW_WL_MAX_DMABUF_FORMATS)
         continue;
      const struct table_entry *e = &table[index[i]];
      /* Only layouts the layer can write: a GPU compositor lists far more (every format
       * times its modifiers) than would fit, and the rest would crowd these out. */
      if (!vw_format_from_drm(e->fourcc))
         continue;
      fb->pending[fb->pending_count++] = (struct vw_wl_dmabuf_format){e->fourcc, e->modifier};
   }
}

static void
fb_tranche_flags(void *data, struct zwp_linux_dmabuf_feedback_v1 *obj, uint32_t flags)
{
}

const struct zwp_linux_dmabuf_feedback_v1_listener vw_wl_feedback_listener = {
   .done = fb_done,
   .format_table = fb_format_table,
   .main_device = fb_main_device,
   .tranche_done = fb_tranche_done,
   .tranche_target_device = fb_tranche_target_device,
   .tranche_formats = fb_tranche_formats,
   .tranche_flags = fb_tranche_flags,
};

void
vw_wl_feedback_listen(struct vw_wl_feedback *fb, struct zwp_linux_dmabuf_feedback_v1 *obj,
                      void (*on_done)(void *data), void *data)
{
   memset(fb, 0, sizeof(*fb));
   fb->obj = obj;
   fb->on_done = on_done;
   fb->on_done_data = data;
   zwp_linux_dmabuf_feedback_v1_add_listener(obj, &vw_wl_feedback_listener, fb);
}

void
vw_wl_feedback_finish(struct vw_wl_feedback *fb)
{
   if (fb->obj)
      zwp_linux_dmabuf_feedback_v1_destroy(fb->obj);
   if (fb->table)
      munmap(fb->table, fb->table_size);
   memset(fb, 0, sizeof(*fb));
}

bool
vw_wl_formats_have_linear(const struct vw_wl_dmabuf_format *formats, uint32_t count,
                          uint32_t fourcc)
{
   for (uint32_t i = 0; i < count; i++)
      if (formats[i].fourcc == fourcc && (formats[i].modifier == DRM_FORMAT_MOD_LINEAR ||
                                          formats[i].modifier == DRM_FORMAT_MOD_INVALID))
         return true;
   return false;
}

uint64_t
vw_wl_linear_modifier(const struct vw_wl_dmabuf_format *formats, uint32_t count,
                      uint32_t fourcc)
{
   for (uint32_t i = 0; i < count; i++)
      if (formats[i].fourcc == fourcc && formats[i].modifier == DRM_FORMAT_MOD_LINEAR)
         return DRM_FORMAT_MOD_LINEAR;
   return DRM_FORMAT_MOD_INVALID;
}

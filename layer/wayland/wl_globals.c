/* The compositor's globals, bound on a private queue: the shm and dma-buf formats it takes,
 * whether it gives presentation feedback, and whether it holds commits for a refresh
 * (wp_fifo_v1). */
#include <errno.h>
#include <string.h>

#include <drm_fourcc.h>

#include "../log.h"
#include "venus_wsi/format_table.h"
#include "wayland.h"

/* The version the layer speaks: 4 gives formats only through feedback objects (the
 * default one here, a surface's in wl_dmabuf.c), with the compositor's device; 3 lists
 * formats with their modifiers as events of the global. */
#define DMABUF_VERSION 4u
#define DMABUF_FEEDBACK_VERSION 4u

static uint32_t
fourcc_from_shm(uint32_t code)
{
   switch (code) {
   case WL_SHM_FORMAT_ARGB8888:
      return DRM_FORMAT_ARGB8888;
   case WL_SHM_FORMAT_XRGB8888:
      return DRM_FORMAT_XRGB8888;
   default:
      return code;
   }
}

uint32_t
vw_wl_shm_code(uint32_t fourcc)
{
   switch (fourcc) {
   case DRM_FORMAT_ARGB8888:
      return WL_SHM_FORMAT_ARGB8888;
   case DRM_FORMAT_XRGB8888:
      return WL_SHM_FORMAT_XRGB8888;
   default:
      return fourcc;
   }
}

static void
shm_format(void *data, struct wl_shm *shm, uint32_t code)
{
   struct vw_wl_globals *g = data;
   uint32_t fourcc = fourcc_from_shm(code);
   if (vw_wl_globals_has_shm_format(g, fourcc) || g->shm_format_count == VW_WL_MAX_SHM_FORMATS)
      return;
   g->shm_formats[g->shm_format_count++] = fourcc;
}

static const struct wl_shm_listener shm_listener = {.format = shm_format};

static void
add_dmabuf_format(struct vw_wl_globals *g, uint32_t fourcc, uint64_t modifier)
{
   /* Only layouts the layer can write (see wl_feedback.c). */
   if (vw_format_from_drm(fourcc) && g->dmabuf_format_count < VW_WL_MAX_DMABUF_FORMATS)
      g->dmabuf_formats[g->dmabuf_format_count++] =
         (struct vw_wl_dmabuf_format){fourcc, modifier};
}

static void
dmabuf_format(void *data, struct zwp_linux_dmabuf_v1 *dmabuf, uint32_t fourcc)
{
   struct vw_wl_globals *g = data;
   /* Before version 3 a format says nothing of modifiers: implicit, which a linear
    * buffer from GBM satisfies. From 3 on the modifier events say which it takes, and a
    * compositor may send both. */
   if (g->dmabuf_version < 3)
      add_dmabuf_format(g, fourcc, DRM_FORMAT_MOD_INVALID);
}

static void
dmabuf_modifier(void *data, struct zwp_linux_dmabuf_v1 *dmabuf, uint32_t fourcc, uint32_t hi,
                uint32_t lo)
{
   add_dmabuf_format(data, fourcc, ((uint64_t)hi << 32) | lo);
}

static const struct zwp_linux_dmabuf_v1_listener dmabuf_listener = {
   .format = dmabuf_format,
   .modifier = dmabuf_modifier,
};

static void
presentation_clock(void *data, struct wp_presentation *presentation, uint32_t clock)
{
   struct vw_wl_globals *g = data;
   g->presentation_clock = clock;
}

static const struct wp_presentation_listener presentation_listener = {
   .clock_id = presentation_clock,
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name, const char *interface,
                uint32_t version)
{
   struct vw_wl_globals *g = data;
   if (!strcmp(interface, wl_shm_interface.name) && !g->shm) {
      g->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
      if (g->shm)
         wl_shm_add_listener(g->shm, &shm_listener, g);
   } else if (!strcmp(interface, zwp_linux_dmabuf_v1_interface.name) && !g->dmabuf) {
      g->dmabuf_version = version < DMABUF_VERSION ? version : DMABUF_VERSION;
      g->dmabuf = wl_registry_bind(registry, name, &zwp_linux_dmabuf_v1_interface,
                                   g->dmabuf_version);
      if (g->dmabuf)
         zwp_linux_dmabuf_v1_add_listener(g->dmabuf, &dmabuf_listener, g);
      if (g->dmabuf && g->dmabuf_version >= DMABUF_FEEDBACK_VERSION) {
         struct zwp_linux_dmabuf_feedback_v1 *fb =
            zwp_linux_dmabuf_v1_get_default_feedback(g->dmabuf);
         if (fb)
            vw_wl_feedback_listen(&g->default_feedback, fb, NULL, NULL);
      }
   } else if (!strcmp(interface, wp_presentation_interface.name) && !g->presentation) {
      g->presentation = wl_registry_bind(registry, name, &wp_presentation_interface, 1);
      if (g->presentation)
         wp_presentation_add_listener(g->presentation, &presentation_listener, g);
   } else if (!strcmp(interface, wp_fifo_manager_v1_interface.name) && !g->fifo_manager) {
      g->fifo_manager = wl_registry_bind(registry, name, &wp_fifo_manager_v1_interface, 1);
   }
}

static void
registry_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
   .global = registry_global,
   .global_remove = registry_global_remove,
};

static VkResult
broken(struct wl_display *display, const char *when)
{
   int err = wl_display_get_error(display);
   vw_err("Wayland: the connection is broken (%s) %s", strerror(err ? err : EPIPE), when);
   return VK_ERROR_SURFACE_LOST_KHR;
}

VkResult
vw_wl_globals_init(struct vw_wl_globals *g, struct wl_display *display)
{
   memset(g, 0, sizeof(*g));
   g->display = display;
   if (wl_display_get_error(display))
      return broken(display, "before the layer used it");
   g->queue = wl_display_create_queue(display);
   g->display_wrapper = g->queue ? wl_proxy_create_wrapper(display) : NULL;
   if (!g->display_wrapper) {
      vw_wl_globals_finish(g);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   wl_proxy_set_queue((struct wl_proxy *)g->display_wrapper, g->queue);
   g->registry = wl_display_get_registry(g->display_wrapper);
   if (!g->registry) {
      vw_wl_globals_finish(g);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   wl_registry_add_listener(g->registry, &registry_listener, g);
   /* The globals, then the events their binding brought (formats, the clock, feedback). */
   if (wl_display_roundtrip_queue(display, g->queue) < 0 ||
       wl_display_roundtrip_queue(display, g->queue) < 0) {
      VkResult r = broken(display, "while reading the compositor's globals");
      vw_wl_globals_finish(g);
      return r;
   }
   struct vw_wl_feedback *fb = &g->default_feedback;
   if (fb->dones) {
      memcpy(g->dmabuf_formats, fb->formats, fb->format_count * sizeof(fb->formats[0]));
      g->dmabuf_format_count = fb->format_count;
      g->dmabuf_device = fb->done_main_device;
      g->has_dmabuf_device = fb->done_has_main_device;
   }
   vw_wl_feedback_finish(fb);
   return VK_SUCCESS;
}

void
vw_wl_globals_finish(struct vw_wl_globals *g)
{
   vw_wl_feedback_finish(&g->default_feedback);
   if (g->fifo_manager)
      wp_fifo_manager_v1_destroy(g->fifo_manager); /* the fifo objects made stay */
   if (g->presentation)
      wp_presentation_destroy(g->presentation);
   if (g->dmabuf)
      zwp_linux_dmabuf_v1_destroy(g->dmabuf);
   if (g->shm)
      wl_shm_destroy(g->shm); /* version 1 has no release request */
   if (g->registry)
      wl_registry_destroy(g->registry);
   if (g->display_wrapper)
      wl_proxy_wrapper_destroy(g->display_wrapper);
   if (g->queue)
      wl_event_queue_destroy(g->queue);
   struct wl_display *display = g->display;
   memset(g, 0, sizeof(*g));
   g->display = display;
}

bool
vw_wl_globals_has_shm_format(const struct vw_wl_globals *g, uint32_t fourcc)
{
   for (uint32_t i = 0; i < g->shm_format_count; i++)
      if (g->shm_formats[i] == fourcc)
         return true;
   return false;
}

bool
vw_wl_globals_has_linear_dmabuf(const struct vw_wl_globals *g, uint32_t fourcc)
{
   return vw_wl_formats_have_linear(g->dmabuf_formats, g->dmabuf_format_count, fourcc);
}

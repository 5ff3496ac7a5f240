#include "wayland_window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xdg-shell-client-protocol.h"

static void
wm_ping(void *data, struct xdg_wm_base *wm, uint32_t serial)
{
   xdg_wm_base_pong(wm, serial);
}
static const struct xdg_wm_base_listener wm_listener = {.ping = wm_ping};

static void
registry_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
                uint32_t version)
{
   struct wwin *w = data;
   if (!strcmp(iface, wl_compositor_interface.name))
      w->compositor = wl_registry_bind(reg, name, &wl_compositor_interface, version < 4 ? version : 4);
   else if (!strcmp(iface, xdg_wm_base_interface.name)) {
      w->wm_base = wl_registry_bind(reg, name, &xdg_wm_base_interface, 1);
      xdg_wm_base_add_listener(w->wm_base, &wm_listener, w);
   }
}
static void
registry_remove(void *data, struct wl_registry *reg, uint32_t name)
{
}
static const struct wl_registry_listener registry_listener = {registry_global, registry_remove};

static void
xdg_surface_configure(void *data, struct xdg_surface *s, uint32_t serial)
{
   struct wwin *w = data;
   xdg_surface_ack_configure(s, serial);
   if (w->pending.width && w->pending.height)
      w->size = w->pending;
   w->configured = true;
}
static const struct xdg_surface_listener xdg_surface_listener = {xdg_surface_configure};

static void
toplevel_configure(void *data, struct xdg_toplevel *t, int32_t width, int32_t height,
                   struct wl_array *states)
{
   struct wwin *w = data;
   w->pending = (VkExtent2D){(uint32_t)width, (uint32_t)height};
}
static void
toplevel_close(void *data, struct xdg_toplevel *t)
{
}
static const struct xdg_toplevel_listener toplevel_listener = {.configure = toplevel_configure,
                                                             .close = toplevel_close};

void
wwin_pump(struct wwin *w)
{
   if (w && w->display) {
      wl_display_dispatch_pending(w->display);
      wl_display_flush(w->display);
   }
}

bool
wwin_open(struct wwin *w, const char *title)
{
   memset(w, 0, sizeof(*w));
   w->display = wl_display_connect(NULL);
   if (!w->display) {
      fprintf(stderr, "FAIL: cannot connect to the Wayland display %s\n",
              getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "(unset)");
      return false;
   }
   w->registry = wl_display_get_registry(w->display);
   wl_registry_add_listener(w->registry, &registry_listener, w);
   wl_display_roundtrip(w->display);
   if (!w->compositor || !w->wm_base) {
      fprintf(stderr, "FAIL: the compositor lacks wl_compositor or xdg_wm_base\n");
      return false;
   }
   w->surface = wl_compositor_create_surface(w->compositor);
   w->xdg_surface = xdg_wm_base_get_xdg_surface(w->wm_base, w->surface);
   xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
   w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
   xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
   xdg_toplevel_set_title(w->toplevel, title);
   xdg_toplevel_set_fullscreen(w->toplevel, NULL);
   wl_surface_commit(w->surface);
   for (int i = 0; i < 50 && !w->configured; i++)
      if (wl_display_roundtrip(w->display) < 0)
         break;
   if (!w->configured || !w->size.width) {
      fprintf(stderr, "FAIL: no fullscreen configure from the compositor\n");
      return false;
   }
   return true;
}

void
wwin_close(struct wwin *w)
{
   if (!w->display)
      return;
   if (w->toplevel)
      xdg_toplevel_destroy(w->toplevel);
   if (w->xdg_surface)
      xdg_surface_destroy(w->xdg_surface);
   if (w->surface)
      wl_surface_destroy(w->surface);
   if (w->wm_base)
      xdg_wm_base_destroy(w->wm_base);
   if (w->compositor)
      wl_compositor_destroy(w->compositor);
   if (w->registry)
      wl_registry_destroy(w->registry);
   wl_display_disconnect(w->display);
   w->display = NULL;
}


/* A fullscreen xdg_toplevel on the compositor of WAYLAND_DISPLAY, for apps that present to
 * a Wayland surface (vw-wayland-test, venus-wsi-bench --wayland). Needs the xdg-shell code
 * wayland-scanner generates (xdg-shell-protocol.c) in the same program. */
#pragma once

#include <stdbool.h>
#include <vulkan/vulkan.h>
#include <wayland-client.h>

struct wwin {
   struct wl_display *display;
   struct wl_registry *registry;
   struct wl_compositor *compositor;
   struct xdg_wm_base *wm_base;
   struct wl_surface *surface;
   struct xdg_surface *xdg_surface;
   struct xdg_toplevel *toplevel;
   bool configured;
   VkExtent2D size;     /* what the compositor asked for (the output, fullscreen) */
   VkExtent2D pending;
};

/* Connects and waits for the fullscreen configure; false (with a FAIL: line on stderr) when
 * there is none. wwin_close undoes a failed open too. */
bool wwin_open(struct wwin *w, const char *title);
void wwin_close(struct wwin *w);
/* The app's own events (configure, ping): whoever read them off the socket (the layer's
 * thread, Mesa's WSI) queued them; dispatching never blocks. NULL: nothing to do. */
void wwin_pump(struct wwin *w);

/* The X11 backend: xcb and Xlib windows. Frames reach the window by the fastest way the
 * server allows (x11_swapchain.c); the images' memory comes from the scanout paths
 * (layer/image_paths) with shared-memory buffers (memfd_buffers.c); Present's events are
 * read on a thread of the swapchain's own (x11_events.c), from a private queue the app never
 * sees. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../image_paths/image_paths.h"
#include "../memfd_buffers.h"
#include "../surface.h"
#include "../swapchain.h"
#include "xcb_api.h"

struct vw_x11_surface {
   xcb_connection_t *conn;
   xcb_window_t window;
   bool xlib;
   /* The display the app connected to, as far as it can be known (Xlib's display string;
    * DISPLAY for xcb), for the swapchains' own connections. */
   char display_name[256];
};

/* What the window is now, from one round trip each. */
struct vw_x11_window_info {
   uint32_t width, height;
   uint8_t depth;
   xcb_visualid_t visual;
   uint32_t red_mask, green_mask, blue_mask; /* of the visual; 0 when not TrueColor */
   uint8_t bits_per_rgb;
};

/* VK_SUCCESS, or VK_ERROR_SURFACE_LOST_KHR when the window or the connection is gone. */
VkResult vw_x11_window_query(const struct vw_xcb *xcb, const struct vw_x11_surface *xs,
                             struct vw_x11_window_info *info);
/* The fourcc of the visual's pixel layout (XRGB8888, XRGB2101010), 0 when the layer cannot
 * write it. */
uint32_t vw_x11_visual_fourcc(const struct vw_x11_window_info *info);
/* Whether a visual with that depth has an alpha channel the compositor uses. */
bool vw_x11_depth_has_alpha(uint8_t depth, uint32_t fourcc);

/* How a swapchain's frames reach the window, fastest first. */
enum vw_x11_method {
   VW_X11_DRI3_PRESENT,      /* GBM buffers on the server's GPU, DRI3 pixmaps, Present */
   VW_X11_SHM_PRESENT,       /* MIT-SHM pixmaps over the frames' memory, Present */
   VW_X11_PUT_IMAGE_PRESENT, /* the frame sent into a server pixmap, Present */
   VW_X11_PUT_IMAGE,         /* the frame sent into the window, paced by the layer */
};
const char *vw_x11_method_name(enum vw_x11_method m);

struct vw_x11_swapchain {
   const struct vw_xcb *xcb;
   /* The swapchain's own connection to the app's server where one can be made and shown to
    * reach the same server, else the app's (see x11_connection.c). */
   xcb_connection_t *conn;
   bool own_conn;
   xcb_window_t window;
   uint8_t depth;
   enum vw_x11_method method;
   struct vw_image_paths paths;
   xcb_pixmap_t pixmaps[VW_MAX_IMAGES];
   xcb_shm_seg_t segs[VW_MAX_IMAGES];
   xcb_gcontext_t gc;
   struct vw_x11_dri3 *dri3; /* x11_dri3.c's buffers */
   uint32_t max_request_bytes;

   /* Present's events (x11_events.c). */
   xcb_special_event_t *special;
   uint32_t event_id;
   pthread_t event_thread;
   bool event_thread_started;
   int stop_fd;
   struct vw_swapchain *sc;

   /* Guarded by 'lock': what the events said, read by the present thread. */
   pthread_mutex_t lock;
   uint32_t sent_serial;      /* the last PresentPixmap's */
   uint32_t completed_serial; /* the last CompleteNotify's */
   uint64_t last_msc;
   /* FIFO completions whose MSC did not move past the previous one's: a server whose CRTC
    * has no vblank (Xorg on virtio-gpu) completes presents at once, so the layer paces
    * (x11_events.c); unpaced_completions counts those against the pacing in force. */
   uint64_t prev_complete_msc;
   uint32_t completions, unpaced_completions;
   bool layer_paces;
   /* put-image (no Present events): the window's geometry asked with each frame, the reply
    * read with the next. */
   xcb_get_geometry_cookie_t geometry_cookie;
   bool geometry_pending;
   uint32_t window_width, window_height; /* from ConfigureNotify */
   VkResult lost;             /* VK_ERROR_SURFACE_LOST_KHR once the window is gone */
   bool suboptimal_reported;
   uint64_t suboptimal_at_present; /* the app's present count when it was */
   bool pixmap_busy[VW_MAX_IMAGES]; /* presented and not yet idle */
   uint64_t flip_sent_ns;
   bool window_checked; /* a slow completion made the present thread ask the server */
};

/* x11_events.c: what Present's events (or, for put-image, the window's geometry) said. */
void vw_x11_window_gone(struct vw_x11_swapchain *xsc, const char *why);
void vw_x11_window_size(struct vw_x11_swapchain *xsc, uint32_t width, uint32_t height);

/* Helpers the method files share (x11_swapchain.c). */
void vw_x11_discard(struct vw_x11_swapchain *xsc, xcb_void_cookie_t cookie);
bool vw_x11_request_ok(struct vw_x11_swapchain *xsc, xcb_void_cookie_t cookie, const char *what);
void vw_x11_free_pixmaps(struct vw_x11_swapchain *xsc, uint32_t count);

/* x11_dri3.c: the dri3-present method; false (nothing left behind, 'why' filled) when the
 * server or GBM cannot. */
struct vw_x11_dri3;
bool vw_x11_dri3_create(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc, char *why,
                        size_t len);
/* Present thread: rows [y0, y1) of the frame in img's host copy into image 'index''s buffer. */
void vw_x11_dri3_write(struct vw_x11_swapchain *xsc, struct vw_swapchain *sc,
                       struct vw_image *img, uint32_t index, uint32_t y0, uint32_t y1);
void vw_x11_dri3_destroy(struct vw_x11_swapchain *xsc);

/* x11_connection.c: a connection of the swapchain's own to the server of 'xs', or NULL
 * (with the reason in 'why') where none can be shown to reach the same server. */
xcb_connection_t *vw_x11_connect_private(const struct vw_xcb *xcb,
                                         const struct vw_x11_surface *xs, char *why, size_t len);

/* x11_events.c: Present's events for the swapchain's window on a private queue
 * (creation), the thread that reads them (the first present: it calls into the core's
 * presentation state, which exists only once the swapchain does), and the end of both. */
VkResult vw_x11_events_register(struct vw_x11_swapchain *xsc);
VkResult vw_x11_events_start_thread(struct vw_x11_swapchain *xsc);
void vw_x11_events_stop(struct vw_x11_swapchain *xsc);

/* x11_swapchain.c: the backend's swapchain calls (see venus_wsi/backend.h). */
VkResult vw_x11_create_swapchain(struct vw_swapchain *sc);
bool vw_x11_wants_copy(struct vw_swapchain *sc, struct vw_image *img);
VkResult vw_x11_present(struct vw_swapchain *sc, struct vw_image *img,
                        const struct vw_damage *damage, bool *shown);
VkResult vw_x11_wait_flip(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns,
                          bool *shown);
void vw_x11_destroy_swapchain(struct vw_swapchain *sc);

/* x11_surface.c */
extern const struct vw_backend_ops vw_x11_backend;

VKAPI_ATTR VkResult VKAPI_CALL vw_CreateXcbSurfaceKHR(VkInstance instance, const void *ci,
                                                      const VkAllocationCallbacks *alloc,
                                                      VkSurfaceKHR *out);
VKAPI_ATTR VkResult VKAPI_CALL vw_CreateXlibSurfaceKHR(VkInstance instance, const void *ci,
                                                       const VkAllocationCallbacks *alloc,
                                                       VkSurfaceKHR *out);
VKAPI_ATTR VkBool32 VKAPI_CALL vw_GetPhysicalDeviceXcbPresentationSupportKHR(
   VkPhysicalDevice pdev, uint32_t family, void *connection, uint32_t visual);
VKAPI_ATTR VkBool32 VKAPI_CALL vw_GetPhysicalDeviceXlibPresentationSupportKHR(
   VkPhysicalDevice pdev, uint32_t family, void *display, unsigned long visual);

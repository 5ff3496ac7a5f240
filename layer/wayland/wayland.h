/* The Wayland backend: wl_surface windows. Frames reach the compositor in wl_shm buffers
 * over the frames' memory (path C) or a copy of their damaged rows (path D), or in linear
 * dma-bufs it imports (zwp_linux_dmabuf_v1), fastest first (wl_swapchain.c). Every object
 * the layer makes lives on an event queue of its own, read on the swapchain's own thread
 * (wl_events.c): the app's queues are never dispatched, its events never seen. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../image_paths/image_paths.h"
#include "../surface.h"
#include "../swapchain.h"
#include "wl_api.h"

#define VW_WL_MAX_SHM_FORMATS 64
#define VW_WL_MAX_DMABUF_FORMATS 256
#define VW_WL_MAX_FEEDBACK 32

struct vw_wl_dmabuf_format {
   uint32_t fourcc;
   uint64_t modifier;
};

/* A linux-dmabuf feedback object's news (wl_feedback.c): the formats and main device as of
 * its last 'done', and how many there were. */
struct vw_wl_feedback {
   struct zwp_linux_dmabuf_feedback_v1 *obj;
   void *table; /* the compositor's format table, mapped */
   size_t table_size;
   dev_t main_device;
   bool has_main_device;
   struct vw_wl_dmabuf_format pending[VW_WL_MAX_DMABUF_FORMATS];
   uint32_t pending_count;
   struct vw_wl_dmabuf_format formats[VW_WL_MAX_DMABUF_FORMATS];
   uint32_t format_count;
   dev_t done_main_device;
   bool done_has_main_device;
   uint32_t dones;
   void (*on_done)(void *data);
   void *on_done_data;
};
/* Its event handlers (their user data is the struct vw_wl_feedback). */
extern const struct zwp_linux_dmabuf_feedback_v1_listener vw_wl_feedback_listener;
void vw_wl_feedback_listen(struct vw_wl_feedback *fb, struct zwp_linux_dmabuf_feedback_v1 *obj,
                           void (*on_done)(void *data), void *data);
void vw_wl_feedback_finish(struct vw_wl_feedback *fb);
bool vw_wl_formats_have_linear(const struct vw_wl_dmabuf_format *formats, uint32_t count,
                               uint32_t fourcc);
/* The modifier to send with a linear buffer of 'fourcc': LINEAR where listed, else the
 * implicit one (DRM_FORMAT_MOD_INVALID: a compositor that lists only that, as weston on
 * virgl does, takes the buffer's layout from the kernel, which knows it is linear). */
uint64_t vw_wl_linear_modifier(const struct vw_wl_dmabuf_format *formats, uint32_t count,
                               uint32_t fourcc);

/* The compositor's globals the layer uses, bound on a private queue. */
struct vw_wl_globals {
   struct wl_display *display;
   struct wl_event_queue *queue;
   struct wl_display *display_wrapper; /* requests whose new objects join 'queue' */
   struct wl_registry *registry;
   struct wl_shm *shm;
   uint32_t shm_formats[VW_WL_MAX_SHM_FORMATS]; /* DRM fourccs (0 and 1 translated) */
   uint32_t shm_format_count;
   struct zwp_linux_dmabuf_v1 *dmabuf;
   uint32_t dmabuf_version;
   struct vw_wl_dmabuf_format dmabuf_formats[VW_WL_MAX_DMABUF_FORMATS];
   uint32_t dmabuf_format_count;
   /* Version 4: the default feedback gives the formats and the compositor's device. */
   struct vw_wl_feedback default_feedback;
   dev_t dmabuf_device;
   bool has_dmabuf_device;
   struct wp_presentation *presentation;
   uint32_t presentation_clock;
   struct wp_fifo_manager_v1 *fifo_manager;
};

/* Binds what the compositor offers (two round trips on a new private queue). VK_SUCCESS,
 * or VK_ERROR_SURFACE_LOST_KHR when the connection is broken; out of memory as such. */
VkResult vw_wl_globals_init(struct vw_wl_globals *g, struct wl_display *display);
void vw_wl_globals_finish(struct vw_wl_globals *g);
bool vw_wl_globals_has_shm_format(const struct vw_wl_globals *g, uint32_t fourcc);
bool vw_wl_globals_has_linear_dmabuf(const struct vw_wl_globals *g, uint32_t fourcc);

struct vw_wl_surface {
   struct wl_display *display;
   struct wl_surface *surface;
   /* The compositor's shm formats, read on the first query (the list never changes). */
   pthread_mutex_t lock;
   bool formats_known;
   uint32_t shm_formats[VW_WL_MAX_SHM_FORMATS];
   uint32_t shm_format_count;
   /* The wl_surface's wp_fifo_v1 (wl_fifo.c) once a FIFO swapchain wanted it: a wl_surface
    * may have only one, a swapchain made with oldSwapchain is created while the old one
    * still exists, and other VkSurfaceKHRs of the same window share it. */
   struct wp_fifo_v1 *fifo;
};

/* VK_SUCCESS with the formats known, or the query's error. */
VkResult vw_wl_surface_formats(struct vw_wl_surface *ws);
/* wl_fifo.c: the wl_surface's fifo object, made from 'manager' if no VkSurfaceKHR of it has
 * one yet; NULL without. Dropped (destroyed with its last user) when the VkSurfaceKHR goes. */
struct wp_fifo_v1 *vw_wl_surface_fifo(struct vw_wl_surface *ws,
                                      struct wp_fifo_manager_v1 *manager);
void vw_wl_surface_drop_fifo(struct vw_wl_surface *ws);

/* How a swapchain's frames reach the compositor. */
enum vw_wl_method {
   VW_WL_DMABUF, /* linear GBM buffers the compositor imports; the CPU writes damaged rows */
   VW_WL_SHM,    /* wl_shm buffers over memfd (paths C and D) */
};

struct vw_wl_buffer_ref {
   struct vw_wl_swapchain *wsc;
   uint32_t index;
};

struct vw_wl_swapchain {
   struct vw_swapchain *sc;
   struct vw_wl_globals g;
   struct wl_surface *surface; /* a wrapper of the app's surface on the layer's queue */
   enum vw_wl_method method;
   uint32_t fourcc;
   struct vw_image_paths paths;
   struct wl_buffer *buffers[VW_MAX_IMAGES];
   struct vw_wl_buffer_ref refs[VW_MAX_IMAGES];
   struct vw_wl_dmabuf *dmabuf; /* wl_dmabuf.c's buffers */
   bool fifo;
   /* The surface's wp_fifo_v1 where the compositor has it: FIFO and FIFO_LATEST_READY
    * frames wait for the barrier the frame before raised, so none is shown for less than
    * a refresh even where frame callbacks come early. */
   struct wp_fifo_v1 *fifo_barriers;

   /* The event thread (wl_events.c). */
   pthread_t event_thread;
   bool event_thread_started;
   int stop_fd;

   /* Guarded by 'lock': what the events said, read by the present thread. */
   pthread_mutex_t lock;
   struct wl_callback *frame;  /* the frame callback asked for and not yet done */
   uint32_t sent_serial;       /* presents committed */
   uint32_t done_serial;       /* the last commit a frame callback said was taken */
   uint64_t frame_sent_ns;
   bool timer_pacing_logged;
   VkResult lost;
   /* wp_presentation feedback asked for and not yet answered (destroyed with the
    * swapchain); no more are asked while it is full. */
   struct wp_presentation_feedback *feedback[VW_WL_MAX_FEEDBACK];
   uint32_t feedback_count;
};

/* wl_events.c */
VkResult vw_wl_events_start(struct vw_wl_swapchain *wsc);
void vw_wl_events_stop(struct vw_wl_swapchain *wsc);
void vw_wl_connection_lost(struct vw_wl_swapchain *wsc, const char *why);
extern const struct wl_callback_listener vw_wl_frame_listener;
extern const struct wl_buffer_listener vw_wl_buffer_listener;
extern const struct wp_presentation_feedback_listener vw_wl_presentation_listener;

/* wl_dmabuf.c: the dma-buf method's buffers; false (nothing left behind, 'why' filled) when
 * GBM or the compositor cannot. */
struct vw_wl_dmabuf;
bool vw_wl_dmabuf_create(struct vw_wl_swapchain *wsc, char *why, size_t len);
void vw_wl_dmabuf_write(struct vw_wl_swapchain *wsc, struct vw_image *img, uint32_t index,
                        uint32_t y0, uint32_t y1);
void vw_wl_dmabuf_destroy(struct vw_wl_swapchain *wsc);

/* wl_swapchain.c */
VkResult vw_wl_create_swapchain(struct vw_swapchain *sc);
bool vw_wl_wants_copy(struct vw_swapchain *sc, struct vw_image *img);
VkResult vw_wl_present(struct vw_swapchain *sc, struct vw_image *img,
                       const struct vw_damage *damage, bool *shown);
VkResult vw_wl_wait_flip(struct vw_swapchain *sc, int wake_fd, uint64_t timeout_ns,
                         bool *shown);
void vw_wl_destroy_swapchain(struct vw_swapchain *sc);
/* wl_shm's codes for the two formats it names itself; DRM fourccs for every other. */
uint32_t vw_wl_shm_code(uint32_t fourcc);

/* wl_surface.c */
extern const struct vw_backend_ops vw_wl_backend;

VKAPI_ATTR VkResult VKAPI_CALL vw_CreateWaylandSurfaceKHR(VkInstance instance, const void *ci,
                                                          const VkAllocationCallbacks *alloc,
                                                          VkSurfaceKHR *out);
VKAPI_ATTR VkBool32 VKAPI_CALL vw_GetPhysicalDeviceWaylandPresentationSupportKHR(
   VkPhysicalDevice pdev, uint32_t family, void *display);

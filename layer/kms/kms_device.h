/* One KMS device (a /dev/dri/cardN) as the layer sees it: its connectors, CRTCs and their
 * primary planes, the property ids the commits need, and the per-CRTC flip state shared by
 * every swapchain presenting there. Opened on first use per instance. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <vulkan/vulkan.h>
#include <xf86drmMode.h>

#define VW_KMS_MAX_FORMATS 32

struct vw_scanout_buffer;

struct vw_kms_plane {
   uint32_t id;
   uint32_t possible_crtcs;
   uint32_t formats[VW_KMS_MAX_FORMATS]; /* linear-capable fourccs */
   uint32_t format_count;
   struct {
      uint32_t fb_id, crtc_id, src_x, src_y, src_w, src_h, crtc_x, crtc_y, crtc_w, crtc_h,
         damage_clips;
   } prop;
};

/* A display mode the layer hands out as a VkDisplayModeKHR; lives as long as the device. */
struct vw_kms_mode {
   struct vw_kms_connector *connector;
   drmModeModeInfo info;
   uint32_t refresh_mhz;
   bool listed;       /* still in the connector's mode list */
   bool user_created; /* made by vkCreateDisplayModeKHR, never in the list */
   struct vw_kms_mode *next;
};

/* Mode lists only grow, under the device lock, while display queries on app threads walk
 * them without it: a node is linked only once it is complete, and walkers read the links
 * with acquire so that they see it complete (weakly ordered CPUs such as aarch64). */
static inline struct vw_kms_mode *
vw_kms_mode_next(struct vw_kms_mode *const *link)
{
   return __atomic_load_n(link, __ATOMIC_ACQUIRE);
}

static inline void
vw_kms_mode_link(struct vw_kms_mode **link, struct vw_kms_mode *m)
{
   __atomic_store_n(link, m, __ATOMIC_RELEASE);
}

/* A refresh (the app's thread, a present thread, the hotplug watcher) rewrites whether a
 * mode is listed and a connector connected, under the device lock; display queries and
 * present threads read them without it, where an answer one refresh late does no harm. */
static inline bool
vw_kms_mode_listed(const struct vw_kms_mode *m)
{
   return __atomic_load_n(&m->listed, __ATOMIC_RELAXED);
}

static inline void
vw_kms_mode_set_listed(struct vw_kms_mode *m, bool listed)
{
   __atomic_store_n(&m->listed, listed, __ATOMIC_RELAXED);
}

struct vw_kms_connector {
   uint32_t id;
   char name[32];
   uint32_t mm_width, mm_height;
   bool connected;
   uint32_t possible_crtcs;
   uint32_t current_crtc; /* CRTC driving it at open, or 0 */
   struct vw_kms_mode *modes; /* every mode ever seen, in list order first */
   uint32_t prop_crtc_id;
   uint64_t generation; /* bumped whenever its state or mode list changes */
   /* VK_EXT_direct_mode_display: given back by the app; no new swapchain and no present
    * until it is acquired again. Read by the present thread: atomic. */
   bool released;
   bool borrowed; /* acquired through the app's fd (vkAcquireDrmDisplayEXT) */
   /* vkDisplayPowerControlEXT turned it off or to suspend. Read by the present thread:
    * atomic. */
   bool powered_off;
};

static inline bool
vw_kms_connector_connected(const struct vw_kms_connector *c)
{
   return __atomic_load_n(&c->connected, __ATOMIC_RELAXED);
}

static inline void
vw_kms_connector_set_connected(struct vw_kms_connector *c, bool connected)
{
   __atomic_store_n(&c->connected, connected, __ATOMIC_RELAXED);
}


struct vw_kms_crtc {
   uint32_t id;
   uint32_t index;
   struct vw_kms_plane *primary;
   struct {
      uint32_t active, mode_id;
   } prop;

   /* State before the layer's first mode set, restored when its last swapchain goes. */
   bool saved;
   bool saved_active;
   drmModeModeInfo saved_mode;
   uint32_t saved_fb;
   uint32_t saved_connector;

   /* Commits here one at a time, and the state above and the first group below with them.
    * Held across KMS calls that may block (SetCrtc waits for a pending flip) and across the
    * bounded waits of a restore, so a new swapchain's first commit cannot slip in between.
    * Taken before the device lock, never while holding it. */
   pthread_mutex_t commit_lock;
   bool mode_set;           /* the layer has set a mode here */
   drmModeModeInfo mode;
   uint32_t mode_blob;
   uint32_t connector;
   uint32_t fb;             /* the layer's framebuffer in the CRTC's committed state, or 0 */

   /* Guarded by the device lock. */
   uint32_t users;          /* swapchains presenting here */
   const void *owner;       /* the surface those swapchains belong to */
   uint64_t flip_serial;    /* last flip committed */
   uint64_t flip_done;      /* last flip completed (event or given up on) */
   uint64_t flip_done_ns;
   bool flip_unconfirmed;   /* flip_done was given up on, not confirmed by an event */
   int notify_fd;           /* eventfd of the swapchain waiting for the flip, or -1 */
   /* Buffers of destroyed swapchains still on screen: freed once something else is. */
   struct vw_scanout_buffer *orphans;
};

struct vw_kms_device {
   int fd;          /* the file every KMS call uses: own_fd, or borrowed_fd while set */
   int own_fd;      /* the card as the layer opened it */
   int borrowed_fd; /* a dup of the app's fd from vkAcquireDrmDisplayEXT, or -1 */
   int borrowed_from; /* the app's fd number, to recognise a second acquire through it */
   char path[64];
   char driver[32];
   dev_t rdev;
   bool atomic;
   bool dumb;
   bool prime_import, prime_export;
   bool async_flip;
   bool modifiers;
   bool master;
   uint32_t master_holds; /* swapchains that need master; it is dropped when none does */
   pid_t pid;             /* the opener: a fork() child shares the DRM file and must not use it */
   bool virtual_connectors; /* virtio-gpu & co: any mode goes, flips are not paced */

   uint32_t connector_count, crtc_count, plane_count;
   struct vw_kms_connector *connectors;
   struct vw_kms_crtc *crtcs;
   struct vw_kms_plane *planes;

   pthread_mutex_t lock;
   /* The device went away (ENODEV): every later use fails. Set by whichever thread meets it
    * (a present thread's commit, an app thread's refresh), read by all: atomic. */
   bool gone;
};

static inline bool
vw_kms_device_gone(const struct vw_kms_device *dev)
{
   return __atomic_load_n(&dev->gone, __ATOMIC_RELAXED);
}

static inline void
vw_kms_device_set_gone(struct vw_kms_device *dev)
{
   __atomic_store_n(&dev->gone, true, __ATOMIC_RELAXED);
}

/* Opens the device named by VENUS_WSI_DRM_DEVICE, or else the card 'preferred' (a device
 * number, may be NULL) if it has KMS and a connected connector, or else the first
 * /dev/dri/card* that has. NULL (and one log line) when there is none. */
struct vw_kms_device *vw_kms_open(const dev_t *preferred);
void vw_kms_close(struct vw_kms_device *dev);

/* Re-reads connectors (state and modes). Returns true when anything changed. */
bool vw_kms_refresh_connectors(struct vw_kms_device *dev, bool probe);

/* A swapchain needs DRM master: taken if nobody holds it (a file that was master before may
 * take it back without privileges). False, with one log line, when another master has it.
 * Every true is paired with vw_kms_release_master. */
bool vw_kms_hold_master(struct vw_kms_device *dev);
/* Drops master once no swapchain holds it, so a display server started later can have it. */
void vw_kms_release_master(struct vw_kms_device *dev);

/* vkAcquireDrmDisplayEXT: 'app_fd' (a DRM master or lessee of this card) drives the
 * connector from now on. The layer keeps a dup of it, since the app may close its own
 * number after release while a swapchain is still being torn down. VK_SUCCESS,
 * VK_ERROR_UNKNOWN when the fd is not this card, VK_ERROR_INITIALIZATION_FAILED otherwise,
 * with one log line. */
VkResult vw_kms_acquire_fd(struct vw_kms_device *dev, struct vw_kms_connector *c, int app_fd);
/* vkReleaseDisplayEXT: the connector stops taking swapchains and frames; an fd borrowed for
 * it goes back to the app once nothing of the layer's uses it any more. */
void vw_kms_release_display(struct vw_kms_device *dev, struct vw_kms_connector *c);
/* Whether 'fd' is a file of this card (the same character device). */
bool vw_kms_same_card(const struct vw_kms_device *dev, int fd);
/* Called when a swapchain goes: a release that came while it presented finishes now. */
void vw_kms_settle_fd(struct vw_kms_device *dev);
static inline bool
vw_kms_connector_released(const struct vw_kms_connector *c)
{
   return __atomic_load_n(&c->released, __ATOMIC_ACQUIRE);
}

/* Sum of the connectors' generations: changes whenever a connector comes, goes or changes
 * modes (as seen by the last vw_kms_refresh_connectors). */
uint64_t vw_kms_connectors_generation(struct vw_kms_device *dev);
/* Writes the connector's DPMS property (DRM_MODE_DPMS_*), taking master for the write if no
 * swapchain holds it. 0 or a negative errno. */
int vw_kms_set_dpms(struct vw_kms_device *dev, struct vw_kms_connector *c, uint64_t value);

/* Whether the device was opened by another process (this is a fork() child): the DRM file,
 * its framebuffers and handles are shared with the parent, which still uses them. */
bool vw_kms_opened_elsewhere(const struct vw_kms_device *dev);

struct vw_kms_connector *vw_kms_find_connector(struct vw_kms_device *dev, uint32_t id);
struct vw_kms_crtc *vw_kms_find_crtc(struct vw_kms_device *dev, uint32_t id);
bool vw_kms_plane_has_format(const struct vw_kms_plane *plane, uint32_t fourcc);
uint32_t vw_kms_mode_refresh_mhz(const drmModeModeInfo *mode);

/* Reads and dispatches pending DRM events (non-blocking). Returns false if the device is gone. */
bool vw_kms_dispatch_events(struct vw_kms_device *dev);

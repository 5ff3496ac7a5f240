/* Run-time settings of the layer, read once from VENUS_WSI_* environment variables. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum vw_mode {
   VW_MODE_AUTO,  /* take over WSI only where a physical device lacks VK_KHR_swapchain */
   VW_MODE_FORCE, /* take over on every driver (how the tests run on lavapipe) */
   VW_MODE_OFF,   /* pure pass-through */
};

/* Scanout buffer paths, fastest first (README.md, "How it works"). */
enum vw_path {
   VW_PATH_AUTO = 0,
   VW_PATH_EXPORT,  /* A: Vulkan memory exported as dma-buf */
   VW_PATH_IMPORT,  /* B: GBM/dumb buffer imported into Vulkan */
   VW_PATH_HOSTPTR, /* C: mapped dumb buffer imported as host pointer */
   VW_PATH_COPY,    /* D: GPU copy to host-visible memory, CPU copy of damage */
   /* E: linear images whose memory is the provider's mapped buffer, imported as host
    * memory: the app renders straight into what the display server reads (shared-memory
    * providers only: X11 MIT-SHM, Wayland wl_shm). */
   VW_PATH_HOSTPTR_IMAGE,
   /* F: linear images in host-visible memory of the driver's: the app renders into them and
    * the present thread copies the damaged rows out, as D does, but with no GPU copy (one
    * job fewer per frame for a host that runs the GPU's work: Venus). */
   VW_PATH_LINEAR_COPY,
};

enum vw_kms_api {
   VW_KMS_AUTO,   /* atomic where the driver has it */
   VW_KMS_LEGACY, /* drmModeSetCrtc + drmModePageFlip only */
};

/* VENUS_WSI_KMS_UPDATE: how path D's IMMEDIATE frames reach a display surface. A page flip
 * to a buffer of each image's costs a virtual display a new surface per frame; rewriting the
 * buffer on screen and telling the display which rows changed (DirtyFB) costs it a copy of
 * those rows, but blocks the present thread until the host has it, and may tear (which only
 * IMMEDIATE allows). On real Venus neither won clearly (README.md, venus-frames). */
enum vw_kms_update {
   VW_KMS_UPDATE_AUTO,    /* page flips */
   VW_KMS_UPDATE_FLIP,    /* page flips */
   VW_KMS_UPDATE_DIRTYFB, /* IMMEDIATE on path D: DirtyFB on the buffer on screen */
};

/* Driver features the layer pretends are absent, so lavapipe can play Venus. */
enum vw_hide_bits {
   VW_HIDE_SWAPCHAIN = 1u << 0, /* VK_KHR_swapchain: makes 'auto' take over */
   VW_HIDE_DMABUF = 1u << 1,    /* VK_EXT_external_memory_dma_buf + modifiers */
   VW_HIDE_HOSTPTR = 1u << 2,   /* VK_EXT_external_memory_host */
   VW_HIDE_SYNCFD = 1u << 3,    /* sync_file semaphore/fence import and export */
   VW_HIDE_EXTFD = 1u << 4,     /* VK_KHR_external_memory_fd */
   VW_HIDE_VENUS = VW_HIDE_SWAPCHAIN | VW_HIDE_DMABUF | VW_HIDE_HOSTPTR | VW_HIDE_SYNCFD |
                   VW_HIDE_EXTFD,
};

#define VW_CONFIG_PATH_MAX 512
#define VW_CONFIG_MAX_NOTES 16
#define VW_CONFIG_NOTE_LEN 200

/* How X11 frames reach the window (layer/x11/x11_swapchain.c), fastest first. A method the
 * server cannot do falls back to the next. */
enum vw_x11_choice {
   VW_X11_AUTO = 0,
   VW_X11_CHOOSE_DRI3_PRESENT,
   VW_X11_CHOOSE_SHM_PRESENT,
   VW_X11_CHOOSE_PUT_IMAGE_PRESENT,
   VW_X11_CHOOSE_PUT_IMAGE,
};

/* How Wayland frames reach the compositor (layer/wayland/wl_swapchain.c). */
enum vw_wayland_choice {
   VW_WAYLAND_AUTO = 0,
   VW_WAYLAND_CHOOSE_DMABUF,
   VW_WAYLAND_CHOOSE_SHM,
};

struct vw_config {
   enum vw_mode mode;
   int debug; /* enum vw_log_level: 0 silent, 1 errors, 2 info, 3 debug */
   char dump_dir[VW_CONFIG_PATH_MAX];
   uint32_t dump_every;
   uint32_t headless_hz; /* 0: the headless backend shows frames as soon as they are done */
   enum vw_path path;
   uint32_t hide;
   char drm_device[VW_CONFIG_PATH_MAX];
   enum vw_kms_api kms_api;
   enum vw_kms_update kms_update;
   uint32_t fence_timeout_ms; /* a frame not done by then is a lost device, not a hang */
   char stats_file[VW_CONFIG_PATH_MAX]; /* one line of figures per swapchain, appended */
   /* At least this host-pointer import alignment (tests play a 16 KiB Venus host on a
    * 4 KiB one); 0 = the driver's. */
   uint32_t hostptr_align;
   /* VENUS_WSI_X11: the X11 presentation method, VW_X11_AUTO for the fastest that works. */
   enum vw_x11_choice x11;
   /* VENUS_WSI_WAYLAND: the Wayland presentation method, VW_WAYLAND_AUTO for the fastest. */
   enum vw_wayland_choice wayland;
   /* VENUS_WSI_WAYLAND_FIFO=off: FIFO by frame callbacks alone, even where the compositor
    * offers wp_fifo_v1 (a compositor whose barriers misbehave; comparisons). */
   bool wayland_fifo_off;
   /* VENUS_WSI_COPY_THREADS: threads for path D's and F's CPU copy of a large update (1 or
    * 2; copy_helper.h). */
   uint32_t copy_threads;
   /* VENUS_WSI_DRM_DEVICE was set but unusable: no display rather than another card. */
   bool drm_device_refused;
   uint32_t problems;         /* count of values that could not be parsed */
   /* One line per problem: the variable, its value, and what is used instead. */
   uint32_t note_count;
   char notes[VW_CONFIG_MAX_NOTES][VW_CONFIG_NOTE_LEN];
};

typedef const char *(*vw_getenv_fn)(const char *name);

/* Fills 'cfg' from the variables 'get' returns; values not understood keep defaults, are
 * counted in cfg->problems and described in cfg->notes. Words and numbers may carry
 * surrounding blanks; paths are taken as they are. */
void vw_config_parse(struct vw_config *cfg, vw_getenv_fn get);

/* The real environment as the layer reads it: nothing in a set-user-ID, set-group-ID or
 * file-capability process (secure execution), as the loader does for its own variables. */
const char *vw_config_getenv(const char *name);

/* The process-wide settings, parsed from the real environment on first use. */
const struct vw_config *vw_config_get(void);

const char *vw_mode_name(enum vw_mode mode);
const char *vw_path_name(enum vw_path path);

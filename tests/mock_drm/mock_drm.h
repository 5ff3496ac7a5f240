/*
 * mock_drm.h - an emulated virtio-gpu DRM/KMS device for tests.
 *
 * The mock sits beneath the real libdrm: it interposes open/close/ioctl/
 * mmap/munmap (and a few friends) so that opening the mock path (default
 * "/dev/dri/card0") returns a "DRM file" whose ioctls are answered here.
 * Code under test keeps calling libdrm exactly as in production.
 *
 * Two ways to use it (same sources):
 *  - linked into a test executable (meson: mock_drm_dep), driven by this API;
 *  - LD_PRELOAD=libvw_mock_drm.so under any program, configured by the
 *    VW_MOCK_DRM_* environment variables (see README.md in this folder).
 *
 * All functions are thread-safe. Functions returning int return 0 on success
 * and a negative errno on failure unless stated otherwise.
 */
#ifndef VW_MOCK_DRM_H
#define VW_MOCK_DRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define MOCK_DRM_MAX_MODES 16
#define MOCK_DRM_MAX_FORMATS 16
#define MOCK_DRM_PATH_MAX 256
#define MOCK_DRM_LOG_CLIPS 8

/* A display mode; timings are generated (reduced-blanking style). */
struct mock_drm_mode {
	uint32_t width, height;
	uint32_t refresh; /* Hz */
};

/* Device configuration. Fill with mock_drm_config_default(), then edit. */
struct mock_drm_config {
	char path[MOCK_DRM_PATH_MAX];      /* node that opens the mock */
	unsigned num_modes;                /* connector modes, [0] preferred */
	struct mock_drm_mode modes[MOCK_DRM_MAX_MODES];
	unsigned num_formats;              /* primary plane fourccs */
	uint32_t formats[MOCK_DRM_MAX_FORMATS];
	bool legacy_only;      /* driver without atomic: ATOMIC cap refused */
	bool modifiers;        /* DRM_CAP_ADDFB2_MODIFIERS + IN_FORMATS (LINEAR) */
	bool connected;        /* connector state at reset */
	bool no_master;        /* someone outside holds master: nobody here gets it */
	bool vblank;           /* pace flips to the mode's refresh, count sequences */
	bool live_scanout;     /* screen = live fb memory (default: host copy
	                          taken at flip / SetCrtc / DirtyFB, as virtio) */
	bool log;              /* "mock-drm: " messages on stderr */
	uint32_t flip_delay_us;        /* flip completion delay (default 1000) */
	uint32_t flip_timeout_ms;      /* blocking-commit stall cap (default 10000) */
	uint32_t mm_width, mm_height;  /* 0 = derived from preferred mode at 100 dpi */
	char dump_dir[MOCK_DRM_PATH_MAX]; /* PNG dumps of the screen, "" = off */
	unsigned dump_every;           /* dump every Nth screen update */
};

/* Defaults: what QEMU's virtio-gpu gives a guest. Ignores the environment. */
void mock_drm_config_default(struct mock_drm_config *cfg);
/* Overlay the VW_MOCK_DRM_* variables onto cfg. -EINVAL on a bad value. */
int mock_drm_config_from_env(struct mock_drm_config *cfg);
/* Parse "1920x1080@60,1280x720" into cfg->modes. */
int mock_drm_parse_modes(const char *s, struct mock_drm_mode *modes, unsigned max,
			 unsigned *count);

/*
 * Reset the device to cfg (NULL: defaults + environment). Every buffer,
 * framebuffer, blob, pending flip, fault and the commit log are dropped.
 * Files still open become dead: their ioctls fail with ENODEV until closed.
 */
int mock_drm_reset(const struct mock_drm_config *cfg);
/* Current configuration. */
void mock_drm_get_config(struct mock_drm_config *cfg);
/* Is fd a mock DRM file? */
bool mock_drm_is_mock_fd(int fd);
/* The serial of fd's DRM file (struct mock_drm_commit.file), shared by its dups; 0 if fd
 * is no mock file. Serials count opens since the process started. */
unsigned mock_drm_file_serial(int fd);

/*
 * Faults. spec is a comma-separated list of NAME[:VALUE] items (the syntax of
 * VW_MOCK_DRM_FAULTS). Counters add up; "after" triggers count screen
 * updates (completed flips + DirtyFB on the scanned-out fb) from now.
 *   commit_ebusy:N  commit_einval:N   next N non-test commits (atomic,
 *                                     SetCrtc, PageFlip, SetPlane) fail
 *   test_einval:N                     next N TEST_ONLY atomic commits fail
 *   dumb_enomem:N  addfb_enomem:N  import_einval:N  export_enomem:N
 *   lost_flip:N     next N flips complete but send no event
 *   late_flip:N     next N flips complete late_flip_us later (default 100 ms)
 *   late_flip_us:US extra delay for late flips (alone: implies late_flip:1)
 *   stuck_flip:N    next N flips never complete (blocking commits give up
 *                   after flip_timeout_ms, as the kernel's flip_done timeout)
 *   no_master       master held outside: no opener becomes master
 *   revoke_master_after_flips:N   unplug_after_flips:N
 *   disconnect_after_flips:N      modes_change_after_flips:N[=WxH@R/WxH@R]
 *                   (default new list: the old one minus the current mode)
 * Returns 0, or -EINVAL for a syntax error (nothing applied then).
 */
int mock_drm_inject(const char *spec);
/* Drop all pending faults and triggers. */
void mock_drm_clear_faults(void);

/* Immediate events. */
void mock_drm_revoke_master(void);  /* holder loses master; SET_MASTER -> EBUSY */
void mock_drm_restore_master(void); /* master free again, given back to the
                                       revoked holder if it is still open */
void mock_drm_unplug(void);         /* device removed: see README */
void mock_drm_set_connected(bool connected); /* disconnected = no modes */
int mock_drm_set_modes(const struct mock_drm_mode *modes, unsigned count);

/* Commit log. Every commit attempt is recorded, failed ones too. */
enum mock_drm_commit_kind {
	MOCK_DRM_COMMIT_ATOMIC,
	MOCK_DRM_COMMIT_SETCRTC,
	MOCK_DRM_COMMIT_PAGE_FLIP,
	MOCK_DRM_COMMIT_SETPLANE,
	MOCK_DRM_COMMIT_SETPROPERTY,
	MOCK_DRM_COMMIT_DIRTYFB,
	MOCK_DRM_COMMIT_RMFB,     /* fb removed while in use: planes/CRTC off */
	MOCK_DRM_COMMIT_INTERNAL, /* device-side (unplug shutdown) */
};

struct mock_drm_rect {
	int32_t x, y;
	uint32_t w, h;
};

struct mock_drm_commit {
	uint64_t seq;          /* 0-based index in the log */
	enum mock_drm_commit_kind kind;
	uint32_t flags;        /* DRM_MODE_ATOMIC_* / DRM_MODE_PAGE_FLIP_* bits */
	int result;            /* 0 or a positive errno */
	uint64_t time_ns;      /* CLOCK_MONOTONIC */
	unsigned file;         /* serial of the DRM file (1 = first opened) */
	uint64_t user_data;
	/* state requested for the CRTC and its primary plane */
	uint32_t crtc_id, plane_id, fb_id;
	bool active;
	bool mode_valid;
	struct mock_drm_mode mode;
	char mode_name[32];
	uint32_t src_x, src_y, src_w, src_h; /* 16.16 */
	int32_t crtc_x, crtc_y;
	uint32_t crtc_w, crtc_h;
	unsigned num_clips;    /* FB_DAMAGE_CLIPS / DirtyFB clips (total) */
	struct mock_drm_rect clips[MOCK_DRM_LOG_CLIPS]; /* first few */
};

uint64_t mock_drm_commit_count(void);
/* false if seq is out of range or already dropped from the ring (8192). */
bool mock_drm_commit_get(uint64_t seq, struct mock_drm_commit *out);

/* Counters. "live" ones must go back to zero after a clean shutdown. */
struct mock_drm_stats {
	/* live */
	unsigned files;        /* open DRM files */
	unsigned handles;      /* GEM handles over all files */
	unsigned fbs;          /* framebuffer objects (incl. removed, still on screen) */
	unsigned user_blobs;   /* property blobs created by userspace */
	unsigned mappings;     /* mmaps of mock buffers */
	unsigned dumb_buffers; /* dumb buffers alive (handle, fb or mapping) */
	unsigned buffers;      /* all GEM objects alive (dumb + imported) */
	unsigned prime_fds;    /* exported PRIME fds not yet closed */
	unsigned pending_flips;
	bool master_held;      /* some file of this process is master */
	bool connected;
	bool unplugged;
	/* totals since reset */
	uint64_t opens, closes, ioctls;
	uint64_t commits, commits_failed, test_commits;
	uint64_t flips;        /* completed flips/modesets */
	uint64_t events;       /* flip events written to files */
	uint64_t lost_events;
	uint64_t dirtyfbs;
	uint64_t screen_updates;
	uint64_t unknown_ioctls;
	uint64_t hotplugs;     /* connector changes (no uevent is sent) */
	uint64_t dpms_sets;    /* DPMS property writes that succeeded */
	unsigned dpms;         /* the last value written (DRM_MODE_DPMS_*), 0 before any */
	uint32_t last_unknown_ioctl;
};

void mock_drm_get_stats(struct mock_drm_stats *out);

/*
 * CPU time all threads have spent in the mock's ioctl handlers since the
 * process started (never reset). They run in the calling thread where the
 * kernel's would run in the kernel, so a benchmark subtracts them from its
 * threads' CPU time to count its own work alone.
 */
uint64_t mock_drm_ioctl_cpu_ns(void);
/* Wait until the total of completed flips reaches count. false on timeout. */
bool mock_drm_wait_flips(uint64_t count, unsigned timeout_ms);

/* The screen: the primary plane's fb cropped by SRC, as RGB8. */
struct mock_drm_screen {
	bool on;               /* CRTC active */
	uint32_t width, height;/* 0x0 when off */
	uint32_t fb_id;        /* fb shown (0 = none: black) */
	uint64_t updates;      /* screen updates so far */
	uint8_t *rgb;          /* width*height*3 bytes, malloc'd (may be NULL) */
};

int mock_drm_screen_read(struct mock_drm_screen *out);
void mock_drm_screen_release(struct mock_drm_screen *s);
/* One pixel as 0xRRGGBB; false if off screen. */
bool mock_drm_screen_pixel(uint32_t x, uint32_t y, uint32_t *rgb);
int mock_drm_screen_dump_png(const char *path);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif

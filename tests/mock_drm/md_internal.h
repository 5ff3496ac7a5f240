/* Internal structures of the mock DRM device. One mutex (md.lock) guards all. */
#ifndef MD_INTERNAL_H
#define MD_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <drm.h>
#include <drm_fourcc.h>
#include <drm_mode.h>

#include "mock_drm.h"

/* uAPI bits newer than some libdrm headers. */
#ifndef DRM_CLIENT_CAP_WRITEBACK_CONNECTORS
#define DRM_CLIENT_CAP_WRITEBACK_CONNECTORS 5
#endif
#ifndef DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT
#define DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT 6
#endif
#ifndef DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP
#define DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP 0x15
#endif
/* plane "type" values (the kernel's enum drm_plane_type) */
#ifndef DRM_PLANE_TYPE_OVERLAY
#define DRM_PLANE_TYPE_OVERLAY 0
#define DRM_PLANE_TYPE_PRIMARY 1
#define DRM_PLANE_TYPE_CURSOR 2
#endif
#define MD_NR_CLOSEFB 0xD0

#define MD_PRIMARY 0
#define MD_CURSOR 1
#define MD_NPLANES 2
#define MD_EVENT_SPACE 4096u
#define MD_LOG_CAP 8192u
#define MD_MIN_FB 32u
#define MD_MAX_FB 8192u
#define MD_CURSOR_SIZE 64u

enum md_obj_type {
	MD_OBJ_NONE = 0,
	MD_OBJ_PROP,
	MD_OBJ_CRTC,
	MD_OBJ_ENCODER,
	MD_OBJ_CONNECTOR,
	MD_OBJ_PLANE,
	MD_OBJ_FB,
	MD_OBJ_BLOB,
};

enum md_prop_key {
	/* connector */
	P_EDID, P_DPMS, P_PATH, P_TILE, P_LINK_STATUS, P_NON_DESKTOP,
	/* plane */
	P_TYPE, P_SRC_X, P_SRC_Y, P_SRC_W, P_SRC_H,
	P_CRTC_X, P_CRTC_Y, P_CRTC_W, P_CRTC_H,
	P_FB_ID, P_IN_FENCE_FD, P_CRTC_ID, P_IN_FORMATS, P_FB_DAMAGE_CLIPS,
	P_HOTSPOT_X, P_HOTSPOT_Y,
	/* crtc */
	P_OUT_FENCE_PTR, P_ACTIVE, P_MODE_ID, P_VRR_ENABLED,
	P_COUNT
};

struct md_enum {
	uint64_t value;
	const char *name;
};

struct md_prop {
	uint32_t id;
	const char *name;
	uint32_t flags;            /* DRM_MODE_PROP_* */
	unsigned nvalues;
	uint64_t values[4];        /* range min/max, object type */
	unsigned nenums;
	struct md_enum enums[4];
};

struct md_format {
	uint32_t fourcc;
	const char *name;
	uint8_t cpp;
	uint8_t depth;             /* legacy ADDFB depth, 0 = none */
};

struct md_file;

struct md_buffer {             /* a GEM object */
	struct md_buffer *next;
	unsigned serial;
	int refs;                  /* handles + fbs + mappings */
	int fd;                    /* memfd, or our dup of a foreign fd */
	uint64_t size;
	bool dumb, foreign;
	uint32_t width, height, bpp, pitch;
	uint64_t st_dev, st_ino;
	uint64_t map_offset;       /* fake mmap offset, 0 = not mappable */
	void *cpu;                 /* internal read-only mapping, lazy */
	bool cpu_failed;
};

struct md_handle {
	uint32_t handle;
	struct md_buffer *buf;
};

struct md_fb {
	struct md_fb *next;
	uint32_t id;
	int refs;                  /* 1 while owned + state/display/pending refs */
	struct md_file *owner;     /* NULL after RMFB/CLOSEFB/file close */
	uint32_t width, height, format, flags;
	uint64_t modifier;
	uint32_t pitch, offset;
	struct md_buffer *buf;
	const struct md_format *fmt;
};

struct md_blob {
	struct md_blob *next;
	uint32_t id;
	int refs;
	struct md_file *owner;     /* creator while not destroyed */
	bool user;
	size_t len;
	void *data;
};

struct md_file {
	struct md_file *next;
	unsigned serial;
	int wfd;                   /* write end of the event pipe */
	int rfd;                   /* read end (first fd), for FIONREAD */
	int nfds;                  /* process fds referring to this file */
	int busy;                  /* ioctls in flight */
	bool released, dead;
	bool was_master;
	bool universal_planes, atomic, aspect_ratio, stereo, writeback, hotspot;
	uint32_t magic;
	bool authenticated;
	unsigned event_reserved;   /* bytes of events promised, not yet written */
	struct md_handle *handles;
	size_t nhandles, caphandles;
};

struct md_plane_state {
	struct md_fb *fb;
	uint32_t crtc_id;
	int32_t crtc_x, crtc_y;
	uint32_t crtc_w, crtc_h;
	uint32_t src_x, src_y, src_w, src_h;
	struct md_blob *damage;
	int in_fence;
	int32_t hotspot_x, hotspot_y;
};

struct md_crtc_state {
	bool active;
	struct md_blob *mode_blob; /* enable == (mode_blob != NULL) */
	struct drm_mode_modeinfo mode;
	uint64_t out_fence_ptr;
	bool vrr;
};

struct md_state {
	struct md_crtc_state crtc;
	uint32_t conn_crtc;
	struct md_plane_state plane[MD_NPLANES];
};

/* What is on the screen after a flip. */
struct md_display {
	bool on;
	uint32_t mode_w, mode_h;
	struct md_fb *fb;          /* referenced */
	uint32_t sx, sy, sw, sh;   /* visible source rectangle, pixels */
};

struct md_pending {
	bool active;
	uint64_t serial;
	uint64_t due_ns;
	bool stuck;
	struct md_file *event_file;
	uint64_t user_data;
	bool lost;
	uint32_t seq;              /* vblank count (paced mode), else 0 like virtio */
	uint64_t vblank_ns;        /* event timestamp in paced mode */
	int in_fence;
	int out_fence_wfd;
	struct md_display target;
	bool full_damage;
	unsigned nclips;
	struct drm_mode_rect *clips;
};

struct md_plane {
	uint32_t id;
	int type;                  /* DRM_PLANE_TYPE_* */
	unsigned nformats;
	uint32_t formats[MOCK_DRM_MAX_FORMATS];
	struct md_blob *in_formats;
	unsigned nprops;
	enum md_prop_key props[24];
};

struct md_mapping {
	struct md_mapping *next;
	uintptr_t addr;
	size_t len;
	struct md_buffer *buf;
};

struct md_faults {
	unsigned commit_ebusy, commit_einval, test_einval;
	unsigned dumb_enomem, addfb_enomem, import_einval, export_enomem;
	unsigned lost_flip, late_flip, stuck_flip;
	uint32_t late_flip_us;
	uint64_t revoke_at, unplug_at, disconnect_at, modes_at; /* 0 = off */
	unsigned nmodes_new;       /* 0 = drop the current mode */
	struct mock_drm_mode modes_new[MOCK_DRM_MAX_MODES];
};

struct md_screen {
	bool on;
	uint32_t w, h;
	uint32_t fb_id;
	const struct md_format *fmt; /* of raw; NULL = black */
	uint8_t *raw;                /* w*h pixels in fmt, converted on readback */
};

struct md_device {
	pthread_mutex_t lock;
	pthread_cond_t cond;       /* flips completed, state changed */
	pthread_cond_t thread_cond;/* wakes the event thread */
	bool initialized, thread_started, unplugged;
	struct mock_drm_config cfg;
	long page_size;

	/* mode objects */
	struct {
		enum md_obj_type type;
		void *ptr;
	} *objs;
	uint32_t nobjs;
	struct md_prop props[P_COUNT];
	struct md_plane planes[MD_NPLANES];
	uint32_t crtc_id, encoder_id, connector_id;
	unsigned crtc_nprops, conn_nprops;
	enum md_prop_key crtc_props[8], conn_props[8];
	bool connected;
	unsigned nmodes;
	struct drm_mode_modeinfo modes[MOCK_DRM_MAX_MODES];
	uint32_t mm_w, mm_h;

	struct md_state cur;
	struct md_display disp;
	struct md_pending pending;
	uint64_t next_serial, done_serial;
	uint64_t vblank_t0;
	uint32_t cursor_handle;

	struct md_file *files, *master, *revoked_from;
	bool external_master;
	struct md_buffer *buffers;
	struct md_fb *fbs;
	struct md_blob *blobs;
	struct md_mapping *maps;
	int *prime_fds;
	size_t nprime, capprime;
	unsigned next_file_serial, next_buf_serial;
	uint32_t next_magic;
	uint64_t next_map_page;

	struct md_faults faults;
	struct md_screen screen;
	struct mock_drm_stats st;  /* totals; live counts computed on demand */

	struct mock_drm_commit *log;
	uint64_t nlog;
};

extern struct md_device md;
extern _Thread_local bool md_tls_inside;

/* md_device.c */
void md_lock(void);
void md_unlock(void);
void md_ensure_init_locked(void);
uint64_t md_now_ns(void);
void md_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint32_t md_obj_alloc(enum md_obj_type type, void *ptr);
void md_obj_free(uint32_t id);
void *md_obj_find(uint32_t id, enum md_obj_type type);
enum md_obj_type md_obj_type_of(uint32_t id);
uint32_t md_obj_uapi_type(enum md_obj_type t);
struct md_plane *md_plane_by_id(uint32_t id, int *index);
bool md_plane_visible_to(const struct md_file *f, const struct md_plane *p);
void md_make_mode(struct drm_mode_modeinfo *m, const struct mock_drm_mode *in, bool preferred);
void md_set_modes_locked(const struct mock_drm_mode *modes, unsigned n);
void md_set_connected_locked(bool connected);
void md_unplug_locked(void);
void md_revoke_master_locked(void);
const struct md_prop *md_prop_by_key(enum md_prop_key k);
int md_prop_key_of(uint32_t prop_id);
bool md_is_master(const struct md_file *f);

/* md_file.c */
int md_file_open(int flags);
void md_file_fd_closed(struct md_file *f);
void md_file_put_busy(struct md_file *f);
void md_file_release_locked(struct md_file *f);
uint32_t md_handle_create(struct md_file *f, struct md_buffer *b);
struct md_buffer *md_handle_lookup(struct md_file *f, uint32_t h);
uint32_t md_handle_find_buf(struct md_file *f, struct md_buffer *b);
int md_handle_delete(struct md_file *f, uint32_t h);

/* md_interpose.c: fd table (lock held for register/unregister/lookup) */
void md_fd_register(int fd, struct md_file *f);
struct md_file *md_fd_unregister(int fd);
struct md_file *md_fd_lookup(int fd);
int md_real_close(int fd);
int md_real_ioctl(int fd, unsigned long req, void *arg);
void *md_real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int md_real_munmap(void *addr, size_t len);
int md_real_fstat_info(int fd, uint64_t *dev, uint64_t *ino, uint64_t *size, unsigned *mode);
void md_maps_changed(int delta);
void md_prime_changed(int delta);

/* md_ioctl.c */
int md_ioctl(struct md_file *f, unsigned long req, void *arg);
void md_ioctl_reset_locked(void);

/* md_kms.c: queries and blobs */
int md_ioc_getresources(struct md_file *f, void *arg);
int md_ioc_getcrtc(struct md_file *f, void *arg);
int md_ioc_getencoder(struct md_file *f, void *arg);
int md_ioc_getconnector(struct md_file *f, void *arg);
int md_ioc_getproperty(struct md_file *f, void *arg);
int md_ioc_getpropblob(struct md_file *f, void *arg);
int md_ioc_createpropblob(struct md_file *f, void *arg);
int md_ioc_destroypropblob(struct md_file *f, void *arg);
int md_ioc_obj_getproperties(struct md_file *f, void *arg);
int md_ioc_getplaneresources(struct md_file *f, void *arg);
int md_ioc_getplane(struct md_file *f, void *arg);
struct md_blob *md_blob_create(struct md_file *owner, const void *data, size_t len);
void md_blob_ref(struct md_blob *b);
void md_blob_unref(struct md_blob *b);
struct md_blob *md_blob_find(uint32_t id);
void md_blob_destroy_user(struct md_blob *b);
uint64_t md_prop_value(uint32_t obj_id, enum md_prop_key k);
unsigned md_obj_props(uint32_t id, const enum md_prop_key **keys);

/* md_commit.c */
int md_ioc_atomic(struct md_file *f, void *arg);
int md_ioc_setcrtc(struct md_file *f, void *arg);
int md_ioc_page_flip(struct md_file *f, void *arg);
int md_ioc_setplane(struct md_file *f, void *arg);
int md_ioc_obj_setproperty(struct md_file *f, void *arg);
int md_ioc_setproperty(struct md_file *f, void *arg);
int md_ioc_dirtyfb(struct md_file *f, void *arg);
int md_ioc_cursor(struct md_file *f, void *arg, bool v2);
void md_fb_disable_users(struct md_fb *fb, struct md_file *f);
void md_shutdown_locked(void);
void md_state_clear(struct md_state *s);
int md_mode_check(const struct drm_mode_modeinfo *m, bool aspect_ok);

/* md_buffers.c */
int md_ioc_create_dumb(struct md_file *f, void *arg);
int md_ioc_map_dumb(struct md_file *f, void *arg);
int md_ioc_destroy_dumb(struct md_file *f, void *arg);
int md_ioc_gem_close(struct md_file *f, void *arg);
int md_ioc_prime_to_fd(struct md_file *f, void *arg);
int md_ioc_prime_to_handle(struct md_file *f, void *arg);
int md_ioc_addfb(struct md_file *f, void *arg);
int md_ioc_addfb2(struct md_file *f, void *arg);
int md_ioc_rmfb(struct md_file *f, void *arg);
int md_ioc_closefb(struct md_file *f, void *arg);
int md_ioc_getfb(struct md_file *f, void *arg);
void md_buffer_ref(struct md_buffer *b);
void md_buffer_unref(struct md_buffer *b);
const void *md_buffer_cpu(struct md_buffer *b);
void md_fb_ref(struct md_fb *fb);
void md_fb_unref(struct md_fb *fb);
struct md_fb *md_fb_lookup(uint32_t id);
void *md_mmap(struct md_file *f, void *addr, size_t len, int prot, int flags, uint64_t off);
void md_munmap_track(uintptr_t addr, size_t len);
void md_prime_fd_closed(int fd);
void md_buffers_reset_locked(void);

/* md_format.c */
const struct md_format *md_format_find(uint32_t fourcc);
uint32_t md_format_legacy(uint32_t bpp, uint32_t depth);
uint32_t md_format_parse(const char *s);
void md_convert_row(const struct md_format *f, const uint8_t *src, uint8_t *rgb, uint32_t n);

/* md_events.c */
void md_thread_start_locked(void);
void md_pending_submit_locked(struct md_pending *p);
bool md_wait_serial_locked(uint64_t serial, unsigned timeout_ms);
bool md_wait_idle_locked(unsigned timeout_ms);
void md_complete_pending_locked(void);
void md_pending_clear(struct md_pending *p);
int md_event_reserve(struct md_file *f);

/* md_screen.c */
void md_screen_apply_locked(const struct md_display *t, bool full, const struct drm_mode_rect *clips,
			    unsigned nclips);
void md_screen_reset_locked(void);
void md_display_set(struct md_display *dst, const struct md_display *src);
void md_after_update_locked(void);

/* md_record.c */
void md_record_locked(const struct mock_drm_commit *c);
void md_record_fill(struct mock_drm_commit *c, enum mock_drm_commit_kind kind, struct md_file *f,
		    uint32_t flags, const struct md_state *s, const struct drm_mode_rect *clips,
		    unsigned nclips);
void md_live_stats_locked(struct mock_drm_stats *out);

/* md_faults.c */
int md_faults_parse_apply_locked(const char *spec);
bool md_fault_take(unsigned *counter);
void md_faults_check_triggers_locked(void);

#endif

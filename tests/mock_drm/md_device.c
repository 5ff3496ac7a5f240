/* The device: lifetime, reset, mode-object ids, properties, connector, master. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "md_internal.h"

struct md_device md = { .lock = PTHREAD_MUTEX_INITIALIZER };

void md_lock(void)
{
	pthread_mutex_lock(&md.lock);
	md_tls_inside = true;
}

void md_unlock(void)
{
	md_tls_inside = false;
	pthread_mutex_unlock(&md.lock);
}

uint64_t md_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void md_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	if (!md.cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "mock-drm: %s\n", buf);
}

/* ---- mode object ids: one namespace for every kind, lowest free id first ---- */

uint32_t md_obj_alloc(enum md_obj_type type, void *ptr)
{
	uint32_t id;
	for (id = 1; id < md.nobjs; id++)
		if (md.objs[id].type == MD_OBJ_NONE)
			break;
	if (id >= md.nobjs) {
		uint32_t n = md.nobjs ? md.nobjs * 2 : 64;
		void *p = realloc(md.objs, n * sizeof(md.objs[0]));
		if (!p)
			return 0;
		md.objs = p;
		memset(&md.objs[md.nobjs], 0, (n - md.nobjs) * sizeof(md.objs[0]));
		if (!md.nobjs)
			id = 1;
		else
			id = md.nobjs;
		md.nobjs = n;
	}
	md.objs[id].type = type;
	md.objs[id].ptr = ptr;
	return id;
}

void md_obj_free(uint32_t id)
{
	if (id && id < md.nobjs) {
		md.objs[id].type = MD_OBJ_NONE;
		md.objs[id].ptr = NULL;
	}
}

enum md_obj_type md_obj_type_of(uint32_t id)
{
	return (id && id < md.nobjs) ? md.objs[id].type : MD_OBJ_NONE;
}

void *md_obj_find(uint32_t id, enum md_obj_type type)
{
	if (!id || id >= md.nobjs || md.objs[id].type != type)
		return NULL;
	return md.objs[id].ptr;
}

uint32_t md_obj_uapi_type(enum md_obj_type t)
{
	switch (t) {
	case MD_OBJ_PROP: return DRM_MODE_OBJECT_PROPERTY;
	case MD_OBJ_CRTC: return DRM_MODE_OBJECT_CRTC;
	case MD_OBJ_ENCODER: return DRM_MODE_OBJECT_ENCODER;
	case MD_OBJ_CONNECTOR: return DRM_MODE_OBJECT_CONNECTOR;
	case MD_OBJ_PLANE: return DRM_MODE_OBJECT_PLANE;
	case MD_OBJ_FB: return DRM_MODE_OBJECT_FB;
	case MD_OBJ_BLOB: return DRM_MODE_OBJECT_BLOB;
	default: return 0;
	}
}

struct md_plane *md_plane_by_id(uint32_t id, int *index)
{
	for (int i = 0; i < MD_NPLANES; i++)
		if (md.planes[i].id == id) {
			if (index)
				*index = i;
			return &md.planes[i];
		}
	return NULL;
}

/* Since Linux 6.8, virtualized drivers hide cursor planes from atomic clients
 * that did not set DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT. */
bool md_plane_visible_to(const struct md_file *f, const struct md_plane *p)
{
	if (p->type != DRM_PLANE_TYPE_OVERLAY && !f->universal_planes)
		return false;
	if (p->type == DRM_PLANE_TYPE_CURSOR && f->atomic && !f->hotspot)
		return false;
	return true;
}

bool md_is_master(const struct md_file *f) { return f && md.master == f; }

/* ---- properties ---- */

const struct md_prop *md_prop_by_key(enum md_prop_key k) { return &md.props[k]; }

int md_prop_key_of(uint32_t prop_id)
{
	struct md_prop *p = md_obj_find(prop_id, MD_OBJ_PROP);
	return p ? (int)(p - md.props) : -1;
}

static void prop_def(enum md_prop_key k, const char *name, uint32_t flags)
{
	struct md_prop *p = &md.props[k];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->flags = flags;
	p->id = md_obj_alloc(MD_OBJ_PROP, p);
}

static void prop_range(enum md_prop_key k, const char *name, uint32_t flags, uint64_t lo, uint64_t hi)
{
	prop_def(k, name, flags);
	md.props[k].nvalues = 2;
	md.props[k].values[0] = lo;
	md.props[k].values[1] = hi;
}

static void prop_enum(enum md_prop_key k, const char *name, uint32_t flags, const char *const *names,
		      unsigned n)
{
	prop_def(k, name, flags | DRM_MODE_PROP_ENUM);
	md.props[k].nvalues = n;
	md.props[k].nenums = n;
	for (unsigned i = 0; i < n; i++) {
		md.props[k].values[i] = i;
		md.props[k].enums[i].value = i;
		md.props[k].enums[i].name = names[i];
	}
}

static void prop_object(enum md_prop_key k, const char *name, uint32_t type)
{
	prop_def(k, name, DRM_MODE_PROP_OBJECT | DRM_MODE_PROP_ATOMIC);
	md.props[k].nvalues = 1;
	md.props[k].values[0] = type;
}

static void create_props(void)
{
	static const char *const dpms[] = { "On", "Standby", "Suspend", "Off" };
	static const char *const link[] = { "Good", "Bad" };
	static const char *const type[] = { "Overlay", "Primary", "Cursor" };
	const uint32_t A = DRM_MODE_PROP_ATOMIC;
	const uint32_t S = DRM_MODE_PROP_SIGNED_RANGE;

	prop_def(P_EDID, "EDID", DRM_MODE_PROP_BLOB | DRM_MODE_PROP_IMMUTABLE);
	prop_enum(P_DPMS, "DPMS", 0, dpms, 4);
	prop_def(P_PATH, "PATH", DRM_MODE_PROP_BLOB | DRM_MODE_PROP_IMMUTABLE);
	prop_def(P_TILE, "TILE", DRM_MODE_PROP_BLOB | DRM_MODE_PROP_IMMUTABLE);
	prop_enum(P_LINK_STATUS, "link-status", 0, link, 2);
	prop_range(P_NON_DESKTOP, "non-desktop", DRM_MODE_PROP_RANGE | DRM_MODE_PROP_IMMUTABLE, 0, 1);
	prop_enum(P_TYPE, "type", DRM_MODE_PROP_IMMUTABLE, type, 3);
	prop_range(P_SRC_X, "SRC_X", DRM_MODE_PROP_RANGE | A, 0, UINT32_MAX);
	prop_range(P_SRC_Y, "SRC_Y", DRM_MODE_PROP_RANGE | A, 0, UINT32_MAX);
	prop_range(P_SRC_W, "SRC_W", DRM_MODE_PROP_RANGE | A, 0, UINT32_MAX);
	prop_range(P_SRC_H, "SRC_H", DRM_MODE_PROP_RANGE | A, 0, UINT32_MAX);
	prop_range(P_CRTC_X, "CRTC_X", S | A, (uint64_t)(int64_t)INT32_MIN, INT32_MAX);
	prop_range(P_CRTC_Y, "CRTC_Y", S | A, (uint64_t)(int64_t)INT32_MIN, INT32_MAX);
	prop_range(P_CRTC_W, "CRTC_W", DRM_MODE_PROP_RANGE | A, 0, INT32_MAX);
	prop_range(P_CRTC_H, "CRTC_H", DRM_MODE_PROP_RANGE | A, 0, INT32_MAX);
	prop_object(P_FB_ID, "FB_ID", DRM_MODE_OBJECT_FB);
	prop_range(P_IN_FENCE_FD, "IN_FENCE_FD", S | A, (uint64_t)(int64_t)-1, INT32_MAX);
	prop_object(P_CRTC_ID, "CRTC_ID", DRM_MODE_OBJECT_CRTC);
	prop_def(P_IN_FORMATS, "IN_FORMATS", DRM_MODE_PROP_BLOB | DRM_MODE_PROP_IMMUTABLE);
	prop_def(P_FB_DAMAGE_CLIPS, "FB_DAMAGE_CLIPS", DRM_MODE_PROP_BLOB | A);
	prop_range(P_HOTSPOT_X, "HOTSPOT_X", S | A, (uint64_t)(int64_t)INT32_MIN, INT32_MAX);
	prop_range(P_HOTSPOT_Y, "HOTSPOT_Y", S | A, (uint64_t)(int64_t)INT32_MIN, INT32_MAX);
	prop_range(P_OUT_FENCE_PTR, "OUT_FENCE_PTR", DRM_MODE_PROP_RANGE | A, 0, UINT64_MAX);
	prop_range(P_ACTIVE, "ACTIVE", DRM_MODE_PROP_RANGE | A, 0, 1);
	prop_def(P_MODE_ID, "MODE_ID", DRM_MODE_PROP_BLOB | A);
	prop_range(P_VRR_ENABLED, "VRR_ENABLED", DRM_MODE_PROP_RANGE, 0, 1);
}

/* ---- modes ---- */

void md_make_mode(struct drm_mode_modeinfo *m, const struct mock_drm_mode *in, bool preferred)
{
	uint32_t w = in->width, h = in->height, r = in->refresh ? in->refresh : 60;
	memset(m, 0, sizeof(*m));
	m->hdisplay = (uint16_t)w;
	m->hsync_start = (uint16_t)(w + 48);
	m->hsync_end = (uint16_t)(w + 80);
	m->htotal = (uint16_t)(w + 160);
	m->vdisplay = (uint16_t)h;
	m->vsync_start = (uint16_t)(h + 3);
	m->vsync_end = (uint16_t)(h + 9);
	m->vtotal = (uint16_t)(h + 23 + h / 40);
	m->clock = (uint32_t)(((uint64_t)m->htotal * m->vtotal * r + 500) / 1000);
	m->vrefresh = r;
	m->flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
	m->type = DRM_MODE_TYPE_DRIVER | (preferred ? DRM_MODE_TYPE_PREFERRED : 0);
	snprintf(m->name, sizeof(m->name), "%ux%u", w, h);
}

void md_set_modes_locked(const struct mock_drm_mode *modes, unsigned n)
{
	if (n > MOCK_DRM_MAX_MODES)
		n = MOCK_DRM_MAX_MODES;
	for (unsigned i = 0; i < n; i++)
		md_make_mode(&md.modes[i], &modes[i], i == 0);
	md.nmodes = md.connected ? n : 0;
	md.st.hotplugs++;
	md_log("connector modes changed: %u modes", md.nmodes);
}

void md_set_connected_locked(bool connected)
{
	if (connected == md.connected)
		return;
	md.connected = connected;
	if (connected) {
		for (unsigned i = 0; i < md.cfg.num_modes; i++)
			md_make_mode(&md.modes[i], &md.cfg.modes[i], i == 0);
		md.nmodes = md.cfg.num_modes;
	} else {
		md.nmodes = 0;
	}
	md.st.hotplugs++;
	md_log("connector %s", connected ? "connected" : "disconnected");
}

/* ---- device construction ---- */

static void plane_init(int i, int type, const uint32_t *formats, unsigned nformats)
{
	struct md_plane *p = &md.planes[i];
	bool atomic = !md.cfg.legacy_only;
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->nformats = nformats;
	memcpy(p->formats, formats, nformats * sizeof(uint32_t));
	p->id = md_obj_alloc(MD_OBJ_PLANE, p);
	p->props[p->nprops++] = P_TYPE;
	if (atomic) {
		static const enum md_prop_key ak[] = { P_FB_ID, P_IN_FENCE_FD, P_CRTC_ID, P_CRTC_X, P_CRTC_Y,
						       P_CRTC_W, P_CRTC_H, P_SRC_X, P_SRC_Y, P_SRC_W, P_SRC_H };
		for (size_t k = 0; k < sizeof(ak) / sizeof(ak[0]); k++)
			p->props[p->nprops++] = ak[k];
	}
	if (md.cfg.modifiers) {
		/* struct drm_format_modifier_blob + formats + one LINEAR modifier */
		size_t fo = sizeof(struct drm_format_modifier_blob);
		size_t mo = (fo + nformats * 4 + 7) & ~(size_t)7;
		size_t len = mo + sizeof(struct drm_format_modifier);
		uint8_t *b = calloc(1, len);
		struct drm_format_modifier_blob *h = (void *)b;
		struct drm_format_modifier mod = { 0 };
		h->version = FORMAT_BLOB_CURRENT;
		h->count_formats = nformats;
		h->formats_offset = (uint32_t)fo;
		h->count_modifiers = 1;
		h->modifiers_offset = (uint32_t)mo;
		memcpy(b + fo, formats, nformats * 4);
		mod.formats = nformats >= 64 ? ~0ull : ((1ull << nformats) - 1);
		mod.offset = 0;
		mod.modifier = DRM_FORMAT_MOD_LINEAR;
		memcpy(b + mo, &mod, sizeof(mod));
		p->in_formats = md_blob_create(NULL, b, len);
		free(b);
		p->props[p->nprops++] = P_IN_FORMATS;
	}
	if (atomic) {
		p->props[p->nprops++] = P_FB_DAMAGE_CLIPS;
		if (type == DRM_PLANE_TYPE_CURSOR) {
			p->props[p->nprops++] = P_HOTSPOT_X;
			p->props[p->nprops++] = P_HOTSPOT_Y;
		}
	}
}

static void device_build(void)
{
	static const uint32_t cursor_fmt[] = { DRM_FORMAT_ARGB8888 };
	bool atomic = !md.cfg.legacy_only;

	md.page_size = sysconf(_SC_PAGESIZE);
	if (md.page_size <= 0)
		md.page_size = 4096;
	create_props();
	plane_init(MD_PRIMARY, DRM_PLANE_TYPE_PRIMARY, md.cfg.formats, md.cfg.num_formats);
	plane_init(MD_CURSOR, DRM_PLANE_TYPE_CURSOR, cursor_fmt, 1);
	md.crtc_id = md_obj_alloc(MD_OBJ_CRTC, &md.cur.crtc);
	md.connector_id = md_obj_alloc(MD_OBJ_CONNECTOR, &md.modes);
	md.encoder_id = md_obj_alloc(MD_OBJ_ENCODER, &md.encoder_id);
	md.crtc_nprops = 0;
	md.conn_nprops = 0;
	if (atomic) {
		md.crtc_props[md.crtc_nprops++] = P_ACTIVE;
		md.crtc_props[md.crtc_nprops++] = P_MODE_ID;
		md.crtc_props[md.crtc_nprops++] = P_OUT_FENCE_PTR;
		md.crtc_props[md.crtc_nprops++] = P_VRR_ENABLED;
	}
	md.conn_props[md.conn_nprops++] = P_EDID;
	md.conn_props[md.conn_nprops++] = P_DPMS;
	md.conn_props[md.conn_nprops++] = P_LINK_STATUS;
	md.conn_props[md.conn_nprops++] = P_NON_DESKTOP;
	md.conn_props[md.conn_nprops++] = P_TILE;
	if (atomic)
		md.conn_props[md.conn_nprops++] = P_CRTC_ID;

	md.connected = md.cfg.connected;
	md.nmodes = 0;
	for (unsigned i = 0; i < md.cfg.num_modes; i++)
		md_make_mode(&md.modes[i], &md.cfg.modes[i], i == 0);
	if (md.connected)
		md.nmodes = md.cfg.num_modes;
	md.mm_w = md.cfg.mm_width;
	md.mm_h = md.cfg.mm_height;
	if ((!md.mm_w || !md.mm_h) && md.cfg.num_modes) {
		/* QEMU's generated EDID: 100 dpi */
		md.mm_w = md.cfg.modes[0].width * 254 / 1000;
		md.mm_h = md.cfg.modes[0].height * 254 / 1000;
	}
	for (int i = 0; i < MD_NPLANES; i++)
		md.cur.plane[i].in_fence = -1;
	md.pending.in_fence = -1;
	md.pending.out_fence_wfd = -1;
	md.vblank_t0 = md_now_ns();
	md.next_map_page = 0x10000;
	md.next_magic = 0x1000;
}

static void device_teardown(void)
{
	md_pending_clear(&md.pending);
	md_state_clear(&md.cur);
	md_display_set(&md.disp, NULL);
	for (struct md_file *f = md.files; f; f = f->next) {
		if (!f->released)
			md_file_release_locked(f);
		f->dead = true;
	}
	for (int i = 0; i < MD_NPLANES; i++) {
		if (md.planes[i].in_formats)
			md_blob_unref(md.planes[i].in_formats);
		md.planes[i].in_formats = NULL;
	}
	md_buffers_reset_locked();
	md_screen_reset_locked();
	free(md.objs);
	md.objs = NULL;
	md.nobjs = 0;
	free(md.log);
	md.log = NULL;
	md.nlog = 0;
	md.master = NULL;
	md.revoked_from = NULL;
	md.external_master = false;
	md.unplugged = false;
	memset(&md.faults, 0, sizeof(md.faults));
	memset(&md.st, 0, sizeof(md.st));
	md.next_serial = md.done_serial = 0;
	md.cursor_handle = 0;
	md_ioctl_reset_locked();
}

static void apply_config(const struct mock_drm_config *cfg)
{
	md.cfg = *cfg;
	if (!md.cfg.num_modes) {
		md.cfg.num_modes = 1;
		md.cfg.modes[0] = (struct mock_drm_mode){ 1024, 768, 60 };
	}
	if (!md.cfg.num_formats) {
		md.cfg.num_formats = 1;
		md.cfg.formats[0] = DRM_FORMAT_XRGB8888;
	}
	if (!md.cfg.dump_every)
		md.cfg.dump_every = 1;
	md.external_master = md.cfg.no_master;
}

void md_ensure_init_locked(void)
{
	struct mock_drm_config cfg;
	const char *faults;
	if (md.initialized)
		return;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&md.cond, &ca);
	pthread_cond_init(&md.thread_cond, &ca);
	pthread_condattr_destroy(&ca);
	mock_drm_config_default(&cfg);
	if (mock_drm_config_from_env(&cfg) < 0)
		fprintf(stderr, "mock-drm: ignoring a malformed VW_MOCK_DRM_* variable\n");
	apply_config(&cfg);
	device_build();
	md.initialized = true;
	faults = getenv("VW_MOCK_DRM_FAULTS");
	if (faults && *faults && md_faults_parse_apply_locked(faults) < 0)
		fprintf(stderr, "mock-drm: malformed VW_MOCK_DRM_FAULTS='%s'\n", faults);
	md_log("device ready: %s virtio_gpu, %u modes, %s", md.cfg.path, md.nmodes,
	       md.cfg.legacy_only ? "legacy" : "atomic");
}

int mock_drm_reset(const struct mock_drm_config *cfg)
{
	struct mock_drm_config c;
	md_lock();
	md_ensure_init_locked();
	if (cfg) {
		c = *cfg;
	} else {
		mock_drm_config_default(&c);
		mock_drm_config_from_env(&c);
	}
	device_teardown();
	apply_config(&c);
	device_build();
	if (!cfg) {
		const char *faults = getenv("VW_MOCK_DRM_FAULTS");
		if (faults && *faults)
			md_faults_parse_apply_locked(faults);
	}
	pthread_cond_broadcast(&md.cond);
	pthread_cond_broadcast(&md.thread_cond);
	md_unlock();
	return 0;
}

void mock_drm_get_config(struct mock_drm_config *cfg)
{
	md_lock();
	md_ensure_init_locked();
	*cfg = md.cfg;
	md_unlock();
}

/* ---- master, hotplug, unplug ---- */

void md_revoke_master_locked(void)
{
	if (md.master) {
		md_log("master revoked from file %u", md.master->serial);
		md.revoked_from = md.master;
		md.master = NULL;
	}
	md.external_master = true;
}

void mock_drm_revoke_master(void)
{
	md_lock();
	md_ensure_init_locked();
	md_revoke_master_locked();
	md_unlock();
}

void mock_drm_restore_master(void)
{
	md_lock();
	md_ensure_init_locked();
	md.external_master = false;
	if (md.revoked_from && !md.master) {
		for (struct md_file *f = md.files; f; f = f->next)
			if (f == md.revoked_from && !f->released && !f->dead) {
				md.master = f;
				md_log("master given back to file %u", f->serial);
			}
	}
	md.revoked_from = NULL;
	md_unlock();
}

/* The kernel: drm_dev_unplug() makes every ioctl and new mmap fail with
 * ENODEV; the node disappears (open -> ENOENT); open fds can still be
 * read, polled and closed. virtio-gpu's remove path shuts the outputs down. */
void md_unplug_locked(void)
{
	if (md.unplugged)
		return;
	md_log("device unplugged");
	md_shutdown_locked();
	md.connected = false;
	md.nmodes = 0;
	md.unplugged = true;
	md.st.hotplugs++;
	pthread_cond_broadcast(&md.cond);
}

void mock_drm_unplug(void)
{
	md_lock();
	md_ensure_init_locked();
	md_unplug_locked();
	md_unlock();
}

void mock_drm_set_connected(bool connected)
{
	md_lock();
	md_ensure_init_locked();
	md_set_connected_locked(connected);
	md_unlock();
}

int mock_drm_set_modes(const struct mock_drm_mode *modes, unsigned count)
{
	if (count > MOCK_DRM_MAX_MODES)
		return -EINVAL;
	for (unsigned i = 0; i < count; i++)
		if (!modes[i].width || !modes[i].height || modes[i].width > MD_MAX_FB ||
		    modes[i].height > MD_MAX_FB)
			return -EINVAL;
	md_lock();
	md_ensure_init_locked();
	md_set_modes_locked(modes, count);
	md_unlock();
	return 0;
}

/* ---- stats ---- */

void mock_drm_get_stats(struct mock_drm_stats *out)
{
	md_lock();
	md_ensure_init_locked();
	md_live_stats_locked(out);
	md_unlock();
}

bool mock_drm_is_mock_fd(int fd)
{
	bool r;
	md_lock();
	r = md_fd_lookup(fd) != NULL;
	md_unlock();
	return r;
}

unsigned mock_drm_file_serial(int fd)
{
	md_lock();
	struct md_file *f = md_fd_lookup(fd);
	unsigned serial = f ? f->serial : 0;
	md_unlock();
	return serial;
}

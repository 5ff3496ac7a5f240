/* Drives the mock DRM device through the real libdrm API. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "mock_drm.h"

#define CARD "/dev/dri/card0"

/* ---- helpers ---- */

static struct mock_drm_config base_cfg(void)
{
	struct mock_drm_config c;
	mock_drm_config_default(&c);
	c.log = getenv("VW_MOCK_DRM_LOG") != NULL; /* debugging aid only */
	return c;
}

static int setup_cfg(const struct mock_drm_config *c)
{
	return mock_drm_reset(c);
}

static int setup(void **state)
{
	struct mock_drm_config c = base_cfg();
	(void)state;
	return setup_cfg(&c);
}

static void assert_no_leaks(void)
{
	struct mock_drm_stats s;
	mock_drm_get_stats(&s);
	assert_int_equal(s.files, 0);
	assert_int_equal(s.handles, 0);
	assert_int_equal(s.fbs, 0);
	assert_int_equal(s.user_blobs, 0);
	assert_int_equal(s.mappings, 0);
	assert_int_equal(s.dumb_buffers, 0);
	assert_int_equal(s.buffers, 0);
	assert_int_equal(s.prime_fds, 0);
}

static int teardown(void **state)
{
	(void)state;
	mock_drm_wait_flips(0, 0);
	assert_no_leaks();
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int open_card(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *p = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;
	if (!p)
		return 0;
	for (uint32_t i = 0; i < p->count_props && !id; i++) {
		drmModePropertyRes *pr = drmModeGetProperty(fd, p->props[i]);
		if (pr && strcmp(pr->name, name) == 0)
			id = pr->prop_id;
		drmModeFreeProperty(pr);
	}
	drmModeFreeObjectProperties(p);
	return id;
}

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *p = drmModeObjectGetProperties(fd, obj, type);
	uint64_t v = UINT64_MAX;
	for (uint32_t i = 0; p && i < p->count_props; i++) {
		drmModePropertyRes *pr = drmModeGetProperty(fd, p->props[i]);
		if (pr && strcmp(pr->name, name) == 0)
			v = p->prop_values[i];
		drmModeFreeProperty(pr);
	}
	drmModeFreeObjectProperties(p);
	return v;
}

struct kms {
	int fd;
	uint32_t crtc, conn, enc, primary, cursor;
	drmModeModeInfo mode; /* preferred */
	uint32_t mode_blob;
};

static void kms_init(struct kms *k, bool atomic)
{
	drmModeRes *res;
	drmModeConnector *c;
	drmModePlaneRes *pr;
	memset(k, 0, sizeof(*k));
	k->fd = open_card();
	assert_int_equal(drmSetClientCap(k->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1), 0);
	if (atomic)
		assert_int_equal(drmSetClientCap(k->fd, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	res = drmModeGetResources(k->fd);
	assert_non_null(res);
	k->crtc = res->crtcs[0];
	k->conn = res->connectors[0];
	k->enc = res->encoders[0];
	drmModeFreeResources(res);
	c = drmModeGetConnector(k->fd, k->conn);
	assert_non_null(c);
	assert_true(c->count_modes > 0);
	k->mode = c->modes[0];
	drmModeFreeConnector(c);
	pr = drmModeGetPlaneResources(k->fd);
	assert_non_null(pr);
	for (uint32_t i = 0; i < pr->count_planes; i++) {
		uint64_t t = prop_value(k->fd, pr->planes[i], DRM_MODE_OBJECT_PLANE, "type");
		if (t == DRM_PLANE_TYPE_PRIMARY)
			k->primary = pr->planes[i];
		if (t == DRM_PLANE_TYPE_CURSOR)
			k->cursor = pr->planes[i];
	}
	drmModeFreePlaneResources(pr);
	assert_true(k->primary != 0);
}

static void kms_fini(struct kms *k)
{
	if (k->mode_blob)
		drmModeDestroyPropertyBlob(k->fd, k->mode_blob);
	close(k->fd);
}

struct dumb {
	uint32_t handle, fb, pitch, w, h, format;
	uint64_t size;
	uint8_t *map;
};

static int dumb_create(int fd, uint32_t w, uint32_t h, uint32_t format, struct dumb *d)
{
	uint64_t off;
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	int ret;
	memset(d, 0, sizeof(*d));
	d->w = w;
	d->h = h;
	d->format = format;
	ret = drmModeCreateDumbBuffer(fd, w, h, 32, 0, &d->handle, &d->pitch, &d->size);
	if (ret)
		return ret;
	assert_int_equal(drmModeMapDumbBuffer(fd, d->handle, &off), 0);
	d->map = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	assert_true(d->map != MAP_FAILED);
	handles[0] = d->handle;
	pitches[0] = d->pitch;
	ret = drmModeAddFB2(fd, w, h, format, handles, pitches, offsets, &d->fb, 0);
	return ret;
}

static void dumb_fill(struct dumb *d, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t xrgb)
{
	for (uint32_t r = y; r < y + h; r++)
		for (uint32_t c = x; c < x + w; c++)
			memcpy(d->map + (size_t)r * d->pitch + c * 4, &xrgb, 4);
}

static void dumb_destroy(int fd, struct dumb *d)
{
	if (d->fb)
		drmModeRmFB(fd, d->fb);
	if (d->map)
		munmap(d->map, d->size);
	if (d->handle)
		drmModeDestroyDumbBuffer(fd, d->handle);
	memset(d, 0, sizeof(*d));
}

static uint32_t pixel(uint32_t x, uint32_t y)
{
	uint32_t rgb = 0xdeadbeef;
	if (!mock_drm_screen_pixel(x, y, &rgb))
		return 0xffffffff;
	return rgb;
}

static void add_plane(drmModeAtomicReq *r, struct kms *k, uint32_t plane, uint32_t fb, uint32_t w, uint32_t h)
{
	int fd = k->fd;
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "FB_ID"), fb);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID"), fb ? k->crtc : 0);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_X"), 0);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_Y"), 0);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_W"), (uint64_t)w << 16);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_H"), (uint64_t)h << 16);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_X"), 0);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y"), 0);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_W"), w);
	drmModeAtomicAddProperty(r, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_H"), h);
}

/* Full modeset: returns -errno like drmModeAtomicCommit. */
static int atomic_modeset(struct kms *k, uint32_t fb, uint32_t flags, void *ud)
{
	drmModeAtomicReq *r = drmModeAtomicAlloc();
	int ret;
	if (!k->mode_blob)
		assert_int_equal(drmModeCreatePropertyBlob(k->fd, &k->mode, sizeof(k->mode), &k->mode_blob), 0);
	drmModeAtomicAddProperty(r, k->crtc, prop_id(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 1);
	drmModeAtomicAddProperty(r, k->crtc, prop_id(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"), k->mode_blob);
	drmModeAtomicAddProperty(r, k->conn, prop_id(k->fd, k->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"), k->crtc);
	add_plane(r, k, k->primary, fb, k->mode.hdisplay, k->mode.vdisplay);
	ret = drmModeAtomicCommit(k->fd, r, flags, ud);
	drmModeAtomicFree(r);
	return ret;
}

static int atomic_flip(struct kms *k, uint32_t fb, uint32_t flags, void *ud)
{
	drmModeAtomicReq *r = drmModeAtomicAlloc();
	int ret;
	drmModeAtomicAddProperty(r, k->primary, prop_id(k->fd, k->primary, DRM_MODE_OBJECT_PLANE, "FB_ID"), fb);
	ret = drmModeAtomicCommit(k->fd, r, flags, ud);
	drmModeAtomicFree(r);
	return ret;
}

static int atomic_off(struct kms *k)
{
	drmModeAtomicReq *r = drmModeAtomicAlloc();
	int ret;
	drmModeAtomicAddProperty(r, k->crtc, prop_id(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 0);
	drmModeAtomicAddProperty(r, k->crtc, prop_id(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"), 0);
	drmModeAtomicAddProperty(r, k->conn, prop_id(k->fd, k->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"), 0);
	drmModeAtomicAddProperty(r, k->primary, prop_id(k->fd, k->primary, DRM_MODE_OBJECT_PLANE, "FB_ID"), 0);
	drmModeAtomicAddProperty(r, k->primary, prop_id(k->fd, k->primary, DRM_MODE_OBJECT_PLANE, "CRTC_ID"), 0);
	ret = drmModeAtomicCommit(k->fd, r, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(r);
	return ret;
}

struct ev_state {
	int count;
	uint64_t user_data;
	unsigned crtc, seq;
	uint64_t t_us;
};

static void on_flip2(int fd, unsigned seq, unsigned sec, unsigned usec, unsigned crtc, void *ud)
{
	struct ev_state *e = ud;
	(void)fd;
	e->count++;
	e->crtc = crtc;
	e->seq = seq;
	e->t_us = (uint64_t)sec * 1000000 + usec;
	e->user_data = (uintptr_t)ud;
}

/* Wait for one event with poll(); returns events handled (0 on timeout). */
static int wait_event(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	drmEventContext ctx = { .version = 3, .page_flip_handler2 = on_flip2 };
	if (poll(&p, 1, timeout_ms) != 1)
		return 0;
	assert_int_equal(drmHandleEvent(fd, &ctx), 0);
	return 1;
}

static void last_commit(struct mock_drm_commit *c)
{
	uint64_t n = mock_drm_commit_count();
	assert_true(n > 0);
	assert_true(mock_drm_commit_get(n - 1, c));
}

/* ---- tests ---- */

static void test_probe(void **state)
{
	int fd = open_card(), fd2;
	drmVersionPtr v;
	uint64_t cap;
	drmModeRes *res;
	drmModeConnector *c;
	drmModeEncoder *e;
	drmModePlaneRes *pr;
	drmModePlane *pl;
	(void)state;

	v = drmGetVersion(fd);
	assert_non_null(v);
	assert_string_equal(v->name, "virtio_gpu");
	drmFreeVersion(v);
	assert_true(drmIsKMS(fd));
	assert_true(drmIsMaster(fd));
	fd2 = open_card();
	assert_false(drmIsMaster(fd2));
	assert_int_equal(drmSetMaster(fd2), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(drmDropMaster(fd), 0);
	assert_false(drmIsMaster(fd));
	assert_int_equal(drmSetMaster(fd2), 0);
	assert_true(drmIsMaster(fd2));
	assert_int_equal(drmDropMaster(fd2), 0);
	assert_int_equal(drmSetMaster(fd), 0);
	close(fd2);

	assert_int_equal(drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &cap), 0);
	assert_int_equal(cap, 1);
	assert_int_equal(drmGetCap(fd, DRM_CAP_DUMB_PREFERRED_DEPTH, &cap), 0);
	assert_int_equal(cap, 24);
	assert_int_equal(drmGetCap(fd, DRM_CAP_PRIME, &cap), 0);
	assert_int_equal(cap, DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT);
	assert_int_equal(drmGetCap(fd, DRM_CAP_TIMESTAMP_MONOTONIC, &cap), 0);
	assert_int_equal(cap, 1);
	assert_int_equal(drmGetCap(fd, DRM_CAP_ASYNC_PAGE_FLIP, &cap), 0);
	assert_int_equal(cap, 0);
	assert_int_equal(drmGetCap(fd, DRM_CAP_CURSOR_WIDTH, &cap), 0);
	assert_int_equal(cap, 64);
	assert_int_equal(drmGetCap(fd, DRM_CAP_ADDFB2_MODIFIERS, &cap), 0);
	assert_int_equal(cap, 1);
	assert_int_equal(drmGetCap(fd, DRM_CAP_CRTC_IN_VBLANK_EVENT, &cap), 0);
	assert_int_equal(cap, 1);
	assert_int_not_equal(drmGetCap(fd, 0x7777, &cap), 0);
	assert_int_not_equal(drmSetClientCap(fd, 0x7777, 1), 0);

	res = drmModeGetResources(fd);
	assert_non_null(res);
	assert_int_equal(res->count_crtcs, 1);
	assert_int_equal(res->count_connectors, 1);
	assert_int_equal(res->count_encoders, 1);
	assert_int_equal(res->count_fbs, 0);
	c = drmModeGetConnector(fd, res->connectors[0]);
	assert_non_null(c);
	assert_int_equal(c->connector_type, DRM_MODE_CONNECTOR_VIRTUAL);
	assert_int_equal(c->connector_type_id, 1);
	assert_int_equal(c->connection, DRM_MODE_CONNECTED);
	assert_int_equal(c->count_modes, 5);
	assert_int_equal(c->modes[0].hdisplay, 1280);
	assert_int_equal(c->modes[0].vdisplay, 800);
	assert_int_equal(c->modes[0].vrefresh, 60);
	assert_true(c->modes[0].type & DRM_MODE_TYPE_PREFERRED);
	assert_false(c->modes[1].type & DRM_MODE_TYPE_PREFERRED);
	assert_int_equal(c->mmWidth, 325);
	assert_int_equal(c->mmHeight, 203);
	assert_int_equal(c->count_encoders, 1);
	assert_int_equal(c->encoders[0], res->encoders[0]);
	/* non-atomic client: no atomic properties (CRTC_ID) on the connector */
	for (int i = 0; i < c->count_props; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, c->props[i]);
		assert_string_not_equal(p->name, "CRTC_ID");
		drmModeFreeProperty(p);
	}
	drmModeFreeConnector(c);
	e = drmModeGetEncoder(fd, res->encoders[0]);
	assert_non_null(e);
	assert_int_equal(e->encoder_type, DRM_MODE_ENCODER_VIRTUAL);
	assert_int_equal(e->possible_crtcs, 1);
	drmModeFreeEncoder(e);
	/* ids are unique across kinds */
	assert_int_not_equal(res->crtcs[0], res->connectors[0]);
	assert_int_not_equal(res->crtcs[0], res->encoders[0]);

	/* no overlay planes without universal planes */
	pr = drmModeGetPlaneResources(fd);
	assert_int_equal(pr->count_planes, 0);
	drmModeFreePlaneResources(pr);
	assert_int_equal(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1), 0);
	pr = drmModeGetPlaneResources(fd);
	assert_int_equal(pr->count_planes, 2);
	for (uint32_t i = 0; i < pr->count_planes; i++) {
		uint64_t t = prop_value(fd, pr->planes[i], DRM_MODE_OBJECT_PLANE, "type");
		pl = drmModeGetPlane(fd, pr->planes[i]);
		assert_non_null(pl);
		assert_int_equal(pl->count_formats, 1);
		assert_int_equal(pl->formats[0], t == DRM_PLANE_TYPE_PRIMARY ? DRM_FORMAT_XRGB8888 : DRM_FORMAT_ARGB8888);
		assert_int_not_equal(pl->plane_id, res->crtcs[0]);
		drmModeFreePlane(pl);
		if (t == DRM_PLANE_TYPE_PRIMARY) {
			uint64_t blob_id = prop_value(fd, pr->planes[i], DRM_MODE_OBJECT_PLANE, "IN_FORMATS");
			drmModePropertyBlobRes *b = drmModeGetPropertyBlob(fd, (uint32_t)blob_id);
			drmModeFormatModifierIterator it = { 0 };
			int n = 0;
			assert_non_null(b);
			while (drmModeFormatModifierBlobIterNext(b, &it)) {
				assert_int_equal(it.fmt, DRM_FORMAT_XRGB8888);
				assert_true(it.mod == DRM_FORMAT_MOD_LINEAR);
				n++;
			}
			assert_int_equal(n, 1);
			drmModeFreePropertyBlob(b);
			/* FB_ID is atomic-only */
			assert_int_equal(prop_id(fd, pr->planes[i], DRM_MODE_OBJECT_PLANE, "FB_ID"), 0);
		}
	}
	drmModeFreePlaneResources(pr);
	/* atomic clients: CRTC props appear, the cursor plane hides (virtualized driver) */
	assert_int_equal(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	assert_int_not_equal(prop_id(fd, res->crtcs[0], DRM_MODE_OBJECT_CRTC, "ACTIVE"), 0);
	assert_int_not_equal(prop_id(fd, res->crtcs[0], DRM_MODE_OBJECT_CRTC, "MODE_ID"), 0);
	assert_int_not_equal(prop_id(fd, res->connectors[0], DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"), 0);
	pr = drmModeGetPlaneResources(fd);
	assert_int_equal(pr->count_planes, 1);
	{
		uint32_t pl0 = pr->planes[0];
		const char *names[] = { "type", "FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X",
					"CRTC_Y", "CRTC_W", "CRTC_H", "IN_FORMATS", "FB_DAMAGE_CLIPS", "IN_FENCE_FD" };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			assert_int_not_equal(prop_id(fd, pl0, DRM_MODE_OBJECT_PLANE, names[i]), 0);
	}
	drmModeFreePlaneResources(pr);
	assert_int_equal(drmSetClientCap(fd, 6 /* CURSOR_PLANE_HOTSPOT */, 1), 0);
	pr = drmModeGetPlaneResources(fd);
	assert_int_equal(pr->count_planes, 2);
	drmModeFreePlaneResources(pr);
	drmModeFreeResources(res);
	/* unknown DRM ioctl: recorded */
	{
		struct mock_drm_stats s;
		assert_int_not_equal(drmIoctl(fd, DRM_IOCTL_GEM_FLINK, &(struct drm_gem_flink){ 0 }), 0);
		mock_drm_get_stats(&s);
		assert_int_equal(s.unknown_ioctls, 1);
	}
	/* fstat/stat look like a DRM node */
	{
		struct stat st;
		assert_int_equal(fstat(fd, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(stat(CARD, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	}
	close(fd);
}

static void test_atomic(void **state)
{
	struct kms k;
	struct dumb red, blue, argb;
	struct ev_state ev = { 0 };
	struct mock_drm_commit c;
	struct mock_drm_screen scr;
	uint32_t W, H;
	(void)state;

	kms_init(&k, true);
	W = k.mode.hdisplay;
	H = k.mode.vdisplay;
	assert_int_equal(dumb_create(k.fd, W, H, DRM_FORMAT_XRGB8888, &red), 0);
	assert_int_equal(dumb_create(k.fd, W, H, DRM_FORMAT_XRGB8888, &blue), 0);
	dumb_fill(&red, 0, 0, W, H, 0x00ff0000);
	dumb_fill(&blue, 0, 0, W, H, 0x000000ff);

	/* a mode set needs ALLOW_MODESET */
	assert_int_equal(atomic_modeset(&k, red.fb, 0, NULL), -EINVAL);
	assert_int_equal(atomic_modeset(&k, red.fb, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	assert_false(mock_drm_screen_pixel(0, 0, &(uint32_t){ 0 })); /* test only: still off */
	/* event on a CRTC that is off and stays off */
	assert_int_equal(atomic_flip(&k, 0, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), -EINVAL);
	/* blocking modeset with an event: the event is there when it returns */
	assert_int_equal(atomic_modeset(&k, red.fb, DRM_MODE_ATOMIC_ALLOW_MODESET | DRM_MODE_PAGE_FLIP_EVENT, &ev), 0);
	assert_int_equal(wait_event(k.fd, 0), 1);
	assert_int_equal(ev.count, 1);
	assert_int_equal(ev.crtc, k.crtc);
	assert_int_equal(pixel(0, 0), 0xff0000);
	assert_int_equal(pixel(W - 1, H - 1), 0xff0000);
	assert_int_equal(mock_drm_screen_read(&scr), 0);
	assert_true(scr.on);
	assert_int_equal(scr.width, W);
	assert_int_equal(scr.height, H);
	assert_int_equal(scr.fb_id, red.fb);
	mock_drm_screen_release(&scr);
	last_commit(&c);
	assert_int_equal(c.kind, MOCK_DRM_COMMIT_ATOMIC);
	assert_int_equal(c.result, 0);
	assert_int_equal(c.fb_id, red.fb);
	assert_true(c.mode_valid);
	assert_int_equal(c.mode.width, W);
	assert_int_equal(c.src_w, W << 16);
	assert_int_equal(prop_value(k.fd, k.crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"), k.mode_blob);
	{
		drmModeCrtc *cr = drmModeGetCrtc(k.fd, k.crtc);
		assert_int_equal(cr->buffer_id, red.fb);
		assert_true(cr->mode_valid);
		assert_int_equal(cr->mode.hdisplay, W);
		drmModeFreeCrtc(cr);
	}

	/* nonblocking flip + event through poll + drmHandleEvent */
	ev.count = 0;
	assert_int_equal(atomic_flip(&k, blue.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), 0);
	assert_int_equal(atomic_flip(&k, red.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), -EBUSY);
	assert_int_equal(wait_event(k.fd, 1000), 1);
	assert_int_equal(ev.count, 1);
	assert_true(ev.user_data == (uintptr_t)&ev);
	assert_int_equal(pixel(10, 10), 0x0000ff);
	/* event timestamps are CLOCK_MONOTONIC */
	{
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t now_us = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
		assert_true(ev.t_us <= now_us && now_us - ev.t_us < 1000000);
	}

	/* checks: async, test+event, format, coverage, scaling, source */
	assert_int_equal(atomic_flip(&k, red.fb, DRM_MODE_PAGE_FLIP_ASYNC | DRM_MODE_ATOMIC_NONBLOCK, NULL), -EINVAL);
	assert_int_equal(atomic_flip(&k, red.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_TEST_ONLY, NULL), -EINVAL);
	assert_int_equal(dumb_create(k.fd, W, H, DRM_FORMAT_ARGB8888, &argb), 0); /* the cursor plane takes it */
	assert_int_equal(atomic_flip(&k, argb.fb, DRM_MODE_ATOMIC_TEST_ONLY, NULL), -EINVAL);
	dumb_destroy(k.fd, &argb);
	{
		drmModeAtomicReq *r = drmModeAtomicAlloc();
		add_plane(r, &k, k.primary, red.fb, W / 2, H / 2);
		assert_int_equal(drmModeAtomicCommit(k.fd, r, DRM_MODE_ATOMIC_TEST_ONLY, NULL), -EINVAL);
		drmModeAtomicFree(r);
		r = drmModeAtomicAlloc();
		add_plane(r, &k, k.primary, red.fb, W, H);
		drmModeAtomicAddProperty(r, k.primary, prop_id(k.fd, k.primary, DRM_MODE_OBJECT_PLANE, "SRC_W"),
					 (uint64_t)(W / 2) << 16);
		assert_int_equal(drmModeAtomicCommit(k.fd, r, DRM_MODE_ATOMIC_TEST_ONLY, NULL), -ERANGE);
		drmModeAtomicFree(r);
		r = drmModeAtomicAlloc();
		add_plane(r, &k, k.primary, red.fb, W, H);
		drmModeAtomicAddProperty(r, k.primary, prop_id(k.fd, k.primary, DRM_MODE_OBJECT_PLANE, "SRC_X"), 8 << 16);
		assert_int_equal(drmModeAtomicCommit(k.fd, r, DRM_MODE_ATOMIC_TEST_ONLY, NULL), -ENOSPC);
		drmModeAtomicFree(r);
		/* unknown object / property */
		r = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(r, 9999, 1, 0);
		assert_int_equal(drmModeAtomicCommit(k.fd, r, DRM_MODE_ATOMIC_TEST_ONLY, NULL), -ENOENT);
		drmModeAtomicFree(r);
		/* immutable property */
		r = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(r, k.primary, prop_id(k.fd, k.primary, DRM_MODE_OBJECT_PLANE, "type"), 1);
		assert_int_equal(drmModeAtomicCommit(k.fd, r, DRM_MODE_ATOMIC_TEST_ONLY, NULL), -EINVAL);
		drmModeAtomicFree(r);
	}

	/* damage clips: only the damaged rectangle reaches the screen */
	dumb_fill(&blue, 0, 0, W, H, 0x0000ff00);
	assert_int_equal(pixel(10, 10), 0x0000ff); /* not flipped: host copy unchanged */
	{
		struct drm_mode_rect rect = { 0, 0, 16, 16 };
		uint32_t dmg;
		drmModeAtomicReq *r = drmModeAtomicAlloc();
		assert_int_equal(drmModeCreatePropertyBlob(k.fd, &rect, sizeof(rect), &dmg), 0);
		drmModeAtomicAddProperty(r, k.primary, prop_id(k.fd, k.primary, DRM_MODE_OBJECT_PLANE, "FB_ID"), blue.fb);
		drmModeAtomicAddProperty(r, k.primary, prop_id(k.fd, k.primary, DRM_MODE_OBJECT_PLANE, "FB_DAMAGE_CLIPS"), dmg);
		assert_int_equal(drmModeAtomicCommit(k.fd, r, 0, NULL), 0);
		drmModeAtomicFree(r);
		assert_int_equal(pixel(10, 10), 0x00ff00);
		assert_int_equal(pixel(100, 100), 0x0000ff);
		last_commit(&c);
		assert_int_equal(c.num_clips, 1);
		assert_int_equal(c.clips[0].w, 16);
		assert_int_equal(drmModeDestroyPropertyBlob(k.fd, dmg), 0);
	}

	/* non-master: EACCES even for TEST_ONLY (DRM_MASTER ioctl) */
	{
		int fd2 = open_card();
		drmModeAtomicReq *r = drmModeAtomicAlloc();
		assert_int_equal(drmSetClientCap(fd2, DRM_CLIENT_CAP_ATOMIC, 1), 0);
		drmModeAtomicAddProperty(r, k.primary, prop_id(k.fd, k.primary, DRM_MODE_OBJECT_PLANE, "FB_ID"), red.fb);
		assert_int_equal(drmModeAtomicCommit(fd2, r, DRM_MODE_ATOMIC_TEST_ONLY, NULL), -EACCES);
		drmModeAtomicFree(r);
		close(fd2);
	}

	assert_int_equal(atomic_off(&k), 0);
	assert_false(mock_drm_screen_pixel(0, 0, &(uint32_t){ 0 }));
	dumb_destroy(k.fd, &red);
	dumb_destroy(k.fd, &blue);
	kms_fini(&k);
}

static void test_legacy(void **state)
{
	struct kms k;
	struct dumb a, b;
	struct ev_state ev = { 0 };
	struct mock_drm_commit c;
	uint32_t W, H;
	(void)state;

	kms_init(&k, false);
	W = k.mode.hdisplay;
	H = k.mode.vdisplay;
	assert_int_equal(dumb_create(k.fd, W, H, DRM_FORMAT_XRGB8888, &a), 0);
	assert_int_equal(dumb_create(k.fd, W, H, DRM_FORMAT_XRGB8888, &b), 0);
	dumb_fill(&a, 0, 0, W, H, 0x00112233);
	dumb_fill(&b, 0, 0, W, H, 0x00445566);

	/* a page flip on a CRTC without fb: EBUSY */
	assert_int_equal(drmModePageFlip(k.fd, k.crtc, a.fb, DRM_MODE_PAGE_FLIP_EVENT, &ev), -EBUSY);
	assert_int_equal(drmModeSetCrtc(k.fd, k.crtc, a.fb, 0, 0, &k.conn, 1, &k.mode), 0);
	assert_int_equal(pixel(5, 5), 0x112233);
	last_commit(&c);
	assert_int_equal(c.kind, MOCK_DRM_COMMIT_SETCRTC);
	assert_int_equal(c.fb_id, a.fb);
	/* SetCrtc with a viewport outside the fb */
	assert_int_equal(drmModeSetCrtc(k.fd, k.crtc, a.fb, 8, 0, &k.conn, 1, &k.mode), -ENOSPC);

	assert_int_equal(drmModePageFlip(k.fd, k.crtc, b.fb, DRM_MODE_PAGE_FLIP_EVENT, &ev), 0);
	assert_int_equal(drmModePageFlip(k.fd, k.crtc, a.fb, DRM_MODE_PAGE_FLIP_EVENT, &ev), -EBUSY);
	assert_int_equal(wait_event(k.fd, 1000), 1);
	assert_int_equal(ev.count, 1);
	assert_int_equal(ev.seq, 0); /* virtio-gpu has no vblank counter */
	assert_int_equal(pixel(5, 5), 0x445566);
	assert_int_equal(drmModePageFlip(k.fd, k.crtc, a.fb, DRM_MODE_PAGE_FLIP_ASYNC, NULL), -EINVAL);

	/* DirtyFB: writes to the shown buffer appear only after DirtyFB */
	dumb_fill(&b, 0, 0, W, H, 0x00abcdef);
	assert_int_equal(pixel(5, 5), 0x445566);
	{
		drmModeClip clip = { 0, 0, 8, 8 };
		assert_int_equal(drmModeDirtyFB(k.fd, b.fb, &clip, 1), 0);
		assert_int_equal(pixel(5, 5), 0xabcdef);
		assert_int_equal(pixel(20, 20), 0x445566);
		assert_int_equal(drmModeDirtyFB(k.fd, b.fb, NULL, 0), 0);
		assert_int_equal(pixel(20, 20), 0xabcdef);
		last_commit(&c);
		assert_int_equal(c.kind, MOCK_DRM_COMMIT_DIRTYFB);
	}
	/* DPMS off through the legacy property */
	assert_int_equal(drmModeConnectorSetProperty(k.fd, k.conn, prop_id(k.fd, k.conn, DRM_MODE_OBJECT_CONNECTOR, "DPMS"),
						     DRM_MODE_DPMS_OFF), 0);
	assert_false(mock_drm_screen_pixel(0, 0, &(uint32_t){ 0 }));
	{
		struct mock_drm_stats st;
		mock_drm_get_stats(&st);
		assert_int_equal(st.dpms_sets, 1);
		assert_int_equal(st.dpms, DRM_MODE_DPMS_OFF);
	}
	assert_int_equal(drmModeConnectorSetProperty(k.fd, k.conn, prop_id(k.fd, k.conn, DRM_MODE_OBJECT_CONNECTOR, "DPMS"),
						     DRM_MODE_DPMS_ON), 0);
	assert_int_equal(pixel(20, 20), 0xabcdef);

	/* RMFB of the fb on screen turns the CRTC off (as the kernel does) */
	assert_int_equal(drmModeRmFB(k.fd, b.fb), 0);
	b.fb = 0;
	{
		drmModeCrtc *cr = drmModeGetCrtc(k.fd, k.crtc);
		assert_int_equal(cr->buffer_id, 0);
		assert_false(cr->mode_valid);
		drmModeFreeCrtc(cr);
	}
	last_commit(&c);
	assert_int_equal(c.kind, MOCK_DRM_COMMIT_RMFB);
	dumb_destroy(k.fd, &a);
	dumb_destroy(k.fd, &b);
	kms_fini(&k);
}

static void test_legacy_only_device(void **state)
{
	struct mock_drm_config cfg = base_cfg();
	struct kms k;
	struct dumb a;
	(void)state;
	cfg.legacy_only = true;
	assert_int_equal(mock_drm_reset(&cfg), 0);
	kms_init(&k, false);
	assert_int_equal(drmSetClientCap(k.fd, DRM_CLIENT_CAP_ATOMIC, 1), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(prop_id(k.fd, k.crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 0);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	assert_int_equal(drmModeSetCrtc(k.fd, k.crtc, a.fb, 0, 0, &k.conn, 1, &k.mode), 0);
	assert_int_equal(drmModeSetCrtc(k.fd, k.crtc, 0, 0, 0, NULL, 0, NULL), 0);
	dumb_destroy(k.fd, &a);
	kms_fini(&k);
}

static void test_formats_and_modes_config(void **state)
{
	struct mock_drm_config cfg = base_cfg();
	struct kms k;
	struct dumb a;
	(void)state;
	assert_int_equal(mock_drm_parse_modes("1920x1080@60,1024x768", cfg.modes, MOCK_DRM_MAX_MODES, &cfg.num_modes), 0);
	cfg.num_formats = 2;
	cfg.formats[0] = DRM_FORMAT_XRGB8888;
	cfg.formats[1] = DRM_FORMAT_XBGR8888;
	cfg.mm_width = 500;
	cfg.mm_height = 300;
	assert_int_equal(mock_drm_reset(&cfg), 0);
	kms_init(&k, true);
	assert_int_equal(k.mode.hdisplay, 1920);
	{
		drmModeConnector *c = drmModeGetConnector(k.fd, k.conn);
		assert_int_equal(c->count_modes, 2);
		assert_int_equal(c->mmWidth, 500);
		drmModeFreeConnector(c);
		drmModePlane *p = drmModeGetPlane(k.fd, k.primary);
		assert_int_equal(p->count_formats, 2);
		drmModeFreePlane(p);
	}
	/* XBGR8888: red lives in the low byte */
	assert_int_equal(dumb_create(k.fd, 1920, 1080, DRM_FORMAT_XBGR8888, &a), 0);
	dumb_fill(&a, 0, 0, 1920, 1080, 0x000000ff);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	assert_int_equal(pixel(0, 0), 0xff0000);
	assert_int_equal(atomic_off(&k), 0);
	dumb_destroy(k.fd, &a);
	kms_fini(&k);
}

static void test_buffers_prime(void **state)
{
	int fd = open_card(), fd2 = open_card();
	uint32_t h, pitch, h2, h3, fb;
	uint64_t size, off;
	long ps = sysconf(_SC_PAGESIZE);
	uint8_t *m1, *m2, *m3;
	int pfd;
	(void)state;

	assert_int_equal(drmModeCreateDumbBuffer(fd, 100, 50, 32, 0, &h, &pitch, &size), 0);
	assert_int_equal(pitch, 400);
	assert_int_equal(size % (uint64_t)ps, 0);
	assert_true(size >= 400 * 50);
	assert_int_not_equal(drmModeCreateDumbBuffer(fd, 100, 50, 16, 0, &h2, &pitch, &size), 0); /* virtio: 32 bpp only */
	assert_int_equal(drmModeMapDumbBuffer(fd, h, &off), 0);
	assert_int_equal(off % (uint64_t)ps, 0);
	m1 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	m2 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	assert_true(m1 != MAP_FAILED && m2 != MAP_FAILED);
	m1[123] = 0x5a;
	assert_int_equal(m2[123], 0x5a);
	assert_true(mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, (off_t)off) == MAP_FAILED);
	assert_true(mmap(NULL, size, PROT_READ, MAP_SHARED, fd, (off_t)(off + (uint64_t)ps * 4096)) == MAP_FAILED);
	/* another file has no handle: EACCES */
	assert_true(mmap(NULL, size, PROT_READ, MAP_SHARED, fd2, (off_t)off) == MAP_FAILED);
	assert_int_equal(errno, EACCES);

	/* PRIME export: a new fd on the same memory */
	assert_int_equal(drmPrimeHandleToFD(fd, h, DRM_CLOEXEC | DRM_RDWR, &pfd), 0);
	m3 = mmap(NULL, size, PROT_READ, MAP_SHARED, pfd, 0);
	assert_true(m3 != MAP_FAILED);
	assert_int_equal(m3[123], 0x5a);
	munmap(m3, size);
	assert_int_equal(drmPrimeFDToHandle(fd, pfd, &h2), 0);
	assert_int_equal(h2, h); /* same object, same handle */
	assert_int_equal(drmPrimeFDToHandle(fd2, pfd, &h3), 0);
	close(pfd);
	{
		uint32_t handles[4] = { h3 }, pitches[4] = { 400 }, offs[4] = { 0 };
		assert_int_equal(drmModeAddFB2(fd2, 100, 50, DRM_FORMAT_XRGB8888, handles, pitches, offs, &fb, 0), 0);
		assert_int_equal(drmModeRmFB(fd2, fb), 0);
		/* fb checks: pitch too small, buffer too small, unknown format */
		pitches[0] = 100;
		assert_int_equal(drmModeAddFB2(fd2, 100, 50, DRM_FORMAT_XRGB8888, handles, pitches, offs, &fb, 0), -EINVAL);
		pitches[0] = 400;
		assert_int_equal(drmModeAddFB2(fd2, 100, 5000, DRM_FORMAT_XRGB8888, handles, pitches, offs, &fb, 0), -EINVAL);
		assert_int_equal(drmModeAddFB2(fd2, 100, 50, DRM_FORMAT_NV12, handles, pitches, offs, &fb, 0), -EINVAL);
		/* legacy AddFB: 24/32 -> XRGB8888 */
		assert_int_equal(drmModeAddFB(fd2, 100, 50, 24, 32, 400, h3, &fb), 0);
		assert_int_equal(drmModeRmFB(fd2, fb), 0);
		/* RmFB of another file's fb */
		assert_int_equal(drmModeAddFB(fd2, 100, 50, 24, 32, 400, h3, &fb), 0);
		assert_int_equal(drmModeRmFB(fd, fb), -ENOENT);
		assert_int_equal(drmModeRmFB(fd2, fb), 0);
	}
	assert_int_equal(drmCloseBufferHandle(fd2, h3), 0);
	assert_int_not_equal(drmCloseBufferHandle(fd2, h3), 0);

	/* foreign fd (a memfd, as a Vulkan opaque fd): import + scanout readback */
	{
		struct kms k;
		int mfd = memfd_create("foreign", MFD_CLOEXEC);
		uint32_t fh, ffb;
		size_t fsz = (size_t)1280 * 800 * 4;
		uint32_t *px;
		uint64_t o2;
		assert_true(mfd >= 0);
		assert_int_equal(ftruncate(mfd, (off_t)fsz), 0);
		px = mmap(NULL, fsz, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		for (size_t i = 0; i < fsz / 4; i++)
			px[i] = 0x00c0ffee;
		memset(&k, 0, sizeof(k));
		k.fd = fd;
		{
			drmModeRes *res = drmModeGetResources(fd);
			k.crtc = res->crtcs[0];
			k.conn = res->connectors[0];
			drmModeFreeResources(res);
		}
		assert_int_equal(drmPrimeFDToHandle(fd, mfd, &fh), 0);
		assert_int_not_equal(drmModeMapDumbBuffer(fd, fh, &o2), 0); /* imported: no dumb map */
		{
			uint32_t handles[4] = { fh }, pitches[4] = { 1280 * 4 }, offs[4] = { 0 };
			drmModeModeInfo mode;
			drmModeConnector *c = drmModeGetConnector(fd, k.conn);
			mode = c->modes[0];
			drmModeFreeConnector(c);
			assert_int_equal(drmModeAddFB2(fd, 1280, 800, DRM_FORMAT_XRGB8888, handles, pitches, offs, &ffb, 0), 0);
			assert_int_equal(drmModeSetCrtc(fd, k.crtc, ffb, 0, 0, &k.conn, 1, &mode), 0);
			assert_int_equal(pixel(7, 7), 0xc0ffee);
			assert_int_equal(drmModeSetCrtc(fd, k.crtc, 0, 0, 0, NULL, 0, NULL), 0);
			assert_int_equal(drmModeRmFB(fd, ffb), 0);
		}
		assert_int_equal(drmCloseBufferHandle(fd, fh), 0);
		munmap(px, fsz);
		close(mfd);
		/* a pipe is no dma-buf */
		{
			int p[2];
			assert_int_equal(pipe(p), 0);
			assert_int_not_equal(drmPrimeFDToHandle(fd, p[0], &fh), 0);
			close(p[0]);
			close(p[1]);
		}
	}

	/* handles die with their file; a mapping keeps the memory alive */
	{
		struct mock_drm_stats s;
		assert_int_equal(drmModeDestroyDumbBuffer(fd, h), 0);
		mock_drm_get_stats(&s);
		assert_int_equal(s.handles, 0);
		assert_int_equal(s.dumb_buffers, 1); /* still mapped twice */
		assert_int_equal(s.mappings, 2);
		m1[0] = 1;
		munmap(m1, size);
		munmap(m2, size);
	}
	close(fd);
	close(fd2);
}

static void test_close_releases(void **state)
{
	struct kms k;
	struct dumb a;
	struct mock_drm_stats s;
	uint32_t blob;
	int dupfd;
	(void)state;
	kms_init(&k, true);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	assert_int_equal(drmModeCreatePropertyBlob(k.fd, &k.mode, sizeof(k.mode), &blob), 0);
	dupfd = dup(k.fd);
	assert_true(mock_drm_is_mock_fd(dupfd));
	close(k.fd); /* the dup keeps the file */
	mock_drm_get_stats(&s);
	assert_int_equal(s.files, 1);
	assert_int_equal(s.fbs, 1);
	{
		drmVersionPtr v = drmGetVersion(dupfd);
		assert_non_null(v);
		drmFreeVersion(v);
	}
	munmap(a.map, a.size);
	close(dupfd); /* releases fb (CRTC off), handle, blobs, master */
	mock_drm_get_stats(&s);
	assert_int_equal(s.files, 0);
	assert_int_equal(s.closes, 1);
	assert_false(s.master_held);
	assert_false(mock_drm_screen_pixel(0, 0, &(uint32_t){ 0 }));
}

/* A second open of the card is another DRM file (as a compositor's or a lease's fd next to
 * the layer's): its own serial, not master while the first holds it, master once that one
 * drops it, and its commits recorded under its serial; a dup is the same file. */
static void test_second_file(void **state)
{
	struct kms k;
	struct dumb a;
	struct mock_drm_commit c;
	(void)state;
	kms_init(&k, true);
	int second = open_card();
	assert_true(second >= 0);
	unsigned s1 = mock_drm_file_serial(k.fd), s2 = mock_drm_file_serial(second);
	assert_true(s1 != 0 && s2 != 0 && s1 != s2);
	int dupfd = dup(second);
	assert_int_equal(mock_drm_file_serial(dupfd), s2);
	assert_int_equal(mock_drm_file_serial(0), 0);
	assert_true(drmIsMaster(k.fd));
	assert_false(drmIsMaster(second));
	assert_int_equal(drmDropMaster(k.fd), 0);
	assert_int_equal(drmSetMaster(second), 0);
	assert_true(drmIsMaster(dupfd));
	assert_false(drmIsMaster(k.fd));
	assert_int_equal(drmSetClientCap(dupfd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1), 0);
	assert_int_equal(drmSetClientCap(dupfd, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	assert_int_equal(dumb_create(dupfd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	int fd = k.fd;
	k.fd = dupfd; /* the same object ids on every file of the card */
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	last_commit(&c);
	assert_int_equal(c.result, 0);
	assert_int_equal(c.file, s2);
	assert_int_equal(atomic_off(&k), 0);
	dumb_destroy(dupfd, &a);
	if (k.mode_blob)
		drmModeDestroyPropertyBlob(dupfd, k.mode_blob);
	k.mode_blob = 0;
	k.fd = fd;
	close(dupfd);
	close(second);
	kms_fini(&k);
}

static void test_faults_commit(void **state)
{
	struct kms k;
	struct dumb a;
	uint32_t h, p;
	uint64_t sz;
	(void)state;
	kms_init(&k, true);
	assert_int_equal(mock_drm_inject("addfb_enomem:1,dumb_enomem:1"), 0);
	assert_int_equal(drmModeCreateDumbBuffer(k.fd, 64, 64, 32, 0, &h, &p, &sz), -ENOMEM);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), -ENOMEM);
	{
		uint32_t handles[4] = { a.handle }, pitches[4] = { a.pitch }, offs[4] = { 0 };
		assert_int_equal(drmModeAddFB2(k.fd, a.w, a.h, DRM_FORMAT_XRGB8888, handles, pitches, offs, &a.fb, 0), 0);
	}
	assert_int_equal(mock_drm_inject("commit_ebusy:2,commit_einval:1,test_einval:1"), 0);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), -EINVAL);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), -EBUSY);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), -EBUSY);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), -EINVAL);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	{
		struct mock_drm_stats s;
		struct mock_drm_commit c;
		mock_drm_get_stats(&s);
		assert_int_equal(s.commits_failed, 3);
		assert_true(mock_drm_commit_get(mock_drm_commit_count() - 2, &c));
		assert_int_equal(c.result, EINVAL);
	}
	assert_int_equal(mock_drm_inject("import_einval:1"), 0);
	{
		int pfd;
		assert_int_equal(drmPrimeHandleToFD(k.fd, a.handle, DRM_CLOEXEC, &pfd), 0);
		assert_int_equal(drmPrimeFDToHandle(k.fd, pfd, &h), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(drmPrimeFDToHandle(k.fd, pfd, &h), 0);
		close(pfd);
	}
	assert_int_equal(mock_drm_inject("bogus:1"), -EINVAL);
	assert_int_equal(atomic_off(&k), 0);
	dumb_destroy(k.fd, &a);
	kms_fini(&k);
}

static void test_faults_flips(void **state)
{
	struct kms k;
	struct dumb a, b;
	struct ev_state ev = { 0 };
	struct mock_drm_stats s;
	uint64_t t0;
	(void)state;
	kms_init(&k, true);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &b), 0);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);

	/* lost: the flip completes, no event arrives */
	assert_int_equal(mock_drm_inject("lost_flip:1"), 0);
	mock_drm_get_stats(&s);
	assert_int_equal(atomic_flip(&k, b.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), 0);
	assert_true(mock_drm_wait_flips(s.flips + 1, 1000));
	assert_int_equal(wait_event(k.fd, 50), 0);
	/* late: the event comes >= 100 ms later */
	assert_int_equal(mock_drm_inject("late_flip_us:100000"), 0);
	t0 = now_ms();
	assert_int_equal(atomic_flip(&k, a.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), 0);
	assert_int_equal(wait_event(k.fd, 2000), 1);
	assert_true(now_ms() - t0 >= 100);
	/* the kernel keeps 4 KiB of unread events per file: ENOMEM beyond */
	for (int i = 0; i < 128; i++) {
		mock_drm_get_stats(&s);
		assert_int_equal(atomic_flip(&k, i % 2 ? a.fb : b.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), 0);
		assert_true(mock_drm_wait_flips(s.flips + 1, 1000));
	}
	assert_int_equal(atomic_flip(&k, a.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), -ENOMEM);
	ev.count = 0;
	assert_int_equal(wait_event(k.fd, 0), 1);
	assert_int_equal(ev.count, 32); /* drmHandleEvent reads 1 KiB = 32 events at a time */
	while (wait_event(k.fd, 0))
		;
	assert_int_equal(ev.count, 128);
	/* stuck: never completes; nonblocking commits get EBUSY */
	assert_int_equal(mock_drm_inject("stuck_flip:1"), 0);
	assert_int_equal(atomic_flip(&k, b.fb, DRM_MODE_ATOMIC_NONBLOCK, NULL), 0);
	usleep(20000);
	assert_int_equal(atomic_flip(&k, a.fb, DRM_MODE_ATOMIC_NONBLOCK, NULL), -EBUSY);
	mock_drm_get_stats(&s);
	assert_int_equal(s.pending_flips, 1);
	assert_int_equal(atomic_off(&k), 0); /* blocking: gives up after flip_timeout_ms */
	dumb_destroy(k.fd, &a);
	dumb_destroy(k.fd, &b);
	kms_fini(&k);
}

static int setup_short_timeout(void **state)
{
	struct mock_drm_config c = base_cfg();
	(void)state;
	c.flip_timeout_ms = 200;
	return setup_cfg(&c);
}

static void test_faults_master(void **state)
{
	struct kms k;
	struct dumb a;
	(void)state;
	kms_init(&k, true);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	mock_drm_revoke_master();
	assert_false(drmIsMaster(k.fd));
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), -EACCES);
	assert_int_equal(drmSetMaster(k.fd), -1);
	assert_int_equal(errno, EBUSY);
	mock_drm_restore_master();
	assert_true(drmIsMaster(k.fd));
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	/* revoke after 2 screen updates */
	assert_int_equal(mock_drm_inject("revoke_master_after_flips:2"), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), -EACCES);
	mock_drm_restore_master();
	assert_int_equal(atomic_off(&k), 0);
	dumb_destroy(k.fd, &a);
	kms_fini(&k);
	/* no_master: nobody becomes master */
	assert_int_equal(mock_drm_inject("no_master"), 0);
	{
		int fd = open_card();
		assert_false(drmIsMaster(fd));
		assert_int_equal(drmSetMaster(fd), -1);
		assert_int_equal(errno, EBUSY);
		close(fd);
	}
}

static void test_faults_hotplug(void **state)
{
	struct kms k;
	struct dumb a;
	drmModeConnector *c;
	struct mock_drm_stats s;
	(void)state;
	kms_init(&k, true);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);

	assert_int_equal(mock_drm_inject("modes_change_after_flips:1"), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	c = drmModeGetConnector(k.fd, k.conn);
	assert_int_equal(c->count_modes, 4);
	for (int i = 0; i < c->count_modes; i++)
		assert_false(c->modes[i].hdisplay == 1280 && c->modes[i].vdisplay == 800);
	drmModeFreeConnector(c);
	assert_int_equal(mock_drm_inject("modes_change_after_flips:1=800x600@60/640x480@60"), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	c = drmModeGetConnector(k.fd, k.conn);
	assert_int_equal(c->count_modes, 2);
	assert_int_equal(c->modes[0].hdisplay, 800);
	drmModeFreeConnector(c);

	assert_int_equal(mock_drm_inject("disconnect_after_flips:1"), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	c = drmModeGetConnector(k.fd, k.conn);
	assert_int_equal(c->connection, DRM_MODE_DISCONNECTED);
	assert_int_equal(c->count_modes, 0);
	drmModeFreeConnector(c);
	mock_drm_set_connected(true);

	assert_int_equal(mock_drm_inject("unplug_after_flips:2"), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	assert_int_equal(drmModePageFlip(k.fd, k.crtc, a.fb, 0, NULL), -ENODEV);
	assert_null(drmModeGetResources(k.fd));
	assert_true(mmap(NULL, a.size, PROT_READ, MAP_SHARED, k.fd, 0) == MAP_FAILED);
	assert_int_equal(open(CARD, O_RDWR), -1);
	assert_int_equal(errno, ENOENT);
	mock_drm_get_stats(&s);
	assert_true(s.unplugged);
	assert_true(s.hotplugs >= 4);
	/* closing still works and frees everything */
	munmap(a.map, a.size);
	close(k.fd);
}

static void test_vblank_paced(void **state)
{
	struct mock_drm_config cfg = base_cfg();
	struct kms k;
	struct dumb a;
	struct ev_state ev = { 0 };
	unsigned seq0;
	uint64_t t0;
	(void)state;
	cfg.vblank = true;
	assert_int_equal(mock_drm_reset(&cfg), 0);
	kms_init(&k, true);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	assert_int_equal(atomic_flip(&k, a.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), 0);
	assert_int_equal(wait_event(k.fd, 1000), 1);
	seq0 = ev.seq;
	t0 = ev.t_us;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(atomic_flip(&k, a.fb, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &ev), 0);
		assert_int_equal(wait_event(k.fd, 1000), 1);
	}
	assert_true(ev.seq >= seq0 + 3);
	assert_true(ev.t_us - t0 >= 3 * 16000);
	assert_int_equal(atomic_off(&k), 0);
	dumb_destroy(k.fd, &a);
	kms_fini(&k);
}

static void test_png_dump(void **state)
{
	struct mock_drm_config cfg = base_cfg();
	struct kms k;
	struct dumb a;
	char dir[] = "/tmp/mockdrm-test-XXXXXX", path[256];
	unsigned char sig[8];
	FILE *fp;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cfg.dump_dir, sizeof(cfg.dump_dir), "%s", dir);
	cfg.dump_every = 2;
	assert_int_equal(mock_drm_reset(&cfg), 0);
	kms_init(&k, true);
	assert_int_equal(dumb_create(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, &a), 0);
	dumb_fill(&a, 0, 0, k.mode.hdisplay, k.mode.vdisplay, 0x00808080);
	assert_int_equal(atomic_modeset(&k, a.fb, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	assert_int_equal(atomic_flip(&k, a.fb, 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/screen-000002.png", dir);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(sig, 1, 8, fp), 8);
	fclose(fp);
	assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
	unlink(path);
	snprintf(path, sizeof(path), "%s/explicit.png", dir);
	assert_int_equal(mock_drm_screen_dump_png(path), 0);
	unlink(path);
	rmdir(dir);
	assert_int_equal(atomic_off(&k), 0);
	dumb_destroy(k.fd, &a);
	kms_fini(&k);
}

/* EBUSY checks need the flip to still be pending on a loaded machine */
static int setup_slow_flips(void **state)
{
	struct mock_drm_config c = base_cfg();
	(void)state;
	c.flip_delay_us = 50000;
	return setup_cfg(&c);
}

static void test_passthrough(void **state)
{
	/* non-mock fds are untouched */
	int fd = open("/dev/null", O_RDWR);
	int p[2];
	(void)state;
	assert_true(fd >= 0);
	assert_false(mock_drm_is_mock_fd(fd));
	assert_int_equal(drmIoctl(fd, DRM_IOCTL_VERSION, &(struct drm_version){ 0 }), -1);
	assert_int_equal(errno, ENOTTY);
	close(fd);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(p[0], F_GETFD) >= 0, 1);
	close(p[0]);
	close(p[1]);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	/* close_range() of a mock fd is seen (glibc 2.34+ has the wrapper; musl has none) */
	fd = open_card();
	assert_int_equal(close_range((unsigned)fd, (unsigned)fd, 0), 0);
	assert_false(mock_drm_is_mock_fd(fd));
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic, setup_slow_flips, teardown),
		cmocka_unit_test_setup_teardown(test_legacy, setup_slow_flips, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_only_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formats_and_modes_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffers_prime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_releases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_flips, setup_short_timeout, teardown),
		cmocka_unit_test_setup_teardown(test_second_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_master, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_hotplug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vblank_paced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_png_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passthrough, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

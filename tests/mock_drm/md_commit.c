/*
 * Commits: atomic and legacy (SetCrtc, PageFlip, SetPlane, SetProperty,
 * DirtyFB, cursor) all become one proposed state that is checked the way
 * the kernel's atomic core + virtio-gpu's plane check do, then swapped in
 * and completed by the event thread (md_events.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "md_internal.h"

#define UPTR(x) ((void *)(uintptr_t)(x))

struct req {
	enum mock_drm_commit_kind kind;
	struct md_file *file;
	uint32_t flags;
	bool test_only, nonblock, allow_modeset, want_event;
	uint64_t user_data;
	struct md_state s;
	bool touched_crtc, touched_conn, touched_plane[MD_NPLANES];
	/* log-only clips (DirtyFB) */
	const struct drm_mode_rect *log_clips;
	unsigned log_nclips;
};

/* ---- state helpers ---- */

static void state_dup(struct md_state *d, const struct md_state *s)
{
	*d = *s;
	md_blob_ref(d->crtc.mode_blob);
	d->crtc.out_fence_ptr = 0;
	for (int i = 0; i < MD_NPLANES; i++) {
		md_fb_ref(d->plane[i].fb);
		d->plane[i].damage = NULL;
		d->plane[i].in_fence = -1;
	}
}

void md_state_clear(struct md_state *s)
{
	md_blob_unref(s->crtc.mode_blob);
	for (int i = 0; i < MD_NPLANES; i++) {
		md_fb_unref(s->plane[i].fb);
		md_blob_unref(s->plane[i].damage);
		if (s->plane[i].in_fence >= 0)
			md_real_close(s->plane[i].in_fence);
	}
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < MD_NPLANES; i++)
		s->plane[i].in_fence = -1;
}

static void req_init(struct req *r, enum mock_drm_commit_kind kind, struct md_file *f)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->file = f;
	state_dup(&r->s, &md.cur);
}

/* drm_mode_convert_umode() + drm_mode_validate_basic() */
int md_mode_check(const struct drm_mode_modeinfo *m, bool aspect_ok)
{
	if (m->clock > INT_MAX || m->vrefresh > INT_MAX)
		return ERANGE;
	if (!m->clock || !m->hdisplay || !m->vdisplay)
		return EINVAL;
	if (m->hsync_start < m->hdisplay || m->hsync_end < m->hsync_start || m->htotal < m->hsync_end)
		return EINVAL;
	if (m->vsync_start < m->vdisplay || m->vsync_end < m->vsync_start || m->vtotal < m->vsync_end)
		return EINVAL;
	if (!aspect_ok && (m->flags & DRM_MODE_FLAG_PIC_AR_MASK))
		return EINVAL;
	if (m->hdisplay > MD_MAX_FB || m->vdisplay > MD_MAX_FB)
		return EINVAL;
	return 0;
}

static bool mode_equal(const struct drm_mode_modeinfo *a, const struct drm_mode_modeinfo *b)
{
	return a->clock == b->clock && a->hdisplay == b->hdisplay && a->hsync_start == b->hsync_start &&
	       a->hsync_end == b->hsync_end && a->htotal == b->htotal && a->hskew == b->hskew &&
	       a->vdisplay == b->vdisplay && a->vsync_start == b->vsync_start &&
	       a->vsync_end == b->vsync_end && a->vtotal == b->vtotal && a->vscan == b->vscan &&
	       a->flags == b->flags;
}

static bool plane_has_format(const struct md_plane *p, uint32_t fmt)
{
	for (unsigned i = 0; i < p->nformats; i++)
		if (p->formats[i] == fmt)
			return true;
	return false;
}

static void set_fb(struct md_plane_state *ps, struct md_fb *fb)
{
	md_fb_ref(fb);
	md_fb_unref(ps->fb);
	ps->fb = fb;
}

static void set_mode_blob(struct md_crtc_state *c, struct md_blob *b)
{
	md_blob_ref(b);
	md_blob_unref(c->mode_blob);
	c->mode_blob = b;
	if (b)
		memcpy(&c->mode, b->data, sizeof(c->mode));
	else
		memset(&c->mode, 0, sizeof(c->mode));
}

/* drm_property_change_valid_get() */
static bool value_valid(const struct md_prop *p, uint64_t v)
{
	uint32_t ext = p->flags & DRM_MODE_PROP_EXTENDED_TYPE;
	if (p->flags & DRM_MODE_PROP_IMMUTABLE)
		return false;
	if (p->flags & DRM_MODE_PROP_RANGE)
		return v >= p->values[0] && v <= p->values[1];
	if (ext == DRM_MODE_PROP_SIGNED_RANGE)
		return (int64_t)v >= (int64_t)p->values[0] && (int64_t)v <= (int64_t)p->values[1];
	if (p->flags & DRM_MODE_PROP_ENUM) {
		for (unsigned i = 0; i < p->nenums; i++)
			if (p->enums[i].value == v)
				return true;
		return false;
	}
	if (p->flags & DRM_MODE_PROP_BLOB)
		return v == 0 || md_blob_find((uint32_t)v) != NULL;
	if (ext == DRM_MODE_PROP_OBJECT) {
		if (v == 0)
			return true;
		if (v > UINT32_MAX)
			return false;
		if (p->values[0] == DRM_MODE_OBJECT_FB)
			return md_fb_lookup((uint32_t)v) != NULL;
		if (p->values[0] == DRM_MODE_OBJECT_CRTC)
			return v == md.crtc_id;
		return false;
	}
	return false;
}

/* Returns 0, an errno, or -1 for "property not on this object". */
static int set_prop(struct req *r, uint32_t obj_id, uint32_t prop_id, uint64_t v)
{
	enum md_obj_type t = md_obj_type_of(obj_id);
	const enum md_prop_key *keys;
	unsigned n = md_obj_props(obj_id, &keys);
	int key = md_prop_key_of(prop_id), pi = -1;
	bool found = false;
	const struct md_prop *p;

	if (t != MD_OBJ_CRTC && t != MD_OBJ_CONNECTOR && t != MD_OBJ_PLANE)
		return ENOENT;
	for (unsigned i = 0; key >= 0 && i < n; i++)
		if (keys[i] == (enum md_prop_key)key)
			found = true;
	if (!found)
		return -1;
	p = &md.props[key];
	if (!value_valid(p, v))
		return EINVAL;

	if (t == MD_OBJ_CRTC) {
		struct md_crtc_state *c = &r->s.crtc;
		r->touched_crtc = true;
		switch (key) {
		case P_ACTIVE: c->active = v != 0; return 0;
		case P_MODE_ID: {
			struct md_blob *b = v ? md_blob_find((uint32_t)v) : NULL;
			int ret;
			if (b && b->len != sizeof(struct drm_mode_modeinfo))
				return EINVAL;
			if (b && (ret = md_mode_check(b->data, r->file->aspect_ratio)))
				return EINVAL;
			set_mode_blob(c, b);
			(void)ret;
			return 0;
		}
		case P_OUT_FENCE_PTR: c->out_fence_ptr = v; return 0;
		case P_VRR_ENABLED: c->vrr = v != 0; return 0;
		default: return EINVAL;
		}
	}
	if (t == MD_OBJ_CONNECTOR) {
		r->touched_conn = true;
		switch (key) {
		case P_CRTC_ID: r->s.conn_crtc = (uint32_t)v; return 0;
		case P_LINK_STATUS: return 0; /* never downgraded by userspace */
		default: return EINVAL;      /* DPMS is not settable through atomic */
		}
	}
	md_plane_by_id(obj_id, &pi);
	{
		struct md_plane_state *ps = &r->s.plane[pi];
		r->touched_plane[pi] = true;
		switch (key) {
		case P_FB_ID: set_fb(ps, v ? md_fb_lookup((uint32_t)v) : NULL); return 0;
		case P_CRTC_ID: ps->crtc_id = (uint32_t)v; return 0;
		case P_CRTC_X: ps->crtc_x = (int32_t)(int64_t)v; return 0;
		case P_CRTC_Y: ps->crtc_y = (int32_t)(int64_t)v; return 0;
		case P_CRTC_W: ps->crtc_w = (uint32_t)v; return 0;
		case P_CRTC_H: ps->crtc_h = (uint32_t)v; return 0;
		case P_SRC_X: ps->src_x = (uint32_t)v; return 0;
		case P_SRC_Y: ps->src_y = (uint32_t)v; return 0;
		case P_SRC_W: ps->src_w = (uint32_t)v; return 0;
		case P_SRC_H: ps->src_h = (uint32_t)v; return 0;
		case P_HOTSPOT_X: ps->hotspot_x = (int32_t)(int64_t)v; return 0;
		case P_HOTSPOT_Y: ps->hotspot_y = (int32_t)(int64_t)v; return 0;
		case P_IN_FENCE_FD: {
			int fd = (int)(int64_t)v, nfd = -1;
			if (fd >= 0) {
				/* any pollable fd stands in for a sync_file */
				if (md_fd_lookup(fd) || fcntl(fd, F_GETFD) < 0)
					return EINVAL;
				nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
				if (nfd < 0)
					return ENOMEM;
			}
			if (ps->in_fence >= 0)
				md_real_close(ps->in_fence);
			ps->in_fence = nfd;
			return 0;
		}
		case P_FB_DAMAGE_CLIPS: {
			struct md_blob *b = v ? md_blob_find((uint32_t)v) : NULL;
			if (b && b->len % sizeof(struct drm_mode_rect))
				return EINVAL;
			md_blob_ref(b);
			md_blob_unref(ps->damage);
			ps->damage = b;
			return 0;
		}
		default: return EINVAL;
		}
	}
}

/* ---- checking ---- */

struct vis {
	bool visible;
	uint32_t sx, sy, sw, sh;
};

static int plane_check(const struct md_state *n, int i, struct vis *vis)
{
	const struct md_plane_state *ps = &n->plane[i];
	const struct md_fb *fb = ps->fb;
	uint64_t fw, fh;
	int64_t x1, y1, x2, y2;

	memset(vis, 0, sizeof(*vis));
	if (!fb != !ps->crtc_id)
		return EINVAL;
	if (!fb)
		return 0;
	if (ps->crtc_id != md.crtc_id)
		return EINVAL;
	if (!plane_has_format(&md.planes[i], fb->format))
		return EINVAL;
	if (ps->crtc_w > INT32_MAX || ps->crtc_x > INT32_MAX - (int32_t)ps->crtc_w ||
	    ps->crtc_h > INT32_MAX || ps->crtc_y > INT32_MAX - (int32_t)ps->crtc_h)
		return ERANGE;
	fw = (uint64_t)fb->width << 16;
	fh = (uint64_t)fb->height << 16;
	if (ps->src_w > fw || ps->src_x > fw - ps->src_w || ps->src_h > fh || ps->src_y > fh - ps->src_h)
		return ENOSPC;
	/* virtio-gpu: DRM_PLANE_NO_SCALING */
	if (!ps->crtc_w || !ps->crtc_h || ps->src_w / ps->crtc_w != 0x10000 || ps->src_h / ps->crtc_h != 0x10000)
		return ERANGE;
	if (!n->crtc.mode_blob)
		return 0; /* updates on a disabled CRTC are allowed, invisible */
	x1 = ps->crtc_x > 0 ? ps->crtc_x : 0;
	y1 = ps->crtc_y > 0 ? ps->crtc_y : 0;
	x2 = (int64_t)ps->crtc_x + ps->crtc_w;
	y2 = (int64_t)ps->crtc_y + ps->crtc_h;
	if (x2 > n->crtc.mode.hdisplay)
		x2 = n->crtc.mode.hdisplay;
	if (y2 > n->crtc.mode.vdisplay)
		y2 = n->crtc.mode.vdisplay;
	if (x2 <= x1 || y2 <= y1)
		return 0;
	/* the primary plane cannot be positioned: it must cover the CRTC */
	if (i == MD_PRIMARY && (x1 != 0 || y1 != 0 || x2 != n->crtc.mode.hdisplay || y2 != n->crtc.mode.vdisplay))
		return EINVAL;
	vis->visible = true;
	vis->sx = (ps->src_x >> 16) + (uint32_t)(x1 - ps->crtc_x);
	vis->sy = (ps->src_y >> 16) + (uint32_t)(y1 - ps->crtc_y);
	vis->sw = (uint32_t)(x2 - x1);
	vis->sh = (uint32_t)(y2 - y1);
	return 0;
}

static int state_check(struct req *r, struct vis *pvis)
{
	const struct md_state *o = &md.cur;
	struct md_state *n = &r->s;
	bool enable = n->crtc.mode_blob != NULL, old_enable = o->crtc.mode_blob != NULL;
	bool modeset;
	int ret;

	if (n->crtc.active && !enable)
		return EINVAL;
	if (n->conn_crtc && n->conn_crtc != md.crtc_id)
		return EINVAL;
	if (enable != (n->conn_crtc == md.crtc_id))
		return EINVAL;
	modeset = enable != old_enable || n->crtc.active != o->crtc.active || n->conn_crtc != o->conn_crtc ||
		  (enable && !mode_equal(&n->crtc.mode, &o->crtc.mode));
	if (modeset && !r->allow_modeset)
		return EINVAL;
	for (int i = 0; i < MD_NPLANES; i++) {
		struct vis v;
		if ((ret = plane_check(n, i, &v)))
			return ret;
		if (i == MD_PRIMARY)
			*pvis = v;
	}
	return 0;
}

static bool involves_crtc(const struct req *r)
{
	if (r->touched_crtc)
		return true;
	if (r->touched_conn && (r->s.conn_crtc || md.cur.conn_crtc))
		return true;
	for (int i = 0; i < MD_NPLANES; i++)
		if (r->touched_plane[i] && (r->s.plane[i].crtc_id || md.cur.plane[i].crtc_id))
			return true;
	return false;
}

static const char *kind_name(enum mock_drm_commit_kind k)
{
	static const char *const n[] = { "atomic", "setcrtc", "page_flip", "setplane",
					 "setproperty", "dirtyfb", "rmfb", "internal" };
	return (unsigned)k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}

static void record(struct mock_drm_commit *c, int ret)
{
	c->result = ret;
	md_record_locked(c);
}

/* The engine. Blocking callers have waited for the CRTC to be idle already. */
static int do_commit(struct req *r)
{
	struct mock_drm_commit c;
	struct vis vis = { 0 };
	struct md_state old;
	struct md_pending p;
	bool involves;
	int ret, out_rfd = -1;
	const struct drm_mode_rect *clips = NULL;
	unsigned nclips = 0;

	if (r->s.plane[MD_PRIMARY].damage) {
		clips = r->s.plane[MD_PRIMARY].damage->data;
		nclips = (unsigned)(r->s.plane[MD_PRIMARY].damage->len / sizeof(struct drm_mode_rect));
	}
	md_record_fill(&c, r->kind, r->file, r->flags, &r->s, r->log_clips ? r->log_clips : clips,
		       r->log_clips ? r->log_nclips : nclips);
	c.user_data = r->user_data;
	if (r->test_only)
		md.st.test_commits++;
	else
		md.st.commits++;

	ret = state_check(r, &vis);
	involves = involves_crtc(r);
	if (!ret && r->want_event && !involves)
		ret = EINVAL; /* "need at least one CRTC for signaling" */
	if (!ret && r->want_event && involves && !md.cur.crtc.active && !r->s.crtc.active)
		ret = EINVAL; /* event requested on a CRTC that stays off */
	if (r->test_only) {
		if (!ret && md_fault_take(&md.faults.test_einval))
			ret = EINVAL;
		goto out;
	}
	if (!ret && md_fault_take(&md.faults.commit_ebusy))
		ret = EBUSY;
	if (!ret && md_fault_take(&md.faults.commit_einval))
		ret = EINVAL;
	if (!ret && involves && r->nonblock && md.pending.active)
		ret = EBUSY; /* userspace may not get ahead of the previous commit */
	if (!ret && r->want_event && involves)
		ret = md_event_reserve(r->file);
	if (!ret && r->s.crtc.out_fence_ptr && involves) {
		int pfd[2];
		if (pipe2(pfd, O_CLOEXEC) < 0) {
			ret = ENOMEM;
		} else {
			*(int32_t *)UPTR(r->s.crtc.out_fence_ptr) = pfd[0];
			out_rfd = pfd[1];
		}
	}
	if (ret)
		goto out;

	/* swap the state in; per-commit bits move into the pending flip */
	memset(&p, 0, sizeof(p));
	p.in_fence = -1;
	p.out_fence_wfd = out_rfd;
	if (nclips) {
		p.clips = malloc(nclips * sizeof(*p.clips));
		if (p.clips) {
			memcpy(p.clips, clips, nclips * sizeof(*p.clips));
			p.nclips = nclips;
		}
	}
	p.full_damage = p.nclips == 0;
	for (int i = 0; i < MD_NPLANES; i++) {
		if (r->s.plane[i].in_fence >= 0) {
			if (p.in_fence < 0)
				p.in_fence = r->s.plane[i].in_fence;
			else
				md_real_close(r->s.plane[i].in_fence);
			r->s.plane[i].in_fence = -1;
		}
		md_blob_unref(r->s.plane[i].damage);
		r->s.plane[i].damage = NULL;
	}
	r->s.crtc.out_fence_ptr = 0;
	old = md.cur;
	md.cur = r->s;
	memset(&r->s, 0, sizeof(r->s));
	for (int i = 0; i < MD_NPLANES; i++)
		r->s.plane[i].in_fence = -1;

	if (involves) {
		p.target.on = md.cur.crtc.active && md.cur.crtc.mode_blob;
		if (p.target.on) {
			p.target.mode_w = md.cur.crtc.mode.hdisplay;
			p.target.mode_h = md.cur.crtc.mode.vdisplay;
			if (vis.visible) {
				p.target.fb = md.cur.plane[MD_PRIMARY].fb;
				md_fb_ref(p.target.fb);
				p.target.sx = vis.sx;
				p.target.sy = vis.sy;
				p.target.sw = vis.sw;
				p.target.sh = vis.sh;
			}
		}
		if (r->want_event) {
			p.event_file = r->file;
			p.user_data = r->user_data;
		}
		md_pending_submit_locked(&p);
		if (!r->nonblock) {
			uint64_t serial = md.pending.serial;
			md_wait_serial_locked(serial, md.cfg.flip_timeout_ms);
		}
	} else {
		md_pending_clear(&p);
	}
	md_state_clear(&old);
out:
	if (ret) {
		if (!r->test_only)
			md.st.commits_failed++;
		if (out_rfd >= 0)
			md_real_close(out_rfd);
	}
	md_log("%s commit #%llu (file %u, flags 0x%x): %s", kind_name(r->kind),
	       (unsigned long long)md.nlog, r->file ? r->file->serial : 0, r->flags,
	       ret ? strerror(ret) : (r->test_only ? "ok (test)" : "ok"));
	record(&c, ret);
	md_state_clear(&r->s);
	return ret;
}

/* ---- atomic ---- */

int md_ioc_atomic(struct md_file *f, void *arg)
{
	struct drm_mode_atomic *a = arg;
	const uint32_t *objs = UPTR(a->objs_ptr), *counts = UPTR(a->count_props_ptr);
	const uint32_t *props = UPTR(a->props_ptr);
	const uint64_t *vals = UPTR(a->prop_values_ptr);
	struct req r;
	uint64_t k = 0;
	int ret = 0;

	if (md.cfg.legacy_only)
		return EOPNOTSUPP;
	if (!f->atomic)
		return EINVAL;
	if (a->flags & ~(uint32_t)DRM_MODE_ATOMIC_FLAGS)
		return EINVAL;
	if (a->reserved)
		return EINVAL;
	if (a->flags & DRM_MODE_PAGE_FLIP_ASYNC)
		return EINVAL; /* no DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP */
	if ((a->flags & DRM_MODE_ATOMIC_TEST_ONLY) && (a->flags & DRM_MODE_PAGE_FLIP_EVENT))
		return EINVAL;
	if (a->count_objs && (!objs || !counts))
		return EFAULT;

	if (!(a->flags & (DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_NONBLOCK)))
		md_wait_idle_locked(md.cfg.flip_timeout_ms);
	req_init(&r, MOCK_DRM_COMMIT_ATOMIC, f);
	r.flags = a->flags;
	r.test_only = a->flags & DRM_MODE_ATOMIC_TEST_ONLY;
	r.nonblock = a->flags & DRM_MODE_ATOMIC_NONBLOCK;
	r.allow_modeset = a->flags & DRM_MODE_ATOMIC_ALLOW_MODESET;
	r.want_event = a->flags & DRM_MODE_PAGE_FLIP_EVENT;
	r.user_data = a->user_data;
	for (uint32_t i = 0; i < a->count_objs && !ret; i++) {
		enum md_obj_type t = md_obj_type_of(objs[i]);
		if (t != MD_OBJ_CRTC && t != MD_OBJ_CONNECTOR && t != MD_OBJ_PLANE) {
			ret = ENOENT;
			break;
		}
		for (uint32_t j = 0; j < counts[i] && !ret; j++, k++) {
			if (!props || !vals) {
				ret = EFAULT;
				break;
			}
			ret = set_prop(&r, objs[i], props[k], vals[k]);
			if (ret < 0)
				ret = ENOENT;
		}
	}
	if (ret) {
		struct mock_drm_commit c;
		md_record_fill(&c, r.kind, f, r.flags, &r.s, NULL, 0);
		c.user_data = r.user_data;
		if (r.test_only) {
			md.st.test_commits++;
		} else {
			md.st.commits++;
			md.st.commits_failed++;
		}
		md_log("atomic commit #%llu (file %u): bad property: %s", (unsigned long long)md.nlog,
		       f->serial, strerror(ret));
		record(&c, ret);
		md_state_clear(&r.s);
		return ret;
	}
	return do_commit(&r);
}

/* ---- legacy ---- */

static int check_viewport(const struct md_fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	if (w > fb->width || h > fb->height || x > fb->width - w || y > fb->height - h)
		return ENOSPC;
	return 0;
}

int md_ioc_setcrtc(struct md_file *f, void *arg)
{
	struct drm_mode_crtc *c = arg;
	struct md_fb *fb = NULL;
	struct req r;
	int ret;

	if (c->crtc_id != md.crtc_id)
		return ENOENT;
	if ((c->x & 0xffff0000u) || (c->y & 0xffff0000u))
		return ERANGE;
	md_wait_idle_locked(md.cfg.flip_timeout_ms);
	if (c->mode_valid) {
		if (c->fb_id == (uint32_t)-1) {
			fb = md.cur.plane[MD_PRIMARY].fb;
			if (!fb)
				return EINVAL;
		} else {
			fb = md_fb_lookup(c->fb_id);
			if (!fb)
				return ENOENT;
		}
		if ((ret = md_mode_check(&c->mode, f->aspect_ratio)))
			return ret;
		if (!plane_has_format(&md.planes[MD_PRIMARY], fb->format))
			return EINVAL;
		if ((ret = check_viewport(fb, c->x, c->y, c->mode.hdisplay, c->mode.vdisplay)))
			return ret;
	}
	if (c->count_connectors == 0 && c->mode_valid)
		return EINVAL;
	if (c->count_connectors > 0 && (!c->mode_valid || !fb))
		return EINVAL;
	for (uint32_t i = 0; i < c->count_connectors; i++) {
		const uint32_t *ids = UPTR(c->set_connectors_ptr);
		if (!ids)
			return EFAULT;
		if (ids[i] != md.connector_id)
			return ENOENT;
	}

	req_init(&r, MOCK_DRM_COMMIT_SETCRTC, f);
	r.allow_modeset = true;
	r.touched_crtc = r.touched_conn = r.touched_plane[MD_PRIMARY] = true;
	if (c->mode_valid) {
		struct md_plane_state *ps = &r.s.plane[MD_PRIMARY];
		if (!r.s.crtc.mode_blob || memcmp(&r.s.crtc.mode, &c->mode, sizeof(c->mode)) != 0) {
			struct md_blob *b = md_blob_create(NULL, &c->mode, sizeof(c->mode));
			if (!b) {
				md_state_clear(&r.s);
				return ENOMEM;
			}
			set_mode_blob(&r.s.crtc, b);
			md_blob_unref(b);
		}
		r.s.crtc.active = true;
		r.s.conn_crtc = md.crtc_id;
		set_fb(ps, fb);
		ps->crtc_id = md.crtc_id;
		ps->src_x = c->x << 16;
		ps->src_y = c->y << 16;
		ps->src_w = (uint32_t)c->mode.hdisplay << 16;
		ps->src_h = (uint32_t)c->mode.vdisplay << 16;
		ps->crtc_x = ps->crtc_y = 0;
		ps->crtc_w = c->mode.hdisplay;
		ps->crtc_h = c->mode.vdisplay;
	} else {
		struct md_plane_state *ps = &r.s.plane[MD_PRIMARY];
		set_mode_blob(&r.s.crtc, NULL);
		r.s.crtc.active = false;
		r.s.conn_crtc = 0;
		set_fb(ps, NULL);
		ps->crtc_id = 0;
	}
	return do_commit(&r);
}

int md_ioc_page_flip(struct md_file *f, void *arg)
{
	struct drm_mode_crtc_page_flip_target *pf = arg;
	const struct md_plane_state *cur = &md.cur.plane[MD_PRIMARY];
	struct md_fb *fb;
	struct req r;

	if (pf->flags & ~(uint32_t)DRM_MODE_PAGE_FLIP_FLAGS)
		return EINVAL;
	if (pf->sequence && !(pf->flags & DRM_MODE_PAGE_FLIP_TARGET))
		return EINVAL;
	if (pf->flags & DRM_MODE_PAGE_FLIP_ASYNC)
		return EINVAL; /* DRM_CAP_ASYNC_PAGE_FLIP is 0 */
	if (pf->flags & DRM_MODE_PAGE_FLIP_TARGET)
		return EINVAL; /* no page_flip_target on virtio-gpu */
	if (pf->crtc_id != md.crtc_id)
		return ENOENT;
	if (!cur->fb)
		return EBUSY; /* CRTC unbound, e.g. after a hotplug */
	fb = md_fb_lookup(pf->fb_id);
	if (!fb)
		return ENOENT;
	{
		uint64_t fw = (uint64_t)fb->width << 16, fh = (uint64_t)fb->height << 16;
		if (cur->src_w > fw || cur->src_x > fw - cur->src_w || cur->src_h > fh || cur->src_y > fh - cur->src_h)
			return ENOSPC;
	}
	if (fb->format != cur->fb->format)
		return EINVAL;
	req_init(&r, MOCK_DRM_COMMIT_PAGE_FLIP, f);
	r.flags = pf->flags;
	r.nonblock = true;
	r.want_event = pf->flags & DRM_MODE_PAGE_FLIP_EVENT;
	r.user_data = pf->user_data;
	r.touched_plane[MD_PRIMARY] = true;
	set_fb(&r.s.plane[MD_PRIMARY], fb);
	return do_commit(&r);
}

int md_ioc_setplane(struct md_file *f, void *arg)
{
	struct drm_mode_set_plane *sp = arg;
	int pi;
	struct md_fb *fb = NULL;
	struct md_plane_state *ps;
	struct req r;

	if (!md_plane_by_id(sp->plane_id, &pi))
		return ENOENT;
	if (sp->fb_id) {
		fb = md_fb_lookup(sp->fb_id);
		if (!fb)
			return ENOENT;
		if (sp->crtc_id != md.crtc_id)
			return ENOENT;
	}
	md_wait_idle_locked(md.cfg.flip_timeout_ms);
	req_init(&r, MOCK_DRM_COMMIT_SETPLANE, f);
	r.touched_plane[pi] = true;
	ps = &r.s.plane[pi];
	set_fb(ps, fb);
	if (fb) {
		ps->crtc_id = sp->crtc_id;
		ps->crtc_x = sp->crtc_x;
		ps->crtc_y = sp->crtc_y;
		ps->crtc_w = sp->crtc_w;
		ps->crtc_h = sp->crtc_h;
		ps->src_x = sp->src_x;
		ps->src_y = sp->src_y;
		ps->src_w = sp->src_w;
		ps->src_h = sp->src_h;
	} else {
		memset(ps, 0, sizeof(*ps));
		ps->in_fence = -1;
	}
	return do_commit(&r);
}

static int setproperty(struct md_file *f, uint32_t obj_id, uint32_t obj_type, uint32_t prop_id, uint64_t v)
{
	enum md_obj_type t = md_obj_type_of(obj_id);
	const enum md_prop_key *keys;
	struct req r;
	int ret;

	if (t == MD_OBJ_NONE || (obj_type != DRM_MODE_OBJECT_ANY && obj_type != md_obj_uapi_type(t)))
		return ENOENT;
	if (!md_obj_props(obj_id, &keys))
		return EINVAL;
	md_wait_idle_locked(md.cfg.flip_timeout_ms);
	req_init(&r, MOCK_DRM_COMMIT_SETPROPERTY, f);
	if (t == MD_OBJ_CONNECTOR && md_prop_key_of(prop_id) == P_DPMS) {
		/* drm_atomic_connector_commit_dpms() */
		if (v > 3) {
			md_state_clear(&r.s);
			return EINVAL;
		}
		r.allow_modeset = true;
		if (r.s.conn_crtc && r.s.crtc.mode_blob) {
			r.s.crtc.active = v == DRM_MODE_DPMS_ON;
			r.touched_crtc = true;
		}
		ret = do_commit(&r);
		if (!ret) {
			md.st.dpms_sets++;
			md.st.dpms = (unsigned)v;
		}
		return ret;
	}
	ret = set_prop(&r, obj_id, prop_id, v);
	if (ret) {
		md_state_clear(&r.s);
		return ret < 0 ? EINVAL : ret;
	}
	return do_commit(&r);
}

int md_ioc_obj_setproperty(struct md_file *f, void *arg)
{
	struct drm_mode_obj_set_property *s = arg;
	return setproperty(f, s->obj_id, s->obj_type, s->prop_id, s->value);
}

int md_ioc_setproperty(struct md_file *f, void *arg)
{
	struct drm_mode_connector_set_property *s = arg;
	return setproperty(f, s->connector_id, DRM_MODE_OBJECT_CONNECTOR, s->prop_id, s->value);
}

int md_ioc_dirtyfb(struct md_file *f, void *arg)
{
	struct drm_mode_fb_dirty_cmd *d = arg;
	struct md_fb *fb = md_fb_lookup(d->fb_id);
	struct drm_mode_rect rects[DRM_MODE_FB_DIRTY_MAX_CLIPS];
	const struct drm_clip_rect *uc = UPTR(d->clips_ptr);
	struct mock_drm_commit c;
	struct md_state tmp;
	unsigned n = d->num_clips;

	if (!fb)
		return ENOENT;
	if (!n != !uc)
		return EINVAL;
	if (d->flags & ~(uint32_t)DRM_MODE_FB_DIRTY_FLAGS)
		return EINVAL;
	if ((d->flags & DRM_MODE_FB_DIRTY_ANNOTATE_COPY) && (n % 2))
		return EINVAL;
	if (n > DRM_MODE_FB_DIRTY_MAX_CLIPS)
		return EINVAL;
	for (unsigned i = 0; i < n; i++) {
		rects[i].x1 = uc[i].x1;
		rects[i].y1 = uc[i].y1;
		rects[i].x2 = uc[i].x2;
		rects[i].y2 = uc[i].y2;
	}
	if (md.cur.plane[MD_PRIMARY].fb == fb)
		md_wait_idle_locked(md.cfg.flip_timeout_ms);
	memset(&tmp, 0, sizeof(tmp));
	tmp = md.cur;
	md_record_fill(&c, MOCK_DRM_COMMIT_DIRTYFB, f, d->flags, &tmp, rects, n);
	c.fb_id = fb->id;
	md.st.dirtyfbs++;
	if (md.cur.plane[MD_PRIMARY].fb == fb && md.disp.on && md.disp.fb == fb) {
		md_screen_apply_locked(&md.disp, n == 0, rects, n);
		md_after_update_locked();
	}
	md_log("dirtyfb fb %u, %u clips (file %u)", fb->id, n, f->serial);
	record(&c, 0);
	return 0;
}

int md_ioc_cursor(struct md_file *f, void *arg, bool v2)
{
	struct drm_mode_cursor *c = arg;
	(void)v2;
	if (!c->flags || (c->flags & ~(uint32_t)DRM_MODE_CURSOR_FLAGS))
		return EINVAL;
	if (c->crtc_id != md.crtc_id)
		return ENOENT;
	if (c->flags & DRM_MODE_CURSOR_BO) {
		if (c->handle && !md_handle_lookup(f, c->handle))
			return ENOENT;
		if (c->handle && (c->width > MD_CURSOR_SIZE || c->height > MD_CURSOR_SIZE))
			return EINVAL;
		md.cursor_handle = c->handle;
	}
	return 0;
}

/* RMFB / file close of an fb still on a plane: drm_framebuffer_remove(). */
void md_fb_disable_users(struct md_fb *fb, struct md_file *f)
{
	struct req r;
	bool used = false;
	for (int i = 0; i < MD_NPLANES; i++)
		used |= md.cur.plane[i].fb == fb;
	if (!used)
		return;
	md_wait_idle_locked(md.cfg.flip_timeout_ms);
	used = false;
	req_init(&r, MOCK_DRM_COMMIT_RMFB, f);
	r.allow_modeset = true;
	for (int i = 0; i < MD_NPLANES; i++) {
		if (r.s.plane[i].fb != fb)
			continue;
		used = true;
		set_fb(&r.s.plane[i], NULL);
		memset(&r.s.plane[i], 0, sizeof(r.s.plane[i]));
		r.s.plane[i].in_fence = -1;
		r.touched_plane[i] = true;
		if (i == MD_PRIMARY) {
			set_mode_blob(&r.s.crtc, NULL);
			r.s.crtc.active = false;
			r.s.conn_crtc = 0;
			r.touched_crtc = r.touched_conn = true;
		}
	}
	if (!used) {
		md_state_clear(&r.s);
		return;
	}
	md_log("fb %u removed while in use: disabling its planes", fb->id);
	do_commit(&r);
}

/* Device removal: finish the pending flip, turn everything off at once. */
void md_shutdown_locked(void)
{
	struct mock_drm_commit c;
	struct md_state off;
	if (md.pending.active)
		md_complete_pending_locked();
	memset(&off, 0, sizeof(off));
	for (int i = 0; i < MD_NPLANES; i++)
		off.plane[i].in_fence = -1;
	md_record_fill(&c, MOCK_DRM_COMMIT_INTERNAL, NULL, 0, &off, NULL, 0);
	record(&c, 0);
	md_state_clear(&md.cur);
	{
		struct md_display d = { 0 };
		md_display_set(&md.disp, &d);
		md_screen_apply_locked(&md.disp, true, NULL, 0);
	}
}

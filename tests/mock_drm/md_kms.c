/* KMS queries: resources, CRTC, encoder, connector, planes, properties, blobs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "md_internal.h"

#define UPTR(x) ((void *)(uintptr_t)(x))

/* Copy n ids to a user array of capacity cap (kernel: min-copy). */
static int put_ids(uint64_t uptr, uint32_t cap, const uint32_t *ids, uint32_t n)
{
	uint32_t *dst = UPTR(uptr);
	for (uint32_t i = 0; i < n && i < cap; i++) {
		if (!dst)
			return EFAULT;
		dst[i] = ids[i];
	}
	return 0;
}

/* ---- blobs ---- */

struct md_blob *md_blob_create(struct md_file *owner, const void *data, size_t len)
{
	struct md_blob *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->data = malloc(len ? len : 1);
	if (!b->data) {
		free(b);
		return NULL;
	}
	if (len)
		memcpy(b->data, data, len);
	b->len = len;
	b->refs = 1;
	b->owner = owner;
	b->user = owner != NULL;
	b->id = md_obj_alloc(MD_OBJ_BLOB, b);
	b->next = md.blobs;
	md.blobs = b;
	return b;
}

void md_blob_ref(struct md_blob *b)
{
	if (b)
		b->refs++;
}

void md_blob_unref(struct md_blob *b)
{
	if (!b || --b->refs > 0)
		return;
	for (struct md_blob **pp = &md.blobs; *pp; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	md_obj_free(b->id);
	free(b->data);
	free(b);
}

struct md_blob *md_blob_find(uint32_t id)
{
	return md_obj_find(id, MD_OBJ_BLOB);
}

void md_blob_destroy_user(struct md_blob *b)
{
	if (!b->user)
		return;
	b->user = false;
	b->owner = NULL;
	md_blob_unref(b);
}

int md_ioc_getpropblob(struct md_file *f, void *arg)
{
	struct drm_mode_get_blob *g = arg;
	struct md_blob *b = md_blob_find(g->blob_id);
	(void)f;
	if (!b)
		return ENOENT;
	if (g->length == b->len && b->len) {
		if (!g->data)
			return EFAULT;
		memcpy(UPTR(g->data), b->data, b->len);
	}
	g->length = (uint32_t)b->len;
	return 0;
}

int md_ioc_createpropblob(struct md_file *f, void *arg)
{
	struct drm_mode_create_blob *c = arg;
	struct md_blob *b;
	if (c->length == 0)
		return EINVAL;
	if (!c->data)
		return EFAULT;
	b = md_blob_create(f, UPTR(c->data), c->length);
	if (!b)
		return ENOMEM;
	c->blob_id = b->id;
	return 0;
}

int md_ioc_destroypropblob(struct md_file *f, void *arg)
{
	struct drm_mode_destroy_blob *d = arg;
	struct md_blob *b = md_blob_find(d->blob_id);
	if (!b)
		return EINVAL;
	if (!b->user || b->owner != f)
		return EPERM;
	md_blob_destroy_user(b);
	return 0;
}

/* ---- properties ---- */

unsigned md_obj_props(uint32_t id, const enum md_prop_key **keys)
{
	struct md_plane *p;
	if (id && id == md.crtc_id) {
		*keys = md.crtc_props;
		return md.crtc_nprops;
	}
	if (id && id == md.connector_id) {
		*keys = md.conn_props;
		return md.conn_nprops;
	}
	if ((p = md_plane_by_id(id, NULL))) {
		*keys = p->props;
		return p->nprops;
	}
	*keys = NULL;
	return 0;
}

static uint64_t s64(int64_t v) { return (uint64_t)v; }

uint64_t md_prop_value(uint32_t id, enum md_prop_key k)
{
	int pi;
	if (id == md.crtc_id) {
		switch (k) {
		case P_ACTIVE: return md.cur.crtc.active;
		case P_MODE_ID: return md.cur.crtc.mode_blob ? md.cur.crtc.mode_blob->id : 0;
		case P_VRR_ENABLED: return md.cur.crtc.vrr;
		default: return 0;
		}
	}
	if (id == md.connector_id) {
		switch (k) {
		case P_DPMS: return (md.cur.conn_crtc && md.cur.crtc.active) ? 0 : 3;
		case P_CRTC_ID: return md.cur.conn_crtc;
		default: return 0;
		}
	}
	if (md_plane_by_id(id, &pi)) {
		const struct md_plane_state *s = &md.cur.plane[pi];
		switch (k) {
		case P_TYPE: return (uint64_t)md.planes[pi].type;
		case P_FB_ID: return s->fb ? s->fb->id : 0;
		case P_IN_FENCE_FD: return s64(-1);
		case P_CRTC_ID: return s->crtc_id;
		case P_CRTC_X: return s64(s->crtc_x);
		case P_CRTC_Y: return s64(s->crtc_y);
		case P_CRTC_W: return s->crtc_w;
		case P_CRTC_H: return s->crtc_h;
		case P_SRC_X: return s->src_x;
		case P_SRC_Y: return s->src_y;
		case P_SRC_W: return s->src_w;
		case P_SRC_H: return s->src_h;
		case P_IN_FORMATS: return md.planes[pi].in_formats ? md.planes[pi].in_formats->id : 0;
		case P_FB_DAMAGE_CLIPS: return s->damage ? s->damage->id : 0;
		case P_HOTSPOT_X: return s64(s->hotspot_x);
		case P_HOTSPOT_Y: return s64(s->hotspot_y);
		default: return 0;
		}
	}
	return 0;
}

/* drm_mode_object_get_properties(): atomic-only ones hidden from legacy clients. */
static int get_obj_props(struct md_file *f, uint32_t id, uint64_t props_ptr, uint64_t values_ptr,
			 uint32_t *count)
{
	const enum md_prop_key *keys;
	unsigned n = md_obj_props(id, &keys), c = 0;
	uint32_t *ids = UPTR(props_ptr);
	uint64_t *vals = UPTR(values_ptr);
	for (unsigned i = 0; i < n; i++) {
		const struct md_prop *p = &md.props[keys[i]];
		if ((p->flags & DRM_MODE_PROP_ATOMIC) && !f->atomic)
			continue;
		if (c < *count) {
			if (!ids || !vals)
				return EFAULT;
			ids[c] = p->id;
			vals[c] = md_prop_value(id, keys[i]);
		}
		c++;
	}
	*count = c;
	return 0;
}

int md_ioc_getproperty(struct md_file *f, void *arg)
{
	struct drm_mode_get_property *g = arg;
	struct md_prop *p = md_obj_find(g->prop_id, MD_OBJ_PROP);
	uint64_t *vals = UPTR(g->values_ptr);
	struct drm_mode_property_enum *en = UPTR(g->enum_blob_ptr);
	(void)f;
	if (!p)
		return ENOENT;
	memset(g->name, 0, sizeof(g->name));
	strncpy(g->name, p->name, sizeof(g->name) - 1);
	g->flags = p->flags;
	for (unsigned i = 0; i < p->nvalues && i < g->count_values; i++) {
		if (!vals)
			return EFAULT;
		vals[i] = p->values[i];
	}
	g->count_values = p->nvalues;
	if (p->flags & (DRM_MODE_PROP_ENUM | DRM_MODE_PROP_BITMASK)) {
		if (g->count_enum_blobs >= p->nenums) {
			for (unsigned i = 0; i < p->nenums; i++) {
				if (!en)
					return EFAULT;
				en[i].value = p->enums[i].value;
				memset(en[i].name, 0, sizeof(en[i].name));
				strncpy(en[i].name, p->enums[i].name, sizeof(en[i].name) - 1);
			}
		}
		g->count_enum_blobs = p->nenums;
	} else {
		g->count_enum_blobs = 0;
	}
	return 0;
}

int md_ioc_obj_getproperties(struct md_file *f, void *arg)
{
	struct drm_mode_obj_get_properties *g = arg;
	enum md_obj_type t = md_obj_type_of(g->obj_id);
	const enum md_prop_key *keys;
	if (t == MD_OBJ_NONE || (g->obj_type != DRM_MODE_OBJECT_ANY && g->obj_type != md_obj_uapi_type(t)))
		return ENOENT;
	if (t != MD_OBJ_CRTC && t != MD_OBJ_CONNECTOR && t != MD_OBJ_PLANE)
		return EINVAL;
	(void)md_obj_props(g->obj_id, &keys);
	return get_obj_props(f, g->obj_id, g->props_ptr, g->prop_values_ptr, &g->count_props);
}

/* ---- resources ---- */

int md_ioc_getresources(struct md_file *f, void *arg)
{
	struct drm_mode_card_res *r = arg;
	uint32_t fbs[256], nfb = 0;
	int ret;
	for (struct md_fb *fb = md.fbs; fb; fb = fb->next)
		if (fb->owner == f && nfb < 256)
			fbs[nfb++] = fb->id;
	if ((ret = put_ids(r->fb_id_ptr, r->count_fbs, fbs, nfb)))
		return ret;
	if ((ret = put_ids(r->crtc_id_ptr, r->count_crtcs, &md.crtc_id, 1)))
		return ret;
	if ((ret = put_ids(r->connector_id_ptr, r->count_connectors, &md.connector_id, 1)))
		return ret;
	if ((ret = put_ids(r->encoder_id_ptr, r->count_encoders, &md.encoder_id, 1)))
		return ret;
	r->count_fbs = nfb;
	r->count_crtcs = 1;
	r->count_connectors = 1;
	r->count_encoders = 1;
	r->min_width = MD_MIN_FB;
	r->min_height = MD_MIN_FB;
	r->max_width = MD_MAX_FB;
	r->max_height = MD_MAX_FB;
	return 0;
}

int md_ioc_getcrtc(struct md_file *f, void *arg)
{
	struct drm_mode_crtc *c = arg;
	const struct md_plane_state *ps = &md.cur.plane[MD_PRIMARY];
	(void)f;
	if (c->crtc_id != md.crtc_id)
		return ENOENT;
	c->gamma_size = 0;
	c->fb_id = ps->fb ? ps->fb->id : 0;
	c->x = ps->src_x >> 16;
	c->y = ps->src_y >> 16;
	if (md.cur.crtc.mode_blob) {
		c->mode_valid = 1;
		c->mode = md.cur.crtc.mode;
		if (!f->aspect_ratio)
			c->mode.flags &= ~DRM_MODE_FLAG_PIC_AR_MASK;
	} else {
		c->mode_valid = 0;
		memset(&c->mode, 0, sizeof(c->mode));
	}
	return 0;
}

int md_ioc_getencoder(struct md_file *f, void *arg)
{
	struct drm_mode_get_encoder *e = arg;
	(void)f;
	if (e->encoder_id != md.encoder_id)
		return ENOENT;
	e->encoder_type = DRM_MODE_ENCODER_VIRTUAL;
	e->crtc_id = md.cur.conn_crtc;
	e->possible_crtcs = 1;
	e->possible_clones = 0;
	return 0;
}

int md_ioc_getconnector(struct md_file *f, void *arg)
{
	struct drm_mode_get_connector *c = arg;
	int ret;
	if (c->connector_id != md.connector_id)
		return ENOENT;
	if ((ret = put_ids(c->encoders_ptr, c->count_encoders >= 1 ? 1 : 0, &md.encoder_id, 1)))
		return ret;
	c->count_encoders = 1;
	c->connector_type = DRM_MODE_CONNECTOR_VIRTUAL;
	c->connector_type_id = 1;
	c->mm_width = md.connected ? md.mm_w : 0;
	c->mm_height = md.connected ? md.mm_h : 0;
	c->subpixel = 0; /* enum subpixel_order: SubPixelUnknown, as the kernel copies it */
	c->connection = md.connected ? 1 : 2; /* connected / disconnected */
	if (c->count_modes >= md.nmodes && md.nmodes) {
		struct drm_mode_modeinfo *m = UPTR(c->modes_ptr);
		if (!m)
			return EFAULT;
		for (unsigned i = 0; i < md.nmodes; i++) {
			m[i] = md.modes[i];
			if (!f->aspect_ratio)
				m[i].flags &= ~DRM_MODE_FLAG_PIC_AR_MASK;
		}
	}
	c->count_modes = md.nmodes;
	c->encoder_id = md.cur.conn_crtc ? md.encoder_id : 0;
	return get_obj_props(f, md.connector_id, c->props_ptr, c->prop_values_ptr, &c->count_props);
}

/* ---- planes ---- */

int md_ioc_getplaneresources(struct md_file *f, void *arg)
{
	struct drm_mode_get_plane_res *r = arg;
	uint32_t ids[MD_NPLANES], n = 0;
	int ret;
	for (int i = 0; i < MD_NPLANES; i++)
		if (md_plane_visible_to(f, &md.planes[i]))
			ids[n++] = md.planes[i].id;
	if ((ret = put_ids(r->plane_id_ptr, r->count_planes, ids, n)))
		return ret;
	r->count_planes = n;
	return 0;
}

int md_ioc_getplane(struct md_file *f, void *arg)
{
	struct drm_mode_get_plane *g = arg;
	int pi;
	struct md_plane *p = md_plane_by_id(g->plane_id, &pi);
	(void)f;
	if (!p)
		return ENOENT;
	g->crtc_id = md.cur.plane[pi].crtc_id;
	g->fb_id = md.cur.plane[pi].fb ? md.cur.plane[pi].fb->id : 0;
	g->possible_crtcs = 1;
	g->gamma_size = 0;
	if (p->nformats && g->count_format_types >= p->nformats) {
		uint32_t *dst = UPTR(g->format_type_ptr);
		if (!dst)
			return EFAULT;
		memcpy(dst, p->formats, p->nformats * sizeof(uint32_t));
	}
	g->count_format_types = p->nformats;
	return 0;
}

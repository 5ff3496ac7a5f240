/* ioctl dispatch (kernel-like argument copying and permission checks) and the small core ioctls. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <string.h>

#include "md_internal.h"

#define MD_MASTER 1u

static bool unique_set;

static void copy_field(uint64_t *ulen, void *ubuf, const char *val)
{
	size_t len = strlen(val), n = len;
	if (n > *ulen)
		n = (size_t)*ulen;
	if (n && ubuf)
		memcpy(ubuf, val, n);
	*ulen = len;
}

static int ioc_version(struct md_file *f, void *arg)
{
	struct drm_version *v = arg;
	uint64_t l;
	(void)f;
	v->version_major = 0;
	v->version_minor = 1;
	v->version_patchlevel = 0;
	l = v->name_len;
	copy_field(&l, v->name, "virtio_gpu");
	v->name_len = (__kernel_size_t)l;
	l = v->date_len;
	copy_field(&l, v->date, "0");
	v->date_len = (__kernel_size_t)l;
	l = v->desc_len;
	copy_field(&l, v->desc, "virtio GPU");
	v->desc_len = (__kernel_size_t)l;
	return 0;
}

static int ioc_get_unique(struct md_file *f, void *arg)
{
	struct drm_unique *u = arg;
	const char *val = unique_set ? "virtio0" : "";
	size_t len = strlen(val);
	(void)f;
	if (u->unique_len >= len && len) {
		if (!u->unique)
			return EFAULT;
		memcpy(u->unique, val, len);
	}
	u->unique_len = (__kernel_size_t)len;
	return 0;
}

static int ioc_set_version(struct md_file *f, void *arg)
{
	struct drm_set_version *sv = arg;
	int ret = 0;
	(void)f;
	if (sv->drm_di_major != -1) {
		if (sv->drm_di_major != 1 || sv->drm_di_minor < 0 || sv->drm_di_minor > 4)
			ret = EINVAL;
		else if (sv->drm_di_minor >= 1)
			unique_set = true;
	}
	if (!ret && sv->drm_dd_major != -1) {
		if (sv->drm_dd_major != 0 || sv->drm_dd_minor < 0 || sv->drm_dd_minor > 1)
			ret = EINVAL;
	}
	sv->drm_di_major = 1;
	sv->drm_di_minor = 4;
	sv->drm_dd_major = 0;
	sv->drm_dd_minor = 1;
	return ret;
}

static int ioc_get_magic(struct md_file *f, void *arg)
{
	struct drm_auth *a = arg;
	a->magic = f->magic;
	return 0;
}

static int ioc_auth_magic(struct md_file *f, void *arg)
{
	struct drm_auth *a = arg;
	(void)f;
	if (a->magic == 0)
		return EINVAL;
	for (struct md_file *o = md.files; o; o = o->next)
		if (o->magic == a->magic && !o->released) {
			o->authenticated = true;
			return 0;
		}
	return EINVAL;
}

static int ioc_set_master(struct md_file *f, void *arg)
{
	(void)arg;
	if (md.master == f)
		return 0;
	if (md.master || md.external_master)
		return EBUSY;
	md.master = f;
	f->was_master = true;
	md_log("file %u became master", f->serial);
	return 0;
}

static int ioc_drop_master(struct md_file *f, void *arg)
{
	(void)arg;
	if (md.master != f)
		return EINVAL;
	md.master = NULL;
	md_log("file %u dropped master", f->serial);
	return 0;
}

static int ioc_get_cap(struct md_file *f, void *arg)
{
	struct drm_get_cap *c = arg;
	(void)f;
	c->value = 0;
	switch (c->capability) {
	case DRM_CAP_DUMB_BUFFER: c->value = 1; break;
	case DRM_CAP_VBLANK_HIGH_CRTC: c->value = 1; break;
	case DRM_CAP_DUMB_PREFERRED_DEPTH: c->value = 24; break;
	case DRM_CAP_DUMB_PREFER_SHADOW: c->value = 0; break;
	case DRM_CAP_PRIME: c->value = DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT; break;
	case DRM_CAP_TIMESTAMP_MONOTONIC: c->value = 1; break;
	case DRM_CAP_ASYNC_PAGE_FLIP: c->value = 0; break;
	case DRM_CAP_CURSOR_WIDTH:
	case DRM_CAP_CURSOR_HEIGHT: c->value = MD_CURSOR_SIZE; break;
	case DRM_CAP_ADDFB2_MODIFIERS: c->value = md.cfg.modifiers ? 1 : 0; break;
	case DRM_CAP_PAGE_FLIP_TARGET: c->value = 0; break;
	case DRM_CAP_CRTC_IN_VBLANK_EVENT: c->value = 1; break;
	case DRM_CAP_SYNCOBJ:
	case DRM_CAP_SYNCOBJ_TIMELINE:
	case DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP: c->value = 0; break;
	default: return EINVAL;
	}
	return 0;
}

static int ioc_set_client_cap(struct md_file *f, void *arg)
{
	struct drm_set_client_cap *c = arg;
	switch (c->capability) {
	case DRM_CLIENT_CAP_STEREO_3D:
		if (c->value > 1)
			return EINVAL;
		f->stereo = c->value;
		return 0;
	case DRM_CLIENT_CAP_UNIVERSAL_PLANES:
		if (c->value > 1)
			return EINVAL;
		f->universal_planes = c->value;
		return 0;
	case DRM_CLIENT_CAP_ATOMIC:
		if (md.cfg.legacy_only)
			return EOPNOTSUPP;
		if (c->value > 2)
			return EINVAL;
		f->atomic = f->universal_planes = f->aspect_ratio = c->value != 0;
		return 0;
	case DRM_CLIENT_CAP_ASPECT_RATIO:
		if (c->value > 1)
			return EINVAL;
		f->aspect_ratio = c->value;
		return 0;
	case DRM_CLIENT_CAP_WRITEBACK_CONNECTORS:
		if (!f->atomic || c->value > 1)
			return EINVAL;
		f->writeback = c->value;
		return 0;
	case DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT:
		if (md.cfg.legacy_only)
			return EOPNOTSUPP;
		if (!f->atomic || c->value > 1)
			return EINVAL;
		f->hotspot = c->value;
		return 0;
	default:
		return EINVAL;
	}
}

static int ioc_modeset_ctl(struct md_file *f, void *arg)
{
	(void)f;
	(void)arg;
	return 0;
}

static int ioc_getgamma(struct md_file *f, void *arg)
{
	struct drm_mode_crtc_lut *l = arg;
	(void)f;
	if (!md_obj_find(l->crtc_id, MD_OBJ_CRTC))
		return ENOENT;
	return l->gamma_size ? EINVAL : 0;
}

static int ioc_setgamma(struct md_file *f, void *arg)
{
	struct drm_mode_crtc_lut *l = arg;
	(void)f;
	if (!md_obj_find(l->crtc_id, MD_OBJ_CRTC))
		return ENOENT;
	return ENOSYS; /* virtio-gpu has no gamma */
}

static int ioc_no_vblank(struct md_file *f, void *arg)
{
	(void)f;
	(void)arg;
	return EOPNOTSUPP; /* virtio-gpu has no vblank interrupt */
}

static int ioc_cursor1(struct md_file *f, void *arg) { return md_ioc_cursor(f, arg, false); }
static int ioc_cursor2(struct md_file *f, void *arg) { return md_ioc_cursor(f, arg, true); }

struct md_ioctl_desc {
	unsigned nr;
	unsigned size;
	unsigned flags;
	int (*fn)(struct md_file *f, void *arg);
	const char *name;
};

#define D(ioc, fl, fn) { _IOC_NR(ioc), _IOC_SIZE(ioc), fl, fn, #ioc }

static const struct md_ioctl_desc descs[] = {
	D(DRM_IOCTL_VERSION, 0, ioc_version),
	D(DRM_IOCTL_GET_UNIQUE, 0, ioc_get_unique),
	D(DRM_IOCTL_GET_MAGIC, 0, ioc_get_magic),
	D(DRM_IOCTL_SET_VERSION, MD_MASTER, ioc_set_version),
	D(DRM_IOCTL_MODESET_CTL, 0, ioc_modeset_ctl),
	D(DRM_IOCTL_GEM_CLOSE, 0, md_ioc_gem_close),
	D(DRM_IOCTL_GET_CAP, 0, ioc_get_cap),
	D(DRM_IOCTL_SET_CLIENT_CAP, 0, ioc_set_client_cap),
	D(DRM_IOCTL_AUTH_MAGIC, MD_MASTER, ioc_auth_magic),
	D(DRM_IOCTL_SET_MASTER, 0, ioc_set_master),
	D(DRM_IOCTL_DROP_MASTER, 0, ioc_drop_master),
	D(DRM_IOCTL_PRIME_HANDLE_TO_FD, 0, md_ioc_prime_to_fd),
	D(DRM_IOCTL_PRIME_FD_TO_HANDLE, 0, md_ioc_prime_to_handle),
	D(DRM_IOCTL_WAIT_VBLANK, 0, ioc_no_vblank),
	D(DRM_IOCTL_CRTC_GET_SEQUENCE, 0, ioc_no_vblank),
	D(DRM_IOCTL_CRTC_QUEUE_SEQUENCE, 0, ioc_no_vblank),
	D(DRM_IOCTL_MODE_GETRESOURCES, 0, md_ioc_getresources),
	D(DRM_IOCTL_MODE_GETCRTC, 0, md_ioc_getcrtc),
	D(DRM_IOCTL_MODE_SETCRTC, MD_MASTER, md_ioc_setcrtc),
	D(DRM_IOCTL_MODE_CURSOR, MD_MASTER, ioc_cursor1),
	D(DRM_IOCTL_MODE_GETGAMMA, 0, ioc_getgamma),
	D(DRM_IOCTL_MODE_SETGAMMA, MD_MASTER, ioc_setgamma),
	D(DRM_IOCTL_MODE_GETENCODER, 0, md_ioc_getencoder),
	D(DRM_IOCTL_MODE_GETCONNECTOR, 0, md_ioc_getconnector),
	D(DRM_IOCTL_MODE_GETPROPERTY, 0, md_ioc_getproperty),
	D(DRM_IOCTL_MODE_SETPROPERTY, MD_MASTER, md_ioc_setproperty),
	D(DRM_IOCTL_MODE_GETPROPBLOB, 0, md_ioc_getpropblob),
	D(DRM_IOCTL_MODE_GETFB, 0, md_ioc_getfb),
	D(DRM_IOCTL_MODE_ADDFB, 0, md_ioc_addfb),
	D(DRM_IOCTL_MODE_RMFB, 0, md_ioc_rmfb),
	D(DRM_IOCTL_MODE_PAGE_FLIP, MD_MASTER, md_ioc_page_flip),
	D(DRM_IOCTL_MODE_DIRTYFB, MD_MASTER, md_ioc_dirtyfb),
	D(DRM_IOCTL_MODE_CREATE_DUMB, 0, md_ioc_create_dumb),
	D(DRM_IOCTL_MODE_MAP_DUMB, 0, md_ioc_map_dumb),
	D(DRM_IOCTL_MODE_DESTROY_DUMB, 0, md_ioc_destroy_dumb),
	D(DRM_IOCTL_MODE_GETPLANERESOURCES, 0, md_ioc_getplaneresources),
	D(DRM_IOCTL_MODE_GETPLANE, 0, md_ioc_getplane),
	D(DRM_IOCTL_MODE_SETPLANE, MD_MASTER, md_ioc_setplane),
	D(DRM_IOCTL_MODE_ADDFB2, 0, md_ioc_addfb2),
	D(DRM_IOCTL_MODE_OBJ_GETPROPERTIES, 0, md_ioc_obj_getproperties),
	D(DRM_IOCTL_MODE_OBJ_SETPROPERTY, MD_MASTER, md_ioc_obj_setproperty),
	D(DRM_IOCTL_MODE_CURSOR2, MD_MASTER, ioc_cursor2),
	D(DRM_IOCTL_MODE_ATOMIC, MD_MASTER, md_ioc_atomic),
	D(DRM_IOCTL_MODE_CREATEPROPBLOB, 0, md_ioc_createpropblob),
	D(DRM_IOCTL_MODE_DESTROYPROPBLOB, 0, md_ioc_destroypropblob),
	{ MD_NR_CLOSEFB, 8, 0, md_ioc_closefb, "DRM_IOCTL_MODE_CLOSEFB" },
};

int md_ioctl(struct md_file *f, unsigned long req, void *arg)
{
	const struct md_ioctl_desc *d = NULL;
	unsigned nr = _IOC_NR(req), usize = _IOC_SIZE(req), dir = _IOC_DIR(req);
	union {
		uint8_t b[1024];
		uint64_t align;
	} k;
	int ret;

	md.st.ioctls++;
	if (_IOC_TYPE(req) != DRM_IOCTL_BASE) {
		md.st.unknown_ioctls++;
		md.st.last_unknown_ioctl = (uint32_t)req;
		md_log("non-DRM ioctl 0x%lx on file %u: ENOTTY", req, f->serial);
		return ENOTTY;
	}
	if (f->dead || md.unplugged)
		return ENODEV;
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i].nr == nr) {
			d = &descs[i];
			break;
		}
	if (!d) {
		md.st.unknown_ioctls++;
		md.st.last_unknown_ioctl = (uint32_t)req;
		md_log("unsupported DRM ioctl nr 0x%02x (0x%lx) on file %u: EINVAL", nr, req, f->serial);
		return EINVAL;
	}
	if ((d->flags & MD_MASTER) && !md_is_master(f)) {
		md_log("%s by non-master file %u: EACCES", d->name, f->serial);
		return EACCES;
	}
	if (usize > sizeof(k.b) || d->size > sizeof(k.b))
		return EINVAL;
	if (usize && !arg)
		return EFAULT;
	memset(k.b, 0, sizeof(k.b));
	if (dir & _IOC_WRITE)
		memcpy(k.b, arg, usize);
	ret = d->fn(f, k.b);
	if ((dir & _IOC_READ) && usize)
		memcpy(arg, k.b, usize);
	if (ret)
		md_log("%s on file %u: %s", d->name, f->serial, strerror(ret));
	return ret;
}

void md_ioctl_reset_locked(void)
{
	unique_set = false;
}

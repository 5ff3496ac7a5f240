/* GEM objects: dumb buffers (memfd), PRIME export/import, framebuffers, mmap. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "md_internal.h"

/* ---- buffers ---- */

static struct md_buffer *buffer_new(int fd, uint64_t size)
{
	struct md_buffer *b = calloc(1, sizeof(*b));
	unsigned mode;
	uint64_t sz;
	if (!b)
		return NULL;
	b->fd = fd;
	b->size = size;
	b->serial = ++md.next_buf_serial;
	if (md_real_fstat_info(fd, &b->st_dev, &b->st_ino, &sz, &mode) < 0) {
		free(b);
		return NULL;
	}
	b->next = md.buffers;
	md.buffers = b;
	return b;
}

void md_buffer_ref(struct md_buffer *b)
{
	b->refs++;
}

static void buffer_free(struct md_buffer *b)
{
	for (struct md_buffer **pp = &md.buffers; *pp; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	if (b->cpu)
		md_real_munmap(b->cpu, b->size);
	md_real_close(b->fd);
	free(b);
}

void md_buffer_unref(struct md_buffer *b)
{
	if (b && --b->refs <= 0)
		buffer_free(b);
}

const void *md_buffer_cpu(struct md_buffer *b)
{
	if (!b->cpu && !b->cpu_failed) {
		void *p = md_real_mmap(NULL, b->size, PROT_READ, MAP_SHARED, b->fd, 0);
		if (p == MAP_FAILED) {
			b->cpu_failed = true;
			md_log("cannot map buffer %u for readback: %s", b->serial, strerror(errno));
		} else {
			b->cpu = p;
		}
	}
	return b->cpu;
}

static bool dumb_bpp_ok(uint32_t bpp)
{
	if (bpp == 32)
		return true; /* virtio_gpu_mode_dumb_create() takes only 32 */
	for (unsigned i = 0; i < md.cfg.num_formats; i++) {
		const struct md_format *f = md_format_find(md.cfg.formats[i]);
		if (f && f->cpp * 8u == bpp)
			return true;
	}
	return false;
}

int md_ioc_create_dumb(struct md_file *f, void *arg)
{
	struct drm_mode_create_dumb *c = arg;
	uint64_t cpp, stride, size, ps = (uint64_t)md.page_size;
	struct md_buffer *b;
	int fd;

	c->handle = 0;
	c->pitch = 0;
	c->size = 0;
	if (!c->width || !c->height || !c->bpp)
		return EINVAL;
	cpp = (c->bpp + 7) / 8;
	if (cpp > 0xffffffffu / c->width)
		return EINVAL;
	stride = cpp * c->width;
	if (c->height > 0xffffffffu / stride)
		return EINVAL;
	size = stride * c->height;
	size = (size + ps - 1) / ps * ps;
	if (!size)
		return EINVAL;
	if (!dumb_bpp_ok(c->bpp))
		return EINVAL;
	if (md_fault_take(&md.faults.dumb_enomem))
		return ENOMEM;
	fd = memfd_create("vw-mock-drm-dumb", MFD_CLOEXEC);
	if (fd < 0)
		return ENOMEM;
	if (ftruncate(fd, (off_t)size) < 0) {
		md_real_close(fd);
		return ENOMEM;
	}
	b = buffer_new(fd, size);
	if (!b) {
		md_real_close(fd);
		return ENOMEM;
	}
	b->dumb = true;
	b->width = c->width;
	b->height = c->height;
	b->bpp = c->bpp;
	b->pitch = (uint32_t)stride;
	b->map_offset = md.next_map_page * ps;
	md.next_map_page += size / ps + 1;
	c->handle = md_handle_create(f, b);
	if (!c->handle) {
		buffer_free(b);
		return ENOMEM;
	}
	c->pitch = (uint32_t)stride;
	c->size = size;
	return 0;
}

int md_ioc_map_dumb(struct md_file *f, void *arg)
{
	struct drm_mode_map_dumb *m = arg;
	struct md_buffer *b = md_handle_lookup(f, m->handle);
	if (!b)
		return ENOENT;
	if (b->foreign || !b->map_offset)
		return EINVAL; /* imported objects cannot be mapped this way */
	m->offset = b->map_offset;
	return 0;
}

int md_ioc_destroy_dumb(struct md_file *f, void *arg)
{
	struct drm_mode_destroy_dumb *d = arg;
	return md_handle_delete(f, d->handle);
}

int md_ioc_gem_close(struct md_file *f, void *arg)
{
	struct drm_gem_close *c = arg;
	return md_handle_delete(f, c->handle);
}

/* ---- PRIME ---- */

int md_ioc_prime_to_fd(struct md_file *f, void *arg)
{
	struct drm_prime_handle *p = arg;
	struct md_buffer *b;
	int fd;
	if (p->flags & ~(uint32_t)(DRM_CLOEXEC | DRM_RDWR))
		return EINVAL;
	b = md_handle_lookup(f, p->handle);
	if (!b)
		return ENOENT;
	if (md_fault_take(&md.faults.export_enomem))
		return ENOMEM;
	/* dma-buf stand-in: a new fd for the same memory */
	fd = fcntl(b->fd, (p->flags & DRM_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
	if (fd < 0)
		return errno == EMFILE ? EMFILE : ENOMEM;
	if (md.nprime == md.capprime) {
		size_t n = md.capprime ? md.capprime * 2 : 16;
		int *np = realloc(md.prime_fds, n * sizeof(int));
		if (!np) {
			md_real_close(fd);
			return ENOMEM;
		}
		md.prime_fds = np;
		md.capprime = n;
	}
	md.prime_fds[md.nprime++] = fd;
	md_prime_changed(1);
	p->fd = fd;
	return 0;
}

void md_prime_fd_closed(int fd)
{
	for (size_t i = 0; i < md.nprime; i++)
		if (md.prime_fds[i] == fd) {
			md.prime_fds[i] = md.prime_fds[--md.nprime];
			md_prime_changed(-1);
			return;
		}
}

int md_ioc_prime_to_handle(struct md_file *f, void *arg)
{
	struct drm_prime_handle *p = arg;
	uint64_t dev, ino, size;
	unsigned mode, type;
	struct md_buffer *b;
	int fd;

	if (md_fault_take(&md.faults.import_einval))
		return EINVAL;
	if (p->fd < 0)
		return EBADF;
	if (md_fd_lookup(p->fd))
		return EINVAL;
	if (md_real_fstat_info(p->fd, &dev, &ino, &size, &mode) < 0)
		return EBADF;
	for (b = md.buffers; b; b = b->next)
		if (b->st_dev == dev && b->st_ino == ino)
			break;
	if (!b) {
		/* foreign: a memfd / opaque fd / real dma-buf (anon inode) */
		type = mode & S_IFMT;
		if (type != S_IFREG && type != 0)
			return EINVAL;
		if (!size) {
			off_t cur = lseek(p->fd, 0, SEEK_CUR);
			off_t end = lseek(p->fd, 0, SEEK_END);
			if (cur >= 0)
				lseek(p->fd, cur, SEEK_SET);
			if (end <= 0)
				return EINVAL;
			size = (uint64_t)end;
		}
		fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return ENOMEM;
		b = buffer_new(fd, size);
		if (!b) {
			md_real_close(fd);
			return ENOMEM;
		}
		b->foreign = true;
		md_log("imported foreign fd %d as buffer %u (%llu bytes)", p->fd, b->serial,
		       (unsigned long long)size);
	}
	p->handle = md_handle_find_buf(f, b);
	if (!p->handle)
		p->handle = md_handle_create(f, b);
	if (!p->handle) {
		if (b->refs == 0)
			buffer_free(b);
		return ENOMEM;
	}
	return 0;
}

/* ---- framebuffers ---- */

void md_fb_ref(struct md_fb *fb)
{
	if (fb)
		fb->refs++;
}

void md_fb_unref(struct md_fb *fb)
{
	if (!fb || --fb->refs > 0)
		return;
	for (struct md_fb **pp = &md.fbs; *pp; pp = &(*pp)->next)
		if (*pp == fb) {
			*pp = fb->next;
			break;
		}
	md_obj_free(fb->id);
	md_buffer_unref(fb->buf);
	free(fb);
}

struct md_fb *md_fb_lookup(uint32_t id)
{
	return md_obj_find(id, MD_OBJ_FB);
}

static bool any_plane_has_format(uint32_t fmt)
{
	for (int i = 0; i < MD_NPLANES; i++)
		for (unsigned k = 0; k < md.planes[i].nformats; k++)
			if (md.planes[i].formats[k] == fmt)
				return true;
	return false;
}

static int addfb_common(struct md_file *f, struct drm_mode_fb_cmd2 *r)
{
	const struct md_format *fmt;
	struct md_buffer *b;
	struct md_fb *fb;
	uint64_t min_pitch, need;
	uint64_t modifier = DRM_FORMAT_MOD_LINEAR;

	if (r->flags & ~(uint32_t)(DRM_MODE_FB_INTERLACED | DRM_MODE_FB_MODIFIERS))
		return EINVAL;
	if ((r->flags & DRM_MODE_FB_MODIFIERS) && !md.cfg.modifiers)
		return EINVAL;
	if (r->width < MD_MIN_FB || r->width > MD_MAX_FB || r->height < MD_MIN_FB || r->height > MD_MAX_FB)
		return EINVAL;
	fmt = md_format_find(r->pixel_format);
	if (!fmt)
		return EINVAL;
	if (!r->handles[0])
		return EINVAL;
	min_pitch = (uint64_t)r->width * fmt->cpp;
	if (min_pitch > UINT32_MAX)
		return ERANGE;
	if ((uint64_t)r->height * r->pitches[0] + r->offsets[0] > UINT32_MAX)
		return ERANGE;
	if (r->pitches[0] < min_pitch)
		return EINVAL;
	if (r->flags & DRM_MODE_FB_MODIFIERS)
		modifier = r->modifier[0];
	else if (r->modifier[0])
		return EINVAL;
	for (int i = 1; i < 4; i++) {
		if (r->modifier[i])
			return EINVAL;
		if (!(r->flags & DRM_MODE_FB_MODIFIERS))
			continue;
		if (r->handles[i] || r->pitches[i] || r->offsets[i])
			return EINVAL;
	}
	if (modifier != DRM_FORMAT_MOD_LINEAR || !any_plane_has_format(r->pixel_format))
		return EINVAL;
	if (md_fault_take(&md.faults.addfb_enomem))
		return ENOMEM;
	b = md_handle_lookup(f, r->handles[0]);
	if (!b)
		return ENOENT;
	need = (uint64_t)(r->height - 1) * r->pitches[0] + min_pitch + r->offsets[0];
	if (need > b->size)
		return EINVAL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return ENOMEM;
	fb->id = md_obj_alloc(MD_OBJ_FB, fb);
	if (!fb->id) {
		free(fb);
		return ENOMEM;
	}
	fb->refs = 1;
	fb->owner = f;
	fb->width = r->width;
	fb->height = r->height;
	fb->format = r->pixel_format;
	fb->flags = r->flags;
	fb->modifier = modifier;
	fb->pitch = r->pitches[0];
	fb->offset = r->offsets[0];
	fb->buf = b;
	fb->fmt = fmt;
	md_buffer_ref(b);
	fb->next = md.fbs;
	md.fbs = fb;
	r->fb_id = fb->id;
	return 0;
}

int md_ioc_addfb2(struct md_file *f, void *arg)
{
	return addfb_common(f, arg);
}

int md_ioc_addfb(struct md_file *f, void *arg)
{
	struct drm_mode_fb_cmd *o = arg;
	struct drm_mode_fb_cmd2 r;
	int ret;
	memset(&r, 0, sizeof(r));
	r.pixel_format = md_format_legacy(o->bpp, o->depth);
	if (!r.pixel_format)
		return EINVAL;
	r.width = o->width;
	r.height = o->height;
	r.pitches[0] = o->pitch;
	r.handles[0] = o->handle;
	ret = addfb_common(f, &r);
	o->fb_id = r.fb_id;
	return ret;
}

int md_ioc_rmfb(struct md_file *f, void *arg)
{
	uint32_t id = *(uint32_t *)arg;
	struct md_fb *fb = md_fb_lookup(id);
	if (!fb || fb->owner != f)
		return ENOENT;
	fb->owner = NULL;
	md_fb_disable_users(fb, f); /* the ownership ref keeps fb alive */
	md_fb_unref(fb);
	return 0;
}

/* DRM_IOCTL_MODE_CLOSEFB (Linux 6.8): like RMFB but leaves the planes alone. */
int md_ioc_closefb(struct md_file *f, void *arg)
{
	uint32_t *c = arg;
	struct md_fb *fb = md_fb_lookup(c[0]);
	if (c[1])
		return EINVAL;
	if (!fb || fb->owner != f)
		return ENOENT;
	fb->owner = NULL;
	md_fb_unref(fb);
	return 0;
}

int md_ioc_getfb(struct md_file *f, void *arg)
{
	struct drm_mode_fb_cmd *r = arg;
	struct md_fb *fb = md_fb_lookup(r->fb_id);
	if (!fb)
		return ENOENT;
	r->width = fb->width;
	r->height = fb->height;
	r->pitch = fb->pitch;
	r->bpp = fb->fmt->cpp * 8u;
	r->depth = fb->fmt->depth ? fb->fmt->depth : fb->fmt->cpp * 8u;
	/* root (CAP_SYS_ADMIN) gets a handle, as from the kernel */
	r->handle = md_handle_find_buf(f, fb->buf);
	if (!r->handle)
		r->handle = md_handle_create(f, fb->buf);
	return r->handle ? 0 : ENOMEM;
}

/* ---- mmap ---- */

void *md_mmap(struct md_file *f, void *addr, size_t len, int prot, int flags, uint64_t off)
{
	struct md_buffer *b;
	struct md_mapping *m;
	uint64_t ps = (uint64_t)md.page_size, rlen;
	void *p;
	int err = 0;

	if (f->dead || md.unplugged) {
		err = ENODEV;
		goto fail;
	}
	if (!(flags & MAP_SHARED) || !len) {
		err = EINVAL;
		goto fail;
	}
	for (b = md.buffers; b; b = b->next)
		if (b->map_offset && b->map_offset == off)
			break;
	if (!b) {
		err = EINVAL;
		goto fail;
	}
	if (!md_handle_find_buf(f, b)) {
		err = EACCES;
		goto fail;
	}
	rlen = ((uint64_t)len + ps - 1) / ps * ps;
	if (rlen > b->size) {
		err = EINVAL;
		goto fail;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		err = ENOMEM;
		goto fail;
	}
	p = md_real_mmap(addr, len, prot, flags, b->fd, 0);
	if (p == MAP_FAILED) {
		err = errno;
		free(m);
		goto fail;
	}
	m->addr = (uintptr_t)p;
	m->len = (size_t)rlen;
	m->buf = b;
	md_buffer_ref(b);
	m->next = md.maps;
	md.maps = m;
	md_maps_changed(1);
	return p;
fail:
	md_log("mmap(off=0x%llx, len=%zu) on file %u: %s", (unsigned long long)off, len, f->serial,
	       strerror(err));
	errno = err;
	return MAP_FAILED;
}

void md_munmap_track(uintptr_t a, size_t len)
{
	uint64_t ps = (uint64_t)md.page_size;
	uintptr_t e = a + (uintptr_t)(((uint64_t)len + ps - 1) / ps * ps);
	for (struct md_mapping **pp = &md.maps; *pp;) {
		struct md_mapping *m = *pp;
		uintptr_t ms = m->addr, me = m->addr + m->len;
		if (e <= ms || a >= me) {
			pp = &m->next;
			continue;
		}
		if (a <= ms && e >= me) {
			*pp = m->next;
			md_buffer_unref(m->buf);
			free(m);
			md_maps_changed(-1);
			continue;
		}
		if (a <= ms) { /* front trimmed */
			m->len = me - e;
			m->addr = e;
		} else if (e >= me) { /* back trimmed */
			m->len = a - ms;
		} /* a hole in the middle: the mapping stays counted */
		pp = &m->next;
	}
}

void md_buffers_reset_locked(void)
{
	while (md.maps) {
		struct md_mapping *m = md.maps;
		md.maps = m->next;
		free(m);
		md_maps_changed(-1);
	}
	md_prime_changed(-(int)md.nprime);
	md.nprime = 0;
	while (md.fbs) {
		struct md_fb *fb = md.fbs;
		md.fbs = fb->next;
		free(fb);
	}
	while (md.buffers)
		buffer_free(md.buffers);
	while (md.blobs) {
		struct md_blob *b = md.blobs;
		md.blobs = b->next;
		free(b->data);
		free(b);
	}
}

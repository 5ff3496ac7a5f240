/* DRM files: open (event pipe, master), release (like the kernel's drm_release), GEM handles. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "md_internal.h"

int md_file_open(int flags)
{
	int p[2];
	struct md_file *f;

	md_lock();
	md_ensure_init_locked();
	if (md.unplugged) {
		md_unlock();
		errno = ENOENT;
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		int e = errno;
		md_unlock();
		errno = e;
		return -1;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		md_real_close(p[0]);
		md_real_close(p[1]);
		md_unlock();
		errno = ENOMEM;
		return -1;
	}
	/* The read end is the DRM fd: honour O_CLOEXEC / O_NONBLOCK as asked.
	 * The write end is ours: never block the event thread. */
	if (!(flags & O_CLOEXEC))
		fcntl(p[0], F_SETFD, 0);
	if (flags & O_NONBLOCK)
		fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	f->rfd = p[0];
	f->wfd = p[1];
	f->nfds = 1;
	f->serial = ++md.next_file_serial;
	f->magic = md.next_magic++;
	f->next = md.files;
	md.files = f;
	md_thread_start_locked();
	if (!md.master && !md.external_master) {
		md.master = f;
		f->was_master = true;
	}
	md_fd_register(p[0], f);
	md.st.opens++;
	md_log("open #%u -> fd %d%s", f->serial, p[0], md.master == f ? " (master)" : "");
	md_unlock();
	return p[0];
}

static void file_free(struct md_file *f)
{
	for (struct md_file **pp = &md.files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	free(f->handles);
	free(f);
}

void md_file_release_locked(struct md_file *f)
{
	struct md_fb *fb;
	struct md_blob *b;

	if (f->released)
		return;
	f->released = true;
	if (md.pending.event_file == f)
		md.pending.event_file = NULL;
	/* drm_fb_release(): framebuffers die with their file; ones in use are
	 * taken off the planes first (a primary one turns the CRTC off). */
	for (;;) {
		for (fb = md.fbs; fb && fb->owner != f; fb = fb->next)
			;
		if (!fb)
			break;
		fb->owner = NULL;
		md_fb_disable_users(fb, f); /* our ownership ref keeps fb alive */
		md_fb_unref(fb);
	}
	for (;;) {
		for (b = md.blobs; b && !(b->user && b->owner == f); b = b->next)
			;
		if (!b)
			break;
		md_blob_destroy_user(b);
	}
	for (size_t i = 0; i < f->nhandles; i++)
		md_buffer_unref(f->handles[i].buf);
	f->nhandles = 0;
	if (md.master == f)
		md.master = NULL;
	if (md.revoked_from == f)
		md.revoked_from = NULL;
	if (f->wfd >= 0)
		md_real_close(f->wfd);
	f->wfd = -1;
	f->event_reserved = 0;
}

/* The last process fd of f went away. */
void md_file_fd_closed(struct md_file *f)
{
	if (--f->nfds > 0)
		return;
	md.st.closes++;
	md_log("close #%u", f->serial);
	md_file_release_locked(f);
	if (f->busy == 0)
		file_free(f);
}

void md_file_put_busy(struct md_file *f)
{
	if (--f->busy == 0 && f->nfds == 0 && f->released)
		file_free(f);
}

/* ---- GEM handles: per file, lowest free number from 1 ---- */

uint32_t md_handle_create(struct md_file *f, struct md_buffer *b)
{
	uint32_t h = 1;
	bool used;
	if (f->nhandles == f->caphandles) {
		size_t n = f->caphandles ? f->caphandles * 2 : 16;
		void *p = realloc(f->handles, n * sizeof(*f->handles));
		if (!p)
			return 0;
		f->handles = p;
		f->caphandles = n;
	}
	do {
		used = false;
		for (size_t i = 0; i < f->nhandles; i++)
			if (f->handles[i].handle == h) {
				used = true;
				h++;
				break;
			}
	} while (used);
	f->handles[f->nhandles].handle = h;
	f->handles[f->nhandles].buf = b;
	f->nhandles++;
	md_buffer_ref(b);
	return h;
}

struct md_buffer *md_handle_lookup(struct md_file *f, uint32_t h)
{
	for (size_t i = 0; i < f->nhandles; i++)
		if (f->handles[i].handle == h)
			return f->handles[i].buf;
	return NULL;
}

uint32_t md_handle_find_buf(struct md_file *f, struct md_buffer *b)
{
	for (size_t i = 0; i < f->nhandles; i++)
		if (f->handles[i].buf == b)
			return f->handles[i].handle;
	return 0;
}

int md_handle_delete(struct md_file *f, uint32_t h)
{
	for (size_t i = 0; i < f->nhandles; i++)
		if (f->handles[i].handle == h) {
			struct md_buffer *b = f->handles[i].buf;
			f->handles[i] = f->handles[--f->nhandles];
			md_buffer_unref(b);
			return 0;
		}
	return EINVAL;
}

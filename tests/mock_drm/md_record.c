/* The commit log, live counters and the at-exit report (VW_MOCK_DRM_REPORT). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "md_internal.h"

void md_record_fill(struct mock_drm_commit *c, enum mock_drm_commit_kind kind, struct md_file *f,
		    uint32_t flags, const struct md_state *s, const struct drm_mode_rect *clips,
		    unsigned nclips)
{
	const struct md_plane_state *ps = &s->plane[MD_PRIMARY];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->flags = flags;
	c->file = f ? f->serial : 0;
	c->time_ns = md_now_ns();
	c->crtc_id = md.crtc_id;
	c->plane_id = md.planes[MD_PRIMARY].id;
	c->fb_id = ps->fb ? ps->fb->id : 0;
	c->active = s->crtc.active;
	c->mode_valid = s->crtc.mode_blob != NULL;
	if (c->mode_valid) {
		c->mode.width = s->crtc.mode.hdisplay;
		c->mode.height = s->crtc.mode.vdisplay;
		c->mode.refresh = s->crtc.mode.vrefresh;
		memcpy(c->mode_name, s->crtc.mode.name, sizeof(c->mode_name));
		c->mode_name[sizeof(c->mode_name) - 1] = 0;
	}
	c->src_x = ps->src_x;
	c->src_y = ps->src_y;
	c->src_w = ps->src_w;
	c->src_h = ps->src_h;
	c->crtc_x = ps->crtc_x;
	c->crtc_y = ps->crtc_y;
	c->crtc_w = ps->crtc_w;
	c->crtc_h = ps->crtc_h;
	c->num_clips = nclips;
	for (unsigned i = 0; i < nclips && i < MOCK_DRM_LOG_CLIPS; i++) {
		c->clips[i].x = clips[i].x1;
		c->clips[i].y = clips[i].y1;
		c->clips[i].w = (uint32_t)(clips[i].x2 - clips[i].x1);
		c->clips[i].h = (uint32_t)(clips[i].y2 - clips[i].y1);
	}
}

void md_record_locked(const struct mock_drm_commit *c)
{
	if (!md.log) {
		md.log = calloc(MD_LOG_CAP, sizeof(*md.log));
		if (!md.log)
			return;
	}
	md.log[md.nlog % MD_LOG_CAP] = *c;
	md.log[md.nlog % MD_LOG_CAP].seq = md.nlog;
	md.nlog++;
}

uint64_t mock_drm_commit_count(void)
{
	uint64_t n;
	md_lock();
	md_ensure_init_locked();
	n = md.nlog;
	md_unlock();
	return n;
}

bool mock_drm_commit_get(uint64_t seq, struct mock_drm_commit *out)
{
	bool ok = false;
	md_lock();
	md_ensure_init_locked();
	if (md.log && seq < md.nlog && md.nlog - seq <= MD_LOG_CAP) {
		*out = md.log[seq % MD_LOG_CAP];
		ok = true;
	}
	md_unlock();
	return ok;
}

void md_live_stats_locked(struct mock_drm_stats *o)
{
	*o = md.st;
	o->files = o->handles = o->fbs = o->user_blobs = o->mappings = 0;
	o->dumb_buffers = o->buffers = 0;
	for (struct md_file *f = md.files; f; f = f->next) {
		if (f->nfds > 0 && !f->dead)
			o->files++;
		o->handles += (unsigned)f->nhandles;
	}
	for (struct md_fb *fb = md.fbs; fb; fb = fb->next)
		o->fbs++;
	for (struct md_blob *b = md.blobs; b; b = b->next)
		o->user_blobs += b->user;
	for (struct md_mapping *m = md.maps; m; m = m->next)
		o->mappings++;
	for (struct md_buffer *b = md.buffers; b; b = b->next) {
		o->buffers++;
		o->dumb_buffers += b->dumb;
	}
	o->prime_fds = (unsigned)md.nprime;
	o->pending_flips = md.pending.active ? 1 : 0;
	o->master_held = md.master != NULL;
	o->connected = md.connected;
	o->unplugged = md.unplugged;
}

__attribute__((destructor)) static void md_report_at_exit(void)
{
	const char *path = getenv("VW_MOCK_DRM_REPORT");
	struct mock_drm_stats s;
	FILE *fp;
	if (!path || !*path)
		return;
	char buf[MOCK_DRM_PATH_MAX + 32];
	const char *pp = strstr(path, "%p");
	md_lock();
	if (!md.initialized || md.st.opens == 0) {
		/* never opened the mock (e.g. a wrapper like timeout(1)): no report */
		md_unlock();
		return;
	}
	md_live_stats_locked(&s);
	md_unlock();
	if (pp) {
		snprintf(buf, sizeof(buf), "%.*s%ld%s", (int)(pp - path), path, (long)getpid(), pp + 2);
		path = buf;
	}
	fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "mock-drm: cannot write report %s\n", path);
		return;
	}
	fprintf(fp, "opens=%llu\n", (unsigned long long)s.opens);
	fprintf(fp, "closes=%llu\n", (unsigned long long)s.closes);
	fprintf(fp, "ioctls=%llu\n", (unsigned long long)s.ioctls);
	fprintf(fp, "commits=%llu\n", (unsigned long long)s.commits);
	fprintf(fp, "commits_failed=%llu\n", (unsigned long long)s.commits_failed);
	fprintf(fp, "test_commits=%llu\n", (unsigned long long)s.test_commits);
	fprintf(fp, "flips=%llu\n", (unsigned long long)s.flips);
	fprintf(fp, "events=%llu\n", (unsigned long long)s.events);
	fprintf(fp, "lost_events=%llu\n", (unsigned long long)s.lost_events);
	fprintf(fp, "dirtyfbs=%llu\n", (unsigned long long)s.dirtyfbs);
	fprintf(fp, "screen_updates=%llu\n", (unsigned long long)s.screen_updates);
	fprintf(fp, "unknown_ioctls=%llu\n", (unsigned long long)s.unknown_ioctls);
	fprintf(fp, "last_unknown_ioctl=0x%08x\n", s.last_unknown_ioctl);
	fprintf(fp, "hotplugs=%llu\n", (unsigned long long)s.hotplugs);
	fprintf(fp, "leaked_fds=%u\n", s.files);
	fprintf(fp, "leaked_handles=%u\n", s.handles);
	fprintf(fp, "leaked_fbs=%u\n", s.fbs);
	fprintf(fp, "leaked_blobs=%u\n", s.user_blobs);
	fprintf(fp, "leaked_mappings=%u\n", s.mappings);
	fprintf(fp, "leaked_dumb_buffers=%u\n", s.dumb_buffers);
	fprintf(fp, "leaked_buffers=%u\n", s.buffers);
	fprintf(fp, "leaked_prime_fds=%u\n", s.prime_fds);
	fprintf(fp, "pending_flips=%u\n", s.pending_flips);
	fclose(fp);
}

/* The event thread: completes the pending flip when due, writes flip events into the file's pipe. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <asm/ioctls.h> /* FIONREAD; not <sys/ioctl.h>, whose _IOC clashes with drm.h on musl */
#include <unistd.h>

#include "md_internal.h"

#define EV_SIZE ((unsigned)sizeof(struct drm_event_vblank))

static void deadline_ts(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000ull);
	ts->tv_nsec = (long)(ns % 1000000000ull);
}

static bool fence_signaled(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

static void *thread_main(void *arg)
{
	(void)arg;
	md_lock();
	for (;;) {
		uint64_t now;
		if (!md.pending.active || md.pending.stuck) {
			pthread_cond_wait(&md.thread_cond, &md.lock);
			continue;
		}
		now = md_now_ns();
		if (now < md.pending.due_ns) {
			struct timespec ts;
			deadline_ts(&ts, md.pending.due_ns);
			pthread_cond_timedwait(&md.thread_cond, &md.lock, &ts);
			continue;
		}
		if (md.pending.in_fence >= 0 && !fence_signaled(md.pending.in_fence)) {
			md.pending.due_ns = now + 1000000;
			continue;
		}
		md_complete_pending_locked();
	}
	return NULL;
}

void md_thread_start_locked(void)
{
	pthread_t t;
	sigset_t all, old;
	if (md.thread_started)
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, thread_main, NULL) == 0) {
		pthread_detach(t);
		md.thread_started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static uint64_t mode_period_ns(const struct md_display *t)
{
	const struct drm_mode_modeinfo *m = &md.cur.crtc.mode;
	(void)t;
	if (!m->clock || !m->htotal || !m->vtotal)
		return 16666667;
	return (uint64_t)m->htotal * m->vtotal * 1000000ull / m->clock;
}

void md_pending_submit_locked(struct md_pending *p)
{
	uint64_t now = md_now_ns();
	uint64_t due = now + (uint64_t)md.cfg.flip_delay_us * 1000ull;

	p->active = true;
	p->serial = ++md.next_serial;
	if (md.cfg.vblank) {
		uint64_t period = mode_period_ns(&p->target);
		uint64_t k = (due - md.vblank_t0 + period - 1) / period;
		due = md.vblank_t0 + k * period;
		p->seq = (uint32_t)k;
		p->vblank_ns = due;
	}
	if (md_fault_take(&md.faults.late_flip)) {
		uint32_t us = md.faults.late_flip_us ? md.faults.late_flip_us : 100000;
		due += (uint64_t)us * 1000ull;
		p->vblank_ns = md.cfg.vblank ? due : 0;
		md_log("flip %llu will be late by %u us", (unsigned long long)p->serial, us);
	}
	if (md_fault_take(&md.faults.lost_flip)) {
		p->lost = true;
		md_log("flip %llu will lose its event", (unsigned long long)p->serial);
	}
	if (md_fault_take(&md.faults.stuck_flip)) {
		p->stuck = true;
		md_log("flip %llu will never complete", (unsigned long long)p->serial);
	}
	p->due_ns = due;
	md.pending = *p;
	memset(p, 0, sizeof(*p));
	p->in_fence = p->out_fence_wfd = -1;
	pthread_cond_broadcast(&md.thread_cond);
}

void md_pending_clear(struct md_pending *p)
{
	if (p->event_file && p->event_file->event_reserved >= EV_SIZE)
		p->event_file->event_reserved -= EV_SIZE;
	md_fb_unref(p->target.fb);
	free(p->clips);
	if (p->in_fence >= 0)
		md_real_close(p->in_fence);
	if (p->out_fence_wfd >= 0)
		md_real_close(p->out_fence_wfd);
	memset(p, 0, sizeof(*p));
	p->in_fence = p->out_fence_wfd = -1;
}

/* The kernel keeps 4 KiB of undelivered events per file: ENOMEM beyond. */
int md_event_reserve(struct md_file *f)
{
	int queued = 0;
	if (!f || f->wfd < 0)
		return EINVAL;
	if (md_real_ioctl(f->wfd, FIONREAD, &queued) < 0)
		queued = 0;
	if (f->event_reserved + (unsigned)queued + EV_SIZE > MD_EVENT_SPACE)
		return ENOMEM;
	f->event_reserved += EV_SIZE;
	return 0;
}

static bool same_rect(const struct md_display *a, const struct md_display *b)
{
	return a->on == b->on && a->fb == b->fb && a->sx == b->sx && a->sy == b->sy && a->sw == b->sw &&
	       a->sh == b->sh && a->mode_w == b->mode_w && a->mode_h == b->mode_h;
}

void md_complete_pending_locked(void)
{
	struct md_pending *p = &md.pending;
	bool full;
	uint64_t now = md_now_ns();

	if (!p->active)
		return;
	full = p->full_damage || !same_rect(&md.disp, &p->target);
	md_display_set(&md.disp, &p->target);
	md_screen_apply_locked(&md.disp, full, p->clips, p->nclips);

	if (p->event_file) {
		struct md_file *f = p->event_file;
		if (f->event_reserved >= EV_SIZE)
			f->event_reserved -= EV_SIZE;
		p->event_file = NULL;
		if (!p->lost && !f->released && !f->dead && f->wfd >= 0) {
			struct drm_event_vblank ev;
			uint64_t t = p->vblank_ns ? p->vblank_ns : now;
			memset(&ev, 0, sizeof(ev));
			ev.base.type = DRM_EVENT_FLIP_COMPLETE;
			ev.base.length = EV_SIZE;
			ev.user_data = p->user_data;
			ev.tv_sec = (uint32_t)(t / 1000000000ull);
			ev.tv_usec = (uint32_t)(t % 1000000000ull / 1000ull);
			ev.sequence = md.cfg.vblank ? p->seq : 0;
			ev.crtc_id = md.crtc_id;
			if (write(f->wfd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev)) {
				md.st.events++;
			} else {
				md.st.lost_events++;
				md_log("event for file %u dropped: %s", f->serial, strerror(errno));
			}
		} else {
			md.st.lost_events++;
		}
	}
	if (p->out_fence_wfd >= 0) {
		char c = 1;
		if (write(p->out_fence_wfd, &c, 1) < 0)
			md_log("out-fence write failed");
	}
	md.done_serial = p->serial;
	md.st.flips++;
	md_pending_clear(p);
	pthread_cond_broadcast(&md.cond);
	md_after_update_locked();
}

static bool wait_until(uint64_t deadline)
{
	struct timespec ts;
	deadline_ts(&ts, deadline);
	return pthread_cond_timedwait(&md.cond, &md.lock, &ts) != ETIMEDOUT;
}

/* Blocking commits: wait for our flip; after the timeout act like the
 * kernel's "flip_done timed out": carry on (the event is lost). */
bool md_wait_serial_locked(uint64_t serial, unsigned timeout_ms)
{
	uint64_t deadline = md_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	while (md.done_serial < serial && md.pending.active && md.pending.serial == serial) {
		if (!wait_until(deadline) && md_now_ns() >= deadline) {
			if (md.pending.active && md.pending.serial == serial) {
				md_log("flip %llu: flip_done timed out", (unsigned long long)serial);
				md.pending.lost = true;
				md_complete_pending_locked();
			}
			return false;
		}
	}
	return true;
}

bool md_wait_idle_locked(unsigned timeout_ms)
{
	if (!md.pending.active)
		return true;
	return md_wait_serial_locked(md.pending.serial, timeout_ms);
}

bool mock_drm_wait_flips(uint64_t count, unsigned timeout_ms)
{
	bool ok = true;
	uint64_t deadline = md_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	md_lock();
	md_ensure_init_locked();
	while (md.st.flips < count) {
		if (!wait_until(deadline) && md_now_ns() >= deadline) {
			ok = md.st.flips >= count;
			break;
		}
	}
	md_unlock();
	return ok;
}

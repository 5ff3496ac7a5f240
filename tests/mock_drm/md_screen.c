/*
 * The screen: an RGB8 "host" copy of the primary plane's visible source
 * rectangle. As with virtio-gpu's 2D resources, it is refreshed only when a
 * flip/modeset completes (damaged rectangles or everything) or on DirtyFB;
 * writes to a buffer already on screen stay invisible until then.
 * cfg.live_scanout makes readback convert the live fb memory instead.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md_internal.h"

void md_display_set(struct md_display *dst, const struct md_display *src)
{
	struct md_fb *old = dst->fb;
	if (src) {
		*dst = *src;
		md_fb_ref(dst->fb);
	} else {
		memset(dst, 0, sizeof(*dst));
	}
	md_fb_unref(old);
}

void md_screen_reset_locked(void)
{
	free(md.screen.raw);
	memset(&md.screen, 0, sizeof(md.screen));
}

static const uint8_t *fb_row(const struct md_display *t, uint32_t x, uint32_t y, uint32_t w)
{
	const struct md_fb *fb = t->fb;
	const uint8_t *base = md_buffer_cpu(fb->buf);
	uint64_t off = fb->offset + (uint64_t)(t->sy + y) * fb->pitch + (uint64_t)(t->sx + x) * fb->fmt->cpp;
	if (!base || off + (uint64_t)w * fb->fmt->cpp > fb->buf->size)
		return NULL;
	return base + off;
}

/* Copy rectangle (x,y,w,h) of the visible area of t into the raw host copy. */
static void copy_rect(const struct md_display *t, uint8_t *raw, uint32_t W, uint32_t x, uint32_t y, uint32_t w,
		      uint32_t h)
{
	uint32_t cpp = t->fb->fmt->cpp;
	for (uint32_t row = 0; row < h; row++) {
		uint8_t *out = raw + ((uint64_t)(y + row) * W + x) * cpp;
		const uint8_t *in = fb_row(t, x, y + row, w);
		if (in)
			memcpy(out, in, (size_t)w * cpp);
		else
			memset(out, 0, (size_t)w * cpp);
	}
}

void md_screen_apply_locked(const struct md_display *t, bool full, const struct drm_mode_rect *clips,
			    unsigned nclips)
{
	struct md_screen *s = &md.screen;
	uint32_t w, h;
	const struct md_format *fmt = t->fb ? t->fb->fmt : NULL;

	s->on = t->on;
	s->w = t->on ? (t->fb ? t->sw : t->mode_w) : 0;
	s->h = t->on ? (t->fb ? t->sh : t->mode_h) : 0;
	s->fb_id = t->fb ? t->fb->id : 0;
	if (md.cfg.live_scanout || !t->on || !fmt) {
		free(s->raw);
		s->raw = NULL;
		s->fmt = NULL;
		return;
	}
	w = s->w;
	h = s->h;
	if (!s->raw || s->fmt != fmt || full) {
		uint8_t *n = malloc((size_t)w * h * fmt->cpp + 1);
		if (!n) {
			s->fmt = NULL;
			return;
		}
		free(s->raw);
		s->raw = n;
		s->fmt = fmt;
		full = true;
	}
	if (full) {
		copy_rect(t, s->raw, w, 0, 0, w, h);
		return;
	}
	for (unsigned i = 0; i < nclips; i++) {
		/* damage is in framebuffer coordinates */
		int64_t x1 = (int64_t)clips[i].x1 - t->sx, y1 = (int64_t)clips[i].y1 - t->sy;
		int64_t x2 = (int64_t)clips[i].x2 - t->sx, y2 = (int64_t)clips[i].y2 - t->sy;
		if (x1 < 0) x1 = 0;
		if (y1 < 0) y1 = 0;
		if (x2 > w) x2 = w;
		if (y2 > h) y2 = h;
		if (x2 > x1 && y2 > y1)
			copy_rect(t, s->raw, w, (uint32_t)x1, (uint32_t)y1, (uint32_t)(x2 - x1), (uint32_t)(y2 - y1));
	}
}

/* A malloc'd RGB8 copy of what is on screen now. */
static uint8_t *snapshot_locked(struct mock_drm_screen *out)
{
	struct md_screen *s = &md.screen;
	uint8_t *rgb = NULL;
	memset(out, 0, sizeof(*out));
	out->on = s->on;
	out->width = s->w;
	out->height = s->h;
	out->fb_id = s->fb_id;
	out->updates = md.st.screen_updates;
	if (!s->on || !s->w || !s->h)
		return NULL;
	rgb = calloc((size_t)s->w * s->h * 3, 1);
	if (!rgb)
		return NULL;
	for (uint32_t y = 0; y < s->h; y++) {
		uint8_t *o = rgb + (size_t)y * s->w * 3;
		if (md.cfg.live_scanout) {
			const uint8_t *in = (md.disp.on && md.disp.fb) ? fb_row(&md.disp, 0, y, s->w) : NULL;
			if (in)
				md_convert_row(md.disp.fb->fmt, in, o, s->w);
		} else if (s->raw && s->fmt) {
			md_convert_row(s->fmt, s->raw + (size_t)y * s->w * s->fmt->cpp, o, s->w);
		}
	}
	return rgb;
}

int mock_drm_screen_read(struct mock_drm_screen *out)
{
	md_lock();
	md_ensure_init_locked();
	out->rgb = NULL;
	uint8_t *rgb = snapshot_locked(out);
	out->rgb = rgb;
	md_unlock();
	if (out->on && out->width && !rgb)
		return -ENOMEM;
	return 0;
}

void mock_drm_screen_release(struct mock_drm_screen *s)
{
	free(s->rgb);
	s->rgb = NULL;
}

bool mock_drm_screen_pixel(uint32_t x, uint32_t y, uint32_t *rgb)
{
	struct mock_drm_screen s;
	bool ok = false;
	if (mock_drm_screen_read(&s) == 0 && s.rgb && x < s.width && y < s.height) {
		const uint8_t *p = s.rgb + ((size_t)y * s.width + x) * 3;
		*rgb = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
		ok = true;
	}
	mock_drm_screen_release(&s);
	return ok;
}

static int write_png(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h)
{
	FILE *fp;
	png_structp png;
	png_infop info;
	int ret = 0;

	fp = fopen(path, "wb");
	if (!fp)
		return -errno;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info) {
		png_destroy_write_struct(&png, NULL);
		fclose(fp);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		fclose(fp);
		return -EIO;
	}
	png_init_io(png, fp);
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (uint32_t y = 0; y < h; y++)
		png_write_row(png, (png_const_bytep)(rgb + (size_t)y * w * 3));
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	if (fclose(fp) != 0)
		ret = -EIO;
	return ret;
}

int mock_drm_screen_dump_png(const char *path)
{
	struct mock_drm_screen s;
	int ret = mock_drm_screen_read(&s);
	if (ret == 0) {
		if (!s.rgb)
			ret = -ENODATA; /* screen off */
		else
			ret = write_png(path, s.rgb, s.width, s.height);
	}
	mock_drm_screen_release(&s);
	return ret;
}

/* After each completed flip / DirtyFB on screen: count, dump, fire triggers. */
void md_after_update_locked(void)
{
	md.st.screen_updates++;
	if (md.cfg.dump_dir[0] && md.st.screen_updates % md.cfg.dump_every == 0) {
		struct mock_drm_screen s;
		uint8_t *rgb = snapshot_locked(&s);
		if (rgb) {
			char path[MOCK_DRM_PATH_MAX + 32];
			int r;
			snprintf(path, sizeof(path), "%s/screen-%06u.png", md.cfg.dump_dir,
				 (unsigned)md.st.screen_updates);
			r = write_png(path, rgb, s.width, s.height);
			if (r < 0)
				md_log("cannot write %s: %s", path, strerror(-r));
			free(rgb);
		}
	}
	md_faults_check_triggers_locked();
}

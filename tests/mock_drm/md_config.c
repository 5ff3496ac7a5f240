/* Device configuration: defaults (QEMU virtio-gpu) and VW_MOCK_DRM_* variables. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md_internal.h"

void mock_drm_config_default(struct mock_drm_config *cfg)
{
	static const struct mock_drm_mode modes[] = {
		{ 1280, 800, 60 }, { 1920, 1080, 60 }, { 1280, 720, 60 }, { 1024, 768, 60 }, { 800, 600, 60 },
	};
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", "/dev/dri/card0");
	cfg->num_modes = sizeof(modes) / sizeof(modes[0]);
	memcpy(cfg->modes, modes, sizeof(modes));
	cfg->num_formats = 1;
	cfg->formats[0] = DRM_FORMAT_XRGB8888;
	cfg->modifiers = true;
	cfg->connected = true;
	cfg->flip_delay_us = 1000;
	cfg->flip_timeout_ms = 10000;
	cfg->dump_every = 1;
}

int mock_drm_parse_modes(const char *s, struct mock_drm_mode *modes, unsigned max, unsigned *count)
{
	unsigned n = 0;
	const char *p = s;
	while (p && *p) {
		char *end;
		unsigned long w, h, r = 60;
		while (*p == ' ' || *p == ',' || *p == '/')
			p++;
		if (!*p)
			break;
		w = strtoul(p, &end, 10);
		if (end == p || (*end != 'x' && *end != 'X'))
			return -EINVAL;
		p = end + 1;
		h = strtoul(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
		if (*p == '@') {
			p++;
			r = strtoul(p, &end, 10);
			if (end == p)
				return -EINVAL;
			p = end;
		}
		if (*p && *p != ',' && *p != '/' && *p != ' ')
			return -EINVAL;
		if (!w || !h || !r || w > MD_MAX_FB || h > MD_MAX_FB || r > 1000 || n >= max)
			return -EINVAL;
		modes[n].width = (uint32_t)w;
		modes[n].height = (uint32_t)h;
		modes[n].refresh = (uint32_t)r;
		n++;
	}
	*count = n;
	return 0;
}

static bool env_bool(const char *name, bool def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	return !(strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 ||
		 strcasecmp(v, "off") == 0);
}

static int env_u32(const char *name, uint32_t *out)
{
	const char *v = getenv(name);
	char *end;
	unsigned long x;
	if (!v || !*v)
		return 0;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || *end || x > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

int mock_drm_config_from_env(struct mock_drm_config *cfg)
{
	const char *v;
	int ret = 0;

	if ((v = getenv("VW_MOCK_DRM_PATH")) && *v)
		snprintf(cfg->path, sizeof(cfg->path), "%s", v);
	if ((v = getenv("VW_MOCK_DRM_MODES")) && *v) {
		unsigned n = 0;
		struct mock_drm_mode m[MOCK_DRM_MAX_MODES];
		if (mock_drm_parse_modes(v, m, MOCK_DRM_MAX_MODES, &n) == 0 && n) {
			cfg->num_modes = n;
			memcpy(cfg->modes, m, sizeof(m[0]) * n);
		} else {
			ret = -EINVAL;
		}
	}
	if ((v = getenv("VW_MOCK_DRM_FORMATS")) && *v) {
		char buf[512], *save = NULL, *tok;
		unsigned n = 0;
		snprintf(buf, sizeof(buf), "%s", v);
		for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			uint32_t f = md_format_parse(tok);
			if (!f || n >= MOCK_DRM_MAX_FORMATS) {
				ret = -EINVAL;
				continue;
			}
			cfg->formats[n++] = f;
		}
		if (n)
			cfg->num_formats = n;
	}
	if ((v = getenv("VW_MOCK_DRM_PHYS_MM")) && *v) {
		unsigned w, h;
		if (sscanf(v, "%ux%u", &w, &h) == 2) {
			cfg->mm_width = w;
			cfg->mm_height = h;
		} else {
			ret = -EINVAL;
		}
	}
	cfg->legacy_only = env_bool("VW_MOCK_DRM_LEGACY", cfg->legacy_only);
	cfg->modifiers = env_bool("VW_MOCK_DRM_MODIFIERS", cfg->modifiers);
	cfg->vblank = env_bool("VW_MOCK_DRM_VBLANK", cfg->vblank);
	cfg->log = env_bool("VW_MOCK_DRM_LOG", cfg->log);
	cfg->connected = env_bool("VW_MOCK_DRM_CONNECTED", cfg->connected);
	if ((v = getenv("VW_MOCK_DRM_SCANOUT")) && *v)
		cfg->live_scanout = strcmp(v, "live") == 0;
	if (env_u32("VW_MOCK_DRM_FLIP_DELAY_US", &cfg->flip_delay_us) < 0)
		ret = -EINVAL;
	if (env_u32("VW_MOCK_DRM_FLIP_TIMEOUT_MS", &cfg->flip_timeout_ms) < 0)
		ret = -EINVAL;
	if ((v = getenv("VW_MOCK_DRM_DUMP_DIR")))
		snprintf(cfg->dump_dir, sizeof(cfg->dump_dir), "%s", v);
	{
		uint32_t every = cfg->dump_every;
		if (env_u32("VW_MOCK_DRM_DUMP_EVERY", &every) < 0)
			ret = -EINVAL;
		cfg->dump_every = every ? every : 1;
	}
	return ret;
}

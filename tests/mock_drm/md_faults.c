/* Fault injection: counters ("next N ...") and triggers ("after N screen updates"). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md_internal.h"

bool md_fault_take(unsigned *counter)
{
	if (!*counter)
		return false;
	(*counter)--;
	return true;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Parse into a copy; apply only if the whole spec is valid. */
int md_faults_parse_apply_locked(const char *spec)
{
	struct md_faults f = md.faults;
	bool no_master = false, late_count_given = false, late_us_given = false;
	char *buf = strdup(spec), *save = NULL, *tok;
	uint64_t now = md.st.screen_updates;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (tok = strtok_r(buf, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		char *name = tok, *val = NULL, *list = NULL;
		uint64_t v = 1;
		struct {
			const char *name;
			unsigned *counter;
		} counters[] = {
			{ "commit_ebusy", &f.commit_ebusy }, { "commit_einval", &f.commit_einval },
			{ "test_einval", &f.test_einval },   { "dumb_enomem", &f.dumb_enomem },
			{ "addfb_enomem", &f.addfb_enomem }, { "import_einval", &f.import_einval },
			{ "export_enomem", &f.export_enomem }, { "lost_flip", &f.lost_flip },
			{ "late_flip", &f.late_flip },       { "stuck_flip", &f.stuck_flip },
		};
		bool done = false;

		while (*name == ' ')
			name++;
		if (!*name)
			continue;
		if ((list = strchr(name, '=')))
			*list++ = 0;
		if ((val = strchr(name, ':')))
			*val++ = 0;
		if (val && parse_u64(val, &v) < 0) {
			ret = -EINVAL;
			break;
		}
		for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
			if (strcmp(name, counters[i].name) == 0) {
				*counters[i].counter += (unsigned)v;
				if (counters[i].counter == &f.late_flip)
					late_count_given = true;
				done = true;
			}
		if (done)
			continue;
		if (strcmp(name, "late_flip_us") == 0) {
			if (!val) {
				ret = -EINVAL;
				break;
			}
			f.late_flip_us = (uint32_t)v;
			late_us_given = true;
		} else if (strcmp(name, "no_master") == 0) {
			no_master = true;
		} else if (strcmp(name, "revoke_master_after_flips") == 0) {
			f.revoke_at = now + (v ? v : 1);
		} else if (strcmp(name, "unplug_after_flips") == 0) {
			f.unplug_at = now + (v ? v : 1);
		} else if (strcmp(name, "disconnect_after_flips") == 0) {
			f.disconnect_at = now + (v ? v : 1);
		} else if (strcmp(name, "modes_change_after_flips") == 0) {
			f.modes_at = now + (v ? v : 1);
			f.nmodes_new = 0;
			if (list && mock_drm_parse_modes(list, f.modes_new, MOCK_DRM_MAX_MODES, &f.nmodes_new) < 0)
				ret = -EINVAL;
		} else {
			ret = -EINVAL;
		}
		if (list && strcmp(name, "modes_change_after_flips") != 0)
			ret = -EINVAL;
	}
	free(buf);
	if (ret) {
		md_log("bad fault spec '%s'", spec);
		return ret;
	}
	if (late_us_given && !late_count_given && !f.late_flip)
		f.late_flip = 1;
	md.faults = f;
	if (no_master)
		md_revoke_master_locked();
	md_log("faults: %s", spec);
	return 0;
}

int mock_drm_inject(const char *spec)
{
	int r;
	md_lock();
	md_ensure_init_locked();
	r = md_faults_parse_apply_locked(spec ? spec : "");
	md_unlock();
	return r;
}

void mock_drm_clear_faults(void)
{
	md_lock();
	md_ensure_init_locked();
	memset(&md.faults, 0, sizeof(md.faults));
	md_unlock();
}

static void drop_current_mode(void)
{
	struct mock_drm_mode m[MOCK_DRM_MAX_MODES];
	unsigned n = 0;
	const struct drm_mode_modeinfo *cur = md.cur.crtc.mode_blob ? &md.cur.crtc.mode : NULL;
	for (unsigned i = 0; i < md.nmodes; i++) {
		const struct drm_mode_modeinfo *mi = &md.modes[i];
		if (cur ? (mi->hdisplay == cur->hdisplay && mi->vdisplay == cur->vdisplay &&
			   mi->vrefresh == cur->vrefresh)
			: i == 0)
			continue;
		m[n].width = mi->hdisplay;
		m[n].height = mi->vdisplay;
		m[n].refresh = mi->vrefresh;
		n++;
	}
	if (!n) {
		m[0] = (struct mock_drm_mode){ 640, 480, 60 };
		n = 1;
	}
	md_set_modes_locked(m, n);
}

void md_faults_check_triggers_locked(void)
{
	struct md_faults *f = &md.faults;
	uint64_t u = md.st.screen_updates;
	if (f->revoke_at && u >= f->revoke_at) {
		f->revoke_at = 0;
		md_revoke_master_locked();
	}
	if (f->disconnect_at && u >= f->disconnect_at) {
		f->disconnect_at = 0;
		md_set_connected_locked(false);
	}
	if (f->modes_at && u >= f->modes_at) {
		f->modes_at = 0;
		if (f->nmodes_new)
			md_set_modes_locked(f->modes_new, f->nmodes_new);
		else
			drop_current_mode();
	}
	if (f->unplug_at && u >= f->unplug_at) {
		f->unplug_at = 0;
		md_unplug_locked();
	}
}

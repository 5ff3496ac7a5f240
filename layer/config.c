#include "venus_wsi/config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/auxv.h>

/* One line for each value the layer cannot use: which variable, what value, what instead. */
__attribute__((format(printf, 2, 3))) static void
note(struct vw_config *cfg, const char *fmt, ...)
{
   cfg->problems++;
   if (cfg->note_count == VW_CONFIG_MAX_NOTES)
      return;
   va_list ap;
   va_start(ap, fmt);
   vsnprintf(cfg->notes[cfg->note_count++], VW_CONFIG_NOTE_LEN, fmt, ap);
   va_end(ap);
}

static const char *
env_or_null(vw_getenv_fn get, const char *name)
{
   const char *v = get(name);
   return (v && *v) ? v : NULL;
}

/* A word or number without the blanks around it (' force' is 'force'). */
static const char *
trimmed(const char *s, char *buf, size_t size)
{
   while (isspace((unsigned char)*s))
      s++;
   size_t n = strlen(s);
   while (n && isspace((unsigned char)s[n - 1]))
      n--;
   if (n >= size)
      n = size - 1; /* too long for any word: it will not match */
   memcpy(buf, s, n);
   buf[n] = '\0';
   return buf;
}

static bool
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
   char buf[32];
   s = trimmed(s, buf, sizeof(buf));
   if (!isdigit((unsigned char)s[0]))
      return false; /* strtoull would take "-5" as a huge number */
   char *end = NULL;
   unsigned long long v = strtoull(s, &end, 10);
   if (end == s || *end != '\0' || v < min || v > max)
      return false;
   *out = (uint32_t)v;
   return true;
}

/* A number in [min, max] or the default, with a note naming both. */
static void
read_u32(struct vw_config *cfg, vw_getenv_fn get, const char *name, uint32_t min, uint32_t max,
         uint32_t *out)
{
   const char *v = env_or_null(get, name);
   if (v && !parse_u32(v, min, max, out))
      note(cfg, "%s='%.64s' is not a whole number from %u to %u; using %u", name, v, min, max,
           *out);
}

/* One of 'words' (index into 'values'), or the default, with a note listing the choices. */
static bool
read_word(struct vw_config *cfg, vw_getenv_fn get, const char *name, const char *const *words,
          const int *values, size_t n, const char *fallback, int *out)
{
   const char *v = env_or_null(get, name);
   if (!v)
      return false;
   char buf[32];
   const char *w = trimmed(v, buf, sizeof(buf));
   for (size_t i = 0; i < n; i++) {
      if (!strcasecmp(w, words[i])) {
         *out = values[i];
         return true;
      }
   }
   note(cfg, "%s='%.64s' is not understood; using %s", name, v, fallback);
   return false;
}

static bool
copy_path(struct vw_config *cfg, const char *name, const char *src, char *dst,
          const char *consequence)
{
   size_t n = strlen(src);
   if (n >= VW_CONFIG_PATH_MAX) {
      note(cfg, "%s is %zu bytes long, more than %d; %s", name, n, VW_CONFIG_PATH_MAX - 1,
           consequence);
      dst[0] = '\0';
      return false;
   }
   memcpy(dst, src, n + 1);
   return true;
}

static void
read_mode(struct vw_config *cfg, vw_getenv_fn get)
{
   /* '1'/'on' are what people type to switch a thing on: here that means 'force'. */
   static const char *const words[] = {"auto", "force", "on", "1", "yes", "true",
                                       "off", "0", "no", "false"};
   static const int values[] = {VW_MODE_AUTO, VW_MODE_FORCE, VW_MODE_FORCE, VW_MODE_FORCE,
                                VW_MODE_FORCE, VW_MODE_FORCE, VW_MODE_OFF, VW_MODE_OFF,
                                VW_MODE_OFF, VW_MODE_OFF};
   int mode = VW_MODE_AUTO;
   read_word(cfg, get, "VENUS_WSI", words, values, sizeof(values) / sizeof(values[0]),
             "auto (the choices are auto, force and off)", &mode);
   cfg->mode = (enum vw_mode)mode;
}

static void
read_debug(struct vw_config *cfg, vw_getenv_fn get)
{
   static const char *const words[] = {"off", "error", "info", "debug"};
   static const int values[] = {0, 1, 2, 3};
   const char *v = env_or_null(get, "VENUS_WSI_DEBUG");
   if (!v)
      return;
   uint32_t n;
   if (parse_u32(v, 0, 100, &n)) {
      /* VENUS_WSI_DEBUG=1 is what people type: show errors and decisions. */
      cfg->debug = n == 0 ? 0 : (n == 1 ? 2 : 3);
      return;
   }
   int level = 2;
   read_word(cfg, get, "VENUS_WSI_DEBUG", words, values, 4,
             "1 (errors and decisions; the choices are 0-2, off, error, info, debug)", &level);
   cfg->debug = level;
}

static void
read_hide(struct vw_config *cfg, vw_getenv_fn get)
{
   static const struct { const char *word; uint32_t bits; } words[] = {
      {"swapchain", VW_HIDE_SWAPCHAIN}, {"dmabuf", VW_HIDE_DMABUF},
      {"hostptr", VW_HIDE_HOSTPTR},     {"syncfd", VW_HIDE_SYNCFD},
      {"extfd", VW_HIDE_EXTFD},         {"venus", VW_HIDE_VENUS},
      {"none", 0},
   };
   const char *v = env_or_null(get, "VENUS_WSI_HIDE");
   if (!v)
      return;
   char buf[256];
   if (strlen(v) >= sizeof(buf)) {
      note(cfg, "VENUS_WSI_HIDE is too long (%zu bytes); nothing is hidden", strlen(v));
      return;
   }
   strcpy(buf, v);
   char *save = NULL;
   for (char *tok = strtok_r(buf, ",: \t", &save); tok; tok = strtok_r(NULL, ",: \t", &save)) {
      bool found = false;
      for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
         if (!strcasecmp(tok, words[i].word)) {
            cfg->hide |= words[i].bits;
            found = true;
         }
      }
      if (!found)
         note(cfg, "VENUS_WSI_HIDE: '%.32s' is not swapchain, dmabuf, hostptr, syncfd, extfd, "
                   "venus or none; ignored", tok);
   }
}

static void
read_hostptr_align(struct vw_config *cfg, vw_getenv_fn get)
{
   const char *v = env_or_null(get, "VENUS_WSI_HOSTPTR_ALIGN");
   if (v && (!parse_u32(v, 1, 1u << 30, &cfg->hostptr_align) ||
             (cfg->hostptr_align & (cfg->hostptr_align - 1)))) {
      cfg->hostptr_align = 0;
      note(cfg, "VENUS_WSI_HOSTPTR_ALIGN='%.64s' is not a power of two up to 2^30; using the "
                "driver's alignment", v);
   }
}

void
vw_config_parse(struct vw_config *cfg, vw_getenv_fn get)
{
   memset(cfg, 0, sizeof(*cfg));
   cfg->mode = VW_MODE_AUTO;
   cfg->dump_every = 1;
   cfg->fence_timeout_ms = 10000;

   read_mode(cfg, get);
   read_debug(cfg, get);
   const char *v;
   if ((v = env_or_null(get, "VENUS_WSI_DUMP_DIR")))
      copy_path(cfg, "VENUS_WSI_DUMP_DIR", v, cfg->dump_dir, "no frames are dumped");
   read_u32(cfg, get, "VENUS_WSI_DUMP_EVERY", 1, UINT32_MAX, &cfg->dump_every);
   read_u32(cfg, get, "VENUS_WSI_HEADLESS_HZ", 0, 1000, &cfg->headless_hz);
   cfg->copy_threads = 1;
   read_u32(cfg, get, "VENUS_WSI_COPY_THREADS", 1, 2, &cfg->copy_threads);
   static const char *const paths[] = {"auto", "export", "import", "hostptr", "copy",
                                       "hostptr-image", "linear-copy"};
   static const int path_values[] = {VW_PATH_AUTO, VW_PATH_EXPORT, VW_PATH_IMPORT,
                                     VW_PATH_HOSTPTR, VW_PATH_COPY, VW_PATH_HOSTPTR_IMAGE,
                                     VW_PATH_LINEAR_COPY};
   int path = VW_PATH_AUTO;
   read_word(cfg, get, "VENUS_WSI_PATH", paths, path_values, 7,
             "auto (the choices are auto, export, import, hostptr-image, hostptr, "
             "linear-copy, copy)",
             &path);
   cfg->path = (enum vw_path)path;

   static const char *const x11_methods[] = {"auto", "dri3-present", "shm-present",
                                             "put-image-present", "put-image"};
   static const int x11_values[] = {VW_X11_AUTO, VW_X11_CHOOSE_DRI3_PRESENT,
                                    VW_X11_CHOOSE_SHM_PRESENT, VW_X11_CHOOSE_PUT_IMAGE_PRESENT,
                                    VW_X11_CHOOSE_PUT_IMAGE};
   int x11 = VW_X11_AUTO;
   read_word(cfg, get, "VENUS_WSI_X11", x11_methods, x11_values, 5,
             "auto (the choices are auto, dri3-present, shm-present, put-image-present, "
             "put-image)", &x11);
   cfg->x11 = (enum vw_x11_choice)x11;
   static const char *const wl_methods[] = {"auto", "dmabuf", "shm"};
   static const int wl_values[] = {VW_WAYLAND_AUTO, VW_WAYLAND_CHOOSE_DMABUF,
                                   VW_WAYLAND_CHOOSE_SHM};
   int wayland = VW_WAYLAND_AUTO;
   read_word(cfg, get, "VENUS_WSI_WAYLAND", wl_methods, wl_values, 3,
             "auto (the choices are auto, dmabuf, shm)", &wayland);
   cfg->wayland = (enum vw_wayland_choice)wayland;
   static const char *const wl_fifo_words[] = {"auto", "off"};
   static const int wl_fifo_values[] = {0, 1};
   int wl_fifo_off = 0;
   read_word(cfg, get, "VENUS_WSI_WAYLAND_FIFO", wl_fifo_words, wl_fifo_values, 2,
             "auto (the choices are auto, off)", &wl_fifo_off);
   cfg->wayland_fifo_off = wl_fifo_off;
   read_hide(cfg, get);
   if ((v = env_or_null(get, "VENUS_WSI_DRM_DEVICE")) &&
       !copy_path(cfg, "VENUS_WSI_DRM_DEVICE", v, cfg->drm_device,
                  "no display is used (no other card is tried in its place)"))
      cfg->drm_device_refused = true;
   static const char *const kms[] = {"auto", "atomic", "legacy"};
   static const int kms_values[] = {VW_KMS_AUTO, VW_KMS_AUTO, VW_KMS_LEGACY};
   int api = VW_KMS_AUTO;
   read_word(cfg, get, "VENUS_WSI_KMS", kms, kms_values, 3,
             "auto (the choices are auto, atomic, legacy)", &api);
   cfg->kms_api = (enum vw_kms_api)api;
   static const char *const updates[] = {"auto", "flip", "dirtyfb"};
   static const int update_values[] = {VW_KMS_UPDATE_AUTO, VW_KMS_UPDATE_FLIP,
                                       VW_KMS_UPDATE_DIRTYFB};
   int update = VW_KMS_UPDATE_AUTO;
   read_word(cfg, get, "VENUS_WSI_KMS_UPDATE", updates, update_values, 3,
             "auto (the choices are auto, flip, dirtyfb)", &update);
   cfg->kms_update = (enum vw_kms_update)update;
   read_hostptr_align(cfg, get);
   if ((v = env_or_null(get, "VENUS_WSI_STATS_FILE")))
      copy_path(cfg, "VENUS_WSI_STATS_FILE", v, cfg->stats_file, "no statistics are written");
   read_u32(cfg, get, "VENUS_WSI_FENCE_TIMEOUT_MS", 1, 3600u * 1000u, &cfg->fence_timeout_ms);
}

static struct vw_config global_config;
static pthread_once_t global_once = PTHREAD_ONCE_INIT;

const char *
vw_config_getenv(const char *name)
{
   return secure_getenv(name);
}

extern char **environ;

/* In secure execution every setting is ignored: say so once if any was given. */
static void
note_ignored_settings(void)
{
   if (!getauxval(AT_SECURE))
      return;
   for (char **e = environ; e && *e; e++) {
      if (!strncmp(*e, "VENUS_WSI", 9)) {
         fprintf(stderr, "venus-wsi: a set-user-ID or privileged program: VENUS_WSI_* "
                         "settings are ignored, defaults used\n");
         return;
      }
   }
}

static void
load_global(void)
{
   vw_config_parse(&global_config, vw_config_getenv);
   note_ignored_settings();
   /* Always printed, whatever VENUS_WSI_DEBUG says: a setting that silently does nothing
    * costs users more than a line on stderr. */
   for (uint32_t i = 0; i < global_config.note_count; i++)
      fprintf(stderr, "venus-wsi: %s\n", global_config.notes[i]);
   if (global_config.problems > global_config.note_count)
      fprintf(stderr, "venus-wsi: ... and %u more VENUS_WSI_* problems\n",
              global_config.problems - global_config.note_count);
}

const struct vw_config *
vw_config_get(void)
{
   pthread_once(&global_once, load_global);
   return &global_config;
}

const char *
vw_mode_name(enum vw_mode mode)
{
   switch (mode) {
   case VW_MODE_AUTO: return "auto";
   case VW_MODE_FORCE: return "force";
   case VW_MODE_OFF: return "off";
   }
   return "?";
}

const char *
vw_path_name(enum vw_path path)
{
   switch (path) {
   case VW_PATH_AUTO: return "auto";
   case VW_PATH_EXPORT: return "A/export";
   case VW_PATH_IMPORT: return "B/import";
   case VW_PATH_HOSTPTR: return "C/hostptr";
   case VW_PATH_COPY: return "D/copy";
   case VW_PATH_HOSTPTR_IMAGE: return "E/hostptr-image";
   case VW_PATH_LINEAR_COPY: return "F/linear-copy";
   }
   return "?";
}

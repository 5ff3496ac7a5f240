#include "venus_wsi/config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *
env_or_null(vw_getenv_fn get, const char *name)
{
   const char *v = get(name);
   return (v && *v) ? v : NULL;
}

static bool
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
   char *end = NULL;
   unsigned long long v = strtoull(s, &end, 10);
   if (end == s || *end != '\0' || v < min || v > max)
      return false;
   *out = (uint32_t)v;
   return true;
}

static void
copy_path(char *dst, const char *src, uint32_t *problems)
{
   size_t n = strlen(src);
   if (n >= VW_CONFIG_PATH_MAX) {
      (*problems)++;
      dst[0] = '\0';
      return;
   }
   memcpy(dst, src, n + 1);
}

static int
parse_debug(const char *s, uint32_t *problems)
{
   static const struct { const char *word; int level; } words[] = {
      {"off", 0}, {"error", 1}, {"info", 2}, {"debug", 3},
   };
   for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
      if (!strcasecmp(s, words[i].word))
         return words[i].level;
   uint32_t n;
   if (parse_u32(s, 0, 100, &n))
      /* VENUS_WSI_DEBUG=1 is what people type: show errors and decisions. */
      return n == 0 ? 0 : (n == 1 ? 2 : 3);
   (*problems)++;
   return 2;
}

static uint32_t
parse_hide(const char *s, uint32_t *problems)
{
   static const struct { const char *word; uint32_t bits; } words[] = {
      {"swapchain", VW_HIDE_SWAPCHAIN}, {"dmabuf", VW_HIDE_DMABUF},
      {"hostptr", VW_HIDE_HOSTPTR},     {"syncfd", VW_HIDE_SYNCFD},
      {"extfd", VW_HIDE_EXTFD},         {"venus", VW_HIDE_VENUS},
      {"none", 0},
   };
   uint32_t bits = 0;
   char buf[256];
   if (strlen(s) >= sizeof(buf)) {
      (*problems)++;
      return 0;
   }
   strcpy(buf, s);
   char *save = NULL;
   for (char *tok = strtok_r(buf, ",: ", &save); tok; tok = strtok_r(NULL, ",: ", &save)) {
      bool found = false;
      for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
         if (!strcasecmp(tok, words[i].word)) {
            bits |= words[i].bits;
            found = true;
         }
      }
      if (!found)
         (*problems)++;
   }
   return bits;
}

void
vw_config_parse(struct vw_config *cfg, vw_getenv_fn get)
{
   memset(cfg, 0, sizeof(*cfg));
   cfg->mode = VW_MODE_AUTO;
   cfg->dump_every = 1;
   cfg->fence_timeout_ms = 10000;

   const char *v;
   if ((v = env_or_null(get, "VENUS_WSI"))) {
      if (!strcasecmp(v, "auto"))
         cfg->mode = VW_MODE_AUTO;
      else if (!strcasecmp(v, "force") || !strcasecmp(v, "on"))
         cfg->mode = VW_MODE_FORCE;
      else if (!strcasecmp(v, "off") || !strcmp(v, "0"))
         cfg->mode = VW_MODE_OFF;
      else
         cfg->problems++;
   }
   if ((v = env_or_null(get, "VENUS_WSI_DEBUG")))
      cfg->debug = parse_debug(v, &cfg->problems);
   if ((v = env_or_null(get, "VENUS_WSI_DUMP_DIR")))
      copy_path(cfg->dump_dir, v, &cfg->problems);
   if ((v = env_or_null(get, "VENUS_WSI_DUMP_EVERY")) &&
       !parse_u32(v, 1, UINT32_MAX, &cfg->dump_every))
      cfg->problems++;
   if ((v = env_or_null(get, "VENUS_WSI_HEADLESS_HZ")) &&
       !parse_u32(v, 0, 1000, &cfg->headless_hz))
      cfg->problems++;
   if ((v = env_or_null(get, "VENUS_WSI_PATH"))) {
      static const char *names[] = {"auto", "export", "import", "hostptr", "copy"};
      bool found = false;
      for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
         if (!strcasecmp(v, names[i])) {
            cfg->path = (enum vw_path)i;
            found = true;
         }
      }
      if (!found)
         cfg->problems++;
   }
   if ((v = env_or_null(get, "VENUS_WSI_HIDE")))
      cfg->hide = parse_hide(v, &cfg->problems);
   if ((v = env_or_null(get, "VENUS_WSI_DRM_DEVICE")))
      copy_path(cfg->drm_device, v, &cfg->problems);
   if ((v = env_or_null(get, "VENUS_WSI_KMS"))) {
      if (!strcasecmp(v, "legacy"))
         cfg->kms_api = VW_KMS_LEGACY;
      else if (!strcasecmp(v, "auto") || !strcasecmp(v, "atomic"))
         cfg->kms_api = VW_KMS_AUTO;
      else
         cfg->problems++;
   }
   if ((v = env_or_null(get, "VENUS_WSI_HOSTPTR_ALIGN")) &&
       (!parse_u32(v, 1, 1u << 30, &cfg->hostptr_align) ||
        (cfg->hostptr_align & (cfg->hostptr_align - 1)))) {
      cfg->hostptr_align = 0;
      cfg->problems++;
   }
   if ((v = env_or_null(get, "VENUS_WSI_STATS_FILE")))
      copy_path(cfg->stats_file, v, &cfg->problems);
   if ((v = env_or_null(get, "VENUS_WSI_FENCE_TIMEOUT_MS")) &&
       !parse_u32(v, 1, 3600u * 1000u, &cfg->fence_timeout_ms))
      cfg->problems++;
}

static struct vw_config global_config;
static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static const char *
real_getenv(const char *name)
{
   return getenv(name);
}

static void
load_global(void)
{
   vw_config_parse(&global_config, real_getenv);
   if (global_config.problems && global_config.debug)
      fprintf(stderr, "venus-wsi: %u VENUS_WSI_* value(s) not understood; defaults used\n",
              global_config.problems);
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
   }
   return "?";
}

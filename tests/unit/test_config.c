/* VENUS_WSI_* parsing: defaults, every variable, and what happens to nonsense. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "venus_wsi/config.h"

static const char *const *fake_env;

static const char *
fake_getenv(const char *name)
{
   for (const char *const *e = fake_env; e && *e; e += 2)
      if (!strcmp(e[0], name))
         return e[1];
   return NULL;
}

static struct vw_config
parse(const char *const *env)
{
   fake_env = env;
   struct vw_config cfg;
   vw_config_parse(&cfg, fake_getenv);
   return cfg;
}

static void
defaults(void **state)
{
   const char *env[] = {NULL};
   struct vw_config c = parse(env);
   assert_int_equal(c.mode, VW_MODE_AUTO);
   assert_int_equal(c.debug, 0);
   assert_string_equal(c.dump_dir, "");
   assert_int_equal(c.dump_every, 1);
   assert_int_equal(c.headless_hz, 0);
   assert_int_equal(c.path, VW_PATH_AUTO);
   assert_int_equal(c.hide, 0);
   assert_int_equal(c.kms_api, VW_KMS_AUTO);
   assert_int_equal(c.kms_update, VW_KMS_UPDATE_AUTO);
   assert_int_equal(c.fence_timeout_ms, 10000);
   assert_false(c.wayland_fifo_off);
   assert_int_equal(c.copy_threads, 1);
   assert_int_equal(c.problems, 0);
}

static void
every_variable(void **state)
{
   const char *env[] = {
      "VENUS_WSI", "force",
      "VENUS_WSI_DEBUG", "1",
      "VENUS_WSI_DUMP_DIR", "/tmp/frames",
      "VENUS_WSI_DUMP_EVERY", "30",
      "VENUS_WSI_HEADLESS_HZ", "60",
      "VENUS_WSI_PATH", "hostptr",
      "VENUS_WSI_HIDE", "dmabuf,syncfd",
      "VENUS_WSI_DRM_DEVICE", "/dev/dri/card1",
      "VENUS_WSI_KMS", "legacy",
      "VENUS_WSI_KMS_UPDATE", "flip",
      "VENUS_WSI_FENCE_TIMEOUT_MS", "2500",
      "VENUS_WSI_HOSTPTR_ALIGN", "16384",
      "VENUS_WSI_STATS_FILE", "/tmp/stats",
      "VENUS_WSI_WAYLAND_FIFO", "off",
      "VENUS_WSI_COPY_THREADS", "2",
      NULL,
   };
   struct vw_config c = parse(env);
   assert_int_equal(c.mode, VW_MODE_FORCE);
   assert_int_equal(c.debug, 2); /* 1 = errors and decisions */
   assert_string_equal(c.dump_dir, "/tmp/frames");
   assert_int_equal(c.dump_every, 30);
   assert_int_equal(c.headless_hz, 60);
   assert_int_equal(c.path, VW_PATH_HOSTPTR);
   assert_int_equal(c.hide, VW_HIDE_DMABUF | VW_HIDE_SYNCFD);
   assert_string_equal(c.drm_device, "/dev/dri/card1");
   assert_int_equal(c.kms_api, VW_KMS_LEGACY);
   assert_int_equal(c.kms_update, VW_KMS_UPDATE_FLIP);
   assert_int_equal(c.fence_timeout_ms, 2500);
   assert_int_equal(c.hostptr_align, 16384);
   assert_string_equal(c.stats_file, "/tmp/stats");
   assert_true(c.wayland_fifo_off);
   assert_int_equal(c.copy_threads, 2);
   assert_int_equal(c.problems, 0);
}

static void
modes_and_words(void **state)
{
   const char *off[] = {"VENUS_WSI", "off", NULL};
   assert_int_equal(parse(off).mode, VW_MODE_OFF);
   const char *upper[] = {"VENUS_WSI", "FORCE", "VENUS_WSI_DEBUG", "debug", NULL};
   struct vw_config c = parse(upper);
   assert_int_equal(c.mode, VW_MODE_FORCE);
   assert_int_equal(c.debug, 3);
   const char *venus[] = {"VENUS_WSI_HIDE", "venus", "VENUS_WSI_PATH", "copy", NULL};
   c = parse(venus);
   assert_int_equal(c.hide, VW_HIDE_VENUS);
   assert_int_equal(c.path, VW_PATH_COPY);
   const char *dirty[] = {"VENUS_WSI_KMS_UPDATE", " DirtyFB ", NULL};
   assert_int_equal(parse(dirty).kms_update, VW_KMS_UPDATE_DIRTYFB);
   const char *empty[] = {"VENUS_WSI", "", "VENUS_WSI_DUMP_DIR", "", NULL};
   c = parse(empty);
   assert_int_equal(c.mode, VW_MODE_AUTO); /* empty = unset */
   assert_int_equal(c.problems, 0);
}

static void
nonsense_keeps_defaults_and_is_counted(void **state)
{
   const char *env[] = {
      "VENUS_WSI", "sometimes",
      "VENUS_WSI_DUMP_EVERY", "0",
      "VENUS_WSI_HEADLESS_HZ", "60Hz",
      "VENUS_WSI_PATH", "teleport",
      "VENUS_WSI_HIDE", "swapchain,wings",
      "VENUS_WSI_KMS", "fast",
      "VENUS_WSI_KMS_UPDATE", "tear",
      "VENUS_WSI_FENCE_TIMEOUT_MS", "-5",
      "VENUS_WSI_HOSTPTR_ALIGN", "12288",
      "VENUS_WSI_WAYLAND_FIFO", "sometimes",
      "VENUS_WSI_COPY_THREADS", "3",
      NULL,
   };
   struct vw_config c = parse(env);
   assert_int_equal(c.mode, VW_MODE_AUTO);
   assert_int_equal(c.dump_every, 1);
   assert_int_equal(c.headless_hz, 0);
   assert_int_equal(c.path, VW_PATH_AUTO);
   assert_int_equal(c.hide, VW_HIDE_SWAPCHAIN); /* the known word still counts */
   assert_int_equal(c.kms_api, VW_KMS_AUTO);
   assert_int_equal(c.kms_update, VW_KMS_UPDATE_AUTO);
   assert_int_equal(c.fence_timeout_ms, 10000);
   assert_int_equal(c.hostptr_align, 0); /* not a power of two */
   assert_false(c.wayland_fifo_off);
   assert_int_equal(c.copy_threads, 1);
   assert_int_equal(c.problems, 11);
}

static void
overlong_path_is_refused(void **state)
{
   static char longpath[VW_CONFIG_PATH_MAX + 10];
   memset(longpath, 'a', sizeof(longpath) - 1);
   const char *env[] = {"VENUS_WSI_DUMP_DIR", longpath, NULL};
   struct vw_config c = parse(env);
   assert_string_equal(c.dump_dir, "");
   assert_int_equal(c.problems, 1);
   assert_non_null(strstr(c.notes[0], "VENUS_WSI_DUMP_DIR"));
   assert_non_null(strstr(c.notes[0], "no frames are dumped"));
}

/* An unusable device name must not quietly become /dev/dri/card0. */
static void
overlong_drm_device_means_no_display(void **state)
{
   static char longpath[VW_CONFIG_PATH_MAX + 10];
   memset(longpath, 'c', sizeof(longpath) - 1);
   const char *env[] = {"VENUS_WSI_DRM_DEVICE", longpath, NULL};
   struct vw_config c = parse(env);
   assert_true(c.drm_device_refused);
   assert_string_equal(c.drm_device, "");
   assert_int_equal(c.note_count, 1);
   assert_non_null(strstr(c.notes[0], "no display is used"));
   const char *fine[] = {"VENUS_WSI_DRM_DEVICE", "/dev/dri/card1", NULL};
   assert_false(parse(fine).drm_device_refused);
}

/* Each bad value: one line naming the variable, the value and what is used instead. */
static void
every_problem_is_described(void **state)
{
   const char *env[] = {
      "VENUS_WSI", "sometimes",
      "VENUS_WSI_DEBUG", "loud",
      "VENUS_WSI_DUMP_EVERY", "0",
      "VENUS_WSI_HEADLESS_HZ", "60Hz",
      "VENUS_WSI_PATH", "teleport",
      "VENUS_WSI_HIDE", "swapchain,wings",
      "VENUS_WSI_KMS", "fast",
      "VENUS_WSI_FENCE_TIMEOUT_MS", "-5",
      "VENUS_WSI_HOSTPTR_ALIGN", "12288",
      NULL,
   };
   struct vw_config c = parse(env);
   static const char *const expected[][3] = {
      {"VENUS_WSI=", "'sometimes'", "using auto"},
      {"VENUS_WSI_DEBUG", "'loud'", "using 1"},
      {"VENUS_WSI_DUMP_EVERY", "'0'", "using 1"},
      {"VENUS_WSI_HEADLESS_HZ", "'60Hz'", "using 0"},
      {"VENUS_WSI_PATH", "'teleport'", "using auto"},
      {"VENUS_WSI_HIDE", "'wings'", "ignored"},
      {"VENUS_WSI_KMS", "'fast'", "using auto"},
      {"VENUS_WSI_HOSTPTR_ALIGN", "'12288'", "driver's alignment"},
      {"VENUS_WSI_FENCE_TIMEOUT_MS", "'-5'", "using 10000"},
   };
   assert_int_equal(c.note_count, sizeof(expected) / sizeof(expected[0]));
   assert_int_equal(c.problems, c.note_count);
   for (uint32_t i = 0; i < c.note_count; i++)
      for (int k = 0; k < 3; k++)
         if (!strstr(c.notes[i], expected[i][k]))
            fail_msg("note %u '%s' lacks '%s'", i, c.notes[i], expected[i][k]);
}

/* What people type: blanks around words and numbers, and 1/0 for on/off. */
static void
blanks_and_switch_words(void **state)
{
   const char *blank[] = {"VENUS_WSI", " force", "VENUS_WSI_HEADLESS_HZ", "60 ",
                          "VENUS_WSI_PATH", "\tcopy\n", NULL};
   struct vw_config c = parse(blank);
   assert_int_equal(c.mode, VW_MODE_FORCE);
   assert_int_equal(c.headless_hz, 60);
   assert_int_equal(c.path, VW_PATH_COPY);
   assert_int_equal(c.problems, 0);
   const char *one[] = {"VENUS_WSI", "1", NULL};
   assert_int_equal(parse(one).mode, VW_MODE_FORCE);
   const char *zero[] = {"VENUS_WSI", "0", NULL};
   assert_int_equal(parse(zero).mode, VW_MODE_OFF);
   const char *yes[] = {"VENUS_WSI", "On", NULL};
   assert_int_equal(parse(yes).mode, VW_MODE_FORCE);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults),
      cmocka_unit_test(every_variable),
      cmocka_unit_test(modes_and_words),
      cmocka_unit_test(nonsense_keeps_defaults_and_is_counted),
      cmocka_unit_test(overlong_path_is_refused),
      cmocka_unit_test(overlong_drm_device_means_no_display),
      cmocka_unit_test(every_problem_is_described),
      cmocka_unit_test(blanks_and_switch_words),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

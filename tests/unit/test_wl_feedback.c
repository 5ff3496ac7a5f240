/* linux-dmabuf feedback as the Wayland backend reads it: the format table (a file the
 * compositor shares), tranches of indices into it, and 'done' publishing the result. The
 * handlers are called directly, as libwayland would with the events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drm_fourcc.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wayland/wayland.h"

struct entry {
   uint32_t fourcc;
   uint32_t pad;
   uint64_t modifier;
};

static const struct zwp_linux_dmabuf_feedback_v1_listener *L = &vw_wl_feedback_listener;

/* A format table as a compositor shares it: a sealed memfd. */
static int
table_fd(const struct entry *entries, uint32_t n)
{
   int fd = memfd_create("table", MFD_CLOEXEC);
   assert_true(fd >= 0);
   assert_int_equal(write(fd, entries, n * sizeof(*entries)), (ssize_t)(n * sizeof(*entries)));
   return fd;
}

static void
tranche(struct vw_wl_feedback *fb, const uint16_t *idx, uint32_t n)
{
   struct wl_array a = {.size = n * sizeof(uint16_t), .alloc = n * sizeof(uint16_t),
                        .data = (void *)idx};
   L->tranche_formats(fb, NULL, &a);
   L->tranche_done(fb, NULL);
}

static int dones_seen;
static void
count_done(void *data)
{
   dones_seen++;
}

static void
table_and_tranches_become_the_formats_at_done(void **state)
{
   struct vw_wl_feedback fb = {0};
   fb.on_done = count_done;
   dones_seen = 0;
   const struct entry table[] = {
      {DRM_FORMAT_XRGB8888, 0, DRM_FORMAT_MOD_LINEAR},
      {DRM_FORMAT_XRGB8888, 0, I915_FORMAT_MOD_X_TILED},
      {DRM_FORMAT_ARGB8888, 0, DRM_FORMAT_MOD_INVALID},
   };
   L->format_table(&fb, NULL, table_fd(table, 3), sizeof(table));
   dev_t dev = 0xe280; /* 226:128 */
   struct wl_array devs = {.size = sizeof(dev), .alloc = sizeof(dev), .data = &dev};
   L->main_device(&fb, NULL, &devs);
   const uint16_t first[] = {1}, second[] = {0, 2, 7 /* past the table: ignored */};
   tranche(&fb, first, 1);
   tranche(&fb, second, 3);
   assert_int_equal(fb.format_count, 0); /* nothing is published before 'done' */
   L->done(&fb, NULL);
   assert_int_equal(dones_seen, 1);
   assert_int_equal(fb.format_count, 3);
   assert_int_equal(fb.formats[0].modifier, I915_FORMAT_MOD_X_TILED);
   assert_true(fb.done_has_main_device);
   assert_int_equal(fb.done_main_device, dev);
   assert_true(vw_wl_formats_have_linear(fb.formats, fb.format_count, DRM_FORMAT_XRGB8888));
   /* An implicit modifier takes a linear buffer too. */
   assert_true(vw_wl_formats_have_linear(fb.formats, fb.format_count, DRM_FORMAT_ARGB8888));
   assert_false(vw_wl_formats_have_linear(fb.formats, fb.format_count, DRM_FORMAT_XBGR8888));
   /* What a linear buffer is sent with: LINEAR where listed, else implicit. */
   assert_true(vw_wl_linear_modifier(fb.formats, fb.format_count, DRM_FORMAT_XRGB8888) ==
               DRM_FORMAT_MOD_LINEAR);
   assert_true(vw_wl_linear_modifier(fb.formats, fb.format_count, DRM_FORMAT_ARGB8888) ==
               DRM_FORMAT_MOD_INVALID);
   vw_wl_feedback_finish(&fb);
}

static void
a_later_round_replaces_the_formats(void **state)
{
   struct vw_wl_feedback fb = {0};
   const struct entry table[] = {{DRM_FORMAT_XRGB8888, 0, DRM_FORMAT_MOD_LINEAR}};
   L->format_table(&fb, NULL, table_fd(table, 1), sizeof(table));
   const uint16_t idx[] = {0};
   tranche(&fb, idx, 1);
   L->done(&fb, NULL);
   assert_int_equal(fb.format_count, 1);
   /* The compositor moved the window: a new table with only a tiled layout. */
   const struct entry tiled[] = {{DRM_FORMAT_XRGB8888, 0, I915_FORMAT_MOD_Y_TILED}};
   L->format_table(&fb, NULL, table_fd(tiled, 1), sizeof(tiled));
   tranche(&fb, idx, 1);
   L->done(&fb, NULL);
   assert_int_equal(fb.dones, 2);
   assert_int_equal(fb.format_count, 1);
   assert_false(vw_wl_formats_have_linear(fb.formats, fb.format_count, DRM_FORMAT_XRGB8888));
   vw_wl_feedback_finish(&fb);
}

static void
only_layouts_the_layer_writes_are_kept(void **state)
{
   struct vw_wl_feedback fb = {0};
   const struct entry table[] = {
      {DRM_FORMAT_NV12, 0, DRM_FORMAT_MOD_LINEAR},
      {DRM_FORMAT_XRGB8888, 0, DRM_FORMAT_MOD_LINEAR},
   };
   L->format_table(&fb, NULL, table_fd(table, 2), sizeof(table));
   const uint16_t idx[] = {0, 1, 0};
   /* An odd byte count: the half index at the end is not read. */
   struct wl_array a = {.size = 5, .alloc = 6, .data = (void *)idx};
   L->tranche_formats(&fb, NULL, &a);
   L->done(&fb, NULL);
   assert_int_equal(fb.format_count, 1);
   assert_int_equal(fb.formats[0].fourcc, DRM_FORMAT_XRGB8888);
   vw_wl_feedback_finish(&fb);
}

static void
indices_before_any_table_are_dropped(void **state)
{
   struct vw_wl_feedback fb = {0};
   const uint16_t idx[] = {0, 1};
   tranche(&fb, idx, 2);
   L->done(&fb, NULL);
   assert_int_equal(fb.format_count, 0);
   vw_wl_feedback_finish(&fb);
}

static void
a_table_that_cannot_be_mapped_leaves_none(void **state)
{
   struct vw_wl_feedback fb = {0};
   int fd = memfd_create("empty", MFD_CLOEXEC); /* size 0: mmap fails */
   L->format_table(&fb, NULL, fd, 4096);
   assert_null(fb.table);
   const uint16_t idx[] = {0};
   tranche(&fb, idx, 1);
   L->done(&fb, NULL);
   assert_int_equal(fb.format_count, 0);
   vw_wl_feedback_finish(&fb);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(table_and_tranches_become_the_formats_at_done),
      cmocka_unit_test(a_later_round_replaces_the_formats),
      cmocka_unit_test(only_layouts_the_layer_writes_are_kept),
      cmocka_unit_test(indices_before_any_table_are_dropped),
      cmocka_unit_test(a_table_that_cannot_be_mapped_leaves_none),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

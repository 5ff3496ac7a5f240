/* Buffer-age damage: each buffer catches up on every present since it was last written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "venus_wsi/damage.h"

static const VkExtent2D extent = {1000, 500};

static struct vw_damage
rects(uint32_t n, const VkRect2D *r)
{
   struct vw_damage d = {.full = false, .count = n};
   for (uint32_t i = 0; i < n; i++)
      d.rects[i] = r[i];
   return d;
}

static struct vw_damage
one(int32_t x, int32_t y, uint32_t w, uint32_t h)
{
   VkRect2D r = {{x, y}, {w, h}};
   return rects(1, &r);
}

static void
never_written_buffer_copies_everything(void **state)
{
   struct vw_damage_log log;
   vw_damage_log_init(&log);
   struct vw_damage d = one(10, 10, 5, 5);
   uint64_t s = vw_damage_log_record(&log, &d);
   struct vw_damage out;
   vw_damage_log_union(&log, 0, s, extent, &out);
   assert_true(out.full);
}

static void
a_buffer_three_presents_behind_gets_three_damages(void **state)
{
   struct vw_damage_log log;
   vw_damage_log_init(&log);
   struct vw_damage full = {.full = true};
   uint64_t s0 = vw_damage_log_record(&log, &full);
   struct vw_damage a = one(0, 0, 10, 10), b = one(100, 100, 10, 10), c = one(200, 0, 10, 10);
   vw_damage_log_record(&log, &a);
   vw_damage_log_record(&log, &b);
   uint64_t s3 = vw_damage_log_record(&log, &c);
   struct vw_damage out;
   vw_damage_log_union(&log, s0, s3, extent, &out);
   assert_false(out.full);
   assert_int_equal(out.count, 3);
   assert_int_equal(vw_damage_area(&out, extent), 300);
   /* One present behind: only the last damage. */
   vw_damage_log_union(&log, s3 - 1, s3, extent, &out);
   assert_int_equal(out.count, 1);
   assert_int_equal(out.rects[0].offset.x, 200);
   /* Already current: nothing. */
   vw_damage_log_union(&log, s3, s3, extent, &out);
   assert_false(out.full);
   assert_int_equal(out.count, 0);
}

static void
a_full_present_in_between_makes_it_full(void **state)
{
   struct vw_damage_log log;
   vw_damage_log_init(&log);
   struct vw_damage a = one(0, 0, 10, 10), full = {.full = true};
   uint64_t s1 = vw_damage_log_record(&log, &a);
   vw_damage_log_record(&log, &full);
   uint64_t s3 = vw_damage_log_record(&log, &a);
   struct vw_damage out;
   vw_damage_log_union(&log, s1, s3, extent, &out);
   assert_true(out.full);
}

static void
repeated_and_contained_rectangles_merge(void **state)
{
   struct vw_damage_log log;
   vw_damage_log_init(&log);
   struct vw_damage big = one(0, 0, 100, 100), small = one(10, 10, 5, 5);
   uint64_t s0 = vw_damage_log_record(&log, &big);
   vw_damage_log_record(&log, &big);
   vw_damage_log_record(&log, &small);
   uint64_t s3 = vw_damage_log_record(&log, &big);
   struct vw_damage out;
   vw_damage_log_union(&log, s0, s3, extent, &out);
   assert_int_equal(out.count, 1);
   assert_int_equal(vw_damage_area(&out, extent), 10000);
}

static void
too_many_rectangles_become_their_bounding_box(void **state)
{
   struct vw_damage_log log;
   vw_damage_log_init(&log);
   struct vw_damage full = {.full = true};
   uint64_t s0 = vw_damage_log_record(&log, &full);
   uint64_t last = s0;
   for (int i = 0; i < 40; i++) {
      struct vw_damage d = one(i * 10, i * 5, 4, 4);
      last = vw_damage_log_record(&log, &d);
   }
   struct vw_damage out;
   vw_damage_log_union(&log, s0, last, extent, &out);
   assert_false(out.full);
   assert_int_equal(out.count, 1);
   assert_int_equal(out.rects[0].offset.x, 0);
   assert_int_equal(out.rects[0].offset.y, 0);
   assert_int_equal(out.rects[0].extent.width, 394);
   assert_int_equal(out.rects[0].extent.height, 199);
}

static void
a_box_covering_the_image_is_full(void **state)
{
   struct vw_damage_log log;
   vw_damage_log_init(&log);
   struct vw_damage whole = one(0, 0, 1000, 500);
   uint64_t s0 = vw_damage_log_record(&log, &whole);
   uint64_t s1 = vw_damage_log_record(&log, &whole);
   struct vw_damage out;
   vw_damage_log_union(&log, s0, s1, extent, &out);
   assert_true(out.full);
}

static void
history_longer_than_the_ring_is_full(void **state)
{
   struct vw_damage_log log;
   vw_damage_log_init(&log);
   struct vw_damage d = one(0, 0, 1, 1);
   uint64_t s0 = vw_damage_log_record(&log, &d);
   uint64_t last = s0;
   for (int i = 0; i < VW_DAMAGE_HISTORY; i++)
      last = vw_damage_log_record(&log, &d);
   struct vw_damage out;
   vw_damage_log_union(&log, s0, last, extent, &out);
   assert_false(out.full); /* exactly the ring's length back: still known */
   vw_damage_log_record(&log, &d);
   vw_damage_log_union(&log, s0, log.serial, extent, &out);
   assert_true(out.full);
}

static void
row_band_spans_every_rectangle_clipped_to_the_image(void **state)
{
   struct vw_damage d = one(10, 20, 5, 5);
   d.rects[1] = (VkRect2D){{0, 90}, {3, 1000}};
   d.count = 2;
   uint32_t y0, y1;
   vw_damage_row_band(&d, extent, &y0, &y1);
   assert_int_equal(y0, 20);
   assert_int_equal(y1, extent.height);
}

static void
row_band_is_every_row_when_full_or_empty(void **state)
{
   struct vw_damage full = {.full = true};
   struct vw_damage none = {0};
   struct vw_damage outside = one(0, (int32_t)extent.height + 5, 4, 4);
   const struct vw_damage *cases[] = {&full, &none, &outside};
   for (int i = 0; i < 3; i++) {
      uint32_t y0 = 7, y1 = 7;
      vw_damage_row_band(cases[i], extent, &y0, &y1);
      assert_int_equal(y0, 0);
      assert_int_equal(y1, extent.height);
   }
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(never_written_buffer_copies_everything),
      cmocka_unit_test(a_buffer_three_presents_behind_gets_three_damages),
      cmocka_unit_test(a_full_present_in_between_makes_it_full),
      cmocka_unit_test(repeated_and_contained_rectangles_merge),
      cmocka_unit_test(too_many_rectangles_become_their_bounding_box),
      cmocka_unit_test(a_box_covering_the_image_is_full),
      cmocka_unit_test(history_longer_than_the_ring_is_full),
      cmocka_unit_test(row_band_spans_every_rectangle_clipped_to_the_image),
      cmocka_unit_test(row_band_is_every_row_when_full_or_empty),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

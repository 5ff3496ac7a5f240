/* Path C sizing with 16 KiB pages and a 16 KiB import alignment (the user's aarch64 guest),
 * and with 4 KiB pages under a 16 KiB alignment (a guest with small pages on the same host). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "venus_wsi/hostptr_plan.h"

#define KIB 1024ull

static void
sixteen_k_pages_sixteen_k_alignment(void **state)
{
   struct vw_hostptr_plan p;
   /* 1280x800 XRGB8888: 4096000 bytes = 250 x 16 KiB exactly. */
   assert_true(vw_hostptr_plan(5120, 800, 16 * KIB, 16 * KIB, &p));
   assert_int_equal(p.import_size, 4096000);
   assert_int_equal(p.map_size, 4096000);
   assert_int_equal(p.alloc_height, 800);
   /* 800x600: 1920000 bytes -> 118 pages of 16 KiB = 1933312. */
   assert_true(vw_hostptr_plan(3200, 600, 16 * KIB, 16 * KIB, &p));
   assert_int_equal(p.import_size % (16 * KIB), 0);
   assert_int_equal(p.import_size, 1933312);
   assert_int_equal(p.map_size, 1933312);
   assert_true((uint64_t)p.alloc_height * 3200 >= p.map_size);
   assert_int_equal(p.alloc_height, 605);
}

static void
small_pages_under_a_large_alignment(void **state)
{
   struct vw_hostptr_plan p;
   /* 1024x768: 3145728 = 192 x 16 KiB. */
   assert_true(vw_hostptr_plan(4096, 768, 4 * KIB, 16 * KIB, &p));
   assert_int_equal(p.import_size, 3145728);
   assert_int_equal(p.alloc_height, 768);
   /* 1366x768 (pitch 5464): 4196352 bytes -> 257 x 16 KiB = 4210688. */
   assert_true(vw_hostptr_plan(5464, 768, 4 * KIB, 16 * KIB, &p));
   assert_int_equal(p.import_size, 4210688);
   assert_int_equal(p.import_size % (16 * KIB), 0);
   assert_int_equal(p.map_size % (4 * KIB), 0);
   assert_true((uint64_t)p.alloc_height * 5464 >= p.import_size);
   assert_true(p.alloc_height > 768);
}

static void
large_pages_small_alignment(void **state)
{
   struct vw_hostptr_plan p;
   /* 64 KiB pages, 4 KiB alignment: the mapping is the bigger one. */
   assert_true(vw_hostptr_plan(3200, 600, 64 * KIB, 4 * KIB, &p));
   assert_int_equal(p.import_size % (4 * KIB), 0);
   assert_int_equal(p.map_size % (64 * KIB), 0);
   assert_true(p.map_size >= p.import_size);
   assert_true((uint64_t)p.alloc_height * 3200 >= p.map_size);
}

static void
nonsense_is_refused(void **state)
{
   struct vw_hostptr_plan p;
   assert_false(vw_hostptr_plan(0, 600, 4096, 4096, &p));
   assert_false(vw_hostptr_plan(3200, 0, 4096, 4096, &p));
   assert_false(vw_hostptr_plan(3200, 600, 12288, 4096, &p)); /* not a power of two */
   assert_false(vw_hostptr_plan(3200, 600, 4096, 0, &p));
   assert_false(vw_hostptr_plan(4, 1, 4096, 1u << 20, &p)); /* would need 262144 rows */
}

/* A driver may report any power-of-two alignment: rounding a frame of nearly 2^64 bytes up
 * to 2^63 wraps, and the plan must then be refused, never smaller than the frame. */
static void
rounding_that_wraps_is_refused(void **state)
{
   struct vw_hostptr_plan p = {0};
   bool ok = vw_hostptr_plan(UINT32_MAX, UINT32_MAX, 4096, 1ull << 63, &p);
   assert_true(!ok || p.import_size >= (uint64_t)UINT32_MAX * UINT32_MAX);
   assert_false(ok);
   assert_false(vw_hostptr_plan(UINT32_MAX, UINT32_MAX, 1ull << 63, 4096, &p));
}

static void
pointers_align_up(void **state)
{
   assert_int_equal(vw_align_up_ptr(0x10000, 16 * KIB), 0x10000);
   assert_int_equal(vw_align_up_ptr(0x11000, 16 * KIB), 0x14000);
   assert_int_equal(vw_align_up_ptr(0x7f0000001000ull, 16 * KIB), 0x7f0000004000ull);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(sixteen_k_pages_sixteen_k_alignment),
      cmocka_unit_test(small_pages_under_a_large_alignment),
      cmocka_unit_test(large_pages_small_alignment),
      cmocka_unit_test(nonsense_is_refused),
      cmocka_unit_test(rounding_that_wraps_is_refused),
      cmocka_unit_test(pointers_align_up),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

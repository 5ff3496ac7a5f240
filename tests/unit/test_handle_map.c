/* The handle -> record map behind every dispatch lookup. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handle_map.h"

static void
insert_lookup_remove(void **state)
{
   struct vw_handle_map m = VW_HANDLE_MAP_INIT;
   int a, b;
   assert_null(vw_map_lookup(&m, 0x1000));
   assert_true(vw_map_insert(&m, 0x1000, &a));
   assert_true(vw_map_insert(&m, 0x2000, &b));
   assert_ptr_equal(vw_map_lookup(&m, 0x1000), &a);
   assert_ptr_equal(vw_map_lookup(&m, 0x2000), &b);
   assert_true(vw_map_insert(&m, 0x1000, &b)); /* replace */
   assert_ptr_equal(vw_map_lookup(&m, 0x1000), &b);
   assert_int_equal(vw_map_count(&m), 2);
   assert_ptr_equal(vw_map_remove(&m, 0x1000), &b);
   assert_null(vw_map_lookup(&m, 0x1000));
   assert_null(vw_map_remove(&m, 0x1000));
   assert_ptr_equal(vw_map_remove(&m, 0x2000), &b);
   assert_int_equal(vw_map_count(&m), 0);
   assert_null(m.keys); /* the last removal frees the table */
   assert_false(vw_map_insert(&m, 0, &a));
}

static void
many_keys_with_churn(void **state)
{
   struct vw_handle_map m = VW_HANDLE_MAP_INIT;
   static int values[5000];
   /* Aligned pointer-like keys, the worst case for a naive hash. */
   for (uint64_t i = 0; i < 5000; i++)
      assert_true(vw_map_insert(&m, 0x7f0000000000ull + i * 64, &values[i]));
   for (uint64_t i = 0; i < 5000; i += 2)
      assert_ptr_equal(vw_map_remove(&m, 0x7f0000000000ull + i * 64), &values[i]);
   for (uint64_t i = 0; i < 5000; i++)
      assert_ptr_equal(vw_map_lookup(&m, 0x7f0000000000ull + i * 64), i % 2 ? &values[i] : NULL);
   /* Tombstones are reused without losing entries. */
   for (int round = 0; round < 20; round++) {
      for (uint64_t i = 0; i < 5000; i += 2)
         assert_true(vw_map_insert(&m, 0x7f0000000000ull + i * 64, &values[i]));
      for (uint64_t i = 0; i < 5000; i += 2)
         vw_map_remove(&m, 0x7f0000000000ull + i * 64);
   }
   assert_int_equal(vw_map_count(&m), 2500);
   assert_true(m.capacity <= 16384);
   for (uint64_t i = 1; i < 5000; i += 2)
      vw_map_remove(&m, 0x7f0000000000ull + i * 64);
   assert_int_equal(vw_map_count(&m), 0);
}

struct worker {
   struct vw_handle_map *m;
   uint64_t base;
   int ok;
};

static void *
churn(void *arg)
{
   struct worker *w = arg;
   int v;
   w->ok = 1;
   for (int round = 0; round < 200; round++) {
      for (uint64_t i = 0; i < 50; i++)
         vw_map_insert(w->m, w->base + i * 16, &v);
      for (uint64_t i = 0; i < 50; i++)
         if (vw_map_lookup(w->m, w->base + i * 16) != &v)
            w->ok = 0;
      for (uint64_t i = 0; i < 50; i++)
         vw_map_remove(w->m, w->base + i * 16);
   }
   return NULL;
}

static void
threads_do_not_see_each_others_keys(void **state)
{
   struct vw_handle_map m = VW_HANDLE_MAP_INIT;
   struct worker w[4];
   pthread_t t[4];
   for (int i = 0; i < 4; i++) {
      w[i] = (struct worker){&m, 0x10000000ull * (uint64_t)(i + 1), 0};
      pthread_create(&t[i], NULL, churn, &w[i]);
   }
   for (int i = 0; i < 4; i++) {
      pthread_join(t[i], NULL);
      assert_true(w[i].ok);
   }
   assert_int_equal(vw_map_count(&m), 0);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(insert_lookup_remove),
      cmocka_unit_test(many_keys_with_churn),
      cmocka_unit_test(threads_do_not_see_each_others_keys),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

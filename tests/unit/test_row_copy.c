/* Path D's CPU copy: damaged rectangles between buffers of different strides, on one thread
 * or on two (copy_helper.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "venus_wsi/copy_helper.h"
#include "venus_wsi/row_copy.h"

#define W 64
#define H 32

static void
fill(uint32_t *p, uint32_t stride_px, uint32_t v)
{
   for (uint32_t y = 0; y < H; y++)
      for (uint32_t x = 0; x < stride_px; x++)
         p[y * stride_px + x] = v + y * 1000 + x;
}

static void
full_copy_with_equal_strides(void **state)
{
   uint32_t *src = malloc(W * H * 4), *dst = calloc(W * H, 4);
   fill(src, W, 7);
   struct vw_damage full = {.full = true};
   assert_int_equal(vw_copy_damage(dst, W * 4, src, W * 4, 4, (VkExtent2D){W, H}, &full),
                    W * H * 4);
   assert_memory_equal(dst, src, W * H * 4);
   free(src);
   free(dst);
}

static void
rectangles_only_between_different_strides(void **state)
{
   const uint32_t dst_stride = W + 16; /* a scanout pitch wider than the frame */
   uint32_t *src = malloc(W * H * 4), *dst = calloc(dst_stride * H, 4);
   fill(src, W, 1);
   VkRect2D r[2] = {{{2, 3}, {5, 4}}, {{60, 30}, {10, 10}}}; /* the second is clipped */
   struct vw_damage d = {.full = false, .count = 2, .rects = {r[0], r[1]}};
   uint64_t bytes = vw_copy_damage(dst, dst_stride * 4, src, W * 4, 4, (VkExtent2D){W, H}, &d);
   assert_int_equal(bytes, (5 * 4 + 4 * 2) * 4);
   for (uint32_t y = 0; y < H; y++) {
      for (uint32_t x = 0; x < W; x++) {
         bool in = (x >= 2 && x < 7 && y >= 3 && y < 7) || (x >= 60 && y >= 30);
         assert_int_equal(dst[y * dst_stride + x], in ? src[y * W + x] : 0);
      }
   }
   free(src);
   free(dst);
}

static void
sixteen_bit_pixels(void **state)
{
   uint16_t src[8 * 4], dst[8 * 4] = {0};
   for (int i = 0; i < 32; i++)
      src[i] = (uint16_t)(i + 1);
   VkRect2D r = {{1, 1}, {2, 2}};
   struct vw_damage d = {.full = false, .count = 1, .rects = {r}};
   vw_copy_damage(dst, 16, src, 16, 2, (VkExtent2D){8, 4}, &d);
   assert_int_equal(dst[9], src[9]);
   assert_int_equal(dst[10], src[10]);
   assert_int_equal(dst[17], src[17]);
   assert_int_equal(dst[8], 0);
   assert_int_equal(dst[11], 0);
}

/* Rows long enough for the streaming stores, at every alignment of source and destination
 * and with tails that are no multiple of the 64-byte block: exact bytes, nothing outside. */
static void
streamed_rows_at_every_alignment(void **state)
{
   enum { SW = 700, SH = 6, STRIDE = SW * 4 + 64 };
   uint8_t *src = malloc(STRIDE * SH + 64), *dst = malloc(STRIDE * SH + 64);
   for (size_t i = 0; i < STRIDE * SH + 64; i++)
      src[i] = (uint8_t)(i * 131 + 7);
   for (uint32_t so = 0; so < 16; so += 3) {
      for (uint32_t doff = 0; doff < 16; doff++) {
         for (uint32_t w = 64; w <= SW; w += 91) { /* 256 .. 2800 bytes per row */
            memset(dst, 0xee, STRIDE * SH + 64);
            VkRect2D r = {{3, 1}, {w - 3, 4}};
            struct vw_damage d = {.full = false, .count = 1, .rects = {r}};
            uint64_t bytes = vw_copy_damage(dst + doff, STRIDE, src + so, STRIDE, 4,
                                            (VkExtent2D){SW, SH}, &d);
            assert_int_equal(bytes, (uint64_t)(w - 3) * 4 * 4);
            for (uint32_t y = 0; y < SH; y++) {
               for (uint32_t x = 0; x < STRIDE; x++) {
                  bool in = y >= 1 && y < 5 && x >= 12 && x < w * 4;
                  uint8_t want = in ? src[so + y * STRIDE + x] : 0xee;
                  if (dst[doff + y * STRIDE + x] != want)
                     fail_msg("src+%u dst+%u w %u: byte (%u, %u) is %u, not %u", so, doff, w,
                              x, y, dst[doff + y * STRIDE + x], want);
               }
            }
         }
      }
   }
   /* A full frame whose rows fill the stride: one long span. */
   memset(dst, 0, STRIDE * SH + 64);
   struct vw_damage full = {.full = true};
   vw_copy_damage(dst + 5, STRIDE, src + 1, STRIDE, 4, (VkExtent2D){STRIDE / 4, SH}, &full);
   assert_memory_equal(dst + 5, src + 1, (size_t)STRIDE * SH);
   assert_int_equal(dst[5 + STRIDE * SH], 0);
   free(src);
   free(dst);
}

/* A rectangle whose offset + size passes 2^32 must still be clipped to the extent: in
 * 32 bits the sum wraps to a small number and the copy runs gigabytes past the rows. */
static void
rectangle_wrapping_32_bits_is_clipped(void **state)
{
   uint32_t *src = malloc(W * H * 4), *dst = calloc(W * H, 4);
   fill(src, W, 3);
   VkRect2D r[2] = {{{10, 3}, {UINT32_MAX - 5, 2}}, {{1, 20}, {2, UINT32_MAX - 15}}};
   struct vw_damage d = {.full = false, .count = 2, .rects = {r[0], r[1]}};
   uint64_t bytes = vw_copy_damage(dst, W * 4, src, W * 4, 4, (VkExtent2D){W, H}, &d);
   assert_int_equal(bytes, ((W - 10) * 2 + 2 * (H - 20)) * 4);
   for (uint32_t y = 0; y < H; y++) {
      for (uint32_t x = 0; x < W; x++) {
         bool in = (x >= 10 && y >= 3 && y < 5) || (x >= 1 && x < 3 && y >= 20);
         assert_int_equal(dst[y * W + x], in ? src[y * W + x] : 0);
      }
   }
   free(src);
   free(dst);
}

static void
split_into_two_bands(void **state)
{
   struct vw_damage first, second;
   struct vw_damage full = {.full = true};
   vw_damage_split_rows(&full, (VkExtent2D){W, 33}, &first, &second);
   assert_int_equal(first.count, 1);
   assert_int_equal(second.count, 1);
   assert_false(first.full);
   assert_int_equal(first.rects[0].offset.y, 0);
   assert_int_equal(first.rects[0].extent.height, 16);
   assert_int_equal(second.rects[0].offset.y, 16);
   assert_int_equal(second.rects[0].extent.height, 17);
   assert_int_equal(second.rects[0].extent.width, W);

   /* One row parts the bands, halfway down the damaged rows (2..31: row 16); a rectangle
    * past the extent is clipped, one outside dropped. */
   struct vw_damage d = {.count = 3,
                         .rects = {{{1, 2}, {5, 1}}, {{60, 30}, {10, 10}}, {{W, 0}, {4, 4}}}};
   vw_damage_split_rows(&d, (VkExtent2D){W, H}, &first, &second);
   assert_int_equal(first.count, 1);
   assert_int_equal(second.count, 1);
   assert_int_equal(first.rects[0].offset.y, 2);
   assert_int_equal(first.rects[0].extent.height, 1);
   assert_int_equal(second.rects[0].offset.y, 30);
   assert_int_equal(second.rects[0].extent.width, 4);
   assert_int_equal(second.rects[0].extent.height, 2);

   /* Overlapping rectangles: no row in both bands. */
   struct vw_damage o = {.count = 2, .rects = {{{0, 0}, {10, 20}}, {{5, 10}, {10, 20}}}};
   vw_damage_split_rows(&o, (VkExtent2D){W, H}, &first, &second);
   for (uint32_t i = 0; i < first.count; i++)
      assert_true(first.rects[i].offset.y + (int32_t)first.rects[i].extent.height <= 15);
   for (uint32_t i = 0; i < second.count; i++)
      assert_true(second.rects[i].offset.y >= 15);
   assert_int_equal(first.count, 2);
   assert_int_equal(second.count, 2);

   /* No rectangles: nothing in either. */
   struct vw_damage none = {.count = 0};
   vw_damage_split_rows(&none, (VkExtent2D){W, H}, &first, &second);
   assert_int_equal(first.count + second.count, 0);
}

/* Big enough for the helper to take half: 1024x512 of 4 bytes is 2 MiB. */
#define BW 1024
#define BH 512

static void
two_threads_copy_what_one_does(void **state)
{
   const uint32_t dst_stride = BW + 32;
   uint32_t *src = malloc((size_t)BW * BH * 4);
   uint32_t *one = calloc((size_t)dst_stride * BH, 4), *two = calloc((size_t)dst_stride * BH, 4);
   for (uint32_t i = 0; i < BW * BH; i++)
      src[i] = i * 2654435761u;
   struct vw_copy_helper helper = {0};
   struct vw_damage full = {.full = true};
   struct vw_damage rects = {.count = 2, .rects = {{{3, 5}, {1000, 400}}, {{0, 500}, {BW, 12}}}};
   /* Overlapping: the threads must not write the same rows (ThreadSanitizer would say). */
   struct vw_damage overlap = {.count = 2, .rects = {{{0, 0}, {BW, 300}}, {{0, 200}, {BW, 300}}}};
   const struct vw_damage *cases[] = {&full, &rects, &overlap};
   for (int round = 0; round < 2; round++) { /* started, stopped, started again */
      for (int c = 0; c < 3; c++) {
         memset(one, 0, (size_t)dst_stride * BH * 4);
         memset(two, 0, (size_t)dst_stride * BH * 4);
         uint64_t a = vw_copy_helper_copy(NULL, one, dst_stride * 4, src, BW * 4, 4,
                                          (VkExtent2D){BW, BH}, cases[c], NULL);
         uint64_t cpu = 0;
         uint64_t b = vw_copy_helper_copy(&helper, two, dst_stride * 4, src, BW * 4, 4,
                                          (VkExtent2D){BW, BH}, cases[c], &cpu);
         assert_true(cpu > 0); /* the helper's half, which the caller's clock misses */
         assert_true(helper.started);
         assert_int_equal(a, b);
         assert_memory_equal(one, two, (size_t)dst_stride * BH * 4);
      }
      vw_copy_helper_stop(&helper);
      assert_false(helper.started);
      vw_copy_helper_stop(&helper); /* idempotent */
   }
   /* A small update does not wake the helper. */
   struct vw_damage small = {.count = 1, .rects = {{{0, 0}, {16, 16}}}};
   uint64_t cpu = 1;
   vw_copy_helper_copy(&helper, two, dst_stride * 4, src, BW * 4, 4, (VkExtent2D){BW, BH}, &small,
                       &cpu);
   assert_int_equal(cpu, 0);
   assert_false(helper.started);
   free(src);
   free(one);
   free(two);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(full_copy_with_equal_strides),
      cmocka_unit_test(rectangles_only_between_different_strides),
      cmocka_unit_test(sixteen_bit_pixels),
      cmocka_unit_test(streamed_rows_at_every_alignment),
      cmocka_unit_test(rectangle_wrapping_32_bits_is_clipped),
      cmocka_unit_test(split_into_two_bands),
      cmocka_unit_test(two_threads_copy_what_one_does),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

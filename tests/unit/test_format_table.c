/* The fourcc <-> VkFormat table and the pixel conversion used for dumps. */
#include <drm_fourcc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "venus_wsi/format_table.h"

static void
bgra_is_xrgb8888(void **state)
{
   assert_int_equal(vw_drm_format_for_vk(VK_FORMAT_B8G8R8A8_UNORM, false), DRM_FORMAT_XRGB8888);
   assert_int_equal(vw_drm_format_for_vk(VK_FORMAT_B8G8R8A8_SRGB, false), DRM_FORMAT_XRGB8888);
   assert_int_equal(vw_drm_format_for_vk(VK_FORMAT_B8G8R8A8_UNORM, true), DRM_FORMAT_ARGB8888);
   assert_int_equal(vw_drm_format_for_vk(VK_FORMAT_R8G8B8A8_UNORM, false), DRM_FORMAT_XBGR8888);
   assert_int_equal(vw_drm_format_for_vk(VK_FORMAT_A2R10G10B10_UNORM_PACK32, false),
                    DRM_FORMAT_XRGB2101010);
   assert_int_equal(vw_drm_format_for_vk(VK_FORMAT_R5G6B5_UNORM_PACK16, true), DRM_FORMAT_RGB565);
   assert_int_equal(vw_drm_format_for_vk(VK_FORMAT_R16G16B16A16_SFLOAT, false), 0);
}

static void
lookups_agree_both_ways(void **state)
{
   for (uint32_t i = 0; i < vw_format_count(); i++) {
      const struct vw_format_info *f = vw_format_at(i);
      assert_ptr_equal(vw_format_from_drm(f->drm_format), f);
      if (f->drm_format_alpha)
         assert_ptr_equal(vw_format_from_drm(f->drm_format_alpha), f);
      assert_ptr_equal(vw_format_from_vk(f->unorm), f);
      if (f->srgb != VK_FORMAT_UNDEFINED)
         assert_ptr_equal(vw_format_from_vk(f->srgb), f);
   }
   assert_null(vw_format_at(vw_format_count()));
   assert_null(vw_format_from_drm(0));
   assert_null(vw_format_from_vk(VK_FORMAT_UNDEFINED));
   /* The preferred entry is what every KMS driver scans out. */
   assert_int_equal(vw_format_at(0)->drm_format, DRM_FORMAT_XRGB8888);
}

static void
rows_convert_to_rgb8(void **state)
{
   /* XRGB8888 in memory is B, G, R, X. */
   const uint8_t bgrx[8] = {0x10, 0x20, 0x30, 0xff, 0xff, 0x00, 0x80, 0x00};
   uint8_t rgb[6];
   vw_format_row_to_rgb8(vw_format_from_vk(VK_FORMAT_B8G8R8A8_UNORM), bgrx, 2, rgb);
   const uint8_t want[6] = {0x30, 0x20, 0x10, 0x80, 0x00, 0xff};
   assert_memory_equal(rgb, want, 6);

   vw_format_row_to_rgb8(vw_format_from_vk(VK_FORMAT_R8G8B8A8_UNORM), bgrx, 1, rgb);
   const uint8_t want_rgba[3] = {0x10, 0x20, 0x30};
   assert_memory_equal(rgb, want_rgba, 3);

   /* RGB565 full scale is 255, not 248. */
   const uint8_t white565[2] = {0xff, 0xff};
   vw_format_row_to_rgb8(vw_format_from_vk(VK_FORMAT_R5G6B5_UNORM_PACK16), white565, 1, rgb);
   assert_int_equal(rgb[0], 255);
   assert_int_equal(rgb[1], 255);
   assert_int_equal(rgb[2], 255);
   const uint8_t red565[2] = {0x00, 0xf8};
   vw_format_row_to_rgb8(vw_format_from_vk(VK_FORMAT_R5G6B5_UNORM_PACK16), red565, 1, rgb);
   assert_int_equal(rgb[0], 255);
   assert_int_equal(rgb[1], 0);
   assert_int_equal(rgb[2], 0);

   /* 2101010: R = all ones, G = half, B = 0. */
   uint32_t px = (0x3ffu << 20) | (0x200u << 10);
   uint8_t bytes[4] = {(uint8_t)px, (uint8_t)(px >> 8), (uint8_t)(px >> 16), (uint8_t)(px >> 24)};
   vw_format_row_to_rgb8(vw_format_from_vk(VK_FORMAT_A2R10G10B10_UNORM_PACK32), bytes, 1, rgb);
   assert_int_equal(rgb[0], 255);
   assert_int_equal(rgb[1], 128);
   assert_int_equal(rgb[2], 0);
}

static void
fourcc_prints(void **state)
{
   char buf[5];
   assert_string_equal(vw_fourcc_str(DRM_FORMAT_XRGB8888, buf), "XR24");
   assert_string_equal(vw_fourcc_str(0x01020304, buf), "????");
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(bgra_is_xrgb8888),
      cmocka_unit_test(lookups_agree_both_ways),
      cmocka_unit_test(rows_convert_to_rgb8),
      cmocka_unit_test(fourcc_prints),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

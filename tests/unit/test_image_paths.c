/* The parts of the shared scanout paths that need no driver: path D's CPU copy into a
 * provider's buffer (only the damage, stride to stride, counted), which paths want the
 * present copy, freeing what the backend did not take over, an unknown format refused
 * before anything is asked of the provider, and the KMS provider offering only what its
 * device can do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image_paths/image_paths.h"
#include "kms/kms_buffers.h"

#define W 16
#define H 8
#define DST_STRIDE (W + 4) /* a provider pitch wider than the frame, in pixels */

static int destroyed;

static void
count_destroy(void *ctx, struct vw_provided_buffer *buf)
{
   destroyed++;
}

static int
refuse_create(void *ctx, VkExtent2D extent, uint32_t rows, struct vw_provided_buffer *out)
{
   fail_msg("the provider was asked for a buffer");
   return -1;
}

static void
copy_brings_only_the_damage(void **state)
{
   static struct vw_swapchain sc;
   static struct vw_image_paths paths;
   uint32_t src[W * H], dst[DST_STRIDE * H];
   for (uint32_t i = 0; i < W * H; i++)
      src[i] = 0x01000000u + i;
   memset(dst, 0, sizeof(dst));
   memset(&sc, 0, sizeof(sc));
   pthread_mutex_init(&sc.pres.lock, NULL);
   sc.path = VW_PATH_COPY;
   sc.extent = (VkExtent2D){W, H};
   sc.images[1].copy = (struct vw_copy_target){
      .map = src, .row_bytes = W * 4, .row_pixels = W, .coherent = true,
   };
   paths = (struct vw_image_paths){
      .fmt = vw_format_from_vk(VK_FORMAT_B8G8R8A8_UNORM),
      .bufs[1] = {.handle = dst, .pitch = DST_STRIDE * 4, .size = sizeof(dst), .map = dst},
   };
   struct vw_damage damage = {.count = 1, .rects = {{{2, 3}, {4, 2}}}};
   vw_image_paths_before_show(&paths, &sc, 1, &damage);
   assert_int_equal(sc.stats.copy_bytes, 4 * 2 * 4);
   for (uint32_t y = 0; y < H; y++)
      for (uint32_t x = 0; x < DST_STRIDE; x++) {
         bool in = x >= 2 && x < 6 && y >= 3 && y < 5;
         assert_int_equal(dst[y * DST_STRIDE + x], in ? src[y * W + x] : 0);
      }

   /* Other paths have nothing for the CPU to do. */
   sc.path = VW_PATH_HOSTPTR;
   memset(dst, 0, sizeof(dst));
   vw_image_paths_before_show(&paths, &sc, 1, &(struct vw_damage){.full = true});
   assert_int_equal(sc.stats.copy_bytes, 4 * 2 * 4);
   assert_int_equal(dst[0], 0);
   pthread_mutex_destroy(&sc.pres.lock);
}

static void
copy_paths_want_the_present_copy(void **state)
{
   struct vw_swapchain sc = {.path = VW_PATH_EXPORT};
   assert_false(vw_image_paths_wants_copy(&sc));
   sc.path = VW_PATH_IMPORT;
   assert_false(vw_image_paths_wants_copy(&sc));
   sc.path = VW_PATH_HOSTPTR;
   assert_true(vw_image_paths_wants_copy(&sc));
   sc.path = VW_PATH_COPY;
   assert_true(vw_image_paths_wants_copy(&sc));
}

static void
frees_what_was_not_taken_over(void **state)
{
   static struct vw_image_paths paths;
   static int a, b;
   paths = (struct vw_image_paths){
      .provider = {.destroy = count_destroy},
      .bufs = {[0] = {.handle = &a}, [2] = {.handle = &b}},
   };
   /* The backend keeps image 2's buffer on screen. */
   paths.bufs[2] = (struct vw_provided_buffer){0};
   destroyed = 0;
   vw_image_paths_free_buffers(&paths);
   assert_int_equal(destroyed, 1);
   assert_null(paths.bufs[0].handle);
   vw_image_paths_free_buffers(&paths);
   assert_int_equal(destroyed, 1);
}

static void
unknown_format_refused_first(void **state)
{
   static struct vw_swapchain sc;
   static struct vw_image_paths paths;
   memset(&sc, 0, sizeof(sc));
   sc.format = VK_FORMAT_UNDEFINED;
   sc.image_count = 2;
   struct vw_buffer_provider provider = {
      .name = "a test", .buffers = "buffers", .create = refuse_create,
      .destroy = count_destroy,
   };
   assert_int_equal(vw_image_paths_create(&paths, &sc, &provider),
                    VK_ERROR_FORMAT_NOT_SUPPORTED);
}

static void
kms_provider_offers_what_the_device_can(void **state)
{
   struct vw_kms_device dev = {.fd = -1};
   struct vw_kms_buffers kb = {&dev, 0};
   struct vw_buffer_provider p = vw_kms_buffer_provider(&kb);
   assert_null(p.create);
   assert_null(p.map);
   assert_null(p.export_dma_buf);
   assert_null(p.import_dma_buf);
   assert_non_null(p.destroy);
   assert_ptr_equal(p.ctx, &kb);

   dev.dumb = true;
   dev.prime_import = true;
   p = vw_kms_buffer_provider(&kb);
   assert_non_null(p.create);
   assert_non_null(p.map);
   assert_null(p.export_dma_buf);
   assert_non_null(p.import_dma_buf);

   dev.prime_export = true;
   p = vw_kms_buffer_provider(&kb);
   assert_non_null(p.export_dma_buf);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(copy_brings_only_the_damage),
      cmocka_unit_test(copy_paths_want_the_present_copy),
      cmocka_unit_test(frees_what_was_not_taken_over),
      cmocka_unit_test(unknown_format_refused_first),
      cmocka_unit_test(kms_provider_offers_what_the_device_can),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

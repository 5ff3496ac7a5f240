/* The scanout path order and its fallbacks, given what a driver and a buffer provider can
 * do: A export, B import, E host-pointer images, C host pointer, F linear copy, D copy; B
 * never on Venus unless forced, F on Venus or when forced; a forced
 * path never falls back; the driver's dma-buf image query only asked when nothing else
 * rules a path out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "venus_wsi/path_choice.h"

struct probe {
   bool export_ok, import_ok; /* the driver's dma-buf image answers */
   int asked;                 /* how often it was asked */
   VkResult result[8];        /* what trying each path gives */
   bool host_image_ok;        /* the driver's host-memory image answer */
   int host_asked;
   bool linear_image_ok;      /* the driver's linear image answer */
   int linear_asked;
   enum vw_path tried[8];
   int tries;
};

static bool
image_ok(void *ctx, bool import)
{
   struct probe *p = ctx;
   p->asked++;
   return import ? p->import_ok : p->export_ok;
}

static bool
host_image(void *ctx)
{
   struct probe *p = ctx;
   p->host_asked++;
   return p->host_image_ok;
}

static bool
linear_image(void *ctx)
{
   struct probe *p = ctx;
   p->linear_asked++;
   return p->linear_image_ok;
}

static VkResult
try_path(void *ctx, enum vw_path path)
{
   struct probe *p = ctx;
   p->tried[p->tries++] = path;
   return p->result[path];
}

/* A shared-memory provider (X11, Wayland): no dma-bufs, host-pointer images. */
static struct vw_path_caps
shared_memory(struct probe *p)
{
   *p = (struct probe){.host_image_ok = true};
   return (struct vw_path_caps){
      .provider = "the Wayland backend",
      .buffers = "shared memory buffers",
      .provider_buffers = true,
      .provider_maps = true,
      .provider_host_images = true,
      .host_pointer = true,
      .dma_buf_image_ok = image_ok,
      .host_image_ok = host_image,
      .ctx = p,
   };
}

/* A driver and provider that can do everything. */
static struct vw_path_caps
everything(struct probe *p)
{
   *p = (struct probe){.export_ok = true, .import_ok = true};
   return (struct vw_path_caps){
      .provider = "the KMS device",
      .buffers = "dumb buffers",
      .provider_buffers = true,
      .provider_maps = true,
      .provider_imports_dma_buf = true,
      .provider_exports_dma_buf = true,
      .dma_buf = true,
      .drm_format_modifier = true,
      .api_1_2 = true,
      .host_pointer = true,
      .dma_buf_image_ok = image_ok,
      .ctx = p,
   };
}

static VkResult
choose(struct vw_path_caps *caps, struct probe *p, enum vw_path wanted, enum vw_path *chosen)
{
   *chosen = VW_PATH_AUTO;
   return vw_path_choose(caps, wanted, try_path, p, chosen);
}

static void
fastest_first(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_EXPORT);
   assert_int_equal(p.tries, 1);
}

static void
falls_back_in_order(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   p.result[VW_PATH_EXPORT] = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   p.result[VW_PATH_IMPORT] = VK_ERROR_INVALID_EXTERNAL_HANDLE;
   p.result[VW_PATH_HOSTPTR] = VK_ERROR_FEATURE_NOT_PRESENT;
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_COPY);
   assert_int_equal(p.tries, 4);
   assert_int_equal(p.tried[0], VW_PATH_EXPORT);
   assert_int_equal(p.tried[1], VW_PATH_IMPORT);
   assert_int_equal(p.tried[2], VW_PATH_HOSTPTR);
   assert_int_equal(p.tried[3], VW_PATH_COPY);
}

static void
last_failure_is_returned(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   caps.provider_buffers = false; /* only A is possible */
   p.result[VW_PATH_EXPORT] = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_ERROR_OUT_OF_DEVICE_MEMORY);
   assert_int_equal(chosen, VW_PATH_AUTO);
   assert_int_equal(p.tries, 1);
}

static void
import_not_on_venus_unless_forced(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   caps.venus = true;
   caps.dma_buf = false; /* Venus as the user runs it: C first */
   enum vw_path chosen;
   char why[160];
   assert_non_null(vw_path_unavailable(&caps, VW_PATH_IMPORT, false, why, sizeof(why)));
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_HOSTPTR);

   caps = everything(&p);
   caps.venus = true;
   p.result[VW_PATH_EXPORT] = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_HOSTPTR);
   assert_int_equal(p.tried[1], VW_PATH_HOSTPTR);

   caps = everything(&p);
   caps.venus = true;
   assert_int_equal(choose(&caps, &p, VW_PATH_IMPORT, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_IMPORT);
}

static void
forced_path_never_falls_back(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   p.result[VW_PATH_HOSTPTR] = VK_ERROR_FEATURE_NOT_PRESENT;
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_HOSTPTR, &chosen), VK_ERROR_FEATURE_NOT_PRESENT);
   assert_int_equal(p.tries, 1);
   assert_int_equal(p.tried[0], VW_PATH_HOSTPTR);
   assert_int_equal(chosen, VW_PATH_AUTO);

   /* Not possible at all: nothing is tried. */
   caps = everything(&p);
   caps.host_pointer = false;
   assert_int_equal(choose(&caps, &p, VW_PATH_HOSTPTR, &chosen),
                    VK_ERROR_INITIALIZATION_FAILED);
   assert_int_equal(p.tries, 0);
}

static void
driver_query_only_when_needed(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   caps.dma_buf = false;
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_HOSTPTR);
   assert_int_equal(p.asked, 0);

   /* A provider that takes no dma-bufs, and one that gives none out. */
   caps = everything(&p);
   caps.provider_imports_dma_buf = false;
   caps.provider_exports_dma_buf = false;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_HOSTPTR);
   assert_int_equal(p.asked, 0);

   /* The driver says no to both kinds of dma-buf image. */
   caps = everything(&p);
   p.export_ok = p.import_ok = false;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_HOSTPTR);
   assert_int_equal(p.asked, 2);
   assert_int_equal(p.tries, 1);
}

static void
paths_c_and_d_need_provider_buffers(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   caps.dma_buf = false;
   caps.provider_buffers = false;
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_ERROR_INITIALIZATION_FAILED);
   assert_int_equal(p.tries, 0);

   /* Buffers it cannot map are still good for B. */
   caps = everything(&p);
   caps.provider_maps = false;
   p.result[VW_PATH_EXPORT] = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_IMPORT);
   char why[160];
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_COPY, false, why, sizeof(why)),
                       "the KMS device has no dumb buffers");

   /* No host pointers: straight to D. */
   caps = everything(&p);
   caps.dma_buf = false;
   caps.host_pointer = false;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_COPY);
   assert_int_equal(p.tries, 1);
}

static void
reasons_name_the_provider(void **state)
{
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   char why[160];
   caps.provider_imports_dma_buf = false;
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_EXPORT, false, why, sizeof(why)),
                       "the KMS device imports no dma-bufs");
   caps.provider_buffers = false;
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_IMPORT, false, why, sizeof(why)),
                       "the KMS device exports no dumb buffers");
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_COPY, false, why, sizeof(why)),
                       "the KMS device has no dumb buffers");
   caps = everything(&p);
   caps.drm_format_modifier = false;
   caps.api_1_2 = false;
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_IMPORT, true, why, sizeof(why)),
                       "VK_EXT_image_drm_format_modifier needs an app on Vulkan 1.2 or later");
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_AUTO, false, why, sizeof(why)),
                       "unknown path");
}

static void
host_pointer_images_before_copies(void **state)
{
   struct probe p;
   struct vw_path_caps caps = shared_memory(&p);
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_HOSTPTR_IMAGE);
   assert_int_equal(p.tries, 1);
   assert_int_equal(p.asked, 0); /* no dma-buf: never asked about dma-buf images */

   /* An image the buffer cannot back (another row pitch): C, then D. */
   caps = shared_memory(&p);
   p.result[VW_PATH_HOSTPTR_IMAGE] = VK_ERROR_FEATURE_NOT_PRESENT;
   p.result[VW_PATH_HOSTPTR] = VK_ERROR_FEATURE_NOT_PRESENT;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_COPY);
   assert_int_equal(p.tries, 3);
   assert_int_equal(p.tried[0], VW_PATH_HOSTPTR_IMAGE);
   assert_int_equal(p.tried[1], VW_PATH_HOSTPTR);

   /* The driver makes no such images: not tried; Venus (no host pointers): D alone. */
   caps = shared_memory(&p);
   p.host_image_ok = false;
   char why[160];
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_HOSTPTR_IMAGE, false, why, sizeof(why)),
                       "the driver makes no linear images of this kind in host memory");
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_HOSTPTR);
   caps = shared_memory(&p);
   caps.host_pointer = false;
   caps.venus = true;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_COPY);
   assert_int_equal(p.host_asked, 0);
}

static void
host_pointer_images_only_for_providers_that_take_them(void **state)
{
   /* KMS scans a buffer out while the app may render the next frame elsewhere; its dumb
    * buffers are never image memory themselves. */
   struct probe p;
   struct vw_path_caps caps = everything(&p);
   char why[160];
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_HOSTPTR_IMAGE, false, why, sizeof(why)),
                       "the KMS device cannot show images' own memory");
   enum vw_path chosen;
   assert_int_equal(choose(&caps, &p, VW_PATH_HOSTPTR_IMAGE, &chosen),
                    VK_ERROR_INITIALIZATION_FAILED);
   assert_int_equal(p.tries, 0);
}

/* A KMS device on Venus: no dma-buf images, no host pointers, linear images. */
static struct vw_path_caps
venus_display(struct probe *p)
{
   struct vw_path_caps caps = everything(p);
   p->linear_image_ok = true;
   caps.venus = true;
   caps.dma_buf = false;
   caps.host_pointer = false;
   caps.linear_image_ok = linear_image;
   return caps;
}

static void
linear_copy_on_venus_or_when_asked_for(void **state)
{
   struct probe p;
   struct vw_path_caps caps = venus_display(&p);
   enum vw_path chosen;
   char why[160];
   /* On Venus F comes before D by itself (measured faster there). */
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_LINEAR_COPY);
   assert_int_equal(p.tries, 1);
   assert_int_equal(p.linear_asked, 1);

   /* Elsewhere (lavapipe made to look like Venus, any other driver without host pointers):
    * D, and the driver not asked. */
   caps = venus_display(&p);
   caps.venus = false;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_COPY);
   assert_int_equal(p.tries, 1);
   assert_int_equal(p.linear_asked, 0);
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_LINEAR_COPY, false, why, sizeof(why)),
                       "tried only on Venus or when VENUS_WSI_PATH=linear-copy");

   /* On Venus without linear images of the kind: D. */
   caps = venus_display(&p);
   p.linear_image_ok = false;
   assert_int_equal(choose(&caps, &p, VW_PATH_AUTO, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_COPY);

   /* Asked for: F, after asking the driver once. */
   caps = venus_display(&p);
   assert_int_equal(choose(&caps, &p, VW_PATH_LINEAR_COPY, &chosen), VK_SUCCESS);
   assert_int_equal(chosen, VW_PATH_LINEAR_COPY);
   assert_int_equal(p.tries, 1);
   assert_int_equal(p.linear_asked, 1);

   /* A driver without such images, or a provider without mapped buffers: not tried, and
    * no fallback. */
   caps = venus_display(&p);
   p.linear_image_ok = false;
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_LINEAR_COPY, true, why, sizeof(why)),
                       "the driver makes no linear images of this kind");
   assert_int_equal(choose(&caps, &p, VW_PATH_LINEAR_COPY, &chosen),
                    VK_ERROR_INITIALIZATION_FAILED);
   assert_int_equal(p.tries, 0);
   caps = venus_display(&p);
   caps.provider_maps = false;
   assert_string_equal(vw_path_unavailable(&caps, VW_PATH_LINEAR_COPY, true, why, sizeof(why)),
                       "the KMS device has no dumb buffers");
   assert_int_equal(p.linear_asked, 0);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(fastest_first),
      cmocka_unit_test(falls_back_in_order),
      cmocka_unit_test(last_failure_is_returned),
      cmocka_unit_test(import_not_on_venus_unless_forced),
      cmocka_unit_test(forced_path_never_falls_back),
      cmocka_unit_test(driver_query_only_when_needed),
      cmocka_unit_test(paths_c_and_d_need_provider_buffers),
      cmocka_unit_test(host_pointer_images_before_copies),
      cmocka_unit_test(host_pointer_images_only_for_providers_that_take_them),
      cmocka_unit_test(linear_copy_on_venus_or_when_asked_for),
      cmocka_unit_test(reasons_name_the_provider),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

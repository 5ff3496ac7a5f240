/* The display extensions' decisions: which fd vkAcquireDrmDisplayEXT takes, DPMS values,
 * the VBLANK counter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <xf86drmMode.h>

#include "venus_wsi/display_logic.h"

static void
acquire(void **state)
{
   (void)state;
   struct vw_acquire_facts ok = {true, true, true, -1, true};
   assert_int_equal(vw_acquire_verdict(&ok, 7), VK_SUCCESS);
   struct vw_acquire_facts f = ok;
   f.same_card = false; /* the spec's answer for another device's fd */
   assert_int_equal(vw_acquire_verdict(&f, 7), VK_ERROR_UNKNOWN);
   f = ok;
   f.master = false;
   assert_int_equal(vw_acquire_verdict(&f, 7), VK_ERROR_INITIALIZATION_FAILED);
   f = ok;
   f.sees_connector = false; /* a lease without this connector */
   assert_int_equal(vw_acquire_verdict(&f, 7), VK_ERROR_INITIALIZATION_FAILED);
   f = ok;
   f.device_idle = false; /* a swapchain presents through the layer's own file */
   assert_int_equal(vw_acquire_verdict(&f, 7), VK_ERROR_INITIALIZATION_FAILED);
   f = ok;
   f.borrowed_from = 7; /* the same fd again (another display of it) */
   f.device_idle = false;
   assert_int_equal(vw_acquire_verdict(&f, 7), VK_SUCCESS);
   assert_int_equal(vw_acquire_verdict(&f, 9), VK_ERROR_INITIALIZATION_FAILED);
   f.same_card = false; /* another card is that, whatever else */
   assert_int_equal(vw_acquire_verdict(&f, 7), VK_ERROR_UNKNOWN);
}

static void
dpms(void **state)
{
   (void)state;
   uint64_t v = 99;
   assert_true(vw_dpms_for_power_state(VK_DISPLAY_POWER_STATE_OFF_EXT, &v));
   assert_int_equal(v, DRM_MODE_DPMS_OFF);
   assert_true(vw_dpms_for_power_state(VK_DISPLAY_POWER_STATE_SUSPEND_EXT, &v));
   assert_int_equal(v, DRM_MODE_DPMS_SUSPEND);
   assert_true(vw_dpms_for_power_state(VK_DISPLAY_POWER_STATE_ON_EXT, &v));
   assert_int_equal(v, DRM_MODE_DPMS_ON);
   assert_false(vw_dpms_for_power_state((VkDisplayPowerStateEXT)3, &v));
}

static void
vblank_counter(void **state)
{
   (void)state;
   const uint64_t p = 16666667; /* 60 Hz */
   assert_int_equal(vw_vblank_counter(1000, 1000, p, 5), 0);
   assert_int_equal(vw_vblank_counter(1000, 1000 + p - 1, p, 5), 0);
   assert_int_equal(vw_vblank_counter(1000, 1000 + p, p, 5), 1);
   assert_int_equal(vw_vblank_counter(1000, 1000 + 60 * p, p, 0), 60);
   assert_int_equal(vw_vblank_counter(2000, 1000, p, 5), 0); /* clock before creation */
   /* Displays that pace themselves: the flips seen. */
   assert_int_equal(vw_vblank_counter(1000, 1000 + 60 * p, 0, 42), 42);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(acquire),
      cmocka_unit_test(dpms),
      cmocka_unit_test(vblank_counter),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

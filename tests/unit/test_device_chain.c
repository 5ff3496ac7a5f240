/* The device create info's chain without the layer's feature structures: the app's
 * structures untouched (they may be const), copies only where they must be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "device_chain.h"

static const VkStructureType drop[] = {
   VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR,
   VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_FEATURES_KHR,
};

static uint32_t
chain_types(const void *chain, VkStructureType *types, uint32_t max)
{
   uint32_t n = 0;
   for (const VkBaseInStructure *s = chain; s && n < max; s = s->pNext)
      types[n++] = s->sType;
   return n;
}

static void
nothing_to_drop_is_the_same_chain(void **state)
{
   VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
   void *mem = (void *)1;
   bool complete = false;
   assert_ptr_equal(vw_chain_without(&f12, drop, 2, &mem, &complete), &f12);
   assert_null(mem);
   assert_true(complete);
   assert_null(vw_chain_without(NULL, drop, 2, &mem, &complete));
}

/* 12 -> id -> 13 -> wait -> 11: 12 and 13 are copied, 11 is the app's own. */
static void
dropped_in_the_middle_leave_the_app_chain_alone(void **state)
{
   VkPhysicalDeviceVulkan11Features f11 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
                                           .multiview = VK_TRUE};
   VkPhysicalDevicePresentWaitFeaturesKHR wait = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_FEATURES_KHR, .pNext = &f11,
      .presentWait = VK_TRUE};
   VkPhysicalDeviceVulkan13Features f13 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
                                           .pNext = &wait, .synchronization2 = VK_TRUE};
   VkPhysicalDevicePresentIdFeaturesKHR id = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR, .pNext = &f13,
      .presentId = VK_TRUE};
   VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
                                           .pNext = &id, .timelineSemaphore = VK_TRUE};
   void *mem = NULL;
   bool complete = false;
   const void *chain = vw_chain_without(&f12, drop, 2, &mem, &complete);
   assert_true(complete);
   assert_non_null(mem);
   VkStructureType types[8];
   assert_int_equal(chain_types(chain, types, 8), 3);
   assert_int_equal(types[0], VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
   assert_int_equal(types[1], VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
   assert_int_equal(types[2], VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES);
   const VkPhysicalDeviceVulkan12Features *c12 = chain;
   assert_true(c12->timelineSemaphore);
   assert_ptr_not_equal(c12, &f12);
   const VkPhysicalDeviceVulkan13Features *c13 = c12->pNext;
   assert_true(c13->synchronization2);
   assert_ptr_equal(c13->pNext, &f11);
   /* The app's chain is as it was. */
   assert_ptr_equal(f12.pNext, &id);
   assert_ptr_equal(id.pNext, &f13);
   assert_ptr_equal(f13.pNext, &wait);
   free(mem);
}

static void
dropped_at_the_front_needs_no_copy(void **state)
{
   VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
   VkPhysicalDevicePresentIdFeaturesKHR id = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR, .pNext = &f12};
   void *mem = NULL;
   bool complete = false;
   assert_ptr_equal(vw_chain_without(&id, drop, 2, &mem, &complete), &f12);
   assert_null(mem);
   assert_true(complete);
}

/* A structure of a kind the layer cannot size before a dropped one: the chain stays. */
static void
unknown_before_dropped_keeps_the_chain(void **state)
{
   VkPhysicalDevicePresentIdFeaturesKHR id = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR};
   VkBaseInStructure unknown = {.sType = (VkStructureType)0x7ffffff0, .pNext = (const void *)&id};
   void *mem = NULL;
   bool complete = true;
   assert_ptr_equal(vw_chain_without(&unknown, drop, 2, &mem, &complete), &unknown);
   assert_false(complete);
   assert_null(mem);
   /* After the last dropped one it does not matter. */
   VkPhysicalDevicePresentIdFeaturesKHR id2 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_FEATURES_KHR, .pNext = &unknown};
   unknown.pNext = NULL;
   assert_ptr_equal(vw_chain_without(&id2, drop, 2, &mem, &complete), &unknown);
   assert_true(complete);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(nothing_to_drop_is_the_same_chain),
      cmocka_unit_test(dropped_in_the_middle_leave_the_app_chain_alone),
      cmocka_unit_test(dropped_at_the_front_needs_no_copy),
      cmocka_unit_test(unknown_before_dropped_keeps_the_chain),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}

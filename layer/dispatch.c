#include "dispatch.h"

#include <stdio.h>
#include <string.h>

static PFN_vkVoidFunction
lookup_instance(PFN_vkGetInstanceProcAddr gipa, VkInstance instance, const char *name)
{
   char full[96];
   snprintf(full, sizeof(full), "vk%s", name);
   PFN_vkVoidFunction fn = gipa(instance, full);
   if (!fn) {
      snprintf(full, sizeof(full), "vk%sKHR", name);
      fn = gipa(instance, full);
   }
   return fn;
}

static PFN_vkVoidFunction
lookup_device(PFN_vkGetDeviceProcAddr gdpa, VkDevice device, const char *name)
{
   char full[96];
   snprintf(full, sizeof(full), "vk%s", name);
   PFN_vkVoidFunction fn = gdpa(device, full);
   if (!fn) {
      snprintf(full, sizeof(full), "vk%sKHR", name);
      fn = gdpa(device, full);
   }
   /* An EXT command promoted to KHR: a driver may have only the KHR name. */
   size_t len = strlen(name);
   if (!fn && len > 3 && !strcmp(name + len - 3, "EXT")) {
      snprintf(full, sizeof(full), "vk%.*sKHR", (int)(len - 3), name);
      fn = gdpa(device, full);
   }
   return fn;
}

void
vw_instance_dispatch_init(struct vw_instance_dispatch *d, PFN_vkGetInstanceProcAddr gipa,
                          VkInstance instance)
{
#define X(name) d->name = (PFN_vk##name)lookup_instance(gipa, instance, #name);
   VW_INSTANCE_COMMANDS(X)
#undef X
}

void
vw_device_dispatch_init(struct vw_device_dispatch *d, PFN_vkGetDeviceProcAddr gdpa,
                        VkDevice device)
{
#define X(name) d->name = (PFN_vk##name)lookup_device(gdpa, device, #name);
   VW_DEVICE_COMMANDS(X)
#undef X
}

#include "venus_wsi/display_logic.h"

#include <xf86drmMode.h>

VkResult
vw_acquire_verdict(const struct vw_acquire_facts *f, int app_fd)
{
   if (!f->same_card)
      return VK_ERROR_UNKNOWN;
   if (!f->master || !f->sees_connector)
      return VK_ERROR_INITIALIZATION_FAILED;
   /* Buffers and framebuffers belong to one file: one borrowed fd at a time, and a switch
    * only while none of the layer's is alive. */
   if (f->borrowed_from >= 0)
      return f->borrowed_from == app_fd ? VK_SUCCESS : VK_ERROR_INITIALIZATION_FAILED;
   return f->device_idle ? VK_SUCCESS : VK_ERROR_INITIALIZATION_FAILED;
}

bool
vw_dpms_for_power_state(VkDisplayPowerStateEXT state, uint64_t *dpms)
{
   switch (state) {
   case VK_DISPLAY_POWER_STATE_OFF_EXT: *dpms = DRM_MODE_DPMS_OFF; return true;
   case VK_DISPLAY_POWER_STATE_SUSPEND_EXT: *dpms = DRM_MODE_DPMS_SUSPEND; return true;
   case VK_DISPLAY_POWER_STATE_ON_EXT: *dpms = DRM_MODE_DPMS_ON; return true;
   default: return false;
   }
}

uint64_t
vw_vblank_counter(uint64_t created_ns, uint64_t now_ns, uint64_t period_ns, uint64_t flips)
{
   if (!period_ns)
      return flips;
   return now_ns > created_ns ? (now_ns - created_ns) / period_ns : 0;
}

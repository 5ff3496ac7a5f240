#include "venus_wsi/present_modes.h"

static const VkPresentModeKHR all_modes[VW_PRESENT_MODE_MAX] = {
   VK_PRESENT_MODE_FIFO_KHR,      VK_PRESENT_MODE_FIFO_RELAXED_KHR,
   VK_PRESENT_MODE_MAILBOX_KHR,   VK_PRESENT_MODE_IMMEDIATE_KHR,
   VK_PRESENT_MODE_FIFO_LATEST_READY_EXT,
};

static bool
throttled(VkPresentModeKHR mode)
{
   return mode == VK_PRESENT_MODE_FIFO_KHR || mode == VK_PRESENT_MODE_FIFO_RELAXED_KHR ||
          mode == VK_PRESENT_MODE_FIFO_LATEST_READY_EXT;
}

bool
vw_present_mode_known(VkPresentModeKHR mode)
{
   for (uint32_t i = 0; i < VW_PRESENT_MODE_MAX; i++)
      if (all_modes[i] == mode)
         return true;
   return false;
}

static bool
compatible(enum vw_mode_switching kind, VkPresentModeKHR a, VkPresentModeKHR b)
{
   if (!vw_present_mode_known(a) || !vw_present_mode_known(b))
      return false;
   switch (kind) {
   case VW_MODES_ALL:
      return true;
   case VW_MODES_FIFO_OR_NOT:
      return throttled(a) == throttled(b);
   case VW_MODES_NONE:
   default:
      return a == b;
   }
}

uint32_t
vw_compatible_present_modes(enum vw_mode_switching kind, VkPresentModeKHR mode,
                            VkPresentModeKHR out[VW_PRESENT_MODE_MAX])
{
   if (!vw_present_mode_known(mode))
      return 0;
   uint32_t n = 0;
   out[n++] = mode;
   for (uint32_t i = 0; i < VW_PRESENT_MODE_MAX; i++)
      if (all_modes[i] != mode && compatible(kind, mode, all_modes[i]))
         out[n++] = all_modes[i];
   return n;
}

bool
vw_present_modes_compatible(enum vw_mode_switching kind, const VkPresentModeKHR *modes,
                            uint32_t count)
{
   for (uint32_t i = 0; i < count; i++)
      if (!compatible(kind, modes[0], modes[i]))
         return false;
   return true;
}

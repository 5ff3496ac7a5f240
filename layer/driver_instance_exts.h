/* Which of the layer's instance extensions the loaded Vulkan drivers list themselves. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vw_driver_exts {
   uint32_t drivers; /* drivers found loaded; 0 means nothing is known */
   uint32_t mask;    /* bit i: some driver lists vw_instance_extensions[i] */
};

struct vw_driver_exts vw_driver_instance_exts(void);
bool vw_driver_exts_has(const struct vw_driver_exts *d, const char *name);

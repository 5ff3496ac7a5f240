#include "gbm_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static struct vw_gbm table;
static bool table_ok;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

#define VW_GBM_LOAD(f)                                                                           \
   if (ok && !(table.f = (__typeof__(f) *)dlsym(lib, #f))) {                                     \
      vw_err("libgbm.so.1 has no %s", #f);                                                       \
      ok = false;                                                                                \
   }

static void
load_table(void)
{
   void *lib = dlopen("libgbm.so.1", RTLD_NOW | RTLD_LOCAL);
   if (!lib) {
      vw_err("cannot load libgbm.so.1: %s", dlerror());
      return;
   }
   bool ok = true;
   VW_GBM_FUNCTIONS(VW_GBM_LOAD)
   table_ok = ok;
}

const struct vw_gbm *
vw_gbm_get(void)
{
   pthread_once(&table_once, load_table);
   return table_ok ? &table : NULL;
}

bool
vw_gbm_overridden(char *why, size_t len)
{
   const char *driver = getenv("MESA_LOADER_DRIVER_OVERRIDE");
   if (!driver || strcmp(driver, "zink") != 0)
      return false;
   snprintf(why, len, "MESA_LOADER_DRIVER_OVERRIDE=zink would make GBM allocate through Zink");
   return true;
}

bool
vw_gbm_write_rows(const struct vw_gbm *fns, struct gbm_bo *bo, uint32_t width,
                  const uint8_t *src, uint32_t src_stride, uint32_t y0, uint32_t y1)
{
   if (y1 <= y0)
      return true;
   uint32_t stride = 0;
   void *map_data = NULL;
   uint8_t *dst = fns->gbm_bo_map(bo, 0, y0, width, y1 - y0, GBM_BO_TRANSFER_WRITE, &stride,
                                  &map_data);
   if (!dst)
      return false;
   uint32_t row = width * 4u;
   for (uint32_t y = y0; y < y1; y++) {
      memcpy(dst, src, row);
      dst += stride;
      src += src_stride;
   }
   fns->gbm_bo_unmap(bo, map_data);
   return true;
}

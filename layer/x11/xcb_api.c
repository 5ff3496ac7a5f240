#include "xcb_api.h"

#include <dlfcn.h>
#include <pthread.h>

#include "../log.h"

static struct vw_xcb table;
static bool table_ok;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Loads every name in a list from 'lib'; false at the first one missing. */
#define VW_XCB_LOAD(f)                                                                           \
   if (ok && !(table.f = (__typeof__(f) *)dlsym(lib, #f))) {                                     \
      vw_err("X11: %s has no %s", name, #f);                                                     \
      ok = false;                                                                                \
   }

static void *
open_library(const char *name)
{
   /* The app has loaded libxcb already when it made the surface: this finds that copy. */
   void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
   if (!lib)
      vw_err("X11: cannot load %s: %s", name, dlerror());
   return lib;
}

static void
load_table(void)
{
   const char *name = "libxcb.so.1";
   void *lib = open_library(name);
   bool ok = lib != NULL;
   VW_XCB_CORE_FUNCTIONS(VW_XCB_LOAD)
   table_ok = ok;
   if (!ok)
      return;

   name = "libxcb-present.so.0";
   lib = open_library(name);
   ok = lib != NULL;
   VW_XCB_PRESENT_FUNCTIONS(VW_XCB_LOAD)
   if (ok && !(table.present_id = dlsym(lib, "xcb_present_id")))
      ok = false;
   table.present = ok;

   name = "libxcb-shm.so.0";
   lib = open_library(name);
   ok = lib != NULL;
   VW_XCB_SHM_FUNCTIONS(VW_XCB_LOAD)
   if (ok && !(table.shm_id = dlsym(lib, "xcb_shm_id")))
      ok = false;
   table.shm = ok;

#ifdef VW_HAVE_X11_DRI3
   name = "libxcb-dri3.so.0";
   lib = open_library(name);
   ok = lib != NULL;
   VW_XCB_DRI3_FUNCTIONS(VW_XCB_LOAD)
   if (ok && !(table.dri3_id = dlsym(lib, "xcb_dri3_id")))
      ok = false;
   table.dri3 = ok;
#endif
}

const struct vw_xcb *
vw_xcb_get(void)
{
   pthread_once(&table_once, load_table);
   return table_ok ? &table : NULL;
}

static vw_xlib_to_xcb_fn xlib_fn;
static vw_xlib_display_string_fn display_string_fn;
static pthread_once_t xlib_once = PTHREAD_ONCE_INIT;

static void
load_xlib(void)
{
   void *lib = open_library("libX11-xcb.so.1");
   if (lib) {
      xlib_fn = (vw_xlib_to_xcb_fn)dlsym(lib, "XGetXCBConnection");
      /* libX11 itself, a dependency of libX11-xcb: dlsym searches it too. */
      display_string_fn = (vw_xlib_display_string_fn)dlsym(lib, "XDisplayString");
   }
}

vw_xlib_display_string_fn
vw_xlib_display_string(void)
{
   pthread_once(&xlib_once, load_xlib);
   return display_string_fn;
}

vw_xlib_to_xcb_fn
vw_xlib_to_xcb(void)
{
   pthread_once(&xlib_once, load_xlib);
   return xlib_fn;
}

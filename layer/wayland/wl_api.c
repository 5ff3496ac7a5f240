#include "wl_api.h"

#include <dlfcn.h>
#include <pthread.h>

#include "../log.h"

struct vw_wl vw_wl_table;
static bool table_ok;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* The names as libwayland exports them: the macros in wl_api.h stand for the table. */
#undef wl_proxy_marshal_flags
#undef wl_proxy_add_listener
#undef wl_proxy_set_user_data
#undef wl_proxy_get_user_data
#undef wl_proxy_get_version
#undef wl_proxy_destroy
#undef wl_proxy_create_wrapper
#undef wl_proxy_wrapper_destroy
#undef wl_proxy_set_queue
#undef wl_display_create_queue
#undef wl_event_queue_destroy
#undef wl_display_roundtrip_queue
#undef wl_display_dispatch_queue_pending
#undef wl_display_prepare_read_queue
#undef wl_display_read_events
#undef wl_display_cancel_read
#undef wl_display_flush
#undef wl_display_get_fd
#undef wl_display_get_error

#define VW_WL_LOAD(f)                                                                            \
   if (ok && !(vw_wl_table.f = (__typeof__(f) *)dlsym(lib, #f))) {                               \
      vw_err("Wayland: libwayland-client has no %s", #f);                                        \
      ok = false;                                                                                \
   }

static void
load_table(void)
{
   /* The app made its wl_display with libwayland-client already: this finds that copy,
    * the one whose display and queues the layer must use. */
   void *lib = dlopen("libwayland-client.so.0", RTLD_NOW | RTLD_LOCAL);
   if (!lib) {
      vw_err("Wayland: cannot load libwayland-client.so.0: %s", dlerror());
      return;
   }
   bool ok = true;
   VW_WL_FUNCTIONS(VW_WL_LOAD)
   table_ok = ok;
}

bool
vw_wl_load(void)
{
   pthread_once(&table_once, load_table);
   return table_ok;
}

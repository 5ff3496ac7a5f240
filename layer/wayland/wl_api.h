/* The libwayland-client functions the Wayland backend calls, loaded with dlopen the first
 * time an app makes a Wayland surface (a guest without Wayland must be able to load the
 * layer, so the library links none of libwayland). The protocol headers' inline request
 * functions call libwayland by name: the macros below, defined after libwayland's own
 * declarations and before the protocol headers, send those calls through the table. The
 * interface tables the requests name are the layer's own (generated, see meson.build), which
 * libwayland accepts like its own: it reads them, it never compares their addresses. */
#pragma once

#include <stdbool.h>
#include <wayland-client-core.h>

#define VW_WL_FUNCTIONS(X)                                                                       \
   X(wl_proxy_marshal_flags)                                                                     \
   X(wl_proxy_add_listener)                                                                      \
   X(wl_proxy_set_user_data)                                                                     \
   X(wl_proxy_get_user_data)                                                                     \
   X(wl_proxy_get_version)                                                                       \
   X(wl_proxy_destroy)                                                                           \
   X(wl_proxy_create_wrapper)                                                                    \
   X(wl_proxy_wrapper_destroy)                                                                   \
   X(wl_proxy_set_queue)                                                                         \
   X(wl_display_create_queue)                                                                    \
   X(wl_event_queue_destroy)                                                                     \
   X(wl_display_roundtrip_queue)                                                                 \
   X(wl_display_dispatch_queue_pending)                                                          \
   X(wl_display_prepare_read_queue)                                                              \
   X(wl_display_read_events)                                                                     \
   X(wl_display_cancel_read)                                                                     \
   X(wl_display_flush)                                                                           \
   X(wl_display_get_fd)                                                                          \
   X(wl_display_get_error)

#define VW_WL_POINTER(f) __typeof__(f) *f;
struct vw_wl {
   VW_WL_FUNCTIONS(VW_WL_POINTER)
};
#undef VW_WL_POINTER

/* Filled by vw_wl_load(); read only after it returned true. */
extern struct vw_wl vw_wl_table;

/* Loads the table once; false (with one log line) when libwayland-client cannot be loaded.
 * Thread-safe. */
bool vw_wl_load(void);

#define wl_proxy_marshal_flags (vw_wl_table.wl_proxy_marshal_flags)
#define wl_proxy_add_listener (vw_wl_table.wl_proxy_add_listener)
#define wl_proxy_set_user_data (vw_wl_table.wl_proxy_set_user_data)
#define wl_proxy_get_user_data (vw_wl_table.wl_proxy_get_user_data)
#define wl_proxy_get_version (vw_wl_table.wl_proxy_get_version)
#define wl_proxy_destroy (vw_wl_table.wl_proxy_destroy)
#define wl_proxy_create_wrapper (vw_wl_table.wl_proxy_create_wrapper)
#define wl_proxy_wrapper_destroy (vw_wl_table.wl_proxy_wrapper_destroy)
#define wl_proxy_set_queue (vw_wl_table.wl_proxy_set_queue)
#define wl_display_create_queue (vw_wl_table.wl_display_create_queue)
#define wl_event_queue_destroy (vw_wl_table.wl_event_queue_destroy)
#define wl_display_roundtrip_queue (vw_wl_table.wl_display_roundtrip_queue)
#define wl_display_dispatch_queue_pending (vw_wl_table.wl_display_dispatch_queue_pending)
#define wl_display_prepare_read_queue (vw_wl_table.wl_display_prepare_read_queue)
#define wl_display_read_events (vw_wl_table.wl_display_read_events)
#define wl_display_cancel_read (vw_wl_table.wl_display_cancel_read)
#define wl_display_flush (vw_wl_table.wl_display_flush)
#define wl_display_get_fd (vw_wl_table.wl_display_get_fd)
#define wl_display_get_error (vw_wl_table.wl_display_get_error)

#include <wayland-client-protocol.h>

#include "fifo-v1-client-protocol.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h"
#include "presentation-time-client-protocol.h"

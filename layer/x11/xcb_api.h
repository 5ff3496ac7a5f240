/* The libxcb functions the X11 backend calls, loaded with dlopen the first time an app
 * makes an X11 surface: a guest without X (KMS or headless only) must be able to load the
 * layer, so the library links none of libxcb. The headers give the types; each pointer has
 * its function's own type. */
#pragma once

#include <stdbool.h>
#ifdef VW_HAVE_X11_DRI3
#include <xcb/dri3.h>
#endif
#include <xcb/present.h>
#include <xcb/shm.h>
#include <xcb/xcb.h>
#include <xcb/xcbext.h> /* xcb_poll_for_reply */

#define VW_XCB_CORE_FUNCTIONS(X)                                                                 \
   X(xcb_connect)                                                                                \
   X(xcb_disconnect)                                                                             \
   X(xcb_generate_id)                                                                            \
   X(xcb_flush)                                                                                  \
   X(xcb_connection_has_error)                                                                   \
   X(xcb_get_file_descriptor)                                                                    \
   X(xcb_get_setup)                                                                              \
   X(xcb_setup_roots_iterator)                                                                   \
   X(xcb_screen_next)                                                                            \
   X(xcb_screen_allowed_depths_iterator)                                                         \
   X(xcb_depth_next)                                                                             \
   X(xcb_depth_visuals_iterator)                                                                 \
   X(xcb_visualtype_next)                                                                        \
   X(xcb_get_geometry)                                                                           \
   X(xcb_get_geometry_reply)                                                                     \
   X(xcb_get_window_attributes)                                                                  \
   X(xcb_get_window_attributes_reply)                                                            \
   X(xcb_get_maximum_request_length)                                                             \
   X(xcb_get_extension_data)                                                                     \
   X(xcb_register_for_special_xge)                                                               \
   X(xcb_unregister_for_special_event)                                                           \
   X(xcb_poll_for_special_event)                                                                 \
   X(xcb_discard_reply)                                                                          \
   X(xcb_poll_for_reply)                                                                         \
   X(xcb_request_check)                                                                          \
   X(xcb_put_image_checked)                                                                      \
   X(xcb_create_pixmap_checked)                                                                  \
   X(xcb_free_pixmap_checked)                                                                    \
   X(xcb_create_gc_checked)                                                                      \
   X(xcb_free_gc_checked)

#define VW_XCB_PRESENT_FUNCTIONS(X)                                                              \
   X(xcb_present_query_version)                                                                  \
   X(xcb_present_query_version_reply)                                                            \
   X(xcb_present_select_input_checked)                                                           \
   X(xcb_present_pixmap_checked)

#define VW_XCB_SHM_FUNCTIONS(X)                                                                  \
   X(xcb_shm_query_version)                                                                      \
   X(xcb_shm_query_version_reply)                                                                \
   X(xcb_shm_attach_fd_checked)                                                                  \
   X(xcb_shm_create_pixmap_checked)                                                              \
   X(xcb_shm_detach_checked)

#define VW_XCB_DRI3_FUNCTIONS(X)                                                                 \
   X(xcb_dri3_query_version)                                                                     \
   X(xcb_dri3_query_version_reply)                                                               \
   X(xcb_dri3_open)                                                                              \
   X(xcb_dri3_open_reply)                                                                        \
   X(xcb_dri3_open_reply_fds)                                                                    \
   X(xcb_dri3_pixmap_from_buffer_checked)


#define VW_XCB_POINTER(f) __typeof__(f) *f;
struct vw_xcb {
   VW_XCB_CORE_FUNCTIONS(VW_XCB_POINTER)
   VW_XCB_PRESENT_FUNCTIONS(VW_XCB_POINTER)
   VW_XCB_SHM_FUNCTIONS(VW_XCB_POINTER)
   xcb_extension_t *present_id;
   xcb_extension_t *shm_id;
   bool present; /* libxcb-present was found */
   bool shm;     /* libxcb-shm was found */
#ifdef VW_HAVE_X11_DRI3
   VW_XCB_DRI3_FUNCTIONS(VW_XCB_POINTER)
   xcb_extension_t *dri3_id;
   bool dri3; /* libxcb-dri3 was found */
#endif
};
#undef VW_XCB_POINTER

/* The table, loaded on first use; NULL (with one log line) when libxcb itself is missing.
 * Without libxcb-present or libxcb-shm the table is still given, with 'present' or 'shm'
 * false. Thread-safe. */
const struct vw_xcb *vw_xcb_get(void);

/* XGetXCBConnection from libX11-xcb, for Xlib surfaces; NULL when it cannot be loaded. */
typedef xcb_connection_t *(*vw_xlib_to_xcb_fn)(void *display);
vw_xlib_to_xcb_fn vw_xlib_to_xcb(void);
/* XDisplayString from libX11 (loaded with the above); NULL when it cannot be loaded. */
typedef char *(*vw_xlib_display_string_fn)(void *display);
vw_xlib_display_string_fn vw_xlib_display_string(void);

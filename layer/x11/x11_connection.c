/* Each X11 swapchain talks to the server on a connection of its own where it can, not on
 * the app's:
 *  - an Xlib app that never called XInitThreads does not lock its Display, yet requests
 *    sent from the layer's threads on Xlib's connection make libxcb call back into Xlib's
 *    bookkeeping on those threads;
 *  - no reply, error or event of the layer's can reach the app's queues, and the app's
 *    reads cannot take the layer's events off the socket.
 * X resources are global, so the app's window is as good on either connection. The new
 * connection goes to the display the app named (XDisplayString for Xlib, DISPLAY for
 * xcb); it is used only if it reaches the same server and sees the same window there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x11.h"

static bool
same_setup(const struct vw_xcb *xcb, xcb_connection_t *a, xcb_connection_t *b)
{
   const xcb_setup_t *sa = xcb->xcb_get_setup(a), *sb = xcb->xcb_get_setup(b);
   if (sa->release_number != sb->release_number || sa->roots_len != sb->roots_len ||
       sa->vendor_len != sb->vendor_len)
      return false;
   xcb_screen_iterator_t ia = xcb->xcb_setup_roots_iterator(sa);
   xcb_screen_iterator_t ib = xcb->xcb_setup_roots_iterator(sb);
   for (; ia.rem && ib.rem; xcb->xcb_screen_next(&ia), xcb->xcb_screen_next(&ib)) {
      if (ia.data->root != ib.data->root || ia.data->width_in_pixels != ib.data->width_in_pixels ||
          ia.data->height_in_pixels != ib.data->height_in_pixels)
         return false;
   }
   return true;
}

/* The window as each connection sees it: same root, position and size. */
static bool
same_window(const struct vw_xcb *xcb, xcb_connection_t *a, xcb_connection_t *b,
            xcb_window_t window)
{
   xcb_get_geometry_cookie_t ca = xcb->xcb_get_geometry(a, window);
   xcb_get_geometry_cookie_t cb = xcb->xcb_get_geometry(b, window);
   xcb_generic_error_t *ea = NULL, *eb = NULL;
   xcb_get_geometry_reply_t *ga = xcb->xcb_get_geometry_reply(a, ca, &ea);
   xcb_get_geometry_reply_t *gb = xcb->xcb_get_geometry_reply(b, cb, &eb);
   bool same = ga && gb && ga->root == gb->root && ga->x == gb->x && ga->y == gb->y &&
               ga->width == gb->width && ga->height == gb->height && ga->depth == gb->depth;
   free(ea);
   free(eb);
   free(ga);
   free(gb);
   return same;
}

xcb_connection_t *
vw_x11_connect_private(const struct vw_xcb *xcb, const struct vw_x11_surface *xs, char *why,
                       size_t len)
{
   if (!xs->display_name[0]) {
      snprintf(why, len, "the app's display is unknown");
      return NULL;
   }
   xcb_connection_t *own = xcb->xcb_connect(xs->display_name, NULL);
   if (!own || xcb->xcb_connection_has_error(own)) {
      snprintf(why, len, "cannot connect to %s", xs->display_name);
      if (own)
         xcb->xcb_disconnect(own);
      return NULL;
   }
   if (!same_setup(xcb, xs->conn, own) || !same_window(xcb, xs->conn, own, xs->window)) {
      snprintf(why, len, "%s is not the server the app's window is on", xs->display_name);
      xcb->xcb_disconnect(own);
      return NULL;
   }
   return own;
}

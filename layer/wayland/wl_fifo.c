/* A wl_surface's wp_fifo_v1, shared by every VkSurfaceKHR an app makes on that wl_surface:
 * the protocol allows one per wl_surface (a second is the fatal already_exists), while
 * Vulkan lets an app make several surfaces of one window (a toolkit that remakes its surface
 * on resume before dropping the old one does). Made by the first FIFO swapchain that wants
 * it, destroyed when the last VkSurfaceKHR using it goes. */
#include <stdlib.h>

#include "wayland.h"

struct fifo_entry {
   struct fifo_entry *next;
   struct wl_surface *surface;
   struct wl_display *display;
   struct wp_fifo_v1 *fifo;
   uint32_t users;
};

static pthread_mutex_t fifo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fifo_entry *fifo_entries;

static struct fifo_entry **
find(struct wl_surface *surface)
{
   struct fifo_entry **e = &fifo_entries;
   while (*e && (*e)->surface != surface)
      e = &(*e)->next;
   return e;
}

struct wp_fifo_v1 *
vw_wl_surface_fifo(struct vw_wl_surface *ws, struct wp_fifo_manager_v1 *manager)
{
   pthread_mutex_lock(&fifo_lock);
   if (!ws->fifo) {
      struct fifo_entry **slot = find(ws->surface);
      struct fifo_entry *e = *slot;
      if (!e && manager && (e = calloc(1, sizeof(*e)))) {
         e->fifo = wp_fifo_manager_v1_get_fifo(manager, ws->surface);
         if (e->fifo) {
            /* It has no events; off the swapchain's private queue, which goes with the
             * swapchain while this object stays. */
            wl_proxy_set_queue((struct wl_proxy *)e->fifo, NULL);
            e->surface = ws->surface;
            e->display = ws->display;
            *slot = e;
         } else {
            free(e);
            e = NULL;
         }
      }
      if (e) {
         e->users++;
         ws->fifo = e->fifo;
      }
   }
   struct wp_fifo_v1 *fifo = ws->fifo;
   pthread_mutex_unlock(&fifo_lock);
   return fifo;
}

void
vw_wl_surface_drop_fifo(struct vw_wl_surface *ws)
{
   pthread_mutex_lock(&fifo_lock);
   struct fifo_entry **slot = find(ws->surface);
   struct fifo_entry *e = *slot;
   if (ws->fifo && e && --e->users == 0) {
      *slot = e->next;
      /* The app may have destroyed its wl_surface already: destroy is the one request
       * allowed then. */
      wp_fifo_v1_destroy(e->fifo);
      wl_display_flush(e->display);
      free(e);
   }
   ws->fifo = NULL;
   pthread_mutex_unlock(&fifo_lock);
}

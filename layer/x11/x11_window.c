/* What a window is now: its size, depth and visual. */
#include <drm_fourcc.h>
#include <stdlib.h>

#include "x11.h"

static const xcb_visualtype_t *
find_visual(const struct vw_xcb *xcb, xcb_connection_t *conn, xcb_visualid_t id, uint8_t *depth)
{
   xcb_screen_iterator_t screens = xcb->xcb_setup_roots_iterator(xcb->xcb_get_setup(conn));
   for (; screens.rem; xcb->xcb_screen_next(&screens)) {
      xcb_depth_iterator_t depths = xcb->xcb_screen_allowed_depths_iterator(screens.data);
      for (; depths.rem; xcb->xcb_depth_next(&depths)) {
         xcb_visualtype_iterator_t visuals = xcb->xcb_depth_visuals_iterator(depths.data);
         for (; visuals.rem; xcb->xcb_visualtype_next(&visuals)) {
            if (visuals.data->visual_id == id) {
               *depth = depths.data->depth;
               return visuals.data;
            }
         }
      }
   }
   return NULL;
}

VkResult
vw_x11_window_query(const struct vw_xcb *xcb, const struct vw_x11_surface *xs,
                    struct vw_x11_window_info *info)
{
   *info = (struct vw_x11_window_info){0};
   if (xcb->xcb_connection_has_error(xs->conn))
      return VK_ERROR_SURFACE_LOST_KHR;
   /* Both requests go out before either reply is read: one round trip. */
   xcb_get_geometry_cookie_t gc = xcb->xcb_get_geometry(xs->conn, xs->window);
   xcb_get_window_attributes_cookie_t ac = xcb->xcb_get_window_attributes(xs->conn, xs->window);
   xcb_generic_error_t *err = NULL;
   xcb_get_geometry_reply_t *geo = xcb->xcb_get_geometry_reply(xs->conn, gc, &err);
   free(err);
   err = NULL;
   xcb_get_window_attributes_reply_t *attr =
      xcb->xcb_get_window_attributes_reply(xs->conn, ac, &err);
   free(err);
   VkResult r = VK_ERROR_SURFACE_LOST_KHR;
   if (geo && attr) {
      info->width = geo->width;
      info->height = geo->height;
      info->depth = geo->depth;
      info->visual = attr->visual;
      uint8_t visual_depth = 0;
      const xcb_visualtype_t *v = find_visual(xcb, xs->conn, attr->visual, &visual_depth);
      if (v && (v->_class == XCB_VISUAL_CLASS_TRUE_COLOR ||
                v->_class == XCB_VISUAL_CLASS_DIRECT_COLOR)) {
         info->red_mask = v->red_mask;
         info->green_mask = v->green_mask;
         info->blue_mask = v->blue_mask;
         info->bits_per_rgb = v->bits_per_rgb_value;
      }
      r = VK_SUCCESS;
   }
   free(geo);
   free(attr);
   return r;
}

uint32_t
vw_x11_visual_fourcc(const struct vw_x11_window_info *info)
{
   /* 24 and 32 bit windows keep pixels in 32-bit words; depth 30 is 10 bits a channel. */
   if ((info->depth == 24 || info->depth == 32) && info->red_mask == 0xff0000 &&
       info->green_mask == 0xff00 && info->blue_mask == 0xff)
      return DRM_FORMAT_XRGB8888;
   if (info->depth == 30 && info->red_mask == 0x3ff00000 && info->green_mask == 0xffc00 &&
       info->blue_mask == 0x3ff)
      return DRM_FORMAT_XRGB2101010;
   return 0;
}

bool
vw_x11_depth_has_alpha(uint8_t depth, uint32_t fourcc)
{
   return depth == 32 && fourcc == DRM_FORMAT_XRGB8888;
}

const char *
vw_x11_method_name(enum vw_x11_method m)
{
   switch (m) {
   case VW_X11_DRI3_PRESENT: return "dri3-present";
   case VW_X11_SHM_PRESENT: return "shm-present";
   case VW_X11_PUT_IMAGE_PRESENT: return "put-image-present";
   case VW_X11_PUT_IMAGE: return "put-image";
   }
   return "?";
}

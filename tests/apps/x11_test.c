/* Integration test of X11 window surfaces (VK_KHR_xcb_surface, VK_KHR_xlib_surface) on a
 * real X server (the private Xvfb of check_x11.sh): the surface queries against the window,
 * every present mode with its frames/s (FIFO held to the server's 60 Hz), a window resized
 * and destroyed under the swapchain, the server killed under it, depth-32 (ARGB) windows,
 * and Xlib displays with and without XInitThreads. What reaches the screen is checked from
 * `xwd -id WINDOW` dumps: four quadrants whose colours change with the frame number.
 *
 * Whoever implements WSI (the layer with VENUS_WSI=force, Mesa's own X11 WSI with
 * VENUS_WSI=off) must pass the same checks. --expect-method NAME additionally reads the
 * layer's VENUS_WSI_STATS_FILE and requires every swapchain to have been an X11 one shown
 * with that method. */
#define VK_USE_PLATFORM_XCB_KHR
#define VK_USE_PLATFORM_XLIB_KHR

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <X11/Xlib-xcb.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <xcb/xcb.h>

#include "frame_loop.h"
#include "maintenance1_check.h"
#include "present_wait_check.h"
#include "window_test.h"
#include "xwd_read.h"

struct options {
   bool xlib;
   bool no_xinitthreads;
   uint32_t depth;
   VkExtent2D size;
   VkPresentModeKHR mode;  /* for the resize, destroy-window and server-killed cases */
   uint32_t frames;        /* per present mode in 'modes' */
   const char *tests;
   const char *app_layers; /* comma list enabled through ppEnabledLayerNames */
   const char *validation; /* "above" or "below": a control misuse must be reported */
   const char *ready_file; /* server-killed: created once frames are on screen */
   const char *expect_method;
   const char *expect_method_immediate; /* IMMEDIATE swapchains', where it differs */
   double fifo_min, fifo_max; /* FIFO's frames/s must lie within; 0: not checked */
   uint32_t screenshot_tolerance;
   bool screen_report_only; /* --screen-check report: a wrong screen is printed, not failed */
};

static uint32_t swapchains_created;

/* --- the window, through xcb or Xlib --- */

struct xwin {
   bool xlib;
   Display *dpy;
   xcb_connection_t *conn;
   xcb_screen_t *screen;
   int screen_num;
   xcb_window_t window;
   xcb_visualid_t visual;
   xcb_colormap_t colormap; /* depth 32 only */
   uint32_t depth;
   VkExtent2D size;
   bool destroyed;
};

static bool
xwin_open(struct xwin *w, const struct options *o)
{
   memset(w, 0, sizeof(*w));
   w->xlib = o->xlib;
   if (o->xlib) {
      if (!o->no_xinitthreads && !XInitThreads()) {
         fprintf(stderr, "XInitThreads failed\n");
         return false;
      }
      w->dpy = XOpenDisplay(NULL);
      if (!w->dpy) {
         fprintf(stderr, "XOpenDisplay(%s) failed\n", getenv("DISPLAY") ? getenv("DISPLAY") : "");
         return false;
      }
      w->conn = XGetXCBConnection(w->dpy);
      w->screen_num = DefaultScreen(w->dpy);
   } else {
      w->conn = xcb_connect(NULL, &w->screen_num);
      if (!w->conn || xcb_connection_has_error(w->conn)) {
         fprintf(stderr, "xcb_connect(%s) failed\n", getenv("DISPLAY") ? getenv("DISPLAY") : "");
         return false;
      }
   }
   xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(w->conn));
   for (int i = 0; i < w->screen_num && it.rem; i++)
      xcb_screen_next(&it);
   w->screen = it.data;
   printf("X server: %s, screen %d: %ux%u, root depth %u, %s\n", getenv("DISPLAY"), w->screen_num,
          w->screen->width_in_pixels, w->screen->height_in_pixels, w->screen->root_depth,
          o->xlib ? (o->no_xinitthreads ? "Xlib without XInitThreads" : "Xlib with XInitThreads")
                  : "xcb");
   return true;
}

/* A TrueColor visual of the depth: the root's for its own depth, else the first one. */
static xcb_visualid_t
find_visual(struct xwin *w, uint32_t depth)
{
   if (depth == w->screen->root_depth)
      return w->screen->root_visual;
   for (xcb_depth_iterator_t d = xcb_screen_allowed_depths_iterator(w->screen); d.rem;
        xcb_depth_next(&d)) {
      if (d.data->depth != depth)
         continue;
      for (xcb_visualtype_iterator_t v = xcb_depth_visuals_iterator(d.data); v.rem;
           xcb_visualtype_next(&v))
         if (v.data->_class == XCB_VISUAL_CLASS_TRUE_COLOR)
            return v.data->visual_id;
   }
   return 0;
}

static void
xwin_sync(struct xwin *w)
{
   if (w->xlib)
      XSync(w->dpy, False);
   else
      free(xcb_get_input_focus_reply(w->conn, xcb_get_input_focus(w->conn), NULL));
}

static bool
xwin_create(struct xwin *w, VkExtent2D size, uint32_t depth)
{
   w->depth = depth;
   w->size = size;
   w->visual = find_visual(w, depth);
   if (!w->visual) {
      fprintf(stderr, "no TrueColor visual of depth %u on this screen\n", depth);
      return false;
   }
   bool own_colormap = depth != w->screen->root_depth;
   if (w->xlib) {
      XVisualInfo tmpl = {.visualid = w->visual, .screen = w->screen_num};
      int n = 0;
      XVisualInfo *vi = XGetVisualInfo(w->dpy, VisualIDMask | VisualScreenMask, &tmpl, &n);
      if (!vi || n < 1) {
         fprintf(stderr, "XGetVisualInfo: no visual %#x\n", w->visual);
         return false;
      }
      XSetWindowAttributes attrs = {.background_pixel = 0, .border_pixel = 0};
      unsigned long mask = CWBackPixel | CWBorderPixel;
      if (own_colormap) {
         attrs.colormap = XCreateColormap(w->dpy, RootWindow(w->dpy, w->screen_num), vi->visual,
                                          AllocNone);
         w->colormap = (xcb_colormap_t)attrs.colormap;
         mask |= CWColormap;
      }
      w->window = (xcb_window_t)XCreateWindow(w->dpy, RootWindow(w->dpy, w->screen_num), 0, 0,
                                              size.width, size.height, 0, (int)depth, InputOutput,
                                              vi->visual, mask, &attrs);
      XFree(vi);
      XStoreName(w->dpy, w->window, "vw-x11-test");
      XMapWindow(w->dpy, w->window);
   } else {
      uint32_t values[3] = {0 /* back pixel */, 0 /* border pixel */, 0};
      uint32_t mask = XCB_CW_BACK_PIXEL | XCB_CW_BORDER_PIXEL;
      if (own_colormap) {
         w->colormap = xcb_generate_id(w->conn);
         xcb_create_colormap(w->conn, XCB_COLORMAP_ALLOC_NONE, w->colormap, w->screen->root,
                             w->visual);
         values[2] = w->colormap;
         mask |= XCB_CW_COLORMAP;
      }
      w->window = xcb_generate_id(w->conn);
      xcb_void_cookie_t c = xcb_create_window_checked(
         w->conn, (uint8_t)depth, w->window, w->screen->root, 0, 0, (uint16_t)size.width,
         (uint16_t)size.height, 0, XCB_WINDOW_CLASS_INPUT_OUTPUT, w->visual, mask, values);
      xcb_generic_error_t *e = xcb_request_check(w->conn, c);
      if (e) {
         fprintf(stderr, "xcb_create_window: X error %u\n", e->error_code);
         free(e);
         return false;
      }
      xcb_change_property(w->conn, XCB_PROP_MODE_REPLACE, w->window, XCB_ATOM_WM_NAME,
                          XCB_ATOM_STRING, 8, strlen("vw-x11-test"), "vw-x11-test");
      xcb_map_window(w->conn, w->window);
   }
   /* No window manager on the test server: the window is viewable once the map is done. */
   xwin_sync(w);
   printf("window %#x: %ux%u, depth %u, visual %#x%s\n", w->window, size.width, size.height, depth,
          w->visual, own_colormap ? ", own colormap" : "");
   return true;
}

static void
xwin_resize(struct xwin *w, VkExtent2D size)
{
   if (w->xlib) {
      XResizeWindow(w->dpy, w->window, size.width, size.height);
      XFlush(w->dpy);
   } else {
      uint32_t values[2] = {size.width, size.height};
      xcb_configure_window(w->conn, w->window,
                           XCB_CONFIG_WINDOW_WIDTH | XCB_CONFIG_WINDOW_HEIGHT, values);
      xcb_flush(w->conn);
   }
   w->size = size;
}

static void
xwin_destroy_window(struct xwin *w)
{
   if (w->destroyed || !w->window)
      return;
   if (w->xlib) {
      XDestroyWindow(w->dpy, w->window);
      if (w->colormap)
         XFreeColormap(w->dpy, w->colormap);
      XSync(w->dpy, False);
   } else {
      xcb_destroy_window(w->conn, w->window);
      if (w->colormap)
         xcb_free_colormap(w->conn, w->colormap);
      xwin_sync(w);
   }
   w->destroyed = true;
}

/* After the server died, Xlib would call its I/O error handler (which exits): the display
 * is left to the process's end then. */
static void
xwin_close(struct xwin *w, bool server_gone)
{
   if (!server_gone)
      xwin_destroy_window(w);
   if (w->xlib) {
      if (!server_gone)
         XCloseDisplay(w->dpy);
   } else if (w->conn) {
      xcb_disconnect(w->conn);
   }
   w->conn = NULL;
   w->dpy = NULL;
}

static VkSurfaceKHR
create_surface(struct harness *h, struct xwin *w)
{
   VkSurfaceKHR s = VK_NULL_HANDLE;
   VkResult r;
   if (w->xlib) {
      VkXlibSurfaceCreateInfoKHR ci = {
         .sType = VK_STRUCTURE_TYPE_XLIB_SURFACE_CREATE_INFO_KHR,
         .dpy = w->dpy,
         .window = w->window,
      };
      r = vkCreateXlibSurfaceKHR(h->instance, &ci, NULL, &s);
   } else {
      VkXcbSurfaceCreateInfoKHR ci = {
         .sType = VK_STRUCTURE_TYPE_XCB_SURFACE_CREATE_INFO_KHR,
         .connection = w->conn,
         .window = w->window,
      };
      r = vkCreateXcbSurfaceKHR(h->instance, &ci, NULL, &s);
   }
   CHECK(h, r == VK_SUCCESS, "vkCreate%sSurfaceKHR: %s (%d)", w->xlib ? "Xlib" : "Xcb",
         wt_result_name(r), r);
   return r == VK_SUCCESS ? s : VK_NULL_HANDLE;
}

/* --- the picture: four quadrants, their colours a function of the frame number --- */

/* --- screenshots --- */

static const uint8_t *
xwd_rgb(const void *img, uint32_t x, uint32_t y)
{
   return xwd_pixel(img, x, y);
}

/* `xwd -id WINDOW` into a temporary file, read back. */
static bool
shoot_window(struct xwin *w, struct xwd_image *img, char *err, size_t err_size)
{
   char path[] = "/tmp/vw-x11-test-XXXXXX";
   int fd = mkstemp(path);
   if (fd < 0) {
      snprintf(err, err_size, "mkstemp: %s", strerror(errno));
      return false;
   }
   close(fd);
   char id[32];
   snprintf(id, sizeof(id), "%#x", w->window);
   fflush(stdout);
   fflush(stderr);
   pid_t pid = fork();
   if (pid == 0) {
      int null = open("/dev/null", O_RDONLY);
      if (null >= 0)
         dup2(null, 0);
      unsetenv("LD_PRELOAD"); /* the sanitizer builds' preload is for this test, not for xwd */
      execlp("xwd", "xwd", "-silent", "-id", id, "-out", path, (char *)NULL);
      fprintf(stderr, "exec xwd: %s\n", strerror(errno));
      _exit(127);
   }
   if (pid < 0) {
      snprintf(err, err_size, "fork: %s", strerror(errno));
      unlink(path);
      return false;
   }
   int status = harness_wait_child(pid, 15ull * 1000000000ull);
   bool ok = false;
   if (status != 0)
      snprintf(err, err_size, "xwd %s", status < 0 ? "hung or crashed" : "failed");
   else
      ok = xwd_load(path, img, err, err_size);
   unlink(path);
   return ok;
}

/* The window must show frame 'n' of the pattern at 'extent' (the window's size). The last
 * present may take a few refreshes to reach the screen: shots are retried for 3 s. */
static bool
check_screen(struct harness *h, struct xwin *w, uint64_t n, VkExtent2D extent, const char *what,
             const struct options *o)
{
   char err[256] = "";
   char detail[512] = "";
   uint64_t t0 = harness_now_ns();
   int tolerance = (int)o->screenshot_tolerance;
   for (int attempt = 0;; attempt++) {
      struct xwd_image img;
      bool shot = shoot_window(w, &img, err, sizeof(err));
      bool ok = false;
      if (shot) {
         if (img.width != extent.width || img.height != extent.height) {
            snprintf(detail, sizeof(detail), "window dump is %ux%u, expected %ux%u", img.width,
                     img.height, extent.width, extent.height);
         } else {
            ok = wt_quads_shown(&img, xwd_rgb, 0, 0, n, extent, tolerance, detail,
                                sizeof(detail));
         }
         xwd_free(&img);
      }
      if (ok) {
         printf("screen %s: frame %llu at %ux%u shown (%.2f s after the present, %d shot(s))\n",
                what, (unsigned long long)n, extent.width, extent.height,
                (harness_now_ns() - t0) / 1e9, attempt + 1);
         return true;
      }
      if (harness_now_ns() - t0 > 3000000000ull || (!shot && attempt >= 2) ||
          o->screen_report_only)
         break;
      usleep(150000);
   }
   if (o->screen_report_only) {
      printf("screen %s (reported, not checked): %s\n", what, detail[0] ? detail : err);
      return false;
   }
   CHECK(h, false, "screen %s: %s", what, detail[0] ? detail : err);
   return false;
}

/* --- swapchains --- */

/* Depth 24: OPAQUE. Depth 32: the window's alpha is used (the frames are opaque anyway,
 * alpha 1.0, so the screen shows the same colours). */
static VkCompositeAlphaFlagBitsKHR
pick_alpha(VkCompositeAlphaFlagsKHR supported, uint32_t depth)
{
   static const VkCompositeAlphaFlagBitsKHR order24[] = {
      VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR, VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR,
      VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR, VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR,
   };
   static const VkCompositeAlphaFlagBitsKHR order32[] = {
      VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR, VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR,
      VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR, VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
   };
   const VkCompositeAlphaFlagBitsKHR *order = depth == 32 ? order32 : order24;
   for (size_t i = 0; i < 4; i++)
      if (supported & order[i])
         return order[i];
   return VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
}

static const char *
alpha_name(VkCompositeAlphaFlagBitsKHR a)
{
   switch (a) {
   case VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR: return "OPAQUE";
   case VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR: return "PRE_MULTIPLIED";
   case VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR: return "POST_MULTIPLIED";
   case VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR: return "INHERIT";
   default: return "?";
   }
}

static VkCompositeAlphaFlagBitsKHR surface_alpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;

static VkResult
make_swapchain(struct frame_loop *fl, struct harness *h, VkSurfaceKHR surface, struct xwin *w,
               VkPresentModeKHR mode, VkSwapchainKHR old)
{
   VkResult r = frame_loop_create_alpha(fl, h, surface, w->size, mode, 3, old,
                                        swapchains_created++, surface_alpha);
   fl->scene = wt_quad_scene;
   CHECK(h, r == VK_SUCCESS, "swapchain %s %ux%u: %s (%d)", harness_mode_name(mode),
         w->size.width, w->size.height, wt_result_name(r), r);
   if (r == VK_SUCCESS)
      CHECK(h, fl->extent.width == w->size.width && fl->extent.height == w->size.height,
            "swapchain extent %ux%u for a %ux%u window", fl->extent.width, fl->extent.height,
            w->size.width, w->size.height);
   return r;
}

/* --- the cases --- */

static void
test_queries(struct harness *h, VkSurfaceKHR surface, struct xwin *w)
{
   VkBool32 supported = VK_FALSE;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceSupportKHR(h->pdev, h->queue_family, surface, &supported),
            VK_SUCCESS);
   CHECK(h, supported, "the graphics queue family cannot present to the window");
   VkBool32 native;
   if (w->xlib) {
      native = vkGetPhysicalDeviceXlibPresentationSupportKHR(h->pdev, h->queue_family, w->dpy,
                                                             w->visual);
   } else {
      native = vkGetPhysicalDeviceXcbPresentationSupportKHR(h->pdev, h->queue_family, w->conn,
                                                            w->visual);
   }
   CHECK(h, native, "no presentation support for visual %#x", w->visual);

   VkSurfaceCapabilitiesKHR caps;
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps), VK_SUCCESS);
   printf("capabilities: currentExtent %ux%u, images %u..%u, extent %ux%u..%ux%u, composite alpha "
          "%#x, usage %#x, transforms %#x\n",
          caps.currentExtent.width, caps.currentExtent.height, caps.minImageCount,
          caps.maxImageCount, caps.minImageExtent.width, caps.minImageExtent.height,
          caps.maxImageExtent.width, caps.maxImageExtent.height, caps.supportedCompositeAlpha,
          caps.supportedUsageFlags, caps.supportedTransforms);
   CHECK(h, caps.currentExtent.width == w->size.width && caps.currentExtent.height == w->size.height,
         "currentExtent %ux%u, the window is %ux%u", caps.currentExtent.width,
         caps.currentExtent.height, w->size.width, w->size.height);
   CHECK(h, caps.minImageCount >= 1 && (caps.maxImageCount == 0 || caps.maxImageCount >= 3),
         "image counts %u..%u", caps.minImageCount, caps.maxImageCount);
   CHECK(h, caps.supportedUsageFlags & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, "no color attachment usage");
   CHECK(h, caps.supportedTransforms & VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR, "no identity transform");
   CHECK(h, caps.supportedCompositeAlpha != 0, "no composite alpha");
   if (w->depth == 24) {
      CHECK(h, caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
            "depth 24 window without OPAQUE composite alpha (%#x)", caps.supportedCompositeAlpha);
   } else {
      CHECK(h, caps.supportedCompositeAlpha & (VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR |
                                               VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR |
                                               VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR),
            "depth 32 window with composite alpha %#x: neither PRE_MULTIPLIED, POST_MULTIPLIED "
            "nor INHERIT", caps.supportedCompositeAlpha);
   }
   printf("composite alpha for depth %u: %s%s%s%s\n", w->depth,
          caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR ? "OPAQUE " : "",
          caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR ? "PRE_MULTIPLIED " : "",
          caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR ? "POST_MULTIPLIED " : "",
          caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR ? "INHERIT" : "");
   surface_alpha = pick_alpha(caps.supportedCompositeAlpha, w->depth);
   printf("swapchains use composite alpha %s\n", alpha_name(surface_alpha));

   VkPhysicalDeviceSurfaceInfo2KHR info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SURFACE_INFO_2_KHR,
      .surface = surface,
   };
   VkSurfaceCapabilities2KHR caps2 = {.sType = VK_STRUCTURE_TYPE_SURFACE_CAPABILITIES_2_KHR};
   CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilities2KHR(h->pdev, &info, &caps2), VK_SUCCESS);
   CHECK(h, caps2.surfaceCapabilities.currentExtent.width == caps.currentExtent.width &&
            caps2.surfaceCapabilities.currentExtent.height == caps.currentExtent.height,
         "capabilities2 extent differs");

   wt_check_formats_and_modes(h, surface);

   VkRect2D rects[4];
   uint32_t nr = 4;
   CHECK_VK(h, vkGetPhysicalDevicePresentRectanglesKHR(h->pdev, surface, &nr, rects), VK_SUCCESS);
   CHECK(h, nr == 1 && rects[0].extent.width == w->size.width &&
            rects[0].extent.height == w->size.height,
         "%u present rectangles, the first %ux%u", nr, nr ? rects[0].extent.width : 0,
         nr ? rects[0].extent.height : 0);
}

struct x11_modes_ctx {
   struct harness *h;
   VkSurfaceKHR surface;
   struct xwin *w;
   const struct options *o;
};

static VkResult
modes_make_swapchain(void *ctx, struct frame_loop *fl, VkPresentModeKHR mode, VkSwapchainKHR old)
{
   struct x11_modes_ctx *c = ctx;
   return make_swapchain(fl, c->h, c->surface, c->w, mode, old);
}

static void
modes_check_screen(void *ctx, struct frame_loop *fl, const char *what)
{
   struct x11_modes_ctx *c = ctx;
   check_screen(c->h, c->w, fl->frames - 1, c->w->size, what, c->o);
}

static void
test_modes(struct harness *h, VkSurfaceKHR surface, struct xwin *w, const struct options *o)
{
   struct x11_modes_ctx ctx = {h, surface, w, o};
   struct wt_window win = {
      .ctx = &ctx,
      .make_swapchain = modes_make_swapchain,
      .check_screen = modes_check_screen,
      .clock = "the server's Present clock is 60 Hz",
   };
   wt_test_modes(h, surface, &win, o->frames, o->fifo_min, o->fifo_max);
}

static void
test_present_wait(struct harness *h, VkSurfaceKHR surface, struct xwin *w, const struct options *o)
{
   struct x11_modes_ctx ctx = {h, surface, w, o};
   struct wt_window win = {.ctx = &ctx, .make_swapchain = modes_make_swapchain,
                           .check_screen = modes_check_screen};
   wt_test_present_wait(h, surface, &win, 60,
                        !o->validation || strcmp(o->validation, "above") != 0);
}

/* VK_EXT_surface_maintenance1 / VK_EXT_swapchain_maintenance1 on an X11 window: each mode
 * compatible only with itself, present fences, images released and acquired again, the
 * last frame in the window. */
static void
test_maintenance1(struct harness *h, VkSurfaceKHR surface, struct xwin *w, const struct options *o)
{
   CHECK(h, h->maintenance1, "swapchainMaintenance1 not reported or not enabled");
   if (!h->maintenance1)
      return;
   m1_check_surface(h, surface, 1);
   struct frame_loop fl;
   m1_scene = wt_quad_scene;
   m1_check_swapchain(h, surface, &fl, w->size, 30, swapchains_created++);
   if (fl.swapchain) {
      check_screen(h, w, fl.frames - 1, w->size, "maintenance1", o);
      m1_check_deferred(h, surface, w->size, fl.swapchain);
      swapchains_created++;
   }
   frame_loop_destroy(&fl, fl.swapchain != VK_NULL_HANDLE);
}

/* VK_KHR_present_id2 / VK_KHR_present_wait2 / FIFO_LATEST_READY on an X11 window (each mode
 * compatible only with itself there), the last frame in the window. */
static void
test_present2(struct harness *h, VkSurfaceKHR surface, struct xwin *w, const struct options *o)
{
   uint32_t serial = swapchains_created;
   swapchains_created += pw2_check(h, surface, w->size, 60, serial,
                                   !o->validation || strcmp(o->validation, "above") != 0, 1, 0);
}

static bool
out_of_date_or_suboptimal(VkResult r)
{
   return r == VK_SUBOPTIMAL_KHR || r == VK_ERROR_OUT_OF_DATE_KHR;
}

static void
test_resize(struct harness *h, VkSurfaceKHR surface, struct xwin *w, const struct options *o)
{
   struct frame_loop fl;
   if (make_swapchain(&fl, h, surface, w, o->mode, VK_NULL_HANDLE) != VK_SUCCESS) {
      frame_loop_destroy(&fl, true);
      return;
   }
   uint32_t done;
   VkResult r = wt_present_frames(&fl, 10, &done);
   CHECK(h, r == VK_SUCCESS, "resize: before the resize frame %u returned %s", done, wt_result_name(r));
   check_screen(h, w, fl.frames - 1, w->size, "before resize", o);

   VkExtent2D base = w->size;
   VkExtent2D sizes[2] = {{base.width + base.width / 4, base.height + base.height / 5},
                          {base.width * 3 / 4, base.height * 3 / 4}};
   for (int s = 0; s < 2; s++) {
      xwin_resize(w, sizes[s]);
      /* The server has the request; presenting must notice within a few frames. */
      uint64_t t0 = harness_now_ns();
      uint32_t frames = 0;
      VkResult seen = VK_SUCCESS;
      while (frames < 60 && harness_now_ns() - t0 < 5000000000ull) {
         seen = frame_loop_draw(&fl);
         frames++;
         if (seen != VK_SUCCESS)
            break;
      }
      printf("resize to %ux%u: %s after %u frame(s), %.3f s\n", sizes[s].width, sizes[s].height,
             wt_result_name(seen), frames, (harness_now_ns() - t0) / 1e9);
      CHECK(h, out_of_date_or_suboptimal(seen),
            "resize to %ux%u: %s after %u frames, expected VK_SUBOPTIMAL_KHR or "
            "VK_ERROR_OUT_OF_DATE_KHR", sizes[s].width, sizes[s].height, wt_result_name(seen), frames);
      /* "Within a few frames": unpaced modes may queue many frames in the time the server
       * takes to tell, so a quarter second also counts as prompt. */
      double took = (harness_now_ns() - t0) / 1e9;
      CHECK(h, frames <= 10 || took <= 0.25, "resize noticed only after %u frames and %.3f s",
            frames, took);
      if (!out_of_date_or_suboptimal(seen))
         break;
      VkSurfaceCapabilitiesKHR caps;
      CHECK_VK(h, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(h->pdev, surface, &caps), VK_SUCCESS);
      CHECK(h, caps.currentExtent.width == sizes[s].width && caps.currentExtent.height == sizes[s].height,
            "after the resize currentExtent is %ux%u, the window %ux%u", caps.currentExtent.width,
            caps.currentExtent.height, sizes[s].width, sizes[s].height);
      struct frame_loop next;
      VkResult cr = make_swapchain(&next, h, surface, w, o->mode, fl.swapchain);
      frame_loop_destroy(&fl, true);
      fl = next;
      if (cr != VK_SUCCESS)
         break;
      r = wt_present_frames(&fl, 10, &done);
      CHECK(h, r == VK_SUCCESS, "resize: at %ux%u frame %u returned %s", sizes[s].width,
            sizes[s].height, done, wt_result_name(r));
      char what[64];
      snprintf(what, sizeof(what), "after resize to %ux%u", sizes[s].width, sizes[s].height);
      if (r == VK_SUCCESS)
         check_screen(h, w, fl.frames - 1, sizes[s], what, o);
   }
   frame_loop_destroy(&fl, true);
}

static void
test_destroy_window(struct harness *h, VkSurfaceKHR surface, struct xwin *w, const struct options *o)
{
   struct frame_loop fl;
   if (make_swapchain(&fl, h, surface, w, o->mode, VK_NULL_HANDLE) != VK_SUCCESS) {
      frame_loop_destroy(&fl, true);
      return;
   }
   uint32_t done;
   VkResult r = wt_present_frames(&fl, 10, &done);
   CHECK(h, r == VK_SUCCESS, "destroy-window: frame %u returned %s", done, wt_result_name(r));
   check_screen(h, w, fl.frames - 1, w->size, "before the window goes", o);

   xwin_destroy_window(w);
   uint32_t frames;
   double secs;
   r = wt_present_until_error(&fl, 5000000000ull, &frames, &secs);
   printf("window destroyed: %s after %u frame(s), %.3f s\n", wt_result_name(r), frames, secs);
   CHECK(h, r == VK_ERROR_SURFACE_LOST_KHR || r == VK_ERROR_OUT_OF_DATE_KHR,
         "after the window was destroyed: %s (%d) after %u frames in %.1f s, expected "
         "VK_ERROR_SURFACE_LOST_KHR or VK_ERROR_OUT_OF_DATE_KHR", wt_result_name(r), r, frames, secs);
   wt_after_loss(h, &fl, surface, r, "of the destroyed window's surface");
}

static void
test_server_killed(struct harness *h, VkSurfaceKHR surface, struct xwin *w, const struct options *o)
{
   struct frame_loop fl;
   if (make_swapchain(&fl, h, surface, w, o->mode, VK_NULL_HANDLE) != VK_SUCCESS) {
      frame_loop_destroy(&fl, true);
      return;
   }
   uint32_t done;
   VkResult r = wt_present_frames(&fl, 10, &done);
   CHECK(h, r == VK_SUCCESS, "server-killed: frame %u returned %s", done, wt_result_name(r));
   check_screen(h, w, fl.frames - 1, w->size, "before the server goes", o);
   wt_signal_ready(o->ready_file, "server");
   uint32_t frames;
   double secs;
   r = wt_present_until_error(&fl, 30000000000ull, &frames, &secs);
   /* The layer may have noticed on a connection of its own: the app's learns it once it
    * next talks to the server. */
   free(xcb_get_input_focus_reply(w->conn, xcb_get_input_focus(w->conn), NULL));
   int conn_error = xcb_connection_has_error(w->conn);
   printf("server killed: %s after %u frame(s), %.3f s; the X connection's error: %d\n",
          wt_result_name(r), frames, secs, conn_error);
   CHECK(h, conn_error != 0, "the X connection is still fine after %.1f s: the server was not killed",
         secs);
   CHECK(h, r == VK_ERROR_SURFACE_LOST_KHR || r == VK_ERROR_OUT_OF_DATE_KHR ||
            r == VK_ERROR_DEVICE_LOST,
         "with the server gone: %s (%d) after %u frames, expected VK_ERROR_SURFACE_LOST_KHR, "
         "VK_ERROR_OUT_OF_DATE_KHR or VK_ERROR_DEVICE_LOST", wt_result_name(r), r, frames);
   wt_after_loss(h, &fl, surface, r, "with the server gone");
}

static void
usage(void)
{
   fprintf(stderr,
           "usage: vw-x11-test [--xlib [--no-xinitthreads]] [--size WxH] [--depth 24|32]\n"
           "                   [--mode fifo|mailbox|immediate|relaxed] [--frames N]\n"
           "                   [--tests modes,resize,destroy-window,server-killed,presentwait,maint1,present2]\n"
           "                   [--app-layers L1,L2] [--validation above|below]\n"
           "                   [--fifo-range MIN:MAX | --no-rate-check] [--ready-file PATH]\n"
           "                   [--expect-method dri3-present|shm-present|put-image-present|put-image]\n"
           "                   [--expect-method-immediate NAME]\n"
           "                   [--tolerance N] [--screen-check fail|report]\n"
           "DISPLAY names the X server (check_x11.sh starts a private Xvfb).\n");
}

int
main(int argc, char **argv)
{
   struct options o = {
      .depth = 24,
      .size = {640, 480},
      .mode = VK_PRESENT_MODE_FIFO_KHR,
      .frames = 90,
      .tests = "modes",
      .fifo_min = 40,
      .fifo_max = 75,
      .screenshot_tolerance = 2,
   };
   for (int i = 1; i < argc; i++) {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (!strcmp(a, "--xlib"))
         o.xlib = true;
      else if (!strcmp(a, "--no-xinitthreads"))
         o.no_xinitthreads = true;
      else if (!strcmp(a, "--no-rate-check"))
         o.fifo_min = o.fifo_max = 0;
      else if (!v) {
         usage();
         return 2;
      } else if (!strcmp(a, "--size")) {
         if (sscanf(v, "%ux%u", &o.size.width, &o.size.height) != 2 || !o.size.width || !o.size.height) {
            usage();
            return 2;
         }
         i++;
      } else if (!strcmp(a, "--depth")) {
         o.depth = (uint32_t)atoi(v);
         i++;
      } else if (!strcmp(a, "--mode")) {
         if (!wt_parse_mode(v, &o.mode)) {
            usage();
            return 2;
         }
         i++;
      } else if (!strcmp(a, "--frames")) {
         o.frames = (uint32_t)atoi(v);
         i++;
      } else if (!strcmp(a, "--tests")) {
         o.tests = v;
         i++;
      } else if (!strcmp(a, "--app-layers")) {
         o.app_layers = v;
         i++;
      } else if (!strcmp(a, "--validation")) {
         o.validation = v;
         i++;
      } else if (!strcmp(a, "--ready-file")) {
         o.ready_file = v;
         i++;
      } else if (!strcmp(a, "--expect-method-immediate")) {
         o.expect_method_immediate = v;
         i++;
      } else if (!strcmp(a, "--expect-method")) {
         o.expect_method = v;
         i++;
      } else if (!strcmp(a, "--screen-check")) {
         if (strcmp(v, "report") && strcmp(v, "fail")) {
            usage();
            return 2;
         }
         o.screen_report_only = !strcmp(v, "report");
         i++;
      } else if (!strcmp(a, "--tolerance")) {
         o.screenshot_tolerance = (uint32_t)atoi(v);
         i++;
      } else if (!strcmp(a, "--fifo-range")) {
         if (sscanf(v, "%lf:%lf", &o.fifo_min, &o.fifo_max) != 2) {
            usage();
            return 2;
         }
         i++;
      } else {
         usage();
         return 2;
      }
   }
   if (o.depth != 24 && o.depth != 32) {
      usage();
      return 2;
   }
   if (o.no_xinitthreads && !o.xlib) {
      fprintf(stderr, "--no-xinitthreads goes with --xlib\n");
      return 2;
   }
   signal(SIGPIPE, SIG_IGN); /* a killed server must show as errors, not end the process */
   wt_arm_alarm("x11 test", 90); /* the whole run: every wait below is bounded well within it */

   if (o.expect_method) {
      /* Only this run's swapchains may count. */
      const char *stats = getenv("VENUS_WSI_STATS_FILE");
      if (stats && *stats)
         unlink(stats);
   }

   struct xwin w;
   if (!xwin_open(&w, &o))
      return 1;
   if (!xwin_create(&w, o.size, o.depth)) {
      xwin_close(&w, false);
      return 1;
   }

   const char *inst_exts[] = {VK_KHR_SURFACE_EXTENSION_NAME,
                              o.xlib ? VK_KHR_XLIB_SURFACE_EXTENSION_NAME
                                     : VK_KHR_XCB_SURFACE_EXTENSION_NAME,
                              VK_KHR_GET_SURFACE_CAPABILITIES_2_EXTENSION_NAME,
                              VK_EXT_SURFACE_MAINTENANCE_1_EXTENSION_NAME};
   /* Only the present-wait and maintenance runs enable them: Mesa's own WSI, the reference,
    * may lack them. */
   bool present_wait = wt_wants(o.tests, "presentwait");
   bool maint1 = wt_wants(o.tests, "maint1");
   /* present2: VK_KHR_present_id2, VK_KHR_present_wait2 and
    * VK_EXT_present_mode_fifo_latest_ready, the layer's alone. */
   bool present2 = wt_wants(o.tests, "present2");
   m1_latest_ready_known = present2;
   const char *dev_exts[8];
   uint32_t ndev = wt_device_extensions(present_wait, dev_exts);
   if (maint1)
      dev_exts[ndev++] = VK_EXT_SWAPCHAIN_MAINTENANCE_1_EXTENSION_NAME;
   if (present2) {
      dev_exts[ndev++] = VK_KHR_PRESENT_ID_2_EXTENSION_NAME;
      dev_exts[ndev++] = VK_KHR_PRESENT_WAIT_2_EXTENSION_NAME;
      dev_exts[ndev++] = VK_EXT_PRESENT_MODE_FIFO_LATEST_READY_EXTENSION_NAME;
   }
   const char *layers[4];
   char layer_buf[256];
   uint32_t nlayers = wt_split_layers(o.app_layers, layer_buf, sizeof(layer_buf), layers);
   struct harness_options ho = {
      .layers = layers,
      .layer_count = nlayers,
      .instance_exts = inst_exts,
      .instance_ext_count = maint1 || present2 ? 4 : 3,
      .device_exts = dev_exts,
      .device_ext_count = ndev,
      .present_wait = present_wait,
      .maintenance1 = maint1,
      .present2 = present2,
   };
   struct harness h = {0};
   if (!harness_init(&h, &ho)) {
      harness_finish(&h);
      xwin_close(&w, false);
      return 1;
   }
   bool server_gone = false;
   VkSurfaceKHR surface = create_surface(&h, &w);
   if (surface) {
      test_queries(&h, surface, &w);
      if (wt_wants(o.tests, "modes"))
         test_modes(&h, surface, &w, &o);
      if (present_wait)
         test_present_wait(&h, surface, &w, &o);
      if (maint1)
         test_maintenance1(&h, surface, &w, &o);
      if (present2)
         test_present2(&h, surface, &w, &o);
      if (wt_wants(o.tests, "resize"))
         test_resize(&h, surface, &w, &o);
      if (wt_wants(o.tests, "destroy-window"))
         test_destroy_window(&h, surface, &w, &o);
      else if (wt_wants(o.tests, "server-killed")) {
         test_server_killed(&h, surface, &w, &o);
         server_gone = true;
      }
      vkDestroySurfaceKHR(h.instance, surface, NULL);
   }
   if (o.validation)
      wt_provoke_validation(&h);
   uint32_t failures = h.failures;
   harness_finish(&h);
   uint32_t messages = h.validation_messages; /* destruction may report leaks too */
   xwin_close(&w, server_gone);
   if (o.expect_method) {
      h.failures = 0;
      wt_check_stats(&h, "x11", o.expect_method, o.expect_method_immediate, swapchains_created, true);
      failures += h.failures;
   }
   printf("validation messages: %u, failed checks: %u\n", messages, failures);
   return failures || messages ? 1 : 0;
}

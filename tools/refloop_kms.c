#include "refloop_kms.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <xf86drm.h>

#define LOG_PREFIX "venus-wsi-refloop: "

/* A connected connector of 'fd' with at least one mode, and a CRTC its encoders can drive. */
static bool
pick_output(int fd, uint32_t *connector_id, uint32_t *crtc_id, drmModeConnector **out)
{
   drmModeRes *res = drmModeGetResources(fd);
   if (!res)
      return false;
   bool found = false;
   for (int c = 0; c < res->count_connectors && !found; c++) {
      drmModeConnector *conn = drmModeGetConnector(fd, res->connectors[c]);
      if (!conn)
         continue;
      if (conn->connection == DRM_MODE_CONNECTED && conn->count_modes > 0) {
         for (int e = 0; e < conn->count_encoders && !found; e++) {
            drmModeEncoder *enc = drmModeGetEncoder(fd, conn->encoders[e]);
            if (!enc)
               continue;
            for (int i = 0; i < res->count_crtcs && !found; i++) {
               /* The CRTC the encoder already uses, else the first it can. */
               bool current = enc->crtc_id == res->crtcs[i];
               bool possible = !enc->crtc_id && (enc->possible_crtcs & (1u << i));
               if (current || possible) {
                  *crtc_id = res->crtcs[i];
                  found = true;
               }
            }
            drmModeFreeEncoder(enc);
         }
      }
      if (found) {
         *connector_id = conn->connector_id;
         *out = conn;
      } else {
         drmModeFreeConnector(conn);
      }
   }
   drmModeFreeResources(res);
   return found;
}

/* 0 with the card open and an output picked, else an errno of open() or -1 (no output). */
static int
try_card(struct refloop_kms *k, const char *path, drmModeConnector **conn)
{
   k->fd = open(path, O_RDWR | O_CLOEXEC);
   if (k->fd < 0)
      return errno;
   snprintf(k->path, sizeof(k->path), "%s", path);
   if (pick_output(k->fd, &k->connector_id, &k->crtc_id, conn))
      return 0;
   close(k->fd);
   k->fd = -1;
   return -1;
}

static bool
pick_mode(struct refloop_kms *k, const drmModeConnector *conn, uint32_t w, uint32_t h, bool quiet)
{
   int preferred = 0;
   for (int i = 0; i < conn->count_modes; i++)
      if (conn->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
         preferred = i;
         break;
      }
   k->mode = conn->modes[preferred];
   if (!w)
      return true;
   for (int i = 0; i < conn->count_modes; i++)
      if (conn->modes[i].hdisplay == w && conn->modes[i].vdisplay == h) {
         k->mode = conn->modes[i];
         return true;
      }
   if (!quiet)
      printf(LOG_PREFIX "%s lists no %ux%u mode: using the preferred %ux%u\n", k->path, w, h,
             k->mode.hdisplay, k->mode.vdisplay);
   return true;
}

static bool
make_buffer(struct refloop_kms *k, struct refloop_dumb *b)
{
   uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay;
   uint64_t offset;
   if (drmModeCreateDumbBuffer(k->fd, w, h, 32, 0, &b->handle, &b->pitch, &b->size)) {
      fprintf(stderr, LOG_PREFIX "cannot create a %ux%u dumb buffer: %s\n", w, h, strerror(errno));
      return false;
   }
   uint32_t handles[4] = {b->handle}, pitches[4] = {b->pitch}, offsets[4] = {0};
   if (drmModeAddFB2(k->fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &b->fb_id, 0)) {
      fprintf(stderr, LOG_PREFIX "cannot add an XRGB8888 framebuffer: %s\n", strerror(errno));
      return false;
   }
   void *map = MAP_FAILED;
   if (!drmModeMapDumbBuffer(k->fd, b->handle, &offset))
      map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, (off_t)offset);
   if (map == MAP_FAILED) {
      fprintf(stderr, LOG_PREFIX "cannot map a dumb buffer: %s\n", strerror(errno));
      return false;
   }
   b->map = map;
   return true;
}

bool
refloop_kms_open(struct refloop_kms *k, const char *card, uint32_t want_w, uint32_t want_h,
                 bool quiet)
{
   memset(k, 0, sizeof(*k));
   k->fd = -1;
   drmModeConnector *conn = NULL;
   if (card) {
      int err = try_card(k, card, &conn);
      if (err) {
         fprintf(stderr, LOG_PREFIX "%s: %s\n", card,
                 err > 0 ? strerror(err) : "no connected connector with a mode");
         return false;
      }
   } else {
      /* Not a directory listing: the nodes are opened by name, which also finds an
       * emulated device that answers open() alone. */
      char path[32];
      for (int i = 0; i < 16 && !conn; i++) {
         snprintf(path, sizeof(path), "/dev/dri/card%d", i);
         try_card(k, path, &conn);
      }
      if (!conn) {
         fprintf(stderr, LOG_PREFIX "no /dev/dri/card* with a connected connector\n");
         return false;
      }
   }
   pick_mode(k, conn, want_w, want_h, quiet);
   drmModeFreeConnector(conn);
   k->saved = drmModeGetCrtc(k->fd, k->crtc_id);
   for (int i = 0; i < 2; i++)
      if (!make_buffer(k, &k->buf[i]))
         return false;
   if (drmModeSetCrtc(k->fd, k->crtc_id, k->buf[0].fb_id, 0, 0, &k->connector_id, 1, &k->mode)) {
      fprintf(stderr, LOG_PREFIX "cannot set %ux%u on CRTC %u: %s (is another program the DRM "
                      "master?)\n", k->mode.hdisplay, k->mode.vdisplay, k->crtc_id,
              strerror(errno));
      return false;
   }
   k->shown = 0;
   return true;
}

bool
refloop_kms_dirty(struct refloop_kms *k, uint32_t i)
{
   /* A driver that scans out memory directly has no DirtyFB: nothing to tell it then. */
   if (drmModeDirtyFB(k->fd, k->buf[i].fb_id, NULL, 0) && errno != ENOSYS) {
      fprintf(stderr, LOG_PREFIX "DirtyFB: %s\n", strerror(errno));
      return false;
   }
   return true;
}

static void
on_flip(int fd, unsigned seq, unsigned sec, unsigned usec, void *data)
{
   (void)fd, (void)seq, (void)sec, (void)usec;
   ((struct refloop_kms *)data)->flip_pending = false;
}

/* The flip's event, or false after 'timeout' ms without one. A signal does not end the
 * wait: the flip is under way and its buffer is not ours again before it completes. */
static bool
wait_flip(struct refloop_kms *k, int timeout_ms)
{
   drmEventContext ctx = {.version = 2, .page_flip_handler = on_flip};
   while (k->flip_pending) {
      struct pollfd p = {.fd = k->fd, .events = POLLIN};
      int n = poll(&p, 1, timeout_ms);
      if (n < 0 && errno == EINTR)
         continue;
      if (n <= 0) {
         fprintf(stderr, LOG_PREFIX "no page flip event within %d ms%s%s\n", timeout_ms,
                 n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
         return false;
      }
      if (drmHandleEvent(k->fd, &ctx)) {
         fprintf(stderr, LOG_PREFIX "reading the DRM events: %s\n", strerror(errno));
         return false;
      }
   }
   return true;
}

bool
refloop_kms_flip(struct refloop_kms *k, uint32_t i)
{
   if (drmModePageFlip(k->fd, k->crtc_id, k->buf[i].fb_id, DRM_MODE_PAGE_FLIP_EVENT, k)) {
      fprintf(stderr, LOG_PREFIX "page flip: %s\n", strerror(errno));
      return false;
   }
   k->flip_pending = true;
   if (!wait_flip(k, 5000))
      return false;
   k->shown = i;
   return true;
}

void
refloop_kms_close(struct refloop_kms *k)
{
   if (k->fd < 0)
      return;
   /* Leave no flip behind on a buffer about to go (its event would be read by nobody). */
   if (k->flip_pending)
      wait_flip(k, 1000);
   if (k->saved && k->saved->mode_valid && k->saved->buffer_id)
      drmModeSetCrtc(k->fd, k->saved->crtc_id, k->saved->buffer_id, k->saved->x, k->saved->y,
                     &k->connector_id, 1, &k->saved->mode);
   for (int i = 0; i < 2; i++) {
      struct refloop_dumb *b = &k->buf[i];
      if (b->map)
         munmap(b->map, b->size);
      if (b->fb_id)
         drmModeRmFB(k->fd, b->fb_id);
      if (b->handle)
         drmModeDestroyDumbBuffer(k->fd, b->handle);
   }
   if (k->saved)
      drmModeFreeCrtc(k->saved);
   close(k->fd);
   k->fd = -1;
}

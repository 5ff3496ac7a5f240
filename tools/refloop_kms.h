/* venus-wsi-refloop's display side, as a program without any WSI drives KMS by hand: one
 * connected connector, two XRGB8888 dumb buffers with framebuffers, the CRTC set once, then
 * DirtyFB on the shown buffer or page flips between the two. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <xf86drmMode.h>

struct refloop_dumb {
   uint32_t handle, fb_id, pitch;
   uint64_t size;
   uint8_t *map;
};

struct refloop_kms {
   int fd;
   char path[64];
   uint32_t connector_id, crtc_id;
   drmModeModeInfo mode;
   drmModeCrtc *saved; /* what the CRTC showed before (the console), put back at the end */
   struct refloop_dumb buf[2];
   uint32_t shown; /* the buffer on screen */
   bool flip_pending;
};

/* Opens 'card' (NULL: /dev/dri/card0..15, the first with a connected connector), takes the
 * preferred mode or a 'want_w'x'want_h' one the connector lists, makes both buffers and sets
 * the CRTC on buffer 0. false after printing one line; refloop_kms_close is safe then. */
bool refloop_kms_open(struct refloop_kms *k, const char *card, uint32_t want_w, uint32_t want_h,
                      bool quiet);
/* Tells the driver buffer 'i' (the shown one) changed everywhere. */
bool refloop_kms_dirty(struct refloop_kms *k, uint32_t i);
/* Flips to buffer 'i' and waits for the flip's completion event. */
bool refloop_kms_flip(struct refloop_kms *k, uint32_t i);
void refloop_kms_close(struct refloop_kms *k);

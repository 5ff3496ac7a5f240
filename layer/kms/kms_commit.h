/* Putting framebuffers on a CRTC: the first commit sets the mode, later ones flip; atomic
 * where the device has it, legacy SetCrtc/PageFlip (or SetCrtc + DirtyFB) otherwise. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kms_device.h"
#include "venus_wsi/backend.h"

struct vw_kms_output {
   struct vw_kms_device *dev;
   struct vw_kms_crtc *crtc;
   struct vw_kms_connector *connector;
   drmModeModeInfo mode;
   bool legacy_setcrtc_only; /* the driver refused page flips: SetCrtc + DirtyFB each frame */
   bool async_failed;        /* the driver refused an async flip once: stop asking */
};

enum vw_flip_result {
   VW_FLIP_PENDING, /* wait for the flip event (serial in *serial) */
   VW_FLIP_SHOWN,   /* on screen already (synchronous mode set or DirtyFB) */
};

/* Puts 'fb' on the output: a mode set when the CRTC does not show this mode from this
 * connector yet, else a flip. 'damage' becomes FB_DAMAGE_CLIPS / DirtyFB clips; 'async' asks
 * for a tearing flip where the device allows. Returns 0 or a negative errno. */
int vw_kms_show(struct vw_kms_output *out, uint32_t fb, VkExtent2D extent,
                const struct vw_damage *damage, bool async, enum vw_flip_result *result,
                uint64_t *serial);

/* 'fb', already on screen, was rewritten where 'damage' says: the display copies those rows
 * (DirtyFB; the kernel blocks until it has). 0, -EAGAIN when 'fb' is not what the output
 * shows with no flip pending (show it instead), or another negative errno. */
int vw_kms_dirty(struct vw_kms_output *out, uint32_t fb, const struct vw_damage *damage);

/* Waits up to 'timeout_ns' for flip 'serial' on the output's CRTC, or until 'wake_fd' is
 * readable. Returns 1 when the flip is done, 0 when not yet, negative errno when the
 * device is gone. */
int vw_kms_wait_flip(struct vw_kms_output *out, uint64_t serial, int wake_fd, uint64_t timeout_ns);

/* The event of flip 'serial' did not come in time: counts it as done so nothing waits for
 * it forever, and remembers that it may still be pending (a flip that never completes). */
void vw_kms_give_up_flip(struct vw_kms_output *out, uint64_t serial);

/* Waits until no flip is pending on the CRTC or 'deadline_ns' (CLOCK_MONOTONIC) passes, then
 * gives the flip up. False when the last flip was given up on, now or before. */
bool vw_kms_drain_flips(struct vw_kms_output *out, uint64_t deadline_ns);

/* Puts the CRTC back as it was before the layer's first mode set (or turns it off), so no
 * framebuffer of the layer's stays on screen, waiting for the display no later than
 * 'deadline_ns'. 0 when done (the layer's framebuffers may all be removed then); -EBUSY when
 * the CRTC stayed busy with a flip that never completes: *held_fb is then the layer's
 * framebuffer the CRTC still holds, which must not be removed (removing a framebuffer in use
 * blocks until the kernel gives up on the flip, 10 s and more). Another negative errno when
 * the restore was refused (no master, device gone): removing the framebuffers turns the CRTC
 * off then. */
int vw_kms_restore(struct vw_kms_output *out, uint64_t deadline_ns, uint32_t *held_fb);

/* Maps a failed KMS call to what the swapchain reports. */
VkResult vw_kms_error_to_vk(int neg_errno);

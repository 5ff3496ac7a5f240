/* The libgbm functions the desktop backends call for buffers a display server imports (X11's
 * DRI3 pixmaps, Wayland's linux-dmabuf), loaded with dlopen on first use: a guest without
 * GBM still loads the layer. */
#pragma once

#include <gbm.h>
#include <stdbool.h>
#include <stdint.h>

#define VW_GBM_FUNCTIONS(X)                                                                      \
   X(gbm_create_device)                                                                          \
   X(gbm_device_destroy)                                                                         \
   X(gbm_bo_create)                                                                              \
   X(gbm_bo_destroy)                                                                             \
   X(gbm_bo_get_fd)                                                                              \
   X(gbm_bo_get_stride)                                                                          \
   X(gbm_bo_get_modifier)                                                                        \
   X(gbm_bo_map)                                                                                 \
   X(gbm_bo_unmap)

#define VW_GBM_POINTER(f) __typeof__(f) *f;
struct vw_gbm {
   VW_GBM_FUNCTIONS(VW_GBM_POINTER)
};
#undef VW_GBM_POINTER

/* The table, loaded once; NULL (with one log line) when libgbm cannot be loaded.
 * Thread-safe. */
const struct vw_gbm *vw_gbm_get(void);

/* Rows [y0, y1) of a 'width'-pixel, 4-byte-per-pixel frame at 'src' (rows 'src_stride'
 * apart, row y0 first) into the same rows of 'bo', through gbm_bo_map with the stride it
 * gives. False when the map fails (errno says why). */
bool vw_gbm_write_rows(const struct vw_gbm *fns, struct gbm_bo *bo, uint32_t width,
                       const uint8_t *src, uint32_t src_stride, uint32_t y0, uint32_t y1);

/* True (with the reason in 'why') when GBM would not allocate with the display device's own
 * driver: libgbm loads its DRI driver through Mesa's loader, which obeys
 * MESA_LOADER_DRIVER_OVERRIDE, set by whoever wants Zink as their GL driver. Buffers GBM
 * made through Zink would be memory of the layer's own Vulkan driver, which on Venus cannot
 * share it with the display server: it would show nothing but black. */
bool vw_gbm_overridden(char *why, size_t len);

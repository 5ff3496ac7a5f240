/* Frame dumps as PNG. libpng is opened only when a dump is asked for, so the layer itself
 * needs nothing beyond what a guest has. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "venus_wsi/config.h"
#include "venus_wsi/format_table.h"

/* Longest dump path the layer builds: the directory plus a frame's file name. */
#define VW_PNG_PATH_MAX (VW_CONFIG_PATH_MAX + 64)

/* Writes rows of 'fmt' pixels (stride in bytes) to 'path' as an RGB8 PNG. */
bool vw_png_write(const char *path, const struct vw_format_info *fmt, const void *pixels,
                  uint32_t width, uint32_t height, uint32_t stride);

/* Shared-memory frame buffers (memfd) for backends whose display server maps the frames
 * itself: the X11 backend's MIT-SHM pixmaps, the Wayland backend's wl_shm pools. */
#pragma once

#include <stdint.h>

#include "image_paths/image_paths.h"

struct vw_memfd_buffer {
   int fd; /* the server gets a dup of it */
   void *map;
   uint64_t map_size;
};

/* 'owner' names the backend in the paths' log lines ("the X11 backend"). */
struct vw_buffer_provider vw_memfd_provider(const char *owner);

static inline struct vw_memfd_buffer *
vw_memfd(const struct vw_provided_buffer *buf)
{
   return buf->handle;
}

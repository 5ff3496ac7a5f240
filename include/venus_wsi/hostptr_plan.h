/* Sizing for path C: a dumb buffer's pages imported as Vulkan host memory. The import
 * needs a pointer and a size that are multiples of minImportedHostPointerAlignment, which
 * need not be the page size (16 KiB on the user's macOS-hosted Venus; a guest may still run
 * 4 KiB pages). Nothing here assumes either. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vw_hostptr_plan {
   uint64_t import_size;  /* bytes to import: the frame, rounded up to the alignment */
   uint64_t map_size;     /* bytes to map: at least import_size, whole pages */
   uint32_t alloc_height; /* rows to ask the dumb buffer for so that map_size fits in it */
};

/* Plans the import of a 'height'-row frame with rows 'pitch' bytes apart. 'page_size' and
 * 'alignment' must be powers of two. False when it cannot work (zero or absurd sizes). */
bool vw_hostptr_plan(uint32_t pitch, uint32_t height, uint64_t page_size, uint64_t alignment,
                     struct vw_hostptr_plan *out);

/* The first address at or after 'addr' that is a multiple of 'alignment'. */
uintptr_t vw_align_up_ptr(uintptr_t addr, uint64_t alignment);

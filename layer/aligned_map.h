/* mmap of a shared file (a dumb buffer, a memfd) at an address aligned beyond the page
 * size: host-pointer imports need the driver's minImportedHostPointerAlignment, which may
 * be more than a page. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* Maps 'size' bytes of 'fd' from 'offset', read-write and shared, at a multiple of
 * 'alignment' (a power of two). Returns the address, or NULL with errno set. Unmap with
 * munmap(address, size). */
void *vw_map_aligned(int fd, off_t offset, uint64_t size, uint64_t alignment);

/* Faults in every page of a fresh shared mapping without changing its contents, so that
 * the first frames written into it do not take a page fault per 4 KiB. Best effort. */
void vw_map_prefault(void *p, size_t size);

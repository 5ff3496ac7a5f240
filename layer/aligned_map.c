#include "aligned_map.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "venus_wsi/hostptr_plan.h"

/* Linux 5.14 uAPI, missing from older libc headers. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void *
vw_map_aligned(int fd, off_t offset, uint64_t size, uint64_t alignment)
{
   /* Where size_t is 32 bits, a size (or the aligned reservation) that does not fit would
    * map less than the caller writes. */
   if (size == 0 || size > SIZE_MAX - alignment) {
      errno = EINVAL;
      return NULL;
   }
   uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
   void *want = NULL;
   void *reserved = MAP_FAILED;
   size_t reserved_len = 0;
   if (alignment > page) {
      /* mmap only promises page alignment: reserve room for an aligned start, map there. */
      reserved_len = (size_t)(size + alignment);
      reserved = mmap(NULL, reserved_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (reserved == MAP_FAILED)
         return NULL;
      want = (void *)vw_align_up_ptr((uintptr_t)reserved, alignment);
   }
   void *p = mmap(want, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED | (want ? MAP_FIXED : 0),
                  fd, offset);
   if (p == MAP_FAILED) {
      int e = errno;
      if (reserved != MAP_FAILED)
         munmap(reserved, reserved_len);
      errno = e;
      return NULL;
   }
   if (reserved != MAP_FAILED) {
      /* Give back the reservation around the mapping. */
      uintptr_t start = (uintptr_t)reserved, end = start + reserved_len;
      uintptr_t map_end = (uintptr_t)p + size;
      if ((uintptr_t)p > start)
         munmap(reserved, (uintptr_t)p - start);
      if (end > map_end)
         munmap((void *)map_end, end - map_end);
   }
   return p;
}

void
vw_map_prefault(void *p, size_t size)
{
   /* The kernel allocates the pages in one call where it can (Linux 5.14; not for mappings
    * of device pages, which a driver's dumb buffer may be). */
   (void)madvise(p, size, MADV_POPULATE_WRITE);
   /* And one write per page from here, of the byte already there (nobody else has the
    * buffer yet): it faults in what the call could not, and under shadow paging (a guest
    * without nested EPT, this machine) the first user-mode write to each page is still a
    * trap after the kernel has populated it: 10 ms for the first full 1080p frame into
    * each buffer, against 0.5 ms for the next. */
   size_t page = (size_t)sysconf(_SC_PAGESIZE);
   for (size_t off = 0; off < size; off += page) {
      volatile uint8_t *b = (volatile uint8_t *)p + off;
      *b = *b;
   }
}

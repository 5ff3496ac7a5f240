#include "venus_wsi/row_copy.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* The destination is a scanout buffer: the guest CPU never reads it back, the host (or the
 * display) does. Non-temporal stores write it without first pulling every line into the
 * cache (no read-for-ownership, no eviction of the app's data), which is what makes the
 * copy cheaper than a plain memcpy of the frame where memcpy reads each line first (0.76-
 * 0.89x on one machine); where memcpy is 'rep movsb' on a CPU that writes whole lines
 * without reading them (an EPYC here) the two are even. On a write-combined mapping they
 * are also the only fast way to write. Short spans and the partial lines at the edges go
 * through memcpy. */
#define STREAM_MIN 256

#if defined(__x86_64__)
#define HAVE_STREAM_BLOCKS 1
/* 64-byte blocks to a 64-byte aligned destination, 16 bytes a store (SSE2: every x86-64). */
static void
stream_blocks_sse2(uint8_t *dst, const uint8_t *src, size_t blocks)
{
   for (; blocks; blocks--, dst += 64, src += 64) {
      __m128i a = _mm_loadu_si128((const __m128i *)src);
      __m128i b = _mm_loadu_si128((const __m128i *)(src + 16));
      __m128i c = _mm_loadu_si128((const __m128i *)(src + 32));
      __m128i d = _mm_loadu_si128((const __m128i *)(src + 48));
      _mm_stream_si128((__m128i *)dst, a);
      _mm_stream_si128((__m128i *)(dst + 16), b);
      _mm_stream_si128((__m128i *)(dst + 32), c);
      _mm_stream_si128((__m128i *)(dst + 48), d);
   }
}

/* The same, 32 bytes a store: half the stores per line. At 1080p in venus-wsi-bench (path D,
 * on a 2-core EPYC VM) the layer's full frame went from 0.59-0.63 ms to 0.54 ms with it, and
 * 10% damage from 0.09 to 0.085 ms. Reading the source ahead (prefetch) did not help the
 * full frame and cost the narrow rows of a damage rectangle 10%: left out. */
__attribute__((target("avx"))) static void
stream_blocks_avx(uint8_t *dst, const uint8_t *src, size_t blocks)
{
   for (; blocks; blocks--, dst += 64, src += 64) {
      __m256i a = _mm256_loadu_si256((const __m256i *)src);
      __m256i b = _mm256_loadu_si256((const __m256i *)(src + 32));
      _mm256_stream_si256((__m256i *)dst, a);
      _mm256_stream_si256((__m256i *)(dst + 32), b);
   }
}

static void
stream_blocks(uint8_t *dst, const uint8_t *src, size_t blocks)
{
   /* Not AVX-512: its wider stores lower some CPUs' clock for the whole core, which the
    * app sharing it would pay for. */
   __builtin_cpu_init(); /* cheap once done; needed where a constructor may call this */
   if (__builtin_cpu_supports("avx"))
      stream_blocks_avx(dst, src, blocks);
   else
      stream_blocks_sse2(dst, src, blocks);
}

/* Streaming stores are weakly ordered: make them visible before the flip is queued. */
static void
stream_done(void)
{
   _mm_sfence();
}
#elif defined(__aarch64__)
#define HAVE_STREAM_BLOCKS 1
static void
stream_blocks(uint8_t *dst, const uint8_t *src, size_t blocks)
{
   for (; blocks; blocks--, dst += 64, src += 64) {
      /* STNP: a store pair with a non-temporal hint (no intrinsic exists for it). */
      __asm__ volatile("ldp q0, q1, [%1]\n\t"
                       "ldp q2, q3, [%1, #32]\n\t"
                       "stnp q0, q1, [%0]\n\t"
                       "stnp q2, q3, [%0, #32]\n\t"
                       :
                       : "r"(dst), "r"(src)
                       : "v0", "v1", "v2", "v3", "memory");
   }
}

/* STNP is ordered like any store for a later DMB; the flip's ioctl is a barrier anyway. */
static void
stream_done(void)
{
   __asm__ volatile("dmb ishst" ::: "memory");
}
#else
#define HAVE_STREAM_BLOCKS 0
static void
stream_blocks(uint8_t *dst, const uint8_t *src, size_t blocks)
{
   memcpy(dst, src, blocks * 64);
}

static void
stream_done(void)
{
}
#endif

/* The head up to a cache line and the tail through memcpy, the whole lines between
 * streamed: a line written in full by streaming stores needs no read from memory. */
static void
stream_span(uint8_t *dst, const uint8_t *src, size_t n)
{
   size_t head = (64 - ((uintptr_t)dst & 63)) & 63;
   memcpy(dst, src, head);
   dst += head;
   src += head;
   n -= head;
   size_t blocks = n / 64;
   stream_blocks(dst, src, blocks);
   memcpy(dst + blocks * 64, src + blocks * 64, n - blocks * 64);
}

static void
copy_span(uint8_t *dst, const uint8_t *src, size_t n)
{
   if (HAVE_STREAM_BLOCKS && n >= STREAM_MIN)
      stream_span(dst, src, n);
   else
      memcpy(dst, src, n);
}

static uint64_t
copy_rect(uint8_t *dst, uint32_t dst_stride, const uint8_t *src, uint32_t src_stride,
          uint32_t bpp, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
   size_t row = (size_t)w * bpp;
   if (dst_stride == src_stride && row == dst_stride) {
      copy_span(dst + (size_t)y * dst_stride, src + (size_t)y * src_stride, row * h);
      return (uint64_t)row * h;
   }
   for (uint32_t i = 0; i < h; i++)
      copy_span(dst + ((size_t)y + i) * dst_stride + (size_t)x * bpp,
                src + ((size_t)y + i) * src_stride + (size_t)x * bpp, row);
   return (uint64_t)row * h;
}

bool
vw_damage_clip_rect(const VkRect2D *r, VkExtent2D extent, VkRect2D *out)
{
   /* Rectangles are clipped when recorded; clip again against a smaller extent. */
   if (r->offset.x < 0 || r->offset.y < 0 || (uint32_t)r->offset.x >= extent.width ||
       (uint32_t)r->offset.y >= extent.height)
      return false;
   /* In 64 bits: a 32-bit offset + width wraps past an extent near UINT32_MAX and would
    * leave the rectangle unclipped. */
   uint32_t w = r->extent.width, h = r->extent.height;
   if ((uint64_t)r->offset.x + w > extent.width)
      w = extent.width - (uint32_t)r->offset.x;
   if ((uint64_t)r->offset.y + h > extent.height)
      h = extent.height - (uint32_t)r->offset.y;
   *out = (VkRect2D){r->offset, {w, h}};
   return w && h;
}

uint64_t
vw_copy_damage(void *dst, uint32_t dst_stride, const void *src, uint32_t src_stride, uint32_t bpp,
               VkExtent2D extent, const struct vw_damage *damage)
{
   uint64_t bytes = 0;
   if (!damage || damage->full) {
      bytes = copy_rect(dst, dst_stride, src, src_stride, bpp, 0, 0, extent.width, extent.height);
   } else {
      for (uint32_t i = 0; i < damage->count; i++) {
         VkRect2D r;
         if (vw_damage_clip_rect(&damage->rects[i], extent, &r))
            bytes += copy_rect(dst, dst_stride, src, src_stride, bpp, (uint32_t)r.offset.x,
                               (uint32_t)r.offset.y, r.extent.width, r.extent.height);
      }
   }
   stream_done();
   return bytes;
}

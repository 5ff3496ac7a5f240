#include "kms_buffers.h"

static void
describe(struct vw_scanout_buffer *sb, struct vw_provided_buffer *out)
{
   *out = (struct vw_provided_buffer){
      .handle = sb,
      .pitch = sb->pitch,
      .size = sb->size,
      .map = sb->map,
   };
}

static int
create(void *ctx, VkExtent2D extent, uint32_t rows, struct vw_provided_buffer *out)
{
   struct vw_kms_buffers *kb = ctx;
   struct vw_scanout_buffer *sb;
   int e = vw_scanout_create_dumb(kb->dev, extent.width, extent.height, rows, kb->fourcc, &sb);
   if (!e)
      describe(sb, out);
   return e;
}

static int
map(void *ctx, struct vw_provided_buffer *buf, uint64_t size, uint64_t alignment)
{
   int e = vw_scanout_map(buf->handle, size, alignment);
   if (!e)
      buf->map = vw_kms_buffer(buf)->map;
   return e;
}

static int
export_dma_buf(void *ctx, struct vw_provided_buffer *buf)
{
   return vw_scanout_export(buf->handle);
}

static int
import_dma_buf(void *ctx, int fd, VkExtent2D extent, uint32_t pitch, uint32_t offset,
               uint64_t modifier, struct vw_provided_buffer *out)
{
   struct vw_kms_buffers *kb = ctx;
   struct vw_scanout_buffer *sb;
   int e = vw_scanout_import(kb->dev, fd, extent.width, extent.height, kb->fourcc, pitch, offset,
                             modifier, &sb);
   if (!e)
      describe(sb, out);
   return e;
}

static void
destroy(void *ctx, struct vw_provided_buffer *buf)
{
   vw_scanout_destroy(buf->handle);
}

struct vw_buffer_provider
vw_kms_buffer_provider(struct vw_kms_buffers *kb)
{
   bool dumb = kb->dev->dumb;
   return (struct vw_buffer_provider){
      .name = "the KMS device",
      .buffers = "dumb buffers",
      .ctx = kb,
      .create = dumb ? create : NULL,
      .map = dumb ? map : NULL,
      .export_dma_buf = kb->dev->prime_export ? export_dma_buf : NULL,
      .import_dma_buf = kb->dev->prime_import ? import_dma_buf : NULL,
      .destroy = destroy,
   };
}

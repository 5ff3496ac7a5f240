#include "device_chain.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "venus_wsi/vk_present2.h"

/* The generated table knows the structures of the headers the layer builds against; the
 * layer's own feature structures that those headers may lack (vk_present2.h) are added
 * here, so a chain holding them can still be copied. */
static size_t
struct_size(VkStructureType type)
{
   switch ((int)type) {
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_ID_2_FEATURES_KHR:
      return sizeof(VkPhysicalDevicePresentId2FeaturesKHR);
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_WAIT_2_FEATURES_KHR:
      return sizeof(VkPhysicalDevicePresentWait2FeaturesKHR);
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRESENT_MODE_FIFO_LATEST_READY_FEATURES_EXT:
      return sizeof(VkPhysicalDevicePresentModeFifoLatestReadyFeaturesEXT);
   default:
      return vw_device_chain_struct_size(type);
   }
}

static bool
dropped(const VkBaseInStructure *s, const VkStructureType *drop, uint32_t drop_count)
{
   for (uint32_t i = 0; i < drop_count; i++)
      if (s->sType == drop[i])
         return true;
   return false;
}

/* Copies keep the alignment malloc gives the app's own structures. */
static size_t
padded(size_t size)
{
   return (size + 15) & ~(size_t)15;
}

const void *
vw_chain_without(const void *pnext, const VkStructureType *drop, uint32_t drop_count,
                 void **storage, bool *complete)
{
   *storage = NULL;
   *complete = true;
   const VkBaseInStructure *last_dropped = NULL;
   size_t bytes = 0, pending = 0;
   /* An unknown size matters only where a dropped structure follows. */
   bool unknown = false, unknown_pending = false;
   for (const VkBaseInStructure *s = pnext; s; s = s->pNext) {
      if (dropped(s, drop, drop_count)) {
         last_dropped = s;
         bytes += pending;
         unknown |= unknown_pending;
         pending = 0;
         continue;
      }
      size_t size = struct_size(s->sType);
      unknown_pending |= !size;
      pending += padded(size);
   }
   if (!last_dropped)
      return pnext;
   if (unknown) {
      *complete = false;
      return pnext;
   }

   /* Only what comes before the last dropped structure needs copies; after it, the app's
    * own structures are linked in as they are. */
   char *mem = bytes ? malloc(bytes) : NULL;
   if (bytes && !mem) {
      *complete = false;
      return pnext;
   }
   const void *head = last_dropped->pNext;
   VkBaseOutStructure *tail = NULL;
   char *at = mem;
   for (const VkBaseInStructure *s = pnext; s != last_dropped; s = s->pNext) {
      if (dropped(s, drop, drop_count))
         continue;
      size_t size = struct_size(s->sType);
      VkBaseOutStructure *copy = (VkBaseOutStructure *)at;
      memcpy(copy, s, size);
      at += padded(size);
      if (tail)
         tail->pNext = copy;
      else
         head = copy;
      tail = copy;
   }
   if (tail)
      tail->pNext = (VkBaseOutStructure *)last_dropped->pNext;
   *storage = mem;
   return head;
}

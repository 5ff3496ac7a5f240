/* The device create info's pNext chain without the structures of the layer's own device
 * extensions, for a driver that does not have them. The app's structures stay untouched
 * (they may be const data): the structures before the last one dropped are copied, which
 * needs their sizes (device_chain_sizes.c, generated from the Vulkan registry). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

/* sizeof the structure of 'type' where it may extend VkDeviceCreateInfo, else 0. */
size_t vw_device_chain_struct_size(VkStructureType type);

/* Returns the chain 'pnext' with every structure of a type in 'drop' left out, and in
 * *storage the memory of the copies (free() it after the call down; NULL when nothing was
 * copied). Returns 'pnext' itself when nothing is dropped. When a structure that would need
 * copying has an unknown size, or memory runs out, returns 'pnext' unchanged and sets
 * *complete to false. */
const void *vw_chain_without(const void *pnext, const VkStructureType *drop, uint32_t drop_count,
                             void **storage, bool *complete);

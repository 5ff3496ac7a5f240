/* What the layer implements, and the string-list helpers to advertise and strip it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#define VW_LAYER_NAME "VK_LAYER_VENUS_wsi"

extern const VkExtensionProperties vw_instance_extensions[];
extern const uint32_t vw_instance_extension_count;
extern const VkExtensionProperties vw_device_extensions[];
extern const uint32_t vw_device_extension_count;

bool vw_ext_in_names(const char *name, const char *const *names, uint32_t count);
bool vw_ext_in_props(const char *name, const VkExtensionProperties *props, uint32_t count);

/* A growable list of extension names handed down the chain. The strings are not copied:
 * they come from the app's create info or from static tables. */
struct vw_name_list {
   const char **names;
   uint32_t count;
   uint32_t capacity;
};

bool vw_name_list_init(struct vw_name_list *list, const char *const *names, uint32_t count,
                       uint32_t extra);
void vw_name_list_remove(struct vw_name_list *list, const char *name);
/* Adds 'name' unless present; false when there is no room left. */
bool vw_name_list_add(struct vw_name_list *list, const char *name);
void vw_name_list_finish(struct vw_name_list *list);

/* The two-call enumeration idiom: copy up to *count of 'n' elements of 'size' bytes into
 * 'out' (when not NULL) and return VK_INCOMPLETE when they do not all fit. */
VkResult vw_outarray(uint32_t *count, void *out, const void *src, uint32_t n, size_t size);

/* The instance extension list the loader gives apps, as this layer sees it before any
 * instance exists (the manifest's pre_instance_functions).
 *
 * The loader adds an implicit layer's manifest extensions to the drivers' list whether the
 * layer will implement them or not. Where the layer passes through, an app that enabled
 * what the list offered (VK_EXT_headless_surface on a driver without it) would hand the
 * layer's surface to a driver that never heard of it. So where the layer will not take
 * over, the list is what it would be without the layer: the drivers' own. */
#include <stdlib.h>
#include <string.h>
#include <vulkan/vk_layer.h>

#include "driver_instance_exts.h"
#include "extensions.h"
#include "log.h"
#include "takeover_probe.h"

#define VW_EXPORT __attribute__((visibility("default")))

VW_EXPORT VKAPI_ATTR VkResult VKAPI_CALL vw_pre_EnumerateInstanceExtensionProperties(
   const VkEnumerateInstanceExtensionPropertiesChain *chain, const char *layer_name,
   uint32_t *count, VkExtensionProperties *props);

static VkResult
call_down(const VkEnumerateInstanceExtensionPropertiesChain *chain, const char *layer_name,
          uint32_t *count, VkExtensionProperties *props)
{
   return chain->pfnNextLayer(chain->pNextLink, layer_name, count, props);
}

/* The last link is the loader's own terminator: a function inside the loader. */
static const void *
loader_function(const VkEnumerateInstanceExtensionPropertiesChain *chain)
{
   while (chain->pNextLink)
      chain = chain->pNextLink;
   return (const void *)chain->pfnNextLayer;
}

/* The whole list from below, however often it changes between the two calls. */
static VkResult
list_from_below(const VkEnumerateInstanceExtensionPropertiesChain *chain,
                VkExtensionProperties **out, uint32_t *n)
{
   for (int attempt = 0; attempt < 4; attempt++) {
      uint32_t count = 0;
      VkResult r = call_down(chain, NULL, &count, NULL);
      if (r != VK_SUCCESS)
         return r;
      VkExtensionProperties *props = calloc(count ? count : 1, sizeof(*props));
      if (!props)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      r = call_down(chain, NULL, &count, props);
      if (r == VK_SUCCESS) {
         *out = props;
         *n = count;
         return VK_SUCCESS;
      }
      free(props);
      if (r != VK_INCOMPLETE)
         return r;
   }
   return VK_ERROR_OUT_OF_HOST_MEMORY;
}

/* Drops the layer's extensions that no driver lists; keeps everything else. */
static uint32_t
keep_driver_extensions(VkExtensionProperties *props, uint32_t n,
                       const struct vw_driver_exts *drivers)
{
   uint32_t kept = 0;
   for (uint32_t i = 0; i < n; i++) {
      const char *name = props[i].extensionName;
      bool layers_own = vw_ext_in_props(name, vw_instance_extensions, vw_instance_extension_count);
      if (layers_own && !vw_driver_exts_has(drivers, name))
         continue;
      props[kept++] = props[i];
   }
   return kept;
}

VW_EXPORT VKAPI_ATTR VkResult VKAPI_CALL
vw_pre_EnumerateInstanceExtensionProperties(
   const VkEnumerateInstanceExtensionPropertiesChain *chain, const char *layer_name,
   uint32_t *count, VkExtensionProperties *props)
{
   /* Asked by name, the answer describes the layer (the manifest), as the loader gives it
    * for a disabled layer too. */
   if (layer_name || vw_takeover_decide(loader_function(chain)) != VW_TAKEOVER_NO)
      return call_down(chain, layer_name, count, props);
   VkExtensionProperties *all = NULL;
   uint32_t n = 0;
   VkResult r = list_from_below(chain, &all, &n);
   if (r != VK_SUCCESS)
      return r;
   /* The loader has loaded its drivers by now (it preloads them for this very call). */
   struct vw_driver_exts drivers = vw_driver_instance_exts();
   if (drivers.drivers)
      n = keep_driver_extensions(all, n, &drivers);
   else
      vw_err("cannot see the drivers' own instance extensions; listing the loader's as they are");
   r = vw_outarray(count, props, all, n, sizeof(*all));
   free(all);
   return r;
}

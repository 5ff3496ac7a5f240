/* Which of the layer's instance extensions the drivers themselves list.
 *
 * The loader merges an implicit layer's manifest extensions into the list it gives apps,
 * and no loader interface tells a layer what the drivers alone offer. But the loader keeps
 * every driver it found loaded (it preloads them for vkEnumerateInstanceExtensionProperties
 * and holds them for the life of an instance), so the layer asks each loaded driver through
 * the driver interface's own entry point, vk_icdGetInstanceProcAddr. */
#include "driver_instance_exts.h"

#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "extensions.h"
#include "log.h"

#define MAX_OBJECTS 512

struct object_names {
   char *names[MAX_OBJECTS];
   uint32_t count;
};

static int
collect_object(struct dl_phdr_info *info, size_t size, void *data)
{
   (void)size;
   struct object_names *objs = data;
   /* The main program has an empty name; drivers are shared objects. */
   if (!info->dlpi_name || !info->dlpi_name[0] || objs->count == MAX_OBJECTS)
      return 0;
   char *copy = strdup(info->dlpi_name);
   if (copy)
      objs->names[objs->count++] = copy;
   return 0;
}

/* A driver's own list, through its vk_icdGetInstanceProcAddr. The symbol must be defined by
 * 'name' itself: dlsym also searches an object's dependencies. */
static bool
add_driver_extensions(const char *name, uint32_t *mask)
{
   void *lib = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
   if (!lib)
      return false;
   bool is_driver = false;
   PFN_vkGetInstanceProcAddr icd_gipa =
      (PFN_vkGetInstanceProcAddr)dlsym(lib, "vk_icdGetInstanceProcAddr");
   Dl_info where;
   if (icd_gipa && dladdr((void *)icd_gipa, &where) && where.dli_fname &&
       !strcmp(where.dli_fname, name)) {
      PFN_vkEnumerateInstanceExtensionProperties enumerate =
         (PFN_vkEnumerateInstanceExtensionProperties)icd_gipa(
            VK_NULL_HANDLE, "vkEnumerateInstanceExtensionProperties");
      uint32_t n = 0;
      VkExtensionProperties *props = NULL;
      if (enumerate && enumerate(NULL, &n, NULL) == VK_SUCCESS &&
          (props = calloc(n ? n : 1, sizeof(*props))) &&
          enumerate(NULL, &n, props) >= 0) {
         is_driver = true;
         for (uint32_t i = 0; i < vw_instance_extension_count; i++)
            if (vw_ext_in_props(vw_instance_extensions[i].extensionName, props, n))
               *mask |= 1u << i;
      }
      free(props);
   }
   dlclose(lib);
   return is_driver;
}

struct vw_driver_exts
vw_driver_instance_exts(void)
{
   struct object_names objs = {0};
   dl_iterate_phdr(collect_object, &objs);
   struct vw_driver_exts out = {0};
   /* dlopen is not called from inside dl_iterate_phdr, which holds the loader lock. */
   for (uint32_t i = 0; i < objs.count; i++) {
      if (add_driver_extensions(objs.names[i], &out.mask))
         out.drivers++;
      free(objs.names[i]);
   }
   vw_dbg("drivers loaded: %u; they list layer instance extensions 0x%x", out.drivers,
          out.mask);
   return out;
}

bool
vw_driver_exts_has(const struct vw_driver_exts *d, const char *name)
{
   for (uint32_t i = 0; i < vw_instance_extension_count; i++)
      if (!strcmp(vw_instance_extensions[i].extensionName, name))
         return (d->mask >> i) & 1u;
   return false;
}

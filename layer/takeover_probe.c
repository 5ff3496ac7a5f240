#include "takeover_probe.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <vulkan/vulkan.h>

#include "log.h"
#include "venus_wsi/config.h"

static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int probe_answer = VW_TAKEOVER_UNKNOWN;
static atomic_bool probe_done;

static _Thread_local bool probing;
static _Thread_local int reported = VW_TAKEOVER_UNKNOWN;

bool
vw_takeover_probing(void)
{
   return probing;
}

void
vw_takeover_report(bool take_over)
{
   reported = take_over ? VW_TAKEOVER_YES : VW_TAKEOVER_NO;
}

enum vw_takeover
vw_takeover_known(void)
{
   switch (vw_config_get()->mode) {
   case VW_MODE_OFF: return VW_TAKEOVER_NO;
   case VW_MODE_FORCE: return VW_TAKEOVER_YES;
   case VW_MODE_AUTO: break;
   }
   return (enum vw_takeover)atomic_load(&probe_answer);
}

/* The loader that called us, opened again (it is loaded: only its reference count moves). */
static void *
open_loader(const void *loader_fn)
{
   Dl_info where;
   if (loader_fn && dladdr(loader_fn, &where) && where.dli_fname) {
      void *lib = dlopen(where.dli_fname, RTLD_NOW | RTLD_NOLOAD);
      if (lib && dlsym(lib, "vkCreateInstance"))
         return lib;
      if (lib)
         dlclose(lib);
   }
   return dlopen("libvulkan.so.1", RTLD_NOW | RTLD_NOLOAD);
}

static enum vw_takeover
probe(const void *loader_fn)
{
   void *loader = open_loader(loader_fn);
   if (!loader) {
      vw_err("auto mode: cannot find the Vulkan loader to look at the drivers; the layer's "
             "extensions are listed as if it takes over");
      return VW_TAKEOVER_UNKNOWN;
   }
   PFN_vkCreateInstance create = (PFN_vkCreateInstance)dlsym(loader, "vkCreateInstance");
   PFN_vkDestroyInstance destroy = (PFN_vkDestroyInstance)dlsym(loader, "vkDestroyInstance");
   enum vw_takeover answer = VW_TAKEOVER_UNKNOWN;
   if (create && destroy) {
      VkApplicationInfo app = {
         .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
         .pApplicationName = "venus-wsi takeover probe",
         .apiVersion = VK_API_VERSION_1_0,
      };
      VkInstanceCreateInfo ci = {
         .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
         .pApplicationInfo = &app,
      };
      VkInstance instance = VK_NULL_HANDLE;
      probing = true;
      reported = VW_TAKEOVER_UNKNOWN;
      VkResult r = create(&ci, NULL, &instance);
      probing = false;
      if (r == VK_SUCCESS) {
         answer = (enum vw_takeover)reported;
         destroy(instance, NULL);
      } else {
         vw_info("auto mode: the probe instance failed (%d)", r);
      }
   }
   dlclose(loader);
   vw_info("auto mode: the layer %s WSI for instances of this process",
           answer == VW_TAKEOVER_YES  ? "implements"
           : answer == VW_TAKEOVER_NO ? "passes through"
                                      : "cannot tell yet whether it implements");
   return answer;
}

enum vw_takeover
vw_takeover_decide(const void *loader_fn)
{
   enum vw_takeover known = vw_takeover_known();
   if (known != VW_TAKEOVER_UNKNOWN || atomic_load(&probe_done) || probing)
      return known;
   pthread_mutex_lock(&probe_lock);
   if (!atomic_load(&probe_done)) {
      atomic_store(&probe_answer, probe(loader_fn));
      atomic_store(&probe_done, true);
   }
   pthread_mutex_unlock(&probe_lock);
   return vw_takeover_known();
}

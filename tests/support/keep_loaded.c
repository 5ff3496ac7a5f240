/* Test-only LD_PRELOAD for sanitizer builds: libraries are never unloaded, so a leak report
 * at exit can still name the library and function that allocated (the loader unloads
 * drivers and layers at vkDestroyInstance, which leaves "<unknown module>" behind and turns
 * a driver's static data into a false leak). */
#include <dlfcn.h>

__attribute__((visibility("default"))) int
dlclose(void *handle)
{
   (void)handle;
   return 0;
}

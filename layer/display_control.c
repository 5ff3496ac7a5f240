/* VK_EXT_display_control on the KMS display backend.
 *
 * Event fences are ordinary driver fences the layer creates for the app. The thread that
 * notices an event only marks its registration fired: the present thread for FIRST_PIXEL_OUT
 * (it sees the flip complete), a watcher thread for DISPLAY_HOTPLUG (KMS sends hotplugs as
 * uevents, which the layer does not listen to: the watcher looks at the connectors as the
 * kernel last probed them, ten times a second, while a hotplug fence is pending). The fence
 * itself is signalled with an empty batch on one of the device's queues, under that queue's
 * lock, by the app's own thread when it looks at the fence (vkWaitForFences,
 * vkGetFenceStatus, both intercepted): vkQueueSubmit needs the fence externally
 * synchronised, and a submit from the layer's thread while the app waits on the fence is
 * exactly the concurrent use the spec forbids (the validation layer's thread checks flag
 * it). A fence the app destroys before its event is dropped (vkDestroyFence intercepted). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xf86drmMode.h>

#include "device.h"
#include "display.h"
#include "log.h"
#include "queue_sync.h"
#include "swapchain.h"
#include "venus_wsi/display_logic.h"

#define HOTPLUG_POLL_NS 100000000ull

struct event_reg {
   struct vw_device *dev;
   VkFence fence;
   struct vw_kms_device *kms;
   struct vw_kms_connector *connector; /* FIRST_PIXEL_OUT: the display; NULL for hotplug */
   uint64_t generation;                /* hotplug: the connectors' state at registration */
   bool fired;
   struct event_reg *next;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reg_cond = PTHREAD_COND_INITIALIZER;
static struct event_reg *regs;
static uint32_t display_regs; /* unfired FIRST_PIXEL_OUT entries: lets flips skip the lock */
static uint32_t all_regs;     /* every entry: lets fence calls skip the lock */
/* One watcher thread at a time, running while some device registered for hotplug. Each
 * is started with the epoch it belongs to; bumping the epoch tells it to leave (a new one
 * may be started before the old one has been joined). */
static pthread_t watcher;
static bool watcher_started;
static uintptr_t watcher_epoch;

/* reg_lock held. */
static void
fire(struct event_reg *e)
{
   if (e->fired)
      return;
   e->fired = true;
   if (e->connector)
      __atomic_sub_fetch(&display_regs, 1, __ATOMIC_RELAXED);
   pthread_cond_broadcast(&reg_cond);
}

/* reg_lock held. */
static void
unlink_free(struct event_reg **link)
{
   struct event_reg *e = *link;
   *link = e->next;
   if (e->connector && !e->fired)
      __atomic_sub_fetch(&display_regs, 1, __ATOMIC_RELAXED);
   __atomic_sub_fetch(&all_regs, 1, __ATOMIC_RELAXED);
   free(e);
}

static bool
hotplug_pending_locked(void)
{
   for (struct event_reg *e = regs; e; e = e->next)
      if (!e->connector && !e->fired)
         return true;
   return false;
}

static void *
watch_hotplug(void *arg)
{
   uintptr_t epoch = (uintptr_t)arg;
   pthread_mutex_lock(&reg_lock);
   while (epoch == watcher_epoch) {
      if (!hotplug_pending_locked()) {
         pthread_cond_wait(&reg_cond, &reg_lock);
         continue;
      }
      for (struct event_reg **link = &regs; *link;) {
         struct event_reg *e = *link;
         if (!e->connector && !e->fired) {
            vw_kms_refresh_connectors(e->kms, false);
            if (vw_kms_device_gone(e->kms) ||
                vw_kms_connectors_generation(e->kms) != e->generation) {
               vw_dbg("display control: hotplug on %s", e->kms->path);
               fire(e);
            }
         }
         link = &e->next;
      }
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_nsec += (long)HOTPLUG_POLL_NS;
      if (ts.tv_nsec >= 1000000000L) {
         ts.tv_sec++;
         ts.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&reg_cond, &reg_lock, &ts);
   }
   pthread_mutex_unlock(&reg_lock);
   return NULL;
}

static struct vw_kms_device *
device_kms(struct vw_device *dev)
{
   return vw_physical_device_kms(dev->pdev);
}

static VkResult
create_event_fence(struct vw_device *dev, const VkAllocationCallbacks *alloc, VkFence *fence)
{
   VkFenceCreateInfo ci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkResult r = dev->next.CreateFence(dev->handle, &ci, alloc, fence);
   if (r != VK_SUCCESS)
      vw_err("display control: creating the event fence failed: %d", r);
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_RegisterDeviceEventEXT(VkDevice device, const VkDeviceEventInfoEXT *info,
                          const VkAllocationCallbacks *alloc, VkFence *fence)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return VK_ERROR_INITIALIZATION_FAILED;
   struct vw_kms_device *kms = device_kms(dev);
   if (!kms || info->deviceEvent != VK_DEVICE_EVENT_TYPE_DISPLAY_HOTPLUG_EXT) {
      vw_err("vkRegisterDeviceEventEXT: %s", kms ? "unknown event type" : "no KMS device");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   struct event_reg *e = calloc(1, sizeof(*e));
   if (!e)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult r = create_event_fence(dev, alloc, fence);
   if (r != VK_SUCCESS) {
      free(e);
      return r;
   }
   /* The state to compare with is the one the app could have seen so far. */
   vw_kms_refresh_connectors(kms, false);
   e->dev = dev;
   e->fence = *fence;
   e->kms = kms;
   e->generation = vw_kms_connectors_generation(kms);
   pthread_mutex_lock(&reg_lock);
   bool ok = watcher_started;
   if (!ok) {
      ok = pthread_create(&watcher, NULL, watch_hotplug, (void *)watcher_epoch) == 0;
      watcher_started = ok;
   }
   if (ok) {
      e->next = regs;
      regs = e;
      __atomic_add_fetch(&all_regs, 1, __ATOMIC_RELAXED);
      pthread_cond_broadcast(&reg_cond);
   }
   pthread_mutex_unlock(&reg_lock);
   if (!ok) {
      vw_err("vkRegisterDeviceEventEXT: cannot start the hotplug watcher");
      dev->next.DestroyFence(dev->handle, *fence, alloc);
      *fence = VK_NULL_HANDLE;
      free(e);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_RegisterDisplayEventEXT(VkDevice device, VkDisplayKHR display, const VkDisplayEventInfoEXT *info,
                           const VkAllocationCallbacks *alloc, VkFence *fence)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return VK_ERROR_INITIALIZATION_FAILED;
   struct vw_kms_device *kms = device_kms(dev);
   struct vw_kms_connector *c = kms ? vw_display_connector(kms, display) : NULL;
   if (!c || info->displayEvent != VK_DISPLAY_EVENT_TYPE_FIRST_PIXEL_OUT_EXT) {
      vw_err("vkRegisterDisplayEventEXT: %s", c ? "unknown event type" : "unknown display");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   struct event_reg *e = calloc(1, sizeof(*e));
   if (!e)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult r = create_event_fence(dev, alloc, fence);
   if (r != VK_SUCCESS) {
      free(e);
      return r;
   }
   e->dev = dev;
   e->fence = *fence;
   e->kms = kms;
   e->connector = c;
   pthread_mutex_lock(&reg_lock);
   e->next = regs;
   regs = e;
   __atomic_add_fetch(&display_regs, 1, __ATOMIC_RELAXED);
   __atomic_add_fetch(&all_regs, 1, __ATOMIC_RELAXED);
   pthread_mutex_unlock(&reg_lock);
   return VK_SUCCESS;
}

void
vw_display_events_flip(struct vw_kms_connector *c)
{
   if (!__atomic_load_n(&display_regs, __ATOMIC_RELAXED))
      return;
   pthread_mutex_lock(&reg_lock);
   for (struct event_reg *e = regs; e; e = e->next)
      if (e->connector == c)
         fire(e);
   pthread_mutex_unlock(&reg_lock);
}

static bool
in_list(VkFence f, const VkFence *fences, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++)
      if (fences[i] == f)
         return true;
   return false;
}

/* On the app's thread: fired events among 'fences' get their fence signalled. Returns
 * whether one of them is still waiting for its event. */
static bool
flush_fired(struct vw_device *dev, const VkFence *fences, uint32_t count)
{
   bool pending = false;
   pthread_mutex_lock(&reg_lock);
   for (struct event_reg **link = &regs; *link;) {
      struct event_reg *e = *link;
      if (e->dev != dev || !in_list(e->fence, fences, count)) {
         link = &e->next;
      } else if (e->fired) {
         vw_signal_acquire(dev, VK_NULL_HANDLE, e->fence);
         unlink_free(link);
      } else {
         pending = true;
         link = &e->next;
      }
   }
   pthread_mutex_unlock(&reg_lock);
   return pending;
}

static uint64_t
mono_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Sleeps until an event fires or 'ns' passes. */
static void
wait_for_fire(uint64_t ns)
{
   struct timespec ts;
   clock_gettime(CLOCK_REALTIME, &ts);
   uint64_t t = (uint64_t)ts.tv_nsec + ns;
   ts.tv_sec += (time_t)(t / 1000000000ull);
   ts.tv_nsec = (long)(t % 1000000000ull);
   pthread_mutex_lock(&reg_lock);
   pthread_cond_timedwait(&reg_cond, &reg_lock, &ts);
   pthread_mutex_unlock(&reg_lock);
}

/* Other fences in the same wait are the driver's: looked at this often meanwhile. */
#define MIXED_WAIT_SLICE_NS 2000000ull

VKAPI_ATTR VkResult VKAPI_CALL
vw_WaitForFences(VkDevice device, uint32_t count, const VkFence *fences, VkBool32 wait_all,
                 uint64_t timeout)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return VK_ERROR_DEVICE_LOST;
   if (!__atomic_load_n(&all_regs, __ATOMIC_RELAXED))
      return dev->next.WaitForFences(device, count, fences, wait_all, timeout);
   uint64_t start = mono_ns();
   for (;;) {
      uint64_t spent = mono_ns() - start;
      uint64_t left = spent >= timeout ? 0 : timeout - spent;
      if (!flush_fired(dev, fences, count))
         return dev->next.WaitForFences(device, count, fences, wait_all, left);
      VkResult r = dev->next.WaitForFences(device, count, fences, wait_all, 0);
      if (r != VK_TIMEOUT || !left)
         return r;
      wait_for_fire(left < MIXED_WAIT_SLICE_NS ? left : MIXED_WAIT_SLICE_NS);
   }
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetFenceStatus(VkDevice device, VkFence fence)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return VK_ERROR_DEVICE_LOST;
   if (__atomic_load_n(&all_regs, __ATOMIC_RELAXED))
      flush_fired(dev, &fence, 1);
   return dev->next.GetFenceStatus(device, fence);
}

VKAPI_ATTR void VKAPI_CALL
vw_DestroyFence(VkDevice device, VkFence fence, const VkAllocationCallbacks *alloc)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return;
   if (fence) {
      pthread_mutex_lock(&reg_lock);
      for (struct event_reg **link = &regs; *link;) {
         struct event_reg *e = *link;
         if (e->dev == dev && e->fence == fence) {
            unlink_free(link);
         } else {
            link = &e->next;
         }
      }
      pthread_mutex_unlock(&reg_lock);
   }
   dev->next.DestroyFence(device, fence, alloc);
}

void
vw_display_events_forget_device(struct vw_device *dev)
{
   pthread_mutex_lock(&reg_lock);
   for (struct event_reg **link = &regs; *link;) {
      struct event_reg *e = *link;
      if (e->dev == dev) {
         unlink_free(link);
      } else {
         link = &e->next;
      }
   }
   bool join = watcher_started && !hotplug_pending_locked();
   pthread_t old = watcher;
   if (join) {
      watcher_started = false;
      watcher_epoch++;
      pthread_cond_broadcast(&reg_cond);
   }
   pthread_mutex_unlock(&reg_lock);
   if (join)
      pthread_join(old, NULL);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_DisplayPowerControlEXT(VkDevice device, VkDisplayKHR display, const VkDisplayPowerInfoEXT *info)
{
   struct vw_device *dev = vw_device_from_handle(device);
   struct vw_kms_device *kms = dev ? device_kms(dev) : NULL;
   struct vw_kms_connector *c = kms ? vw_display_connector(kms, display) : NULL;
   if (!c) {
      vw_err("vkDisplayPowerControlEXT: unknown display");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   uint64_t dpms;
   if (!vw_dpms_for_power_state(info->powerState, &dpms)) {
      vw_err("vkDisplayPowerControlEXT: unknown power state %d", info->powerState);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (vw_kms_connector_released(c)) {
      vw_err("vkDisplayPowerControlEXT: %s was released", c->name);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   int e = vw_kms_set_dpms(kms, c, dpms);
   if (e) {
      vw_err("vkDisplayPowerControlEXT: DPMS %u on %s failed: %s", (unsigned)dpms, c->name,
             strerror(-e));
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   __atomic_store_n(&c->powered_off, dpms != DRM_MODE_DPMS_ON, __ATOMIC_RELEASE);
   vw_dbg("display control: %s DPMS %u", c->name, (unsigned)dpms);
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_GetSwapchainCounterEXT(VkDevice device, VkSwapchainKHR handle,
                          VkSurfaceCounterFlagBitsEXT counter, uint64_t *value)
{
   struct vw_swapchain *sc = vw_swapchain_from_handle(handle);
   if (!sc) {
      struct vw_device *dev = vw_device_from_handle(device);
      PFN_vkGetSwapchainCounterEXT next =
         dev ? (PFN_vkGetSwapchainCounterEXT)dev->next_gdpa(device, "vkGetSwapchainCounterEXT")
             : NULL;
      return next ? next(device, handle, counter, value) : VK_ERROR_SURFACE_LOST_KHR;
   }
   if (sc->surface->kind != VW_SURFACE_DISPLAY || counter != VK_SURFACE_COUNTER_VBLANK_BIT_EXT ||
       !(sc->counters & VK_SURFACE_COUNTER_VBLANK_BIT_EXT)) {
      vw_err("vkGetSwapchainCounterEXT: swapchain %u was not created with counter 0x%x",
             sc->serial, counter);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   pthread_mutex_lock(&sc->pres.lock);
   VkResult status = sc->pres.status;
   pthread_mutex_unlock(&sc->pres.lock);
   if (status < 0)
      return status == VK_ERROR_DEVICE_LOST ? status : VK_ERROR_OUT_OF_DATE_KHR;
   *value = vw_display_vblank_count(sc);
   return VK_SUCCESS;
}

#include "queue_sync.h"

#include "log.h"

VkResult
vw_signal_acquire(struct vw_device *dev, VkSemaphore semaphore, VkFence fence)
{
   struct vw_queue *q = vw_device_signal_queue(dev);
   if (!q) {
      vw_err("acquire: the device has no queue to signal on");
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .signalSemaphoreCount = semaphore ? 1 : 0,
      .pSignalSemaphores = &semaphore,
   };
   pthread_mutex_lock(&q->lock);
   VkResult r = dev->next.QueueSubmit(q->handle, semaphore ? 1 : 0, &submit, fence);
   pthread_mutex_unlock(&q->lock);
   if (r != VK_SUCCESS)
      vw_err("acquire: signalling submit failed: %d", r);
   return r;
}

/* Looks the queue up and takes its lock; NULL means "not known to the layer". */
static struct vw_queue *
lock_queue(VkQueue queue, struct vw_device **dev_out)
{
   struct vw_device *dev = vw_device_from_handle(queue);
   *dev_out = dev;
   if (!dev)
      return NULL;
   struct vw_queue *q = vw_queue_from_handle(dev, queue);
   if (q)
      pthread_mutex_lock(&q->lock);
   return q;
}

static void
unlock_queue(struct vw_queue *q)
{
   if (q)
      pthread_mutex_unlock(&q->lock);
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_QueueSubmit(VkQueue queue, uint32_t count, const VkSubmitInfo *submits, VkFence fence)
{
   struct vw_device *dev;
   struct vw_queue *q = lock_queue(queue, &dev);
   if (!dev)
      return VK_ERROR_DEVICE_LOST;
   VkResult r = dev->next.QueueSubmit(queue, count, submits, fence);
   unlock_queue(q);
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_QueueSubmit2(VkQueue queue, uint32_t count, const VkSubmitInfo2 *submits, VkFence fence)
{
   struct vw_device *dev;
   struct vw_queue *q = lock_queue(queue, &dev);
   if (!dev || !dev->next.QueueSubmit2) {
      unlock_queue(q);
      return VK_ERROR_DEVICE_LOST;
   }
   VkResult r = dev->next.QueueSubmit2(queue, count, submits, fence);
   unlock_queue(q);
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_QueueWaitIdle(VkQueue queue)
{
   struct vw_device *dev;
   struct vw_queue *q = lock_queue(queue, &dev);
   if (!dev)
      return VK_ERROR_DEVICE_LOST;
   VkResult r = dev->next.QueueWaitIdle(queue);
   unlock_queue(q);
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_QueueBindSparse(VkQueue queue, uint32_t count, const VkBindSparseInfo *binds, VkFence fence)
{
   struct vw_device *dev;
   struct vw_queue *q = lock_queue(queue, &dev);
   if (!dev)
      return VK_ERROR_DEVICE_LOST;
   VkResult r = dev->next.QueueBindSparse(queue, count, binds, fence);
   unlock_queue(q);
   return r;
}

VKAPI_ATTR VkResult VKAPI_CALL
vw_DeviceWaitIdle(VkDevice device)
{
   struct vw_device *dev = vw_device_from_handle(device);
   if (!dev)
      return VK_ERROR_DEVICE_LOST;
   /* vkDeviceWaitIdle counts as access to every queue; take the locks in a fixed order. */
   for (uint32_t i = 0; i < dev->queue_count; i++)
      pthread_mutex_lock(&dev->queues[i].lock);
   VkResult r = dev->next.DeviceWaitIdle(device);
   for (uint32_t i = dev->queue_count; i-- > 0;)
      pthread_mutex_unlock(&dev->queues[i].lock);
   return r;
}

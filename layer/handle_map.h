/* A thread-safe map from a handle (or dispatch key) to the layer's record for it.
 * "Not found" is meaningful: the handle is not ours and the call goes down the chain. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct vw_handle_map {
   pthread_rwlock_t lock;
   uint64_t *keys; /* 0 = empty, UINT64_MAX = deleted */
   void **values;
   uint32_t capacity; /* power of two, or 0 before first insert */
   uint32_t used;     /* live + deleted slots */
   uint32_t live;
};

#define VW_HANDLE_MAP_INIT {PTHREAD_RWLOCK_INITIALIZER, NULL, NULL, 0, 0, 0}

/* Returns false only when memory runs out. A key of 0 is never stored. */
bool vw_map_insert(struct vw_handle_map *map, uint64_t key, void *value);
void *vw_map_lookup(struct vw_handle_map *map, uint64_t key);
/* Removes the key and returns what it mapped to (NULL if absent). */
void *vw_map_remove(struct vw_handle_map *map, uint64_t key);
uint32_t vw_map_count(struct vw_handle_map *map);

static inline uint64_t
vw_key(const void *p)
{
   return (uint64_t)(uintptr_t)p;
}

/* Dispatchable handles of one device (device, queues, command buffers) share the loader's
 * dispatch table pointer in their first word; that pointer is the key. */
static inline uint64_t
vw_dispatch_key(const void *dispatchable)
{
   return (uint64_t)(uintptr_t)(*(void *const *)dispatchable);
}

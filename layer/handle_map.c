#include "handle_map.h"

#include <stdlib.h>

#define SLOT_EMPTY 0u
#define SLOT_DELETED UINT64_MAX

static uint32_t
hash_key(uint64_t key)
{
   /* Handles are aligned pointers: mix the high bits down so low bits vary. */
   key ^= key >> 33;
   key *= 0xff51afd7ed558ccdull;
   key ^= key >> 33;
   return (uint32_t)key;
}

static bool
grow(struct vw_handle_map *map)
{
   uint32_t cap = map->capacity ? map->capacity * 2 : 16;
   /* Only rehash into a bigger table when live entries need it; otherwise purge tombstones. */
   if (map->capacity && map->live * 4 < map->capacity)
      cap = map->capacity;
   uint64_t *keys = calloc(cap, sizeof(*keys));
   void **values = calloc(cap, sizeof(*values));
   if (!keys || !values) {
      free(keys);
      free(values);
      return false;
   }
   for (uint32_t i = 0; i < map->capacity; i++) {
      uint64_t k = map->keys[i];
      if (k == SLOT_EMPTY || k == SLOT_DELETED)
         continue;
      uint32_t j = hash_key(k) & (cap - 1);
      while (keys[j] != SLOT_EMPTY)
         j = (j + 1) & (cap - 1);
      keys[j] = k;
      values[j] = map->values[i];
   }
   free(map->keys);
   free(map->values);
   map->keys = keys;
   map->values = values;
   map->capacity = cap;
   map->used = map->live;
   return true;
}

/* Caller holds the lock. Returns the slot holding 'key', or -1. */
static int64_t
find_slot(const struct vw_handle_map *map, uint64_t key)
{
   if (!map->capacity)
      return -1;
   uint32_t mask = map->capacity - 1;
   for (uint32_t i = hash_key(key) & mask, n = 0; n < map->capacity; i = (i + 1) & mask, n++) {
      if (map->keys[i] == SLOT_EMPTY)
         return -1;
      if (map->keys[i] == key)
         return i;
   }
   return -1;
}

bool
vw_map_insert(struct vw_handle_map *map, uint64_t key, void *value)
{
   if (key == SLOT_EMPTY || key == SLOT_DELETED)
      return false;
   pthread_rwlock_wrlock(&map->lock);
   int64_t slot = find_slot(map, key);
   if (slot >= 0) {
      map->values[slot] = value;
      pthread_rwlock_unlock(&map->lock);
      return true;
   }
   if ((map->used + 1) * 4 > map->capacity * 3 && !grow(map)) {
      pthread_rwlock_unlock(&map->lock);
      return false;
   }
   uint32_t mask = map->capacity - 1;
   uint32_t i = hash_key(key) & mask;
   while (map->keys[i] != SLOT_EMPTY && map->keys[i] != SLOT_DELETED)
      i = (i + 1) & mask;
   if (map->keys[i] == SLOT_EMPTY)
      map->used++;
   map->keys[i] = key;
   map->values[i] = value;
   map->live++;
   pthread_rwlock_unlock(&map->lock);
   return true;
}

void *
vw_map_lookup(struct vw_handle_map *map, uint64_t key)
{
   pthread_rwlock_rdlock(&map->lock);
   int64_t slot = find_slot(map, key);
   void *v = slot >= 0 ? map->values[slot] : NULL;
   pthread_rwlock_unlock(&map->lock);
   return v;
}

void *
vw_map_remove(struct vw_handle_map *map, uint64_t key)
{
   pthread_rwlock_wrlock(&map->lock);
   int64_t slot = find_slot(map, key);
   void *v = NULL;
   if (slot >= 0) {
      v = map->values[slot];
      map->keys[slot] = SLOT_DELETED;
      map->values[slot] = NULL;
      map->live--;
   }
   if (map->live == 0 && map->capacity) {
      /* Last one out frees the table, so an unloaded layer leaves nothing behind. */
      free(map->keys);
      free(map->values);
      map->keys = NULL;
      map->values = NULL;
      map->capacity = map->used = 0;
   }
   pthread_rwlock_unlock(&map->lock);
   return v;
}

uint32_t
vw_map_count(struct vw_handle_map *map)
{
   pthread_rwlock_rdlock(&map->lock);
   uint32_t n = map->live;
   pthread_rwlock_unlock(&map->lock);
   return n;
}

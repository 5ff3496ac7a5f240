#include "kms_device.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <xf86drm.h>

#include "../log.h"
#include "scanout.h"
#include "venus_wsi/config.h"
#include "venus_wsi/display_logic.h"

static uint32_t
find_prop(int fd, uint32_t object, uint32_t type, const char *name, uint64_t *value)
{
   drmModeObjectProperties *props = drmModeObjectGetProperties(fd, object, type);
   if (!props)
      return 0;
   uint32_t id = 0;
   for (uint32_t i = 0; i < props->count_props && !id; i++) {
      drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);
      if (!p)
         continue;
      if (!strcmp(p->name, name)) {
         id = p->prop_id;
         if (value)
            *value = props->prop_values[i];
      }
      drmModeFreeProperty(p);
   }
   drmModeFreeObjectProperties(props);
   return id;
}

uint32_t
vw_kms_mode_refresh_mhz(const drmModeModeInfo *m)
{
   if (!m->htotal || !m->vtotal)
      return m->vrefresh * 1000;
   uint64_t num = (uint64_t)m->clock * 1000000ull; /* clock is kHz; result in mHz */
   uint64_t den = (uint64_t)m->htotal * m->vtotal;
   if (m->flags & DRM_MODE_FLAG_INTERLACE)
      num *= 2;
   if (m->flags & DRM_MODE_FLAG_DBLSCAN)
      den *= 2;
   if (m->vscan > 1)
      den *= m->vscan;
   return (uint32_t)((num + den / 2) / den);
}

static const char *
connector_type_name(uint32_t type)
{
   static const char *names[] = {
      [DRM_MODE_CONNECTOR_Unknown] = "Unknown", [DRM_MODE_CONNECTOR_VGA] = "VGA",
      [DRM_MODE_CONNECTOR_DVII] = "DVI-I",      [DRM_MODE_CONNECTOR_DVID] = "DVI-D",
      [DRM_MODE_CONNECTOR_DVIA] = "DVI-A",      [DRM_MODE_CONNECTOR_Composite] = "Composite",
      [DRM_MODE_CONNECTOR_SVIDEO] = "SVIDEO",   [DRM_MODE_CONNECTOR_LVDS] = "LVDS",
      [DRM_MODE_CONNECTOR_Component] = "Component", [DRM_MODE_CONNECTOR_9PinDIN] = "DIN",
      [DRM_MODE_CONNECTOR_DisplayPort] = "DP",  [DRM_MODE_CONNECTOR_HDMIA] = "HDMI-A",
      [DRM_MODE_CONNECTOR_HDMIB] = "HDMI-B",    [DRM_MODE_CONNECTOR_TV] = "TV",
      [DRM_MODE_CONNECTOR_eDP] = "eDP",         [DRM_MODE_CONNECTOR_VIRTUAL] = "Virtual",
      [DRM_MODE_CONNECTOR_DSI] = "DSI",         [DRM_MODE_CONNECTOR_DPI] = "DPI",
   };
   if (type < sizeof(names) / sizeof(names[0]) && names[type])
      return names[type];
   return "Unknown";
}

/* Keeps every mode handle ever given out; marks which are still listed. */
static bool
update_modes(struct vw_kms_connector *c, const drmModeConnector *conn)
{
   bool changed = false;
   for (struct vw_kms_mode *m = c->modes; m; m = m->next) {
      bool listed = false;
      for (int i = 0; i < conn->count_modes && !listed; i++)
         listed = !memcmp(&m->info, &conn->modes[i], sizeof(m->info));
      changed |= listed != vw_kms_mode_listed(m);
      vw_kms_mode_set_listed(m, listed);
   }
   struct vw_kms_mode **tail = &c->modes;
   while (*tail)
      tail = &(*tail)->next;
   for (int i = 0; i < conn->count_modes; i++) {
      bool known = false;
      for (struct vw_kms_mode *m = c->modes; m && !known; m = m->next)
         known = !memcmp(&m->info, &conn->modes[i], sizeof(m->info));
      if (known)
         continue;
      struct vw_kms_mode *m = calloc(1, sizeof(*m));
      if (!m)
         break;
      m->connector = c;
      m->info = conn->modes[i];
      m->refresh_mhz = vw_kms_mode_refresh_mhz(&m->info);
      vw_kms_mode_set_listed(m, true);
      vw_kms_mode_link(tail, m);
      tail = &m->next;
      changed = true;
   }
   return changed;
}

static void
read_connector(struct vw_kms_device *dev, struct vw_kms_connector *c, drmModeConnector *conn)
{
   c->id = conn->connector_id;
   snprintf(c->name, sizeof(c->name), "%s-%u", connector_type_name(conn->connector_type),
            conn->connector_type_id);
   c->mm_width = conn->mmWidth;
   c->mm_height = conn->mmHeight;
   vw_kms_connector_set_connected(c, conn->connection == DRM_MODE_CONNECTED);
   c->possible_crtcs = 0;
   for (int i = 0; i < conn->count_encoders; i++) {
      drmModeEncoder *enc = drmModeGetEncoder(dev->fd, conn->encoders[i]);
      if (!enc)
         continue;
      c->possible_crtcs |= enc->possible_crtcs;
      drmModeFreeEncoder(enc);
   }
   if (conn->encoder_id) {
      drmModeEncoder *enc = drmModeGetEncoder(dev->fd, conn->encoder_id);
      if (enc) {
         c->current_crtc = enc->crtc_id;
         drmModeFreeEncoder(enc);
      }
   }
   update_modes(c, conn);
   c->prop_crtc_id = find_prop(dev->fd, c->id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", NULL);
}

static void
read_plane_formats(struct vw_kms_device *dev, struct vw_kms_plane *p, drmModePlane *plane)
{
   uint64_t blob_id = 0;
   if (find_prop(dev->fd, p->id, DRM_MODE_OBJECT_PLANE, "IN_FORMATS", &blob_id) && blob_id) {
      drmModePropertyBlobRes *blob = drmModeGetPropertyBlob(dev->fd, (uint32_t)blob_id);
      if (blob) {
         drmModeFormatModifierIterator iter = {0};
         while (drmModeFormatModifierBlobIterNext(blob, &iter)) {
            if (iter.mod != DRM_FORMAT_MOD_LINEAR || p->format_count == VW_KMS_MAX_FORMATS)
               continue;
            if (!vw_kms_plane_has_format(p, iter.fmt))
               p->formats[p->format_count++] = iter.fmt;
         }
         drmModeFreePropertyBlob(blob);
         if (p->format_count)
            return;
      }
   }
   /* No IN_FORMATS: the plane's list, all of which take linear buffers. */
   for (uint32_t i = 0; i < plane->count_formats && p->format_count < VW_KMS_MAX_FORMATS; i++)
      p->formats[p->format_count++] = plane->formats[i];
}

static bool
read_planes(struct vw_kms_device *dev)
{
   drmModePlaneRes *res = drmModeGetPlaneResources(dev->fd);
   if (!res)
      return false;
   dev->planes = calloc(res->count_planes ? res->count_planes : 1, sizeof(*dev->planes));
   if (!dev->planes) {
      drmModeFreePlaneResources(res);
      return false;
   }
   for (uint32_t i = 0; i < res->count_planes; i++) {
      drmModePlane *plane = drmModeGetPlane(dev->fd, res->planes[i]);
      if (!plane)
         continue;
      uint64_t type = 0;
      find_prop(dev->fd, plane->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type);
      if (type != DRM_PLANE_TYPE_PRIMARY) {
         drmModeFreePlane(plane);
         continue;
      }
      struct vw_kms_plane *p = &dev->planes[dev->plane_count++];
      p->id = plane->plane_id;
      p->possible_crtcs = plane->possible_crtcs;
      read_plane_formats(dev, p, plane);
      int fd = dev->fd;
      uint32_t o = DRM_MODE_OBJECT_PLANE;
      p->prop.fb_id = find_prop(fd, p->id, o, "FB_ID", NULL);
      p->prop.crtc_id = find_prop(fd, p->id, o, "CRTC_ID", NULL);
      p->prop.src_x = find_prop(fd, p->id, o, "SRC_X", NULL);
      p->prop.src_y = find_prop(fd, p->id, o, "SRC_Y", NULL);
      p->prop.src_w = find_prop(fd, p->id, o, "SRC_W", NULL);
      p->prop.src_h = find_prop(fd, p->id, o, "SRC_H", NULL);
      p->prop.crtc_x = find_prop(fd, p->id, o, "CRTC_X", NULL);
      p->prop.crtc_y = find_prop(fd, p->id, o, "CRTC_Y", NULL);
      p->prop.crtc_w = find_prop(fd, p->id, o, "CRTC_W", NULL);
      p->prop.crtc_h = find_prop(fd, p->id, o, "CRTC_H", NULL);
      p->prop.damage_clips = find_prop(fd, p->id, o, "FB_DAMAGE_CLIPS", NULL);
      drmModeFreePlane(plane);
   }
   drmModeFreePlaneResources(res);
   return true;
}

static bool
read_resources(struct vw_kms_device *dev)
{
   drmModeRes *res = drmModeGetResources(dev->fd);
   if (!res)
      return false;
   bool ok = res->count_connectors > 0 && res->count_crtcs > 0;
   dev->connectors = calloc(res->count_connectors ? res->count_connectors : 1,
                            sizeof(*dev->connectors));
   dev->crtcs = calloc(res->count_crtcs ? res->count_crtcs : 1, sizeof(*dev->crtcs));
   if (!dev->connectors || !dev->crtcs)
      ok = false;
   for (int i = 0; ok && i < res->count_connectors; i++) {
      drmModeConnector *conn = drmModeGetConnector(dev->fd, res->connectors[i]);
      if (!conn)
         continue;
      read_connector(dev, &dev->connectors[dev->connector_count++], conn);
      drmModeFreeConnector(conn);
   }
   ok = ok && read_planes(dev);
   for (int i = 0; ok && i < res->count_crtcs; i++) {
      struct vw_kms_crtc *c = &dev->crtcs[dev->crtc_count++];
      c->id = res->crtcs[i];
      c->index = (uint32_t)i;
      c->notify_fd = -1;
      pthread_mutex_init(&c->commit_lock, NULL);
      c->prop.active = find_prop(dev->fd, c->id, DRM_MODE_OBJECT_CRTC, "ACTIVE", NULL);
      c->prop.mode_id = find_prop(dev->fd, c->id, DRM_MODE_OBJECT_CRTC, "MODE_ID", NULL);
      for (uint32_t p = 0; p < dev->plane_count && !c->primary; p++)
         if (dev->planes[p].possible_crtcs & (1u << i))
            c->primary = &dev->planes[p];
   }
   drmModeFreeResources(res);
   return ok;
}

static bool
any_connected(const struct vw_kms_device *dev)
{
   for (uint32_t i = 0; i < dev->connector_count; i++)
      if (vw_kms_connector_connected(&dev->connectors[i]))
         return true;
   return false;
}

/* Buffers still left to the CRTCs (a display that never took the layer's last commit
 * back, on a kernel without CLOSEFB): freeing them is the last chance before the file goes.
 * A fork() child shares the file with its parent and only forgets them. */
static void
free_orphans_at_close(struct vw_kms_device *dev)
{
   bool ours = !vw_kms_opened_elsewhere(dev);
   for (uint32_t i = 0; dev->crtcs && i < dev->crtc_count; i++) {
      while (dev->crtcs[i].orphans) {
         struct vw_scanout_buffer *b = dev->crtcs[i].orphans;
         dev->crtcs[i].orphans = b->next_orphan;
         if (ours)
            vw_scanout_destroy(b);
      }
   }
}

static void
free_device(struct vw_kms_device *dev)
{
   free_orphans_at_close(dev);
   for (uint32_t i = 0; dev->crtcs && i < dev->crtc_count; i++)
      pthread_mutex_destroy(&dev->crtcs[i].commit_lock);
   for (uint32_t i = 0; dev->connectors && i < dev->connector_count; i++) {
      struct vw_kms_mode *m = dev->connectors[i].modes;
      while (m) {
         struct vw_kms_mode *next = m->next;
         free(m);
         m = next;
      }
   }
   free(dev->connectors);
   free(dev->crtcs);
   free(dev->planes);
   if (dev->borrowed_fd >= 0)
      close(dev->borrowed_fd); /* the layer's dup: the app's own number stays open */
   if (dev->own_fd >= 0)
      close(dev->own_fd);
   pthread_mutex_destroy(&dev->lock);
   free(dev);
}

static struct vw_kms_device *
try_open(const char *path)
{
   int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
   if (fd < 0) {
      vw_dbg("kms: cannot open %s: %s", path, strerror(errno));
      return NULL;
   }
   /* Opening a primary node nobody is master of makes the opener master. An app that only
    * looks at the displays must not keep a display server started later from the screen:
    * let go at once; the file may take master back when a swapchain needs it. */
   if (drmIsMaster(fd))
      drmDropMaster(fd);
   struct vw_kms_device *dev = calloc(1, sizeof(*dev));
   if (!dev) {
      close(fd);
      return NULL;
   }
   dev->fd = fd;
   dev->own_fd = fd;
   dev->borrowed_fd = -1;
   dev->borrowed_from = -1;
   dev->pid = getpid();
   pthread_mutex_init(&dev->lock, NULL);
   snprintf(dev->path, sizeof(dev->path), "%s", path);
   struct stat st;
   if (fstat(fd, &st) == 0)
      dev->rdev = st.st_rdev;
   drmVersion *ver = drmGetVersion(fd);
   if (ver) {
      snprintf(dev->driver, sizeof(dev->driver), "%s", ver->name);
      drmFreeVersion(ver);
   }

   /* Universal planes are needed to find the primary plane; atomic where the driver has it
    * and VENUS_WSI_KMS does not ask for legacy. */
   drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
   if (vw_config_get()->kms_api != VW_KMS_LEGACY)
      dev->atomic = drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0;
   uint64_t cap = 0;
   dev->dumb = drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &cap) == 0 && cap;
   cap = 0;
   if (drmGetCap(fd, DRM_CAP_PRIME, &cap) == 0) {
      dev->prime_import = cap & DRM_PRIME_CAP_IMPORT;
      dev->prime_export = cap & DRM_PRIME_CAP_EXPORT;
   }
   cap = 0;
   dev->async_flip = drmGetCap(fd, DRM_CAP_ASYNC_PAGE_FLIP, &cap) == 0 && cap;
   cap = 0;
   dev->modifiers = drmGetCap(fd, DRM_CAP_ADDFB2_MODIFIERS, &cap) == 0 && cap;
   /* Virtual displays take any mode and complete flips as fast as the host copies them. */
   dev->virtual_connectors = !strcmp(dev->driver, "virtio_gpu") || !strcmp(dev->driver, "vkms") ||
                             !strcmp(dev->driver, "bochs-drm") || !strcmp(dev->driver, "qxl");

   if (!read_resources(dev) || !dev->plane_count) {
      vw_dbg("kms: %s has no KMS resources", path);
      free_device(dev);
      return NULL;
   }
   if (!any_connected(dev)) {
      vw_dbg("kms: %s has no connected display", path);
      free_device(dev);
      return NULL;
   }
   return dev;
}

struct vw_kms_device *
vw_kms_open(const dev_t *preferred)
{
   const struct vw_config *cfg = vw_config_get();
   struct vw_kms_device *dev = NULL;
   if (cfg->drm_device_refused)
      return NULL; /* said once at start-up; another card would surprise whoever set it */
   if (cfg->drm_device[0]) {
      dev = try_open(cfg->drm_device);
      if (!dev)
         vw_err("kms: VENUS_WSI_DRM_DEVICE=%s has no KMS display", cfg->drm_device);
   } else {
      char path[32];
      /* The card the driver renders on first: a VM may also have a firmware or bochs card. */
      for (int i = 0; preferred && i < 16 && !dev; i++) {
         struct stat st;
         snprintf(path, sizeof(path), "/dev/dri/card%d", i);
         if (stat(path, &st) == 0 && st.st_rdev == *preferred)
            dev = try_open(path);
      }
      for (int i = 0; i < 16 && !dev; i++) {
         snprintf(path, sizeof(path), "/dev/dri/card%d", i);
         dev = try_open(path);
      }
      if (!dev)
         vw_err("kms: no /dev/dri/card* with KMS and a connected display");
   }
   if (dev)
      vw_info("kms: %s (%s), %s KMS, %u connector(s), %u CRTC(s); DRM master only while a "
              "swapchain presents", dev->path, dev->driver, dev->atomic ? "atomic" : "legacy",
              dev->connector_count, dev->crtc_count);
   return dev;
}

void
vw_kms_close(struct vw_kms_device *dev)
{
   if (dev)
      free_device(dev);
}

bool
vw_kms_same_card(const struct vw_kms_device *dev, int fd)
{
   struct stat st;
   return fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && dev->rdev &&
          st.st_rdev == dev->rdev;
}

/* Nothing of the layer's is on, or bound to, the current file: no swapchain, no buffer
 * left on screen. Device lock held. */
static bool
device_idle(const struct vw_kms_device *dev)
{
   if (dev->master_holds)
      return false;
   for (uint32_t i = 0; i < dev->crtc_count; i++)
      if (dev->crtcs[i].users || dev->crtcs[i].orphans || dev->crtcs[i].mode_set ||
          dev->crtcs[i].fb)
         return false;
   return true;
}

/* Device lock held: the borrowed file goes once no connector is acquired through it and
 * nothing of the layer's lives on it (framebuffers and GEM handles belong to one file). */
static void
settle_fd_locked(struct vw_kms_device *dev)
{
   if (dev->borrowed_fd < 0 || !device_idle(dev))
      return;
   for (uint32_t i = 0; i < dev->connector_count; i++)
      if (dev->connectors[i].borrowed && !vw_kms_connector_released(&dev->connectors[i]))
         return;
   for (uint32_t i = 0; i < dev->connector_count; i++)
      dev->connectors[i].borrowed = false;
   close(dev->borrowed_fd);
   dev->borrowed_fd = -1;
   dev->borrowed_from = -1;
   dev->fd = dev->own_fd;
   dev->master = false;
   vw_dbg("kms: %s: the app's DRM file is no longer used; back to the layer's own", dev->path);
}

void
vw_kms_settle_fd(struct vw_kms_device *dev)
{
   pthread_mutex_lock(&dev->lock);
   settle_fd_locked(dev);
   pthread_mutex_unlock(&dev->lock);
}

VkResult
vw_kms_acquire_fd(struct vw_kms_device *dev, struct vw_kms_connector *c, int app_fd)
{
   struct vw_acquire_facts f = {.same_card = vw_kms_same_card(dev, app_fd)};
   if (f.same_card && !vw_kms_device_gone(dev)) {
      f.master = drmIsMaster(app_fd);
      /* A lease shows its lessee only the leased objects. */
      drmModeConnector *conn = drmModeGetConnectorCurrent(app_fd, c->id);
      f.sees_connector = conn != NULL;
      drmModeFreeConnector(conn);
   }
   pthread_mutex_lock(&dev->lock);
   f.borrowed_from = dev->borrowed_from;
   f.device_idle = device_idle(dev);
   VkResult r = vw_acquire_verdict(&f, app_fd);
   if (r == VK_SUCCESS && dev->borrowed_fd < 0) {
      int dup_fd = fcntl(app_fd, F_DUPFD_CLOEXEC, 3);
      /* Client caps are per file: the commits need the ones the layer's own file has. */
      if (dup_fd < 0 || drmSetClientCap(dup_fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
          (dev->atomic && drmSetClientCap(dup_fd, DRM_CLIENT_CAP_ATOMIC, 1))) {
         vw_err("vkAcquireDrmDisplayEXT: fd %d cannot be used: %s", app_fd,
                dup_fd < 0 ? strerror(errno) : "client capabilities refused");
         if (dup_fd >= 0)
            close(dup_fd);
         r = VK_ERROR_INITIALIZATION_FAILED;
      } else {
         dev->borrowed_fd = dup_fd;
         dev->borrowed_from = app_fd;
         dev->fd = dup_fd;
      }
   }
   if (r == VK_SUCCESS) {
      c->borrowed = true;
      __atomic_store_n(&c->released, false, __ATOMIC_RELEASE);
   }
   pthread_mutex_unlock(&dev->lock);
   if (r == VK_SUCCESS)
      vw_info("kms: %s is driven through the app's fd %d", c->name, app_fd);
   else if (!f.same_card)
      vw_err("vkAcquireDrmDisplayEXT: fd %d is not a file of %s", app_fd, dev->path);
   else if (vw_kms_device_gone(dev))
      vw_err("vkAcquireDrmDisplayEXT: %s is gone", dev->path);
   else if (!f.master)
      vw_err("vkAcquireDrmDisplayEXT: fd %d is not DRM master (nor a lease)", app_fd);
   else if (!f.sees_connector)
      vw_err("vkAcquireDrmDisplayEXT: connector %u (%s) is not reachable through fd %d", c->id,
             c->name, app_fd);
   else if (f.borrowed_from >= 0 && f.borrowed_from != app_fd)
      vw_err("vkAcquireDrmDisplayEXT: %s is already driven through another fd of the app's",
             dev->path);
   else if (!f.device_idle)
      vw_err("vkAcquireDrmDisplayEXT: a swapchain still presents on %s through the layer's "
             "own file", dev->path);
   return r;
}

void
vw_kms_release_display(struct vw_kms_device *dev, struct vw_kms_connector *c)
{
   pthread_mutex_lock(&dev->lock);
   __atomic_store_n(&c->released, true, __ATOMIC_RELEASE);
   settle_fd_locked(dev);
   pthread_mutex_unlock(&dev->lock);
   vw_dbg("kms: %s released by the app", c->name);
}

bool
vw_kms_opened_elsewhere(const struct vw_kms_device *dev)
{
   return dev->pid != getpid();
}

bool
vw_kms_hold_master(struct vw_kms_device *dev)
{
   pthread_mutex_lock(&dev->lock);
   /* The app's file is master (or lessee) by the app's doing: never set or dropped here. */
   if (!vw_kms_device_gone(dev) && dev->borrowed_fd < 0 && !drmIsMaster(dev->fd))
      drmSetMaster(dev->fd); /* succeeds only when nobody holds master */
   dev->master = !vw_kms_device_gone(dev) && drmIsMaster(dev->fd);
   bool master = dev->master;
   if (master)
      dev->master_holds++;
   pthread_mutex_unlock(&dev->lock);
   if (!master)
      vw_err("kms: %s is held by another DRM master (a compositor or display server?)",
             dev->path);
   return master;
}

void
vw_kms_release_master(struct vw_kms_device *dev)
{
   pthread_mutex_lock(&dev->lock);
   if (dev->master_holds && --dev->master_holds == 0 && !vw_kms_device_gone(dev) &&
       dev->borrowed_fd < 0) {
      /* Fails harmlessly when master was revoked meanwhile (a VT switch). */
      drmDropMaster(dev->fd);
      dev->master = false;
      vw_dbg("kms: %s: no swapchain left, DRM master dropped", dev->path);
   }
   pthread_mutex_unlock(&dev->lock);
}

bool
vw_kms_refresh_connectors(struct vw_kms_device *dev, bool probe)
{
   bool changed = false;
   pthread_mutex_lock(&dev->lock);
   for (uint32_t i = 0; i < dev->connector_count && !vw_kms_device_gone(dev); i++) {
      struct vw_kms_connector *c = &dev->connectors[i];
      drmModeConnector *conn = probe ? drmModeGetConnector(dev->fd, c->id)
                                     : drmModeGetConnectorCurrent(dev->fd, c->id);
      if (!conn) {
         if (errno == ENODEV)
            vw_kms_device_set_gone(dev);
         continue;
      }
      bool connected = conn->connection == DRM_MODE_CONNECTED;
      bool modes_changed = update_modes(c, conn);
      if (connected != vw_kms_connector_connected(c) || modes_changed) {
         vw_kms_connector_set_connected(c, connected);
         c->generation++;
         changed = true;
      }
      drmModeFreeConnector(conn);
   }
   pthread_mutex_unlock(&dev->lock);
   return changed;
}

uint64_t
vw_kms_connectors_generation(struct vw_kms_device *dev)
{
   uint64_t sum = 0;
   pthread_mutex_lock(&dev->lock);
   for (uint32_t i = 0; i < dev->connector_count; i++)
      sum += dev->connectors[i].generation;
   pthread_mutex_unlock(&dev->lock);
   return sum;
}

int
vw_kms_set_dpms(struct vw_kms_device *dev, struct vw_kms_connector *c, uint64_t value)
{
   if (!vw_kms_hold_master(dev))
      return -EACCES;
   uint32_t prop = find_prop(dev->fd, c->id, DRM_MODE_OBJECT_CONNECTOR, "DPMS", NULL);
   int r = prop ? drmModeConnectorSetProperty(dev->fd, c->id, prop, value) : -ENOENT;
   vw_kms_release_master(dev);
   return r < 0 ? r : 0;
}

struct vw_kms_connector *
vw_kms_find_connector(struct vw_kms_device *dev, uint32_t id)
{
   for (uint32_t i = 0; i < dev->connector_count; i++)
      if (dev->connectors[i].id == id)
         return &dev->connectors[i];
   return NULL;
}

struct vw_kms_crtc *
vw_kms_find_crtc(struct vw_kms_device *dev, uint32_t id)
{
   for (uint32_t i = 0; i < dev->crtc_count; i++)
      if (dev->crtcs[i].id == id)
         return &dev->crtcs[i];
   return NULL;
}

bool
vw_kms_plane_has_format(const struct vw_kms_plane *plane, uint32_t fourcc)
{
   for (uint32_t i = 0; i < plane->format_count; i++)
      if (plane->formats[i] == fourcc)
         return true;
   return false;
}

static void
on_flip(int fd, unsigned sequence, unsigned sec, unsigned usec, unsigned crtc_id, void *data)
{
   struct vw_kms_device *dev = data;
   struct vw_kms_crtc *crtc = vw_kms_find_crtc(dev, crtc_id);
   if (!crtc)
      return;
   /* One flip is in flight per CRTC at a time: the event completes the latest. */
   crtc->flip_done = crtc->flip_serial;
   crtc->flip_unconfirmed = false;
   crtc->flip_done_ns = (uint64_t)sec * 1000000000ull + (uint64_t)usec * 1000ull;
   if (crtc->notify_fd >= 0) {
      uint64_t one = 1;
      ssize_t n = write(crtc->notify_fd, &one, sizeof(one));
      (void)n;
   }
}

bool
vw_kms_dispatch_events(struct vw_kms_device *dev)
{
   drmEventContext ctx = {
      .version = 3,
      .page_flip_handler2 = on_flip,
   };
   pthread_mutex_lock(&dev->lock);
   /* The fd is non-blocking: with nothing to read (another thread got there first),
    * drmHandleEvent just fails with EAGAIN. */
   errno = 0;
   int r = drmHandleEvent(dev->fd, &ctx);
   if (r < 0 && errno == ENODEV)
      vw_kms_device_set_gone(dev);
   bool ok = !vw_kms_device_gone(dev);
   pthread_mutex_unlock(&dev->lock);
   return ok;
}

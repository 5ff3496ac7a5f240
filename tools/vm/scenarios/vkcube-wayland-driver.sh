#!/bin/bash
# The harness's own check, without the layer: vkcube --wsi wayland on Mesa's own Wayland
# WSI (lavapipe, wl_shm) under weston (drm backend, pixman renderer on the 2D virtio-gpu,
# kiosk shell: the window is the whole screen). Implicit layers are disabled in the loader
# and VENUS_WSI=off besides, so an installed layer stays out whatever the tree holds.
# Mesa's WSI says nothing per frame: its Wayland requests and events (WAYLAND_DEBUG) are
# the sign of frames on screen; the compositor gives a buffer back (wl_buffer.release)
# once the next one has replaced it.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.json
export VK_LOADER_LAYERS_DISABLE='~implicit~'
export VENUS_WSI=off
vm-weston start
# shellcheck source=/dev/null # written by vm-weston start
. /run/vm-weston.env
vm-weston shots vkcube-wayland-driver --gap 6 --third 1.3 --ready 'wl_buffer#[0-9]+\.release\(\)' -- \
	env WAYLAND_DEBUG=client vkcube --wsi wayland
vm-weston stop

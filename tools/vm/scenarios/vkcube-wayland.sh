#!/bin/bash
# vm: needs-project
# vkcube --wsi wayland through the layer: weston (drm backend, pixman renderer on the 2D
# virtio-gpu, kiosk shell) in the guest, the layer forced over lavapipe (VENUS_WSI=force;
# lavapipe has its own Wayland WSI, which this takes over). Once with the Khronos
# validation layer (--validate), once with nothing but the layer's debug lines; two shots
# each, the window (the whole output) recorded for the host check.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.json
export VENUS_WSI=force
vm-weston start
# shellcheck source=/dev/null # written by vm-weston start
. /run/vm-weston.env
vm-weston shots vkcube-wayland --gap 6 --third 1.3 -- vkcube --wsi wayland --validate
vm-weston shots vkcube-wayland-plain --gap 6 --third 1.3 -- vkcube --wsi wayland
vm-weston stop

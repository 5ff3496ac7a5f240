#!/bin/bash
# vm: venus
# vm: needs-project
# vkcube --wsi wayland on real Venus, nothing set but the installed package (VENUS_WSI
# unset = auto: Venus lacks VK_KHR_swapchain, so the layer implements it): weston (drm
# backend, GL renderer on virgl through virtio-gpu-gl, kiosk shell) in the guest, QEMU's
# window on the host's Xvfb. Only the virtio ICD is offered to the loader (the guest also
# has lavapipe). Once with the Khronos validation layer, once without; two shots each.
# Then Zink (GL on Vulkan) on this Venus: it refuses the device (see the .check), which is
# recorded so the check notices the day it stops refusing.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI
vm-weston start
# shellcheck source=/dev/null # written by vm-weston start
. /run/vm-weston.env
vm-weston shots vkcube-wayland --gap 6 -- vkcube --wsi wayland --validate
vm-weston shots vkcube-wayland-plain --gap 6 -- vkcube --wsi wayland
vm-weston stop
# Zink as the GL driver on Venus, the way a desktop would load it (no software fallback
# asked for); bounded, and never fatal here: the host check reads what it said.
vulkaninfo --summary >/job/zink-vulkaninfo.txt 2>&1 || true
MESA_LOADER_DRIVER_OVERRIDE=zink timeout -k 5 60 eglinfo -B >/job/zink-eglinfo.log 2>&1 || true

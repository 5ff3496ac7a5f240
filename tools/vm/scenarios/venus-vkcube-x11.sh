#!/bin/bash
# vm: venus
# vm: needs-project
# vkcube with no flags in an X window on real Venus, nothing set but the installed package
# (VENUS_WSI unset = auto: Venus lacks VK_KHR_swapchain, so the layer implements it): Xorg
# (modesetting, glamor on virtio-gpu-gl, so DRI3 where the device renders) in the guest,
# QEMU's window on the host's Xvfb. Only the virtio ICD is offered to the loader (the guest
# also has lavapipe). Once with the Khronos validation layer, once without; two shots each.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI VENUS_WSI_X11
vm-xorg start
export DISPLAY=:0
vm-xorg shots vkcube-x11 vkcube --gap 6 -- vkcube --validate
vm-xorg shots vkcube-x11-plain vkcube --gap 6 -- vkcube
vm-xorg stop

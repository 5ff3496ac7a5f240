#!/bin/bash
# vm: needs-project
# vkcube with no flags in an X window: Xorg (modesetting) on the 2D virtio-gpu, the layer
# forced over the guest's lavapipe (VENUS_WSI=force; lavapipe has its own X11 WSI, which
# this takes over). Once with the Khronos validation layer (vkcube --validate), once with
# nothing but the layer's debug lines; two shots each, the window's place recorded for the
# host check.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.json
export VENUS_WSI=force
vm-xorg start
export DISPLAY=:0
vm-xorg shots vkcube-x11 vkcube --gap 6 --third 1.3 -- vkcube --validate
vm-xorg shots vkcube-x11-plain vkcube --gap 6 --third 1.3 -- vkcube
vm-xorg stop

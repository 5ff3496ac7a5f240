#!/bin/bash
# vm: venus
# vm: needs-project
# vkcube --wsi wayland on real Venus, nothing set but the installed package (VENUS_WSI
# unset = auto: Venus lacks VK_KHR_swapchain, so the layer implements it): weston (drm
# backend, GL renderer on virgl through virtio-gpu-gl, kiosk shell) in the guest, QEMU's
# window on the host's Xvfb. Only the virtio ICD is offered to the loader (the guest also
# has lavapipe). Once with the Khronos validation layer, once without; two shots each (three
# for the turning triangles).
# Then OpenGL through Zink (GL on Vulkan), whose window path makes a Vulkan swapchain, the
# layer's here: weston's simple-egl with Zink on Venus (software rendering allowed: Venus
# reports the host's device, lavapipe here, a CPU), which Mesa's EGL for Wayland cannot start
# (recorded: see the .check); then with Zink on the guest's lavapipe made to look like Venus
# instead, drawn and turning in the shots; and on virgl's GL, for its frame rate.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI
vm-weston start
# shellcheck source=/dev/null # written by vm-weston start
. /run/vm-weston.env
vm-weston shots vkcube-wayland --gap 6 --third 1.3 -- vkcube --wsi wayland --validate
vm-weston shots vkcube-wayland-plain --gap 6 --third 1.3 -- vkcube --wsi wayland
Z="MESA_LOADER_DRIVER_OVERRIDE=zink LIBGL_ALWAYS_SOFTWARE=1"
# shellcheck disable=SC2086 # Z: words
vm-timeout 60 /job/zink-venus-wayland.log -- env $Z VENUS_WSI_DEBUG=1 weston-simple-egl || true
# simple-egl turns 200 degrees a second: shots 0.4 s apart; it runs 6 s more for its rate.
# shellcheck disable=SC2086
vm-weston shots zink-lvp-simple-egl --gap 0.4 --third 0.25 --until-exit 6 -- env $Z \
	VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.json VENUS_WSI_HIDE=venus weston-simple-egl
# stdbuf: its rate lines, or they wait in a full stdio buffer until it ends.
vm-weston shots virgl-simple-egl --gap 0.4 --third 0.25 --until-exit 6 --ready "frames in" -- stdbuf -oL weston-simple-egl
vm-weston stop

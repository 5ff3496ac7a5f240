#!/bin/bash
# vm: venus
# vm: needs-project
# vkcube with no flags in an X window on real Venus, nothing set but the installed package
# (VENUS_WSI unset = auto: Venus lacks VK_KHR_swapchain, so the layer implements it): Xorg
# (modesetting, glamor on virtio-gpu-gl, so DRI3 where the device renders) in the guest,
# QEMU's window on the host's Xvfb. Only the virtio ICD is offered to the loader (the guest
# also has lavapipe). Once with the Khronos validation layer, once without; two shots each.
# Then OpenGL on this Venus through Zink (GL on Vulkan), whose window path makes a Vulkan
# swapchain, the layer's here: glxgears, beside the same glxgears on virgl's GL. Zink
# refuses Venus as a desktop would load it (recorded: see the .check), and takes it once
# software rendering is allowed (LIBGL_ALWAYS_SOFTWARE: Venus reports the host's device,
# lavapipe here, a CPU).
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI VENUS_WSI_X11
vm-xorg start
export DISPLAY=:0
vm-xorg shots vkcube-x11 vkcube --gap 6 --third 1.3 -- vkcube --validate
vm-xorg shots vkcube-x11-plain vkcube --gap 6 --third 1.3 -- vkcube
vulkaninfo --summary >/job/zink-vulkaninfo.txt 2>&1 || true
vm-timeout 60 /job/zink-refused.log -- env MESA_LOADER_DRIVER_OVERRIDE=zink glxinfo -B || true
# glxgears turns 70 degrees a second and looks the same every 0.26 s (18-degree teeth; the
# small gears turn twice as fast with 36-degree ones): shots 0.4 s apart, and a third 0.25 s
# later, since a shot takes its own time (a CI run's virgl pair, 3 s apart, was one whole
# number of teeth apart). Both run unpaced (their swap interval is 0 here) for 6 s more
# after the shots: frames/s.
vm-xorg shots zink-glxgears glxgears --gap 0.4 --third 0.25 --until-exit 6 -- \
	env MESA_LOADER_DRIVER_OVERRIDE=zink LIBGL_ALWAYS_SOFTWARE=1 glxgears -info
vm-xorg shots virgl-glxgears glxgears --gap 0.4 --third 0.25 --until-exit 6 --ready "frames in" -- \
	glxgears -info
vm-xorg stop

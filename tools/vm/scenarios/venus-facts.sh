#!/bin/bash
# vm: venus
# vm: needs-project
# The guest's Venus device, as the driver alone shows it (DISABLE_VENUS_WSI=1, only the
# virtio ICD): vulkaninfo (summary and full), its device extensions and memory types, what
# it offers for external memory / semaphores / fences (vk-external-probe), and whether it
# has VK_KHR_swapchain or a display of its own; then what an app sees with the layer
# installed and nothing configured (its WSI extensions, device-extensions-layer.txt).
# Results in /job/venus/.
set -uo pipefail
out=/job/venus
mkdir -p "$out"
venus=/usr/share/vulkan/icd.d/virtio_icd.json
# Every ICD the guest has (Venus and lavapipe), as an app sees them by default.
vulkaninfo --summary >"$out/vulkaninfo-summary.txt" 2>&1
# The Venus device through the layer, as installed (the package), nothing configured.
VK_DRIVER_FILES=$venus vulkaninfo >"$out/vulkaninfo-venus-layer.txt" 2>&1
sed -n '/^Device Extensions/,/^$/p' "$out/vulkaninfo-venus-layer.txt" |
	awk '/: extension revision/ { print $1, $NF }' >"$out/device-extensions-layer.txt"
sed -n '/^Instance Extensions/,/^$/p' "$out/vulkaninfo-venus-layer.txt" |
	awk '/: extension revision/ { print $1, $NF }' >"$out/instance-extensions-layer.txt"
export DISABLE_VENUS_WSI=1 VK_DRIVER_FILES=$venus
vulkaninfo --summary >"$out/vulkaninfo-summary-venus.txt" 2>&1
vulkaninfo >"$out/vulkaninfo-venus.txt" 2>&1
sed -n '/^Device Extensions/,/^$/p' "$out/vulkaninfo-venus.txt" |
	awk '/: extension revision/ { print $1, $NF }' >"$out/device-extensions.txt"
sed -n '/^Instance Extensions/,/^$/p' "$out/vulkaninfo-venus.txt" |
	awk '/: extension revision/ { print $1, $NF }' >"$out/instance-extensions.txt"
sed -n '/^VkPhysicalDeviceMemoryProperties/,/^Vk[A-Z]/p' "$out/vulkaninfo-venus.txt" >"$out/memory-properties.txt"
cc -O1 -o /tmp/vk-external-probe /opt/venus-wsi-vm/src/vk-external-probe.c -lvulkan &&
	/tmp/vk-external-probe >"$out/external-probe.txt" 2>&1
# The driver's own WSI: does it list VK_KHR_swapchain, and does its VK_KHR_display find a display?
{
	echo "device lists VK_KHR_swapchain: $(grep -q '^VK_KHR_swapchain ' "$out/device-extensions.txt" && echo yes || echo no)"
	echo "instance (loader + ICD) lists VK_KHR_display: $(grep -q '^VK_KHR_display ' "$out/instance-extensions.txt" && echo yes || echo no)"
	echo "vkcube --wsi display on the driver alone:"
	XDG_RUNTIME_DIR=/tmp vm-timeout 60 /job/vkcube-driver-display.log -- vkcube --wsi display --c 10
	status=$?
	tail -n 3 /job/vkcube-driver-display.log | sed 's/^/  /'
	echo "  (exit status $status)"
} >"$out/wsi.txt"
cat "$out/vulkaninfo-summary.txt" "$out/wsi.txt" "$out/external-probe.txt"
grep -q DRIVER_ID_MESA_VENUS "$out/vulkaninfo-summary-venus.txt"

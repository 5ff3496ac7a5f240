#!/bin/bash
# vm: venus
# vm: needs-project
# The layer's scanout paths on real Venus, each forced in turn (VENUS_WSI_PATH, no
# fallback): export (A), import (B), hostptr (C), copy (D). venus-wsi-demo presents 60
# frames on the display with VENUS_WSI_DEBUG=2; the guest kernel's virtio-gpu commands are
# traced for each. VENUS_WSI=force: this is about the paths, whatever auto decides
# (venus-auto checks that). Results: /job/path-NAME.log .status, /job/path-NAME-trace.txt.
set -uo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json XDG_RUNTIME_DIR=/tmp
for p in export import hostptr copy; do
	vm-trace-virtio-gpu start
	t0=$(date +%s.%N)
	VENUS_WSI=force VENUS_WSI_DEBUG=2 VENUS_WSI_PATH=$p \
		vm-timeout 120 "/job/path-$p.log" -- venus-wsi-demo --display --frames 60
	status=$?
	t1=$(date +%s.%N)
	vm-trace-virtio-gpu stop "/job/path-$p-trace.txt"
	echo "$status" >"/job/path-$p.status"
	echo "== path $p: exit status $status after $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
	grep -E "venus-wsi: (swapchain|kms: importing|scanout|path)|VkResult|error" "/job/path-$p.log" | head -n 12
done
dmesg | grep -iE "virtio|drm|error" | tail -n 20
# Path D works everywhere: it must work here.
[ "$(cat /job/path-copy.status)" = 0 ]

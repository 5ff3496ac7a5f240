#!/bin/bash
# vm: needs-project
# vm: vm-run-args --rw
# The Debian packages as a user meets them: the tree holds the project only as the packages
# install-project put there (no /usr/local copy); vkcube --wsi display through the layer
# they installed (forced on over the guest's lavapipe), two screendumps; then both packages
# purged: none of their files may be left, and the loader no longer finds the layer. The
# root file system is written (--rw, it is the cached tree): the packages go back in at the
# end, whatever happened, from the copies install-project keeps in the tree.
set -euo pipefail
debs=/var/cache/venus-wsi/debs
reinstall() { dpkg -i "$debs"/*.deb >/job/reinstall.log 2>&1 || echo "package: reinstalling failed (see reinstall.log)" >&2; }
trap reinstall EXIT
dpkg-query -W vulkan-layer-venus-wsi venus-wsi-tools | tee /job/packages.txt
dpkg -L vulkan-layer-venus-wsi venus-wsi-tools | sort -u >/job/files.txt
ls -d /usr/local/share/vulkan/implicit_layer.d/*venus* /usr/local/lib/*/libVkLayer_venus_wsi.so \
	>/job/usr-local.txt 2>/dev/null || true
vulkaninfo 2>/dev/null | grep -o "VK_LAYER_VENUS_wsi[^ ]*" | sort -u >/job/layers-installed.txt || true
VENUS_WSI=force vm-present-shots vkcube --gap 6 --third 1.3 -- vkcube --wsi display --c 1000000
dpkg --purge venus-wsi-tools vulkan-layer-venus-wsi >/job/purge.log 2>&1
# What is left of the files the packages listed (directories other packages share stay).
while IFS= read -r f; do
	[ -d "$f" ] && continue
	if [ -e "$f" ] || [ -L "$f" ]; then echo "$f"; fi
done </job/files.txt >/job/left-behind.txt
# Anything by the packages' or their files' names (the harness's own files in the tree, e.g.
# /etc/apt/apt.conf.d/90venus-wsi-vm, are not the product's).
find /usr /etc /var/lib \( -name '*VkLayer_venus_wsi*' -o -name 'vulkan-layer-venus-wsi*' \
	-o -name 'venus-wsi-tools*' -o -name 'venus-wsi-info*' -o -name 'venus-wsi-demo*' \
	-o -name 'venus-wsi-refloop*' \) 2>/dev/null >/job/found-after.txt || true
vulkaninfo 2>/dev/null | grep -o "VK_LAYER_VENUS_wsi[^ ]*" | sort -u >/job/layers-after.txt || true

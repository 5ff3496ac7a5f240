#!/bin/bash
# Debian 13's vkcube (vulkan-tools from forky: see tools/vm/build-guest) with --wsi display,
# through the layer built and installed in the Debian 13 guest tree, against the mock
# virtio-gpu device (LD_PRELOAD), run with chroot: no VM. The mock dumps the screen every
# 40th update; the shots must show the cube turning, and the mock must end with nothing
# of the app's left (fds, GEM handles, framebuffers, mappings).
#   vkcube_mock_chroot.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: vkcube_mock_chroot.sh SOURCE_DIR}
vm=$src/tools/vm
out=$(mktemp -d /tmp/venus-wsi-vkcube-mock.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$vm/build-guest"
# A meson build in the tree, not the packages: the mock device it preloads is built only
# there (the next scenario that needs the project puts the packages back).
"$vm/install-project" --raw >/dev/null
cache=${VENUS_WSI_VM_CACHE:-$HOME/.cache/venus-wsi}

set +e
timeout 300 "$vm/chroot-run" --bind "$cache/project-build:/build" --bind "$out:/out" -- \
   env VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json XDG_RUNTIME_DIR=/tmp \
   VENUS_WSI=force VENUS_WSI_DEBUG=1 \
   VW_MOCK_DRM_DUMP_DIR=/out VW_MOCK_DRM_DUMP_EVERY=40 VW_MOCK_DRM_REPORT=/out/report.txt \
   LD_PRELOAD=/build/tests/mock_drm/libvw_mock_drm.so \
   vkcube --wsi display --c 200 >"$out/vkcube.log" 2>&1
rc=$?
set -e
cat "$out/vkcube.log"
[ $rc -eq 0 ] || { echo "FAIL: vkcube exited with $rc"; exit 1; }
grep -q "venus-wsi: swapchain 0: .* display backend, path" "$out/vkcube.log" ||
   { echo "FAIL: the layer did not present vkcube's swapchain"; exit 1; }
echo "mock report: $(tr '\n' ' ' <"$out/report.txt")"
for k in leaked_fds leaked_handles leaked_fbs leaked_blobs leaked_mappings leaked_dumb_buffers; do
   grep -q "^$k=0$" "$out/report.txt" || { echo "FAIL: $k is not 0"; exit 1; }
done
grep -q "^flips=\(1[5-9][0-9]\|2[0-9][0-9]\)$" "$out/report.txt" ||
   { echo "FAIL: fewer than 150 flips for 200 frames"; exit 1; }
shots=("$out"/screen-*.png)
[ ${#shots[@]} -ge 3 ] || { echo "FAIL: ${#shots[@]} screen dumps"; exit 1; }
"$vm/check-vkcube" "${shots[@]:0:3}"
echo "1 passed, 0 failed"

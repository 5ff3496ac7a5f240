#!/bin/sh
# vulkaninfo must list the layer's own instance and device extensions under the layer.
set -eu
out=$("$1" 2>/dev/null)
section=$(printf '%s\n' "$out" | sed -n '/^VK_LAYER_VENUS_wsi/,/^VK_LAYER_[A-Z]*_[a-z]/p')
[ -n "$section" ] || { echo "vulkaninfo does not list VK_LAYER_VENUS_wsi"; exit 1; }
for ext in VK_KHR_surface VK_EXT_headless_surface VK_KHR_get_surface_capabilities2 VK_KHR_swapchain; do
    if printf '%s\n' "$section" | grep -q "$ext "; then
        echo "VK_LAYER_VENUS_wsi provides $ext"
    else
        echo "FAIL: $ext missing from the layer's section"; exit 1
    fi
done
echo "1 passed, 0 failed"

#!/bin/sh
# Installs the build into a scratch prefix and checks what a package would ship: the
# implicit manifest, a library_path that resolves, the loader finding the layer through
# XDG_DATA_DIRS with no VK_INSTANCE_LAYERS, and DISABLE_VENUS_WSI=1 switching it off.
set -eu
src=$1 build=$2 app=$3
scratch=$(mktemp -d /tmp/venus-wsi-install.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
# A build of its own: the developer's build directory keeps its prefix. The build tools get
# no test preloads.
(unset LD_PRELOAD ASAN_OPTIONS
 meson setup "$scratch/build" "$src" -Dprefix="$prefix" -Dtests=false -Dtools=false >/dev/null &&
 meson install -C "$scratch/build" --quiet >/dev/null)
manifest="$prefix/share/vulkan/implicit_layer.d/VkLayer_venus_wsi.json"
[ -f "$manifest" ] || { echo "FAIL: no $manifest"; exit 1; }
lib=$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$manifest")
[ -f "$lib" ] || { echo "FAIL: library_path $lib does not exist"; exit 1; }
grep -q '"DISABLE_VENUS_WSI": *"1"' "$manifest" || { echo "FAIL: no disable_environment"; exit 1; }
# Device extensions in an implicit manifest end up in the driver's own extension list, and
# 'auto' would take a driver without a swapchain for one with it.
if grep -q '"device_extensions"' "$manifest"; then
    echo "FAIL: the implicit manifest lists device extensions"; exit 1
fi
echo "installed $manifest -> $lib"

unset VK_INSTANCE_LAYERS VK_ADD_LAYER_PATH VK_LAYER_PATH || true
export XDG_DATA_DIRS="$prefix/share:/usr/share"
# lavapipe with its swapchain hidden looks like Venus: the implicit layer must take over.
VENUS_WSI_HIDE=swapchain "$app" --expect-owner layer
# Installed but disabled: not even loaded.
DISABLE_VENUS_WSI=1 VENUS_WSI_HIDE=swapchain "$app" --expect-owner driver
# Enabled by name through the loader's newer switch (the implicit copy is disabled).
VK_LOADER_LAYERS_ENABLE='*venus*' DISABLE_VENUS_WSI=1 VENUS_WSI=force \
    VK_ADD_LAYER_PATH="$build/share/vulkan/explicit_layer.d" XDG_DATA_DIRS=/usr/share \
    "$app" --expect-owner layer
# The uninstalled build as an implicit layer (build/share/vulkan/implicit_layer.d).
XDG_DATA_DIRS="$build/share:/usr/share" VENUS_WSI_HIDE=swapchain "$app" --expect-owner layer
echo "1 passed, 0 failed"

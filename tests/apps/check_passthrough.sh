#!/bin/sh
# Pass-through is the absence of the layer (as far as the loader's interface allows).
# The layer is the implicit one from the build tree (XDG_DATA_DIRS), as installed; a recorder
# layer below it writes what reached the layers below at vkCreateInstance.
#   check_passthrough.sh BUILD_DIR PASSTHROUGH_TEST RECORDER_MANIFEST_DIR [VULKANINFO]
set -u
build=$1 app=$2 recorder_dir=$3 vulkaninfo=${4:-}
unset VK_INSTANCE_LAYERS VENUS_WSI VENUS_WSI_HIDE VENUS_WSI_DEBUG
export XDG_DATA_DIRS="$build/share:/usr/share"
export VK_ADD_LAYER_PATH="$recorder_dir"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export VW_RECORDER_FILE="$work/recorded"
failed=0 checked=0

ok() { checked=$((checked + 1)); }
bad() { checked=$((checked + 1)); failed=$((failed + 1)); echo "FAIL: $*"; }
expect_eq() { # what, expected, got
   if [ "$2" = "$3" ]; then ok; else bad "$1: expected [$2], got [$3]"; fi
}
lines() { grep "^$1 " "$2" | cut -d' ' -f2- | sort | tr '\n' ' '; }
value() { grep "^$1 " "$2" | head -1 | cut -d' ' -f2-; }

# Without the layer: what every pass-through case must look like.
DISABLE_VENUS_WSI=1 "$app" --app-layer VK_LAYER_VW_recorder > "$work/none" 2>&1
DISABLE_VENUS_WSI=1 "$app" --enable VK_KHR_surface --enable VK_EXT_headless_surface \
   > "$work/none-headless" 2>&1
none_exts=$(lines instance-ext "$work/none")
none_dev_exts=$(lines device-ext "$work/none")
none_headless=$(value create-instance "$work/none-headless")
echo "without the layer: create with VK_EXT_headless_surface -> $none_headless"
[ -n "$none_exts" ] || bad "no instance extensions listed without the layer"

# What only the layer's manifest adds to the instance list on this driver.
layer_only=""
# (VK_KHR_surface_maintenance1 only where the loader knows the name: not Debian 12's.)
for e in VK_EXT_headless_surface VK_KHR_display VK_KHR_get_display_properties2 VK_EXT_surface_maintenance1 \
         VK_EXT_direct_mode_display VK_EXT_acquire_drm_display VK_EXT_display_surface_counter \
         VK_KHR_get_surface_capabilities2 VK_KHR_surface; do
   case " $none_exts " in *" $e "*) ;; *) layer_only="$layer_only $e" ;; esac
done
echo "extensions only the layer offers here:${layer_only:- none}"

for mode in auto off force; do
   for hide in none swapchain; do
      case "$mode/$hide" in
         force/*|auto/swapchain) takes=yes ;;
         *) takes=no ;;
      esac
      name="VENUS_WSI=$mode VENUS_WSI_HIDE=$hide"
      rm -f "$VW_RECORDER_FILE"
      VENUS_WSI=$mode VENUS_WSI_HIDE=$hide "$app" --app-layer VK_LAYER_VW_recorder --api 1.0 \
         > "$work/run" 2>&1
      expect_eq "$name: instance created" 0 "$(value create-instance "$work/run")"
      recorded_api=$(grep '^api=' "$VW_RECORDER_FILE" 2>/dev/null | cut -d= -f2)
      recorded_exts=$(grep -c '^ext=' "$VW_RECORDER_FILE" 2>/dev/null)
      if [ $takes = no ]; then
         expect_eq "$name: instance extensions" "$none_exts" "$(lines instance-ext "$work/run")"
         expect_eq "$name: device extensions" "$none_dev_exts" "$(lines device-ext "$work/run")"
         expect_eq "$name: apiVersion below the layer" "1.0" "$recorded_api"
      else
         want=$(printf '%s\n' $none_exts $layer_only | sort | tr '\n' ' ')
         expect_eq "$name: instance extensions" "$want" "$(lines instance-ext "$work/run")"
         case " $(lines device-ext "$work/run") " in
            *" VK_KHR_swapchain "*) ok ;;
            *) bad "$name: VK_KHR_swapchain not in the device list" ;;
         esac
         expect_eq "$name: apiVersion below the layer" "1.1" "$recorded_api"
      fi
      expect_eq "$name: extensions below the layer" 0 "$recorded_exts"

      # An app that asks first and enables VK_EXT_headless_surface only where it is listed;
      # here it enables it anyway, to see what the list promised.
      VENUS_WSI=$mode VENUS_WSI_HIDE=$hide "$app" --enable VK_KHR_surface \
         --enable VK_EXT_headless_surface --headless > "$work/headless" 2>&1
      echo $? > "$work/headless.status"
      # A careless app: enables it without asking.
      VENUS_WSI=$mode VENUS_WSI_HIDE=$hide "$app" --no-ask --enable VK_KHR_surface \
         --enable VK_EXT_headless_surface --headless > "$work/careless" 2>&1
      echo $? > "$work/careless.status"
      if [ $takes = no ]; then
         expect_eq "$name: headless instance, as without the layer" "$none_headless" \
            "$(value create-instance "$work/headless")"
      fi
      for f in headless careless; do
         created=$(value create-instance "$work/$f")
         case "$mode/$takes/$f" in
            off/*/careless) expect_eq "$name: $f app refused as without the layer" \
                               "$none_headless" "$created" ;;
         esac
         if [ "$created" = 0 ]; then
            # Whoever answers, the surface must work: never a crash in the driver.
            expect_eq "$name: $f headless surface" 0 "$(value headless-surface "$work/$f")"
            expect_eq "$name: $f headless support" "0 1" "$(value headless-support "$work/$f")"
         fi
         status=$(cat "$work/$f.status")
         if [ "$status" -ne 0 ]; then
            bad "$name: $f app ended with status $status (a signal above 128)"
         fi
      done
      [ $takes = yes ] && expect_eq "$name: headless instance" 0 "$(value create-instance "$work/headless")"
   done
done

# vulkaninfo: passing through, the same output as without the layer.
if [ -n "$vulkaninfo" ]; then
   DISABLE_VENUS_WSI=1 "$vulkaninfo" > "$work/vi-none" 2>&1
   for mode in auto off; do
      VENUS_WSI=$mode "$vulkaninfo" > "$work/vi-$mode" 2>&1
      if diff "$work/vi-none" "$work/vi-$mode" > "$work/vi-diff"; then
         ok
      else
         bad "vulkaninfo with VENUS_WSI=$mode differs from DISABLE_VENUS_WSI=1:"
         head -20 "$work/vi-diff"
      fi
   done
fi

echo "$checked checks, $failed failed"
[ $failed -eq 0 ]

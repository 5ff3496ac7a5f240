#!/usr/bin/env bash
# An OpenGL app (Mesa's glxgears) with Zink as its GL driver on a private Xvfb: Zink draws
# with Vulkan and shows its frames through a Vulkan swapchain on the X window, which on a
# driver without one (lavapipe made to look like Venus) is the layer's. Two xwd dumps of the
# window some time apart must show the three gears, turning (tools/vm/check-gears); the GL
# renderer must be Zink's, and the layer must have presented (its VENUS_WSI_DEBUG lines: an
# X11 swapchain and its presentation method).
#   check_gl_gears_x11.sh XWD_TOOL CHECK_GEARS [--seconds S] -- CMD [ARG]...
# CMD runs S seconds (default 7: glxgears prints its rate every 5 s), then is stopped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: check_gl_gears_x11.sh XWD_TOOL CHECK_GEARS [--seconds S] -- CMD [ARG]..."
[ $# -ge 4 ] || { echo "$usage"; exit 2; }
tool=$1 check=$2
shift 2
seconds=7
while [ $# -gt 0 ]; do
   case $1 in
   --seconds) seconds=$2; shift 2 ;;
   --) shift; break ;;
   *) echo "$usage"; exit 2 ;;
   esac
done
[ $# -gt 0 ] || { echo "$usage"; exit 2; }

tmp=$(mktemp -d /tmp/vw-gl-gears.XXXXXX)
app_pid=
cleanup() {
   stop_timed "$app_pid"
   xvfb_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/xvfb_lib.sh"
xvfb_start || exit 1

export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
fail=0
bad() { echo "FAIL: $*"; fail=1; }

echo "running: $* (MESA_LOADER_DRIVER_OVERRIDE=${MESA_LOADER_DRIVER_OVERRIDE:-} LIBGL_ALWAYS_SOFTWARE=${LIBGL_ALWAYS_SOFTWARE:-})"
start=$(date +%s.%N)
timeout -k 5 120 env ${TEST_LD_PRELOAD:+LD_PRELOAD="$TEST_LD_PRELOAD"} "$@" >"$tmp/out" 2>&1 &
app_pid=$!

shots=0
if ! xvfb_wait_window "$app_pid"; then
   bad "no window appeared"
else
   # Zink compiles its shaders on the first frames (LLVM on lavapipe): wait for the layer's
   # swapchain before the first dump.
   for _ in $(seq 1 300); do   # 30 s
      grep -q "x11 presentation:" "$tmp/out" && break
      kill -0 "$app_pid" 2>/dev/null || break
      sleep 0.1
   done
   sleep 1
   timeout 15 xwd -silent -id "$WINDOW" -out "$tmp/a.xwd" && shots=$((shots + 1))
   # glxgears turns 70 degrees a second: a second later its 20-tooth gear looks nearly the
   # same (3.9 teeth on); 0.4 s is 1.6 teeth, 2.0 ahead for the smaller gears.
   sleep 0.4
   timeout 15 xwd -silent -id "$WINDOW" -out "$tmp/b.xwd" && shots=$((shots + 1))
   [ $shots -eq 2 ] || bad "xwd could not dump the window twice while the app ran ($shots dumps)"
fi
# The rest of its time, for its own frame rate line.
left=$(awk "BEGIN { t = $start + $seconds - $(date +%s.%N); print (t > 0 ? t : 0) }")
sleep "$left"
kill -0 "$app_pid" 2>/dev/null || bad "the app ended by itself before it was stopped"
stop_timed "$app_pid"
wait "$app_pid" 2>/dev/null
app_pid=
grep -vE "^ +GL_|^ *$" "$tmp/out" | head -n 40

renderer=$(grep -m1 "GL_RENDERER" "$tmp/out")
case $renderer in
*zink*) echo "GL renderer: ${renderer#*= }" ;;
*) bad "the GL renderer is not Zink: '${renderer:-none printed}'" ;;
esac
line=$(grep -m1 "x11 presentation:" "$tmp/out") || bad "the layer did not present to the X window"
grep -q "swapchain 0: .*x11 backend" "$tmp/out" || bad "no swapchain of the layer's on the X11 backend"
[ -n "${line:-}" ] && echo "layer: ${line#*venus-wsi: }"
grep -E "frames in [0-9.]+ seconds" "$tmp/out" | tail -n 1 | sed 's/^/app: /'

if [ $shots -eq 2 ]; then
   for s in a b; do
      "$tool" png "$tmp/$s.xwd" "$tmp/$s.png" || bad "cannot convert dump $s"
   done
   "$check" "$tmp/a.png" "$tmp/b.png" || bad "the window does not show the gears turning"
fi
[ $fail -eq 0 ] || xvfb_log_tail
[ $fail -eq 0 ] && echo "GL gears through Zink on X11: passed"
exit $fail

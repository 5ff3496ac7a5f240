#!/usr/bin/env bash
# An OpenGL app with Zink as its GL driver, in a window on a private display server (Xvfb,
# or a headless weston): Zink draws with Vulkan and shows its frames through a Vulkan
# swapchain on the window, which on a driver without one (lavapipe made to look like Venus)
# is the layer's. Three shots of the window, 0.4 and 0.25 s apart, must show the app's red,
# green and blue drawing, moving between two of them (tools/vm/check-gears), and the layer
# must have presented (its VENUS_WSI_DEBUG lines: a swapchain on that backend and its
# presentation method).
#   check_gl_window.sh x11|wayland CHECK_GEARS [--xwd-tool T] [--check-args "ARGS"]
#                      [--renderer PATTERN] [--seconds S] -- CMD [ARG]...
# x11: the server's only window is dumped with xwd (converted by --xwd-tool's 'png');
# wayland: weston-screenshooter, the window where weston's scene graph says it is.
# --renderer: CMD's output must name a GL renderer matching PATTERN (glxgears -info).
# CMD runs S seconds (default 7: glxgears prints its rate every 5 s), then gets SIGINT, on
# which weston's demos destroy their window and end (0 expected); glxgears dies of it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
usage='usage: check_gl_window.sh x11|wayland CHECK_GEARS [--xwd-tool T] [--check-args "ARGS"] [--renderer PATTERN] [--seconds S] -- CMD [ARG]...'
[ $# -ge 4 ] || { echo "$usage"; exit 2; }
server=$1 check=$2
shift 2
xwd_tool= check_args= renderer= seconds=7
while [ $# -gt 0 ]; do
   case $1 in
   --xwd-tool) xwd_tool=$2; shift 2 ;;
   --check-args) check_args=$2; shift 2 ;;
   --renderer) renderer=$2; shift 2 ;;
   --seconds) seconds=$2; shift 2 ;;
   --) shift; break ;;
   *) echo "$usage"; exit 2 ;;
   esac
done
[ $# -gt 0 ] || { echo "$usage"; exit 2; }
case $server in x11|wayland) ;; *) echo "$usage"; exit 2 ;; esac

tmp=$(mktemp -d /tmp/vw-gl-window.XXXXXX)
app_pid=
cleanup() {
   stop_timed "$app_pid"
   if [ "$server" = x11 ]; then xvfb_stop; else weston_stop; fi
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$server" = x11 ]; then
   . "$here/xvfb_lib.sh"
   xvfb_start || exit 1
else
   . "$here/weston_lib.sh"
   weston_start || exit 1
fi

export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
fail=0
bad() { echo "FAIL: $*"; fail=1; }

shoot() { # NAME: the window as $tmp/NAME.png
   if [ "$server" = x11 ]; then
      timeout 15 xwd -silent -id "$WINDOW" -out "$tmp/$1.xwd" &&
         "$xwd_tool" png "$tmp/$1.xwd" "$tmp/$1.png"
   else
      weston_shoot "$1"
   fi
}

echo "running: $* (MESA_LOADER_DRIVER_OVERRIDE=${MESA_LOADER_DRIVER_OVERRIDE:-} LIBGL_ALWAYS_SOFTWARE=${LIBGL_ALWAYS_SOFTWARE:-})"
start=$(date +%s.%N)
timeout -k 5 120 env ${TEST_LD_PRELOAD:+LD_PRELOAD="$TEST_LD_PRELOAD"} "$@" >"$tmp/out" 2>&1 &
app_pid=$!

shots=0
if [ "$server" = x11 ] && ! xvfb_wait_window "$app_pid"; then
   bad "no window appeared"
else
   # Zink compiles its shaders on the first frames (LLVM on lavapipe): wait for the layer's
   # swapchain before the first shot.
   for _ in $(seq 1 300); do   # 30 s
      grep -q "$server presentation:" "$tmp/out" && break
      kill -0 "$app_pid" 2>/dev/null || break
      sleep 0.1
   done
   sleep 1
   shoot a && shots=$((shots + 1))
   # glxgears turns 70 degrees a second: a second later its 20-tooth gear looks nearly the
   # same (3.9 teeth on); 0.4 s is 1.6 teeth, 2.0 ahead for the smaller gears.
   sleep 0.4
   shoot b && shots=$((shots + 1))
   # A third, at another gap: two shots a whole turn apart look alike (check-gears
   # --moved-once).
   sleep 0.25
   shoot c && shots=$((shots + 1))
   [ "$server" = wayland ] && window=$(weston_window)
   [ $shots -eq 3 ] || bad "could not shoot the window three times while the app ran ($shots shots)"
fi
# The rest of its time, for its own frame rate line.
left=$(awk "BEGIN { t = $start + $seconds - $(date +%s.%N); print (t > 0 ? t : 0) }")
sleep "$left"
kill -0 "$app_pid" 2>/dev/null || bad "the app ended by itself before it was stopped"
# To the app itself: timeout(1) would pass a signal on twice (to the app and its process
# group), and the demos' handlers stand down after the first.
pkill -INT -P "$app_pid" 2>/dev/null
wait "$app_pid"
status=$?
app_pid=
grep -vE "^ +GL_EXTENSIONS|^ *$" "$tmp/out" | head -n 40
echo "exit status $status after SIGINT"
if [ "$server" = wayland ] && [ $status -ne 0 ]; then
   bad "the app exited with status $status$( [ $status -eq 124 ] && echo ' (hung: killed by timeout)')"
fi

if [ -n "$renderer" ]; then
   line=$(grep -m1 "GL_RENDERER" "$tmp/out")
   if grep -Eq "$renderer" <<<"${line:-}"; then echo "GL renderer: ${line#*= }"
   else bad "the GL renderer is not '$renderer': '${line:-none printed}'"; fi
fi
line=$(grep -m1 "$server presentation:" "$tmp/out") || bad "the layer did not present to the window"
grep -q "swapchain 0: .*$server backend" "$tmp/out" || bad "no swapchain of the layer's on the $server backend"
[ -n "${line:-}" ] && echo "layer: ${line#*venus-wsi: }"
grep -E "frames in [0-9.]+ seconds" "$tmp/out" | tail -n 1 | sed 's/^/app: /'

if [ $shots -eq 3 ]; then
   where=
   if [ -n "${window:-}" ]; then where="--window $window"
   elif [ "$server" = wayland ]; then where=--find-window; fi
   # shellcheck disable=SC2086 # the check's options, as words
   "$check" $where --moved-once $check_args "$tmp/a.png" "$tmp/b.png" "$tmp/c.png" || bad "the window does not show the app's drawing moving"
fi
if [ $fail -ne 0 ]; then
   if [ "$server" = x11 ]; then xvfb_log_tail; else weston_log_tail; fi
fi
[ $fail -eq 0 ] && echo "GL through Zink on $server: passed"
exit $fail

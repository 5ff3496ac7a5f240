#!/usr/bin/env bash
# Runs vw-wayland-test on a private headless weston (1280x720, pixman, killed on the way out).
#   check_wayland.sh [--kill-compositor] [--expect-method NAME] -- APP [APP ARGS...]
# --kill-compositor  once the app has frames on screen (its --ready-file appears), kill
#                    weston with SIGKILL: the app must see errors, not hang or crash
# --expect-method    the layer must show the frames with this method: its statistics
#                    (VENUS_WSI_STATS_FILE, checked by the app) and its VENUS_WSI_DEBUG line
#                    'wayland presentation: NAME' on stderr
# APP_TIMEOUT (seconds, default 150) bounds the app.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kill_compositor=0 method=
while [ $# -gt 0 ]; do
   case $1 in
   --kill-compositor) kill_compositor=1 ;;
   --expect-method) method=$2; shift ;;
   --) shift; break ;;
   *) echo "check_wayland.sh: unknown option $1"; exit 2 ;;
   esac
   shift
done
[ $# -ge 1 ] || { echo "usage: check_wayland.sh [--kill-compositor] [--expect-method NAME] -- APP ARGS..."; exit 2; }

tmp=$(mktemp -d /tmp/vw-wayland.XXXXXX)
APP_PID=
cleanup() {
   stop_timed "$APP_PID"
   weston_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/weston_lib.sh"

weston_start || exit 1

app=("$@")
if [ -n "$method" ]; then
   export VENUS_WSI_STATS_FILE=$tmp/stats
   export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
   app+=(--expect-method "$method")
fi
[ $kill_compositor -eq 1 ] && app+=(--ready-file "$tmp/ready")

kill_the_compositor() {
   echo "killing weston (pid $WESTON_PID) with SIGKILL while the app presents"
   kill -KILL "$WESTON_PID"
   wait "$WESTON_PID" 2>/dev/null
   WESTON_PID=
}
kill_fn=
[ $kill_compositor -eq 1 ] && kill_fn=kill_the_compositor
run_window_app "$kill_fn" "${app[@]}"
status=$APP_STATUS
if [ -n "$method" ] && [ $status -eq 0 ]; then
   expect_method_line "$tmp/stderr" wayland "$method" || status=1
fi
if [ $status -ne 0 ]; then
   [ $kill_compositor -eq 1 ] && [ -z "$WESTON_PID" ] && echo "(weston was killed on purpose)"
   weston_log_tail
fi
exit $status

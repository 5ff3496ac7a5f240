#!/usr/bin/env bash
# Runs vw-x11-test on a private Xvfb (1280x720x24, no TCP, killed on the way out).
#   check_x11.sh [--no-shm] [--kill-server] [--expect-method NAME] -- APP [APP ARGS...]
# --no-shm          the server without MIT-SHM (-extension MIT-SHM)
# --kill-server     once the app has frames on screen (its --ready-file appears), kill the
#                   server with SIGKILL: the app must see errors, not hang or crash
# --expect-method   the layer must show the frames with this method: its statistics
#                   (VENUS_WSI_STATS_FILE, checked by the app) and its VENUS_WSI_DEBUG line
#                   'x11 presentation: NAME' on stderr
# APP_TIMEOUT (seconds, default 150) bounds the app.
set -u
here=$(cd "$(dirname "$0")" && pwd)
no_shm=0 kill_server=0 method=
while [ $# -gt 0 ]; do
   case $1 in
   --no-shm) no_shm=1 ;;
   --kill-server) kill_server=1 ;;
   --expect-method) method=$2; shift ;;
   --) shift; break ;;
   *) echo "check_x11.sh: unknown option $1"; exit 2 ;;
   esac
   shift
done
[ $# -ge 1 ] || { echo "usage: check_x11.sh [--no-shm] [--kill-server] [--expect-method NAME] -- APP ARGS..."; exit 2; }

tmp=$(mktemp -d /tmp/vw-x11.XXXXXX)
APP_PID=
cleanup() {
   stop_timed "$APP_PID"
   xvfb_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/xvfb_lib.sh"

xvfb_args=()
[ $no_shm -eq 1 ] && xvfb_args+=(-extension MIT-SHM)
xvfb_start "${xvfb_args[@]}" || exit 1
if [ $no_shm -eq 1 ]; then
   if xdpyinfo | grep -q 'MIT-SHM'; then echo "FAIL: MIT-SHM still offered"; exit 1; fi
   echo "MIT-SHM is off"
fi

app=("$@")
if [ -n "$method" ]; then
   export VENUS_WSI_STATS_FILE=$tmp/stats
   export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
   app+=(--expect-method "$method")
fi
[ $kill_server -eq 1 ] && app+=(--ready-file "$tmp/ready")

kill_the_server() {
   echo "killing Xvfb (pid $XVFB_PID) with SIGKILL while the app presents"
   kill -KILL "$XVFB_PID"
   wait "$XVFB_PID" 2>/dev/null
   XVFB_PID=
}
kill_fn=
[ $kill_server -eq 1 ] && kill_fn=kill_the_server
run_window_app "$kill_fn" "${app[@]}"
status=$APP_STATUS
if [ -n "$method" ] && [ $status -eq 0 ]; then
   expect_method_line "$tmp/stderr" x11 "$method" || status=1
fi
if [ $status -ne 0 ]; then
   [ $kill_server -eq 1 ] && [ -z "$XVFB_PID" ] && echo "(Xvfb was killed on purpose; its log:)"
   xvfb_log_tail
fi
exit $status

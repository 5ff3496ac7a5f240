#!/usr/bin/env bash
# vw-wayland-test through the layer on a compositor that offers wp_fifo_v1: mutter 48 from
# the Debian 13 host tree (tools/vm/build-venus-host), headless, one 1280x720 virtual
# monitor, run with chroot; the app runs on this host and reaches it through a socket in a
# directory bound into the tree. The weston of this host (10) and of Debian 13 (14) lack
# the protocol, so the other Wayland tests never take the barrier path.
#   check_wayland_fifo.sh SOURCE_DIR [--hidden-window] [--expect-pacing NAME] -- APP [ARGS...]
# Checked, besides the app's own checks (rates, present wait, modes; mutter has no
# screenshot protocol of its own, so the app runs with --no-screen-check, and the pictures
# are checked on weston by the other Wayland tests):
#  - the compositor lists wp_fifo_manager_v1 (wayland-info);
#  - every FIFO swapchain the layer made says pacing=fifo-barrier (VENUS_WSI_STATS_FILE);
#  - mutter's presentation feedback: each FIFO swapchain had its frames presented and
#    none discarded but perhaps the last (a barrier keeps every frame on screen for a
#    refresh), and no swapchain lost the surface (a protocol error would break the
#    connection: a second wp_fifo_v1 for a surface is one). With --hidden-window (the app
#    minimises its window) mutter may discard frames: the protocol lets a compositor
#    ignore the barrier of a surface it does not show, and the layer's timer paces them.
#    --expect-pacing frame-callback: with VENUS_WSI_WAYLAND_FIFO=off the layer must not
#    use the barriers even here (the same checks otherwise).
# APP_TIMEOUT (seconds, default 150) bounds the app.
set -u
src=${1:?usage: check_wayland_fifo.sh SOURCE_DIR [--hidden-window] -- APP ARGS...}
shift
hidden=0 pacing=fifo-barrier
while [ $# -gt 0 ]; do
   case $1 in
   --hidden-window) hidden=1 ;;
   --expect-pacing) [ $# -ge 2 ] || { echo "check_wayland_fifo.sh: --expect-pacing NAME"; exit 2; }
      pacing=$2; shift ;;
   --) shift; break ;;
   *) echo "check_wayland_fifo.sh: unknown option $1"; exit 2 ;;
   esac
   shift
done
[ $# -ge 1 ] || { echo "usage: check_wayland_fifo.sh SOURCE_DIR -- APP ARGS..."; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
vm=$src/tools/vm

TEST_LD_PRELOAD=${TEST_LD_PRELOAD:-${LD_PRELOAD:-}}
unset LD_PRELOAD
. "$here/proc_lib.sh"

tmp=$(mktemp -d /tmp/vw-wayland-fifo.XXXXXX)
APP_PID= MUTTER_PID=
mutter_stop() {
   [ -n "$MUTTER_PID" ] || return 0
   # Its own session: dbus-run-session, the bus and mutter go together.
   kill -TERM -- "-$MUTTER_PID" 2>/dev/null
   local i
   for i in $(seq 1 30); do
      kill -0 "$MUTTER_PID" 2>/dev/null || break
      sleep 0.1
   done
   kill -KILL -- "-$MUTTER_PID" 2>/dev/null
   wait "$MUTTER_PID" 2>/dev/null
   MUTTER_PID=
}
mutter_log_tail() { echo "--- mutter log (tail) ---"; tail -n 25 "$tmp/mutter.log"; }
cleanup() {
   stop_timed "$APP_PID"
   mutter_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$vm/build-venus-host" ||
   { echo "FAIL: no Debian 13 host tree (tools/vm/build-venus-host)"; exit 1; }
root=${VENUS_WSI_VM_CACHE:-$HOME/.cache/venus-wsi}/venus-host

export XDG_RUNTIME_DIR=$tmp/runtime WAYLAND_DISPLAY=vw-fifo
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# llvmpipe draws mutter's frames (no GPU here); 60 Hz is the virtual monitor's refresh.
setsid "$vm/chroot-run" --root "$root" --bind "$XDG_RUNTIME_DIR:/run/vw-runtime" \
   --env XDG_RUNTIME_DIR=/run/vw-runtime --env LIBGL_ALWAYS_SOFTWARE=1 -- \
   dbus-run-session -- mutter --headless --wayland --no-x11 --virtual-monitor 1280x720 \
   --wayland-display "$WAYLAND_DISPLAY" >"$tmp/mutter.log" 2>&1 </dev/null &
MUTTER_PID=$!
ready=0
for i in $(seq 1 300); do   # 30 s: a first start reads the tree from a cold page cache
   if [ -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" ] &&
      timeout 5 wayland-info >"$tmp/wayland-info.txt" 2>&1 &&
      grep -q xdg_wm_base "$tmp/wayland-info.txt"; then
      ready=1; break
   fi
   kill -0 "$MUTTER_PID" 2>/dev/null || break
   sleep 0.1
done
if [ $ready -eq 0 ]; then
   echo "FAIL: mutter did not come up with a Wayland socket in 30 s"; mutter_log_tail; exit 1
fi
version=$(chroot "$root" dpkg-query -W -f '${Version}' mutter 2>/dev/null)
echo "mutter $version headless 1280x720 on $WAYLAND_DISPLAY"
if ! grep -q "wp_fifo_manager_v1" "$tmp/wayland-info.txt"; then
   echo "FAIL: mutter lists no wp_fifo_manager_v1"; mutter_log_tail; exit 1
fi
echo "the compositor offers wp_fifo_manager_v1"

export VENUS_WSI_STATS_FILE=$tmp/stats
export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
run_window_app "" "$@" --no-screen-check --expect-method shm
status=$APP_STATUS
[ $status -eq 0 ] && { expect_method_line "$tmp/stderr" wayland shm || status=1; }

# present_mode: FIFO 2, FIFO_RELAXED 3, FIFO_LATEST_READY 1000361000.
if [ $status -eq 0 ]; then
   awk -v hidden=$hidden -v pacing="$pacing" '
      / event=create/ {
         fifo = / present_mode=(2|3|1000361000) /
         # FIFO_RELAXED frames carry no barrier: callbacks alone pace them.
         want = / present_mode=3 / ? "frame-callback" : pacing
         if (fifo) {
            nfifo++
            if (index($0, " pacing=" want " ") == 0) {
               print "FAIL: a FIFO swapchain not paced by " want ": " $0; bad = 1
            }
         } else if ($0 !~ / pacing=when-ready /) {
            print "FAIL: unexpected pacing: " $0; bad = 1
         }
      }
      / event=destroy/ && / present_mode=2 / {
         match($0, /presents=[0-9]+/); presents = substr($0, RSTART + 9, RLENGTH - 9) + 0
         match($0, /display_presented=[0-9]+/); shown = substr($0, RSTART + 18, RLENGTH - 18) + 0
         match($0, /display_discarded=[0-9]+/); gone = substr($0, RSTART + 18, RLENGTH - 18) + 0
         printf "FIFO swapchain: %d presents, mutter presented %d, discarded %d\n",
            presents, shown, gone
         nd++
         if (!hidden && presents > 0 && (shown < 1 || gone > 1)) {
            print "FAIL: FIFO frames discarded: " $0; bad = 1
         }
      }
      END {
         if (nfifo == 0 || nd == 0) { print "FAIL: no FIFO swapchain in the statistics"; bad = 1 }
         else printf "%d FIFO swapchain(s) paced by %s\n", nfifo, pacing
         exit bad
      }' "$tmp/stats" || status=1
fi
if [ $status -ne 0 ]; then
   echo "--- statistics ---"; cat "$tmp/stats" 2>/dev/null
   mutter_log_tail
fi
exit $status

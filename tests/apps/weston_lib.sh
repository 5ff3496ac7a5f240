# Sourced by check_wayland.sh and check_vkcube_wayland.sh: a private headless weston for one
# test (pixman renderer: nothing is drawn without it; --debug: screenshots need it).
#   weston_start [WIDTH HEIGHT]   starts it, exports XDG_RUNTIME_DIR and WAYLAND_DISPLAY,
#                                 sets WESTON_PID and WESTON_LOG
#   weston_stop                   stops it (bounded), idempotent
#   weston_log_tail               the end of its log, for failures
#   weston_shoot NAME             a screenshot (weston-screenshooter) as $tmp/NAME.png
#   weston_window                 prints X,Y,W,H,SW,SH of the first app window (check-vkcube's
#                                 --window), from weston's scene graph
# The caller must have set $tmp (a private directory) and call weston_stop from its EXIT trap.

# As for Xvfb: the sanitizer runtime in LD_PRELOAD is for the program under test only.
TEST_LD_PRELOAD=${TEST_LD_PRELOAD:-${LD_PRELOAD:-}}
unset LD_PRELOAD

. "$(dirname "${BASH_SOURCE[0]}")/proc_lib.sh"

WESTON_PID=
WESTON_LOG=

weston_start() {
   local width=${1:-1280} height=${2:-720}
   export XDG_RUNTIME_DIR=$tmp/runtime
   mkdir -p "$XDG_RUNTIME_DIR"
   chmod 700 "$XDG_RUNTIME_DIR"
   export WAYLAND_DISPLAY=vw-test-wayland
   WESTON_LOG=$tmp/weston.log
   # Black, no panel, nothing that moves or locks: the screenshots show only the app.
   cat >"$tmp/weston.ini" <<'INI'
[core]
idle-time=0
[shell]
background-color=0xff000000
panel-position=none
locking=false
animation=none
startup-animation=none
close-animation=none
INI
   weston --backend=headless-backend.so --use-pixman --socket="$WAYLAND_DISPLAY" \
      --width="$width" --height="$height" --idle-time=0 --debug --config="$tmp/weston.ini" \
      >"$WESTON_LOG" 2>&1 </dev/null &
   WESTON_PID=$!
   local i
   for i in $(seq 1 100); do   # 10 s
      [ -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" ] && break
      if ! kill -0 "$WESTON_PID" 2>/dev/null; then
         echo "weston exited before it was ready"; weston_log_tail; WESTON_PID=; return 1
      fi
      sleep 0.1
   done
   if [ ! -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" ]; then
      echo "weston made no socket in 10 s"; weston_log_tail; return 1
   fi
   # The socket exists before the shell is loaded: wait until a client gets the globals.
   for i in $(seq 1 50); do
      timeout 5 wayland-info >"$tmp/wayland-info.txt" 2>&1 && grep -q xdg_wm_base "$tmp/wayland-info.txt" && break
      sleep 0.1
   done
   echo "weston ${width}x${height} on $WAYLAND_DISPLAY (pid $WESTON_PID)"
}

weston_stop() {
   [ -n "$WESTON_PID" ] || return 0
   kill -TERM "$WESTON_PID" 2>/dev/null
   local i
   for i in $(seq 1 30); do
      kill -0 "$WESTON_PID" 2>/dev/null || break
      sleep 0.1
   done
   kill -KILL "$WESTON_PID" 2>/dev/null
   wait "$WESTON_PID" 2>/dev/null
   WESTON_PID=
}

weston_log_tail() {
   [ -n "$WESTON_LOG" ] && [ -f "$WESTON_LOG" ] && { echo "--- weston log (tail) ---"; tail -n 25 "$WESTON_LOG"; }
}

weston_shoot() {
   mkdir -p "$tmp/shot-$1"
   (cd "$tmp/shot-$1" && timeout 15 weston-screenshooter >/dev/null 2>&1) &&
      mv "$tmp/shot-$1"/*.png "$tmp/$1.png" 2>/dev/null
}

# Where weston put the window, from its own scene graph (the debug protocol, on with --debug):
# finding it by its pixels fails when the window shows the background, as weston-simple-egl's
# cleared-to-transparent one does with its triangle edge-on.
weston_window() {
   timeout 5 weston-debug scene-graph 2>/dev/null | awk '
      /^Output 0/ { out = 1 }
      out && /position:/ && !sw { gsub(/[(),]/, " "); sw = $5 - $2; sh = $6 - $3 }
      /role xdg_toplevel/ { view = 1; next }
      view && /position:/ {
         gsub(/[(),]/, " "); printf "%d,%d,%d,%d,%d,%d\n", $2, $3, $5 - $2, $6 - $3, sw, sh; exit
      }'
}

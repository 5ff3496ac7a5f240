#!/bin/sh
# Files the user names (VENUS_WSI_DUMP_DIR, VENUS_WSI_STATS_FILE) and bad values: no write
# through a planted symlink, no hang on a planted FIFO, failures reported (once, with a
# count, when they repeat every frame), and a line for every value not understood.
#   check_bad_files.sh BUILD_DIR DEMO MOCK_DRM_PRELOAD
set -u
build=$1 demo=$2 mock=$3
unset VK_INSTANCE_LAYERS VENUS_WSI_DEBUG VENUS_WSI_HIDE VK_ADD_LAYER_PATH
export XDG_DATA_DIRS="$build/share:/usr/share" VENUS_WSI=force
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
run_demo() { # log, frames, extra env...
   log=$1 frames=$2; shift 2
   env "$@" timeout -k 5 60 "$demo" --frames "$frames" --size 64x48 > "$log" 2>&1
   status=$?
   [ $status -eq 124 ] || [ $status -eq 137 ] && fail "the demo hung (${*})"
   return $status
}

# 1. Symlinks and FIFOs planted where dumps go (the old temporary names and final names).
dumps=$work/dumps
mkdir "$dumps"
echo "precious" > "$work/victim"
echo "precious" > "$work/victim2"
ln -s "$work/victim" "$dumps/sc0-frame000000.png.tmp"
ln -s "$work/victim" "$dumps/sc0-frame000001.png.tmp"
ln -s "$work/victim2" "$dumps/sc0-frame000002.png"
mkfifo "$dumps/sc0-frame000003.png.tmp" "$dumps/sc0-frame000004.png"
run_demo "$work/dump.log" 10 VENUS_WSI_DUMP_DIR="$dumps" || fail "demo with planted dump files: status $status"
[ "$(cat "$work/victim")" = precious ] || fail "a dump was written through a planted symlink"
[ "$(cat "$work/victim2")" = precious ] || fail "a dump was written through a planted final-name symlink"
for n in 2 4 5; do
   f="$dumps/sc0-frame00000$n.png"
   if [ ! -f "$f" ] || [ -L "$f" ] || ! head -c 4 "$f" | grep -q PNG; then
      fail "$f is not the dumped PNG"
   fi
done
leftover=$(find "$dumps" -name '*.tmp' ! -name 'sc0-frame00000[013].png.tmp' | wc -l)
[ "$leftover" -eq 0 ] || fail "$leftover temporary dump files left behind"

# 2. A dump directory that cannot be written: one line and a count, not one per frame.
run_demo "$work/nodir.log" 60 VENUS_WSI_DUMP_DIR=/dev/null/frames || fail "demo with an unwritable dump dir: status $status"
lines=$(grep -c 'cannot write frame dump' "$work/nodir.log")
[ "$lines" -eq 1 ] || fail "unwritable dump dir: $lines error lines for 60 frames (want 1)"

# 3. Stats: a full device, a planted symlink, a FIFO nobody reads.
run_demo "$work/full.log" 5 VENUS_WSI_STATS_FILE=/dev/full
grep -q 'VENUS_WSI_STATS_FILE=/dev/full: cannot append: No space left on device' "$work/full.log" ||
   fail "a write error on the stats file vanished"
ln -s "$work/victim" "$work/stats-link"
run_demo "$work/link.log" 5 VENUS_WSI_STATS_FILE="$work/stats-link"
[ "$(cat "$work/victim")" = precious ] || fail "stats appended through a symlink"
grep -q 'VENUS_WSI_STATS_FILE=.*cannot open' "$work/link.log" || fail "a refused stats symlink was not reported"
mkfifo "$work/stats-fifo"
run_demo "$work/fifo.log" 5 VENUS_WSI_STATS_FILE="$work/stats-fifo"
grep -q 'VENUS_WSI_STATS_FILE=.*cannot open' "$work/fifo.log" || fail "a stats FIFO without reader was not reported"
run_demo "$work/stats.log" 5 VENUS_WSI_STATS_FILE="$work/stats.txt" || fail "demo with a stats file: status $status"
grep -q '^swapchain=0 backend=headless' "$work/stats.txt" || fail "no stats line appended"

# 4. Values not understood: one line each, with nothing else set.
run_demo "$work/values.log" 5 VENUS_WSI=" force" VENUS_WSI_HEADLESS_HZ=fast VENUS_WSI_PATH=teleport || fail "demo with bad values: status $status"
grep -q "VENUS_WSI_HEADLESS_HZ='fast' is not a whole number from 0 to 1000; using 0" "$work/values.log" ||
   fail "no line for VENUS_WSI_HEADLESS_HZ=fast"
grep -q "VENUS_WSI_PATH='teleport' is not understood; using auto" "$work/values.log" ||
   fail "no line for VENUS_WSI_PATH=teleport"
grep -q "on the layer's headless surface" "$work/values.log" || fail "' force' did not mean force"

# 5. A forced scanout path that fails says that nothing else is tried (it said "trying the
#    next"): one dumb-buffer allocation refused by the mock display.
VW_MOCK_DRM_FAULTS=dumb_enomem:1 LD_PRELOAD="$mock" VENUS_WSI_DEBUG=1 VENUS_WSI_PATH=copy \
   timeout -k 5 60 "$demo" --display --frames 5 > "$work/forced.log" 2>&1
grep -q 'VENUS_WSI_PATH=D/copy failed (-2); no other path is tried' "$work/forced.log" ||
   fail "a failed forced path is not reported as such"
grep -q 'trying the next' "$work/forced.log" && fail "a failed forced path claims another is tried"

for f in "$work"/*.log; do echo "== $f"; cat "$f"; done
exit $failed

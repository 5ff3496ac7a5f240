#!/bin/bash
# kmscube reference scenario, guest side: kmscube draws its spinning cube on
# card0 (GLES on llvmpipe via GBM, legacy KMS page flips); two screendumps are
# taken while it runs; it must still be running after them.
set -euo pipefail
log=/job/kmscube.log
# kmscube's legacy-KMS loop quits as soon as stdin is readable (/dev/null
# always is): give it a FIFO opened read-write, which never is.
mkfifo /tmp/kmscube.stdin
exec 7<>/tmp/kmscube.stdin
stdbuf -oL -eL kmscube -D /dev/dri/card0 <&7 >"$log" 2>&1 &
pid=$!
# Wait until it has rendered frames (it prints a line every ~2 s), then shoot.
for _ in $(seq 120); do
	grep -q '^Rendered [1-9]' "$log" && break
	kill -0 "$pid" 2>/dev/null || { echo "kmscube exited early:"; cat "$log"; exit 1; }
	sleep 0.5
done
grep -q '^Rendered [1-9]' "$log" || { echo "kmscube rendered no frame in 60 s:"; cat "$log"; exit 1; }
frames() { grep '^Rendered' "$log" | tail -n1 | awk '{print $2}'; }
n1=$(frames)
vm-screendump kmscube-1
# Wait until kmscube reports more frames than before the first shot.
for _ in $(seq 60); do
	[ "$(frames)" -gt "$((n1 + 1))" ] && break
	sleep 0.5
done
vm-screendump kmscube-2
echo "frames reported before shot 1: $n1, before shot 2: $(frames)"
if ! kill -0 "$pid" 2>/dev/null; then
	echo "kmscube died during the screendumps:"
	cat "$log"
	exit 1
fi
kill -TERM "$pid"
wait "$pid" || true
echo "kmscube ran and was stopped after two screendumps"

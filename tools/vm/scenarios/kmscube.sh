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
kmscube -D /dev/dri/card0 <&7 >"$log" 2>&1 &
pid=$!
# Wait until it has a mode set and renders, then let it draw a little.
for _ in $(seq 120); do
	grep -q '^Using modifier' "$log" && break
	kill -0 "$pid" 2>/dev/null || { echo "kmscube exited early:"; cat "$log"; exit 1; }
	sleep 0.5
done
grep -q '^Using modifier' "$log" || { echo "kmscube did not start rendering in 60 s"; exit 1; }
sleep 3
vm-screendump kmscube-1
sleep 1.5
vm-screendump kmscube-2
if ! kill -0 "$pid" 2>/dev/null; then
	echo "kmscube died during the screendumps:"
	cat "$log"
	exit 1
fi
kill -TERM "$pid"
wait "$pid" || true
echo "kmscube ran and was stopped after two screendumps"

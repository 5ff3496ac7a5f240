# Shared helpers for the tools/vm scripts. Source it, do not run it.
# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this

VM_TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_REPO_DIR=$(cd "$VM_TOOLS_DIR/../.." && pwd)
VM_CACHE=${VENUS_WSI_VM_CACHE:-${HOME:-/root}/.cache/venus-wsi}
# The guest's architecture: amd64 (default) or arm64 (VENUS_WSI_VM_ARCH; aarch64 and
# x86_64 are accepted too). Everything per guest (tree, project build, install list, logs)
# gets a suffix on arm64, so both guests live side by side in one cache; the .deb cache is
# shared (file names carry the architecture).
case ${VENUS_WSI_VM_ARCH:-amd64} in
amd64|x86_64) VM_ARCH=amd64 VM_SUFFIX="" VM_MULTIARCH=x86_64-linux-gnu ;;
arm64|aarch64) VM_ARCH=arm64 VM_SUFFIX=-arm64 VM_MULTIARCH=aarch64-linux-gnu ;;
*) printf 'vm: error: VENUS_WSI_VM_ARCH=%s: use amd64 or arm64\n' "$VENUS_WSI_VM_ARCH" >&2; exit 1 ;;
esac
export VENUS_WSI_VM_ARCH=$VM_ARCH # the scripts this one runs see the same guest
VM_ROOT=$VM_CACHE/rootfs$VM_SUFFIX # the finished guest tree (plain Debian 13 root)
VM_DEBS=$VM_CACHE/debs            # downloaded .deb files, kept across rebuilds
VM_LOGS=$VM_CACHE/logs            # one log per script run
VM_STAMP_NAME=.venus-wsi-vm-stamp # inside the tree, written last

vm_log() { printf '%s vm: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
vm_die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }

vm_need_root() {
	[ "$(id -u)" = 0 ] || vm_die "$(basename "$0") must run as root (debootstrap, chroot, mounts)"
}

vm_need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			vm_die "'$c' not found; install it (e.g. apt-get install debootstrap qemu-system-x86 qemu-utils)"
	done
}

# Send this script's stdout+stderr to the terminal and to $VM_LOGS/<name>.log.
vm_log_to() {
	mkdir -p "$VM_LOGS"
	VM_LOGFILE=$VM_LOGS/$1.log
	: >"$VM_LOGFILE"
	exec > >(tee -a "$VM_LOGFILE") 2>&1
	vm_log "logging to $VM_LOGFILE"
}

# The Debian mirror: $VENUS_WSI_VM_MIRROR, else the host's apt source (no built-in default:
# the repository names no mirror).
vm_mirror() {
	if [ -n "${VENUS_WSI_VM_MIRROR:-}" ]; then
		echo "$VENUS_WSI_VM_MIRROR"
		return
	fi
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
		grep -Eo '(https?://[^ ]+/debian)/?( |$)' | grep -v -- '-security' | head -n1 | tr -d ' ' || true)
	if [ -z "$m" ]; then
		echo "vm: no Debian mirror in the host's apt sources; set VENUS_WSI_VM_MIRROR" >&2
		return 1
	fi
	echo "${m%/}"
}

# Is a complete guest tree in place?
vm_tree_ready() {
	[ -f "$VM_ROOT/$VM_STAMP_NAME" ]
}

# Fail if anything is still mounted at or below $1 (never rm -rf through a mount).
vm_assert_unmounted() {
	local p
	p=$(readlink -f "$1")
	if awk -v p="$p" '$2 == p || index($2, p "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		vm_die "something is still mounted below $p; unmount it first (grep '$p' /proc/mounts)"
	fi
}

# Print the comment block at the top of the calling script (its usage text).
vm_usage() {
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

# The Venus host tree: a Debian 13 root with QEMU 10 (virtio-gpu-gl, Venus),
# virglrenderer + virgl_render_server, host lavapipe and Xvfb (tools/vm/build-venus-host).
VM_VENUS_HOST=$VM_CACHE/venus-host

# Retry a command up to ${VENUS_WSI_VM_ATTEMPTS:-3} times; $1 is a label for the log.
vm_retry() {
	local label=$1 n=1 attempts=${VENUS_WSI_VM_ATTEMPTS:-3}
	shift
	until "$@"; do
		if [ $n -ge "$attempts" ]; then
			vm_log "$label failed $n times, giving up"
			return 1
		fi
		vm_log "$label failed (attempt $n/$attempts), retrying in $((n * 10)) s"
		sleep $((n * 10))
		n=$((n + 1))
	done
}

# A foreign guest tree (arm64 on an x86_64 host) runs under qemu-user: chroot needs the
# kernel's binfmt_misc to hand aarch64 ELF files to qemu-aarch64-static, registered with
# the F flag (the interpreter is opened at registration, so it works inside the chroot).
# binfmt_misc is not mounted by default here; mount it and register qemu-user-static's own
# entry (its /usr/lib/binfmt.d file, as systemd-binfmt or binfmt-support would) if missing.
vm_need_binfmt() {
	local host entry conf=/usr/lib/binfmt.d/qemu-aarch64.conf
	host=$(uname -m)
	[ "$VM_ARCH" = arm64 ] && [ "$host" != aarch64 ] || return 0
	entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
	if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
			vm_die "cannot mount binfmt_misc at /proc/sys/fs/binfmt_misc (needed to chroot into the arm64 tree)"
	fi
	if [ ! -e "$entry" ]; then
		[ -f "$conf" ] || vm_die "no $conf: install qemu-user-static (tools/vm/install-host-deps)"
		vm_log "registering qemu-aarch64 with binfmt_misc ($conf)"
		grep -v '^#' "$conf" | grep . | head -n1 >/proc/sys/fs/binfmt_misc/register ||
			[ -e "$entry" ] || vm_die "could not register qemu-aarch64 with binfmt_misc"
	fi
	grep -qx enabled "$entry" || echo 1 >"$entry"
	grep -q '^flags:.*F' "$entry" ||
		vm_die "qemu-aarch64 is registered without the F flag ($entry): chroot cannot find its interpreter; re-register it from $conf"
}

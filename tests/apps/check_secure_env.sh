#!/bin/sh
# A set-user-ID program must not take VENUS_WSI_* from an unprivileged caller: the layer
# would otherwise append to any file, create directories and open any device on their say.
#   check_secure_env.sh SECURE_ENV_TEST
set -u
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
   echo "needs root and setpriv to make a set-user-ID copy"; exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
cp "$1" "$dir/secure-env-test"
chown root:root "$dir/secure-env-test"
run_as_nobody() {
   env VENUS_WSI=force VENUS_WSI_DUMP_DIR=/root/dumps VENUS_WSI_STATS_FILE=/etc/stats \
      VENUS_WSI_DRM_DEVICE=/dev/dri/card7 \
      setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/secure-env-test" 2>&1
}
failed=0
chmod 755 "$dir/secure-env-test"
plain=$(run_as_nobody)
echo "plain: $plain"
echo "$plain" | grep -q '^dump_dir=/root/dumps$' || { echo "FAIL: a plain program ignored its settings"; failed=1; }
chmod 4755 "$dir/secure-env-test"
setuid=$(run_as_nobody)
echo "set-user-ID: $setuid"
for want in 'mode=auto' 'dump_dir=' 'stats_file=' 'drm_device='; do
   echo "$setuid" | grep -qx "$want" || { echo "FAIL: set-user-ID run lacks '$want'"; failed=1; }
done
echo "$setuid" | grep -q 'settings are ignored' || { echo "FAIL: no line saying the settings are ignored"; failed=1; }
exit $failed

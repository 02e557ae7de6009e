#!/usr/bin/env bash
# `make test` on a minimal Debian 12 that has only git, make and python3: the README's promise
# that its two commands do all the set-up. Builds the root with debootstrap, clones the committed
# project into it and runs `make test` there as root, as a new user would on a fresh machine.
# Usage: tools/test-fresh.sh [ROOT]   (default /var/tmp/podium-fresh; made anew every run)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-/var/tmp/podium-fresh}
suite=bookworm

if [ "$(id -u)" != 0 ]; then
	echo "test-fresh needs root (debootstrap and chroot)." >&2
	exit 1
fi
if ! command -v debootstrap >/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
fi

# The mirror this machine's apt already uses: the fresh root reaches what this machine reaches.
mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "'"$suite"'" {print $2; exit}' /etc/apt/sources.list)
[ -n "$mirror" ] || { echo "no Debian mirror found in this machine's apt sources" >&2; exit 1; }

unmount_all() {
	# Also whatever the tests mounted inside (ip netns add mounts run/netns), deepest first.
	grep -o " $root/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do
		umount -l "$m" || true
	done
	for m in dev/shm dev/pts dev sys proc; do
		mountpoint -q "$root/$m" && umount -l "$root/$m" || true
	done
}
trap unmount_all EXIT

unmount_all
rm -rf "$root"
echo "debootstrap $suite (minbase + git, make, python3) into $root"
debootstrap --variant=minbase --include=git,make,python3 "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
	{ tail -n 20 "$root.debootstrap.log" >&2; exit 1; }

# Machine set-up, not project set-up: the same apt sources, name resolution and any extra
# certificate authorities this machine's network needs, so apt and pip work as they do here.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
	cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/"
	rm -f "$root/etc/apt/sources.list"
fi
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/podium-host-ca.crt"
env_pass=(PIP_CERT=/etc/podium-host-ca.crt REQUESTS_CA_BUNDLE=/etc/podium-host-ca.crt
	SSL_CERT_FILE=/etc/podium-host-ca.crt)

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts"
mount -t tmpfs tmpfs "$root/dev/shm"

git clone -q "$here" "$root/root/podium"
echo "make test in the fresh root ($(git -C "$here" rev-parse --short HEAD))"
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${env_pass[@]}" \
	bash -c 'cd /root/podium && make test'

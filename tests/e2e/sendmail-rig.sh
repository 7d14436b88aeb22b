#!/bin/bash
# sendmail-rig.sh - fetch Debian's Sendmail without installing it (Postfix
# and Sendmail cannot both be installed), for the end-to-end tests.
#
#   tests/e2e/sendmail-rig.sh [DIR]    default: $ESC_SENDMAIL_ROOT or
#                                      ~/.cache/esc-milter/sendmail
# Needs apt-get (download only) and m4, libwrap0, liblockfile1 installed.
set -eu
dir=${1:-${ESC_SENDMAIL_ROOT:-$HOME/.cache/esc-milter/sendmail}}
if [ -x "$dir/usr/libexec/sendmail/sendmail" ]; then
	echo "sendmail rig: already in $dir"
	exit 0
fi
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download sendmail-bin sendmail-base sendmail-cf >/dev/null 2>&1
for p in sendmail-bin sendmail-base sendmail-cf; do
	# No set-uid or set-gid bits: the tests run it as root anyway.
	dpkg-deb --fsys-tarfile "$p"_*.deb | tar -x --no-same-permissions -C "$dir"
done
echo "sendmail rig: ready in $dir"

#!/usr/bin/env bash
# Installs everything the program and its tests need on a fresh Debian machine:
# the Debian packages of the real servers the tests start, and the npm packages.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql, promtool (prometheus), shellcheck (run by actionlint), etcd (local control plane), curl, openssl;
# containerd, runc, the CNI plugins, iptables, iproute2 and debootstrap for the local node and its images;
# python3 and python3-venv hold the pinned PyPI tools: the local S3 server (scripts/services/s3.sh)
# and the aws-cli image's install (scripts/images/aws-cli).
debian_packages=(postgresql prometheus git shellcheck etcd-server curl openssl containerd runc containernetworking-plugins iptables iproute2 debootstrap python3 python3-venv)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --ignore-scripts: @pulumi/kubernetes's install script would try to download a plugin binary.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund
fi
# The project's patches to its dependencies (patches/, see its README), applied at every set-up:
# --ignore-scripts skips the postinstall that applies them, and applying them again changes nothing.
npx patch-package --error-on-fail
echo "setup: done"

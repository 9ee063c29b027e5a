#!/usr/bin/env bash
# The shared base root filesystem of the kafka, neo4j, postgres, wiring-probe,
# maintenance-page and aws-cli images: Debian 12 minbase plus every runtime those
# images need, with the users the pod security contexts and the official
# images' contracts expect. One layer, so containerd stores it once.
#
#   base/rootfs.sh ROOT     # ROOT must not exist; needs root, debootstrap, a Debian mirror
set -euo pipefail

ROOT="$1"
SUITE=bookworm
MIRROR="${KG_RCA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${KG_RCA_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
# Runtimes of the images (node's own binary comes from the host, it needs libstdc++6;
# python3 runs the aws-cli image's venv).
PACKAGES=(
  bash ca-certificates procps tini libstdc++6
  openjdk-17-jre-headless
  postgresql-15 postgresql-client-15
  nginx-light
  python3
)

[ ! -e "$ROOT" ] || { echo "base: $ROOT already exists" >&2; exit 1; }

debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR"

# The stable suite alone would miss point-release and security fixes.
rm -f "$ROOT/etc/apt/sources.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

# Documentation, manuals and translations are never read in a container.
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/01-kg-rca-nodoc" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
DPKG
cat >"$ROOT/etc/apt/apt.conf.d/01-kg-rca" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "5";
APT

# Runs inside the chroot, in a private mount namespace whose /proc and /dev
# mounts vanish with it (the JRE's postinst runs java, which needs /proc).
in_root() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  unshare --mount --propagation private -- bash -euo pipefail -c '
    root="$1"; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/tmp"
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
  ' in_root "$ROOT" "$@"
}

# The uids of the official images, which the pods' securityContexts set:
# nginx 101, postgres 999, Kafka's appuser 1000, neo4j 7474. Created before
# the packages so that their maintainer scripts find them and allocate nothing.
in_root bash -euo pipefail -c '
  groupadd --system --gid 101 nginx
  useradd --system --uid 101 --gid 101 --home-dir /nonexistent --no-create-home --shell /bin/false --comment "nginx user" nginx
  groupadd --system --gid 999 postgres
  useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash --comment "PostgreSQL administrator" postgres
  groupadd --gid 1000 appuser
  useradd --uid 1000 --gid 1000 --home-dir /home/appuser --create-home --shell /bin/bash appuser
  groupadd --system --gid 7474 neo4j
  useradd --system --uid 7474 --gid 7474 --home-dir /var/lib/neo4j --no-create-home --shell /bin/bash neo4j
'

in_root apt-get update -q
in_root apt-get dist-upgrade -y -q
# No cluster at install time: the entrypoint runs initdb on the pod's volume.
in_root apt-get install -y -q postgresql-common
sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' "$ROOT/etc/postgresql-common/createcluster.conf"
in_root apt-get install -y -q "${PACKAGES[@]}"

# PostgreSQL as the official image configures it: listen on every address
# (the sample is what initdb copies), and the en_US.UTF-8 locale it defaults to.
sed -ri "s/^#?(listen_addresses)\s*=\s*\S+.*/\1 = '*'/" "$ROOT/usr/share/postgresql/15/postgresql.conf.sample"
grep -q "^listen_addresses = '\*'" "$ROOT/usr/share/postgresql/15/postgresql.conf.sample"
in_root localedef -i en_US -c -f UTF-8 en_US.UTF-8
# The compiled locale is in /usr/lib/locale; its sources are not needed at run time.
rm -rf "$ROOT/usr/share/i18n/charmaps" "$ROOT/usr/share/i18n/locales"

# Record what went in (for the README and for audits), then drop caches.
# shellcheck disable=SC2016 # dpkg-query's format, not shell
in_root dpkg-query -W -f '${Package}\t${Version}\n' >"$ROOT/etc/kg-rca-base-packages.txt"
in_root apt-get clean
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/* "$ROOT"/var/cache/debconf/*-old \
  "$ROOT"/var/log/* "$ROOT"/tmp/* "$ROOT"/var/tmp/* "$ROOT"/root/.[!.]* \
  "$ROOT"/var/lib/dpkg/*-old "$ROOT"/etc/ssh/ssh_host_* "$ROOT"/run/adduser 2>/dev/null || true
find "$ROOT/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/usr/share/locale/* "$ROOT"/usr/share/lintian
# The runtime mounts /dev and /proc; debootstrap's device nodes do not belong in a layer.
rm -rf "${ROOT:?}"/dev/* "${ROOT:?}"/proc/* "${ROOT:?}"/sys/*
# The runtime supplies these (kubelet mounts them into every container).
: >"$ROOT/etc/resolv.conf"
: >"$ROOT/etc/hostname"
rm -f "$ROOT/etc/machine-id" "$ROOT/var/lib/dbus/machine-id"
# Python's byte-code caches are rebuilt on demand and differ on every build.
find "$ROOT" -xdev -name __pycache__ -type d -prune -exec rm -rf {} +

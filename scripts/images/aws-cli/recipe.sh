# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by build.sh, which sources this file
# aws-cli: the AWS CLI v1 from PyPI (awscli and its dependencies, pinned with
# hashes in requirements.txt) in a venv at /opt/aws-cli on the base's Python,
# `aws` on PATH; runs as uid 1000 with a writable HOME (the CLI caches
# assumed-role credentials there). The backup CronJobs run `/bin/bash -c
# SCRIPT` in it (components/backups/backupJobs.ts).
REQUIREMENTS="$HERE/aws-cli/requirements.txt"
IMAGE_VERSION="$(sed -n 's/^awscli==\([^ ]*\).*/\1/p' "$REQUIREMENTS")"
IMAGE_USES_BASE=true
# requirements.txt is in the recipe folder, so a changed pin changes the key.
# The host's Python and pip write the install's metadata (RECORD, INSTALLER).
image_key_values() { /usr/bin/python3 --version; ls /usr/share/python-wheels 2>/dev/null || true; }

# A package's upstream version in the base, e.g. python3.11 -> 3.11.2, libc6 -> 2.36.
base_package_version() {
  local packages
  packages="$CACHE/layers/base-$(base_key | cut -c1-16).packages.txt"
  sed -n "s/^$1\t\([0-9.]*\)-.*/\1/p" "$packages" | head -n 1
}

# --platform values for the wheels the base's glibc runs: manylinux_2_N for
# every N up to its version and the legacy aliases (pip 23 does not expand them).
base_platforms() {
  local arch glibc minor
  arch="$(uname -m)"
  glibc="$(base_package_version libc6)"
  for minor in $(seq "${glibc#2.}" -1 5); do echo "--platform=manylinux_2_${minor}_$arch"; done
  printf -- '--platform=%s\n' "manylinux2014_$arch" "manylinux2010_$arch" "manylinux1_$arch"
}

image_stage() {
  local stage="$1" version minor
  version="$(base_package_version 'python3\.[0-9]*')"
  [ -n "$version" ] || { echo "aws-cli: no python3 in the base's package list" >&2; return 1; }
  local -a platforms
  mapfile -t platforms < <(base_platforms)
  minor="${version%.*}"
  local layer="$stage/10-aws-cli"
  local venv="$layer/opt/aws-cli"
  local site="$venv/lib/python$minor/site-packages"
  # pip runs on the host (the build venv is outside the stage, so not in the
  # layer) and installs the wheels for the base's interpreter, not its own.
  local pip="$stage/../pip"
  /usr/bin/python3 -m venv "$pip"
  mkdir -p "$venv/bin" "$site"
  "$pip/bin/pip" install --require-hashes --only-binary=:all: --no-deps --no-cache-dir --no-compile \
    --disable-pip-version-check --target "$site" --implementation cp --python-version "$minor" \
    --abi "cp${minor/./}" "${platforms[@]}" -r "$REQUIREMENTS"

  # The venv as `python3 -m venv` lays it out, written by hand: venv's own
  # files would carry the staging path.
  printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = %s\n' "$version" >"$venv/pyvenv.cfg"
  ln -s /usr/bin/python3 "$venv/bin/python"
  ln -s python "$venv/bin/python3"
  ln -s python "$venv/bin/python$minor"
  # pip --target puts the scripts beside the packages, with the host's interpreter in their #! line.
  local script
  for script in aws aws_completer; do
    { echo "#!/opt/aws-cli/bin/python$minor"; tail -n +2 "$site/bin/$script"; } >"$venv/bin/$script"
  done
  rm -rf "${site:?}/bin"
  find "$site" -name __pycache__ -type d -prune -exec rm -rf {} +
  mkdir -p "$layer/usr/local/bin" "$layer/home/aws" "$layer/aws"
  ln -s /opt/aws-cli/bin/aws "$layer/usr/local/bin/aws"
  ln -s /opt/aws-cli/bin/aws_completer "$layer/usr/local/bin/aws_completer"
  chmod -R u=rwX,go=rX "$layer"
  chmod 0755 "$venv/bin/aws" "$venv/bin/aws_completer"
  chown -R 0:0 "$layer"
  # HOME and the working directory: the image's user 1000, and group 0 for a
  # pod that runs as another uid in the root group.
  chown 1000:0 "$layer/home/aws" "$layer/aws"
  chmod 0775 "$layer/home/aws" "$layer/aws"
}

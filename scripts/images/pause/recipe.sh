# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by build.sh, which sources this file
# pause: containerd's CRI sandbox image, one static binary of ours (pause.c).
IMAGE_VERSION=1.0
IMAGE_USES_BASE=false
image_key_values() { gcc -dumpfullversion; }
image_stage() {
  local out="$1/10-pause"
  mkdir -p "$out"
  gcc -static -Os -Wall -Wextra -Werror -Wl,--build-id=none -o "$out/pause" "$HERE/pause/pause.c"
  strip "$out/pause"
  chmod 0755 "$out" "$out/pause"
}

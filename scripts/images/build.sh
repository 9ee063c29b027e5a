#!/usr/bin/env bash
# Builds the container images of the local node from Debian packages, Maven
# Central and npm, as OCI archives that `ctr -n k8s.io images import FILE`
# loads. Each image is keyed by its content (a hash of its recipe files and
# pinned versions): a rebuild happens only when an input changed, and the tag
# carries the key, so a changed image gets a new tag and its pods roll.
#
#   scripts/images/build.sh [IMAGE...]     # default: every image
#   scripts/images/build.sh --list         # the image names
#
# Images: pause kafka neo4j postgres wiring-probe maintenance-page aws-cli (see README.md).
# Prints "NAME TAG ARCHIVE" per image and writes $CACHE/images.json
# ({"NAME": {"tag", "archive"}} for every image whose archive is current).
#
# Environment:
#   KG_RCA_IMAGE_CACHE   where archives and layers live [~/.cache/kg-rca-images]
#   KG_RCA_DEBIAN_MIRROR Debian mirror of the base [http://deb.debian.org/debian]
# Needs root (debootstrap, chroot, file ownership), debootstrap, gcc, mvn, node, npm.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${KG_RCA_IMAGE_CACHE:-$HOME/.cache/kg-rca-images}"
ALL_IMAGES=(pause kafka neo4j postgres wiring-probe maintenance-page aws-cli)
# Where every local image's name starts; nothing is ever pulled from it.
REGISTRY=kg-rca.local

# shellcheck source=scripts/images/lib/oci.sh
source "$HERE/lib/oci.sh"

log() { echo "[images] $*" >&2; }
die() { echo "[images] ERROR: $*" >&2; exit 1; }

# sha256 over files (by path relative to the repo, and content) and strings.
content_key() {
  local item
  for item in "$@"; do
    if [ -f "$item" ]; then
      printf 'file %s %s\n' "${item#"$REPO"/}" "$(sha256sum <"$item" | cut -d' ' -f1)"
    else
      printf 'value %s\n' "$item"
    fi
  done | sha256sum | cut -d' ' -f1
}

# Files every image key includes: the layer and layout code.
common_inputs() { printf '%s\n' "$HERE/lib/oci.sh" "$HERE/ociLayout.ts"; }

recipe_files() { find "$HERE/$1" -type f | LC_ALL=C sort; }

# The base layer depends on its recipe and on how layers are packed, not on the OCI layout code.
base_key() {
  local -a inputs
  mapfile -t inputs < <(echo "$HERE/lib/oci.sh"; recipe_files base)
  content_key "${inputs[@]}"
}

# Runs in a subshell with the image's recipe sourced; the recipe sets
# IMAGE_VERSION, IMAGE_USES_BASE (true/false), IMAGE_VARIANTS (config names),
# IMAGE_INPUTS (files outside its folder), and defines image_key_values and
# image_stage DIR.
image_key() {
  local name="$1"
  local -a inputs
  mapfile -t inputs < <(common_inputs; recipe_files "$name")
  inputs+=("${IMAGE_INPUTS[@]}" "version=$IMAGE_VERSION")
  # The base layer's own digest, not only its recipe: a rebuilt base (new
  # Debian updates, or a wiped cache) gives every image on it a new tag.
  "$IMAGE_USES_BASE" && inputs+=("base-layer=$(base_layer_digest)")
  while IFS= read -r value; do inputs+=("$value"); done < <(image_key_values)
  content_key "${inputs[@]}"
}

# The tag of one variant: VERSION[-VARIANT]-KEY8 (the default variant has no suffix).
variant_tag() {
  local name="$1" variant="$2" key="$3"
  if [ "$variant" = default ]; then
    echo "$REGISTRY/$name:$IMAGE_VERSION-${key:0:8}"
  else
    echo "$REGISTRY/$name:$IMAGE_VERSION-$variant-${key:0:8}"
  fi
}

archive_path() {
  local name="$1" variant="$2" key="$3"
  if [ "$variant" = default ]; then
    echo "$CACHE/archives/$name-${key:0:16}.tar"
  else
    echo "$CACHE/archives/$name-$variant-${key:0:16}.tar"
  fi
}

# "NAME TAG ARCHIVE" for each variant of an image (NAME is image or image-variant).
image_entries() {
  local name="$1" key="$2" variant
  for variant in "${IMAGE_VARIANTS[@]}"; do
    local entry="$name"
    [ "$variant" = default ] || entry="$name-$variant"
    echo "$entry $(variant_tag "$name" "$variant" "$key") $(archive_path "$name" "$variant" "$key")"
  done
}

load_recipe() {
  local name="$1"
  [ -f "$HERE/$name/recipe.sh" ] || die "unknown image \"$name\" (images: ${ALL_IMAGES[*]})"
  IMAGE_INPUTS=()
  IMAGE_VARIANTS=(default)
  # shellcheck source=/dev/null
  source "$HERE/$name/recipe.sh"
}

base_layer_record() { echo "$CACHE/layers/base-$(base_key | cut -c1-16).tar.gz.json"; }

# The digest of the cached base layer, or "none" when it is not built yet.
base_layer_digest() {
  local record
  record="$(base_layer_record)"
  if [ -f "$record" ]; then sed -n 's/.*"digest":"\(sha256:[0-9a-f]*\)".*/\1/p' "$record"; else echo none; fi
}

# The base layer, built once per base key and shared by every image on it.
ensure_base_layer() {
  local key layer
  key="$(base_key)"
  layer="$CACHE/layers/base-${key:0:16}.tar.gz"
  if [ ! -f "$layer.json" ]; then
    log "building the base root filesystem (debootstrap bookworm; a few minutes)"
    local started=$SECONDS root="$CACHE/work/base-rootfs"
    rm -rf "$root"
    mkdir -p "$CACHE/work" "$CACHE/layers" "$CACHE/logs"
    bash "$HERE/base/rootfs.sh" "$root" >"$CACHE/logs/base.log" 2>&1 ||
      { tail -n 40 "$CACHE/logs/base.log" >&2; die "base build failed (log: $CACHE/logs/base.log)"; }
    cp "$root/etc/kg-rca-base-packages.txt" "$CACHE/layers/base-${key:0:16}.packages.txt"
    oci_layer "$root" "$layer"
    rm -rf "$root"
    find "$CACHE/layers" -maxdepth 1 -name 'base-*' ! -name "base-${key:0:16}*" -delete
    log "base layer: $(du -h "$layer" | cut -f1) packed, $((SECONDS - started)) s"
  fi
  echo "$layer"
}

ts_node() { (cd "$REPO" && node_modules/.bin/ts-node --transpile-only "$@"); }

# Builds every variant archive of one image (the recipe is loaded).
build_image() {
  local name="$1" key="$2" started=$SECONDS
  local work="$CACHE/work/$name"
  rm -rf "$work"
  mkdir -p "$work/stage" "$work/layers" "$CACHE/archives" "$CACHE/logs"
  log "building $name ($IMAGE_VERSION)"

  local -a layer_records=()
  if "$IMAGE_USES_BASE"; then
    local base_layer
    base_layer="$(ensure_base_layer)"
    layer_records+=("base=$base_layer.json")
  fi
  # Each folder the recipe stages (NN-concern, in order) becomes one layer.
  # Not `(image_stage ...) || ...`: errexit is off inside a command followed
  # by ||, so a failing step of the recipe would go unnoticed.
  local status=0
  set +e
  (set -e; image_stage "$work/stage") >"$CACHE/logs/$name.log" 2>&1
  status=$?
  set -e
  [ "$status" -eq 0 ] ||
    { tail -n 40 "$CACHE/logs/$name.log" >&2; die "$name: staging failed (log: $CACHE/logs/$name.log)"; }
  local dir
  for dir in "$work/stage"/*/; do
    dir="${dir%/}"
    oci_layer "$dir" "$work/layers/$(basename "$dir").tar.gz"
    layer_records+=("$(basename "$dir")=$work/layers/$(basename "$dir").tar.gz.json")
  done

  local variant
  for variant in "${IMAGE_VARIANTS[@]}"; do
    local config="$HERE/$name/config.json" tag archive layout="$work/layout-$variant"
    [ "$variant" = default ] || config="$HERE/$name/config.$variant.json"
    tag="$(variant_tag "$name" "$variant" "$key")"
    archive="$(archive_path "$name" "$variant" "$key")"
    # shellcheck disable=SC2016 # JavaScript, not shell
    node -e '
      const fs = require("fs");
      const [layout, name, config, ...records] = process.argv.slice(1);
      const layers = records.map((record) => {
        const [concern, file] = record.split(/=(.*)/s);
        return { ...JSON.parse(fs.readFileSync(file, "utf8")), comment: `kg-rca layer: ${concern}` };
      });
      const spec = { layout, name, created: "2025-01-01T00:00:00Z", layers, config: JSON.parse(fs.readFileSync(config, "utf8")) };
      fs.writeFileSync(layout + ".spec.json", JSON.stringify(spec, null, 2));
    ' "$layout" "$tag" "$config" "${layer_records[@]}"
    ts_node scripts/images/ociLayout.ts "$layout.spec.json" >/dev/null
    oci_archive "$layout" "$archive"
    # Older archives of this image (other keys) are superseded.
    find "$CACHE/archives" -maxdepth 1 -name "$(basename "${archive%-*}")-*.tar" ! -path "$archive" -delete
  done
  rm -rf "$work"
  log "$name built in $((SECONDS - started)) s"
}

# images.json: {"NAME": {"tag": TAG, "archive": PATH}} from "NAME TAG ARCHIVE"
# lines (names, tags and paths need no JSON escaping: they are ours). Written
# only when it changes.
write_manifest() {
  local tmp="$CACHE/images.json.partial" first=true name tag archive
  {
    echo "{"
    for line in "$@"; do
      read -r name tag archive <<<"$line"
      "$first" || echo ","
      first=false
      printf '  "%s": { "tag": "%s", "archive": "%s" }' "$name" "$tag" "$archive"
    done
    printf '\n}\n'
  } >"$tmp"
  if cmp -s "$tmp" "$CACHE/images.json"; then rm -f "$tmp"; else mv "$tmp" "$CACHE/images.json"; fi
}

main() {
  if [ "${1:-}" = --list ]; then printf '%s\n' "${ALL_IMAGES[@]}"; return 0; fi
  local -a wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${ALL_IMAGES[@]}")
  local name
  for name in "${wanted[@]}"; do
    [ -f "$HERE/$name/recipe.sh" ] || die "unknown image \"$name\" (images: ${ALL_IMAGES[*]})"
  done
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  flock 9

  # Only the wanted images are built; the manifest lists every image whose
  # archive is current, built now or before.
  local -a current=()
  local entries
  for name in "${ALL_IMAGES[@]}"; do
    entries="$(
      load_recipe "$name"
      # An image's key includes its base layer's digest: build the base first.
      if "$IMAGE_USES_BASE" && [[ " ${wanted[*]} " == *" $name "* ]]; then ensure_base_layer >/dev/null; fi
      key="$(image_key "$name")"
      if [[ " ${wanted[*]} " == *" $name "* ]]; then
        missing=false
        while read -r _ _ archive; do [ -f "$archive" ] || missing=true; done < <(image_entries "$name" "$key")
        if "$missing"; then build_image "$name" "$key"; fi
      fi
      image_entries "$name" "$key"
    )"
    [[ " ${wanted[*]} " != *" $name "* ]] || echo "$entries"
    while read -r entry tag archive; do
      [ -f "$archive" ] && current+=("$entry $tag $archive")
    done <<<"$entries"
  done
  write_manifest "${current[@]}"
  log "manifest: $CACHE/images.json"
}

main "$@"

# shellcheck shell=bash
# Layer helpers shared by build.sh and the image recipes. A change here changes
# every image key (build.sh hashes this file into each key).

# Every file in a layer gets at most this mtime (2025-01-01T00:00:00Z), so a
# rebuild from the same inputs gives the same tar; files older than that (from
# Debian packages, jars) keep their own.
OCI_SOURCE_DATE_EPOCH=1735689600

# oci_layer DIR OUT: a gzip-compressed layer of DIR's contents (numeric owners
# kept, names sorted, times clamped) at OUT, and OUT.json with its digest,
# diff id (digest of the uncompressed tar) and size.
oci_layer() {
  local dir="$1" out="$2" tmp
  tmp="$out.partial"
  tar --create --directory "$dir" --sort=name --numeric-owner \
    --mtime="@$OCI_SOURCE_DATE_EPOCH" --clamp-mtime \
    --format=posix --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' \
    --file "$tmp.tar" .
  local diff_id digest size
  diff_id="$(sha256sum "$tmp.tar" | cut -d' ' -f1)"
  gzip -n -6 -c "$tmp.tar" >"$tmp"
  rm -f "$tmp.tar"
  digest="$(sha256sum "$tmp" | cut -d' ' -f1)"
  size="$(stat -c %s "$tmp")"
  mv "$tmp" "$out"
  printf '{"file":"%s","digest":"sha256:%s","diffId":"sha256:%s","size":%s}\n' "$out" "$digest" "$diff_id" "$size" >"$out.json"
}

# oci_archive LAYOUT ARCHIVE: the OCI image layout directory LAYOUT as one tar
# that `ctr images import` reads.
oci_archive() {
  local layout="$1" archive="$2"
  tar --create --directory "$layout" --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime="@$OCI_SOURCE_DATE_EPOCH" --format=ustar --file "$archive.partial" .
  mv "$archive.partial" "$archive"
}

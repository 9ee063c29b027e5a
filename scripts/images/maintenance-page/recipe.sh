# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by build.sh, which sources this file
# maintenance-page: Debian's nginx (in the base) configured as the official
# nginx image: /etc/nginx/conf.d/*.conf, /usr/share/nginx/html, workers as
# nginx (101), logs to stdout/stderr, `nginx -g 'daemon off;'`.
IMAGE_VERSION=1.22
IMAGE_USES_BASE=true
image_key_values() { :; }

image_stage() {
  local layer="$1/10-nginx"
  mkdir -p "$layer/etc/nginx/conf.d" "$layer/usr/share/nginx/html" "$layer/var/cache/nginx"
  install -m 0644 "$HERE/maintenance-page/nginx.conf" "$layer/etc/nginx/nginx.conf"
  install -m 0644 "$HERE/maintenance-page/conf.d/default.conf" "$layer/etc/nginx/conf.d/default.conf"
  install -m 0644 "$HERE/maintenance-page/html/index.html" "$HERE/maintenance-page/html/50x.html" "$layer/usr/share/nginx/html/"
  local temp
  for temp in client_temp proxy_temp fastcgi_temp uwsgi_temp scgi_temp; do mkdir -p "$layer/var/cache/nginx/$temp"; done
  chmod -R u=rwX,go=rX "$layer"
  chown -R 101:0 "$layer/var/cache/nginx"
}

# shellcheck shell=bash
# Loopback probes without extra tools (curl is used when present). Sourced by scripts/services and
# scripts/run; defines functions only.

# True when something accepts TCP connections on 127.0.0.1:$1. A closed loopback port refuses at
# once; the timeout only guards against a listener that never completes the handshake.
shipsec_port_open() {
  # shellcheck disable=SC2016 # $1 is meant for the inner bash, which gets the port as an argument.
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# Prints the HTTP status code of GET $1 (an http://host:port/path URL), or 000 when nothing answers.
shipsec_http_status() {
  local url="$1" code=""
  if command -v curl >/dev/null; then
    code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$url" 2>/dev/null || true)"
  else
    local rest="${url#http://}"
    local authority="${rest%%/*}"
    local path="/"
    if [[ $rest == */* ]]; then
      path="/${rest#*/}"
    fi
    # shellcheck disable=SC2016 # the inner bash expands its own positional arguments.
    code="$(timeout 5 bash -c '
      exec 3<>"/dev/tcp/${1%:*}/${1##*:}" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3
      IFS=" " read -r _ status _ <&3 && printf "%s" "$status"' _ "$authority" "$path" 2>/dev/null || true)"
  fi
  printf '%s' "${code:-000}"
}

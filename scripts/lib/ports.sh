# shellcheck shell=bash
# Loopback ports for the local servers (scripts/services/*.sh, scripts/toolchain/local-cluster.sh).
# free_port calls die(), which the sourcing script defines.

# port_open PORT: something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port [TAKEN...]: a port nothing listens on, other than the TAKEN ones.
# Picked below the ephemeral range (32768-60999), where outgoing connections
# take their local ports and can grab a picked port before the server binds
# it; the same band as test/support/freePort.ts, clear of NodePorts.
free_port() {
  local port tries=0
  while [ $((tries += 1)) -le 50 ]; do
    port=$((20000 + RANDOM % 10000))
    case " $* " in *" $port "*) continue ;; esac
    port_open "$port" || { echo "$port"; return 0; }
  done
  die "no free port in 20000-29999 after 50 tries"
}

#!/usr/bin/env bash
# daemon_lab.sh: a lab whose target runs REAL Debian daemons, for service identification (-sV) and
# UDP scanning. Without systemd: this script writes each daemon's configuration and starts it.
#
#   daemon_lab.sh install                    install the missing packages, make the database templates
#   daemon_lab.sh up     [--name N]          build lab N (installing what is missing), start every daemon
#   daemon_lab.sh down   [--name N]          stop the daemons, tear lab N down; always exits 0
#   daemon_lab.sh status [--name N]          each daemon and port; exit 0 if all are up, 1 if not
#
# The namespaces are scripts/netlab.sh's (N-scan 198.18.0.1, N-tgt 198.18.0.2, a veth pair, no default
# route) built with no listener and no firewall rule, then changed here:
#   * IPv6 on the veth pair: N-scan 2001:2::1, N-tgt 2001:2::2 (no DAD, no router, permanent neighbours);
#   * the target's ICMP rate limits back at Linux's defaults (netlab.sh turns them off; the UDP tests
#     measure against them), copied from the scanner namespace, which netlab.sh leaves alone;
#   * one nftables table (inet portauth_daemons) for the UDP ports that are dropped or rejected;
#   * the daemons of tests/lab/daemons.conf (the ground truth: port, daemon, service, product,
#     package), listening on 198.18.0.2 and 2001:2::2 (vsftpd: on [::], both families), each started
#     by its start_ROLE function in scripts/daemon_lab_daemons.sh.
# Everything a daemon writes (configuration, TLS certificate, data, logs, pid files) is under
# /run/portauth-daemons/N/; `down` ends every process of the lab and removes that directory. The one
# thing kept between labs: PostgreSQL's and MariaDB's freshly initialised data directories, made once
# per installed version in /var/cache/portauth-daemons/ (by `install` or the first `up`) and copied.
# Each daemon has its own paths (no two labs share a socket, queue or pid file), so labs of different
# names coexist. Needs root.
# shellcheck disable=SC2016  # single-quoted $ are meant for an inner shell or a daemon's configuration
set -euo pipefail

readonly RUN_ROOT=/run/portauth-daemons
readonly CACHE_ROOT=/var/cache/portauth-daemons TEMPLATE_RECIPE=2  # bump when the templates' making changes
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SCRIPT_DIR")
readonly SCRIPT_DIR REPO_DIR
readonly TABLE=$REPO_DIR/tests/lab/daemons.conf
readonly TGT4=198.18.0.2 TGT6=2001:2::2 SCAN6=2001:2::1
readonly SCAN_MAC=02:70:61:00:00:01 TGT_MAC=02:70:61:00:00:02
readonly PG_BIN=/usr/lib/postgresql/15/bin
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=python3

# The Debian packages (Debian 12). dnsmasq-base is dnsmasq without its init script.
readonly PACKAGES=(
  openssh-server nginx postfix dovecot-imapd dovecot-pop3d vsftpd redis-server memcached
  mosquitto postgresql mariadb-server dnsmasq-base chrony snmpd openssl
)

die() { echo "daemon_lab: $*" >&2; exit 1; }
log() { [[ -n ${DAEMON_LAB_QUIET:-} ]] || echo "daemon_lab: $*" >&2; }
usage() { sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
now_ms() { date +%s%3N; }
# alive PID: the process runs (a zombie does not: the daemons' parent is init, which may reap late).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# --- packages -----------------------------------------------------------------------------------

# Installs the missing packages. Debian's maintainer scripts start a service after installing it;
# a policy-rc.d that exits 101 forbids that, so nothing ever runs (or listens) on the host.
cmd_install() {
  local p missing=() made_policy=0
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  [[ $EUID -eq 0 ]] || die "need root to install: ${missing[*]}"
  log "installing ${missing[*]}"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# daemon_lab.sh: no service starts while packages install\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local rc=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
      "${missing[@]}" >/dev/null; } || rc=$?
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get install failed (exit $rc)"
}

# --- the table ----------------------------------------------------------------------------------

# ports ROLE [PROTO]: the ports of ROLE in tests/lab/daemons.conf, one a line.
ports() {
  awk -v role="$1" -v proto="${2:-}" \
    '!/^#/ && NF >= 7 && $3 == role && (proto == "" || $2 == proto) {print $1}' "$TABLE"
}
# listen_ports PROTO: every port of PROTO some process listens on (not the nftables ones).
listen_ports() {
  awk -v proto="$1" '!/^#/ && NF >= 7 && $2 == proto && $3 != "drop" && $3 != "reject-admin" {print $1}' \
    "$TABLE" | sort -nu
}

# --- starting a daemon --------------------------------------------------------------------------

# launch NAME CMD...: runs CMD in the target namespace, detached in a session of its own; its pid
# goes to pid/NAME.pid, its output to log/NAME.log. CMD must stay in the foreground: the pid
# recorded is the shell's, which execs CMD.
launch() {
  local name=$1
  shift
  ip netns exec "$TGT_NS" setsid sh -c 'echo $$ >"$0"; exec "$@"' "$RUN/pid/$name.pid" "$@" \
    </dev/null >>"$RUN/log/$name.log" 2>&1 &
}

# shellcheck source=scripts/daemon_lab_daemons.sh
source "$SCRIPT_DIR/daemon_lab_daemons.sh"

# --- the lab ------------------------------------------------------------------------------------

ipv6_on() {  # ipv6_on NS IF MINE PEER PEER_MAC
  local key name settings=()
  for key in all default lo "$2"; do
    for name in disable_ipv6=0 accept_dad=0 dad_transmits=0 router_solicitations=0 accept_ra=0; do
      settings+=("net.ipv6.conf.$key.$name")
    done
  done
  ip netns exec "$1" sysctl -q -e -w "${settings[@]}" >/dev/null
  ip -n "$1" addr add "$3/64" dev "$2" nodad
  ip -n "$1" neigh replace "$4" lladdr "$5" dev "$2" nud permanent
}

# The target's ICMP rate limits back to the kernel's defaults, read from the scanner namespace.
icmp_defaults() {
  local keys=(net.ipv4.icmp_ratelimit net.ipv4.icmp_ratemask net.ipv4.icmp_msgs_per_sec net.ipv4.icmp_msgs_burst
    net.ipv6.icmp.ratelimit) values i settings=()
  mapfile -t values < <(ip netns exec "$SCAN_NS" sysctl -n "${keys[@]}")
  for i in "${!keys[@]}"; do settings+=("${keys[$i]}=${values[$i]}"); done
  ip netns exec "$TGT_NS" sysctl -q -w "${settings[@]}" >/dev/null
}

firewall() {
  local drop reject
  drop=$(ports drop udp | paste -sd, -)
  reject=$(ports reject-admin udp | paste -sd, -)
  {
    echo "table inet portauth_daemons {"
    echo "  chain input {"
    echo "    type filter hook input priority filter; policy accept;"
    [[ -n $drop ]] && echo "    udp dport { ${drop//,/, } } drop"
    [[ -n $reject ]] && echo "    udp dport { ${reject//,/, } } reject with icmpx type admin-prohibited"
    echo "  }"
    echo "}"
  } >"$RUN/conf/firewall.nft"
  ip netns exec "$TGT_NS" nft -f "$RUN/conf/firewall.nft"
}

# listening PROTO: the target's listening sockets of PROTO as ADDR:PORT ([v6]:PORT), a wildcard one
# standing for both target addresses.
listening() {
  ip netns exec "$TGT_NS" ss -Hln --"$1" | awk -v a4="$TGT4" -v a6="[$TGT6]" '{
    n = split($4, f, ":"); port = f[n]; addr = substr($4, 1, length($4) - length(port) - 1)
    if (addr == "*" || addr == "0.0.0.0" || addr == "[::]") { print a4 ":" port; print a6 ":" port } else print $4 }'
}

# wait_ready T0 SECONDS: until every port of the table listens on both target addresses; fails early
# if a daemon died. Writes when each port was ready (ms after T0) to ready_ms.
wait_ready() {
  local t0=$1 deadline=$(($(now_ms) + $2 * 1000)) proto p a missing pid f
  local -A want=() seen=()
  for proto in tcp udp; do
    for p in $(listen_ports "$proto"); do want["$TGT4:$p/$proto"]=1 want["[$TGT6]:$p/$proto"]=1; done
  done
  while :; do
    for proto in tcp udp; do
      while read -r a; do
        [[ -n ${want[$a/$proto]:-} && -z ${seen[$a/$proto]:-} ]] && seen[$a/$proto]=$(($(now_ms) - t0))
      done < <(listening "$proto")
    done
    missing=()
    for a in "${!want[@]}"; do [[ -n ${seen[$a]:-} ]] || missing+=("$a"); done
    # Listening is not yet serving for the two databases: each says in its log when it is.
    grep -q "database system is ready to accept connections" "$RUN/log/postgresql.log" || missing+=(postgresql)
    grep -q "ready for connections" "$RUN/log/mariadb.log" || missing+=(mariadb)
    if ((${#missing[@]} == 0)); then
      for a in "${!seen[@]}"; do echo "${seen[$a]} $a"; done | sort -n >"$RUN/ready_ms"
      return 0
    fi
    for f in "$RUN"/pid/*.pid; do
      [[ -s $f ]] || continue  # not written yet
      pid=$(<"$f")
      if ! alive "$pid"; then
        f=$(basename "$f" .pid)
        echo "daemon_lab: $f exited; the end of log/$f.log:" >&2
        tail -n 15 "$RUN/log/$f.log" >&2
        return 1
      fi
    done
    if (($(now_ms) > deadline)); then
      echo "daemon_lab: not listening after $2 s: ${missing[*]}" >&2
      return 1
    fi
    sleep 0.05
  done
}

stop_daemons() {
  local f pid pids=() i
  [[ -d $RUN/pid ]] || return 0
  for f in "$RUN"/pid/*.pid; do
    [[ -r $f ]] || continue
    pid=$(<"$f")
    # The whole process group: launch made each daemon a session leader.
    [[ $pid =~ ^[0-9]+$ ]] && kill -TERM -- "-$pid" 2>/dev/null && pids+=("$pid")
  done
  for ((i = 0; i < 50 && ${#pids[@]}; i++)); do
    sleep 0.1
    for f in "${!pids[@]}"; do alive "${pids[$f]}" || unset "pids[$f]"; done
  done
}

cmd_down() {
  stop_daemons
  NETLAB_QUIET=1 bash "$SCRIPT_DIR/netlab.sh" down --name "$NAME"  # ends whatever is left, deletes the namespaces
  rm -rf "$RUN"
  log "lab '$NAME' down"
  return 0
}

cmd_up() {
  [[ $EUID -eq 0 ]] || die "need root (network namespaces, daemons)"
  [[ -r $TABLE ]] || die "cannot read $TABLE"
  cmd_install
  local t0 t1
  DAEMON_LAB_QUIET=1 cmd_down
  t0=$(now_ms)
  UP_DONE=0
  trap 'if ((UP_DONE == 0)); then
    echo "daemon_lab: up failed, tearing lab $NAME down" >&2; DAEMON_LAB_QUIET=1 cmd_down; fi' EXIT
  mkdir -p "$RUN"/{conf,tls,log,pid,data}
  chmod 755 "$RUN" "$RUN/data"
  NETLAB_QUIET=1 bash "$SCRIPT_DIR/netlab.sh" up --name "$NAME" --profile /dev/null
  ipv6_on "$SCAN_NS" veth-scan "$SCAN6" "$TGT6" "$TGT_MAC"
  ipv6_on "$TGT_NS" veth-tgt "$TGT6" "$SCAN6" "$SCAN_MAC"
  icmp_defaults
  firewall
  # The slowest starters first.
  make_tls
  start_mariadb
  start_postgresql
  start_postfix
  start_nginx
  start_dovecot
  start_sshd
  start_vsftpd
  start_redis redis
  start_redis redis-auth "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  start_memcached
  start_mosquitto
  start_dnsmasq
  start_chronyd
  start_snmpd
  start_mute
  wait_ready "$t0" "${DAEMON_LAB_TIMEOUT:-60}"
  t1=$(now_ms)
  echo "$((t1 - t0))" >"$RUN/startup_ms"
  # shellcheck disable=SC2034  # read by the EXIT trap
  UP_DONE=1
  log "lab '$NAME' up in $((t1 - t0)) ms: $SCAN_NS (198.18.0.1, $SCAN6) -> $TGT_NS ($TGT4, $TGT6)," \
    "$(listen_ports tcp | wc -l) TCP and $(listen_ports udp | wc -l) UDP ports served"
}

cmd_status() {
  local f pid ok=0
  if [[ ! -d $RUN/pid || ! -e /run/netns/$TGT_NS ]]; then
    echo "daemon lab '$NAME': down"
    return 1
  fi
  echo "daemon lab '$NAME': up ($(cat "$RUN/startup_ms" 2>/dev/null || echo '?') ms to start)"
  for f in "$RUN"/pid/*.pid; do
    pid=$(<"$f")
    if alive "$pid"; then
      printf '  %-12s pid %s\n' "$(basename "$f" .pid)" "$pid"
    else
      printf '  %-12s NOT RUNNING (see %s)\n' "$(basename "$f" .pid)" "$RUN/log/$(basename "$f" .pid).log"
      ok=1
    fi
  done
  ip netns exec "$TGT_NS" ss -Htuln | awk '{print "  " $1 " " $5}' | sort -k2
  return $ok
}

# --- main ---------------------------------------------------------------------------------------

(($#)) || usage
CMD=$1
shift
NAME=pa
while (($#)); do
  case $1 in
    --name) [[ $# -ge 2 ]] || usage; NAME=$2; shift 2 ;;
    --name=*) NAME=${1#*=}; shift ;;
    -h | --help) usage ;;
    *) usage ;;
  esac
done
[[ $NAME =~ ^[A-Za-z0-9_]{1,24}$ ]] || die "bad lab name '$NAME' (letters, digits, _; at most 24)"
readonly SCAN_NS=$NAME-scan TGT_NS=$NAME-tgt RUN=$RUN_ROOT/$NAME

case $CMD in
  install) cmd_install && template postgresql postgresql-15 >/dev/null && template mariadb mariadb-server >/dev/null ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) usage ;;
esac

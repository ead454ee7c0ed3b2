#!/usr/bin/env bash
# netlab.sh: the portauth network lab, two network namespaces joined by a veth pair.
#
#   netlab.sh up           [--name N] [--profile FILE] [--anyip16] [--liars]  build lab N (rebuilding a stale one), apply FILE
#   netlab.sh down         [--name N]                   tear lab N down; always exits 0
#   netlab.sh status       [--name N]                   describe lab N; exit 0 if it is up, 1 if not
#   netlab.sh exec-scanner [--name N] [--] CMD...       run CMD inside lab N's scanner namespace
#
# Lab N (default "pa"; labs with different names coexist):
#   ${N}-scan  veth-scan 198.18.0.1/24 (02:70:61:00:00:01), lo up. Routes: 198.18.0.0/24 and
#              198.18.1.0/24 via 198.18.0.2. NO default route: nothing sent here can leave the lab.
#   ${N}-tgt   veth-tgt  198.18.0.2/24 (02:70:61:00:00:02), lo up. AnyIP: "local 198.18.1.0/24 dev lo",
#              so the target answers for every address of 198.18.1.0/24 as well.
#   --anyip16: the target also answers for all of 198.19.0.0/16 (AnyIP, routed from ${N}-scan via
#              198.18.0.2), for throughput races over 65,536 addresses (scripts/bench_pps.sh). The
#              profile lines without ADDRSPEC hold there too.
#   --liars: hosts that lie in a third namespace ${N}-liar, routed via the target: a SYN proxy, a
#            redirect of every port, a tarpit, a host that blocks fast sources, and an honest host
#            with 3,003 listeners (scripts/liarlab.py says which is where).
#   Both: IPv6 off (no DAD/RS/MLD noise on the wire), permanent neighbour entries (no ARP, so the
#   first probes of a fast scan are not lost while a neighbour resolves).
#   Target: ICMP error rate limits off, big SYN/accept backlogs, TTL 64; the profile applied as
#   listeners (open ports) plus one nftables table (everything else).
#
# Profile (default tests/lab/profile.conf; also read by tests/integration/lablib.py), one rule a line:
#   STATE REASON PORTSPEC [ADDRSPEC]      '#' starts a comment
#   PORTSPEC  "all" or a comma list of PORT / LO-HI         e.g. 135,137-139,445
#   ADDRSPEC  a comma list of A.B.C.D, A.B.C.D/NN, A.B.C.D-E.F.G.H (absent: every target address)
#   open syn-ack            a listener on 0.0.0.0:PORT, nft "accept"  (no ADDRSPEC, no "all")
#   stealth no-response     nft "drop"
#   closed rst              nft "reject with tcp reset"
#   closed icmp-KIND        nft "reject with icmp type ..." (KIND: net-unreach host-unreach proto-unreach
#                           port-unreach net-prohibited host-prohibited admin-prohibited)
#   The nft rules keep the file's order, so the FIRST matching line wins. A port no line matches
#   is left to the kernel, which answers with an RST: closed rst.
# One more kind of line is about ICMP echo, not TCP ports:
#   ping drop ADDRSPEC      nft "icmp type echo-request drop" for those addresses: they ignore pings
#                           (every other address answers pings, as Linux does by default)
#
# Needs root, iproute2, nftables, python3. State (listener pid, log, ruleset) in /run/portauth-lab/N/.
set -euo pipefail

readonly RUN_ROOT=/run/portauth-lab
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SCRIPT_DIR")
readonly SCRIPT_DIR REPO_DIR
readonly SCAN_IF=veth-scan TGT_IF=veth-tgt
readonly SCAN_IP=198.18.0.1 TGT_IP=198.18.0.2 ANYIP_NET=198.18.1.0/24 ANYIP16_NET=198.19.0.0/16
readonly SCAN_MAC=02:70:61:00:00:01 TGT_MAC=02:70:61:00:00:02
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=python3

die() { echo "netlab: $*" >&2; exit 1; }
log() { [[ -n ${NETLAB_QUIET:-} ]] || echo "netlab: $*" >&2; }

usage() {
  sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

# --- profile -> nft rules + open ports -------------------------------------------------------

declare -A VERDICT=(
  [open/syn-ack]="accept"
  [stealth/no-response]="drop"
  [closed/rst]="reject with tcp reset"
  [closed/icmp-net-unreach]="reject with icmp type net-unreachable"
  [closed/icmp-host-unreach]="reject with icmp type host-unreachable"
  [closed/icmp-proto-unreach]="reject with icmp type prot-unreachable"
  [closed/icmp-port-unreach]="reject with icmp type port-unreachable"
  [closed/icmp-net-prohibited]="reject with icmp type net-prohibited"
  [closed/icmp-host-prohibited]="reject with icmp type host-prohibited"
  [closed/icmp-admin-prohibited]="reject with icmp type admin-prohibited"
)
readonly PORTSPEC_RE='^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$'
readonly IPV4_RE='[0-9]{1,3}(\.[0-9]{1,3}){3}'
readonly ADDR_RE="^${IPV4_RE}(/[0-9]{1,2}|-${IPV4_RE})?$"

# Fills RULES (nft rule strings, file order) and OPEN_PORTS from the profile file $1.
parse_profile() {
  local file=$1 lineno=0 line state reason ports addrs extra match item lo hi p
  RULES=() OPEN_PORTS=()
  [[ -r $file ]] || die "cannot read profile $file"
  while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    line=${line%%#*}
    state='' reason='' ports='' addrs='' extra=''
    read -r state reason ports addrs extra <<<"$line"
    [[ -z $state ]] && continue
    local where="$file:$lineno"
    if [[ $state == ping ]]; then
      # "ping drop ADDRSPEC": the addresses are the third field.
      [[ $reason == drop && -n $ports && -z $addrs ]] || die "$where: want 'ping drop ADDRSPEC'"
      addrs=$ports
      for item in ${addrs//,/ }; do
        [[ $item =~ $ADDR_RE ]] || die "$where: bad address '$item' in ADDRSPEC"
        for p in ${item//[.\/-]/ }; do ((10#$p <= 255)) || die "$where: bad address '$item' in ADDRSPEC"; done
      done
      RULES+=("ip daddr { ${addrs//,/, } } icmp type echo-request drop")
      continue
    fi
    [[ -n $extra ]] && die "$where: too many fields (STATE REASON PORTSPEC [ADDRSPEC])"
    [[ -n ${VERDICT[$state/$reason]:-} ]] || die "$where: unknown state/reason '$state $reason'"
    [[ -n $ports ]] || die "$where: missing PORTSPEC"
    match=''
    if [[ -n $addrs ]]; then
      for item in ${addrs//,/ }; do
        [[ $item =~ $ADDR_RE ]] || die "$where: bad address '$item' in ADDRSPEC"
        for p in ${item//[.\/-]/ }; do ((10#$p <= 255)) || die "$where: bad address '$item' in ADDRSPEC"; done
      done
      match="ip daddr { ${addrs//,/, } } "
    fi
    if [[ $ports == all ]]; then
      match+="meta l4proto tcp"
    else
      [[ $ports =~ $PORTSPEC_RE ]] || die "$where: bad PORTSPEC '$ports'"
      for item in ${ports//,/ }; do
        lo=${item%-*} hi=${item#*-}
        ((10#$lo <= 10#$hi && 10#$hi <= 65535)) || die "$where: bad port range '$item'"
      done
      match+="tcp dport { ${ports//,/, } }"
    fi
    if [[ $state == open ]]; then
      [[ -z $addrs && $ports != all ]] || die "$where: open lines take a port list and no ADDRSPEC"
      for item in ${ports//,/ }; do
        lo=$((10#${item%-*})) hi=$((10#${item#*-}))
        ((lo >= 1)) || die "$where: port 0 cannot be listened on"
        for ((p = lo; p <= hi; p++)); do OPEN_PORTS+=("$p"); done
      done
    fi
    RULES+=("$match ${VERDICT[$state/$reason]}")
  done <"$file"
  if ((${#OPEN_PORTS[@]})); then mapfile -t OPEN_PORTS < <(printf '%s\n' "${OPEN_PORTS[@]}" | sort -nu); fi
}

ruleset() {
  local r
  echo "table ip portauth_lab {"
  echo "  chain input {"
  echo "    type filter hook input priority filter; policy accept;"
  for r in "${RULES[@]}"; do echo "    $r"; done
  echo "  }"
  echo "}"
}

# --- namespace helpers ----------------------------------------------------------------------

ns_exists() { [[ -e /run/netns/$1 ]]; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
nsctl() { local ns=$1; shift; ip netns exec "$ns" sysctl -q -w "$@" >/dev/null; }

# Ends every process still inside namespace $1 (the lab's listener, a hung scanner): TERM, then KILL.
kill_ns_pids() {
  local ns=$1 pids i
  ns_exists "$ns" || return 0
  mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do
    mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
    ((${#pids[@]})) || return 0
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

cmd_down() {
  local pidfile="$RUN_DIR/listener.pid" pid
  if [[ -r $pidfile ]]; then
    pid=$(<"$pidfile")
    if [[ $pid =~ ^[0-9]+$ ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  fi
  kill_ns_pids "$SCAN_NS"
  kill_ns_pids "$TGT_NS"
  kill_ns_pids "$LIAR_NS"  # scripts/liarlab.py's hosts that lie, if they were added
  ip netns del "$LIAR_NS" 2>/dev/null || true
  ip netns del "$SCAN_NS" 2>/dev/null || true
  ip netns del "$TGT_NS" 2>/dev/null || true
  rm -rf "$RUN_DIR"
  log "lab '$NAME' down"
  return 0
}

cmd_up() {
  local p
  [[ $EUID -eq 0 ]] || die "need root (network namespaces, nftables)"
  for p in ip nft sysctl; do command -v "$p" >/dev/null || die "missing '$p' (apt-get install iproute2 nftables procps)"; done
  parse_profile "$PROFILE"

  NETLAB_QUIET=1 cmd_down
  # Any failure from here on (set -e exits, even from inside a helper) leaves no half-built lab.
  UP_DONE=0
  trap 'if ((UP_DONE == 0)); then echo "netlab: up failed, tearing lab $NAME down" >&2; NETLAB_QUIET=1 cmd_down; fi' EXIT
  mkdir -p "$RUN_DIR"
  ruleset >"$RUN_DIR/ruleset.nft"

  ip netns add "$SCAN_NS"
  ip netns add "$TGT_NS"
  for p in "$SCAN_NS" "$TGT_NS"; do
    nsctl "$p" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    nsctl "$p" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    nsctl "$p" net.ipv4.ip_default_ttl=64
    nsx "$p" ip link set lo up
  done
  # Created inside the scanner namespace, so no interface of the lab ever exists in the host's.
  ip -n "$SCAN_NS" link add "$SCAN_IF" address "$SCAN_MAC" type veth \
    peer name "$TGT_IF" address "$TGT_MAC" netns "$TGT_NS"
  ip -n "$SCAN_NS" addr add "$SCAN_IP/24" dev "$SCAN_IF"
  ip -n "$TGT_NS" addr add "$TGT_IP/24" dev "$TGT_IF"
  ip -n "$SCAN_NS" link set "$SCAN_IF" up
  ip -n "$TGT_NS" link set "$TGT_IF" up
  ip -n "$SCAN_NS" neigh replace "$TGT_IP" lladdr "$TGT_MAC" dev "$SCAN_IF" nud permanent
  ip -n "$TGT_NS" neigh replace "$SCAN_IP" lladdr "$SCAN_MAC" dev "$TGT_IF" nud permanent
  ip -n "$TGT_NS" route add local "$ANYIP_NET" dev lo
  ip -n "$SCAN_NS" route add "$ANYIP_NET" via "$TGT_IP" dev "$SCAN_IF"
  if ((ANYIP16)); then
    ip -n "$TGT_NS" route add local "$ANYIP16_NET" dev lo
    ip -n "$SCAN_NS" route add "$ANYIP16_NET" via "$TGT_IP" dev "$SCAN_IF"
  fi

  # Ground truth must not depend on timing: every ICMP error and every SYN-ACK has to go out.
  nsctl "$TGT_NS" net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 \
    net.ipv4.icmp_msgs_per_sec=100000000 net.ipv4.icmp_msgs_burst=100000000
  nsctl "$TGT_NS" net.ipv4.tcp_syncookies=1 net.ipv4.tcp_max_syn_backlog=65536 net.core.somaxconn=65535
  nsctl "$TGT_NS" net.ipv4.tcp_synack_retries=1

  nsx "$TGT_NS" nft -f "$RUN_DIR/ruleset.nft"

  if ((${#OPEN_PORTS[@]})); then
    # A plain command (no shell function) so bash forks straight into it and leaves no subshell.
    ip netns exec "$TGT_NS" setsid "$PYTHON" "$SCRIPT_DIR/lab_listener.py" --pidfile "$RUN_DIR/listener.pid" \
      "${OPEN_PORTS[@]}" </dev/null >"$RUN_DIR/listener.log" 2>&1 &
    for ((p = 0; p < 100; p++)); do
      [[ -s $RUN_DIR/listener.pid ]] && break
      kill -0 $! 2>/dev/null || { cat "$RUN_DIR/listener.log" >&2; false; }
      sleep 0.05
    done
    [[ -s $RUN_DIR/listener.pid ]] || { echo "netlab: listener did not start" >&2; false; }
  fi

  # The safety rule, checked rather than assumed: the scanner namespace reaches only the lab.
  if [[ -n $(ip -n "$SCAN_NS" route show default) ]] ||
    ip -n "$SCAN_NS" -4 route show table all | grep -Ev '198\.1[89]\.|127\.|^broadcast|^local|^multicast' | grep -q .; then
    echo "netlab: scanner namespace has a route outside the lab" >&2
    false
  fi
  # shellcheck disable=SC2034  # read by the EXIT trap
  UP_DONE=1
  log "lab '$NAME' up: $SCAN_NS ($SCAN_IP) -> $TGT_NS ($TGT_IP, AnyIP $ANYIP_NET), ${#RULES[@]} nft rules, ${#OPEN_PORTS[@]} open ports"
}

cmd_status() {
  local ok=0 pid=''
  ns_exists "$SCAN_NS" || ok=1
  ns_exists "$TGT_NS" || ok=1
  if ((ok != 0)); then
    echo "lab '$NAME': down"
    return 1
  fi
  [[ -r $RUN_DIR/listener.pid ]] && pid=$(<"$RUN_DIR/listener.pid")
  echo "lab '$NAME': up"
  echo "== $SCAN_NS"
  ip -n "$SCAN_NS" -br addr
  ip -n "$SCAN_NS" route
  echo "== $TGT_NS"
  ip -n "$TGT_NS" -br addr
  ip -n "$TGT_NS" route show table local | grep -F -e "$ANYIP_NET" -e "$ANYIP16_NET" || true
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    echo "listener pid $pid: $(tr '\0' ' ' </proc/"$pid"/cmdline)"
  else
    echo "listener: not running"
    ok=1
  fi
  nsx "$TGT_NS" nft list table ip portauth_lab
  return $ok
}

# --- main -----------------------------------------------------------------------------------

(($#)) || usage
CMD=$1
shift
NAME=pa
PROFILE=$REPO_DIR/tests/lab/profile.conf
ANYIP16=0
LIARS=0
while (($#)); do
  case $1 in
    --anyip16) ANYIP16=1; shift ;;
    --liars) LIARS=1; shift ;;
    --name) [[ $# -ge 2 ]] || usage; NAME=$2; shift 2 ;;
    --name=*) NAME=${1#*=}; shift ;;
    --profile) [[ $# -ge 2 ]] || usage; PROFILE=$2; shift 2 ;;
    --profile=*) PROFILE=${1#*=}; shift ;;
    --) shift; break ;;
    -h | --help) usage ;;
    *) break ;;
  esac
done
[[ $NAME =~ ^[A-Za-z0-9_]{1,24}$ ]] || die "bad lab name '$NAME' (letters, digits, _; at most 24)"
readonly SCAN_NS=$NAME-scan TGT_NS=$NAME-tgt LIAR_NS=$NAME-liar RUN_DIR=$RUN_ROOT/$NAME

case $CMD in
  up)
    (($# == 0)) || usage
    cmd_up
    if ((LIARS)); then "$PYTHON" "$SCRIPT_DIR/liarlab.py" up --name "$NAME"; fi
    ;;
  down) cmd_down ;;
  status) cmd_status ;;
  exec-scanner)
    (($#)) || usage
    ns_exists "$SCAN_NS" || die "lab '$NAME' is not up (netlab.sh up --name $NAME)"
    exec ip netns exec "$SCAN_NS" "$@"
    ;;
  *) usage ;;
esac

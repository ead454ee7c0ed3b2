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
#     package), listening on 198.18.0.2 and 2001:2::2 (vsftpd: on [::], both families).
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

make_tls() {
  # A self-signed certificate for the lab's name and both addresses, shared by every TLS service.
  # ECDSA P-256: an RSA key takes up to a second or more to make on a busy machine.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -keyout "$RUN/tls/key.pem" -out "$RUN/tls/cert.pem" \
    -subj "/O=portauth daemon lab/CN=lab.portauth.test" \
    -addext "subjectAltName=DNS:lab.portauth.test,IP:$TGT4,IP:$TGT6" 2>/dev/null
  chmod 600 "$RUN/tls/key.pem"
}

start_sshd() {
  local d=$RUN/data/sshd p
  mkdir -p "$d" /run/sshd  # /run/sshd: sshd's built-in privilege separation directory (empty)
  ssh-keygen -q -t ed25519 -N '' -f "$d/ssh_host_ed25519_key"
  ssh-keygen -q -t ecdsa -N '' -f "$d/ssh_host_ecdsa_key"
  {
    for p in $(ports sshd); do echo "Port $p"; done
    echo "ListenAddress $TGT4"
    echo "ListenAddress $TGT6"
    echo "HostKey $d/ssh_host_ed25519_key"
    echo "HostKey $d/ssh_host_ecdsa_key"
    echo "PidFile none"
    echo "UsePAM no"
    echo "PermitRootLogin no"
    echo "PasswordAuthentication no"
    echo "KbdInteractiveAuthentication no"
    echo "AuthorizedKeysFile none"
  } >"$RUN/conf/sshd_config"
  launch sshd /usr/sbin/sshd -D -e -f "$RUN/conf/sshd_config"
}

start_nginx() {
  local d=$RUN/data/nginx p
  mkdir -p "$d/www" "$d/tmp"
  chown www-data: "$d/tmp"
  printf '<!DOCTYPE html>\n<html><head><title>portauth daemon lab</title></head>%s\n' \
    '<body><p>nginx in the portauth daemon lab</p></body></html>' \
    >"$d/www/index.html"
  {
    echo "daemon off; master_process on; worker_processes 1; user www-data; pid $RUN/data/nginx/nginx.pid;"
    echo "error_log $RUN/log/nginx.log;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    echo "  access_log off; default_type text/html;"
    for p in client_body proxy fastcgi uwsgi scgi; do echo "  ${p}_temp_path $d/tmp/$p;"; done
    echo "  server {"
    for p in $(ports nginx-http); do echo "    listen $TGT4:$p; listen [$TGT6]:$p;"; done
    echo "    root $d/www;"
    echo "  }"
    echo "  server {"
    for p in $(ports nginx-https); do echo "    listen $TGT4:$p ssl; listen [$TGT6]:$p ssl;"; done
    echo "    ssl_certificate $RUN/tls/cert.pem; ssl_certificate_key $RUN/tls/key.pem;"
    echo "    root $d/www;"
    echo "  }"
    echo "}"
  } >"$RUN/conf/nginx.conf"
  launch nginx /usr/sbin/nginx -p "$d" -e "$RUN/log/nginx.log" -c "$RUN/conf/nginx.conf"
}

start_postfix() {
  # Postfix with its own configuration, queue and data directories (labs of different names coexist);
  # no chroot, no local delivery, relaying for nobody. STARTTLS on both ports, required on 587.
  # (Debian 12's OpenSMTPD 6.8 cannot complete a TLS handshake with OpenSSL 3: its privilege-separated
  # key is "missing" to OpenSSL, so it offers STARTTLS and then fails it.)
  local c=$RUN/conf/postfix d=$RUN/data/postfix p path owner group mode
  mkdir -p "$c" "$d/queue" "$d/data"
  chown postfix: "$d/data"
  # The queue's directories as Postfix's own list (postfix-files) has them (postfix-script would make
  # them, with integrity checks that take seconds on a busy machine).
  while IFS=: read -r path _ owner group mode _; do
    group=${group/#-/root}
    install -d -o "${owner/\$mail_owner/postfix}" -g "${group/\$setgid_group/postdrop}" -m "$mode" \
      "$d/queue${path#\$queue_directory}"
  done < <(grep -E '^\$queue_directory/[a-z]+:d:' /etc/postfix/postfix-files)
  {
    echo "compatibility_level = 3.6"
    echo "queue_directory = $d/queue"
    echo "data_directory = $d/data"
    echo "mail_owner = postfix"
    echo "setgid_group = postdrop"
    echo "myhostname = lab.portauth.test"
    echo "mydestination ="
    echo "relay_domains ="
    echo "mynetworks = 127.0.0.0/8"
    echo "inet_interfaces = $TGT4, [$TGT6]"
    echo "inet_protocols = ipv4, ipv6"
    echo 'smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)'
    echo "alias_maps ="
    echo "alias_database ="
    echo "local_recipient_maps ="
    echo "biff = no"
    echo "smtpd_tls_cert_file = $RUN/tls/cert.pem"
    echo "smtpd_tls_key_file = $RUN/tls/key.pem"
    echo "smtpd_tls_security_level = may"
    echo "smtpd_relay_restrictions = permit_mynetworks defer_unauth_destination"
    echo "maillog_file = /dev/stdout"
  } >"$c/main.cf"
  {
    for p in $(ports postfix); do echo "$p inet n - n - - smtpd"; done
    for p in $(ports postfix-submission); do
      echo "$p inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt"
    done
    cat <<'MASTER'
pickup     unix  n - n 60 1 pickup
cleanup    unix  n - n - 0 cleanup
qmgr       unix  n - n 300 1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n - - trivial-rewrite
bounce     unix  - - n - 0 bounce
defer      unix  - - n - 0 bounce
trace      unix  - - n - 0 bounce
verify     unix  - - n - 1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n - - proxymap
smtp       unix  - - n - - smtp
relay      unix  - - n - - smtp
showq      unix  n - n - - showq
error      unix  - - n - - error
retry      unix  - - n - - error
discard    unix  - - n - - discard
local      unix  - n n - - local
anvil      unix  - - n - 1 anvil
scache     unix  - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
MASTER
  } >"$c/master.cf"
  # The master daemon itself, in the foreground (-s: its log to stdout), as `postfix start-fg` would
  # after its checks.
  launch postfix /usr/lib/postfix/sbin/master -c "$c" -s
}

start_dovecot() {
  local d=$RUN/data/dovecot p
  mkdir -p "$d/base" "$d/state"
  : >"$RUN/conf/dovecot.passwd"
  {
    echo "protocols = imap pop3"
    echo "listen = $TGT4, $TGT6"
    echo "base_dir = $d/base/"
    echo "state_dir = $d/state"
    echo "instance_name = portauth-$NAME"
    echo "log_path = /dev/stderr"
    echo "ssl = yes"
    echo "ssl_cert = <$RUN/tls/cert.pem"
    echo "ssl_key = <$RUN/tls/key.pem"
    [[ -r /usr/share/dovecot/dh.pem ]] && echo "ssl_dh = </usr/share/dovecot/dh.pem"
    echo "auth_mechanisms = plain"
    echo "mail_location = maildir:/nonexistent"
    echo "passdb {"
    echo "  driver = passwd-file"
    echo "  args = $RUN/conf/dovecot.passwd"
    echo "}"
    echo "userdb {"
    echo "  driver = static"
    echo "  args = uid=nobody gid=nogroup home=/nonexistent"
    echo "}"
    for p in imap pop3; do
      echo "service $p-login {"
      echo "  inet_listener $p {"
      echo "    port = $(ports "dovecot-$p")"
      echo "  }"
      echo "  inet_listener ${p}s {"
      echo "    port = $(ports "dovecot-${p}s")"
      echo "    ssl = yes"
      echo "  }"
      echo "}"
    done
  } >"$RUN/conf/dovecot.conf"
  launch dovecot /usr/sbin/dovecot -F -c "$RUN/conf/dovecot.conf"
}

start_vsftpd() {
  local d=$RUN/data/vsftpd
  mkdir -p "$d/empty"
  chmod 755 "$d/empty"
  : >"$RUN/conf/vsftpd.users"
  {
    echo "listen=NO"
    echo "listen_ipv6=YES"
    echo "listen_port=$(ports vsftpd)"
    echo "background=NO"
    echo "anonymous_enable=NO"
    echo "local_enable=YES"
    echo "userlist_enable=YES"  # ...for the users of an empty list: USER is refused, PAM never asked
    echo "userlist_deny=NO"
    echo "userlist_file=$RUN/conf/vsftpd.users"
    echo "write_enable=NO"
    echo "pam_service_name=vsftpd"
    echo "secure_chroot_dir=$d/empty"
    echo "xferlog_enable=NO"
    echo "vsftpd_log_file=$RUN/log/vsftpd-xfer.log"
  } >"$RUN/conf/vsftpd.conf"
  launch vsftpd /usr/sbin/vsftpd "$RUN/conf/vsftpd.conf"
}

start_redis() {  # start_redis ROLE [PASSWORD]
  local role=$1 pass=${2:-} d=$RUN/data/$1
  mkdir -p "$d"
  chown redis: "$d"
  {
    echo "bind $TGT4 $TGT6"
    echo "port $(ports "$role")"
    echo "protected-mode no"
    echo "daemonize no"
    echo "logfile \"\""
    echo "dir $d"
    echo "save \"\""
    echo "appendonly no"
    [[ -n $pass ]] && echo "requirepass $pass"
  } >"$RUN/conf/$role.conf"
  chmod 640 "$RUN/conf/$role.conf"
  chgrp redis "$RUN/conf/$role.conf"
  launch "$role" setpriv --reuid=redis --regid=redis --init-groups /usr/bin/redis-server "$RUN/conf/$role.conf"
}

start_memcached() {
  launch memcached /usr/bin/memcached -u memcache -l "$TGT4,[$TGT6]" -p "$(ports memcached tcp)" \
    -U "$(ports memcached udp)" -m 16 -t 2
}

start_mosquitto() {
  {
    echo "user mosquitto"
    echo "persistence false"
    echo "log_dest stderr"
    echo "listener $(ports mosquitto) $TGT4"
    echo "listener $(ports mosquitto) $TGT6"
    echo "allow_anonymous true"
  } >"$RUN/conf/mosquitto.conf"
  launch mosquitto /usr/sbin/mosquitto -c "$RUN/conf/mosquitto.conf"
}

# The databases' first-run setup (initdb, mariadb-install-db) takes seconds; it is done once per
# installed version into a template under $CACHE_ROOT, which each lab copies. The tools run in a
# network namespace of their own: their servers run in bootstrap mode and never listen, and cannot.
readonly INNODB=(--innodb-buffer-pool-size=16M --innodb-log-file-size=4M --innodb-use-native-aio=0)
make_template_postgresql() {
  chown postgres: "$1"
  unshare --net setpriv --reuid=postgres --regid=postgres --init-groups \
    "$PG_BIN/initdb" -D "$1" -U postgres -A trust -E UTF8 --locale=C --wal-segsize=1 --no-sync --no-instructions
}
make_template_mariadb() {
  chown mysql: "$1"
  unshare --net mariadb-install-db --no-defaults --datadir="$1" --user=mysql --auth-root-authentication-method=socket \
    --skip-test-db --skip-name-resolve "${INNODB[@]}"
}

# template NAME PACKAGE: prints the directory of NAME's pristine data for PACKAGE's installed version,
# making it first if there is none (atomically: labs that start together make it at most once each).
template() {
  local name=$1 version dir tmp
  version=$(dpkg-query -W -f='${Version}' "$2")
  dir=$CACHE_ROOT/$name-${version//[^A-Za-z0-9.]/_}-$TEMPLATE_RECIPE
  if [[ ! -d $dir ]]; then
    mkdir -p "$CACHE_ROOT"
    tmp=$(mktemp -d "$CACHE_ROOT/.$name.XXXXXX")
    if ! "make_template_$name" "$tmp" >"$tmp.log" 2>&1; then
      tail -n 20 "$tmp.log" >&2
      rm -rf "$tmp" "$tmp.log"
      die "could not make the $name template"
    fi
    rm -f "$tmp.log"
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"  # another lab made it meanwhile
  fi
  echo "$dir"
}

start_postgresql() {
  # SSL on with the lab's certificate, as Debian's clusters have it.
  local d=$RUN/data/postgresql
  mkdir -p "$d/sock"
  cp -a "$(template postgresql postgresql-15)" "$d/db"
  install -o postgres -g postgres -m 600 "$RUN/tls/cert.pem" "$d/server.crt"
  install -o postgres -g postgres -m 600 "$RUN/tls/key.pem" "$d/server.key"
  chown postgres: "$d/sock"
  launch postgresql setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" -D "$d/db" \
    -c listen_addresses="$TGT4,$TGT6" -c port="$(ports postgresql)" -c unix_socket_directories="$d/sock" \
    -c fsync=off -c ssl=on -c ssl_cert_file="$d/server.crt" -c ssl_key_file="$d/server.key" \
    -c shared_buffers=16MB -c max_connections=20
}

start_mariadb() {
  local d=$RUN/data/mariadb
  mkdir -p "$d"
  cp -a "$(template mariadb mariadb-server)" "$d/db"
  chown mysql: "$d"
  # An account any host may try (a random password nobody knows): without one the server greets a
  # remote client with "Host ... is not allowed to connect" instead of its handshake.
  printf "CREATE USER IF NOT EXISTS 'lab'@'%%' IDENTIFIED BY '%s';\n" "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" \
    >"$d/init.sql"
  chown mysql: "$d/init.sql"
  chmod 600 "$d/init.sql"
  launch mariadb /usr/sbin/mariadbd --no-defaults --datadir="$d/db" --user=mysql --port="$(ports mariadb)" \
    --bind-address="$TGT4,$TGT6" --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --skip-name-resolve \
    --skip-log-bin --init-file="$d/init.sql" "${INNODB[@]}"
}

start_dnsmasq() {
  {
    echo "port=$(ports dnsmasq udp)"
    echo "listen-address=$TGT4,$TGT6"
    echo "bind-interfaces"
    echo "no-resolv"
    echo "no-hosts"
    echo "no-poll"
    echo "pid-file="
    echo "user=dnsmasq"
    echo "local=/lab.portauth.test/"
    echo "host-record=lab.portauth.test,$TGT4,$TGT6"
    echo "txt-record=lab.portauth.test,\"portauth daemon lab\""
  } >"$RUN/conf/dnsmasq.conf"
  launch dnsmasq /usr/sbin/dnsmasq -k --log-facility=- -C "$RUN/conf/dnsmasq.conf"
}

start_chronyd() {
  # Serves its own clock at stratum 8 to the lab; -x: never touches the host's clock.
  {
    echo "port $(ports chronyd)"
    echo "bindaddress $TGT4"
    echo "bindaddress $TGT6"
    echo "allow 198.18.0.0/15"
    echo "allow 2001:2::/48"
    echo "local stratum 8"
    echo "cmdport 0"
    echo "bindcmdaddress /"
    echo "pidfile $RUN/data/chronyd.pid"
  } >"$RUN/conf/chrony.conf"
  launch chronyd /usr/sbin/chronyd -d -x -u _chrony -f "$RUN/conf/chrony.conf"
}

start_snmpd() {
  local d=$RUN/data/snmpd p
  mkdir -p "$d"
  chown Debian-snmp: "$d"
  p=$(ports snmpd)
  {
    echo "agentAddress udp:$TGT4:$p,udp6:[$TGT6]:$p"
    echo "rocommunity public 198.18.0.0/15"
    echo "rocommunity6 public 2001:2::/48"
    echo "sysLocation portauth daemon lab"
    echo "sysContact lab@lab.portauth.test"
  } >"$RUN/conf/snmpd.conf"
  # -I -smux: no SMUX listener on TCP 199 (on every address), nothing the table does not list.
  launch snmpd env MIBS= SNMP_PERSISTENT_DIR="$d" /usr/sbin/snmpd -f -Le -C -I -smux -c "$RUN/conf/snmpd.conf" \
    -u Debian-snmp -g Debian-snmp -p "$d/snmpd.pid"
}

start_mute() {
  local args=(--host "$TGT4" --host "$TGT6") p
  for p in $(ports silent); do args+=(--silent "$p"); done
  for p in $(ports closing); do args+=(--closing "$p"); done
  launch mute "$PYTHON" "$SCRIPT_DIR/lab_mute_listener.py" "${args[@]}"
}

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

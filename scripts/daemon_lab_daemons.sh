# daemon_lab_daemons.sh: how scripts/daemon_lab.sh configures and starts each daemon of the lab, one
# start_ROLE function each (sourced by daemon_lab.sh, which defines RUN, NAME, TGT4, TGT6, PG_BIN,
# CACHE_ROOT, TEMPLATE_RECIPE, ports, launch and die). Every function writes its daemon's configuration
# under $RUN/conf, its data under $RUN/data, and launches it in the foreground in the target namespace.
# The ports come from tests/lab/daemons.conf (`ports ROLE`), never from here.
# shellcheck shell=bash disable=SC2016,SC2153  # $ in single quotes: for an inner shell or a config; NAME: the caller's

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

#!/usr/bin/env bash
# slurm_up.sh: a one-node Slurm cluster of its own, for the tests (and for trying the job
# array by hand): munged, slurmctld and slurmd on 127.0.0.1, every file under DIR.
#
#   scripts/slurm_up.sh up DIR     install slurm-wlm + munge if missing, write DIR/slurm.conf,
#                                  start the daemons, wait for the node to be idle
#   scripts/slurm_up.sh down DIR   stop the daemons this script started (by their pid files)
#   export SLURM_CONF=DIR/slurm.conf   then sbatch, squeue, scancel talk to this cluster
#
# No cgroups and no systemd: proctrack/linuxproc (jobs tracked by process tree), task/none,
# no accounting. The node claims 4 CPUs whatever the machine has (config_overrides), so a
# 4-task array runs at once on a 2-core machine. Ports: SLURM_UP_PORT (default: a free pair
# from 6817 up). Everything runs as root; the daemons listen on this machine only for
# traffic from slurm's own clients on it. Exit codes: 0 up/down, 1 failed (logs printed),
# 77 cannot install (no root, or the packages are not available).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[[ ($cmd == up || $cmd == down) && -n $dir ]] || { echo "usage: $0 up|down DIR" >&2; exit 2; }
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)

stop() {
  local name pid
  for name in slurmd slurmctld munged; do
    [[ -f $dir/$name.pid ]] || continue
    pid=$(<"$dir/$name.pid")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/$name.pid"
  done
}

if [[ $cmd == down ]]; then
  stop
  exit 0
fi

[[ $(id -u) -eq 0 ]] || { echo "slurm_up: need root" >&2; exit 77; }
packages=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "slurm_up: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The packages' own services would start with the default configuration: keep them off.
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  ok=1
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$dir/apt.log" 2>&1 ||
    { apt-get update -qq >>"$dir/apt.log" 2>&1 &&
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$dir/apt.log" 2>&1; } || ok=0
  ((own_policy)) && rm -f "$policy"
  ((ok)) || { echo "slurm_up: cannot install ${missing[*]}:" >&2; tail -5 "$dir/apt.log" >&2; exit 77; }
fi

stop  # a previous run's daemons in the same DIR
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
chmod 0700 "$dir"

# munge: a fresh key, our own socket (the system's munged, if any, is left alone).
[[ -f $dir/munge.key ]] || { head -c 1024 /dev/urandom >"$dir/munge.key"; chmod 0400 "$dir/munge.key"; }
munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" --pid-file="$dir/munged.pid" \
       --log-file="$dir/log/munged.log" --seed-file="$dir/munged.seed" 2>"$dir/log/munged.err" ||
  { echo "slurm_up: munged did not start:" >&2; cat "$dir/log/munged.err" "$dir/log/munged.log" >&2; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${SLURM_UP_PORT:-6817}
if [[ -z ${SLURM_UP_PORT:-} ]]; then
  while ! port_free "$port" || ! port_free $((port + 1)); do port=$((port + 2)); done
fi
node=$(hostname -s)
cat >"$dir/slurm.conf" <<CONF
# Written by scripts/slurm_up.sh: a one-node cluster for portauth's tests.
ClusterName=portauth
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=5
MinJobAge=600
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=4 RealMemory=1024 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" -i || { echo "slurm_up: slurmctld did not start:" >&2; tail -20 "$dir/log/slurmctld.log" >&2; exit 1; }
slurmd -f "$SLURM_CONF" || { echo "slurm_up: slurmd did not start:" >&2; tail -20 "$dir/log/slurmd.log" >&2; exit 1; }
for _ in $(seq 150); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  [[ $state == idle ]] && { echo "slurm_up: node $node idle; export SLURM_CONF=$SLURM_CONF" >&2; exit 0; }
  sleep 0.2
done
echo "slurm_up: the node did not become idle (state '${state:-?}'):" >&2
tail -20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2
exit 1

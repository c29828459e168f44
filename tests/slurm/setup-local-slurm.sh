#!/usr/bin/env bash
# Start a real single-node SLURM cluster on this machine, for the tests in tests/test_slurm.py
# and for bench/slurm_overhead.py.
#
#   bash tests/slurm/setup-local-slurm.sh        # install (if needed), configure, start, wait
#   bash tests/slurm/teardown-local-slurm.sh     # stop what this script started (PID files)
#
# What it does (Debian/Ubuntu, no systemd needed):
#   1. installs munge, slurmctld, slurmd, slurm-client with apt-get when they are missing
#      (as root; through sudo otherwise);
#   2. writes /etc/slurm/slurm.conf and /etc/slurm/gres.conf for ONE node named `hostname -s`
#      with the machine's real CPUs/memory (taken from `slurmd -C`) and a fake GPU
#      (Gres=gpu:1, File=/dev/null, AutoDetect=off) so that jobs asking for a GPU schedule on a
#      CPU-only machine; no accounting database (use `slurm-status-command: squeue`, which needs
#      MinJobAge >= 3 x the status interval: MinJobAge is 600 s here);
#   3. starts munged, slurmctld and slurmd, each with its PID file under $SLURM_BASE
#      (run/slurmctld.pid, run/slurmd.pid, munge/munged.pid);
#   4. waits until `sinfo` shows the node idle, then prints where the logs are.
#
# It is idempotent: when the daemons it started are still alive and the node answers, it only
# waits for the node to be idle. It refuses to overwrite a slurm.conf it did not write, and it
# refuses to start when a slurmctld/slurmd that it did not start is running. Every failure ends
# with a non-zero exit status and the tail of the daemons' logs.
#
# Environment:
#   SLURM_BASE      state, spool, logs and PID files (default /tmp/inforelay-slurm)
#   SLURM_CONF_DIR  where slurm.conf/gres.conf go (default /etc/slurm; clients read it there)
#   SLURM_WAIT_S    seconds to wait for the node to become idle (default 60)
set -euo pipefail

SLURM_BASE=${SLURM_BASE:-/tmp/inforelay-slurm}
SLURM_CONF_DIR=${SLURM_CONF_DIR:-/etc/slurm}
SLURM_WAIT_S=${SLURM_WAIT_S:-60}
MARKER="# written by inforelay tests/slurm/setup-local-slurm.sh"
HOST=$(hostname -s)
RUN="$SLURM_BASE/run"
LOG="$SLURM_BASE/log"
MUNGE_DIR="$SLURM_BASE/munge"
CONF="$SLURM_CONF_DIR/slurm.conf"
export SLURM_CONF="$CONF"     # read by every SLURM command (daemons get -f "$CONF" too)
SUDO=()

log() { printf '[setup-local-slurm] %s\n' "$*" >&2; }

show_logs() {
  for f in "$LOG"/slurmctld.log "$LOG"/slurmd.log "$MUNGE_DIR"/munged.log; do
    if [ -s "$f" ]; then
      printf '\n----- last lines of %s -----\n' "$f" >&2
      "${SUDO[@]}" tail -n 25 "$f" >&2 || true
    fi
  done
}

die() {
  log "ERROR: $*"
  show_logs
  exit 1
}
# an unexpected failing command (set -e) names its line and shows the logs too
on_error() {
  log "ERROR: command failed (exit $1) at line $2"
  show_logs
}
trap 'on_error $? $LINENO' ERR

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n env "SLURM_CONF=$CONF")
else
  die "not root and sudo is not available: cannot install packages or start daemons"
fi

# pid_alive PIDFILE: true when PIDFILE names a live process
pid_alive() { [ -s "$1" ] && "${SUDO[@]}" kill -0 "$(cat "$1")" 2>/dev/null; }

node_state() { sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n 1; }

wait_idle() {
  local state="" i
  for ((i = 0; i < SLURM_WAIT_S * 5; i++)); do
    state=$(node_state || true)
    case "$state" in
      idle) return 0 ;;
      down* | drain* | fail*)
        # a restarted slurmd can come back "down" for a moment; ask for the node back once a second
        if ((i % 5 == 0)); then
          "${SUDO[@]}" scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true
        fi ;;
    esac
    sleep 0.2
  done
  scontrol show node "$HOST" >&2 2>/dev/null || true
  die "node $HOST did not become idle within ${SLURM_WAIT_S}s (last state: '${state:-no answer}')"
}

print_summary() {
  sinfo
  cat >&2 <<EOF
[setup-local-slurm] single-node SLURM is up: node $HOST, partition 'debug', fake GPU gres gpu:1
[setup-local-slurm] config : $SLURM_CONF_DIR/slurm.conf, $SLURM_CONF_DIR/gres.conf
[setup-local-slurm] logs   : $LOG/slurmctld.log, $LOG/slurmd.log, $MUNGE_DIR/munged.log
[setup-local-slurm] pids   : $RUN/slurmctld.pid, $RUN/slurmd.pid, $MUNGE_DIR/munged.pid  (stop with: bash tests/slurm/teardown-local-slurm.sh)
[setup-local-slurm] clients: SLURM_CONF=$CONF (export it when SLURM_CONF_DIR is not /etc/slurm)
[setup-local-slurm] status : no accounting DB -> use 'slurm-status-command: squeue' (profiles/slurm-local)
EOF
}

# ---------------------------------------------------------------- already running? ------------
if pid_alive "$RUN/slurmctld.pid" && pid_alive "$RUN/slurmd.pid" \
  && { pid_alive "$MUNGE_DIR/munged.pid" || pgrep -x munged >/dev/null 2>&1; }; then
  log "daemons from an earlier run are alive (PID files in $RUN); waiting for the node"
  wait_idle
  print_summary
  exit 0
fi

# ---------------------------------------------------------------- packages ---------------------
PKGS=(munge slurmctld slurmd slurm-client)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${missing[*]} by hand"
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi
for c in munged slurmctld slurmd sinfo squeue sbatch scontrol; do
  command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || die "$c not found after installation"
done

# ---------------------------------------------------------------- foreign daemons? -------------
for d in slurmctld slurmd; do
  if pgrep -x "$d" >/dev/null 2>&1 && ! pid_alive "$RUN/$d.pid"; then
    die "a $d that this script did not start is running (pid $(pgrep -x "$d" | tr '\n' ' ')); \
stop it or use that cluster directly"
  fi
done

if [ -e "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
  die "$CONF exists and was not written by this script; refusing to overwrite a real SLURM config"
fi

"${SUDO[@]}" mkdir -p "$SLURM_BASE"/{state,spool} "$RUN" "$LOG"

# ---------------------------------------------------------------- munge ------------------------
# munged runs as user munge: its PID file and log live in $MUNGE_DIR (owned by munge)
if pid_alive "$MUNGE_DIR/munged.pid"; then
  log "munged already running (ours)"
elif pgrep -x munged >/dev/null 2>&1; then
  log "using the munged that is already running on this machine (it will not be stopped)"
else
  if ! "${SUDO[@]}" test -s /etc/munge/munge.key; then
    log "creating /etc/munge/munge.key"
    "${SUDO[@]}" mungekey --create --force
    "${SUDO[@]}" chown munge:munge /etc/munge/munge.key
    "${SUDO[@]}" chmod 600 /etc/munge/munge.key
  fi
  "${SUDO[@]}" mkdir -p /run/munge "$MUNGE_DIR"
  "${SUDO[@]}" chown munge:munge /run/munge "$MUNGE_DIR"
  "${SUDO[@]}" chmod 700 "$MUNGE_DIR"
  "${SUDO[@]}" runuser -u munge -- /usr/sbin/munged \
    --pid-file="$MUNGE_DIR/munged.pid" --log-file="$MUNGE_DIR/munged.log" \
    || die "munged failed to start (log: $MUNGE_DIR/munged.log)"
  for _ in $(seq 50); do pid_alive "$MUNGE_DIR/munged.pid" && break; sleep 0.1; done
  pid_alive "$MUNGE_DIR/munged.pid" || die "munged is not running after start"
fi
for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
munge -n </dev/null | unmunge >/dev/null 2>&1 || die "munge does not work (munge -n | unmunge failed)"

# ---------------------------------------------------------------- configuration ----------------
# the machine's real topology as slurmd sees it (CPUs, sockets, cores, threads, memory);
# a node configured with more than it has would be drained by slurmctld
HW=$(slurmd -C | head -n 1)
[[ "$HW" == NodeName=* ]] || die "slurmd -C did not describe this node: $HW"
REAL_MEM=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$HW")
MEM_MB=$((REAL_MEM > 2048 ? REAL_MEM - 1024 : REAL_MEM))
TOPO=$(sed -e 's/^NodeName=[^ ]* //' -e 's/ RealMemory=[0-9]*//' <<<"$HW")

"${SUDO[@]}" mkdir -p "$SLURM_CONF_DIR"
"${SUDO[@]}" tee "$CONF" >/dev/null <<EOF
$MARKER
ClusterName=inforelay-local
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$SLURM_BASE/state
SlurmdSpoolDir=$SLURM_BASE/spool
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# every logical CPU is a schedulable unit, memory is a consumable resource
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
# jobs that ask for no memory get 1 GiB per CPU (not the whole node)
DefMemPerCPU=1024
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
# finished jobs stay visible to squeue for 10 minutes: the executor's squeue status queries need
# MinJobAge >= 3 x its status interval
MinJobAge=600
KillWait=5
GresTypes=gpu
NodeName=$HOST NodeAddr=127.0.0.1 $TOPO RealMemory=$MEM_MB Gres=gpu:1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
# a fake GPU: File=/dev/null, no detection; jobs get SLURM_JOB_GPUS/CUDA_VISIBLE_DEVICES set
"${SUDO[@]}" tee "$SLURM_CONF_DIR/gres.conf" >/dev/null <<EOF
$MARKER
AutoDetect=off
NodeName=$HOST Name=gpu File=/dev/null
EOF

# ---------------------------------------------------------------- daemons ----------------------
if ! pid_alive "$RUN/slurmctld.pid"; then
  "${SUDO[@]}" rm -f "$RUN/slurmctld.pid"
  # -c: start from a clean state (no jobs of an earlier test cluster); daemonizes
  "${SUDO[@]}" slurmctld -f "$CONF" -c || die "slurmctld failed to start"
fi
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.1; done
scontrol ping 2>/dev/null | grep -q UP || die "slurmctld does not answer 'scontrol ping'"

if ! pid_alive "$RUN/slurmd.pid"; then
  "${SUDO[@]}" rm -f "$RUN/slurmd.pid"
  "${SUDO[@]}" slurmd -f "$CONF" || die "slurmd failed to start"
fi
for _ in $(seq 50); do pid_alive "$RUN/slurmd.pid" && break; sleep 0.1; done
pid_alive "$RUN/slurmd.pid" || die "slurmd exited right after start"
pid_alive "$RUN/slurmctld.pid" || die "slurmctld exited right after start"

wait_idle
print_summary

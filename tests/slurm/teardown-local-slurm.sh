#!/usr/bin/env bash
# Stop the single-node SLURM started by tests/slurm/setup-local-slurm.sh.
#
# Only the daemons named by the setup script's PID files are stopped (slurmd, slurmctld, then
# munged when the setup script started it); nothing is killed by name. Jobs still in the queue
# are cancelled first so that slurmd does not leave job processes behind. Then the slurm.conf
# and gres.conf that the setup script wrote are removed. Safe to run twice.
#
# Environment: SLURM_BASE (default /tmp/inforelay-slurm), SLURM_CONF_DIR (default /etc/slurm),
#              SLURM_PURGE=1 also removes $SLURM_BASE (state, logs) after stopping.
set -uo pipefail

SLURM_BASE=${SLURM_BASE:-/tmp/inforelay-slurm}
SLURM_CONF_DIR=${SLURM_CONF_DIR:-/etc/slurm}
export SLURM_CONF="$SLURM_CONF_DIR/slurm.conf"
RUN="$SLURM_BASE/run"
MUNGE_DIR="$SLURM_BASE/munge"

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo -n env "SLURM_CONF=$SLURM_CONF"); fi
log() { printf '[teardown-local-slurm] %s\n' "$*" >&2; }

pid_of() { [ -s "$1" ] && cat "$1"; }

# stop_pidfile NAME PIDFILE: TERM, wait up to 10 s, then KILL; fails if it cannot be stopped
stop_pidfile() {
  local name=$1 pf=$2 pid
  pid=$(pid_of "$pf") || { log "$name: no PID file ($pf), nothing to stop"; return 0; }
  if ! "${SUDO[@]}" kill -0 "$pid" 2>/dev/null; then
    log "$name: pid $pid from $pf is not running"
    "${SUDO[@]}" rm -f "$pf"
    return 0
  fi
  "${SUDO[@]}" kill -TERM "$pid"
  for _ in $(seq 100); do
    "${SUDO[@]}" kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if "${SUDO[@]}" kill -0 "$pid" 2>/dev/null; then
    log "$name: pid $pid ignored TERM for 10 s, sending KILL"
    "${SUDO[@]}" kill -KILL "$pid" 2>/dev/null
    sleep 0.2
  fi
  if "${SUDO[@]}" kill -0 "$pid" 2>/dev/null; then
    log "ERROR: $name (pid $pid) is still running"
    return 1
  fi
  "${SUDO[@]}" rm -f "$pf"
  log "$name: stopped (pid $pid)"
}

rc=0
ctld_pid=$(pid_of "$RUN/slurmctld.pid") || ctld_pid=""
if [ -n "$ctld_pid" ] && "${SUDO[@]}" kill -0 "$ctld_pid" 2>/dev/null; then
  # cancel what is left in the queue (tests that failed half-way), then give slurmd a moment
  mapfile -t queued < <(squeue -h -o %i 2>/dev/null)
  if ((${#queued[@]})); then
    log "cancelling the jobs still queued: ${queued[*]}"
    "${SUDO[@]}" scancel --full --quiet "${queued[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      [ -z "$(squeue -h -t pending,running,completing -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
fi
stop_pidfile slurmd "$RUN/slurmd.pid" || rc=1
stop_pidfile slurmctld "$RUN/slurmctld.pid" || rc=1
stop_pidfile munged "$MUNGE_DIR/munged.pid" || rc=1

# Remove the config the setup script wrote (never a foreign one): with a slurm.conf naming a
# controller that is gone, every SLURM client call (`scontrol show config`, which the Snakemake
# SLURM plugin runs at import, i.e. in every `snakemake` command) hangs ~10 s on the timeout.
MARKER="# written by inforelay tests/slurm/setup-local-slurm.sh"
if [ $rc -eq 0 ]; then
  for conf in "$SLURM_CONF_DIR/slurm.conf" "$SLURM_CONF_DIR/gres.conf"; do
    if [ -f "$conf" ] && grep -qF "$MARKER" "$conf"; then
      "${SUDO[@]}" rm -f "$conf" && log "removed $conf"
    fi
  done
fi

if [ "${SLURM_PURGE:-0}" = 1 ] && [ $rc -eq 0 ]; then
  "${SUDO[@]}" rm -rf "$SLURM_BASE"
  log "removed $SLURM_BASE"
else
  log "logs kept in $SLURM_BASE/log and $MUNGE_DIR"
fi
exit $rc

#!/usr/bin/env bash
# A real S3 server on loopback for lazyscribe-cpp's S3 tests: Ceph's RADOS Gateway (radosgw)
# over a one-node Ceph cluster (one monitor, one memory-backed OSD), from Debian's packages.
#
#   scripts/s3-server.sh start DIR            install if missing, start afresh in DIR, write DIR/env
#   scripts/s3-server.sh stop DIR [--keep-logs]
#   scripts/s3-server.sh kill-gateway DIR     SIGKILL radosgw only (a crash, mid-request if one runs)
#   scripts/s3-server.sh start-gateway DIR    start radosgw again, wait until it answers
#   scripts/s3-server.sh restart-gateway DIR  the two above in one
#
# After `start`, `source DIR/env` gives AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_REGION, LAZYSCRIBE_S3_TEST_BUCKET and LAZYSCRIBE_S3_SERVER_DIR.
#
# Environment: S3_PORT (gateway port; default 7480, or a free one when 7480 is taken and
# S3_PORT is not set), S3_BUCKET (default lazyscribe-test), S3_MEMSTORE_BYTES (the OSD's
# in-memory capacity, default 4 GiB; memory is only used as objects are written),
# S3_WAIT_SECONDS (how long to wait for the gateway, default 60), S3_KEEP_ON_FAILURE=1 (a
# failed start leaves its daemons running, to look into them).
#
# Everything lives in DIR: configuration, monitor store, logs, sockets. Nothing goes to
# /etc/ceph or /var/lib/ceph and no systemd is involved, so several servers can run side by
# side and each is stopped by the process ids recorded in DIR/<daemon>.pid.
set -euo pipefail

# Test-only credentials, known to the tests; this server never leaves loopback.
readonly ACCESS_KEY=LAZYSCRIBETESTKEY
readonly SECRET_KEY=lazyscribe-test-secret-not-a-real-key
readonly REGION=us-east-1
readonly PACKAGES=(radosgw ceph-mon ceph-osd)
# Written into DIR so that `start` only ever wipes a directory this script made.
readonly MARKER=.lazyscribe-s3-server
readonly WAIT_SECONDS=${S3_WAIT_SECONDS:-60}

log() { echo "s3-server: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- installing ------------------------------------------------------------------------

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    local as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "need root or sudo to install: ${missing[*]}"
        as_root=(sudo -n)
    fi
    local t0
    t0=$(now)
    log "installing ${missing[*]}"
    local install=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive
                   apt-get install -y -q --no-install-recommends "${missing[@]}")
    # An empty package list (a fresh machine) cannot install anything: refresh it first. A
    # stale one fails on versions gone from the mirror: refresh it and try once more.
    if ! apt-cache show "${missing[0]}" >/dev/null 2>&1; then
        "${as_root[@]}" apt-get update -q
    fi
    if ! "${install[@]}"; then
        "${as_root[@]}" apt-get update -q
        "${install[@]}"
    fi
    log "install took $(elapsed "$t0") s"
}

# ---- processes -------------------------------------------------------------------------

pid_of() { cat "$DIR/$1.pid" 2>/dev/null || true; }

# True when PID is alive and is one of this DIR's daemons: a recycled pid, or a daemon of
# another DIR, is never signalled. Zombies count as gone.
is_ours() {
    local pid=$1
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--conf $DIR/ceph.conf "
}

# Starts a daemon in the foreground mode (-f: no fork, so $! is the daemon's own pid) in the
# background, its stdout/stderr in DIR/log/NAME.out, and records its pid in DIR/NAME.pid.
spawn() {
    local name=$1
    shift
    "$@" --conf "$DIR/ceph.conf" -f </dev/null >>"$DIR/log/$name.out" 2>&1 &
    echo $! >"$DIR/$name.pid"
}

# Sends SIG to NAME's recorded pid and waits (bounded, GRACE seconds) until it is gone;
# escalates to SIGKILL when it outlives the wait (silently when QUIET is set).
stop_daemon() {
    local name=$1 sig=$2 grace=$3 quiet=${4:-} pid i
    pid=$(pid_of "$name")
    if is_ours "$pid"; then
        kill "-$sig" "$pid" 2>/dev/null || true
        for ((i = 0; i < grace * 10; i++)); do
            is_ours "$pid" || break
            sleep 0.1
        done
        if is_ours "$pid"; then
            [ -n "$quiet" ] || log "$name (pid $pid) outlived SIG$sig for ${grace} s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 50; i++)); do
                is_ours "$pid" || break
                sleep 0.1
            done
        fi
    fi
    rm -f "$DIR/$name.pid"
}

# Clients before servers, so that the OSD can still tell the monitor it is going down
# instead of waiting for an answer that never comes.
stop_all() {
    # radosgw takes ~4.5 s to honour SIGTERM (its background threads sleep) and keeps no
    # state of its own, so it gets 1 s before SIGKILL; the OSD saves its memstore on SIGTERM
    # and the monitor flushes its store, so they get 10 s.
    stop_daemon rgw TERM 1 quiet
    stop_daemon osd TERM 10
    stop_daemon mon TERM 10
}

# The EXIT trap of the commands that start daemons: on a failure, show the logs and stop what
# is now half up (CLEANUP: stop_all, or stopping the gateway alone). S3_KEEP_ON_FAILURE=1
# leaves the daemons running, to look into them.
on_failure() {
    local status=$1 cleanup=$2
    [ "$status" -ne 0 ] || return 0
    show_logs
    [ "${S3_KEEP_ON_FAILURE:-0}" = 1 ] || "$cleanup"
    log "$cmd failed; logs kept in $DIR/log"
}

stop_gateway_now() { stop_daemon rgw KILL 10; }

show_logs() {
    local f
    for f in "$DIR"/log/*; do
        [ -s "$f" ] || continue
        echo "----- last lines of $f -----" >&2
        tail -n 25 "$f" >&2
    done
}

# Fails (with the daemon's log) as soon as a daemon that should be running has exited,
# rather than waiting out the whole timeout.
check_alive() {
    local name
    for name in "$@"; do
        is_ours "$(pid_of "$name")" || die "$name exited (see its log below)"
    done
}

# ---- the gateway ----------------------------------------------------------------------

gateway_port() { cat "$DIR/rgw.port"; }

# Any HTTP status means the gateway has finished its start (beast listens last).
gateway_answers() {
    local code
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$(gateway_port)/" || true)
    [ "$code" != 000 ] && [ -n "$code" ]
}

start_gateway() {
    local port t0 deadline
    port=$(gateway_port)
    port_free "$port" || die "port $port is taken: the gateway cannot listen there"
    t0=$(now)
    deadline=$((SECONDS + WAIT_SECONDS))
    spawn rgw radosgw -n client.rgw.gw
    while ! gateway_answers && [ "$SECONDS" -lt "$deadline" ]; do
        check_alive rgw osd mon
        sleep 0.2
    done
    gateway_answers || die "radosgw did not answer on 127.0.0.1:$port within $WAIT_SECONDS s"
    log "radosgw answers on 127.0.0.1:$port (pid $(pid_of rgw), $(elapsed "$t0") s)"
}

kill_gateway() {
    # SIGKILL, as a crash would: no clean shutdown, requests in flight are cut.
    stop_daemon rgw KILL 10
}

# ---- ports ----------------------------------------------------------------------------

# Nobody listens on 127.0.0.1:PORT (a refused connection).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free port below Linux's ephemeral range (32768-60999), so that an outgoing connection's
# local port cannot take it between this choice and the daemon's bind.
free_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 12000))
        if port_free "$p"; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

# ---- start ----------------------------------------------------------------------------

write_conf() {
    local fsid=$1 mon_port=$2 rgw_port=$3
    cat >"$DIR/ceph.conf" <<EOF
# One monitor, one memory-backed OSD and one gateway, all on loopback, all in this directory.
# Written by scripts/s3-server.sh, for tests only.
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:$mon_port]
# msgr2 only: one port for the monitor.
ms_bind_msgr1 = false
ms_bind_ipv6 = false
# No keys to hand around: nothing but this machine's loopback reaches these daemons.
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# Without keys there is nothing to encrypt with: "secure" mode (radosgw's default towards the
# monitor) would fail with EACCES.
ms_cluster_mode = crc
ms_service_mode = crc
ms_client_mode = crc
ms_mon_cluster_mode = crc
ms_mon_service_mode = crc
ms_mon_client_mode = crc
keyring = $DIR/keyring
# Everything stays in this directory.
run_dir = $DIR/run
admin_socket = $DIR/run/\$name.asok
pid_file =
log_file = $DIR/log/\$name.log
mon_cluster_log_file = $DIR/log/cluster.log
crash_dir = $DIR/crash
mon_data = $DIR/mon/\$cluster-\$id
osd_data = $DIR/osd/\$cluster-\$id
rgw_data = $DIR/rgw
# One copy of everything: there is one OSD, and pools of size 1 are what tests want.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
# A nearly full disk must not stop the monitor of a throwaway cluster.
mon_data_avail_crit = 1
mon_data_avail_warn = 2
# Every pool the gateway creates (4 at its start, 2 with the first bucket, 1 with the first
# multipart upload) and every step of the OSD's boot is a new OSD map, which the monitor
# batches for paxos_propose_interval (1 s): a tenth of that makes the start seconds faster.
paxos_propose_interval = 0.1
# Fail within bounds rather than wait 5 minutes for a monitor that is not there.
client_mount_timeout = 30
rados_mon_op_timeout = 30

[osd]
# Objects live in the OSD's memory (and on disk only when it stops cleanly), so tests
# write nothing big to disk. The size is a cap, not an allocation.
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
osd_crush_initial_weight = 1
# No scrubbing in a cluster that lives for one test run.
osd_scrub_load_threshold = 0
osd_scrub_min_interval = 1000000
osd_scrub_max_interval = 1000000
osd_deep_scrub_interval = 1000000

[client]
# No metadata cache in the gateway (nor in radosgw-admin). With it, every bucket or user
# change notifies all gateways that watch the control pool, and the watch of a gateway
# killed by kill-gateway lingers for 30 s: the first bucket created after a restart took
# 27 s. Without it, no notifications, and a few ms more per request.
rgw_cache_enabled = false

[client.rgw.gw]
rgw_frontends = beast endpoint=127.0.0.1:$rgw_port
rgw_thread_pool_size = 64
rgw_enable_usage_log = false
rgw_enable_ops_log = false
# A single zone: no multisite sync threads.
rgw_run_sync_thread = false
# Replaced and deleted objects' data is freed by the gateway's garbage collector, by default 2 h
# later: a test run that rewrites big objects filled the 4 GiB memory store ("full status
# failsafe engaged, dropping updates"). Collect after 30 s instead.
rgw_gc_obj_min_wait = 30
rgw_gc_processor_period = 30
EOF
}

cmd_start() {
    local t_all t0 fsid mon_port rgw_port i osd_uuid bucket code
    t_all=$(now)
    install_packages

    # A fresh directory, but only ever wipe one that this script made (or an empty one).
    if [ -e "$DIR" ]; then
        [ -d "$DIR" ] || die "$DIR exists and is not a directory"
        if [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/$MARKER" ]; then
            die "$DIR is not empty and was not made by this script: refusing to wipe it"
        fi
        stop_all   # a server still running there from an earlier start
        rm -rf "${DIR:?}"/* "${DIR:?}"/.[!.]*
    fi
    mkdir -p "$DIR"/{log,run,crash,mon,osd,rgw}
    touch "$DIR/$MARKER"

    # From here on, a failure shows the logs and stops whatever was started.
    trap 'on_failure "$?" stop_all' EXIT

    t0=$(now)
    fsid=$(uuidgen)
    mon_port=$(free_port)
    if [ -n "${S3_PORT:-}" ]; then
        rgw_port=$S3_PORT
        port_free "$rgw_port" || die "S3_PORT=$rgw_port is taken"
    elif port_free 7480; then
        rgw_port=7480
    else
        rgw_port=$(free_port)
    fi
    echo "$rgw_port" >"$DIR/rgw.port"
    write_conf "$fsid" "$mon_port" "$rgw_port"

    # The monitor: a keyring for its mkfs (the cluster itself runs without auth) and a
    # monitor map naming the one monitor.
    ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$DIR/monmap" >/dev/null
    ceph-mon --conf "$DIR/ceph.conf" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" \
        >>"$DIR/log/mon.out" 2>&1
    spawn mon ceph-mon -i a

    # The OSD: registered with the monitor, then its (empty, in-memory) store made.
    osd_uuid=$(uuidgen)
    i=$(timeout 60 ceph --conf "$DIR/ceph.conf" --connect-timeout 30 osd new "$osd_uuid" 2>>"$DIR/log/ceph-cli.out") \
        || die "the monitor did not register the OSD"
    [ "$i" = 0 ] || die "expected OSD id 0, got '$i'"
    mkdir -p "$DIR/osd/ceph-0"   # memstore keeps its fsid file there; mkfs does not make it
    ceph-osd --conf "$DIR/ceph.conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$DIR/log/osd.out" 2>&1
    spawn osd ceph-osd -i 0

    # The gateway creates its pools at its first start and answers once they are usable.
    start_gateway
    log "cluster and gateway up in $(elapsed "$t0") s"

    radosgw-admin --conf "$DIR/ceph.conf" user create --uid=lazyscribe-test \
        --display-name="lazyscribe-cpp tests" --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" \
        >>"$DIR/log/radosgw-admin.out" 2>&1 || die "radosgw-admin user create failed"

    bucket=${S3_BUCKET:-lazyscribe-test}
    # curl 7.88 signs the body's hash without sending x-amz-content-sha256, and radosgw, not
    # seeing the header, checks against UNSIGNED-PAYLOAD (403 SignatureDoesNotMatch): say it.
    code=$(curl -s -o "$DIR/log/create-bucket.out" -w '%{http_code}' -m 30 -X PUT \
        --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
        -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
        "http://127.0.0.1:$rgw_port/$bucket" || true)
    [ "$code" = 200 ] || die "creating bucket $bucket answered HTTP $code: $(cat "$DIR/log/create-bucket.out")"

    cat >"$DIR/env" <<EOF
export AWS_ENDPOINT_URL=http://127.0.0.1:$rgw_port
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_REGION=$REGION
export AWS_DEFAULT_REGION=$REGION
export LAZYSCRIBE_S3_TEST_BUCKET=$bucket
export LAZYSCRIBE_S3_SERVER_DIR=$DIR
EOF
    trap - EXIT
    log "ready in $(elapsed "$t_all") s: bucket $bucket at http://127.0.0.1:$rgw_port; source $DIR/env"
    log "pids: mon $(pid_of mon), osd $(pid_of osd), rgw $(pid_of rgw)"
}

cmd_stop() {
    local keep_logs=$1
    [ -d "$DIR" ] || return 0
    [ -e "$DIR/$MARKER" ] || die "$DIR was not made by this script"
    stop_all
    if [ "$keep_logs" = yes ]; then
        # The marker stays too, so that a later `start` may wipe the directory again.
        find "$DIR" -mindepth 1 -maxdepth 1 ! -name log ! -name "$MARKER" -exec rm -rf {} +
    else
        rm -rf "${DIR:?}"
    fi
    log "stopped"
}

# ---- main -----------------------------------------------------------------------------

[ $# -ge 2 ] || usage
cmd=$1
# An absolute path: it is written into ceph.conf and matched in the daemons' command lines.
DIR=$(realpath -m -- "$2")
[ "$DIR" != / ] || die "refusing to use / as the data directory"
# ceph.conf values and is_ours' match of command lines take the path as one word.
[[ "$DIR" != *[[:space:]]* ]] || die "the data directory's path must not contain spaces"
MEMSTORE_BYTES=${S3_MEMSTORE_BYTES:-$((4 << 30))}

case "$cmd" in
    start) cmd_start ;;
    stop)
        keep=no
        [ "${3:-}" = --keep-logs ] && keep=yes
        cmd_stop "$keep"
        ;;
    kill-gateway)
        [ -e "$DIR/$MARKER" ] || die "no server in $DIR"
        kill_gateway
        log "radosgw killed"
        ;;
    start-gateway)
        [ -e "$DIR/$MARKER" ] || die "no server in $DIR"
        is_ours "$(pid_of rgw)" && die "radosgw is already running (pid $(pid_of rgw))"
        # A gateway that does not come up is not left half started.
        trap 'on_failure "$?" stop_gateway_now' EXIT
        start_gateway
        trap - EXIT
        ;;
    restart-gateway)
        [ -e "$DIR/$MARKER" ] || die "no server in $DIR"
        kill_gateway
        trap 'on_failure "$?" stop_gateway_now' EXIT
        start_gateway
        trap - EXIT
        ;;
    *) usage ;;
esac

#!/bin/bash
# bench_stop.sh - how long esc-milter takes from SIGTERM to exit: idle, and
# with an idle MTA connection open (which it lets finish for at most
# shutdown_timeout, here 1 s).  Prints the median of 10 runs of each.
#
#   bench/bench_stop.sh [BUILDDIR]        (make bench runs it)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-$top}" && pwd)
W=$(mktemp -d /tmp/esc-bench-stop.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
user=
[ "$(id -u)" = 0 ] && user="-u nobody"
cat > "$W/esc.conf" <<CONF
socket = inet:$port@127.0.0.1
log = none
stats_interval = 0
shutdown_timeout = 1
CONF

listening() {
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2>/dev/null
}

# one_stop [hold] - milliseconds from SIGTERM to exit
one_stop() {
	local pid t0 t1 holder=
	"$b/src/milter/esc-milter" -f -c "$W/esc.conf" $user >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do listening "$port" && break; sleep 0.05; done
	if [ -n "${1:-}" ]; then
		# negotiate (a session starts), then say nothing
		python3 -c 'import socket,struct,sys,time; s=socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(struct.pack("!I", 13) + b"O" + struct.pack("!III", 6, 0x1ff, 0)); s.recv(100); time.sleep(30)' "$port" &
		holder=$!
		sleep 0.2
	fi
	t0=$(date +%s%N)
	kill -TERM "$pid"
	wait "$pid"
	t1=$(date +%s%N)
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	echo $(( (t1 - t0) / 1000000 ))
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

idle=$(for i in $(seq 10); do one_stop; done | median)
held=$(for i in $(seq 10); do one_stop hold; done | median)
echo "SIGTERM to exit, median of 10:"
printf '  %-44s %6s ms\n' "idle" "$idle"
printf '  %-44s %6s ms\n' "an idle MTA session open (shutdown_timeout 1 s)" "$held"

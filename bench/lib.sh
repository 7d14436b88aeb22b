# lib.sh - what the benchmark scripts share (sourced by bench_milter.sh,
# bench_postfix.sh, bench_maillog.sh, bench_report.sh and bench_trace.sh):
# waiting for a listener, timing a command.

# listening PORT - something accepts connections on 127.0.0.1:PORT
listening() {
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2>/dev/null
}

# wait_port PORT - wait up to 10 s for a listener; say so when none comes
wait_port() {
	local i
	for i in $(seq 100); do listening "$1" && return 0; sleep 0.1; done
	echo "$(basename "$0"): nothing listens on $1" >&2
	return 1
}

# med3 CMD... - the median wall time of three runs, in seconds
med3() {
	local i t0 t1 ts=()
	for i in 1 2 3; do
		t0=$(date +%s%N)
		"$@" > /dev/null 2>&1
		t1=$(date +%s%N)
		ts+=($(( (t1 - t0) / 1000000 )))
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p | awk '{printf "%.3f", $1 / 1000}'
}

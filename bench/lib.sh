# lib.sh - what the benchmark scripts share (sourced by bench_milter.sh
# and bench_postfix.sh): waiting for a listener.

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

# postfix-master.sh - the private Postfix instances that the end-to-end
# tests (tests/e2e/lib.sh) and the benchmarks (bench/bench_milter.sh,
# bench/bench_postfix.sh) start: the directories and the main.cf they
# share, and a master.cf with one smtpd listening on ADDR:PORT and the
# internal services, with the smtp client for the tests that relay.
#
#	postfix_instance DIR HOSTNAME   DIR/etc, DIR/queue, DIR/data and a
#	                                DIR/etc/main.cf callers append to
#	postfix_master_cf ADDR:PORT > master.cf
postfix_instance() {
	mkdir -p "$1/etc" "$1/queue" "$1/data"
	chown postfix "$1/data"
	cat > "$1/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $1/queue
data_directory = $1/data
myhostname = $2
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
default_transport = discard
local_transport = discard
relay_transport = discard
milter_default_action = tempfail
milter_protocol = 6
maillog_file_prefixes = /var, /dev/stdout, $(dirname "$1")
maillog_file = $1/maillog
smtputf8_enable = no
CF
	# readable by esc-milter's user (postlogd keeps the mode of a file
	# that exists)
	: > "$1/maillog"
	chmod 644 "$1/maillog"
}

postfix_master_cf() {
	cat <<CF
$1 inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
smtp unix - - n - - smtp
relay unix - - n - - smtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
CF
}

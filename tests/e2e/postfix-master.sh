# postfix-master.sh - the master.cf of the private Postfix instances that
# the end-to-end tests (tests/e2e/lib.sh) and the benchmark
# (bench/bench_milter.sh) start: one smtpd listening on ADDR:PORT and the
# internal services, with the smtp client for the tests that relay.
#
#	postfix_master_cf ADDR:PORT > master.cf
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

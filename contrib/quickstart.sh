#!/bin/bash
# quickstart.sh - from a fresh clone to a tested build (Debian/Ubuntu).
#
#   contrib/quickstart.sh deps    install the build and test dependencies (apt-get)
#   contrib/quickstart.sh build   deps, then autoreconf, configure, make
#   contrib/quickstart.sh test    build, then make check (the project's test command)
#   contrib/quickstart.sh demo    build, then run a throwaway Postfix on loopback
#                                 with esc-milter and the sample rules, send a few
#                                 messages with swaks, show replies, events, statistics
#   contrib/quickstart.sh distcheck   build, then make distcheck (the release tarball
#                                 builds and passes its unit and CLI tests)
#   contrib/quickstart.sh sanitize    the whole suite (end-to-end tests included) built
#                                 with AddressSanitizer and UBSan, in _san/
#   contrib/quickstart.sh valgrind    the daemon's end-to-end tests with esc-milter
#                                 under valgrind (errors and leaks fail)
#   contrib/quickstart.sh tsan    the daemon's end-to-end tests with esc-milter
#                                 built with ThreadSanitizer, in _tsan/ (a report
#                                 in the project's code fails; libmilter's own
#                                 are listed in tests/tsan.supp)
#   contrib/quickstart.sh fuzz [S]    every libFuzzer target for S seconds (default 30)
#   contrib/quickstart.sh package build the Debian package from the release tarball
#                                 (dpkg-buildpackage), check it with lintian, install
#                                 it, start the daemon with
#                                 the packaged configuration, check that it answers the
#                                 milter protocol, remove and purge it (needs root)
#
# Environment:
#   ESC_CONFIGURE_FLAGS   extra ./configure flags (e.g. --enable-sanitizers)
#   ESC_NO_APT=1          do not install packages (use what is there)
#   ESC_SHARED_DIR        the shared corpus/registry directory, if not ../shared
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

BUILD_DEPS="build-essential autoconf automake pkg-config m4 libmilter-dev \
libjansson-dev libpcre2-dev zlib1g-dev libmicrohttpd-dev"
# Tests use real components: Postfix, Sendmail's runtime libraries, swaks,
# miltertest, a DNS server, jq, mandoc, valgrind, a JSON Schema validator,
# Sisimai (the bounce classifier esc dsn's reasons are compared with),
# Chromium and tidy (esc report's HTML page: a real browser, a validator);
# the tools the contrib/ files are for (systemd-analyze, logrotate, rsyslog,
# promtool); Debian packaging tools.
TEST_DEPS="postfix swaks miltertest dnsmasq-base jq mandoc valgrind python3 \
python3-jsonschema libsisimai-perl chromium tidy libwrap0 liblockfile1 iproute2 procps psmisc util-linux \
clang libclang-rt-14-dev libfuzzer-14-dev systemd logrotate rsyslog rsyslog-relp \
prometheus \
dpkg-dev debhelper dh-autoreconf fakeroot"

say() { printf '==> %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "quickstart: need root to run: $*" >&2
		return 1
	fi
}

missing_pkgs() {
	local p out=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		    out+=("$p")
	done
	echo "${out[@]:-}"
}

deps() {
	if [ "${ESC_NO_APT:-0}" = 1 ]; then
		say "ESC_NO_APT=1: not installing packages"
		return 0
	fi
	if ! command -v apt-get >/dev/null; then
		say "no apt-get: install these yourself: $BUILD_DEPS $TEST_DEPS"
		return 0
	fi
	# shellcheck disable=SC2086
	local need
	need=$(missing_pkgs $BUILD_DEPS $TEST_DEPS)
	if [ -z "$need" ]; then
		say "all dependencies are installed"
		return 0
	fi
	say "installing: $need"
	# Postfix asks how to configure itself; the tests run private instances.
	echo "postfix postfix/main_mailer_type select No configuration" |
	    as_root debconf-set-selections 2>/dev/null || true
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $need >/dev/null
	# A packaged Postfix or mailfromd must not hold the ports the tests use.
	as_root postfix stop >/dev/null 2>&1 || true
}

# sendmail_rig - Debian's Sendmail unpacked (not installed) for the tests
sendmail_rig() {
	[ "${ESC_NO_APT:-0}" = 1 ] && return 0
	command -v apt-get >/dev/null || return 0
	bash tests/e2e/sendmail-rig.sh || say "could not fetch Sendmail; its tests will skip"
}

# sarif_tool - Microsoft's SARIF validator for the esc lint SARIF test
sarif_tool() {
	[ "${ESC_NO_APT:-0}" = 1 ] && return 0
	command -v npm >/dev/null || deps_npm
	command -v npm >/dev/null || return 0
	bash tests/cli/sarif-tool.sh || say "could not fetch the SARIF validator; its test will skip"
}

# deps_npm - npm from Debian, when the machine has none
deps_npm() {
	command -v apt-get >/dev/null || return 0
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends npm >/dev/null 2>&1 || true
}

build() {
	deps
	say "configuring"
	[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] ||
	    autoreconf -fi
	# shellcheck disable=SC2086
	[ -f Makefile ] && [ config.status -nt configure ] ||
	    ./configure ${ESC_CONFIGURE_FLAGS:-}
	say "building"
	make -j"$(nproc)"
}

find_shared() {
	local d
	for d in "${ESC_SHARED_DIR:-}" "$here/../shared"; do
		if [ -n "$d" ] && [ -d "$d/registry" ]; then
			(cd "$d" && pwd)
			return
		fi
	done
}

# use_shared - point the tests at ../shared (registry, corpus) when found
use_shared() {
	local shared
	shared=$(cd "$here" && find_shared)
	if [ -n "$shared" ]; then
		export ESC_SHARED_DIR="$shared"
		say "using the shared registry and corpus in $shared"
	else
		say "no shared corpus found (ESC_SHARED_DIR is not set and there is no ../shared):"
		say "the tests that read real bounces, logs and configurations will skip and say so"
	fi
}

# failing_logs LOG... - the end of each test log that records a failure
failing_logs() {
	grep -l -E '^(FAIL|ERROR)' "$@" 2>/dev/null |
	    while read -r f; do echo "---- $f"; tail -60 "$f"; done
}

test_() {
	build
	sendmail_rig
	sarif_tool
	use_shared
	say "running make check"
	if ! make -j"$(nproc)" check; then
		say "make check failed; the failing logs:"
		failing_logs $(find . -name '*.log' -not -name config.log)
		return 1
	fi
	say "all tests passed"
}

# distcheck - the tarball builds out of tree and passes the unit and CLI
# tests (the end-to-end tests ran on the tree with `test`)
distcheck_() {
	build
	say "running make distcheck"
	ESC_SKIP_E2E=1 make distcheck
}

# copy_tree DIR - the sources (tracked and new files) into DIR, so a second
# build can be configured there while this tree stays configured
copy_tree() {
	mkdir -p "$1"
	git ls-files -co --exclude-standard -z | xargs -0 tar -cf - | tar -xf - -C "$1"
}

# side_build DIR FLAGS... - a copy of the sources in DIR (beside this
# tree, which stays configured), configured with FLAGS and built; the
# shell is left in DIR
side_build() {
	local d="$here/$1/src"
	shift
	deps
	sendmail_rig
	sarif_tool
	say "copying the sources to $d"
	copy_tree "$d"
	cd "$d"
	[ -f Makefile ] && [ config.status -nt configure.ac ] || {
		autoreconf -fi >/dev/null 2>&1
		./configure "$@" >/dev/null
	}
	make -j"$(nproc)" >/dev/null
	use_shared
}

# sanitize - everything under ASan + UBSan
sanitize() {
	side_build _san --enable-sanitizers --enable-werror
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=23}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	say "running make check with ASan and UBSan"
	if ! make -j"$(nproc)" check; then
		failing_logs $(find . -name '*.log' -not -name config.log)
		return 1
	fi
	say "all tests passed under the sanitizers"
}

# tsan - the daemon's end-to-end tests with a ThreadSanitizer build
tsan() {
	side_build _tsan --enable-sanitizers=thread --enable-werror
	export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp}
	say "running the daemon's end-to-end tests under ThreadSanitizer"
	if ! make -j"$(nproc)" check TESTS="$(make -s print-daemon-tests)"; then
		failing_logs tests/e2e/*.log
		return 1
	fi
	say "no ThreadSanitizer report in the project's code"
}

# valgrind_ - the daemon's end-to-end tests under valgrind
valgrind_() {
	build
	sendmail_rig
	say "running the daemon's end-to-end tests under valgrind"
	if ! ESC_VALGRIND=1 make check TESTS="$(make -s print-valgrind-tests)"; then
		failing_logs tests/e2e/*.log
		return 1
	fi
	say "no valgrind error, no leak"
}

# fuzz - tests/fuzz/run.sh
fuzz() {
	deps
	bash tests/fuzz/run.sh "${1:-30}"
}

# package - build, install, run, remove the Debian package
package() {
	if [ "$(id -u)" != 0 ]; then
		echo "quickstart: the package test installs a .deb and needs root" >&2
		return 1
	fi
	build
	local w ver deb pid rc=0
	ver=$(sed -n 's/^AC_INIT(\[esc-milter\], \[\([^]]*\)\].*/\1/p' configure.ac)
	w=$(mktemp -d /tmp/esc-pkg.XXXXXX)
	say "making the release tarball"
	make dist >/dev/null
	tar -xzf "esc-milter-$ver.tar.gz" -C "$w"
	say "dpkg-buildpackage -us -uc -b in $w/esc-milter-$ver"
	(cd "$w/esc-milter-$ver" && dpkg-buildpackage -us -uc -b) > "$w/build.log" 2>&1 || {
		tail -40 "$w/build.log"
		return 1
	}
	deb=$(ls "$w"/esc-milter_"$ver"_*.deb)
	say "built $(basename "$deb")"
	# Debian's package checker: no error and no warning.
	if ! command -v lintian >/dev/null && [ "${ESC_NO_APT:-0}" != 1 ] &&
	    command -v apt-get >/dev/null; then
		say "installing lintian"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends lintian >/dev/null ||
		    say "could not install lintian"
	fi
	if command -v lintian >/dev/null; then
		say "lintian"
		local lrc=0 lout
		lout=$(lintian --fail-on error,warning "$w"/esc-milter_"$ver"_*.changes 2>&1) || lrc=$?
		printf '%s\n' "$lout" | sed -n '/running with root privileges/d; s/^./    &/p'
		[ "$lrc" = 0 ] || { echo "lintian found errors or warnings" >&2; rc=1; }
	else
		say "lintian is not installed: not checked"
	fi
	dpkg-deb -c "$deb" | awk '{print "    " $6}' | grep -E 'sbin/|bin/esc$|etc/|systemd|logrotate|man8'
	say "installing"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
	getent passwd esc-milter >/dev/null || { echo "no esc-milter user" >&2; rc=1; }
	esc -V && esc-milter -V
	esc-milter -n -c /etc/esc-milter/esc-milter.conf || rc=1
	# the daily report: installed, not enabled
	for f in /usr/share/esc-milter/esc-report-mail \
	    /usr/lib/systemd/system/esc-report.service \
	    /usr/lib/systemd/system/esc-report.timer; do
		[ -e "$f" ] || [ -e "${f#/usr}" ] || { echo "missing: $f" >&2; rc=1; }
	done
	if [ -d /run/systemd/system ] &&
	    [ "$(systemctl is-enabled esc-report.timer 2>/dev/null)" != disabled ]; then
		echo "esc-report.timer is not installed disabled" >&2
		rc=1
	fi
	if [ -d /run/systemd/system ]; then
		say "starting with systemctl"
		systemctl start esc-milter.service || rc=1
	else
		say "no systemd here: starting as the unit would, with -u esc-milter"
		install -d -o esc-milter -g esc-milter -m 0750 /run/esc-milter
		/usr/sbin/esc-milter -c /etc/esc-milter/esc-milter.conf -u esc-milter \
		    -P /run/esc-milter/esc-milter.pid || rc=1
	fi
	local i
	for i in $(seq 50); do
		python3 tests/e2e/milter_ping.py 127.0.0.1:8895 >/dev/null 2>&1 && break
		sleep 0.2
	done
	say "talking to it"
	python3 tests/e2e/milter_ping.py 127.0.0.1:8895 || rc=1
	sleep 0.5
	grep -q '"event":"config"' /var/log/esc-milter/events.json || {
		echo "no config event in /var/log/esc-milter/events.json" >&2
		rc=1
	}
	say "stopping and removing"
	if [ -d /run/systemd/system ]; then
		systemctl stop esc-milter.service
	else
		pid=$(cat /run/esc-milter/esc-milter.pid)
		kill -TERM "$pid"
		for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	fi
	as_root dpkg --purge esc-milter >/dev/null
	if [ -e /usr/sbin/esc-milter ] || [ -e /etc/esc-milter/esc-milter.conf ]; then
		echo "files left after purge" >&2
		rc=1
	fi
	rm -rf "$w"
	[ "$rc" = 0 ] && say "package built, installed, answered, removed" ||
	    say "package test FAILED"
	return "$rc"
}

# demo - see the milter at work (needs root: Postfix starts as root)
demo() {
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null && exec sudo -E bash "$0" demo
		echo "quickstart: the demo starts a private Postfix and needs root" >&2
		return 1
	fi
	build
	local top=$here
	# The end-to-end test helpers set up Postfix exactly as the tests do.
	top_srcdir=$top top_builddir=$top
	# shellcheck source=/dev/null
	. "$top/tests/cli/lib.sh"
	# shellcheck source=/dev/null
	. "$top/tests/e2e/lib.sh"
	skip_all() { echo "quickstart: cannot run the demo: $1" >&2; exit 1; }
	MPORT=18895 PPORT=2525 DPORT=18853
	e2e_init demo
	KEEP_E2E=${KEEP_DEMO:-}
	dns_start "$DPORT" nullmx:nullmx.example mx:example.org:10:mx.example.org

	say "esc-milter with the sample rules (conf/esc-milter.conf)"
	sed -e "s|^socket = .*|socket = inet:$MPORT@127.0.0.1|" \
	    -e "s|^log = .*|log = file:$EVENTS|" \
	    -e "s|^stats_file = .*|stats_file = $T/out/stats.json|" \
	    -e "s|^# prometheus_file = .*|prometheus_file = $T/out/esc.prom|" \
	    -e "s|^stats_interval = .*|stats_interval = 0|" \
	    -e "s|^resolver = .*|resolver = 127.0.0.1:$DPORT|" \
	    "$top/conf/esc-milter.conf" > "$T/esc.conf"
	"$MILTER" -n -c "$T/esc.conf"
	milter_start || return 1
	postfix_start || return 1
	say "Postfix listens on 127.0.0.1:$PPORT; its access map rejects denied@dest.example"

	show() {
		echo
		say "$1"
		shift
		swaks --server "127.0.0.1:$PPORT" --helo client.example "$@" 2>&1 |
		    grep -E '^(<\*\*|<-  *250 2\.0\.0|<-  *250 2\.1\.5)' | sed 's/^/    /' ||
		    true	# a rejection is what we want to show
	}
	show "a clean message" --from alice@example.org --to bob@dest.example
	show "sender domain with a null MX (RFC 7505)" \
	    --from someone@nullmx.example --to bob@dest.example
	show "recipient rejected by Postfix itself, observed by esc-milter" \
	    --from alice@example.org --to denied@dest.example
	show "SPF fail recorded by an earlier filter" \
	    --from alice@example.org --to bob@dest.example \
	    --add-header "Received-SPF: fail (example.org: 192.0.2.7 is not permitted)"

	echo
	say "the JSON events ($EVENTS)"
	sleep 0.5
	jq -c 'select(.event=="reply") | {source, stage, rule, recipient, reply, category, registered}' "$EVENTS" |
	    sed 's/^/    /'
	echo
	say "the statistics (Prometheus textfile)"
	stats_now
	grep -E '^esc_milter_(replies_total|replies_by_xcode_total|rule_matches_total)' "$T/out/esc.prom" |
	    sed 's/^/    /'
	echo
	say "done; everything ran in $T and is removed now (KEEP_DEMO=1 keeps it)"
}

case "${1:-}" in
deps) deps ;;
build) build ;;
test) test_ ;;
demo) demo ;;
distcheck) distcheck_ ;;
sanitize) sanitize ;;
valgrind) valgrind_ ;;
tsan) tsan ;;
fuzz) fuzz "${2:-30}" ;;
package) package ;;
*)
	sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac

#!/bin/bash
# quickstart.sh - from a fresh clone to a tested build (Debian/Ubuntu).
#
#   contrib/quickstart.sh deps    install the build and test dependencies (apt-get)
#   contrib/quickstart.sh build   deps, then autoreconf, configure, make
#   contrib/quickstart.sh test    build, then make check (the project's test command)
#   contrib/quickstart.sh demo    build, then run a throwaway Postfix on loopback
#                                 with esc-milter and the sample rules, send a few
#                                 messages with swaks, show replies, events, statistics
#
# Environment:
#   ESC_CONFIGURE_FLAGS   extra ./configure flags (e.g. --enable-sanitizers)
#   ESC_NO_APT=1          do not install packages (use what is there)
#   ESC_SHARED_DIR        the shared corpus/registry directory, if not ../shared
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

BUILD_DEPS="build-essential autoconf automake pkg-config m4 libmilter-dev \
libjansson-dev libpcre2-dev zlib1g-dev"
# Tests use real components: Postfix, Sendmail's runtime libraries, swaks,
# miltertest, a DNS server, jq, mandoc, valgrind, a JSON Schema validator.
TEST_DEPS="postfix swaks miltertest dnsmasq-base jq mandoc valgrind python3 \
python3-jsonschema libwrap0 liblockfile1 iproute2 procps psmisc util-linux \
clang libclang-rt-14-dev libfuzzer-14-dev"

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
	for d in "${ESC_SHARED_DIR:-}" "$here/../shared" /work/shared; do
		if [ -n "$d" ] && [ -d "$d/registry" ]; then
			(cd "$d" && pwd)
			return
		fi
	done
}

test_() {
	build
	sendmail_rig
	local shared
	shared=$(find_shared)
	if [ -n "$shared" ]; then
		export ESC_SHARED_DIR="$shared"
		say "using the shared registry and corpus in $shared"
	else
		say "no shared corpus found: the tests that need it will skip"
	fi
	say "running make check"
	if ! make -j"$(nproc)" check; then
		say "make check failed; the failing logs:"
		grep -l -E '^(FAIL|ERROR)' $(find . -name '*.log' -not -name config.log) 2>/dev/null |
		    while read -r f; do echo "---- $f"; tail -60 "$f"; done
		return 1
	fi
	say "all tests passed"
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
	kill -USR2 "$MILTER_PID"
	wait_until 5 grep -q esc_milter_replies_total "$T/out/esc.prom"
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
*)
	sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac

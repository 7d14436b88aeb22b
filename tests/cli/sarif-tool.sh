#!/bin/bash
# sarif-tool.sh - fetch Microsoft's SARIF Multitool (the SARIF SDK's
# validator, from the npm registry) for the SARIF test of esc lint.
#
#   tests/cli/sarif-tool.sh [DIR]    default: $ESC_SARIF_ROOT or
#                                    ~/.cache/esc-milter/sarif
# Needs npm.  The tool is a self-contained .NET program; npm does not run
# the package's install script here, so its execute bit is set by hand.
set -eu
dir=${1:-${ESC_SARIF_ROOT:-$HOME/.cache/esc-milter/sarif}}
version=5.7.0
tool=$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ -x "$tool" ]; then
	echo "sarif tool: already in $dir"
	exit 0
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --silent \
    "@microsoft/sarif-multitool@$version" >/dev/null
chmod u+x "$tool"
"$tool" --version >/dev/null
echo "sarif tool: ready in $dir"

#!/bin/sh
# autogen.sh - generate configure and Makefile.in from a git checkout.
exec autoreconf -fi "$@"

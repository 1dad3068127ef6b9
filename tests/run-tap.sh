#!/bin/sh
# Runs a GLib test program so that it speaks TAP (automake puts the program first).
exec "$@" --tap

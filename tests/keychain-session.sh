#!/bin/sh
# Runs a command against a real, private Secret Service: a new D-Bus session bus
# (dbus-run-session) with gnome-keyring-daemon on it, its "login" collection created and
# unlocked with a throwaway password. HOME and the XDG folders point into a temporary
# directory, which is deleted afterwards; the daemon ends with the bus.
#
#   keychain-session.sh <command> [arguments...]
#
# Inside, MWAUTH_KEYCHAIN_HOME names the temporary HOME (tests look for leaked secrets there).
set -eu

if [ "${MWAUTH_IN_KEYCHAIN_SESSION:-}" != 1 ]; then
    for tool in dbus-run-session gnome-keyring-daemon; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "keychain-session.sh: $tool is not installed (Debian: dbus, gnome-keyring)." >&2
            exit 1
        fi
    done
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/mwauth-keychain.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT INT TERM
    mkdir -p "$tmp/home/.local/share" "$tmp/home/.config" "$tmp/home/.cache" "$tmp/runtime"
    chmod 700 "$tmp/runtime"
    status=0
    env HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" XDG_CONFIG_HOME="$tmp/home/.config" \
        XDG_CACHE_HOME="$tmp/home/.cache" XDG_RUNTIME_DIR="$tmp/runtime" MWAUTH_KEYCHAIN_HOME="$tmp/home" \
        MWAUTH_IN_KEYCHAIN_SESSION=1 \
        dbus-run-session -- "$0" "$@" || status=$?
    exit "$status"
fi

# Inside the session: start the daemon in the foreground as our child (it reads the new
# keyring's password on stdin), wait until it owns org.freedesktop.secrets on the bus, run the
# command, then stop the daemon by its process id (it does not always notice the bus ending).
printf '%s' "mwauth-test-keyring" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
daemon=$!
stop_daemon() { kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; }
trap stop_daemon EXIT INT TERM
tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
    tries=$((tries + 1))
    if [ "$tries" -gt 200 ] || ! kill -0 "$daemon" 2>/dev/null; then
        echo "keychain-session.sh: gnome-keyring-daemon did not come up on the session bus." >&2
        exit 1
    fi
    sleep 0.05
done
status=0
"$@" || status=$?
exit "$status"

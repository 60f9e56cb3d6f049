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

# Inside the session: start the daemon (it reads the new keyring's password on stdin and
# returns once it is on the bus), then run the command.
daemon_env=$(printf "%s" "mwauth-test-keyring" | gnome-keyring-daemon --unlock --components=secrets --daemonize)
: "$daemon_env"
exec "$@"

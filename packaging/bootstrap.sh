#!/usr/bin/env bash
# MWAuth Console: set up a Debian bookworm machine, build, run or test.
#
#   packaging/bootstrap.sh run [-- console args]   install deps, build, start mwauth-console
#   packaging/bootstrap.sh test                    install deps + test deps, build with -Werror, run all tests
#   packaging/bootstrap.sh deps [--test] [--ci]    only install the Debian packages
#   packaging/bootstrap.sh build                   only configure and build (preset "default")
#
# Environment: MWAUTH_SKIP_APT=1 never calls apt-get (everything must already be there);
# MWAUTH_BUILD_DIR overrides the build directory; MWAUTH_JOBS the parallel jobs (default: nproc).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

jobs=${MWAUTH_JOBS:-$(nproc 2>/dev/null || echo 2)}

# What building and running need (Debian bookworm package names).
build_packages=(
    cmake g++ make pkg-config ccache
    qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins libgl-dev
    qtkeychain-qt6-dev libssl-dev libbenchmark-dev libqrencode-dev
)
# What the tests add: the independent peers they cross-check against.
test_packages=(
    python3 python3-jwcrypto python3-requests python3-oauthlib python3-jwt python3-cryptography
    python3-authlib python3-mwoauth python3-requests-oauthlib zbar-tools
    gnome-keyring dbus libsecret-tools
    postgresql-15 libqt6sql6-psql
    mediawiki php-cli php-sqlite3 php-intl php-mbstring php-xml curl
)
# What .ci/run adds: the formatting check and the fuzzers (clang with its sanitizer runtime).
ci_packages=(
    git clang-format clang libclang-rt-14-dev wrk
)
# npm projects of the peers and benchmarks (package.json + package-lock.json each): their
# packages are installed exactly as locked (`npm ci`) into the folder's node_modules.
node_projects=(tests/peer/node bench/node)

# Node.js >= 20 (openid-client and oidc-provider need it). Debian bookworm's own nodejs is
# 18, so an existing newer node is used as it is; only a machine without any gets Debian's.
ensure_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        install_packages nodejs npm
    fi
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$major" -lt 20 ]; then
        echo "bootstrap: Node.js $(node --version) is too old for the peer tests; install Node.js 20 or newer" >&2
        exit 1
    fi
    local project
    for project in "${node_projects[@]}"; do
        if [ -f "$project/package-lock.json" ]; then
            echo "bootstrap: npm ci in $project"
            npm ci --prefix "$project" --no-audit --no-fund --loglevel=error
        fi
    done
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "bootstrap: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

install_packages() {
    local wanted=("$@") missing=()
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "${MWAUTH_SKIP_APT:-0}" = 1 ]; then
        echo "bootstrap: missing packages (MWAUTH_SKIP_APT=1, not installing): ${missing[*]}" >&2
        exit 1
    fi
    echo "bootstrap: installing ${missing[*]}"
    # No service may start from an install (PostgreSQL would start a cluster and leave it
    # running; the tests start their own throwaway servers): a temporary policy-rc.d.
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
        as_root chmod 755 "$policy"
        made_policy=1
    fi
    local status=0
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || status=$?
    if [ "$status" -eq 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" || status=$?
    fi
    [ "$made_policy" = 1 ] && as_root rm -f "$policy"
    return "$status"
}

configure_and_build() {
    local preset=$1 dir=$2
    cmake --preset "$preset" -B "$dir"
    cmake --build "$dir" -j "$jobs"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
    deps)
        wanted=("${build_packages[@]}")
        want_node=0
        for option in "$@"; do
            case "$option" in
                --test) wanted+=("${test_packages[@]}"); want_node=1 ;;
                --ci) wanted+=("${test_packages[@]}" "${ci_packages[@]}"); want_node=1 ;;
                *) echo "bootstrap: unknown option for deps: $option" >&2; exit 2 ;;
            esac
        done
        install_packages "${wanted[@]}"
        if [ "$want_node" = 1 ]; then ensure_node; fi
        ;;
    build)
        install_packages "${build_packages[@]}"
        configure_and_build default "${MWAUTH_BUILD_DIR:-build}"
        ;;
    run)
        install_packages "${build_packages[@]}"
        dir=${MWAUTH_BUILD_DIR:-build}
        configure_and_build default "$dir"
        [ "${1:-}" = -- ] && shift
        exec "$dir/app/console/mwauth-console" "$@"
        ;;
    test)
        install_packages "${build_packages[@]}" "${test_packages[@]}"
        ensure_node
        dir=${MWAUTH_BUILD_DIR:-build-ci}
        configure_and_build ci "$dir"
        ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 300 -LE bench
        ;;
    *)
        sed -n '2,12p' "$0" >&2
        exit 2
        ;;
esac

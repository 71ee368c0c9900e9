#!/usr/bin/env bash
# Provisions what `npm test` needs, then gets out of the way (npm runs it as `pretest`).
#
#   - a Rust toolchain (cargo): the probe is built against real tokio by the probe tests;
#   - tokio's crates, from Debian's packaged registry (/usr/share/cargo/registry, offline) or
#     from crates.io (the ordinary way, with a network);
#   - Chromium, which the browser tests drive through playwright-core.
#
# Where something is missing and we are root with apt-get, it installs the Debian packages
# itself and says so; otherwise it stops with the exact command to run (exit 1).
# Idempotent, and quick when everything is there (no network, no apt).
#
# Opt-out (documented in README.md): DISPATCHSIM_TEST_SKIP=probe,browser (either or both) skips
# those tests on purpose; nothing is installed for them and the test run says what it skipped.
set -euo pipefail

opt_out="${DISPATCHSIM_TEST_SKIP:-}"
skip=",$opt_out,"
want_probe=1
want_browser=1
case "$skip" in *,probe,*) want_probe=0 ;; esac
case "$skip" in *,browser,*) want_browser=0 ;; esac
for item in ${opt_out//,/ }; do
  case "$item" in probe | browser) ;; *)
    echo "setup: DISPATCHSIM_TEST_SKIP has '$item'; known: probe, browser" >&2
    exit 2
    ;;
  esac
done

say() { echo "setup: $*"; }
registry=/usr/share/cargo/registry
apt_pkgs=()
missing=()

have_debian_tokio() { compgen -G "$registry/tokio-[0-9]*" >/dev/null 2>&1 && compgen -G "$registry/serde_json-[0-9]*" >/dev/null 2>&1; }
chromium_path() {
  if [ -n "${DISPATCHSIM_CHROMIUM:-}" ]; then [ -x "$DISPATCHSIM_CHROMIUM" ] && echo "$DISPATCHSIM_CHROMIUM"; return 0; fi
  for c in /usr/bin/chromium chromium chromium-browser; do
    command -v "$c" 2>/dev/null && return 0
  done
  return 0
}
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

if [ $want_probe = 1 ]; then
  if ! command -v cargo >/dev/null 2>&1; then
    apt_pkgs+=(cargo)
    missing+=("a Rust toolchain (cargo): https://rustup.rs, or apt-get install cargo")
  fi
  if ! have_debian_tokio; then
    # No packaged registry: crates.io will do if cargo can reach it (resolving the probe's
    # dependencies is the check; it also fills cargo's cache for the build). Root with apt gets
    # Debian's packages instead: offline, and the same crates CI builds against.
    if can_apt; then
      apt_pkgs+=(librust-tokio-dev librust-serde-json-dev)
    elif command -v cargo >/dev/null 2>&1 &&
      timeout 120 cargo metadata --format-version 1 --manifest-path "$(dirname "$0")/../probe/Cargo.toml" >/dev/null 2>&1; then
      say "tokio crates: from crates.io (no Debian registry at $registry)"
    else
      missing+=("tokio's crates: neither Debian's registry ($registry) nor crates.io is reachable; as root: apt-get install librust-tokio-dev librust-serde-json-dev")
    fi
  fi
fi
if [ $want_browser = 1 ] && [ -z "$(chromium_path)" ]; then
  apt_pkgs+=(chromium)
  missing+=("Chromium (for the browser tests): apt-get install chromium, or set DISPATCHSIM_CHROMIUM=/path/to/chrome")
fi

if [ ${#apt_pkgs[@]} -gt 0 ] && can_apt; then
  say "installing Debian packages the tests need: ${apt_pkgs[*]}"
  say "  cargo: builds the Rust probe; librust-tokio-dev, librust-serde-json-dev: tokio's crates, offline; chromium: the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists yet.
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -q "${apt_pkgs[@]}" >/dev/null
  say "installed: ${apt_pkgs[*]}"
  missing=()
  if [ $want_probe = 1 ] && ! command -v cargo >/dev/null 2>&1; then missing+=("cargo (apt-get install cargo did not put it on PATH)"); fi
  if [ $want_probe = 1 ] && ! have_debian_tokio; then missing+=("Debian's tokio crates at $registry"); fi
  if [ $want_browser = 1 ] && [ -z "$(chromium_path)" ]; then missing+=("chromium"); fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: the tests need what is missing here:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "setup: install it and run npm test again, or opt out on purpose: DISPATCHSIM_TEST_SKIP=probe,browser npm test" >&2
  exit 1
fi
[ $want_probe = 1 ] || say "opted out: the probe tests are skipped (DISPATCHSIM_TEST_SKIP)"
[ $want_browser = 1 ] || say "opted out: the browser tests are skipped (DISPATCHSIM_TEST_SKIP)"
exit 0

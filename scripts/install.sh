#!/bin/sh
# Installs a prebuilt titancard-wh from the GitHub releases: picks the archive for this OS and CPU,
# checks its SHA-256 against the published checksum, and puts the binary in a folder.
#
#   curl -fsSL https://raw.githubusercontent.com/titancard/titancard-wh/main/scripts/install.sh | sh
#   sh install.sh --version v0.1.0 --dir /usr/local/bin
#
# Options: --version TAG (default: the latest release), --dir DIR (default: ~/.local/bin).
# Environment: TITANCARD_WH_VERSION, TITANCARD_WH_INSTALL_DIR as the options;
# TITANCARD_WH_RELEASES, the releases URL (default https://github.com/titancard/titancard-wh/releases),
# for a mirror.
set -eu

releases="${TITANCARD_WH_RELEASES:-https://github.com/titancard/titancard-wh/releases}"
version="${TITANCARD_WH_VERSION:-latest}"
dir="${TITANCARD_WH_INSTALL_DIR:-${HOME:-}/.local/bin}"

say() { printf 'install.sh: %s\n' "$*" >&2; }
usage() {
  cat << 'USAGE'
Installs a prebuilt titancard-wh (checksum-verified) from the GitHub releases.
usage: install.sh [--version TAG] [--dir DIR]
  --version TAG  the release to install, such as v0.1.0 (default: the latest)
  --dir DIR      where to put the binary (default: ~/.local/bin)
USAGE
}
die() {
  say "error: $*"
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a tag, such as v0.1.0"; version="$2"; shift 2 ;;
    --dir) [ $# -ge 2 ] || die "--dir needs a folder"; dir="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (try --version TAG or --dir DIR)" ;;
  esac
done

case "$(uname -s)" in
  Linux) os=unknown-linux-musl ;;
  Darwin) os=apple-darwin ;;
  MINGW* | MSYS* | CYGWIN*)
    die "on Windows, download titancard-wh-x86_64-pc-windows-msvc.zip from $releases" ;;
  *) die "no prebuilt binary for $(uname -s): install with cargo (see the README)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "no prebuilt binary for $(uname -m): install with cargo (see the README)" ;;
esac
target="$arch-$os"
asset="titancard-wh-$target.tar.gz"
if [ "$version" = latest ]; then
  base="$releases/latest/download"
else
  case "$version" in v*) ;; *) version="v$version" ;; esac
  base="$releases/download/$version"
fi

# HTTPS only (redirects included), unless the releases URL given is plain http (a local mirror).
proto='=https'
case "$releases" in http://*) proto='=http,https' ;; esac

download() { # URL FILE
  if command -v curl > /dev/null 2>&1; then
    curl --proto "$proto" --proto-redir "$proto" -fsSL "$1" -o "$2"
  elif command -v wget > /dev/null 2>&1; then
    wget -q "$1" -O "$2"
  else
    die "neither curl nor wget found"
  fi
}

sha256() { # FILE -> hex digest
  if command -v sha256sum > /dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum > /dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum found: cannot check the download"
  fi
}

tmp="$(mktemp -d 2> /dev/null || mktemp -d -t titancard-wh)"
trap 'rm -rf "$tmp"' EXIT INT TERM

say "downloading $base/$asset"
download "$base/$asset" "$tmp/$asset" || die "cannot download $base/$asset"
download "$base/$asset.sha256" "$tmp/$asset.sha256" || die "cannot download $base/$asset.sha256"

expected="$(cut -d ' ' -f 1 < "$tmp/$asset.sha256")"
actual="$(sha256 "$tmp/$asset")"
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  die "checksum mismatch for $asset: expected ${expected:-nothing}, got $actual; nothing installed"
fi

tar -xzf "$tmp/$asset" -C "$tmp"
binary="$tmp/titancard-wh-$target/titancard-wh"
[ -f "$binary" ] || die "$asset holds no titancard-wh-$target/titancard-wh"
mkdir -p "$dir"
# Copy then rename, so a running titancard-wh is never overwritten in place.
cp "$binary" "$dir/.titancard-wh.new"
chmod 755 "$dir/.titancard-wh.new"
mv -f "$dir/.titancard-wh.new" "$dir/titancard-wh"

say "installed $("$dir/titancard-wh" --version) to $dir/titancard-wh"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "note: $dir is not on PATH; add it, e.g. export PATH=\"$dir:\$PATH\"" ;;
esac

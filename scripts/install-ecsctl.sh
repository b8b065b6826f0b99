#!/bin/sh
# Installs an ecsctl release binary, verified against the release's SHA256SUMS.
#
#   scripts/install-ecsctl.sh VERSION [DIR]
#       VERSION: 0.2.0 (a release tag without its `v`); DIR: where the binary goes
#       (default: $HOME/.local/bin). Prints the installed binary's path.
#
# Environment:
#   ECSCTL_DOWNLOAD_BASE  where releases are (default: the GitHub releases of ecsctl/ecsctl);
#                         the archive is BASE/vVERSION/ecsctl-TARGET.tar.gz and its checksum a
#                         line of BASE/vVERSION/SHA256SUMS (docs/install.md, "Release archives").
#   ECSCTL_TARGET         the target triple, when `uname` does not say it.
#   ECSCTL_ARCHIVE_DIR    a directory that keeps downloaded archives (the action caches it):
#                         an archive already there is not downloaded again, but it is checked
#                         against a freshly downloaded SHA256SUMS like any other.
#
# Refuses (exit 1, nothing installed) when the checksum does not match or is missing; a kept
# archive that does not match is deleted. Needs curl, tar and sha256sum (or shasum). Used by the
# GitHub Action (action.yml).
set -eu

version=${1:?usage: install-ecsctl.sh VERSION [DIR]}
dir=${2:-"$HOME/.local/bin"}
base=${ECSCTL_DOWNLOAD_BASE:-https://github.com/ecsctl/ecsctl/releases/download}

target=${ECSCTL_TARGET:-}
if [ -z "$target" ]; then
    case "$(uname -s)/$(uname -m)" in
        Linux/x86_64) target=x86_64-unknown-linux-musl ;;
        Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
        Darwin/x86_64) target=x86_64-apple-darwin ;;
        Darwin/arm64) target=aarch64-apple-darwin ;;
        *)
            echo "install-ecsctl: no release archive for $(uname -s) $(uname -m); set ECSCTL_TARGET or use cargo install --locked ecsctl" >&2
            exit 1
            ;;
    esac
fi

archive="ecsctl-$target.tar.gz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

kept=
if [ -n "${ECSCTL_ARCHIVE_DIR:-}" ]; then
    kept="$ECSCTL_ARCHIVE_DIR/v$version/$archive"
fi
if [ -n "$kept" ] && [ -f "$kept" ]; then
    cp "$kept" "$work/$archive"
else
    curl -fsSL --retry 3 -o "$work/$archive" "$base/v$version/$archive" || {
        echo "install-ecsctl: cannot download $base/v$version/$archive" >&2
        exit 1
    }
fi
curl -fsSL --retry 3 -o "$work/SHA256SUMS" "$base/v$version/SHA256SUMS" || {
    echo "install-ecsctl: cannot download $base/v$version/SHA256SUMS" >&2
    exit 1
}

expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
if [ -z "$expected" ]; then
    echo "install-ecsctl: SHA256SUMS of v$version lists no $archive; nothing was installed" >&2
    exit 1
fi
if command -v sha256sum >/dev/null 2>&1; then
    actual=$(sha256sum "$work/$archive" | awk '{ print $1 }')
else
    actual=$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')
fi
if [ "$actual" != "$expected" ]; then
    if [ -n "$kept" ] && [ -f "$kept" ]; then
        rm -f "$kept"
        echo "install-ecsctl: checksum mismatch for the kept $kept: SHA256SUMS says $expected, the file is $actual; deleted it, nothing was installed (run again to download it)" >&2
    else
        echo "install-ecsctl: checksum mismatch for $archive: SHA256SUMS says $expected, the download is $actual; nothing was installed" >&2
    fi
    exit 1
fi
if [ -n "$kept" ] && [ ! -f "$kept" ]; then
    mkdir -p "$(dirname "$kept")"
    cp "$work/$archive" "$kept"
fi

tar -xzf "$work/$archive" -C "$work"
mkdir -p "$dir"
install -m 0755 "$work/ecsctl-$target/ecsctl" "$dir/ecsctl"
echo "$dir/ecsctl"

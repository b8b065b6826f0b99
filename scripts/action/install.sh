#!/bin/sh
# The GitHub Action's install step (action.yml). Installs ecsctl VERSION with
# scripts/install-ecsctl.sh (checksum-verified; ARCHIVE_DIR is the directory the action caches),
# checks that the binary names that version, puts it on the job's PATH and sets the step's
# outputs `path` and `version`.
#
# Env: VERSION (0.2.0 or v0.2.0), BIN_DIR, ARCHIVE_DIR, GITHUB_PATH, GITHUB_OUTPUT; and what
# install-ecsctl.sh reads (ECSCTL_DOWNLOAD_BASE, ECSCTL_TARGET).
set -eu

fail() {
    # A workflow command: GitHub shows it as an annotation on the run.
    echo "::error title=ecsctl action::$*"
    exit 1
}

version=${VERSION:-}
version=${version#v}
case "$version" in
    [0-9]*.[0-9]*.[0-9]*) ;;
    *) fail "the \`version\` input must name a release, such as 0.2.0 (got \`${VERSION:-}\`)" ;;
esac
: "${BIN_DIR:?}" "${GITHUB_PATH:?}" "${GITHUB_OUTPUT:?}"

if [ -n "${ARCHIVE_DIR:-}" ]; then
    ECSCTL_ARCHIVE_DIR=$ARCHIVE_DIR
    export ECSCTL_ARCHIVE_DIR
fi
path=$(sh "$(dirname "$0")/../install-ecsctl.sh" "$version" "$BIN_DIR") || fail "installing ecsctl $version failed (the reason is above)"
said=$("$path" --version) || fail "the installed $path does not run"
case "$said" in
    "ecsctl $version "*) ;;
    *) fail "the archive of v$version holds a binary that says \`$said\`" ;;
esac
echo "$BIN_DIR" >> "$GITHUB_PATH"
{
    echo "path=$path"
    echo "version=$version"
} >> "$GITHUB_OUTPUT"
echo "$said"

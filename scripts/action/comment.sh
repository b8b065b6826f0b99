#!/bin/sh
# The GitHub Action's comment step (action.yml): posts the markdown plan on the pull request, or
# updates the comment an earlier run posted for the same environment and directory, so a pull
# request carries one current plan per environment instead of one per push.
#
# Env: GITHUB_TOKEN (needs `pull-requests: write`), GITHUB_API_URL, GITHUB_REPOSITORY, PR_NUMBER,
# ENVIRONMENT, DIRECTORY (the working directory, in the marker), MARKDOWN (the plan's file, which
# names the application and environment in its heading). Needs curl and jq (both on GitHub's
# hosted runners).
set -eu

fail() {
    echo "::error title=ecsctl action::$*"
    exit 1
}

command -v jq >/dev/null 2>&1 || fail "posting the plan needs jq; install it or set comment: false"
: "${GITHUB_TOKEN:?}" "${GITHUB_REPOSITORY:?}" "${PR_NUMBER:?}" "${ENVIRONMENT:?}" "${MARKDOWN:?}"
api=${GITHUB_API_URL:-https://api.github.com}
directory=${DIRECTORY:-.}
marker="<!-- ecsctl-plan: $ENVIRONMENT in $directory -->"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# call METHOD PATH [BODY_FILE]: the response in $work/response; fails naming the call and
# GitHub's message.
call() {
    if [ $# -eq 3 ]; then
        set -- "$1" "$2" -H "Content-Type: application/json" --data-binary "@$3"
    fi
    method=$1
    path=$2
    shift 2
    status=$(curl -sS -o "$work/response" -w '%{http_code}' -X "$method" \
        -H "Authorization: Bearer $GITHUB_TOKEN" \
        -H "Accept: application/vnd.github+json" \
        -H "X-GitHub-Api-Version: 2022-11-28" \
        "$@" "$api$path") || fail "$method $path: cannot reach $api"
    case "$status" in
        2??) ;;
        403 | 404)
            fail "$method $path: HTTP $status: $(jq -r '.message? // empty' "$work/response" 2>/dev/null) (the token needs \`pull-requests: write\`; a fork's pull request never gets it)"
            ;;
        *) fail "$method $path: HTTP $status: $(jq -r '.message? // empty' "$work/response" 2>/dev/null)" ;;
    esac
}

# GitHub refuses a comment over 65,536 characters: a longer plan is cut, and says where the
# whole plan is (the job summary).
jq -Rs --arg marker "$marker" '
    (if length > 60000
     then .[0:60000] + "\n\n… the plan is longer than a comment can hold; the whole plan is in the job summary.\n"
     else . end) as $plan
    | {body: ($marker + "\n" + $plan)}' "$MARKDOWN" > "$work/body.json"

# The earlier comment: the first whose body starts with the marker, over every page.
id=
page=1
while :; do
    call GET "/repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments?per_page=100&page=$page"
    id=$(jq -r --arg marker "$marker" 'map(select(.body // "" | startswith($marker))) | .[0].id // empty' "$work/response")
    count=$(jq 'length' "$work/response")
    if [ -n "$id" ] || [ "$count" -lt 100 ]; then
        break
    fi
    page=$((page + 1))
done

if [ -n "$id" ]; then
    call PATCH "/repos/$GITHUB_REPOSITORY/issues/comments/$id" "$work/body.json"
    echo "updated the plan comment: $(jq -r '.html_url // empty' "$work/response")"
else
    call POST "/repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" "$work/body.json"
    echo "posted the plan comment: $(jq -r '.html_url // empty' "$work/response")"
fi

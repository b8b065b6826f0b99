#!/bin/sh
# The GitHub Action's plan step (action.yml): `ecsctl plan -e ENVIRONMENT` in the step's working
# directory, as markdown (for the pull-request comment and the job summary) and as a saved plan
# (for `ecsctl apply FILE`). Sets the outputs `planned`, `exitcode` (0 no changes, 2 changes),
# `markdown`, `file` and `comment` (whether the comment step should post it).
#
# On a pull request from a fork there is no plan: a plan reads AWS, and AWS credentials must
# never be in reach of a fork's code. The step then runs `ecsctl validate` (which loads no AWS
# configuration) and, when AWS credentials are in the environment anyway (a pull_request_target
# workflow that configured them), fails before running anything.
#
# Env: ENVIRONMENT, PLAN_ARGS (more `plan` arguments, split on blanks, e.g. `--image web=…`),
# FORK (`true` on a fork's pull request), EVENT_NAME, PR_NUMBER, RUNNER_TEMP, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY (optional).
set -eu

fail() {
    echo "::error title=ecsctl action::$*"
    exit 1
}

environment=${ENVIRONMENT:?}
: "${GITHUB_OUTPUT:?}"
out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ecsctl-plan-$environment"
mkdir -p "$out"

if [ "${FORK:-false}" = true ]; then
    # The AWS CLI's credential sources that an environment variable can carry (a profile's
    # files are not in reach of a runner that never configured them).
    for var in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
        AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI \
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; do
        eval "value=\${$var:-}"
        if [ -n "$value" ]; then
            fail "AWS credentials (\$$var) are set on a pull request from a fork: refusing to run. Configure AWS credentials only when github.event.pull_request.head.repo.full_name == github.repository (docs/install.md, \"Pull requests from forks\")."
        fi
    done
    echo "::notice title=ecsctl action::pull request from a fork: validating only (a plan needs AWS credentials, which a fork's pull request never gets)"
    ecsctl validate -e "$environment"
    {
        echo "planned=false"
        echo "comment=false"
    } >> "$GITHUB_OUTPUT"
    exit 0
fi

# PLAN_ARGS is split on blanks on purpose (several arguments in one input); globbing is off.
set -f
set +e
# shellcheck disable=SC2086
ecsctl plan -e "$environment" --output markdown --detailed-exitcode --out "$out/plan.json" \
    ${PLAN_ARGS:-} > "$out/plan.md"
code=$?
set -e
set +f
case "$code" in
    0 | 2) ;;
    *) fail "ecsctl plan -e $environment failed (exit $code; the error is above)" ;;
esac

comment=false
case "${EVENT_NAME:-}" in
    pull_request | pull_request_target) [ -n "${PR_NUMBER:-}" ] && comment=true ;;
esac
{
    echo "planned=true"
    echo "exitcode=$code"
    echo "markdown=$out/plan.md"
    echo "file=$out/plan.json"
    echo "comment=$comment"
} >> "$GITHUB_OUTPUT"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$out/plan.md" >> "$GITHUB_STEP_SUMMARY"
fi
cat "$out/plan.md"

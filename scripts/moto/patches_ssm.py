"""SSM Parameter Store, as ecsctl's environment lock uses it (docs/apply.md, "Lock"): PutParameter
with Overwrite=false is an atomic create-if-absent, GetParameter / DeleteParameter of a missing
parameter answer AWS's `ParameterNotFound` (docs/emulator.md, "SSM Parameter Store").

Owns only these two patches; must not change what moto stores for a parameter.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch

# One lock per (account, region) backend, created under `_LOCKS_GUARD` on first use.
_LOCKS_GUARD = threading.Lock()


def _backend_lock(backend: Any) -> threading.Lock:
    lock = getattr(backend, "_ecsctl_write_lock", None)
    if lock is None:
        with _LOCKS_GUARD:
            lock = getattr(backend, "_ecsctl_write_lock", None)
            if lock is None:
                lock = threading.Lock()
                backend._ecsctl_write_lock = lock
    return lock


@_patch
def patch_ssm_put_parameter_atomic() -> None:
    """PutParameter (Overwrite=false) creates the parameter exactly once, however many callers race.

    AWS: PutParameter without Overwrite on an existing name fails with `ParameterAlreadyExists`
    (HTTP 400) "The parameter already exists. To overwrite this value, set the overwrite option in
    the request to true." (SSM API reference, PutParameter, Errors: "The parameter already exists.
    You can't create duplicate parameters."; the message as AWS sends it: garystafford/emr-demo#1,
    aws-ia/terraform-aws-control_tower_account_factory#166). ecsctl's lock relies on exactly one of
    concurrent creates succeeding.
    moto 5.2.1: the message is AWS's, but `SimpleSystemManagerBackend.put_parameter` checks
    `self._parameters[name]` and appends the new version much later in the same call, and moto's
    server runs each request on its own thread (werkzeug `threaded=True`) with no lock: two
    concurrent creates can both see no version and both succeed.
    Patch: PutParameter, DeleteParameter and DeleteParameters run under one lock per account and
    region backend, so check-then-insert is atomic as in AWS.
    """
    from moto.ssm.models import SimpleSystemManagerBackend

    def serialised(original: Callable[..., Any]) -> Callable[..., Any]:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            with _backend_lock(self):
                return original(self, *args, **kwargs)

        method.__name__ = original.__name__
        return method

    for name in ("put_parameter", "delete_parameter", "delete_parameters"):
        setattr(SimpleSystemManagerBackend, name, serialised(getattr(SimpleSystemManagerBackend, name)))


@_patch
def patch_ssm_parameter_not_found_message() -> None:
    """GetParameter / DeleteParameter of a missing parameter: `ParameterNotFound` with no message.

    AWS: `ParameterNotFound` (HTTP 400) with an empty message: boto3 prints "An error occurred
    (ParameterNotFound) when calling the GetParameter operation: " and nothing after
    (awslabs/aws-simple-cicd#10, aws-solutions/aws-control-tower-customizations#68; the JS SDK
    reports `message: null`: vandium-io/aws-param-store#8, aws/aws-sdk-js#4330), and the same for
    DeleteParameter (mattclay/aws-terminator#113, github-aws-runners/terraform-aws-github-runner#2789).
    moto 5.2.1: the right code with its own message `Parameter NAME not found.`
    Patch: the response handlers re-raise moto's ParameterNotFound with an empty message.
    """
    from moto.ssm.exceptions import ParameterNotFound
    from moto.ssm.responses import SimpleSystemManagerResponse

    def without_message(original: Callable[..., Any]) -> Callable[..., Any]:
        def handler(self: Any) -> Any:
            try:
                return original(self)
            except ParameterNotFound:
                raise ParameterNotFound("") from None

        handler.__name__ = original.__name__
        return handler

    for name in ("get_parameter", "delete_parameter"):
        setattr(SimpleSystemManagerResponse, name, without_message(getattr(SimpleSystemManagerResponse, name)))


apply_all = PATCHES.apply_all

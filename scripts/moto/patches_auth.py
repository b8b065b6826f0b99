"""moto's IAM enforcement (on when `INITIAL_NO_AUTH_ACTION_COUNT` is finite), made usable for
the `ecsctl permissions` test (docs/emulator.md, "IAM enforcement"): a least-privilege policy
with scoped resources and conditions is judged on its actions, and a denial on a JSON service
reaches the SDK as that service's AccessDeniedException.

Owns only these five patches; they change nothing while enforcement is off (moto then never
evaluates a policy). Must not make moto enforce more than it does: resources it cannot name and
conditions it cannot evaluate are left unchecked, which is why scoping and dependent actions
are unit-tested in src/permissions/.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from patchset import PatchSet

PATCHES = PatchSet()
_patch = PATCHES.patch


@_patch
def patch_auth_identity_without_signature_check() -> None:
    """The caller is identified by its access key; the signature is not recomputed.

    AWS: SigV4 signs a canonical request built from the exact method, path, query, signed
    headers and payload hash (AWS General Reference, "Create a canonical request for SigV4").
    moto 5.2.1: `IAMRequestBase.check_signature` rebuilds the request through botocore from
    what werkzeug hands it and compares signatures; for the Rust SDK's REST-JSON GETs
    (Scheduler `GetScheduleGroup /schedule-groups/NAME`) its canonical request differs, so a
    correctly signed call answers `SignatureDoesNotMatch` (JSON POSTs to ECS pass).
    Patch: signatures are not checked. The access key must still belong to an IAM user of the
    account (unknown keys answer moto's `InvalidClientTokenId`), and that user's policies decide.
    """
    from moto.iam.access_control import IAMRequestBase

    def check_signature(self: Any) -> None:
        return None

    IAMRequestBase.check_signature = check_signature


@_patch
def patch_auth_unknown_resource_matches_any_resource() -> None:
    """A statement's `Resource` matches when moto does not know the request's resource.

    AWS: an identity-based statement applies to a request when its Resource matches the ARN of
    the resource the action acts on (IAM User Guide, "Policy evaluation logic").
    moto 5.2.1: only IAM role actions and STS AssumeRole name their resource
    (`_determine_resource`); every other request is evaluated against the literal string `*`, so
    `"Resource": "arn:aws:ecs:…:cluster/x"` never matches it and a correctly scoped policy is
    denied everything but its `"Resource": "*"` statement.
    Patch: when the request's resource is the unknown `*`, any Resource pattern matches (the
    statement then stands or falls by its actions). Known resources (IAM roles) are still matched.
    """
    from moto.iam.access_control import IAMPolicyStatement

    original: Callable[..., bool] = IAMPolicyStatement._check_element_matches

    def _check_element_matches(self: Any, statement_element: Any, value: str) -> bool:
        if statement_element == "Resource" and value == "*":
            return True
        return original(self, statement_element, value)

    IAMPolicyStatement._check_element_matches = _check_element_matches


@_patch
def patch_auth_conditions_without_request_context() -> None:
    """A Condition moto has no request context for does not deny the statement.

    AWS: condition keys such as `iam:PassedToService` or `iam:AWSServiceName` are evaluated
    against the request's context (IAM User Guide, "IAM JSON policy elements: Condition").
    moto 5.2.1: identity policies are evaluated with no request context at all
    (`incoming_condition_values=None`), and `IAMPolicyStatement.is_action_permitted` turns a
    condition it cannot satisfy into an explicit DENY, so the ECS service-linked role statement
    (`iam:CreateServiceLinkedRole` with `iam:AWSServiceName`) denies the very call it allows.
    Patch: with no request context, conditions are not evaluated (the statement applies as if
    they held). Trust-policy checks (AssumeRole), which pass a context, are unchanged.
    """
    from moto.iam.access_control import IAMPolicyStatement

    original: Callable[..., bool] = IAMPolicyStatement._check_conditions

    def _check_conditions(self: Any, incoming_condition_values: Any) -> bool:
        if incoming_condition_values is None:
            return True
        return original(self, incoming_condition_values)

    IAMPolicyStatement._check_conditions = _check_conditions


@_patch
def patch_auth_json_access_denied() -> None:
    """AccessDenied on a JSON-protocol service is that service's JSON `AccessDeniedException`.

    AWS: ECS, CloudWatch Logs, Cloud Map, Application Auto Scaling, SSM and Scheduler answer a
    denied call with HTTP 400/403 and a JSON body `{"__type": "AccessDeniedException",
    "message": "User: … is not authorized to perform: ecs:DescribeServices …"}` (each API
    reference, Common Errors: AccessDeniedException).
    moto 5.2.1: every denial is the query-protocol XML `<ErrorResponse>` with code
    `AccessDenied`, which the Rust SDK cannot parse for a JSON service ("malformed JSON error
    body"), so ecsctl could not say which action was denied.
    Patch: for services whose protocol is `json` or `rest-json`, the denial is re-raised as a
    JSON error with the same message; for IAM and STS (query protocol) as the query protocol's
    `<ErrorResponse><Error><Code>AccessDenied</Code>` document: moto's EC2-style
    `<Errors><Error>` wrapper left the SDK without an error code ("unhandled error"), so a
    denied IAM read could not be told from any other failure.
    """
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import AccessDeniedError, JsonRESTError
    from moto.core.responses import get_service_model

    original: Callable[..., None] = ActionAuthenticatorMixin._authenticate_and_authorize_action

    class JsonAccessDenied(JsonRESTError):
        code = 400

    def query_access_denied(denied: Any) -> Any:
        # The query protocol's error document: `<ErrorResponse><Error>` (IAM API reference,
        # Common Errors; legion-platform/legion#807 quotes one), where moto writes EC2's
        # `<ErrorResponse><Errors><Error>`, in which the SDK finds no error code.
        from xml.sax.saxutils import escape

        error = AccessDeniedError.__new__(AccessDeniedError)
        error.__dict__.update(denied.__dict__)
        error.description = (
            '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
            "<Type>Sender</Type><Code>AccessDenied</Code>"
            f"<Message>{escape(denied.message)}</Message></Error>"
            "<RequestId>4a9cb3a8-7a7e-4c5e-9a54-0c2d5eEXAMPLE</RequestId></ErrorResponse>"
        )
        return error

    def _authenticate_and_authorize_action(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            original(self, *args, **kwargs)
        except AccessDeniedError as denied:
            try:
                protocol = get_service_model(self.boto3_service_name).protocol
            except Exception:  # noqa: BLE001 - an unknown model keeps moto's own answer
                protocol = ""
            if protocol == "query":
                raise query_access_denied(denied) from denied
            # A JSON request gets a JSON error whatever botocore's model now says: the
            # Resource Groups Tagging API's model moved to `smithy-rpc-v2-cbor`, while the SDKs
            # ecsctl uses still send (and AWS still answers) `application/x-amz-json-1.1`.
            content_type = (self.headers.get("Content-Type") or "").lower()
            json_request = content_type.startswith("application/x-amz-json")
            if protocol not in ("json", "rest-json") and not json_request:
                raise
            error = JsonAccessDenied("AccessDeniedException", denied.message)
            error.description = json.dumps(
                {"__type": "AccessDeniedException", "message": denied.message}
            )
            raise error from denied

    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action


@_patch
def patch_auth_action_prefix_of_the_tagging_api() -> None:
    """The Resource Groups Tagging API's actions are `tag:...`, not its signing name.

    AWS: the Service Authorization Reference lists the Resource Groups Tagging API's actions
    under the prefix `tag` (`tag:GetResources`, `tag:TagResources`, ...), while requests are
    signed for `tagging` (its endpoint `tagging.REGION.amazonaws.com`, the SDK's signing name).
    moto 5.2.1 names the action after the credential scope's service: `tagging:GetResources`,
    which no policy grants, so a policy allowing `tag:GetResources` was denied.
    Patch: after moto builds the request's action, a `tagging:` prefix becomes `tag:`.
    """
    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self._action.startswith("tagging:"):
            self._action = "tag:" + self._action[len("tagging:"):]

    IAMRequestBase.__init__ = __init__


def apply_all() -> list[str]:
    return PATCHES.apply_all()

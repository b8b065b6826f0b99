"""IAM realism: role propagation and the ECS service-linked role (docs/emulator.md, "Realistic
mode", "IAM, Application Auto Scaling, Scheduler, faults and paging").

AWS's IAM is eventually consistent: a role that was just created is not yet visible to the
services that check it (ECS's iam:PassRole check on RegisterTaskDefinition, Scheduler's
AssumeRole check on CreateSchedule), and the ECS service-linked role that CreateCluster creates
is not usable for a few seconds. moto makes every role usable at once and does not model the
service-linked role at all. The patches here record when a role was created or changed
(`realism.mark`) and make the services that use roles refuse them, with AWS's error code and
message, while they are younger than the `iam_propagation` / `slr_propagation` windows.

Ownership: this module is separate from patches.py (the ECS + Cloud Map side). Where both patch
the same ECS operation they compose: patches.py wraps the backend method
(`EC2ContainerServiceBackend.create_cluster`), this module wraps the response handler
(`EC2ContainerServiceResponse.create_cluster`), which runs first and then calls into the backend.
RegisterTaskDefinition is patched only here.
"""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import unquote

import realism
from patchset import PatchSet


ECS_SLR_SERVICE = "ecs.amazonaws.com"
ECS_SLR_NAME = "AWSServiceRoleForECS"
ECS_SLR_POLICY = "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"
# The description AWS gives the role ECS creates (seen on real accounts, e.g. in ListRoles output
# and in every `aws_iam_service_linked_role "ecs"` that copies it).
ECS_SLR_DESCRIPTION = "Role to enable Amazon ECS to manage your cluster."
# Service principal -> the role name AWS gives its service-linked role. moto derives the name
# from the principal and gets these two wrong (`AWSServiceRoleForecs`,
# `AWSServiceRoleForApplicationAutoScaling_Ecs`).
SLR_NAMES = {
    "ecs.amazonaws.com": "AWSServiceRoleForECS",
    "ecs.application-autoscaling.amazonaws.com":
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
}

# AWS's messages (sources in each patch's docstring).
SLR_NOT_USABLE = ("Unable to assume the service linked role. Please verify that the ECS service "
                  "linked role exists.")
ROLE_NOT_VALID = "Role is not valid"
SCHEDULER_ROLE = ("The execution role you provide must allow AWS EventBridge Scheduler to assume "
                  "the role.")


PATCHES = PatchSet()
_patch = PATCHES.patch


def iam_backend(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["aws"]


def find_role(arn: str) -> Any | None:
    """The moto Role with exactly this ARN (any account), or None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    account = parts[4]
    if not (account.isdigit() and len(account) == 12):
        return None
    for role in iam_backend(account).get_roles():
        if role.arn == arn:
            return role
    return None


def role_age(role: Any, *events: str) -> float | None:
    """Seconds since the most recent of `events` on `role` (None: never marked)."""
    ages = [a for a in (realism.age(role, e) for e in events) if a is not None]
    return min(ages) if ages else None


def role_settling(role: Any, *events: str) -> bool:
    a = role_age(role, *events)
    return a is not None and a < realism.window("iam_propagation")


def trusts(role: Any, principal: str) -> bool:
    """Does the role's trust policy let `principal` (a service) call sts:AssumeRole?"""
    try:
        doc = role.assume_role_policy_document
        doc = json.loads(unquote(doc) if isinstance(doc, str) and doc.startswith("%") else doc)
    except (TypeError, ValueError):
        return False
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for s in statements:
        if s.get("Effect") != "Allow":
            continue
        actions = s.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        services = (s.get("Principal") or {})
        services = services.get("Service", []) if isinstance(services, dict) else []
        services = [services] if isinstance(services, str) else services
        if principal in services:
            return True
    return False


def caller_arn(response: Any) -> str:
    """The ARN GetCallerIdentity would give for the request's access key."""
    from moto.sts.models import sts_backends

    backend = sts_backends[response.current_account]["aws"]
    return backend.get_caller_identity(response.get_access_key(), response.region)[1]


# ---------------------------------------------------------------------------------------------
# IAM: when a role was created / changed


@_patch
def patch_iam_mark_role_changes() -> None:
    """Record when each role was created and when its trust or permission policies changed.

    AWS: "changes that you make [to IAM] ... take time to become visible" (IAM User Guide,
    Troubleshooting IAM, "Changes that I make are not always immediately visible"); a role a
    service checks right after CreateRole fails that check (see the ECS and Scheduler patches).
    moto: every change is visible at once and nothing records when it happened.
    Patch: `realism.mark(role, "created")` in CreateRole, `"trust_changed"` in
    UpdateAssumeRolePolicy, `"policy_changed"` in Put/DeleteRolePolicy and Attach/DetachRolePolicy
    (backend methods, so every caller is covered). The marks are read by the checks below.
    """
    from moto.iam.models import IAMBackend

    original_create = IAMBackend.create_role

    def create_role(self: Any, *args: Any, **kw: Any) -> Any:
        role = original_create(self, *args, **kw)
        realism.mark(role, "created")
        return role

    IAMBackend.create_role = create_role

    def marking(name: str, event: str) -> None:
        original = getattr(IAMBackend, name)

        def method(self: Any, *args: Any, **kw: Any) -> Any:
            result = original(self, *args, **kw)
            role_name = kw.get("role_name")
            if role_name is None:
                # (role_name, ...) except attach/detach, which take (policy_arn, role_name)
                role_name = args[1] if name in ("attach_role_policy", "detach_role_policy") else args[0]
            realism.mark(self.get_role(role_name), event)
            return result

        setattr(IAMBackend, name, method)

    marking("update_assume_role_policy", "trust_changed")
    for name in ("put_role_policy", "delete_role_policy", "attach_role_policy",
                 "detach_role_policy"):
        marking(name, "policy_changed")


@_patch
def patch_iam_service_linked_role() -> None:
    """CreateServiceLinkedRole(ecs.amazonaws.com) makes AWSServiceRoleForECS, once.

    AWS: the role is `AWSServiceRoleForECS`, path `/aws-service-role/ecs.amazonaws.com/`, trusted
    by `ecs.amazonaws.com`, with `AmazonECSServiceRolePolicy` attached (ECS Developer Guide,
    "Using service-linked roles for Amazon ECS"). A second call fails
    `InvalidInput: Service role name AWSServiceRoleForECS has been taken in this account, please
    try a different suffix.` (HTTP 400; Rayraegah/terraform-aws-hasura#17, the same text for every
    service in lgallard/terraform-aws-elasticsearch#5, chanzuckerberg/cztack#897).
    moto: `IAMBackend.create_service_linked_role` names it `AWSServiceRoleForecs` (and the
    Application Auto Scaling ECS role `AWSServiceRoleForApplicationAutoScaling_Ecs`), attaches no
    policy, and a second call fails `EntityAlreadyExists: Role with name ... already exists.`
    Patch: AWS's names for those two principals, the duplicate check with AWS's error, the ECS
    managed policy attached (when the managed-policy catalogue is loaded), and AWS's description
    when none is given. The role is marked "created" like any other (slr_propagation applies).
    """
    from moto.iam.exceptions import InvalidInput
    from moto.iam.models import IAMBackend

    original = IAMBackend.create_service_linked_role

    def create_service_linked_role(self: Any, service_name: str, description: str,
                                   suffix: str) -> Any:
        name = SLR_NAMES.get(service_name)
        if name is None:
            return original(self, service_name, description, suffix)
        if suffix:
            name = f"{name}_{suffix}"
        if any(r.name == name for r in self.get_roles()):
            raise InvalidInput(f"Service role name {name} has been taken in this account, "
                               "please try a different suffix.")
        if service_name == ECS_SLR_SERVICE and not description:
            description = ECS_SLR_DESCRIPTION
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service_name},
                           "Action": "sts:AssumeRole"}],
        }
        role = self.create_role(name, json.dumps(trust), f"/aws-service-role/{service_name}/",
                                permissions_boundary=None, description=description, tags=[],
                                max_session_duration="3600", linked_service=service_name)
        if service_name == ECS_SLR_SERVICE:
            try:
                self.attach_role_policy(ECS_SLR_POLICY, name)
            except Exception:  # catalogue not loaded (MOTO_IAM_LOAD_MANAGED_POLICIES=false)
                pass
        return role

    IAMBackend.create_service_linked_role = create_service_linked_role


def ecs_service_linked_role(account_id: str, create: bool) -> Any | None:
    """AWSServiceRoleForECS in the account; created (as CreateCluster does) when `create`."""
    backend = iam_backend(account_id)
    for role in backend.get_roles():
        if role.name == ECS_SLR_NAME and role.path == f"/aws-service-role/{ECS_SLR_SERVICE}/":
            return role
    if not create:
        return None
    return backend.create_service_linked_role(ECS_SLR_SERVICE, "", "")


# ---------------------------------------------------------------------------------------------
# ECS


@_patch
def patch_ecs_create_cluster_service_linked_role() -> None:
    """CreateCluster with capacity providers needs a propagated ECS service-linked role.

    AWS: "When you call the CreateCluster API operation, Amazon ECS attempts to create the Amazon
    ECS service-linked role for your account" (ECS API reference, CreateCluster). The new role is
    not usable at once: a CreateCluster that associates capacity providers fails
    `InvalidParameterException: Unable to assume the service linked role. Please verify that the
    ECS service linked role exists.` on a fresh account, and a retry a few seconds later succeeds
    (aws-cloudformation/cloudformation-coverage-roadmap#818, "Recreating the stack succeeds";
    1Password/scim-examples#288; aws-samples/baseline-environment-on-aws#238 shows the code;
    terraform-provider-aws internal/service/ecs/cluster.go `retryClusterCreate` retries this
    message for `propagationTimeout`: "CreateCluster will create the ECS IAM Service Linked Role
    on first ECS provision. This process does not complete before the initial API call
    finishes.").
    moto: no service-linked role anywhere; CreateCluster always succeeds.
    Patch: wrap the response handler `EC2ContainerServiceResponse.create_cluster` (patches.py's
    idempotency patch wraps the backend method, which this handler then calls): create the
    role when it is missing (marked "created" now), and when the request names
    `capacityProviders` or a `defaultCapacityProviderStrategy` while the role is younger than
    `slr_propagation`, fail with AWS's error (before anything is created).
    """
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_cluster

    def create_cluster(self: Any) -> Any:
        role = ecs_service_linked_role(self.current_account, create=True)
        uses_providers = bool(self._get_param("capacityProviders")) or bool(
            self._get_param("defaultCapacityProviderStrategy"))
        if uses_providers and realism.within(role, "created", "slr_propagation"):
            raise InvalidParameterException(SLR_NOT_USABLE)
        return original(self)

    EC2ContainerServiceResponse.create_cluster = create_cluster


@_patch
def patch_ecs_register_task_definition_roles() -> None:
    """RegisterTaskDefinition refuses a role that does not exist or has not propagated yet.

    AWS: ECS checks `iam:PassRole` on `executionRoleArn` and `taskRoleArn` when the task
    definition is registered. A role created moments before is not yet visible to that check:
    `AccessDeniedException: User: <caller ARN> is not authorized to perform: iam:PassRole on
    resource: <role ARN>`, and a rerun succeeds (terraform-aws-modules/terraform-aws-ecs#414,
    "CloudTrail shows the denied RegisterTaskDefinition calls in the same second the roles
    finished creating"; the fix #415 waits for propagation). A role ARN that names no role:
    `ClientException: Role is not valid` (aws-samples/aws-modern-application-workshop#9 and #272,
    bradford-hamilton/terraform-ecs-fargate#8). Policy and trust changes on an existing role are
    not checked here by AWS (they matter when a task starts; the emulator starts no container).
    ("ECS was unable to assume the role '...' that was provided for this task. Please verify that
    the role being passed has the proper trust relationship and permissions and that your IAM
    user has permissions to pass this role." is the *task launch* failure, a service event or a
    stopped task's reason, pulumi/pulumi-awsx#927 - not a RegisterTaskDefinition error.)
    moto: accepts any string as a role ARN.
    Patch: wrap the response handler; for each role ARN sent, look the role up in the account
    the ARN names: missing -> ClientException "Role is not valid"; created less than
    `iam_propagation` ago -> AccessDeniedException naming the caller (GetCallerIdentity's ARN
    for the request's key) and the role.
    """
    from moto.ecs.exceptions import ECSException
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.register_task_definition

    def register_task_definition(self: Any) -> Any:
        for field in ("executionRoleArn", "taskRoleArn"):
            arn = self._get_param(field)
            if not arn:
                continue
            role = find_role(arn)
            if role is None:
                raise ECSException("ClientException", ROLE_NOT_VALID)
            if role_settling(role, "created"):
                raise ECSException(
                    "AccessDeniedException",
                    f"User: {caller_arn(self)} is not authorized to perform: iam:PassRole on "
                    f"resource: {arn}")
        return original(self)

    EC2ContainerServiceResponse.register_task_definition = register_task_definition


apply_all = PATCHES.apply_all

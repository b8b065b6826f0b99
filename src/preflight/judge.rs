//! The pre-flight's verdicts: each reference against what AWS answered about it.
//!
//! Owns the rules (a subnet, security group, target group, secret, parameter, key, file system,
//! access point or image that does not exist; a task whose subnets, security groups, target
//! groups and namespace are not in one VPC; a target group ECS cannot use with Fargate; a
//! secret or key that exists but cannot be used) and their wording. Pure: must not call AWS.

use std::collections::{BTreeMap, BTreeSet};

use super::references::{References, TaskNetwork, User};
use crate::aws::lookup::Lookup;
use crate::aws::referenced::{KeyState, SecretFacts};
use crate::aws::target_groups::TargetGroupFacts;

/// What AWS answered for each reference (keys as in `References`).
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Subnets and security groups that exist → their VPC.
    pub subnets: BTreeMap<String, String>,
    pub security_groups: BTreeMap<String, String>,
    pub target_groups: BTreeMap<String, Lookup<TargetGroupFacts>>,
    /// Blue/green listener rules (or NLB listeners).
    pub listener_rules: BTreeMap<String, Lookup<()>>,
    pub secrets: BTreeMap<String, Lookup<SecretFacts>>,
    pub parameters: BTreeMap<String, Lookup<()>>,
    pub kms_keys: BTreeMap<String, Lookup<KeyState>>,
    pub file_systems: BTreeMap<String, Lookup<()>>,
    /// Access point → the file system it belongs to.
    pub access_points: BTreeMap<String, Lookup<String>>,
    /// Image URI → found or not.
    pub images: BTreeMap<String, Lookup<()>>,
    /// Image URIs whose repository does not exist.
    pub missing_repositories: BTreeSet<String>,
}

/// One problem: an error stops apply before any write; a warning (a reference AWS would not
/// let us read) does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub error: bool,
    /// The referenced value, to find where the spec wrote it.
    pub value: String,
    /// Who uses it (`service \`api\``).
    pub users: Vec<String>,
    pub message: String,
    pub hint: Option<String>,
}

pub fn judge(refs: &References, facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    networks(refs, facts, &mut out);
    lookups(
        &refs.secrets,
        &facts.secrets,
        "secret",
        "Secrets Manager DescribeSecret",
        &mut out,
    );
    for (arn, users) in &refs.secrets {
        if let Some(Lookup::Found(s)) = facts.secrets.get(arn)
            && s.scheduled_for_deletion
        {
            out.push(
                error(
                    arn,
                    users,
                    format!("secret `{arn}` is scheduled for deletion; ECS cannot read it"),
                )
                .hint(
                    "restore it (`aws secretsmanager restore-secret`) or reference another secret",
                ),
            );
        }
    }
    lookups(
        &refs.parameters,
        &facts.parameters,
        "SSM parameter",
        "SSM DescribeParameters",
        &mut out,
    );
    lookups(
        &refs.kms_keys,
        &facts.kms_keys,
        "KMS key",
        "KMS DescribeKey",
        &mut out,
    );
    for (key, users) in &refs.kms_keys {
        if let Some(Lookup::Found(state)) = facts.kms_keys.get(key)
            && state != "Enabled"
        {
            out.push(
                error(
                    key,
                    users,
                    format!("KMS key `{key}` is {state}; nothing can decrypt with it"),
                )
                .hint("enable the key (or cancel its deletion), or name another key"),
            );
        }
    }
    lookups(
        &refs.file_systems,
        &facts.file_systems,
        "EFS file system",
        "EFS DescribeFileSystems",
        &mut out,
    );
    access_points(refs, facts, &mut out);
    images(refs, facts, &mut out);
    out
}

impl Finding {
    fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }
}

fn labels(users: &BTreeSet<User>) -> Vec<String> {
    users.iter().map(|u| u.label.clone()).collect()
}

fn error(value: &str, users: &BTreeSet<User>, message: String) -> Finding {
    Finding {
        error: true,
        value: value.to_string(),
        users: labels(users),
        message,
        hint: None,
    }
}

/// Missing → error; unreadable → warning.
fn lookups<T>(
    refs: &BTreeMap<String, BTreeSet<User>>,
    facts: &BTreeMap<String, Lookup<T>>,
    what: &str,
    call: &str,
    out: &mut Vec<Finding>,
) {
    for (value, users) in refs {
        match facts.get(value) {
            Some(Lookup::Missing) => out.push(
                error(
                    value,
                    users,
                    format!("{what} `{value}` does not exist ({call})"),
                )
                .hint("check the name and the region and account it is in"),
            ),
            Some(Lookup::Unchecked(why)) => out.push(unchecked(value, users, what, why)),
            _ => {}
        }
    }
}

fn unchecked(value: &str, users: &BTreeSet<User>, what: &str, why: &str) -> Finding {
    Finding {
        error: false,
        value: value.to_string(),
        users: labels(users),
        message: format!("could not check {what} `{value}`: {why}"),
        hint: Some(
            "grant the read (`ecsctl permissions --command verify`) to have it checked".into(),
        ),
    }
}

fn access_points(refs: &References, facts: &Facts, out: &mut Vec<Finding>) {
    for (ap, (fs, users)) in &refs.access_points {
        match facts.access_points.get(ap) {
            Some(Lookup::Missing) => out.push(
                error(
                    ap,
                    users,
                    format!("EFS access point `{ap}` does not exist (EFS DescribeAccessPoints)"),
                )
                .hint("check the ID and the region"),
            ),
            Some(Lookup::Found(owner)) if owner != fs => out.push(
                error(
                    ap,
                    users,
                    format!("EFS access point `{ap}` belongs to file system `{owner}`, not `{fs}`"),
                )
                .hint(format!(
                    "set `fileSystemId: {owner}` or use an access point of `{fs}`"
                )),
            ),
            Some(Lookup::Unchecked(why)) => out.push(unchecked(ap, users, "EFS access point", why)),
            _ => {}
        }
    }
}

fn images(refs: &References, facts: &Facts, out: &mut Vec<Finding>) {
    for (uri, (image, users)) in &refs.images {
        let place = format!("registry {} in {}", image.registry, image.region);
        let message = match facts.missing_repositories.contains(uri) {
            true => format!(
                "image `{uri}` is not in ECR: {place} has no repository `{}` (ECR DescribeImages)",
                image.repository
            ),
            false => format!(
                "image `{uri}` is not in ECR: repository `{}` of {place} has no {} (ECR DescribeImages)",
                image.repository,
                describe(&image.id)
            ),
        };
        match facts.images.get(uri) {
            Some(Lookup::Missing) => out.push(error(uri, users, message).hint(
                "push the image first; if a later step of this pipeline pushes it, pass `--skip-image-check`",
            )),
            Some(Lookup::Unchecked(why)) => out.push(unchecked(uri, users, "image", why)),
            _ => {}
        }
    }
}

fn describe(id: &crate::aws::referenced::ImageId) -> String {
    match id {
        crate::aws::referenced::ImageId::Tag(t) => format!("tag `{t}`"),
        crate::aws::referenced::ImageId::Digest(d) => format!("image `{d}`"),
    }
}

/// Each subnet, security group, target group and blue/green listener rule exists (one finding
/// per ID, naming every user);
/// each target group takes IP targets and has a load balancer; per task, subnets, groups,
/// target groups and the namespace are in one VPC.
fn networks(refs: &References, facts: &Facts, out: &mut Vec<Finding>) {
    let mut users: BTreeMap<(&str, &String), BTreeSet<User>> = BTreeMap::new();
    for n in &refs.networks {
        let kinds = [
            ("subnet", &n.subnets),
            ("security group", &n.security_groups),
            ("target group", &n.target_groups),
            ("listener rule", &n.listener_rules),
        ];
        for (what, ids) in kinds {
            for id in ids {
                users.entry((what, id)).or_default().insert(n.user.clone());
            }
        }
    }
    let hint_net =
        "check the ID and that AWS_REGION / the profile name the environment's account and region";
    for ((what, id), users) in &users {
        let found = match *what {
            "subnet" => facts
                .subnets
                .contains_key(*id)
                .then_some(())
                .ok_or("EC2 DescribeSubnets"),
            "security group" => facts
                .security_groups
                .contains_key(*id)
                .then_some(())
                .ok_or("EC2 DescribeSecurityGroups"),
            "listener rule" => match facts.listener_rules.get(*id) {
                Some(Lookup::Unchecked(why)) => {
                    out.push(unchecked(id, users, "listener rule", why));
                    Ok(())
                }
                Some(Lookup::Missing) => Err("ELB DescribeRules / DescribeListeners"),
                _ => Ok(()),
            },
            _ => match facts.target_groups.get(*id) {
                Some(Lookup::Found(tg)) => {
                    target_group(id, tg, users, out);
                    Ok(())
                }
                Some(Lookup::Unchecked(why)) => {
                    out.push(unchecked(id, users, "target group", why));
                    Ok(())
                }
                Some(Lookup::Missing) => Err("ELB DescribeTargetGroups"),
                None => Ok(()),
            },
        };
        if let Err(call) = found {
            let hint = match *what {
                "listener rule" => {
                    "create the rule (forwarding to the service's two target groups) on the load balancer's listener, or fix the ARN"
                }
                "target group" => {
                    "create it (target type `ip`, in the tasks' VPC, forwarded to by a listener) or fix the ARN"
                }
                _ => hint_net,
            };
            out.push(error(id, users, format!("{what} `{id}` does not exist ({call})")).hint(hint));
        }
    }
    for n in &refs.networks {
        one_vpc(n, &vpcs(n, facts), out);
    }
}

/// The VPC of each of the task's subnets, groups, target groups and namespace that exists.
fn vpcs(n: &TaskNetwork, facts: &Facts) -> Vec<(String, String)> {
    let mut vpcs: Vec<(String, String)> = Vec::new();
    for id in &n.subnets {
        vpcs.extend(facts.subnets.get(id).map(|v| (id.clone(), v.clone())));
    }
    for id in &n.security_groups {
        vpcs.extend(
            facts
                .security_groups
                .get(id)
                .map(|v| (id.clone(), v.clone())),
        );
    }
    for arn in &n.target_groups {
        if let Some(Lookup::Found(TargetGroupFacts { vpc: Some(vpc), .. })) =
            facts.target_groups.get(arn)
        {
            vpcs.push((format!("target group `{arn}`"), vpc.clone()));
        }
    }
    if let Some((ns, vpc)) = &n.namespace_vpc {
        vpcs.push((format!("namespace `{ns}`"), vpc.clone()));
    }
    vpcs
}

fn target_group(arn: &str, tg: &TargetGroupFacts, users: &BTreeSet<User>, out: &mut Vec<Finding>) {
    if tg.target_type != "ip" {
        out.push(error(arn, users, format!(
            "target group `{arn}` has target type `{}`; Fargate tasks (awsvpc) register by IP", tg.target_type
        )).hint("create the target group with target type `ip`"));
    }
    if tg.load_balancers == 0 {
        out.push(error(arn, users, format!(
            "target group `{arn}` has no load balancer; ECS refuses a target group no listener forwards to"
        )).hint("add a listener (or listener rule) that forwards to it, then apply"));
    }
}

fn one_vpc(n: &TaskNetwork, vpcs: &[(String, String)], out: &mut Vec<Finding>) {
    let Some((first, vpc)) = vpcs.first() else {
        return;
    };
    let Some((other, other_vpc)) = vpcs.iter().find(|(_, v)| v != vpc) else {
        return;
    };
    let value = if other.contains('`') { first } else { other };
    let name = |x: &str| {
        if x.contains('`') {
            x.to_string()
        } else {
            format!("`{x}`")
        }
    };
    out.push(Finding {
        error: true,
        value: value.clone(),
        users: vec![n.user.label.clone()],
        message: format!(
            "{} uses two VPCs: {} is in `{vpc}`, {} in `{other_vpc}`",
            n.user.label,
            name(first),
            name(other)
        ),
        hint: Some(
            "a task's subnets, security groups, target groups and namespace must all be in one VPC"
                .into(),
        ),
    });
}

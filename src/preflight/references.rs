//! What a desired state references outside ecsctl's own resources, gathered for the pre-flight:
//! subnets, security groups, target groups, secrets, parameters, KMS keys (of log groups,
//! secrets and EBS volumes), EFS file systems and access points, ECR images, and the
//! namespace's VPC.
//!
//! Owns reading those references out of the model (each with the resources that use it) and
//! narrowing them to the resources a plan writes. Pure: must not call AWS or judge.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Desired;
use crate::model::arn;
use crate::model::resources::{Network, RoleRef, TaskDefinition};
use crate::plan::{Address, ResourceKind};

/// One resource of the spec that uses references, for messages and for narrowing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct User {
    pub address: Address,
    /// `service \`api\``, `scheduled task \`nightly\``, ...
    pub label: String,
}

/// The network of one service or scheduled task: these must share one VPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskNetwork {
    pub user: User,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub target_groups: Vec<String>,
    /// The listener rules (or NLB listeners) a blue/green load balancer moves traffic with.
    pub listener_rules: Vec<String>,
    /// The namespace's VPC when this service registers in Cloud Map.
    pub namespace_vpc: Option<(String, String)>,
}

/// An image in ECR, as DescribeImages asks for it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EcrImage {
    pub registry: String,
    pub region: String,
    pub repository: String,
    /// `Tag(latest)` when the image names neither.
    pub id: crate::aws::referenced::ImageId,
}

/// Everything to check, each value with its users.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    pub networks: Vec<TaskNetwork>,
    /// Secrets Manager secret ARNs (without a JSON key or version) → users.
    pub secrets: BTreeMap<String, BTreeSet<User>>,
    /// Parameter ARNs → users.
    pub parameters: BTreeMap<String, BTreeSet<User>>,
    pub kms_keys: BTreeMap<String, BTreeSet<User>>,
    pub file_systems: BTreeMap<String, BTreeSet<User>>,
    /// Access point → (its file system in the spec, users).
    pub access_points: BTreeMap<String, (String, BTreeSet<User>)>,
    /// Image URI → (the ECR image, users).
    pub images: BTreeMap<String, (EcrImage, BTreeSet<User>)>,
    /// Images outside ECR (Docker Hub, GHCR, ECR Public): not checked.
    pub other_images: BTreeSet<String>,
}

impl References {
    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
            && self.secrets.is_empty()
            && self.parameters.is_empty()
            && self.kms_keys.is_empty()
            && self.file_systems.is_empty()
            && self.access_points.is_empty()
            && self.images.is_empty()
    }
}

/// The references of `desired`; with `only`, those of the resources in it (what a plan writes).
pub fn gather(desired: &Desired, only: Option<&BTreeSet<Address>>) -> References {
    let keep = |a: &Address| only.is_none_or(|set| set.contains(a));
    let mut refs = References::default();
    let namespace = desired
        .namespace
        .as_ref()
        .map(|n| (n.name.clone(), n.vpc.clone()));
    for s in &desired.services {
        let user = user(ResourceKind::Service, &s.key, "service");
        if keep(&user.address) {
            let registers = s.discovery.is_some();
            let ns = namespace.clone().filter(|_| registers);
            // The key ECS encrypts the service's EBS volumes with: a disabled or missing key
            // fails every task's start, after the apply.
            if let Some(key) = s.ebs_volume.as_ref().and_then(|v| v.ebs.kms_key_id.clone()) {
                refs.kms_keys.entry(key).or_default().insert(user.clone());
            }
            refs.networks
                .push(network(user, &s.network, &s.load_balancers, ns));
        }
    }
    for t in &desired.scheduled_tasks {
        let user = user(ResourceKind::Schedule, &t.name, "scheduled task");
        if keep(&user.address) {
            refs.networks.push(network(user, &t.network, &[], None));
        }
    }
    for td in &desired.task_definitions {
        let user = user(ResourceKind::TaskDefinition, &td.family, "task definition");
        if keep(&user.address) {
            task_definition(desired, td, &user, &mut refs);
        }
    }
    for g in &desired.log_groups {
        let user = user(ResourceKind::LogGroup, &g.name, "log group");
        if let (Some(key), true) = (&g.kms_key_id, keep(&user.address)) {
            refs.kms_keys.entry(key.clone()).or_default().insert(user);
        }
    }
    refs
}

fn user(kind: ResourceKind, name: &str, what: &str) -> User {
    User {
        address: Address::new(kind, name),
        label: format!("{what} `{name}`"),
    }
}

fn network(
    user: User,
    n: &Network,
    lbs: &[crate::model::resources::LoadBalancer],
    namespace_vpc: Option<(String, String)>,
) -> TaskNetwork {
    TaskNetwork {
        user,
        subnets: n.subnets.clone(),
        security_groups: n.security_groups.clone(),
        // A blue/green pair: ECS refuses an alternate group as it refuses the first one.
        target_groups: lbs
            .iter()
            .flat_map(|l| {
                std::iter::once(l.target_group_arn.clone()).chain(
                    l.traffic
                        .as_ref()
                        .map(|t| t.alternate_target_group_arn.clone()),
                )
            })
            .collect(),
        listener_rules: lbs
            .iter()
            .filter_map(|l| l.traffic.as_ref())
            .flat_map(|t| {
                std::iter::once(t.production_listener_rule.clone())
                    .chain(t.test_listener_rule.clone())
            })
            .collect(),
        namespace_vpc,
    }
}

fn task_definition(desired: &Desired, td: &TaskDefinition, user: &User, refs: &mut References) {
    let add = |map: &mut BTreeMap<String, BTreeSet<User>>, key: String| {
        map.entry(key).or_default().insert(user.clone());
    };
    for c in &td.containers {
        for value_from in c.secrets.values() {
            if arn::is_secret(value_from) {
                add(&mut refs.secrets, arn::secret_base(value_from).to_string());
            } else if arn::is_parameter(value_from) {
                add(&mut refs.parameters, value_from.clone());
            }
        }
        match ecr_image(&c.image) {
            Some(image) => {
                let entry = refs.images.entry(c.image.clone());
                entry
                    .or_insert_with(|| (image, BTreeSet::new()))
                    .1
                    .insert(user.clone());
            }
            None => {
                refs.other_images.insert(c.image.clone());
            }
        }
    }
    for v in &td.volumes {
        let Some(efs) = &v.efs else { continue };
        add(&mut refs.file_systems, efs.file_system_id.clone());
        if let Some(ap) = &efs.access_point_id {
            let entry = refs.access_points.entry(ap.clone());
            let (_, users) = entry.or_insert_with(|| (efs.file_system_id.clone(), BTreeSet::new()));
            users.insert(user.clone());
        }
    }
    for key in decrypt_keys(desired, &td.execution_role) {
        add(&mut refs.kms_keys, key);
    }
}

/// The customer managed keys the execution role (when ecsctl owns it) may decrypt with: the
/// keys the task's secret references name (`model::iam` grants exactly those).
fn decrypt_keys(desired: &Desired, role: &RoleRef) -> Vec<String> {
    let RoleRef::Owned(name) = role else {
        return Vec::new();
    };
    let Some(policy) = desired
        .roles
        .iter()
        .find(|r| &r.name == name)
        .and_then(|r| r.inline_policy.as_ref())
    else {
        return Vec::new();
    };
    policy
        .statement
        .iter()
        .filter(|s| s.action.iter().any(|a| a == "kms:Decrypt"))
        .flat_map(|s| s.resource.iter().cloned())
        .collect()
}

/// `ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]/REPO[:TAG][@DIGEST]`; None for any other
/// registry (ECR Public, Docker Hub, GHCR). Offline the account may still be `{account_id}`.
pub fn ecr_image(image: &str) -> Option<EcrImage> {
    crate::model::iam::ecr_repository(image)?;
    let (host, path) = image.split_once('/')?;
    let mut labels = host.split('.');
    let registry = labels.next()?.to_string();
    let region = labels.nth(2)?.to_string();
    use crate::aws::referenced::ImageId;
    let (rest, id) = match path.split_once('@') {
        Some((rest, digest)) => (rest, Some(ImageId::Digest(digest.to_string()))),
        None => (path, None),
    };
    let (repository, tag) = match rest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag)),
        _ => (rest, None),
    };
    let id = id.unwrap_or_else(|| ImageId::Tag(tag.unwrap_or("latest").to_string()));
    Some(EcrImage {
        registry,
        region,
        repository: repository.to_string(),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::referenced::ImageId;

    /// A blue/green service's alternate target group is checked like its first one.
    #[test]
    fn both_groups_of_a_blue_green_pair_are_checked() {
        let (d, _) = crate::model::testkit::ok(
            "services:\n  web:\n    image: nginx\n    ports: [80]\n    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1a\n        alternateTargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-alt/2b\n        productionListenerRule: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/lb/5d/6e/7f\n    deployment:\n      strategy: blueGreen\n",
        );
        let refs = gather(&d, None);
        assert_eq!(
            refs.networks[0].target_groups,
            [
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1a",
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-alt/2b"
            ]
        );
    }

    #[test]
    fn an_ebs_volume_key_is_checked_for_its_service() {
        let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let (d, _) = crate::model::testkit::ok(&format!(
            "services:\n  db:\n    image: clickhouse\n    volumes:\n      data:\n        ebs: {{size: 10, kmsKeyId: \"{key}\"}}\n"
        ));
        let refs = gather(&d, None);
        let users: Vec<&str> = refs.kms_keys[key]
            .iter()
            .map(|u| u.label.as_str())
            .collect();
        assert_eq!(users, ["service `db`"]);
        let only: BTreeSet<Address> = [Address::new(ResourceKind::LogGroup, "x")].into();
        assert!(gather(&d, Some(&only)).kms_keys.is_empty(), "narrowed away");
    }

    #[test]
    fn ecr_images_are_split_into_registry_region_repository_and_tag_or_digest() {
        let i = ecr_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:v2").unwrap();
        assert_eq!(
            (
                i.registry.as_str(),
                i.region.as_str(),
                i.repository.as_str()
            ),
            ("123456789012", "eu-west-1", "team/web")
        );
        assert_eq!(i.id, ImageId::Tag("v2".into()));
        let d =
            ecr_image("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web@sha256:ab12").unwrap();
        assert_eq!(
            (d.region.as_str(), d.id),
            ("cn-north-1", ImageId::Digest("sha256:ab12".into()))
        );
        let latest = ecr_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web").unwrap();
        assert_eq!(latest.id, ImageId::Tag("latest".into()));
        for other in [
            "nginx:1.27",
            "public.ecr.aws/xray/aws-xray-daemon:3.3.13",
            "ghcr.io/a/b:1",
        ] {
            assert_eq!(ecr_image(other), None, "{other}");
        }
    }
}

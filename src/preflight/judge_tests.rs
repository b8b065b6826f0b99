//! The pre-flight's verdicts on hand-made references and answers (no AWS): one finding per
//! missing ID naming every user, VPC mixing per task, what ECS needs of a target group, the
//! states that make a secret or key unusable, and a refusal that is a warning, not an error.

use std::collections::{BTreeMap, BTreeSet};

use super::judge::{Facts, Finding, judge};
use super::references::{EcrImage, References, TaskNetwork, User};
use crate::aws::lookup::Lookup;
use crate::aws::referenced::{ImageId, SecretFacts};
use crate::aws::target_groups::TargetGroupFacts;
use crate::plan::{Address, ResourceKind};

fn user(name: &str) -> User {
    User {
        address: Address::new(ResourceKind::Service, name),
        label: format!("service `{name}`"),
    }
}

fn net(name: &str, subnets: &[&str], groups: &[&str], tgs: &[&str]) -> TaskNetwork {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
    TaskNetwork {
        user: user(name),
        subnets: v(subnets),
        security_groups: v(groups),
        target_groups: v(tgs),
        listener_rules: vec![],
        namespace_vpc: None,
    }
}

fn messages(findings: &[Finding]) -> Vec<(bool, String)> {
    findings
        .iter()
        .map(|f| (f.error, f.message.clone()))
        .collect()
}

fn facts() -> Facts {
    Facts {
        subnets: [("subnet-a".to_string(), "vpc-1".to_string())].into(),
        security_groups: [
            ("sg-1".to_string(), "vpc-1".to_string()),
            ("sg-2".to_string(), "vpc-2".to_string()),
        ]
        .into(),
        ..Facts::default()
    }
}

#[test]
fn a_missing_subnet_is_one_error_naming_every_service_that_uses_it() {
    let refs = References {
        networks: vec![
            net("api", &["subnet-a", "subnet-x"], &["sg-1"], &[]),
            net("web", &["subnet-x"], &["sg-1"], &[]),
        ],
        ..References::default()
    };
    let found = judge(&refs, &facts());
    assert_eq!(
        messages(&found),
        [(
            true,
            "subnet `subnet-x` does not exist (EC2 DescribeSubnets)".to_string()
        )]
    );
    assert_eq!(found[0].users, ["service `api`", "service `web`"]);
    assert_eq!(found[0].value, "subnet-x");
}

#[test]
fn a_task_whose_subnets_and_groups_are_in_two_vpcs_is_refused() {
    let refs = References {
        networks: vec![net("api", &["subnet-a"], &["sg-2"], &[])],
        ..References::default()
    };
    assert_eq!(
        messages(&judge(&refs, &facts())),
        [(
            true,
            "service `api` uses two VPCs: `subnet-a` is in `vpc-1`, `sg-2` in `vpc-2`".to_string()
        )]
    );
}

#[test]
fn a_target_group_must_exist_take_ip_targets_have_a_load_balancer_and_share_the_vpc() {
    let refs = References {
        networks: vec![net(
            "api",
            &["subnet-a"],
            &["sg-1"],
            &["tg-gone", "tg-inst", "tg-other"],
        )],
        ..References::default()
    };
    let tg = |t: &str, vpc: &str, lbs: usize| {
        Lookup::Found(TargetGroupFacts {
            target_type: t.into(),
            vpc: Some(vpc.into()),
            load_balancers: lbs,
        })
    };
    let facts = Facts {
        target_groups: [
            ("tg-gone".to_string(), Lookup::Missing),
            ("tg-inst".to_string(), tg("instance", "vpc-1", 1)),
            ("tg-other".to_string(), tg("ip", "vpc-2", 0)),
        ]
        .into(),
        ..facts()
    };
    assert_eq!(
        messages(&judge(&refs, &facts)),
        [
            (true, "target group `tg-gone` does not exist (ELB DescribeTargetGroups)".to_string()),
            (true, "target group `tg-inst` has target type `instance`; Fargate tasks (awsvpc) register by IP".to_string()),
            (true, "target group `tg-other` has no load balancer; ECS refuses a target group no listener forwards to".to_string()),
            (true, "service `api` uses two VPCs: `subnet-a` is in `vpc-1`, target group `tg-other` in `vpc-2`".to_string()),
        ]
    );
}

#[test]
fn secrets_keys_and_file_systems_missing_or_unusable_are_errors_and_a_refusal_a_warning() {
    let users: BTreeSet<User> = [user("api")].into();
    let map = |keys: &[&str]| -> BTreeMap<String, BTreeSet<User>> {
        keys.iter()
            .map(|k| (k.to_string(), users.clone()))
            .collect()
    };
    let refs = References {
        secrets: map(&["s-gone", "s-deleted", "s-foreign"]),
        kms_keys: map(&["k-off"]),
        file_systems: map(&["fs-1"]),
        access_points: [("fsap-1".to_string(), ("fs-1".to_string(), users.clone()))].into(),
        ..References::default()
    };
    let facts = Facts {
        secrets: [
            ("s-gone".to_string(), Lookup::Missing),
            (
                "s-deleted".to_string(),
                Lookup::Found(SecretFacts {
                    scheduled_for_deletion: true,
                }),
            ),
            (
                "s-foreign".to_string(),
                Lookup::Unchecked("AccessDeniedException: no".into()),
            ),
        ]
        .into(),
        kms_keys: [(
            "k-off".to_string(),
            Lookup::Found("PendingDeletion".to_string()),
        )]
        .into(),
        file_systems: [("fs-1".to_string(), Lookup::Found(()))].into(),
        access_points: [("fsap-1".to_string(), Lookup::Found("fs-2".to_string()))].into(),
        ..Facts::default()
    };
    assert_eq!(
        messages(&judge(&refs, &facts)),
        [
            (
                false,
                "could not check secret `s-foreign`: AccessDeniedException: no".to_string()
            ),
            (
                true,
                "secret `s-gone` does not exist (Secrets Manager DescribeSecret)".to_string()
            ),
            (
                true,
                "secret `s-deleted` is scheduled for deletion; ECS cannot read it".to_string()
            ),
            (
                true,
                "KMS key `k-off` is PendingDeletion; nothing can decrypt with it".to_string()
            ),
            (
                true,
                "EFS access point `fsap-1` belongs to file system `fs-2`, not `fs-1`".to_string()
            ),
        ]
    );
}

#[test]
fn a_missing_image_says_whether_the_tag_or_the_repository_is_missing() {
    let users: BTreeSet<User> = [user("api")].into();
    let image = |repo: &str, tag: &str| EcrImage {
        registry: "123456789012".into(),
        region: "eu-west-1".into(),
        repository: repo.into(),
        id: ImageId::Tag(tag.into()),
    };
    let refs = References {
        images: [
            ("u1".to_string(), (image("web", "v2"), users.clone())),
            ("u2".to_string(), (image("gone", "v1"), users.clone())),
            ("u3".to_string(), (image("web", "v1"), users.clone())),
        ]
        .into(),
        ..References::default()
    };
    let facts = Facts {
        images: [
            ("u1".to_string(), Lookup::Missing),
            ("u2".to_string(), Lookup::Missing),
            ("u3".to_string(), Lookup::Found(())),
        ]
        .into(),
        missing_repositories: ["u2".to_string()].into(),
        ..Facts::default()
    };
    assert_eq!(
        messages(&judge(&refs, &facts)),
        [
            (true, "image `u1` is not in ECR: repository `web` of registry 123456789012 in eu-west-1 has no tag `v2` (ECR DescribeImages)".to_string()),
            (true, "image `u2` is not in ECR: registry 123456789012 in eu-west-1 has no repository `gone` (ECR DescribeImages)".to_string()),
        ]
    );
}

/// A blue/green load balancer's listener rules must exist: ECS refuses the service otherwise,
/// after the steps before it were applied (the root project's demo met this).
#[test]
fn a_blue_green_listener_rule_must_exist() {
    let mut n = net("web", &["subnet-a"], &["sg-1"], &[]);
    n.listener_rules = vec!["rule-gone".into(), "rule-ok".into(), "rule-denied".into()];
    let refs = References {
        networks: vec![n],
        ..References::default()
    };
    let facts = Facts {
        listener_rules: [
            ("rule-gone".to_string(), Lookup::Missing),
            ("rule-ok".to_string(), Lookup::Found(())),
            (
                "rule-denied".to_string(),
                Lookup::Unchecked("AccessDenied".into()),
            ),
        ]
        .into(),
        ..facts()
    };
    assert_eq!(
        messages(&judge(&refs, &facts)),
        [
            (
                false,
                "could not check listener rule `rule-denied`: AccessDenied".to_string()
            ),
            (
                true,
                "listener rule `rule-gone` does not exist (ELB DescribeRules / DescribeListeners)"
                    .to_string()
            ),
        ]
    );
}

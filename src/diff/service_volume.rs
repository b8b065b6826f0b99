//! A service's EBS volume (`volumeConfigurations`), as the spec wants it and as the service's
//! PRIMARY deployment has it.
//!
//! ECS reports the volume configuration per deployment, not on the service
//! (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html>): the
//! PRIMARY deployment's is the one the service launches tasks with. Both sides fill in what
//! ECS and EC2 default when a field is not sent (gp3, 3000 IOPS and 125 MiB/s for gp3, xfs,
//! encrypted, tags not propagated), so a field omitted on one side and defaulted on the
//! other is not a change. Must not decide what a change costs (rules.rs).

use serde_json::{Value, json};

use super::compare::View;
use super::normalize::{put, put_always};
use crate::live::{LiveEbsVolume, LiveService};
use crate::model::ServiceVolume;

/// What ecsctl asks ECS to put on each volume: the service's tags.
pub const PROPAGATE_TAGS: &str = "SERVICE";

/// The one field both views share; each side states what it knows, the rest is defaulted.
struct Fields<'a> {
    name: &'a str,
    size_gib: Option<i64>,
    volume_type: Option<&'a str>,
    iops: Option<i64>,
    throughput: Option<i64>,
    filesystem: Option<&'a str>,
    encrypted: Option<bool>,
    kms_key_id: Option<&'a str>,
    snapshot_id: Option<&'a str>,
    role_arn: Option<&'a str>,
    propagate_tags: Option<&'a str>,
}

fn view(f: Fields) -> Value {
    let kind = f.volume_type.unwrap_or("gp3");
    let gp3 = kind == "gp3";
    let mut ebs = View::new();
    put(&mut ebs, "sizeInGiB", json!(f.size_gib));
    put(&mut ebs, "volumeType", json!(kind));
    put(&mut ebs, "iops", json!(f.iops.or(gp3.then_some(3000))));
    put(
        &mut ebs,
        "throughput",
        json!(f.throughput.or(gp3.then_some(125))),
    );
    put(
        &mut ebs,
        "filesystemType",
        json!(f.filesystem.unwrap_or("xfs")),
    );
    put_always(&mut ebs, "encrypted", json!(f.encrypted.unwrap_or(true)));
    put(&mut ebs, "kmsKeyId", json!(f.kms_key_id));
    put(&mut ebs, "snapshotId", json!(f.snapshot_id));
    put(&mut ebs, "roleArn", json!(f.role_arn));
    put(
        &mut ebs,
        "propagateTags",
        json!(f.propagate_tags.unwrap_or("NONE")),
    );
    json!([{"name": f.name, "managedEBSVolume": Value::Object(ebs)}])
}

/// The spec's volume; `role` turns the infrastructure role's name into its ARN.
pub fn desired(v: Option<&ServiceVolume>, role: &dyn Fn(&str) -> String) -> Value {
    let Some(v) = v else { return Value::Null };
    let e = &v.ebs;
    let role_arn = role(&v.role);
    view(Fields {
        name: &e.name,
        size_gib: e.size_gib.map(i64::from),
        volume_type: Some(&e.volume_type),
        iops: e.iops.map(i64::from),
        throughput: e.throughput.map(i64::from),
        filesystem: Some(&e.filesystem),
        encrypted: Some(e.encrypted),
        kms_key_id: e.kms_key_id.as_deref(),
        snapshot_id: e.snapshot_id.as_deref(),
        role_arn: Some(&role_arn),
        propagate_tags: Some(PROPAGATE_TAGS),
    })
}

/// The PRIMARY deployment's volume; null when it has none.
pub fn live(l: &LiveService) -> Value {
    let Some(v) = l.primary_deployment().and_then(|d| d.volumes.first()) else {
        return Value::Null;
    };
    live_volume(v)
}

fn live_volume(v: &LiveEbsVolume) -> Value {
    view(Fields {
        name: &v.name,
        size_gib: v.size_in_gib.map(i64::from),
        volume_type: v.volume_type.as_deref(),
        iops: v.iops.map(i64::from),
        throughput: v.throughput.map(i64::from),
        filesystem: v.filesystem_type.as_deref(),
        encrypted: v.encrypted,
        kms_key_id: v.kms_key_id.as_deref(),
        snapshot_id: v.snapshot_id.as_deref(),
        role_arn: v.role_arn.as_deref(),
        propagate_tags: v.propagate_tags.as_deref(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EbsVolume;

    const ROLE: &str = "arn:aws:iam::123456789012:role/ohi-prod-ecs-infrastructure";

    fn spec() -> ServiceVolume {
        ServiceVolume {
            ebs: EbsVolume {
                name: "data".into(),
                size_gib: Some(100),
                volume_type: "gp3".into(),
                iops: None,
                throughput: None,
                filesystem: "xfs".into(),
                encrypted: true,
                kms_key_id: None,
                snapshot_id: None,
            },
            role: "ohi-prod-ecs-infrastructure".into(),
        }
    }

    fn role(name: &str) -> String {
        format!("arn:aws:iam::123456789012:role/{name}")
    }

    /// As ECS returns what ecsctl sent: every field explicit except the defaulted ones.
    fn sent() -> LiveEbsVolume {
        LiveEbsVolume {
            name: "data".into(),
            size_in_gib: Some(100),
            volume_type: Some("gp3".into()),
            filesystem_type: Some("xfs".into()),
            encrypted: Some(true),
            role_arn: Some(ROLE.into()),
            propagate_tags: Some("SERVICE".into()),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_filled_on_either_side_compare_equal() {
        let want = desired(Some(&spec()), &role);
        assert_eq!(live_volume(&sent()), want, "echoed as sent");
        let filled = LiveEbsVolume {
            iops: Some(3000),
            throughput: Some(125),
            ..sent()
        };
        assert_eq!(
            live_volume(&filled),
            want,
            "gp3's defaults filled in by ECS"
        );
        let bare = LiveEbsVolume {
            volume_type: None,
            filesystem_type: None,
            encrypted: None,
            ..sent()
        };
        assert_eq!(
            live_volume(&bare),
            want,
            "type, file system and encryption omitted"
        );
    }

    #[test]
    fn each_setting_is_compared() {
        let want = desired(Some(&spec()), &role);
        let changed: Vec<(&str, LiveEbsVolume)> = vec![
            (
                "size",
                LiveEbsVolume {
                    size_in_gib: Some(50),
                    ..sent()
                },
            ),
            (
                "iops",
                LiveEbsVolume {
                    iops: Some(4000),
                    ..sent()
                },
            ),
            (
                "type",
                LiveEbsVolume {
                    volume_type: Some("gp2".into()),
                    ..sent()
                },
            ),
            (
                "fs",
                LiveEbsVolume {
                    filesystem_type: Some("ext4".into()),
                    ..sent()
                },
            ),
            (
                "unencrypted",
                LiveEbsVolume {
                    encrypted: Some(false),
                    ..sent()
                },
            ),
            (
                "key",
                LiveEbsVolume {
                    kms_key_id: Some("arn:aws:kms:eu-west-1:1:key/k".into()),
                    ..sent()
                },
            ),
            (
                "role",
                LiveEbsVolume {
                    role_arn: Some(role("other")),
                    ..sent()
                },
            ),
            (
                "tags not propagated",
                LiveEbsVolume {
                    propagate_tags: None,
                    ..sent()
                },
            ),
            (
                "name",
                LiveEbsVolume {
                    name: "scratch".into(),
                    ..sent()
                },
            ),
        ];
        for (what, live) in changed {
            assert_ne!(live_volume(&live), want, "{what}");
        }
    }

    #[test]
    fn only_the_primary_deployment_counts() {
        use crate::live::LiveDeployment;
        let deployment = |status: &str, volumes: Vec<LiveEbsVolume>| LiveDeployment {
            volumes,
            ..crate::diff::fixtures::deployment(status)
        };
        let mut l = crate::diff::fixtures::converged().services[0].clone();
        l.deployments = vec![
            deployment("PRIMARY", vec![]),
            deployment("ACTIVE", vec![sent()]),
        ];
        assert_eq!(live(&l), Value::Null, "removed in the newest deployment");
        l.deployments.reverse();
        l.deployments[0].status = Some("PRIMARY".into());
        l.deployments[1].status = Some("ACTIVE".into());
        assert_eq!(live(&l), desired(Some(&spec()), &role));
    }
}

//! Task volumes: EFS file systems, an EBS volume per task, or scratch space, and ephemeral
//! storage.
//!
//! Owns the EFS rules (IDs `fs-…`/`fsap-…`, root `/` by default, transit encryption on by
//! default and required by access points and IAM authorization, as ECS requires:
//! https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html)
//! and the EBS rules (one volume per task, sizes, IOPS and throughput per volume type, as
//! ServiceManagedEBSVolumeConfiguration lists them:
//! https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceManagedEBSVolumeConfiguration.html).
//! Must not check mounts (task_def.rs sees containers and volumes together), nor decide who
//! may configure an EBS volume (services can, scheduled tasks cannot: scheduled.rs).

use super::arn;
use super::resources::{EbsVolume, EfsVolume, Volume};
use super::scope::Scope;
use super::validate::{id, in_range};
use crate::spec::raw::{RawEbs, RawEfs, RawVolume};
use crate::spec::raw_values::EbsVolumeType;
use crate::spec::span::{Loc, Sp};
use crate::spec::spmap::SpMap;

/// The task's volumes, and its EBS volume's settings with where that volume is named.
pub struct Volumes {
    pub volumes: Vec<Volume>,
    pub ebs: Option<(EbsVolume, Loc)>,
}

pub fn volumes(cx: &Scope, map: Option<&SpMap<RawVolume>>, at: &str) -> Volumes {
    let mut out = Volumes {
        volumes: Vec::new(),
        ebs: None,
    };
    let Some(map) = map else { return out };
    for (name, v) in map.iter() {
        let path = format!("{at}.volumes.{}", name.value);
        if v.efs.is_some() && v.ebs.is_some() {
            cx.error_hint(
                name.loc,
                &path,
                format!("volume `{}` is both EFS and EBS", name.value),
                "keep `efs` or `ebs`",
            );
        }
        let ebs = v
            .ebs
            .as_ref()
            .map(|e| ebs(cx, e, name, &format!("{path}.ebs")));
        if let Some(e) = ebs {
            match &out.ebs {
                Some((first, _)) => cx.error_hint(
                    name.loc,
                    &path,
                    format!(
                        "volume `{}` is a second EBS volume (`{}` is one already)",
                        name.value, first.name
                    ),
                    "ECS attaches one EBS volume to each task",
                ),
                None => out.ebs = Some((e, name.loc)),
            }
        }
        out.volumes.push(Volume {
            name: name.value.clone(),
            efs: v
                .efs
                .as_ref()
                .filter(|_| v.ebs.is_none())
                .map(|e| efs(cx, e, name, &format!("{path}.efs"))),
            configured_at_launch: v.ebs.is_some(),
        });
    }
    out
}

/// The size range of each volume type, in GiB.
fn sizes(t: EbsVolumeType) -> std::ops::RangeInclusive<u32> {
    match t {
        EbsVolumeType::Gp2 | EbsVolumeType::Gp3 => 1..=16_384,
        EbsVolumeType::Io1 | EbsVolumeType::Io2 => 4..=16_384,
        EbsVolumeType::St1 | EbsVolumeType::Sc1 => 125..=16_384,
    }
}

/// The IOPS range of each volume type that takes provisioned IOPS.
fn iops_range(t: EbsVolumeType) -> Option<std::ops::RangeInclusive<u32>> {
    match t {
        EbsVolumeType::Gp3 => Some(3_000..=16_000),
        EbsVolumeType::Io1 => Some(100..=64_000),
        EbsVolumeType::Io2 => Some(100..=256_000),
        EbsVolumeType::Gp2 | EbsVolumeType::St1 | EbsVolumeType::Sc1 => None,
    }
}

fn ebs(cx: &Scope, e: &RawEbs, name: &Sp<String>, path: &str) -> EbsVolume {
    let kind = e
        .volume_type
        .as_ref()
        .map_or(EbsVolumeType::Gp3, |t| t.value);
    let type_name = kind.as_str();
    let snapshot_id = e
        .snapshot_id
        .as_ref()
        .and_then(|s| id(cx, s, "snap", &format!("{path}.snapshotId")));
    let size_gib = match &e.size {
        Some(size) => Some(in_range(
            cx,
            size,
            sizes(kind),
            &format!("{type_name} volume size (GiB)"),
            &format!("{path}.size"),
        )),
        None => {
            if snapshot_id.is_none() {
                cx.error_hint(
                    name.loc,
                    format!("{path}.size"),
                    format!("EBS volume `{}` has no `size`", name.value),
                    "set `size` in GiB, or `snapshotId` to start from a snapshot",
                );
            }
            None
        }
    };
    let iops = match (&e.iops, iops_range(kind)) {
        (Some(v), Some(range)) => Some(in_range(
            cx,
            v,
            range,
            &format!("{type_name} IOPS"),
            &format!("{path}.iops"),
        )),
        (Some(v), None) => {
            cx.error_hint(
                v.loc,
                format!("{path}.iops"),
                format!("{type_name} volumes take no provisioned IOPS"),
                "remove `iops`, or use `volumeType: gp3`, `io1` or `io2`",
            );
            None
        }
        (None, _) => {
            if matches!(kind, EbsVolumeType::Io1 | EbsVolumeType::Io2) {
                let loc = e.volume_type.as_ref().map_or(name.loc, |t| t.loc);
                cx.error(
                    loc,
                    format!("{path}.iops"),
                    format!("{type_name} volumes need `iops`"),
                );
            }
            None
        }
    };
    let throughput = e.throughput.as_ref().and_then(|t| {
        if kind == EbsVolumeType::Gp3 {
            Some(in_range(
                cx,
                t,
                125..=1_000,
                "gp3 throughput (MiB/s)",
                &format!("{path}.throughput"),
            ))
        } else {
            cx.error_hint(
                t.loc,
                format!("{path}.throughput"),
                format!("{type_name} volumes take no provisioned throughput"),
                "remove `throughput`, or use `volumeType: gp3`",
            );
            None
        }
    });
    let encrypted = e.encrypted.as_ref().is_none_or(|x| x.value);
    let kms_key_id = e.kms_key_id.as_ref().and_then(|k| {
        let key_path = format!("{path}.kmsKeyId");
        let text = cx.text(k, &key_path)?;
        if !arn::is_kms_key_arn(&text) {
            cx.error_hint(
                k.loc,
                &key_path,
                format!("`{text}` is not a KMS key ARN"),
                "write the key's ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID` (not an alias), so \
                 the infrastructure role can be granted exactly that key",
            );
        }
        if !encrypted {
            cx.error_hint(
                k.loc,
                &key_path,
                "a KMS key encrypts, but `encrypted` is false",
                "remove `encrypted: false` or `kmsKeyId`",
            );
        }
        Some(text)
    });
    EbsVolume {
        name: name.value.clone(),
        size_gib,
        volume_type: type_name.to_string(),
        iops,
        throughput,
        filesystem: e
            .filesystem
            .as_ref()
            .map_or_else(Default::default, |f| f.value)
            .as_str()
            .to_string(),
        encrypted,
        kms_key_id,
        snapshot_id,
    }
}

fn efs(cx: &Scope, e: &RawEfs, name: &Sp<String>, path: &str) -> EfsVolume {
    let file_system_id = match &e.file_system_id {
        Some(fs) => id(cx, fs, "fs", &format!("{path}.fileSystemId")).unwrap_or_default(),
        None => {
            cx.error(
                name.loc,
                format!("{path}.fileSystemId"),
                format!("EFS volume `{}` has no `fileSystemId`", name.value),
            );
            String::new()
        }
    };
    let access_point_id = e
        .access_point_id
        .as_ref()
        .and_then(|a| id(cx, a, "fsap", &format!("{path}.accessPointId")));
    let transit_encryption = e.transit_encryption.as_ref().is_none_or(|t| t.value);
    let iam = e.iam.as_ref().is_some_and(|i| i.value);
    if !transit_encryption {
        let loc = e.transit_encryption.as_ref().map_or(name.loc, |t| t.loc);
        let hint = "remove `transitEncryption: false`";
        if let Some(ap) = &e.access_point_id {
            cx.error_hint(
                loc,
                format!("{path}.transitEncryption"),
                format!("access point `{}` needs transit encryption", ap.value),
                hint,
            );
        }
        if iam {
            cx.error_hint(
                loc,
                format!("{path}.transitEncryption"),
                "EFS IAM authorization needs transit encryption",
                hint,
            );
        }
    }
    let root_directory = match &e.root_directory {
        Some(r) => cx
            .text(r, &format!("{path}.rootDirectory"))
            .unwrap_or_default(),
        None => "/".to_string(),
    };
    EfsVolume {
        file_system_id,
        root_directory,
        transit_encryption,
        access_point_id,
        iam,
    }
}

/// GiB of ephemeral storage: 21 to 200 (Fargate includes 20).
pub fn ephemeral_storage(cx: &Scope, value: Option<&Sp<u32>>, at: &str) -> Option<u32> {
    value.map(|v| {
        in_range(
            cx,
            v,
            21..=200,
            "ephemeral storage",
            &format!("{at}.ephemeralStorage"),
        )
    })
}

//! Task volumes: EFS file systems or scratch space, and ephemeral storage.
//!
//! Owns the EFS rules (IDs `fs-…`/`fsap-…`, root `/` by default, transit encryption on by
//! default and required by access points and IAM authorization, as ECS requires:
//! https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html).
//! Must not check mounts (task_def.rs sees containers and volumes together).

use super::resources::{EfsVolume, Volume};
use super::scope::Scope;
use super::validate::{id, in_range};
use crate::spec::raw::{RawEfs, RawVolume};
use crate::spec::span::Sp;
use crate::spec::spmap::SpMap;

pub fn volumes(cx: &Scope, map: Option<&SpMap<RawVolume>>, at: &str) -> Vec<Volume> {
    let Some(map) = map else { return Vec::new() };
    let each = |(name, v): (&Sp<String>, &RawVolume)| {
        let path = format!("{at}.volumes.{}.efs", name.value);
        Volume {
            name: name.value.clone(),
            efs: v.efs.as_ref().map(|e| efs(cx, e, name, &path)),
        }
    };
    map.iter().map(each).collect()
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

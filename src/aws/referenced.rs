//! The pre-flight's reads of what task definitions reference: secrets (Secrets Manager),
//! parameters (Parameter Store), KMS keys, EFS file systems and access points, ECR images.
//!
//! Owns the calls, all metadata only (DescribeSecret, never a value; DescribeParameters with a
//! `Name Equals` filter, 50 names a call; DescribeKey; DescribeFileSystems /
//! DescribeAccessPoints; DescribeImages), and the conversion into `Lookup`s. A resource in
//! another region than the environment's is asked in its region. Must not judge
//! (crate::preflight does) and must not write.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ssm::types::ParameterStringFilter;

use super::lookup::{Lookup, in_region};
use super::{AwsClients, AwsError};

/// A secret that exists, and whether it is scheduled for deletion (then ECS cannot read it:
/// GetSecretValue answers InvalidRequestException).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretFacts {
    pub scheduled_for_deletion: bool,
}

/// DescribeSecret of `id` (an ARN, complete or partial) in `region`.
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
pub async fn secret(
    clients: &AwsClients,
    region: &str,
    id: &str,
) -> Result<Lookup<SecretFacts>, AwsError> {
    let res = if region == clients.region() || region.is_empty() {
        clients.secrets.describe_secret().secret_id(id).send().await
    } else {
        let c = in_region!(aws_sdk_secretsmanager, clients.secrets, region);
        c.describe_secret().secret_id(id).send().await
    };
    match res {
        Ok(s) => Ok(Lookup::Found(SecretFacts {
            scheduled_for_deletion: s.deleted_date().is_some(),
        })),
        Err(e) => Lookup::from_error(
            AwsError::from_sdk("secretsmanager", "DescribeSecret", Some(id), e),
            &["ResourceNotFoundException"],
        ),
    }
}

/// The names among `names` that exist as parameters in `region` (DescribeParameters, `Name`
/// `Equals`, at most 50 values a filter:
/// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ParameterStringFilter.html).
pub async fn parameters(
    clients: &AwsClients,
    region: &str,
    names: &[String],
) -> Result<Lookup<BTreeSet<String>>, AwsError> {
    let regional = (region != clients.region() && !region.is_empty())
        .then(|| in_region!(aws_sdk_ssm, clients.ssm, region));
    let describe = || match &regional {
        Some(c) => c.describe_parameters(),
        None => clients.ssm.describe_parameters(),
    };
    let mut found = BTreeSet::new();
    for chunk in names.chunks(50) {
        let filter = ParameterStringFilter::builder()
            .key("Name")
            .option("Equals")
            .set_values(Some(chunk.to_vec()))
            .build()
            .map_err(|e| AwsError::new("ssm", "DescribeParameters", None, None, e.to_string()))?;
        let mut pages = describe()
            .parameter_filters(filter)
            .max_results(50)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    let err = AwsError::from_sdk("ssm", "DescribeParameters", None, e);
                    return Lookup::from_error(err, &[]);
                }
            };
            found.extend(
                page.parameters()
                    .iter()
                    .filter_map(|p| p.name())
                    .map(str::to_string),
            );
        }
    }
    Ok(Lookup::Found(found))
}

/// The state of one KMS key (`Enabled`, `Disabled`, `PendingDeletion`, ...).
pub type KeyState = String;

/// DescribeKey of `id` (a key ARN) in `region`.
/// https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
pub async fn kms_key(
    clients: &AwsClients,
    region: &str,
    id: &str,
) -> Result<Lookup<KeyState>, AwsError> {
    let res = if region == clients.region() || region.is_empty() {
        clients.kms.describe_key().key_id(id).send().await
    } else {
        let c = in_region!(aws_sdk_kms, clients.kms, region);
        c.describe_key().key_id(id).send().await
    };
    match res {
        Ok(k) => Ok(Lookup::Found(
            k.key_metadata()
                .and_then(|m| m.key_state())
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        )),
        Err(e) => Lookup::from_error(
            AwsError::from_sdk("kms", "DescribeKey", Some(id), e),
            &["NotFoundException"],
        ),
    }
}

/// Whether an EFS file system exists (DescribeFileSystems by ID).
/// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeFileSystems.html
pub async fn file_system(clients: &AwsClients, id: &str) -> Result<Lookup<()>, AwsError> {
    match clients
        .efs
        .describe_file_systems()
        .file_system_id(id)
        .send()
        .await
    {
        Ok(_) => Ok(Lookup::Found(())),
        Err(e) => Lookup::from_error(
            AwsError::from_sdk("elasticfilesystem", "DescribeFileSystems", Some(id), e),
            &["FileSystemNotFound"],
        ),
    }
}

/// The file system an EFS access point belongs to (DescribeAccessPoints by ID).
/// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeAccessPoints.html
pub async fn access_point(clients: &AwsClients, id: &str) -> Result<Lookup<String>, AwsError> {
    match clients
        .efs
        .describe_access_points()
        .access_point_id(id)
        .send()
        .await
    {
        Ok(out) => Ok(Lookup::Found(
            out.access_points()
                .first()
                .and_then(|a| a.file_system_id())
                .unwrap_or_default()
                .to_string(),
        )),
        Err(e) => Lookup::from_error(
            AwsError::from_sdk("elasticfilesystem", "DescribeAccessPoints", Some(id), e),
            &["AccessPointNotFound"],
        ),
    }
}

/// One image reference in an ECR repository: a tag or a digest.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImageId {
    Tag(String),
    Digest(String),
}

/// What DescribeImages said of one repository's images.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepositoryImages {
    pub images: BTreeMap<ImageId, Lookup<()>>,
    /// `RepositoryNotFoundException`: every image is missing because the repository is.
    pub repository_missing: bool,
}

/// Which of `ids` exist in repository `repository` of registry `registry` (an account) in
/// `region`: DescribeImages, up to 100 IDs a call. It fails the whole call with
/// `ImageNotFoundException` when one is missing, so then each ID is asked alone; an unknown
/// repository (`RepositoryNotFoundException`) makes every ID missing.
/// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
pub async fn images(
    clients: &AwsClients,
    registry: &str,
    region: &str,
    repository: &str,
    ids: &[ImageId],
) -> Result<RepositoryImages, AwsError> {
    let regional =
        (region != clients.region()).then(|| in_region!(aws_sdk_ecr, clients.ecr, region));
    let ask = |ids: &[ImageId]| {
        match &regional {
            Some(c) => c.describe_images(),
            None => clients.ecr.describe_images(),
        }
        .registry_id(registry)
        .repository_name(repository)
        .set_image_ids(Some(ids.iter().map(sdk_id).collect()))
        .send()
    };
    let err = |e| AwsError::from_sdk("ecr", "DescribeImages", Some(repository), e);
    let mut out = BTreeMap::new();
    let mut repository_missing = false;
    for chunk in ids.chunks(100) {
        match ask(chunk).await.map_err(err) {
            Ok(_) => out.extend(chunk.iter().map(|i| (i.clone(), Lookup::Found(())))),
            Err(e) if e.is_code("ImageNotFoundException") && chunk.len() > 1 => {
                for id in chunk {
                    let one = match ask(std::slice::from_ref(id)).await.map_err(err) {
                        Ok(_) => Lookup::Found(()),
                        Err(e) => Lookup::from_error(e, &["ImageNotFoundException"])?,
                    };
                    out.insert(id.clone(), one);
                }
            }
            Err(e) => {
                repository_missing |= e.is_code("RepositoryNotFoundException");
                let why = Lookup::from_error(
                    e,
                    &["ImageNotFoundException", "RepositoryNotFoundException"],
                )?;
                out.extend(chunk.iter().map(|i| (i.clone(), why.clone())));
            }
        }
    }
    Ok(RepositoryImages {
        images: out,
        repository_missing,
    })
}

fn sdk_id(id: &ImageId) -> aws_sdk_ecr::types::ImageIdentifier {
    let b = aws_sdk_ecr::types::ImageIdentifier::builder();
    match id {
        ImageId::Tag(t) => b.image_tag(t),
        ImageId::Digest(d) => b.image_digest(d),
    }
    .build()
}

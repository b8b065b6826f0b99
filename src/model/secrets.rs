//! Container secrets: full ARNs pass through (shape-checked), references by name become ARNs,
//! and each records what the execution role must be granted to read it.
//!
//! Owns the ARN forms ECS accepts as `valueFrom`
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html)
//! and the matching IAM resource, in the environment's partition, plus the customer managed
//! KMS key a reference names (`kms:Decrypt` on it, per
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html#secrets-iam>).
//! Must not build the policy itself (iam.rs does).

use super::arn;
use super::scope::{Scope, for_check};
use crate::spec::raw_values::{RawSecret, RawSecretRef};
use crate::spec::span::Sp;

/// What reading one secret needs from IAM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// secretsmanager:GetSecretValue on these resources: the secret's ARN patterns.
    Secret(Vec<String>),
    /// ssm:GetParameters on this parameter ARN.
    Parameter(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    pub value_from: String,
    pub grant: Grant,
    /// A customer managed key the execution role must be able to decrypt with (its ARN).
    pub kms_key: Option<String>,
}

const SHAPES: &str = "use `arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME`, `arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME`, `{secretsManager: NAME, key: KEY}` or `{ssm: /NAME}`";

pub fn resolve(cx: &Scope, secret: &Sp<RawSecret>, path: &str) -> Option<SecretRef> {
    match &secret.value {
        RawSecret::Arn(text) => {
            let value = cx.name(&Sp::new(text.clone(), secret.loc), path, None)?;
            from_arn(&value).or_else(|| {
                cx.error_hint(
                    secret.loc,
                    path,
                    format!("secret `{value}` is not a Secrets Manager or SSM parameter ARN"),
                    SHAPES,
                );
                None
            })
        }
        RawSecret::Ref(r) => from_ref(cx, r, secret, path),
    }
}

fn from_arn(value: &str) -> Option<SecretRef> {
    let checked = for_check(value);
    if arn::is_secret(&checked) {
        let grant = Grant::Secret(arn_grants(arn::secret_base(value)));
        return Some(SecretRef {
            value_from: value.to_string(),
            grant,
            kms_key: None,
        });
    }
    arn::is_parameter(&checked).then(|| SecretRef {
        value_from: value.to_string(),
        grant: Grant::Parameter(value.to_string()),
        kms_key: None,
    })
}

fn from_ref(cx: &Scope, r: &RawSecretRef, at: &Sp<RawSecret>, path: &str) -> Option<SecretRef> {
    let kms_key = match &r.kms_key {
        Some(k) => Some(kms_key(cx, &Sp::new(k.clone(), at.loc), path)?),
        None => None,
    };
    let mut secret = reference(cx, r, at, path)?;
    secret.kms_key = kms_key;
    Some(secret)
}

/// The key a secret reference names. IAM matches `kms:Decrypt` against the key's ARN only: an
/// alias (name or ARN) in a policy's `Resource` matches no key
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html>).
fn kms_key(cx: &Scope, key: &Sp<String>, path: &str) -> Option<String> {
    let text = cx.name(key, path, None)?;
    if !arn::is_kms_key_arn(&for_check(&text)) {
        cx.error_hint(
            key.loc,
            path,
            format!("`kmsKey` `{text}` is not a KMS key ARN"),
            format!(
                "IAM grants kms:Decrypt on the key's ARN, never an alias: `arn:{}:kms:REGION:ACCOUNT:key/ID` (`aws kms describe-key --key-id ALIAS` prints it)",
                cx.partition
            ),
        );
        return None;
    }
    Some(text)
}

fn reference(cx: &Scope, r: &RawSecretRef, at: &Sp<RawSecret>, path: &str) -> Option<SecretRef> {
    let text = |s: &String| cx.name(&Sp::new(s.clone(), at.loc), path, None);
    match (&r.secrets_manager, &r.ssm) {
        (Some(name), None) => {
            let name = text(name)?;
            if name.starts_with("arn:") && !arn::is_secret(&for_check(&name)) {
                let message = format!("`{name}` is not a Secrets Manager secret ARN");
                cx.error_hint(at.loc, path, message, SHAPES);
                return None;
            }
            let part = |v: &Option<String>| match v {
                Some(t) => cx.text(&Sp::new(t.clone(), at.loc), path),
                None => Some(String::new()),
            };
            let (key, stage) = (part(&r.key)?, part(&r.version_stage)?);
            Some(secrets_manager(cx, &name, &key, &stage))
        }
        (None, Some(param)) if r.key.is_none() && r.version_stage.is_none() => {
            let param = text(param)?;
            Some(parameter(cx, &param))
        }
        _ => {
            let message = "a secret reference needs exactly one of `secretsManager` and `ssm` (`key` and `versionStage` go with `secretsManager`)";
            cx.error_hint(at.loc, path, message, SHAPES);
            None
        }
    }
}

fn secrets_manager(cx: &Scope, name: &str, key: &str, stage: &str) -> SecretRef {
    // A name (not an ARN) matches the secret's full ARN only with AWS's random 6-character
    // suffix, hence `NAME-??????` in the policy.
    let (base, grant) = if name.starts_with("arn:") {
        (name.to_string(), arn_grants(name))
    } else {
        let base = cx.partition.arn(
            "secretsmanager",
            &cx.region,
            cx.account_text(),
            &format!("secret:{name}"),
        );
        (base.clone(), vec![format!("{base}-??????")])
    };
    let value_from = if key.is_empty() && stage.is_empty() {
        base
    } else {
        format!("{base}:{key}:{stage}:")
    };
    SecretRef {
        value_from,
        grant: Grant::Secret(grant),
        kms_key: None,
    }
}

/// The policy resources for a secret written as an ARN. IAM matches the secret's full ARN,
/// which ends in AWS's random `-XXXXXX` suffix; an ARN written without it (as GetSecretValue and
/// ECS accept) matches only with `-??????` appended. Whether a written ARN already has the
/// suffix cannot be told from its text (`prod-backup` ends in six letters too), so both forms are
/// granted: the narrowest grant that works either way.
/// A secret ARN as policy resources: as written, and with AWS's 6-character suffix.
pub(super) fn arn_grants(arn: &str) -> Vec<String> {
    vec![arn.to_string(), format!("{arn}-??????")]
}

fn parameter(cx: &Scope, param: &str) -> SecretRef {
    let arn = if param.starts_with("arn:") {
        param.to_string()
    } else {
        let name = format!("parameter/{}", param.trim_start_matches('/'));
        cx.partition
            .arn("ssm", &cx.region, cx.account_text(), &name)
    };
    SecretRef {
        value_from: arn.clone(),
        grant: Grant::Parameter(arn),
        kms_key: None,
    }
}

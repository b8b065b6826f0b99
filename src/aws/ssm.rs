//! SSM Parameter Store: the three calls of the environment lock (`crate::lock`), on one
//! parameter at a time: create-if-absent, read, delete.
//!
//! Owns the SDK side of those calls and the reading of AWS's answers (`ParameterAlreadyExists`,
//! `ParameterNotFound`) into plain values. Must not decide anything about locks (who holds one,
//! whether to wait, whether a value is ours): `crate::lock` does, with these results.

use std::collections::BTreeMap;

use aws_sdk_ssm::types::{ParameterTier, ParameterType, Tag};

use super::write::send;
use super::{AwsClients, AwsError};

/// The outcome of a create-if-absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Created {
    /// This call (or an attempt of it whose response was lost) created the parameter.
    Created,
    /// The parameter existed already: someone's, or our own earlier attempt's.
    AlreadyExists,
}

/// PutParameter with `Overwrite=false` (a String in the Standard tier, with tags): AWS creates
/// the parameter only if the name is free, else answers `ParameterAlreadyExists`.
/// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
pub async fn create_if_absent(
    clients: &AwsClients,
    name: &str,
    value: &str,
    description: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Created, AwsError> {
    let tags = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AwsError::new("ssm", "PutParameter", Some(name), None, e.to_string()))?;
    let req = clients
        .ssm
        .put_parameter()
        .name(name)
        .value(value)
        .description(description)
        .r#type(ParameterType::String)
        .tier(ParameterTier::Standard)
        .overwrite(false)
        .set_tags(Some(tags));
    match send("ssm", "PutParameter", name, req.send()).await {
        Ok(_) => Ok(Created::Created),
        Err(e) if e.is_code("ParameterAlreadyExists") => Ok(Created::AlreadyExists),
        Err(e) => Err(e),
    }
}

/// GetParameter: the value, or None when there is no such parameter (`ParameterNotFound`).
/// WithDecryption is not sent: the lock is a plain String.
pub async fn read(clients: &AwsClients, name: &str) -> Result<Option<String>, AwsError> {
    let out = clients.ssm.get_parameter().name(name).send().await;
    match out {
        Ok(o) => Ok(Some(
            o.parameter()
                .and_then(|p| p.value())
                .unwrap_or_default()
                .to_string(),
        )),
        Err(e) => {
            let e = AwsError::from_sdk("ssm", "GetParameter", Some(name), e);
            if e.is_code("ParameterNotFound") {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// DeleteParameter: true when this call deleted it, false when it was already gone
/// (`ParameterNotFound`). SSM has no conditional delete: the caller reads first.
pub async fn delete(clients: &AwsClients, name: &str) -> Result<bool, AwsError> {
    let req = clients.ssm.delete_parameter().name(name);
    match send("ssm", "DeleteParameter", name, req.send()).await {
        Ok(_) => Ok(true),
        Err(e) if e.is_code("ParameterNotFound") => Ok(false),
        Err(e) => Err(e),
    }
}

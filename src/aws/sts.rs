//! STS: who is calling (the account id that `{account_id}` and the ownership check need, and the
//! ARN the environment lock records as its holder).
//!
//! Must not assume roles or cache anything beyond the one GetCallerIdentity answer per
//! `AwsClients`: the default credential chain does the rest.

use super::{AwsClients, AwsError};

/// GetCallerIdentity's answer, kept once per `AwsClients`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, `arn:aws:iam::ACCOUNT:user/NAME`…
    pub arn: String,
}

/// The caller's 12-digit account id (sts:GetCallerIdentity, which needs no permission).
/// Asked once per `AwsClients`; later calls answer from memory.
pub async fn account_id(clients: &AwsClients) -> Result<String, AwsError> {
    Ok(caller(clients).await?.account.clone())
}

/// The caller's ARN, from the same single GetCallerIdentity call as `account_id`.
pub async fn caller_arn(clients: &AwsClients) -> Result<String, AwsError> {
    Ok(caller(clients).await?.arn.clone())
}

/// The caller's account and ARN (the ARN names the partition the credentials are for).
pub async fn identity(clients: &AwsClients) -> Result<Caller, AwsError> {
    Ok(caller(clients).await?.clone())
}

async fn caller(clients: &AwsClients) -> Result<&Caller, AwsError> {
    clients
        .caller
        .get_or_try_init(|| async {
            let out = clients
                .sts
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("sts", "GetCallerIdentity", None, e))?;
            let account = out.account().map(str::to_string).ok_or_else(|| {
                AwsError::new(
                    "sts",
                    "GetCallerIdentity",
                    None,
                    None,
                    "the response carries no account id",
                )
            })?;
            Ok(Caller {
                account,
                // Always present in AWS's answer; an empty one only makes the lock's holder vaguer.
                arn: out.arn().unwrap_or_default().to_string(),
            })
        })
        .await
}

//! STS: who is calling (the account id that `{account_id}` and the ownership check need).
//!
//! Must not assume roles or cache anything: the default credential chain does that.

use super::{AwsClients, AwsError};

/// The caller's 12-digit account id (sts:GetCallerIdentity, which needs no permission).
/// Asked once per `AwsClients`; later calls answer from memory.
pub async fn account_id(clients: &AwsClients) -> Result<String, AwsError> {
    let id = clients
        .caller_account
        .get_or_try_init(|| async {
            let out = clients
                .sts
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("sts", "GetCallerIdentity", None, e))?;
            out.account().map(str::to_string).ok_or_else(|| {
                AwsError::new(
                    "sts",
                    "GetCallerIdentity",
                    None,
                    None,
                    "the response carries no account id",
                )
            })
        })
        .await?;
    Ok(id.clone())
}

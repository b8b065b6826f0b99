//! The one wrapper every write call goes through: the test hooks of `fail_at` (only in builds
//! with the `fault-hooks` feature), then the call, with its error turned into an `AwsError`
//! naming the service, operation and resource.
//!
//! Must not retry (the SDK's retry policy already does) or log: apply reports.

use std::future::Future;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::AwsError;
#[cfg(feature = "fault-hooks")]
use super::fail_at;

/// Sends one write. `call` is lazy (an un-awaited SDK future), so an injected failure sends
/// nothing.
pub(crate) async fn send<T, E, F>(
    service: &'static str,
    operation: &'static str,
    resource: &str,
    call: F,
) -> Result<T, AwsError>
where
    F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    #[cfg(feature = "fault-hooks")]
    fail_at::before(service, operation, resource)?;
    let out = call
        .await
        .map_err(|e| AwsError::from_sdk(service, operation, Some(resource), e))?;
    #[cfg(feature = "fault-hooks")]
    fail_at::after(service, operation, resource).await;
    Ok(out)
}

//! The JSON-protocol services (DynamoDB and SQS: AWS JSON 1.0; EventBridge: 1.1): the
//! parameters are the API's members as Step Functions writes them (PascalCase), so one caller
//! answers every action of these services.

use asl_runtime::error::StateError;
use bytes::Bytes;
use http::Method;
use serde_json::Value as J;

use crate::service::{self, Flavor, Service};
use crate::wire::{self, Failure, Reply};
use crate::{Integrations, object_params, sorted, stringify, with_metadata};

/// Calls `operation` of `svc` with `params` (an object); the successful reply.
async fn call(
    integ: &Integrations,
    svc: &Service,
    operation: &str,
    params: serde_json::Map<String, J>,
) -> Result<Reply, Failure> {
    let Some((target, content_type)) = svc.json else {
        return Err(Failure::Parameters(format!(
            "{} is not a JSON-protocol service",
            svc.service_id
        )));
    };
    let url = format!("{}/", integ.endpoint(svc)?);
    let body = Bytes::from(J::Object(params).to_string());
    let target = format!("{target}.{operation}");
    let reply = integ
        .send(
            svc,
            Method::POST,
            &url,
            &[("content-type", content_type), ("x-amz-target", &target)],
            body,
            integ.call_timeout,
        )
        .await?;
    if (200..300).contains(&reply.status) {
        Ok(reply)
    } else {
        Err(wire::json_error(&reply))
    }
}

/// The reply's JSON body (`{}` when empty).
fn body(reply: &Reply) -> Result<J, Failure> {
    if reply.body.is_empty() {
        return Ok(J::Object(Default::default()));
    }
    serde_json::from_slice(&reply.body).map_err(|e| Failure::Connect {
        endpoint: String::new(),
        detail: format!("the service's response is not JSON: {e}"),
    })
}

/// `arn:aws:states:::aws-sdk:<dynamodb|sqs|eventbridge>:<action>`.
pub(crate) async fn sdk_call(
    integ: &Integrations,
    svc: &Service,
    operation: &str,
    params: J,
) -> Result<J, StateError> {
    let run = async {
        let params = object_params(params, operation)?;
        let reply = call(integ, svc, operation, params).await?;
        body(&reply)
    };
    run.await.map(sorted).map_err(|f| svc.error(Flavor::Sdk, f))
}

/// `arn:aws:states:::dynamodb:<getItem|putItem|updateItem|deleteItem>`.
pub(crate) async fn dynamodb(
    integ: &Integrations,
    operation: &str,
    params: J,
) -> Result<J, StateError> {
    let svc = &service::DYNAMODB;
    let run = async {
        let params = object_params(params, operation)?;
        let reply = call(integ, svc, operation, params).await?;
        Ok(with_metadata(body(&reply)?, &reply))
    };
    run.await.map_err(|f| svc.error(Flavor::Optimized, f))
}

/// `arn:aws:states:::sqs:sendMessage`: a `MessageBody` that is not a string is sent as its
/// JSON text.
pub(crate) async fn sqs_send_message(integ: &Integrations, params: J) -> Result<J, StateError> {
    let svc = &service::SQS;
    let run = async {
        let mut params = object_params(params, "SendMessage")?;
        stringify(&mut params, "MessageBody");
        let reply = call(integ, svc, "SendMessage", params).await?;
        Ok(with_metadata(body(&reply)?, &reply))
    };
    run.await.map_err(|f| svc.error(Flavor::Optimized, f))
}

/// `arn:aws:states:::events:putEvents`: each entry's `Detail` that is not a string is sent as
/// its JSON text; a rejected entry fails the Task with `EventBridge.FailedEntry`, the cause
/// being the whole response.
pub(crate) async fn events_put_events(integ: &Integrations, params: J) -> Result<J, StateError> {
    let svc = &service::EVENTBRIDGE;
    let run = async {
        let mut params = object_params(params, "PutEvents")?;
        if let Some(J::Array(entries)) = params.get_mut("Entries") {
            for e in entries {
                if let J::Object(e) = e {
                    stringify(e, "Detail");
                }
            }
        }
        let reply = call(integ, svc, "PutEvents", params).await?;
        body(&reply)
    };
    let result = sorted(run.await.map_err(|f| svc.error(Flavor::Optimized, f))?);
    let failed = result
        .get("FailedEntryCount")
        .and_then(J::as_u64)
        .unwrap_or(0);
    if failed > 0 {
        return Err(StateError::new(
            "EventBridge.FailedEntry",
            result.to_string(),
        ));
    }
    Ok(result)
}

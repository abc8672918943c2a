//! Lambda `Invoke` (`POST /2015-03-31/functions/{FunctionName}/invocations`), in its three
//! forms.

use asl_runtime::error::StateError;
use bytes::Bytes;
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value as J};

use crate::service::{self, Flavor};
use crate::wire::{self, Failure, Reply};
use crate::{Integrations, json_type, object_params, sorted, with_metadata};

/// Which Resource asked.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Form<'a> {
    /// `arn:aws:states:::lambda:invoke`: parameters `FunctionName`, `Payload`,
    /// `InvocationType`, `Qualifier`, `ClientContext`, `LogType`; the result has
    /// `Payload`, `StatusCode`, `ExecutedVersion` and the SDK metadata.
    Optimized,
    /// `arn:aws:states:::aws-sdk:lambda:invoke`: the same parameters; the result is the API's
    /// (`ExecutedVersion`, `FunctionError`, `LogResult`, `Payload`, `StatusCode`).
    Sdk,
    /// `arn:aws:lambda:…:function:name`: the input is the payload, the result the function's.
    Function(&'a str),
}

/// Characters escaped in the path segment (RFC 3986 unreserved stay).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn text(m: &Map<String, J>, name: &str) -> Result<Option<String>, Failure> {
    match m.get(name) {
        None | Some(J::Null) => Ok(None),
        Some(J::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Failure::Parameters(format!(
            "The field '{name}' must be a string, not {}",
            json_type(other)
        ))),
    }
}

pub(crate) async fn invoke(
    integ: &Integrations,
    params: &J,
    form: Form<'_>,
) -> Result<J, StateError> {
    let svc = &service::LAMBDA;
    let flavor = match form {
        Form::Sdk => Flavor::Sdk,
        _ => Flavor::Optimized,
    };
    let (function, payload, headers, qualifier) = match form {
        Form::Function(arn) => (arn.to_owned(), Some(params.to_string()), Vec::new(), None),
        Form::Optimized | Form::Sdk => {
            let m =
                object_params(params.clone(), "lambda:invoke").map_err(|f| svc.error(flavor, f))?;
            let Some(function) = text(&m, "FunctionName").map_err(|f| svc.error(flavor, f))? else {
                return Err(StateError::runtime(
                    "The field 'FunctionName' is required but was missing",
                ));
            };
            let payload = match m.get("Payload") {
                None => None,
                Some(J::String(s)) if matches!(form, Form::Sdk) => Some(s.clone()),
                Some(v) => Some(v.to_string()),
            };
            let mut headers = Vec::new();
            for (field, header) in [
                ("InvocationType", "x-amz-invocation-type"),
                ("LogType", "x-amz-log-type"),
                ("ClientContext", "x-amz-client-context"),
            ] {
                if let Some(v) = text(&m, field).map_err(|f| svc.error(flavor, f))? {
                    headers.push((header, v));
                }
            }
            let qualifier = text(&m, "Qualifier").map_err(|f| svc.error(flavor, f))?;
            (function, payload, headers, qualifier)
        }
    };
    let reply = call(integ, &function, payload, &headers, qualifier.as_deref())
        .await
        .map_err(|f| svc.error(flavor, f))?;

    let raw = String::from_utf8_lossy(&reply.body).into_owned();
    let function_error = reply.header("x-amz-function-error").map(str::to_owned);
    let parsed = if raw.is_empty() {
        J::String(String::new())
    } else {
        serde_json::from_str(&raw).unwrap_or_else(|_| J::String(raw.clone()))
    };
    if function_error.is_some() && !matches!(form, Form::Sdk) {
        // The function raised: its errorType names the error, the payload is the cause.
        let name = parsed
            .get("errorType")
            .and_then(J::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| "Lambda.Unknown".to_owned());
        return Err(StateError::new(name, raw));
    }
    Ok(match form {
        Form::Function(_) => {
            if raw.is_empty() {
                J::Null
            } else {
                parsed
            }
        }
        Form::Optimized | Form::Sdk => {
            let mut out = Map::new();
            if let Some(v) = reply.header("x-amz-executed-version") {
                out.insert("ExecutedVersion".into(), J::String(v.to_owned()));
            }
            if let Some(e) = function_error {
                out.insert("FunctionError".into(), J::String(e));
            }
            if let Some(v) = reply.header("x-amz-log-result") {
                out.insert("LogResult".into(), J::String(v.to_owned()));
            }
            out.insert("Payload".into(), parsed);
            out.insert("StatusCode".into(), J::from(reply.status));
            match form {
                Form::Optimized => with_metadata(J::Object(out), &reply),
                _ => sorted(J::Object(out)),
            }
        }
    })
}

async fn call(
    integ: &Integrations,
    function: &str,
    payload: Option<String>,
    headers: &[(&str, String)],
    qualifier: Option<&str>,
) -> Result<Reply, Failure> {
    let svc = &service::LAMBDA;
    let mut url = format!(
        "{}/2015-03-31/functions/{}/invocations",
        integ.endpoint(svc)?,
        utf8_percent_encode(function, SEGMENT)
    );
    if let Some(q) = qualifier {
        url.push_str("?Qualifier=");
        url.extend(utf8_percent_encode(q, SEGMENT));
    }
    let mut h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    h.push(("content-type", "application/json"));
    let body = payload.map(Bytes::from).unwrap_or_default();
    let reply = integ
        .send(svc, Method::POST, &url, &h, body, integ.lambda_timeout)
        .await?;
    if (200..300).contains(&reply.status) {
        Ok(reply)
    } else {
        Err(wire::json_error(&reply))
    }
}

//! The HTTP Task (`arn:aws:states:::http:invoke`): `ApiEndpoint`, `Method`, `Headers`,
//! `QueryParameters`, `RequestBody`, `Transform` (`RequestBodyEncoding: URL_ENCODED` with
//! `RequestEncodingOptions.ArrayFormat` `INDICES` (default), `REPEAT`, `COMMAS` or
//! `BRACKETS`). `Authentication.ConnectionArn` is not resolved: the request goes out without
//! the connection's credentials.
//!
//! The result is `{"Headers": {name: [values]}, "ResponseBody", "StatusCode", "StatusText"}`,
//! the body parsed when the response is JSON; a status outside 2xx fails the Task with
//! `States.Http.StatusCode.<status>` (the cause is that result as JSON text); no answer within
//! AWS's 60 s is `States.Http.Socket`; no connection is `States.TaskFailed` naming the
//! endpoint.

use std::time::Duration;

use asl_runtime::error::StateError;
use bytes::Bytes;
use http::Method;
use serde_json::{Map, Value as J};

use crate::wire::{self, Failure};
use crate::{Integrations, json_type};

/// AWS's limit on an HTTP Task's call (ASL-TK-02).
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

fn runtime(cause: impl Into<String>) -> StateError {
    StateError::runtime(cause)
}

/// A scalar as form or query text.
fn text(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        other => other.to_string(),
    }
}

/// `key=value` pairs of an object, arrays written as `format` says.
fn pairs(m: &Map<String, J>, format: &str, out: &mut Vec<(String, String)>) {
    for (k, v) in m {
        match v {
            J::Array(items) => match format {
                "REPEAT" => out.extend(items.iter().map(|i| (k.clone(), text(i)))),
                "COMMAS" => out.push((
                    k.clone(),
                    items.iter().map(text).collect::<Vec<_>>().join(","),
                )),
                "BRACKETS" => out.extend(items.iter().map(|i| (format!("{k}[]"), text(i)))),
                _ => out.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(n, i)| (format!("{k}[{n}]"), text(i))),
                ),
            },
            J::Object(inner) => {
                let mut nested = Vec::new();
                pairs(inner, format, &mut nested);
                out.extend(nested.into_iter().map(|(ik, iv)| {
                    let ik = match ik.split_once('[') {
                        Some((head, tail)) => format!("{k}[{head}][{tail}"),
                        None => format!("{k}[{ik}]"),
                    };
                    (ik, iv)
                }));
            }
            other => out.push((k.clone(), text(other))),
        }
    }
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

pub(crate) async fn invoke(integ: &Integrations, params: &J) -> Result<J, StateError> {
    let Some(m) = params.as_object() else {
        return Err(runtime(format!(
            "The parameters of http:invoke must be a JSON object, not {}",
            json_type(params)
        )));
    };
    let endpoint = match m.get("ApiEndpoint") {
        Some(J::String(s)) => s.clone(),
        None => {
            return Err(runtime(
                "The field 'ApiEndpoint' is required but was missing",
            ));
        }
        Some(other) => {
            return Err(runtime(format!(
                "The field 'ApiEndpoint' must be a string, not {}",
                json_type(other)
            )));
        }
    };
    if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
        return Err(runtime(format!(
            "The ApiEndpoint '{endpoint}' is not an http(s) URL"
        )));
    }
    let method = match m.get("Method").and_then(J::as_str) {
        Some(s) => match s.to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "DELETE" => Method::DELETE,
            "PATCH" => Method::PATCH,
            "HEAD" => Method::HEAD,
            "OPTIONS" => Method::OPTIONS,
            _ => return Err(runtime(format!("The Method '{s}' is not supported"))),
        },
        None => return Err(runtime("The field 'Method' is required but was missing")),
    };
    let transform = m.get("Transform").and_then(J::as_object);
    let url_encoded = transform
        .and_then(|t| t.get("RequestBodyEncoding"))
        .and_then(J::as_str)
        == Some("URL_ENCODED");
    let array_format = transform
        .and_then(|t| t.get("RequestEncodingOptions"))
        .and_then(|o| o.get("ArrayFormat"))
        .and_then(J::as_str)
        .unwrap_or("INDICES");

    let mut url = endpoint.clone();
    if let Some(q) = m.get("QueryParameters") {
        let J::Object(q) = q else {
            return Err(runtime("The field 'QueryParameters' must be an object"));
        };
        let mut p = Vec::new();
        pairs(q, "REPEAT", &mut p);
        if !p.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&encode(&p));
        }
    }

    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(h) = m.get("Headers") {
        let J::Object(h) = h else {
            return Err(runtime("The field 'Headers' must be an object"));
        };
        for (k, v) in h {
            headers.push((k.clone(), text(v)));
        }
    }
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    let body = match m.get("RequestBody") {
        None | Some(J::Null) => Bytes::new(),
        Some(J::Object(o)) if url_encoded => {
            let mut p = Vec::new();
            pairs(o, array_format, &mut p);
            if !has(&headers, "content-type") {
                headers.push((
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
            Bytes::from(encode(&p))
        }
        Some(J::String(s)) => Bytes::from(s.clone()),
        Some(v) => {
            if !has(&headers, "content-type") {
                headers.push((
                    "content-type".into(),
                    "application/json; charset=UTF-8".into(),
                ));
            }
            Bytes::from(v.to_string())
        }
    };
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let req = wire::build_request(method, &url, &header_refs, body).map_err(|f| match f {
        Failure::Parameters(c) => runtime(c),
        other => runtime(format!("{other:?}")),
    })?;
    let reply = match integ.http.send(req, HTTP_TIMEOUT).await {
        Ok(r) => r,
        Err(Failure::Timeout { endpoint, .. }) => {
            return Err(StateError::new(
                "States.Http.Socket",
                format!("The HTTP request to {endpoint} did not complete within 60 seconds"),
            ));
        }
        Err(Failure::Connect { endpoint, detail }) => {
            return Err(StateError::new(
                "States.TaskFailed",
                format!("Cannot connect to {endpoint}: {detail}"),
            ));
        }
        Err(other) => return Err(runtime(format!("{other:?}"))),
    };

    let mut names: Vec<&str> = reply.headers.keys().map(|k| k.as_str()).collect();
    names.dedup();
    let mut h = Map::new();
    for name in names {
        let values = reply
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| J::String(v.to_owned()))
            .collect();
        h.insert(name.to_owned(), J::Array(values));
    }
    let content_type = reply
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let raw = String::from_utf8_lossy(&reply.body).into_owned();
    let json_media = content_type.starts_with("application/json")
        || content_type
            .split(';')
            .next()
            .is_some_and(|t| t.trim().ends_with("+json"));
    let body = if json_media {
        serde_json::from_str(&raw).unwrap_or(J::String(raw))
    } else {
        J::String(raw)
    };
    let status_text = http::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut out = Map::new();
    out.insert("Headers".into(), J::Object(h));
    out.insert("ResponseBody".into(), body);
    out.insert("StatusCode".into(), J::from(reply.status));
    out.insert("StatusText".into(), J::String(status_text.into()));
    let out = J::Object(out);
    if (200..300).contains(&reply.status) {
        Ok(out)
    } else {
        Err(StateError::new(
            format!("States.Http.StatusCode.{}", reply.status),
            out.to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_formats() {
        let body = serde_json::json!({"a": ["x", "y"], "b": 1, "c": {"d": "e"}});
        let m = body.as_object().unwrap();
        let enc = |f| {
            let mut p = Vec::new();
            pairs(m, f, &mut p);
            encode(&p)
        };
        assert_eq!(enc("INDICES"), "a%5B0%5D=x&a%5B1%5D=y&b=1&c%5Bd%5D=e");
        assert_eq!(enc("REPEAT"), "a=x&a=y&b=1&c%5Bd%5D=e");
        assert_eq!(enc("COMMAS"), "a=x%2Cy&b=1&c%5Bd%5D=e");
        assert_eq!(enc("BRACKETS"), "a%5B%5D=x&a%5B%5D=y&b=1&c%5Bd%5D=e");
    }
}

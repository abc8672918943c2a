//! SNS, on its query protocol: parameters become form fields (lists `Name.member.N`, maps
//! `Name.entry.N.key/value` as botocore's model says), the XML result becomes JSON with
//! PascalCase members, lists as arrays and the model's booleans and numbers typed.

use asl_runtime::error::StateError;
use bytes::Bytes;
use http::Method;
use serde_json::{Map, Value as J};

use crate::service::{self, Flavor};
use crate::wire::{Failure, Reply};
use crate::{Integrations, model, object_params, sorted, stringify, with_metadata};

/// `arn:aws:states:::sns:publish`: a `Message` that is not a string is sent as its JSON text.
pub(crate) async fn publish(integ: &Integrations, params: J) -> Result<J, StateError> {
    let svc = &service::SNS;
    let run = async {
        let mut params = object_params(params, "Publish")?;
        stringify(&mut params, "Message");
        let (reply, result) = call(integ, "Publish", params).await?;
        Ok(with_metadata(result, &reply))
    };
    run.await.map_err(|f| svc.error(Flavor::Optimized, f))
}

/// `arn:aws:states:::aws-sdk:sns:<action>`.
pub(crate) async fn sdk_call(
    integ: &Integrations,
    operation: &str,
    params: J,
) -> Result<J, StateError> {
    let svc = &service::SNS;
    let run = async {
        let params = object_params(params, operation)?;
        let (_, result) = call(integ, operation, params).await?;
        Ok(sorted(result))
    };
    run.await.map_err(|f| svc.error(Flavor::Sdk, f))
}

async fn call(
    integ: &Integrations,
    operation: &str,
    params: Map<String, J>,
) -> Result<(Reply, J), Failure> {
    let svc = &service::SNS;
    let body = {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", operation);
        form.append_pair("Version", "2010-03-31");
        for (k, v) in &params {
            flatten(&mut form, &wire_name(operation, k), k, v);
        }
        Bytes::from(form.finish())
    };
    let url = format!("{}/", integ.endpoint(svc)?);
    let reply = integ
        .send(
            svc,
            Method::POST,
            &url,
            &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body,
            integ.call_timeout,
        )
        .await?;
    let text = String::from_utf8_lossy(&reply.body);
    let doc = parse_xml(&text);
    if !(200..300).contains(&reply.status) {
        let err = doc.as_ref().and_then(|d| d.child("Error"));
        let field = |n: &str| {
            err.and_then(|e| e.child(n))
                .map(|c| c.text.clone())
                .unwrap_or_default()
        };
        let request_id = doc
            .as_ref()
            .and_then(|d| d.child("RequestId"))
            .map(|c| c.text.clone())
            .or_else(|| reply.request_id().map(str::to_owned))
            .unwrap_or_default();
        let code = field("Code");
        return Err(Failure::Service {
            status: reply.status,
            code: if code.is_empty() {
                crate::wire::status_code_name(reply.status)
            } else {
                code
            },
            message: field("Message"),
            request_id,
            extended_request_id: None,
            query_code: None,
        });
    }
    let result_name = format!("{operation}Result");
    let result = doc
        .as_ref()
        .and_then(|d| d.child(&result_name))
        .map(convert)
        .unwrap_or_else(|| J::Object(Map::new()));
    let result = match result {
        J::Object(m) => J::Object(m),
        // An empty `<XResult/>`.
        _ => J::Object(Map::new()),
    };
    Ok((reply, result))
}

/// The wire name of `operation`'s parameter `member`, written in PascalCase.
fn wire_name(operation: &str, member: &str) -> String {
    let mut chars = member.chars();
    if let Some(first) = chars.next() {
        let lower: String = first.to_lowercase().chain(chars).collect();
        if model::SNS_LOWER.contains(&(operation, lower.as_str())) {
            return lower;
        }
    }
    member.to_owned()
}

fn scalar(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Bool(b) => Some(b.to_string()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Writes `value`, the member `member` (its name in the parameters), at `prefix`.
fn flatten(
    form: &mut form_urlencoded::Serializer<'_, String>,
    prefix: &str,
    member: &str,
    value: &J,
) {
    match value {
        J::Null => {}
        J::Array(items) => {
            if items.is_empty() {
                form.append_pair(prefix, "");
            }
            for (i, item) in items.iter().enumerate() {
                flatten(form, &format!("{prefix}.member.{}", i + 1), "member", item);
            }
        }
        J::Object(m) => {
            if let Some((_, k, v)) = model::SNS_MAPS
                .iter()
                .find(|(name, _, _)| name.eq_ignore_ascii_case(member))
            {
                for (i, (key, val)) in m.iter().enumerate() {
                    let entry = format!("{prefix}.entry.{}", i + 1);
                    form.append_pair(&format!("{entry}.{k}"), key);
                    flatten(form, &format!("{entry}.{v}"), v, val);
                }
            } else {
                for (k, v) in m {
                    flatten(form, &format!("{prefix}.{k}"), k, v);
                }
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                form.append_pair(prefix, &s);
            }
        }
    }
}

/// An XML element: name, child elements, text.
#[derive(Debug, Default)]
struct Node {
    name: String,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// The document's root element; `None` when the text is not XML.
fn parse_xml(text: &str) -> Option<Node> {
    use xmlparser::{ElementEnd, Token, Tokenizer};
    let mut stack: Vec<Node> = Vec::new();
    for token in Tokenizer::from(text) {
        match token.ok()? {
            Token::ElementStart { local, .. } => stack.push(Node {
                name: local.as_str().to_owned(),
                ..Node::default()
            }),
            Token::ElementEnd { end, .. } => match end {
                ElementEnd::Open => {}
                ElementEnd::Close(..) | ElementEnd::Empty => {
                    let node = stack.pop()?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => return Some(node),
                    }
                }
            },
            Token::Text { text } => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&unescape(text.as_str()));
                }
            }
            Token::Cdata { text, .. } => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(text.as_str());
                }
            }
            _ => {}
        }
    }
    None
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An element as JSON, by the model's shapes.
fn convert(node: &Node) -> J {
    if node.children.is_empty() {
        if model::SNS_LISTS.contains(&node.name.as_str()) {
            return J::Array(Vec::new());
        }
        if model::SNS_MAPS.iter().any(|(n, _, _)| *n == node.name) {
            return J::Object(Map::new());
        }
        return match model::SNS_SCALARS.iter().find(|(n, _)| *n == node.name) {
            Some((_, true)) => J::Bool(node.text.trim() == "true"),
            Some((_, false)) => node
                .text
                .trim()
                .parse::<i64>()
                .map(J::from)
                .unwrap_or_else(|_| J::String(node.text.clone())),
            None => J::String(node.text.clone()),
        };
    }
    if node.children.iter().all(|c| c.name == "member") {
        return J::Array(node.children.iter().map(convert).collect());
    }
    if node.children.iter().all(|c| c.name == "entry") {
        let mut m = Map::new();
        for e in &node.children {
            let key = e
                .child("key")
                .or_else(|| e.child("Name"))
                .map(|k| k.text.clone())
                .unwrap_or_default();
            let value = e
                .child("value")
                .or_else(|| e.child("Value"))
                .map(convert)
                .unwrap_or(J::Null);
            m.insert(key, value);
        }
        return J::Object(m);
    }
    let mut m = Map::new();
    for c in &node.children {
        m.insert(pascal(&c.name), convert(c));
    }
    J::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_become_json_by_the_model() {
        let xml = r#"<?xml version="1.0"?>
<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ListTopicsResult>
    <Topics>
      <member><TopicArn>arn:aws:sns:us-east-1:1:a&amp;b</TopicArn></member>
    </Topics>
  </ListTopicsResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</ListTopicsResponse>"#;
        let doc = parse_xml(xml).unwrap();
        let r = convert(doc.child("ListTopicsResult").unwrap());
        assert_eq!(
            r,
            serde_json::json!({"Topics": [{"TopicArn": "arn:aws:sns:us-east-1:1:a&b"}]})
        );
        let empty = parse_xml("<R><X><Topics/></X></R>").unwrap();
        assert_eq!(
            convert(empty.child("X").unwrap()),
            serde_json::json!({"Topics": []})
        );
        let attrs = parse_xml(
            "<R><X><Attributes><entry><key>Policy</key><value>{}</value></entry></Attributes><SenderFault>true</SenderFault></X></R>",
        )
        .unwrap();
        assert_eq!(
            convert(attrs.child("X").unwrap()),
            serde_json::json!({"Attributes": {"Policy": "{}"}, "SenderFault": true})
        );
        assert!(parse_xml("not xml <").is_none());
    }

    #[test]
    fn parameters_become_form_fields() {
        let mut form = form_urlencoded::Serializer::new(String::new());
        let params = serde_json::json!({
            "TopicArn": "t",
            "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            "Tags": [{"Key": "a", "Value": "b"}],
            "PhoneNumber": "+1"
        });
        for (k, v) in params.as_object().unwrap() {
            flatten(&mut form, &wire_name("Publish", k), k, v);
        }
        let out = form.finish();
        assert_eq!(
            out,
            "TopicArn=t&MessageAttributes.entry.1.Name=k&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v&Tags.member.1.Key=a&Tags.member.1.Value=b&PhoneNumber=%2B1"
        );
        assert_eq!(
            wire_name("CheckIfPhoneNumberIsOptedOut", "PhoneNumber"),
            "phoneNumber"
        );
    }
}

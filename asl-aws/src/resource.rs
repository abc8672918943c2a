//! Task `Resource` ARNs (ASL-TK-01): which integration answers one.

use crate::service::{self, Service};

/// What a Resource names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// `arn:aws:states:::lambda:invoke`.
    LambdaInvoke,
    /// `arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`: the input is the
    /// payload, the result the function's.
    LambdaFunction(&'a str),
    /// `arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`.
    DynamoDb(&'static str),
    /// `arn:aws:states:::sqs:sendMessage`.
    SqsSendMessage,
    /// `arn:aws:states:::sns:publish`.
    SnsPublish,
    /// `arn:aws:states:::events:putEvents`.
    EventsPutEvents,
    /// `arn:aws:states:::http:invoke`.
    Http,
    /// `arn:aws:states:::aws-sdk:<service>:<action>`, with the API operation's name.
    Sdk(&'static Service, &'static str),
}

/// A parsed Resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resource<'a> {
    pub target: Target<'a>,
    /// The `.waitForTaskToken` suffix.
    pub wait_for_task_token: bool,
}

const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// Parses `resource`; `None` when asl-aws does not answer it (activities, `.sync`, other
/// services, unknown actions).
pub(crate) fn parse(resource: &str) -> Option<Resource<'_>> {
    let mut parts = resource.splitn(6, ':');
    let (arn, partition, service, region, account, rest) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if arn != "arn" || !PARTITIONS.contains(&partition) {
        return None;
    }
    match service {
        "lambda" => {
            let name = rest.strip_prefix("function:")?;
            if region.is_empty() || account.is_empty() || name.is_empty() {
                return None;
            }
            Some(Resource {
                target: Target::LambdaFunction(resource),
                wait_for_task_token: false,
            })
        }
        "states" if region.is_empty() && account.is_empty() => {
            let (rest, wait) = match rest.strip_suffix(".waitForTaskToken") {
                Some(r) => (r, true),
                None => (rest, false),
            };
            let target = match rest.split(':').collect::<Vec<_>>()[..] {
                ["lambda", "invoke"] => Target::LambdaInvoke,
                ["dynamodb", action] if !wait => Target::DynamoDb(match action {
                    "getItem" => "GetItem",
                    "putItem" => "PutItem",
                    "updateItem" => "UpdateItem",
                    "deleteItem" => "DeleteItem",
                    _ => return None,
                }),
                ["sqs", "sendMessage"] => Target::SqsSendMessage,
                ["sns", "publish"] => Target::SnsPublish,
                ["events", "putEvents"] => Target::EventsPutEvents,
                ["http", "invoke"] if !wait => Target::Http,
                ["aws-sdk", svc, action] => {
                    // In SDK integrations EventBridge is `eventbridge`; `events` is the
                    // optimized integration's name only.
                    if svc == "events" {
                        return None;
                    }
                    let s = service::by_key(svc)?;
                    if s.key != svc {
                        return None;
                    }
                    Target::Sdk(s, s.operation(action)?)
                }
                _ => return None,
            };
            Some(Resource {
                target,
                wait_for_task_token: wait,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let p = |r| parse(r).map(|r| (r.target, r.wait_for_task_token));
        assert_eq!(
            p("arn:aws:states:::lambda:invoke"),
            Some((Target::LambdaInvoke, false))
        );
        assert_eq!(
            p("arn:aws:states:::lambda:invoke.waitForTaskToken"),
            Some((Target::LambdaInvoke, true))
        );
        assert_eq!(
            p("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            Some((Target::SqsSendMessage, true))
        );
        assert_eq!(
            p("arn:aws:states:::dynamodb:putItem"),
            Some((Target::DynamoDb("PutItem"), false))
        );
        // Not optimized integrations on AWS (recorded: SCHEMA_VALIDATION_FAILED).
        assert_eq!(p("arn:aws:states:::dynamodb:query"), None);
        assert_eq!(
            p("arn:aws:states:::dynamodb:putItem.waitForTaskToken"),
            None
        );
        assert_eq!(p("arn:aws:states:::states:startExecution.sync"), None);
        assert_eq!(p("arn:aws:states:::lambda:invoke.sync"), None);
        assert_eq!(
            p("arn:aws:states:::aws-sdk:dynamodb:query"),
            Some((Target::Sdk(&service::DYNAMODB, "Query"), false))
        );
        assert_eq!(
            p("arn:aws:states:::aws-sdk:eventbridge:putEvents"),
            Some((Target::Sdk(&service::EVENTBRIDGE, "PutEvents"), false))
        );
        assert_eq!(p("arn:aws:states:::aws-sdk:events:putEvents"), None);
        assert_eq!(p("arn:aws:states:::aws-sdk:dynamodb:noSuchAction"), None);
        assert_eq!(p("arn:aws:states:::aws-sdk:ec2:describeInstances"), None);
        assert_eq!(
            p("arn:aws:lambda:us-east-1:111111111111:function:f"),
            Some((
                Target::LambdaFunction("arn:aws:lambda:us-east-1:111111111111:function:f"),
                false
            ))
        );
        assert_eq!(p("arn:aws:states:us-east-1:111111111111:activity:a"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("arn:aws:states:::"), None);
        assert_eq!(
            p("arn:aws:states:::http:invoke"),
            Some((Target::Http, false))
        );
    }
}

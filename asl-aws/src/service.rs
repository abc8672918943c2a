//! The services asl-aws calls, and how their failures are named the way Step Functions names
//! them (ASL-TK-12).
//!
//! Step Functions runs optimized integrations (`arn:aws:states:::dynamodb:putItem`) on the AWS
//! SDK for Java v1 and AWS SDK integrations (`arn:aws:states:::aws-sdk:dynamodb:putItem`) on
//! v2, and the error it reports is that SDK's exception class, prefixed by the service:
//!
//! | | optimized (v1) | AWS SDK (v2) |
//! |---|---|---|
//! | modelled error | `DynamoDB.ResourceNotFoundException` | `DynamoDb.ResourceNotFoundException` |
//! | other error code | `DynamoDB.AmazonDynamoDBException` | `DynamoDb.DynamoDbException` |
//! | cause | `msg (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: X; Request ID: id; Proxy: null)` | `msg (Service: DynamoDb, Status Code: 400, Request ID: id)` |
//!
//! A modelled error shape without the `Exception` suffix gets it (`S3.NoSuchKeyException`,
//! `SNS.NotFoundException` for the wire code `NotFound`), as the developer guide says. All
//! these forms are recorded in the conformance cases (`testdata/conformance`).

use std::borrow::Cow;

use asl_runtime::error::StateError;

use crate::model;
use crate::wire::Failure;

/// Which SDK Step Functions would have used: it decides the error names and cause texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `arn:aws:states:::<service>:<action>` (Java SDK v1).
    Optimized,
    /// `arn:aws:states:::aws-sdk:<service>:<action>` (Java SDK v2).
    Sdk,
}

/// One AWS service.
#[derive(Debug)]
pub(crate) struct Service {
    /// The name in Resource ARNs and in [`crate::Integrations::with_service_endpoint`].
    pub key: &'static str,
    /// SigV4 signing name.
    pub signing_name: &'static str,
    /// Endpoint host prefix (`https://<prefix>.<region>.amazonaws.com`).
    pub endpoint_prefix: &'static str,
    /// The SDK service id (`AWS_ENDPOINT_URL_<ID>`, profile `services` sections).
    pub service_id: &'static str,
    /// JSON protocol: `X-Amz-Target` prefix and content type.
    pub json: Option<(&'static str, &'static str)>,
    /// Error prefix of optimized integrations (`DynamoDB`).
    pub optimized_prefix: &'static str,
    /// The Java SDK v1 service name in causes (`AmazonDynamoDBv2`).
    pub v1_service: &'static str,
    /// The Java SDK v1 base exception (`AmazonDynamoDBException`).
    pub v1_exception: &'static str,
    /// Error prefix of AWS SDK integrations, also the v2 service name (`DynamoDb`).
    pub sdk_prefix: &'static str,
    /// Modelled errors: (wire code, shape).
    pub errors: &'static [(&'static str, &'static str)],
    /// The operations, where every one is answered generically.
    pub operations: &'static [&'static str],
}

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Service {}

pub(crate) static DYNAMODB: Service = Service {
    key: "dynamodb",
    signing_name: "dynamodb",
    endpoint_prefix: "dynamodb",
    service_id: "DynamoDB",
    json: Some(("DynamoDB_20120810", "application/x-amz-json-1.0")),
    optimized_prefix: "DynamoDB",
    v1_service: "AmazonDynamoDBv2",
    v1_exception: "AmazonDynamoDBException",
    sdk_prefix: "DynamoDb",
    errors: model::DYNAMODB_ERRORS,
    operations: model::DYNAMODB_OPERATIONS,
};

pub(crate) static SQS: Service = Service {
    key: "sqs",
    signing_name: "sqs",
    endpoint_prefix: "sqs",
    service_id: "SQS",
    json: Some(("AmazonSQS", "application/x-amz-json-1.0")),
    optimized_prefix: "SQS",
    v1_service: "AmazonSQS",
    v1_exception: "AmazonSQSException",
    sdk_prefix: "Sqs",
    errors: model::SQS_ERRORS,
    operations: model::SQS_OPERATIONS,
};

pub(crate) static EVENTBRIDGE: Service = Service {
    key: "eventbridge",
    signing_name: "events",
    endpoint_prefix: "events",
    service_id: "EventBridge",
    json: Some(("AWSEvents", "application/x-amz-json-1.1")),
    optimized_prefix: "EventBridge",
    v1_service: "AmazonEventBridge",
    v1_exception: "AmazonEventBridgeException",
    sdk_prefix: "EventBridge",
    errors: model::EVENTS_ERRORS,
    operations: model::EVENTS_OPERATIONS,
};

pub(crate) static SNS: Service = Service {
    key: "sns",
    signing_name: "sns",
    endpoint_prefix: "sns",
    service_id: "SNS",
    json: None,
    optimized_prefix: "SNS",
    v1_service: "AmazonSNS",
    v1_exception: "AmazonSNSException",
    sdk_prefix: "Sns",
    errors: model::SNS_ERRORS,
    operations: model::SNS_OPERATIONS,
};

pub(crate) static LAMBDA: Service = Service {
    key: "lambda",
    signing_name: "lambda",
    endpoint_prefix: "lambda",
    service_id: "Lambda",
    json: None,
    optimized_prefix: "Lambda",
    v1_service: "AWSLambda",
    v1_exception: "AWSLambdaException",
    sdk_prefix: "Lambda",
    errors: model::LAMBDA_ERRORS,
    operations: &["Invoke"],
};

pub(crate) static S3: Service = Service {
    key: "s3",
    signing_name: "s3",
    endpoint_prefix: "s3",
    service_id: "S3",
    json: None,
    optimized_prefix: "S3",
    v1_service: "Amazon S3",
    v1_exception: "AmazonS3Exception",
    sdk_prefix: "S3",
    errors: model::S3_ERRORS,
    operations: crate::s3::ACTIONS,
};

/// Every service, for endpoint overrides.
pub(crate) static ALL: [&Service; 6] = [&DYNAMODB, &SQS, &EVENTBRIDGE, &SNS, &LAMBDA, &S3];

/// The service named `key` in a Resource ARN or an endpoint override (`events` is
/// EventBridge's name in optimized integrations).
pub(crate) fn by_key(key: &str) -> Option<&'static Service> {
    let key = key.to_ascii_lowercase();
    let key = if key == "events" { "eventbridge" } else { &key };
    ALL.iter().copied().find(|s| s.key == key)
}

impl Service {
    /// The operation `action` (camelCase, as in the Resource) names, if the service has it.
    pub fn operation(&self, action: &str) -> Option<&'static str> {
        let mut chars = action.chars();
        let first = chars.next()?;
        if !first.is_ascii_lowercase() {
            return None;
        }
        self.operations.iter().copied().find(|op| {
            op.len() == action.len()
                && op.as_bytes()[0] == first.to_ascii_uppercase() as u8
                && op[1..] == action[1..]
        })
    }

    /// The exception class a wire error code becomes, if the service models it.
    fn modelled(&self, code: &str) -> Option<Cow<'static, str>> {
        let shape = self
            .errors
            .iter()
            .find(|(wire, shape)| *wire == code || *shape == code)
            .map(|(_, shape)| *shape)?;
        Some(if shape.ends_with("Exception") {
            Cow::Borrowed(shape)
        } else {
            Cow::Owned(format!("{shape}Exception"))
        })
    }

    /// The Step Functions error for a failed call.
    pub fn error(&self, flavor: Flavor, failure: Failure) -> StateError {
        let prefix = match flavor {
            Flavor::Optimized => self.optimized_prefix,
            Flavor::Sdk => self.sdk_prefix,
        };
        match failure {
            Failure::Service {
                status,
                code,
                message,
                request_id,
                extended_request_id,
                query_code,
            } => {
                let class = self.modelled(&code).unwrap_or_else(|| match flavor {
                    Flavor::Optimized => Cow::Borrowed(self.v1_exception),
                    Flavor::Sdk => Cow::Owned(format!("{}Exception", self.sdk_prefix)),
                });
                let cause = match flavor {
                    Flavor::Optimized => format!(
                        "{message} (Service: {}; Status Code: {status}; Error Code: {}; Request ID: {request_id}; Proxy: null)",
                        self.v1_service,
                        query_code.as_deref().unwrap_or(&code)
                    ),
                    Flavor::Sdk => match extended_request_id {
                        Some(ext) => format!(
                            "{message} (Service: {}, Status Code: {status}, Request ID: {request_id}, Extended Request ID: {ext})",
                            self.sdk_prefix
                        ),
                        None => format!(
                            "{message} (Service: {}, Status Code: {status}, Request ID: {request_id})",
                            self.sdk_prefix
                        ),
                    },
                };
                StateError::new(format!("{prefix}.{class}"), cause)
            }
            Failure::Timeout { endpoint, after } => StateError::new(
                format!("{prefix}.ApiCallTimeoutException"),
                format!(
                    "Client execution did not complete before the specified timeout configuration: {} ms (endpoint {endpoint})",
                    after.as_millis()
                ),
            ),
            Failure::Connect { endpoint, detail } => StateError::new(
                format!("{prefix}.SdkClientException"),
                format!("Unable to execute HTTP request: {detail} (endpoint {endpoint})"),
            ),
            Failure::Credentials(cause) => {
                StateError::new(format!("{prefix}.SdkClientException"), cause)
            }
            Failure::Parameters(cause) => StateError::runtime(cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_error(code: &str) -> Failure {
        Failure::Service {
            status: 400,
            code: code.into(),
            message: "m".into(),
            request_id: "r".into(),
            extended_request_id: None,
            query_code: None,
        }
    }

    #[test]
    fn names_follow_the_recorded_forms() {
        let e = DYNAMODB.error(Flavor::Optimized, service_error("ValidationException"));
        assert_eq!(e.error, "DynamoDB.AmazonDynamoDBException");
        assert_eq!(
            e.cause.as_deref(),
            Some(
                "m (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: r; Proxy: null)"
            )
        );
        let e = DYNAMODB.error(Flavor::Sdk, service_error("ResourceNotFoundException"));
        assert_eq!(e.error, "DynamoDb.ResourceNotFoundException");
        assert_eq!(
            e.cause.as_deref(),
            Some("m (Service: DynamoDb, Status Code: 400, Request ID: r)")
        );
        assert_eq!(
            SNS.error(Flavor::Optimized, service_error("NotFound"))
                .error,
            "SNS.NotFoundException"
        );
        assert_eq!(
            SQS.error(Flavor::Optimized, service_error("MissingParameter"))
                .error,
            "SQS.AmazonSQSException"
        );
        assert_eq!(
            S3.error(Flavor::Sdk, service_error("NoSuchKey")).error,
            "S3.NoSuchKeyException"
        );
        assert_eq!(
            S3.error(Flavor::Sdk, service_error("AccessDenied")).error,
            "S3.AccessDeniedException"
        );
        assert_eq!(
            S3.error(Flavor::Sdk, service_error("SignatureDoesNotMatch"))
                .error,
            "S3.S3Exception"
        );
    }

    #[test]
    fn operations_are_camel_case_in_resources() {
        assert_eq!(DYNAMODB.operation("putItem"), Some("PutItem"));
        assert_eq!(DYNAMODB.operation("PutItem"), None);
        assert_eq!(DYNAMODB.operation("putitem"), None);
        assert_eq!(DYNAMODB.operation(""), None);
        assert_eq!(SQS.operation("sendMessageBatch"), Some("SendMessageBatch"));
        assert_eq!(by_key("events").map(|s| s.key), Some("eventbridge"));
    }
}

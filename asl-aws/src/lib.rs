//! AWS service integrations for asl: a Task state whose `Resource` is a Step Functions
//! integration ARN calls the real service, with Step Functions' parameters, results and error
//! names.
//!
//! ```no_run
//! # async fn demo() {
//! use asl_aws::Integrations;
//!
//! // The standard chain: env, profile, AWS_ENDPOINT_URL[_<SERVICE>], region.
//! let aws = Integrations::from_env().await;
//! // Or pointed at a local emulator:
//! let local = Integrations::from_env().await.with_endpoint("http://127.0.0.1:5000");
//! assert!(asl_aws::handles("arn:aws:states:::dynamodb:putItem"));
//! # let _ = (aws, local);
//! # }
//! ```
//!
//! [`Integrations`] is an [`asl_runtime::handler::DynamicHandler`]: give it to a machine
//! (`with_dynamic`) or to the server as the fallback for Tasks no user handler answers.
//!
//! | Resource | what it does |
//! |---|---|
//! | `arn:aws:states:::lambda:invoke[.waitForTaskToken]`, `arn:aws:lambda:…:function:name` | Lambda `Invoke` |
//! | `arn:aws:states:::dynamodb:getItem\|putItem\|updateItem\|deleteItem` | DynamoDB |
//! | `arn:aws:states:::sqs:sendMessage[.waitForTaskToken]` | SQS `SendMessage` |
//! | `arn:aws:states:::sns:publish[.waitForTaskToken]` | SNS `Publish` |
//! | `arn:aws:states:::events:putEvents[.waitForTaskToken]` | EventBridge `PutEvents` |
//! | `arn:aws:states:::http:invoke` | HTTP Task (unauthenticated) |
//! | `arn:aws:states:::aws-sdk:dynamodb\|sqs\|eventbridge\|sns:<any action>[.waitForTaskToken]` | that API action |
//! | `arn:aws:states:::aws-sdk:s3:<action>` | the S3 actions in [`S3_ACTIONS`] |
//! | `arn:aws:states:::aws-sdk:lambda:invoke` | Lambda `Invoke` |
//!
//! What it does not do: role assumption (`Credentials` / [`TaskContext::credentials`] is
//! ignored: every call uses the configuration's credentials), `.sync` integrations, EventBridge
//! connections for the HTTP Task (`Authentication` is ignored: the call is sent unsigned).
//!
//! For `.waitForTaskToken` resources the handler sends the message (the runtime has put the
//! token into the parameters) and returns the service's answer to that send; the caller waits
//! for `SendTaskSuccess`/`SendTaskFailure`, whose output is the Task's result.

#![warn(missing_docs)]

mod http_task;
mod json_api;
mod lambda;
mod model;
mod resource;
pub mod s3;
mod service;
mod sns;
mod wire;

use std::time::Duration;

use asl_runtime::Value;
use asl_runtime::error::StateError;
use asl_runtime::handler::{BoxFuture, DynamicHandler, TaskContext, TaskResult};
use aws_config::{BehaviorVersion, SdkConfig};
use aws_types::service_config::ServiceConfigKey;
use bytes::Bytes;
use http::Method;

use crate::resource::Target;
use crate::service::Service;
use crate::wire::{CredentialCache, Failure, HttpClient, Reply};

pub use crate::s3::{ACTIONS as S3_ACTIONS, S3};

/// Whether [`Integrations`] answers the Task `Resource` `resource`: the forms in the table
/// of the crate documentation, for the actions their services have. Activities, `.sync`
/// resources and other services are not answered.
///
/// ```
/// assert!(asl_aws::handles("arn:aws:states:::aws-sdk:dynamodb:transactWriteItems"));
/// assert!(asl_aws::handles("arn:aws:lambda:us-east-1:123456789012:function:f"));
/// assert!(!asl_aws::handles("arn:aws:states:::aws-sdk:dynamodb:noSuchAction"));
/// assert!(!asl_aws::handles("arn:aws:states:::states:startExecution.sync"));
/// ```
pub fn handles(resource: &str) -> bool {
    resource::parse(resource).is_some()
}

/// The built-in AWS service integrations: a [`DynamicHandler`] that answers the Task states
/// whose Resource [`handles`] accepts, against the AWS endpoints of its configuration (or the
/// ones set with [`with_endpoint`](Self::with_endpoint) and
/// [`with_service_endpoint`](Self::with_service_endpoint)).
///
/// Every failure is a [`StateError`] named as Step Functions names it: a service's error
/// `DynamoDB.ConditionalCheckFailedException` (optimized) / `DynamoDb.…` (AWS SDK), a
/// Lambda function's own `errorType`, `States.Http.StatusCode.404`; a call that gets no
/// answer in time is `<Service>.ApiCallTimeoutException`, one that cannot connect
/// `<Service>.SdkClientException` (the AWS SDK for Java's names, which Step Functions
/// reports); bad parameters are `States.Runtime`.
#[derive(Debug)]
pub struct Integrations {
    sdk: SdkConfig,
    region: Option<String>,
    endpoint: Option<String>,
    service_endpoints: Vec<(&'static str, String)>,
    http: HttpClient,
    credentials: CredentialCache,
    call_timeout: Duration,
    lambda_timeout: Duration,
    s3: std::sync::OnceLock<S3>,
}

impl Integrations {
    /// The standard AWS configuration chain (`aws-config`): credentials from the environment,
    /// the shared profile files, web identity, ECS and EC2 metadata (and IAM Identity Center
    /// with the crate's `sso` feature); the region from `AWS_REGION` or the profile; endpoints
    /// from `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (`_DYNAMODB`, `_SQS`, `_SNS`,
    /// `_S3`, `_LAMBDA`, `_EVENTBRIDGE`) or the profile's `services` section.
    pub async fn from_env() -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .http_client(sdk_http_client())
            .load()
            .await;
        Integrations::new(&config)
    }

    /// Integrations over an SDK configuration already loaded. A configuration without an HTTP
    /// client (an `aws-config` built without its default HTTPS client) gets asl-aws's
    /// (rustls on ring, the system's roots).
    pub fn new(config: &SdkConfig) -> Self {
        let sdk = if config.http_client().is_none() {
            config
                .clone()
                .into_builder()
                .http_client(sdk_http_client())
                .build()
        } else {
            config.clone()
        };
        Integrations {
            credentials: CredentialCache::new(sdk.credentials_provider()),
            sdk,
            region: None,
            endpoint: None,
            service_endpoints: Vec::new(),
            http: HttpClient::new(),
            call_timeout: Duration::from_secs(120),
            lambda_timeout: Duration::from_secs(15 * 60 + 30),
            s3: std::sync::OnceLock::new(),
        }
    }

    /// Sends every service's calls to `url` (`http://127.0.0.1:5000`: moto, LocalStack),
    /// over the configuration's endpoints. [`with_service_endpoint`](Self::with_service_endpoint)
    /// still wins for its service. S3 is then addressed path-style.
    pub fn with_endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self.s3 = std::sync::OnceLock::new();
        self
    }

    /// Sends the calls of one service to `url`. `service` is its name in Resource ARNs:
    /// `lambda`, `dynamodb`, `sqs`, `sns`, `s3`, `eventbridge` (or `events`); another name
    /// is ignored.
    pub fn with_service_endpoint(mut self, service: &str, url: impl Into<String>) -> Self {
        if let Some(s) = service::by_key(service) {
            self.service_endpoints.retain(|(k, _)| *k != s.key);
            self.service_endpoints.push((s.key, url.into()));
            self.s3 = std::sync::OnceLock::new();
        }
        self
    }

    /// Calls the services of region `region` (`eu-west-1`) instead of the configuration's.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self.s3 = std::sync::OnceLock::new();
        self
    }

    /// How long one service call may take before it fails with
    /// `<Service>.ApiCallTimeoutException` (default 120 s). Lambda invocations have their
    /// own limit, 15 min 30 s (a function runs at most 15 min); the HTTP Task has AWS's 60 s.
    /// The Task's `TimeoutSeconds` still applies on top.
    pub fn with_call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// The S3 client of this configuration (region, endpoint, credentials), for Distributed
    /// Map's item readers and result writers.
    pub fn s3(&self) -> &S3 {
        self.s3.get_or_init(|| {
            let mut b = aws_sdk_s3::config::Builder::from(&self.sdk);
            if let Ok(region) = self.region() {
                b = b.region(aws_sdk_s3::config::Region::new(region));
            }
            if let Some(url) = self.endpoint_override(&service::S3) {
                b = b.endpoint_url(url).force_path_style(true);
            }
            S3::from_client(aws_sdk_s3::Client::from_conf(b.build()))
        })
    }

    fn region(&self) -> Result<String, Failure> {
        self.region
            .clone()
            .or_else(|| self.sdk.region().map(|r| r.to_string()))
            .ok_or_else(|| {
                Failure::Credentials(
                    "Unable to find a region via the region provider chain: set AWS_REGION, a profile region, or Integrations::with_region".into(),
                )
            })
    }

    /// The endpoint set for `svc` on this instance or in the configuration, if any.
    fn endpoint_override(&self, svc: &Service) -> Option<String> {
        if let Some((_, url)) = self.service_endpoints.iter().find(|(k, _)| *k == svc.key) {
            return Some(url.clone());
        }
        if let Some(url) = &self.endpoint {
            return Some(url.clone());
        }
        let from_config = self.sdk.service_config().and_then(|c| {
            let key = ServiceConfigKey::builder()
                .service_id(svc.service_id)
                .env("AWS_ENDPOINT_URL")
                .profile("endpoint_url")
                .build()
                .ok()?;
            c.load_config(key)
        });
        from_config.or_else(|| self.sdk.endpoint_url().map(str::to_owned))
    }

    /// `svc`'s endpoint, without a trailing slash.
    fn endpoint(&self, svc: &Service) -> Result<String, Failure> {
        if let Some(url) = self.endpoint_override(svc) {
            return Ok(url.trim_end_matches('/').to_owned());
        }
        let region = self.region()?;
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        Ok(format!("https://{}.{region}.{suffix}", svc.endpoint_prefix))
    }

    /// Signs and sends one request to `svc`.
    async fn send(
        &self,
        svc: &Service,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Bytes,
        timeout: Duration,
    ) -> Result<Reply, Failure> {
        let region = self.region()?;
        let credentials = self.credentials.get().await?;
        let mut req = wire::build_request(method, url, headers, body.clone())?;
        wire::sign_request(&mut req, &body, credentials, &region, svc.signing_name)?;
        self.http.send(req, timeout).await
    }

    async fn dispatch(&self, input: Value, context: &TaskContext) -> TaskResult {
        let Some(res) = resource::parse(context.resource) else {
            return Err(StateError::runtime(format!(
                "The resource provided {} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. (asl-aws answers Lambda, DynamoDB, SQS, SNS, EventBridge, S3 and HTTP integrations: see asl_aws::handles)",
                context.resource
            )));
        };
        let params = serde_json::Value::from(&input);
        let out = match res.target {
            Target::LambdaInvoke => lambda::invoke(self, &params, lambda::Form::Optimized).await,
            Target::LambdaFunction(arn) => {
                lambda::invoke(self, &params, lambda::Form::Function(arn)).await
            }
            Target::DynamoDb(op) => json_api::dynamodb(self, op, params).await,
            Target::SqsSendMessage => json_api::sqs_send_message(self, params).await,
            Target::EventsPutEvents => json_api::events_put_events(self, params).await,
            Target::SnsPublish => sns::publish(self, params).await,
            Target::Http => http_task::invoke(self, &params).await,
            Target::Sdk(svc, op) => {
                if std::ptr::eq(svc, &service::LAMBDA) {
                    lambda::invoke(self, &params, lambda::Form::Sdk).await
                } else if std::ptr::eq(svc, &service::S3) {
                    s3::sdk_call(self.s3(), op, &params).await
                } else if std::ptr::eq(svc, &service::SNS) {
                    sns::sdk_call(self, op, params).await
                } else {
                    json_api::sdk_call(self, svc, op, params).await
                }
            }
        };
        out.map(Value::from)
    }
}

impl DynamicHandler for Integrations {
    fn call<'a>(&'a self, input: Value, context: &'a TaskContext) -> BoxFuture<'a, TaskResult> {
        Box::pin(self.dispatch(input, context))
    }
}

/// The SDK's HTTP client on rustls with ring (the SDK's default, aws-lc, costs a C build).
fn sdk_http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// An object with its members sorted by name, as Step Functions serialises the SDK's
/// result objects.
pub(crate) fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<_> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().collect())
        }
        other => other,
    }
}

/// The result of an optimized integration: the API's result plus the Java SDK v1's
/// `SdkHttpMetadata` and `SdkResponseMetadata`, members sorted by name.
pub(crate) fn with_metadata(result: serde_json::Value, reply: &Reply) -> serde_json::Value {
    use serde_json::{Map, Value as J};
    let mut result = match result {
        J::Object(m) => m,
        J::Null => Map::new(),
        other => {
            let mut m = Map::new();
            m.insert("Result".into(), other);
            m
        }
    };
    let mut names: Vec<&str> = reply.headers.keys().map(|k| k.as_str()).collect();
    names.sort_by_key(|n| n.to_ascii_lowercase());
    names.dedup();
    let mut all = Map::new();
    let mut last = Map::new();
    for name in names {
        let values: Vec<J> = reply
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| J::String(v.to_owned()))
            .collect();
        if let Some(v) = values.last() {
            last.insert(name.to_owned(), v.clone());
        }
        all.insert(name.to_owned(), J::Array(values));
    }
    let mut http = Map::new();
    http.insert("AllHttpHeaders".into(), J::Object(all));
    http.insert("HttpHeaders".into(), J::Object(last));
    http.insert("HttpStatusCode".into(), J::from(reply.status));
    result.insert("SdkHttpMetadata".into(), J::Object(http));
    let mut meta = Map::new();
    meta.insert(
        "RequestId".into(),
        J::String(reply.request_id().unwrap_or_default().to_owned()),
    );
    result.insert("SdkResponseMetadata".into(), J::Object(meta));
    sorted(J::Object(result))
}

/// Parameters must be a JSON object (`null`: none).
pub(crate) fn object_params(
    params: serde_json::Value,
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    match params {
        serde_json::Value::Object(m) => Ok(m),
        serde_json::Value::Null => Ok(serde_json::Map::new()),
        other => Err(Failure::Parameters(format!(
            "The parameters of {what} must be a JSON object, not {}",
            json_type(&other)
        ))),
    }
}

/// A JSON value's type name, for causes.
pub(crate) fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A member that Step Functions lets be any JSON but the API takes as text (`MessageBody`,
/// `Message`, `Detail`): non-strings become their JSON text.
pub(crate) fn stringify(m: &mut serde_json::Map<String, serde_json::Value>, member: &str) {
    if let Some(v) = m.get_mut(member)
        && !v.is_string()
        && !v.is_null()
    {
        *v = serde_json::Value::String(v.to_string());
    }
}

//! The HTTP stack: one hyper client (rustls on ring, native roots), SigV4 signing with cached
//! credentials, bounded reads, and how a failed call is described ([`Failure`]).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The most a response body may hold; a larger one is an error, not an allocation.
pub(crate) const MAX_BODY: usize = 64 << 20;

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The first value of header `name`, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The AWS request id (`x-amzn-RequestId`, `x-amz-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-amzn-requestid")
            .or_else(|| self.header("x-amz-request-id"))
    }
}

/// Why a call produced no usable response.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The service answered with an error.
    Service {
        status: u16,
        code: String,
        message: String,
        request_id: String,
        /// S3's `x-amz-id-2`.
        extended_request_id: Option<String>,
        /// SQS's legacy query error code (`x-amzn-query-error`), what the Java SDK v1 reports.
        query_code: Option<String>,
    },
    /// No response within the call timeout.
    Timeout { endpoint: String, after: Duration },
    /// No connection, or the connection broke (refused, DNS, TLS, reset).
    Connect { endpoint: String, detail: String },
    /// No credentials could be had.
    Credentials(String),
    /// The parameters cannot be sent (wrong types, missing members): `States.Runtime`.
    Parameters(String),
}

/// The HTTP client shared by every integration of one [`crate::Integrations`].
#[derive(Clone)]
pub(crate) struct HttpClient {
    client: Client<Https, Full<Bytes>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

impl HttpClient {
    pub fn new() -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        http.set_nodelay(true);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        // A machine without a CA bundle still reaches http:// endpoints (a local emulator);
        // https:// ones then fail their handshake, which names the cause.
        let builder = match builder.with_provider_and_native_roots(provider.clone()) {
            Ok(b) => b,
            Err(_) => hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    // Not input: ring implements both default versions, rustls cannot refuse.
                    .expect("rustls on ring supports TLS 1.2 and 1.3")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth(),
            ),
        };
        let https = builder
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(https);
        HttpClient { client }
    }

    /// Sends `req` and reads the whole response within `timeout`.
    pub async fn send(
        &self,
        req: Request<Full<Bytes>>,
        timeout: Duration,
    ) -> Result<Reply, Failure> {
        let endpoint = endpoint_of(req.uri());
        let call = async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| Failure::Connect {
                    endpoint: endpoint.clone(),
                    detail: error_chain(&e),
                })?;
            let (parts, body) = resp.into_parts();
            let body = Limited::new(body, MAX_BODY)
                .collect()
                .await
                .map_err(|e| Failure::Connect {
                    endpoint: endpoint.clone(),
                    detail: format!("reading the response: {e}"),
                })?
                .to_bytes();
            Ok(Reply {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(timeout, call).await {
            Ok(r) => r,
            Err(_) => Err(Failure::Timeout {
                endpoint: endpoint.clone(),
                after: timeout,
            }),
        }
    }
}

/// `scheme://host[:port]` of a URI, for error causes.
pub(crate) fn endpoint_of(uri: &http::Uri) -> String {
    match (uri.scheme_str(), uri.authority()) {
        (Some(s), Some(a)) => format!("{s}://{a}"),
        _ => uri.to_string(),
    }
}

/// An error and its sources, joined (hyper's top-level message alone says little).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Credentials from the configuration chain, kept until five minutes before they expire.
pub(crate) struct CredentialCache {
    provider: Option<SharedCredentialsProvider>,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl std::fmt::Debug for CredentialCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialCache")
            .field("provider", &self.provider.is_some())
            .finish()
    }
}

impl CredentialCache {
    pub fn new(provider: Option<SharedCredentialsProvider>) -> Self {
        CredentialCache {
            provider,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    pub async fn get(&self) -> Result<Credentials, Failure> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref() {
            let fresh = c
                .expiry()
                .is_none_or(|t| t > SystemTime::now() + Duration::from_secs(300));
            if fresh {
                return Ok(c.clone());
            }
        }
        let Some(provider) = &self.provider else {
            return Err(Failure::Credentials(
                "Unable to load AWS credentials: no credentials provider is configured".into(),
            ));
        };
        let c = provider.provide_credentials().await.map_err(|e| {
            Failure::Credentials(format!(
                "Unable to load AWS credentials from any provider in the chain: {}",
                error_chain(&e)
            ))
        })?;
        *cached = Some(c.clone());
        Ok(c)
    }
}

/// Signs `req` (SigV4, payload hashed) for `service` in `region`.
pub(crate) fn sign_request(
    req: &mut Request<Full<Bytes>>,
    body: &[u8],
    credentials: Credentials,
    region: &str,
    service: &str,
) -> Result<(), Failure> {
    let identity: Identity = credentials.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| Failure::Credentials(format!("cannot sign the request: {e}")))?
        .into();
    let uri = req.uri().to_string();
    let headers: Vec<(&str, &str)> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)))
        .collect();
    let signable = SignableRequest::new(
        req.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| Failure::Parameters(format!("cannot sign the request: {e}")))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| Failure::Credentials(format!("cannot sign the request: {e}")))?
        .into_parts();
    instructions.apply_to_request_http1x(req);
    Ok(())
}

/// A request with `body` and headers, to `url`.
pub(crate) fn build_request(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> Result<Request<Full<Bytes>>, Failure> {
    let mut b = Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Full::new(body))
        .map_err(|e| Failure::Parameters(format!("invalid request to {url}: {e}")))
}

/// Reads an AWS error from a JSON body (`__type`/`code`, `message`/`Message`) and headers
/// (`x-amzn-ErrorType`, `x-amzn-query-error`).
pub(crate) fn json_error(reply: &Reply) -> Failure {
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| body.get(*n).and_then(|v| v.as_str()))
            .map(str::to_owned)
    };
    let raw = reply
        .header("x-amzn-errortype")
        .map(str::to_owned)
        .or_else(|| field(&["__type", "code", "Code"]))
        .unwrap_or_default();
    let code = shape_of(&raw);
    let message = field(&["message", "Message", "errorMessage"]).unwrap_or_default();
    let query_code = reply
        .header("x-amzn-query-error")
        .and_then(|q| q.split(';').next())
        .map(str::to_owned);
    Failure::Service {
        status: reply.status,
        code: if code.is_empty() {
            status_code_name(reply.status)
        } else {
            code
        },
        message,
        request_id: reply.request_id().unwrap_or_default().to_owned(),
        extended_request_id: None,
        query_code,
    }
}

/// `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` or
/// `ResourceNotFoundException:http://…` → `ResourceNotFoundException`.
pub(crate) fn shape_of(raw: &str) -> String {
    let s = raw.rsplit('#').next().unwrap_or(raw);
    let s = s.split(':').next().unwrap_or(s);
    s.trim().to_owned()
}

/// The error code of a bodiless error response (HEAD, or a proxy's HTML page).
pub(crate) fn status_code_name(status: u16) -> String {
    match status {
        400 => "BadRequest".into(),
        403 => "Forbidden".into(),
        404 => "NotFound".into(),
        500 => "InternalFailure".into(),
        503 => "ServiceUnavailable".into(),
        s => format!("Http{s}"),
    }
}

//! S3: the `arn:aws:states:::aws-sdk:s3:<action>` integration, and [`S3`], the streaming API
//! Distributed Map's `ItemReader` and `ResultWriter` use (bounded memory: one chunk, one page
//! or one part at a time).

use std::collections::HashMap;

use asl_runtime::error::StateError;
use asl_runtime::handler::BoxFuture;
use asl_runtime::objects::{Body, ObjectError, ObjectPage, ObjectStore, Upload};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::{RequestId, RequestIdExt};
use aws_sdk_s3::primitives::{ByteStream, DateTime, DateTimeFormat};
use aws_sdk_s3::types::{
    BucketLocationConstraint, CompletedMultipartUpload, CompletedPart, CreateBucketConfiguration,
};
use bytes::{Bytes, BytesMut};
use serde_json::{Map, Value as J};

use crate::service::{self, Flavor};
use crate::wire::Failure;
use crate::{json_type, object_params, sorted};

/// The `aws-sdk:s3` actions answered (as in Resource ARNs: `getObject`, …).
pub const ACTIONS: &[&str] = &[
    "CopyObject",
    "CreateBucket",
    "DeleteBucket",
    "DeleteObject",
    "GetObject",
    "HeadObject",
    "ListBuckets",
    "ListObjects",
    "ListObjectsV2",
    "PutObject",
];

/// The largest result a Task may return (ASL-ERR-16); `GetObject` stops reading past it.
const MAX_RESULT: usize = 256 * 1024;

/// The smallest part S3 accepts but the last (5 MiB).
pub const MIN_PART_SIZE: usize = 5 << 20;

/// An S3 client with Step Functions' error names: every failure is a [`StateError`] such as
/// `S3.NoSuchKeyException`, `S3.NoSuchBucketException`, `S3.S3Exception` (an unmodelled
/// error code), `S3.SdkClientException` (no connection).
///
/// Get one from [`crate::Integrations::s3`] (same region, endpoint and credentials as the
/// integrations) or wrap a client with [`S3::from_client`].
#[derive(Clone, Debug)]
pub struct S3 {
    client: aws_sdk_s3::Client,
}

/// One object listed by [`S3::list_objects_v2`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectSummary {
    /// The key.
    pub key: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its ETag, quoted as S3 gives it.
    pub e_tag: Option<String>,
    /// When it was last written (RFC 3339).
    pub last_modified: Option<String>,
    /// Its storage class.
    pub storage_class: Option<String>,
}

/// The body of an object being read: chunks as they arrive.
#[derive(Debug)]
pub struct ObjectBody {
    body: ByteStream,
    /// The object's size, when S3 said it.
    pub content_length: Option<i64>,
}

impl ObjectBody {
    /// The next chunk, `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, StateError>> {
        self.body.next().await.map(|r| {
            r.map_err(|e| {
                service::S3.error(
                    Flavor::Sdk,
                    Failure::Connect {
                        endpoint: "S3".into(),
                        detail: format!("reading the object: {e}"),
                    },
                )
            })
        })
    }

    /// The body as a tokio reader (lines of a CSV or JSON Lines file: wrap it in
    /// `tokio::io::BufReader` and read lines).
    pub fn into_async_read(self) -> impl tokio::io::AsyncBufRead + Send + Unpin {
        self.body.into_async_read()
    }
}

/// The pages of a `ListObjectsV2` listing, fetched one at a time.
#[derive(Debug)]
pub struct ObjectPages {
    client: aws_sdk_s3::Client,
    bucket: String,
    prefix: Option<String>,
    token: Option<String>,
    page_size: Option<i32>,
    done: bool,
}

impl ObjectPages {
    /// Asks for pages of at most `n` objects (S3's default and maximum: 1,000).
    pub fn page_size(mut self, n: i32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// The next page (up to 1,000 objects), `None` after the last.
    pub async fn next_page(&mut self) -> Option<Result<Vec<ObjectSummary>, StateError>> {
        if self.done {
            return None;
        }
        let out = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .set_prefix(self.prefix.clone())
            .set_continuation_token(self.token.take())
            .set_max_keys(self.page_size)
            .send()
            .await;
        let out = match out {
            Ok(o) => o,
            Err(e) => {
                self.done = true;
                return Some(Err(sdk_error(e, "ListObjectsV2")));
            }
        };
        self.token = out.next_continuation_token().map(str::to_owned);
        self.done = !out.is_truncated().unwrap_or(false) || self.token.is_none();
        Some(Ok(out
            .contents()
            .iter()
            .map(|o| ObjectSummary {
                key: o.key().unwrap_or_default().to_owned(),
                size: o.size().unwrap_or(0),
                e_tag: o.e_tag().map(str::to_owned),
                last_modified: o.last_modified().map(timestamp),
                storage_class: o.storage_class().map(|s| s.as_str().to_owned()),
            })
            .collect()))
    }
}

/// An object written in parts: [`write`](Self::write) buffers up to the part size and sends
/// each full part, so memory holds one part; [`finish`](Self::finish) completes it (an
/// object smaller than one part is sent with one `PutObject`). Dropping it unfinished leaves
/// an incomplete upload: call [`abort`](Self::abort).
#[derive(Debug)]
pub struct MultipartUpload {
    client: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    content_type: Option<String>,
    part_size: usize,
    buffer: BytesMut,
    upload_id: Option<String>,
    parts: Vec<CompletedPart>,
}

impl MultipartUpload {
    /// Appends `data`, sending every full part.
    pub async fn write(&mut self, mut data: &[u8]) -> Result<(), StateError> {
        while !data.is_empty() {
            let room = self.part_size - self.buffer.len();
            let n = room.min(data.len());
            self.buffer.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.buffer.len() == self.part_size {
                let part = self.buffer.split().freeze();
                self.send_part(part).await?;
            }
        }
        Ok(())
    }

    async fn send_part(&mut self, part: Bytes) -> Result<(), StateError> {
        let upload_id = match &self.upload_id {
            Some(id) => id.clone(),
            None => {
                let out = self
                    .client
                    .create_multipart_upload()
                    .bucket(&self.bucket)
                    .key(&self.key)
                    .set_content_type(self.content_type.clone())
                    .send()
                    .await
                    .map_err(|e| sdk_error(e, "CreateMultipartUpload"))?;
                let id = out.upload_id().unwrap_or_default().to_owned();
                self.upload_id = Some(id.clone());
                id
            }
        };
        let number = i32::try_from(self.parts.len() + 1).unwrap_or(i32::MAX);
        let out = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .part_number(number)
            .body(ByteStream::from(part))
            .send()
            .await
            .map_err(|e| sdk_error(e, "UploadPart"))?;
        self.parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(out.e_tag().map(str::to_owned))
                // The SDK checksums each part; completing the upload repeats them.
                .set_checksum_crc32(out.checksum_crc32().map(str::to_owned))
                .set_checksum_crc32_c(out.checksum_crc32_c().map(str::to_owned))
                .set_checksum_crc64_nvme(out.checksum_crc64_nvme().map(str::to_owned))
                .set_checksum_sha1(out.checksum_sha1().map(str::to_owned))
                .set_checksum_sha256(out.checksum_sha256().map(str::to_owned))
                .build(),
        );
        Ok(())
    }

    /// Sends what is buffered and completes the object; its ETag.
    pub async fn finish(mut self) -> Result<Option<String>, StateError> {
        if self.upload_id.is_none() {
            let body = self.buffer.split().freeze();
            let out = self
                .client
                .put_object()
                .bucket(&self.bucket)
                .key(&self.key)
                .set_content_type(self.content_type.clone())
                .body(ByteStream::from(body))
                .send()
                .await
                .map_err(|e| sdk_error(e, "PutObject"))?;
            return Ok(out.e_tag().map(str::to_owned));
        }
        if !self.buffer.is_empty() {
            let part = self.buffer.split().freeze();
            self.send_part(part).await?;
        }
        let done = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .set_upload_id(self.upload_id.clone())
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(std::mem::take(&mut self.parts)))
                    .build(),
            )
            .send()
            .await;
        match done {
            Ok(out) => Ok(out.e_tag().map(str::to_owned)),
            // Some S3-compatible stores (moto among them) answer 200 with a root element the
            // SDK refuses (`CompleteMultipartUploadResponse`): no error code, so the upload
            // was completed; the object's HeadObject confirms it and gives its ETag.
            Err(SdkError::ServiceError(se))
                if se.raw().status().as_u16() == 200 && se.err().meta().code().is_none() =>
            {
                let head = self
                    .client
                    .head_object()
                    .bucket(&self.bucket)
                    .key(&self.key)
                    .send()
                    .await
                    .map_err(|e| sdk_error(e, "HeadObject"))?;
                Ok(head.e_tag().map(str::to_owned))
            }
            Err(e) => Err(sdk_error(e, "CompleteMultipartUpload")),
        }
    }

    /// Abandons the upload, deleting the parts sent.
    pub async fn abort(self) -> Result<(), StateError> {
        if let Some(id) = self.upload_id {
            self.client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(&self.key)
                .upload_id(id)
                .send()
                .await
                .map_err(|e| sdk_error(e, "AbortMultipartUpload"))?;
        }
        Ok(())
    }
}

impl S3 {
    /// Wraps an SDK client.
    pub fn from_client(client: aws_sdk_s3::Client) -> Self {
        S3 { client }
    }

    /// The SDK client, for what this API does not cover.
    pub fn client(&self) -> &aws_sdk_s3::Client {
        &self.client
    }

    /// Starts reading `bucket`/`key`; the body arrives chunk by chunk.
    pub async fn get_object_stream(
        &self,
        bucket: &str,
        key: &str,
    ) -> Result<ObjectBody, StateError> {
        let out = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| sdk_error(e, "GetObject"))?;
        Ok(ObjectBody {
            content_length: out.content_length(),
            body: out.body,
        })
    }

    /// The objects of `bucket` under `prefix`, a page at a time.
    pub fn list_objects_v2(&self, bucket: &str, prefix: Option<&str>) -> ObjectPages {
        ObjectPages {
            client: self.client.clone(),
            bucket: bucket.to_owned(),
            prefix: prefix.map(str::to_owned),
            token: None,
            page_size: None,
            done: false,
        }
    }

    /// Writes `body` as `bucket`/`key` in one request (up to 5 GB); its ETag.
    pub async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        content_type: Option<&str>,
    ) -> Result<Option<String>, StateError> {
        let out = self
            .client
            .put_object()
            .bucket(bucket)
            .key(key)
            .set_content_type(content_type.map(str::to_owned))
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| sdk_error(e, "PutObject"))?;
        Ok(out.e_tag().map(str::to_owned))
    }

    /// An object of any size (up to S3's 5 TB) written in parts of `part_size` bytes (at
    /// least [`MIN_PART_SIZE`]; S3 allows 10,000 parts, so 8 MiB parts reach 78 GiB).
    pub fn upload(
        &self,
        bucket: &str,
        key: &str,
        content_type: Option<&str>,
        part_size: usize,
    ) -> MultipartUpload {
        let part_size = part_size.max(MIN_PART_SIZE);
        MultipartUpload {
            client: self.client.clone(),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            content_type: content_type.map(str::to_owned),
            part_size,
            buffer: BytesMut::with_capacity(part_size),
            upload_id: None,
            parts: Vec::new(),
        }
    }
}

/// A failed S3 call as Step Functions names it.
pub(crate) fn sdk_error<E, R>(e: SdkError<E, R>, operation: &str) -> StateError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + HasStatus,
{
    let failure = match &e {
        SdkError::ServiceError(se) => {
            let status = se.raw().status();
            let meta = se.err().meta();
            let mut code = meta.code().unwrap_or_default().to_owned();
            // HEAD has no body: the SDK for Java v2 reports its 404 as NoSuchKey.
            if operation == "HeadObject" && status == 404 {
                code = "NoSuchKey".into();
            }
            if code.is_empty() {
                code = crate::wire::status_code_name(status);
            }
            Failure::Service {
                status,
                code,
                message: meta.message().unwrap_or_default().to_owned(),
                request_id: meta.request_id().unwrap_or_default().to_owned(),
                extended_request_id: Some(
                    meta.extended_request_id().unwrap_or_default().to_owned(),
                ),
                query_code: None,
            }
        }
        SdkError::TimeoutError(_) => Failure::Timeout {
            endpoint: "S3".into(),
            after: std::time::Duration::ZERO,
        },
        SdkError::DispatchFailure(d) if d.is_timeout() => Failure::Timeout {
            endpoint: "S3".into(),
            after: std::time::Duration::ZERO,
        },
        SdkError::ConstructionFailure(_) => Failure::Parameters(format!(
            "S3 {operation}: {}",
            aws_sdk_s3::error::DisplayErrorContext(&e)
        )),
        _ => Failure::Connect {
            endpoint: "S3".into(),
            detail: aws_sdk_s3::error::DisplayErrorContext(&e).to_string(),
        },
    };
    service::S3.error(Flavor::Sdk, failure)
}

/// The status of a raw response, whatever the SDK's response type.
pub(crate) trait HasStatus {
    /// The HTTP status code.
    fn status(&self) -> u16;
}

impl HasStatus for aws_smithy_runtime_api::http::Response {
    fn status(&self) -> u16 {
        self.status().as_u16()
    }
}

fn timestamp(t: &DateTime) -> String {
    t.fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| t.to_string())
}

fn string(m: &Map<String, J>, name: &str) -> Result<Option<String>, StateError> {
    match m.get(name) {
        None | Some(J::Null) => Ok(None),
        Some(J::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(StateError::runtime(format!(
            "The field '{name}' must be a string, not {}",
            json_type(other)
        ))),
    }
}

fn required(m: &Map<String, J>, name: &str) -> Result<String, StateError> {
    string(m, name)?.ok_or_else(|| {
        StateError::runtime(format!("The field '{name}' is required but was missing"))
    })
}

fn int(m: &Map<String, J>, name: &str) -> Result<Option<i32>, StateError> {
    match m.get(name) {
        None | Some(J::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| StateError::runtime(format!("The field '{name}' must be an integer"))),
    }
}

fn metadata(m: &Map<String, J>) -> Result<Option<HashMap<String, String>>, StateError> {
    match m.get("Metadata") {
        None | Some(J::Null) => Ok(None),
        Some(J::Object(o)) => o
            .iter()
            .map(|(k, v)| match v {
                J::String(s) => Ok((k.clone(), s.clone())),
                other => Err(StateError::runtime(format!(
                    "Metadata values must be strings, not {}",
                    json_type(other)
                ))),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(other) => Err(StateError::runtime(format!(
            "The field 'Metadata' must be an object, not {}",
            json_type(other)
        ))),
    }
}

/// Adds `name: value` when there is a value.
fn put(out: &mut Map<String, J>, name: &str, value: Option<impl Into<J>>) {
    if let Some(v) = value {
        out.insert(name.to_owned(), v.into());
    }
}

fn meta_json(m: Option<&HashMap<String, String>>) -> J {
    let mut sorted: Vec<_> = m.into_iter().flatten().collect();
    sorted.sort();
    J::Object(
        sorted
            .into_iter()
            .map(|(k, v)| (k.clone(), J::String(v.clone())))
            .collect(),
    )
}

/// `arn:aws:states:::aws-sdk:s3:<action>`: parameters and results in the API's PascalCase
/// member names; timestamps as RFC 3339 text; `GetObject`'s `Body` as text (UTF-8, invalid
/// sequences replaced), `PutObject`'s `Body` a string or any JSON (sent as its text).
pub(crate) async fn sdk_call(s3: &S3, operation: &str, params: &J) -> Result<J, StateError> {
    let m =
        object_params(params.clone(), operation).map_err(|f| service::S3.error(Flavor::Sdk, f))?;
    let c = &s3.client;
    let mut out = Map::new();
    match operation {
        "GetObject" => {
            let o = c
                .get_object()
                .bucket(required(&m, "Bucket")?)
                .key(required(&m, "Key")?)
                .set_range(string(&m, "Range")?)
                .set_version_id(string(&m, "VersionId")?)
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            put(&mut out, "AcceptRanges", o.accept_ranges());
            put(&mut out, "CacheControl", o.cache_control());
            put(&mut out, "ContentDisposition", o.content_disposition());
            put(&mut out, "ContentEncoding", o.content_encoding());
            put(&mut out, "ContentLanguage", o.content_language());
            put(&mut out, "ContentLength", o.content_length());
            put(&mut out, "ContentRange", o.content_range());
            put(&mut out, "ContentType", o.content_type());
            put(&mut out, "ETag", o.e_tag());
            put(&mut out, "LastModified", o.last_modified().map(timestamp));
            out.insert("Metadata".into(), meta_json(o.metadata()));
            put(
                &mut out,
                "ServerSideEncryption",
                o.server_side_encryption().map(|s| s.as_str()),
            );
            put(&mut out, "VersionId", o.version_id());
            let mut body = ObjectBody {
                body: o.body,
                content_length: None,
            };
            let mut bytes = Vec::new();
            while let Some(chunk) = body.next_chunk().await {
                bytes.extend_from_slice(&chunk?);
                if bytes.len() > MAX_RESULT {
                    return Err(StateError::new(
                        "States.DataLimitExceeded",
                        "The state/task returned a result with a size exceeding the maximum number of bytes service limit.",
                    ));
                }
            }
            let mut out = sorted(J::Object(out));
            if let J::Object(o) = &mut out {
                // The payload member comes last, after the sorted headers (as recorded).
                o.insert(
                    "Body".into(),
                    J::String(String::from_utf8_lossy(&bytes).into_owned()),
                );
            }
            return Ok(out);
        }
        "PutObject" => {
            let body = match m.get("Body") {
                None | Some(J::Null) => Bytes::new(),
                Some(J::String(s)) => Bytes::from(s.clone()),
                Some(v) => Bytes::from(v.to_string()),
            };
            let o = c
                .put_object()
                .bucket(required(&m, "Bucket")?)
                .key(required(&m, "Key")?)
                .set_content_type(string(&m, "ContentType")?)
                .set_metadata(metadata(&m)?)
                .body(ByteStream::from(body))
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            put(&mut out, "ChecksumCRC32", o.checksum_crc32());
            put(&mut out, "ChecksumCRC32C", o.checksum_crc32_c());
            put(&mut out, "ChecksumSHA1", o.checksum_sha1());
            put(&mut out, "ChecksumSHA256", o.checksum_sha256());
            put(
                &mut out,
                "ChecksumType",
                o.checksum_type().map(|t| t.as_str()),
            );
            put(&mut out, "ETag", o.e_tag());
            put(
                &mut out,
                "ServerSideEncryption",
                o.server_side_encryption().map(|s| s.as_str()),
            );
            put(&mut out, "VersionId", o.version_id());
        }
        "HeadObject" => {
            let o = c
                .head_object()
                .bucket(required(&m, "Bucket")?)
                .key(required(&m, "Key")?)
                .set_version_id(string(&m, "VersionId")?)
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            put(&mut out, "AcceptRanges", o.accept_ranges());
            put(&mut out, "ContentLength", o.content_length());
            put(&mut out, "ContentType", o.content_type());
            put(&mut out, "ETag", o.e_tag());
            put(&mut out, "LastModified", o.last_modified().map(timestamp));
            out.insert("Metadata".into(), meta_json(o.metadata()));
            put(
                &mut out,
                "ServerSideEncryption",
                o.server_side_encryption().map(|s| s.as_str()),
            );
            put(&mut out, "VersionId", o.version_id());
        }
        "DeleteObject" => {
            let o = c
                .delete_object()
                .bucket(required(&m, "Bucket")?)
                .key(required(&m, "Key")?)
                .set_version_id(string(&m, "VersionId")?)
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            put(&mut out, "DeleteMarker", o.delete_marker());
            put(&mut out, "VersionId", o.version_id());
        }
        "CopyObject" => {
            let o = c
                .copy_object()
                .bucket(required(&m, "Bucket")?)
                .key(required(&m, "Key")?)
                .copy_source(required(&m, "CopySource")?)
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            if let Some(r) = o.copy_object_result() {
                let mut res = Map::new();
                put(&mut res, "ETag", r.e_tag());
                put(&mut res, "LastModified", r.last_modified().map(timestamp));
                out.insert("CopyObjectResult".into(), J::Object(res));
            }
            put(&mut out, "CopySourceVersionId", o.copy_source_version_id());
            put(
                &mut out,
                "ServerSideEncryption",
                o.server_side_encryption().map(|s| s.as_str()),
            );
            put(&mut out, "VersionId", o.version_id());
        }
        "ListObjectsV2" => {
            let o = c
                .list_objects_v2()
                .bucket(required(&m, "Bucket")?)
                .set_prefix(string(&m, "Prefix")?)
                .set_delimiter(string(&m, "Delimiter")?)
                .set_max_keys(int(&m, "MaxKeys")?)
                .set_continuation_token(string(&m, "ContinuationToken")?)
                .set_start_after(string(&m, "StartAfter")?)
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            put(
                &mut out,
                "CommonPrefixes",
                common_prefixes(o.common_prefixes()),
            );
            out.insert("Contents".into(), objects(o.contents()));
            put(&mut out, "ContinuationToken", o.continuation_token());
            put(&mut out, "Delimiter", o.delimiter());
            put(&mut out, "IsTruncated", o.is_truncated());
            put(&mut out, "KeyCount", o.key_count());
            put(&mut out, "MaxKeys", o.max_keys());
            put(&mut out, "Name", o.name());
            put(
                &mut out,
                "NextContinuationToken",
                o.next_continuation_token(),
            );
            put(&mut out, "Prefix", o.prefix());
            put(&mut out, "StartAfter", o.start_after());
        }
        "ListObjects" => {
            let o = c
                .list_objects()
                .bucket(required(&m, "Bucket")?)
                .set_prefix(string(&m, "Prefix")?)
                .set_delimiter(string(&m, "Delimiter")?)
                .set_max_keys(int(&m, "MaxKeys")?)
                .set_marker(string(&m, "Marker")?)
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            put(
                &mut out,
                "CommonPrefixes",
                common_prefixes(o.common_prefixes()),
            );
            out.insert("Contents".into(), objects(o.contents()));
            put(&mut out, "Delimiter", o.delimiter());
            put(&mut out, "IsTruncated", o.is_truncated());
            put(&mut out, "Marker", o.marker());
            put(&mut out, "MaxKeys", o.max_keys());
            put(&mut out, "Name", o.name());
            put(&mut out, "NextMarker", o.next_marker());
            put(&mut out, "Prefix", o.prefix());
        }
        "ListBuckets" => {
            let o = c
                .list_buckets()
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
            let buckets = o
                .buckets()
                .iter()
                .map(|b| {
                    let mut x = Map::new();
                    put(&mut x, "CreationDate", b.creation_date().map(timestamp));
                    put(&mut x, "Name", b.name());
                    J::Object(x)
                })
                .collect();
            out.insert("Buckets".into(), J::Array(buckets));
            if let Some(owner) = o.owner() {
                let mut x = Map::new();
                put(&mut x, "DisplayName", owner.display_name());
                put(&mut x, "ID", owner.id());
                out.insert("Owner".into(), J::Object(x));
            }
        }
        "CreateBucket" => {
            let mut req = c.create_bucket().bucket(required(&m, "Bucket")?);
            if let Some(J::Object(cfg)) = m.get("CreateBucketConfiguration")
                && let Some(loc) = string(cfg, "LocationConstraint")?
            {
                req = req.create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(loc.as_str()))
                        .build(),
                );
            }
            let o = req.send().await.map_err(|e| sdk_error(e, operation))?;
            put(&mut out, "Location", o.location());
        }
        "DeleteBucket" => {
            c.delete_bucket()
                .bucket(required(&m, "Bucket")?)
                .send()
                .await
                .map_err(|e| sdk_error(e, operation))?;
        }
        other => {
            return Err(StateError::runtime(format!(
                "The resource provided arn:aws:states:::aws-sdk:s3:{} is not recognized (asl-aws answers the S3 actions {ACTIONS:?})",
                lower_first(other)
            )));
        }
    }
    Ok(sorted(J::Object(out)))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn common_prefixes(p: &[aws_sdk_s3::types::CommonPrefix]) -> Option<J> {
    if p.is_empty() {
        return None;
    }
    Some(J::Array(
        p.iter()
            .map(|c| {
                let mut x = Map::new();
                put(&mut x, "Prefix", c.prefix());
                J::Object(x)
            })
            .collect(),
    ))
}

fn objects(list: &[aws_sdk_s3::types::Object]) -> J {
    J::Array(
        list.iter()
            .map(|o| {
                let mut x = Map::new();
                put(&mut x, "ETag", o.e_tag());
                put(&mut x, "Key", o.key());
                put(&mut x, "LastModified", o.last_modified().map(timestamp));
                put(&mut x, "Size", o.size());
                put(
                    &mut x,
                    "StorageClass",
                    o.storage_class().map(|s| s.as_str()),
                );
                J::Object(x)
            })
            .collect(),
    )
}

/// A runtime's failure as an object store's: the same error name and cause.
fn object_error(e: StateError) -> ObjectError {
    ObjectError {
        error: e.error.into_owned(),
        cause: e.cause.unwrap_or_default(),
    }
}

/// Parts of [`S3`]'s uploads for Distributed Map results: memory holds one.
const RESULT_PART_SIZE: usize = 8 * 1024 * 1024;

/// S3 as the object store of Distributed Maps: an `ItemReader` streams objects and listings
/// from it, a `ResultWriter` writes its files in parts (give it to a run with
/// `Options::objects` or `Engine::set_objects`).
impl ObjectStore for S3 {
    fn get<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Body, ObjectError>> {
        Box::pin(async move {
            let body = self
                .get_object_stream(bucket, key)
                .await
                .map_err(object_error)?;
            let chunks = futures_util::stream::unfold(body, |mut body| async move {
                let chunk = body.next_chunk().await?;
                Some((chunk.map(|b| b.to_vec()).map_err(object_error), body))
            });
            Ok(Box::pin(chunks) as Body)
        })
    }

    fn list<'a>(
        &'a self,
        bucket: &'a str,
        prefix: &'a str,
        token: Option<String>,
    ) -> BoxFuture<'a, Result<ObjectPage, ObjectError>> {
        // One page of the same listing `list_objects_v2` pages through, from `token`.
        let mut pages = ObjectPages {
            token,
            ..self.list_objects_v2(bucket, (!prefix.is_empty()).then_some(prefix))
        };
        Box::pin(async move {
            let page = pages.next_page().await.unwrap_or(Ok(Vec::new()));
            let objects = page
                .map_err(object_error)?
                .into_iter()
                .map(|o| asl_runtime::objects::ObjectSummary {
                    size: u64::try_from(o.size).unwrap_or(0),
                    etag: o.e_tag.unwrap_or_default(),
                    last_modified: o
                        .last_modified
                        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                        .map_or(0, |t| t.as_second()),
                    storage_class: o.storage_class.unwrap_or_else(|| "STANDARD".into()),
                    key: o.key,
                })
                .collect();
            let next = if pages.done { None } else { pages.token };
            Ok(asl_runtime::objects::ObjectPage { objects, next })
        })
    }

    fn put<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), ObjectError>> {
        Box::pin(async move {
            self.put_object(bucket, key, Bytes::from(body), Some("application/json"))
                .await
                .map(drop)
                .map_err(object_error)
        })
    }

    fn upload<'a>(
        &'a self,
        bucket: &str,
        key: &str,
    ) -> BoxFuture<'a, Result<Box<dyn Upload<'a> + 'a>, ObjectError>> {
        let upload = S3::upload(
            self,
            bucket,
            key,
            Some("application/json"),
            RESULT_PART_SIZE,
        );
        Box::pin(async move { Ok(Box::new(Parts { upload, size: 0 }) as Box<dyn Upload<'a>>) })
    }
}

/// A [`MultipartUpload`] as the runtime's upload.
struct Parts {
    upload: MultipartUpload,
    size: u64,
}

impl<'a> Upload<'a> for Parts {
    fn write(&mut self, bytes: Vec<u8>) -> BoxFuture<'_, Result<(), ObjectError>> {
        self.size += bytes.len() as u64;
        Box::pin(async move { self.upload.write(&bytes).await.map_err(object_error) })
    }

    fn finish(self: Box<Self>) -> BoxFuture<'a, Result<u64, ObjectError>> {
        Box::pin(async move {
            let size = self.size;
            self.upload.finish().await.map_err(object_error)?;
            Ok(size)
        })
    }
}

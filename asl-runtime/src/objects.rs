//! Object storage for Distributed Maps: where an `ItemReader` reads items and a `ResultWriter`
//! writes results (ASL-DMAP-02, ASL-DMAP-04). On AWS that is Amazon S3; the runtime sees it
//! through [`ObjectStore`], so it does not depend on an SDK. The `asl-aws` crate implements it
//! over S3; [`MemoryObjects`] keeps objects in memory (tests, local runs).
//!
//! Reads stream: an object's body arrives in chunks ([`Body`]) and listings come a page at a
//! time, so a Map Run over millions of items holds only what it is working on.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_util::Stream;

use crate::handler::BoxFuture;

/// An object's body, in chunks.
pub type Body = Pin<Box<dyn Stream<Item = Result<Vec<u8>, ObjectError>> + Send>>;

/// What went wrong with an object store call, in AWS's terms: `error` is the service's
/// error name (`S3.NoSuchKey`, `S3.NoSuchBucket`, `S3.AccessDenied`, …), `cause` its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectError {
    /// The error name.
    pub error: String,
    /// What the service said.
    pub cause: String,
}

impl std::fmt::Display for ObjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for ObjectError {}

/// One object of a listing (`ListObjectsV2`'s `Contents`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectSummary {
    /// The key.
    pub key: String,
    /// The size in bytes.
    pub size: u64,
    /// The entity tag, quoted as S3 gives it (`"\"d41d8…\""`).
    pub etag: String,
    /// When it was last written, in seconds since the epoch.
    pub last_modified: i64,
    /// The storage class (`STANDARD`, …).
    pub storage_class: String,
}

/// One page of a listing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectPage {
    /// The objects, in key order.
    pub objects: Vec<ObjectSummary>,
    /// The token of the next page, if there is one.
    pub next: Option<String>,
}

/// Where a Distributed Map reads items and writes results.
pub trait ObjectStore: Send + Sync {
    /// The body of `bucket`/`key`, streamed.
    fn get<'a>(&'a self, bucket: &'a str, key: &'a str)
    -> BoxFuture<'a, Result<Body, ObjectError>>;

    /// One page of the objects of `bucket` whose keys start with `prefix`, after the page
    /// `token` names (`ListObjectsV2`).
    fn list<'a>(
        &'a self,
        bucket: &'a str,
        prefix: &'a str,
        token: Option<String>,
    ) -> BoxFuture<'a, Result<ObjectPage, ObjectError>>;

    /// Writes `body` as `bucket`/`key`.
    fn put<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), ObjectError>>;

    /// Starts writing `bucket`/`key` piece by piece (S3: a multipart upload), for objects
    /// too large to hold. The default gathers the pieces and [`put`](Self::put)s them.
    fn upload<'a>(
        &'a self,
        bucket: &str,
        key: &str,
    ) -> BoxFuture<'a, Result<Box<dyn Upload<'a> + 'a>, ObjectError>> {
        let gathered = Gathered {
            store: self,
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            body: Vec::new(),
        };
        Box::pin(async move { Ok(Box::new(gathered) as Box<dyn Upload<'a> + 'a>) })
    }
}

/// An object being written piece by piece ([`ObjectStore::upload`]); `'a` is the store's
/// borrow.
pub trait Upload<'a>: Send {
    /// Appends `bytes`.
    fn write(&mut self, bytes: Vec<u8>) -> BoxFuture<'_, Result<(), ObjectError>>;

    /// Ends the object: it exists from now on. Returns its size in bytes.
    fn finish(self: Box<Self>) -> BoxFuture<'a, Result<u64, ObjectError>>;
}

impl<'a, S: ObjectStore + ?Sized> Upload<'a> for Gathered<'a, S> {
    fn write(&mut self, bytes: Vec<u8>) -> BoxFuture<'_, Result<(), ObjectError>> {
        self.body.extend_from_slice(&bytes);
        Box::pin(async { Ok(()) })
    }

    fn finish(self: Box<Self>) -> BoxFuture<'a, Result<u64, ObjectError>> {
        let size = self.body.len() as u64;
        Box::pin(async move {
            self.store.put(&self.bucket, &self.key, self.body).await?;
            Ok(size)
        })
    }
}

/// [`ObjectStore::upload`]'s default: the pieces gathered in memory, put at the end.
struct Gathered<'a, S: ?Sized> {
    store: &'a S,
    bucket: String,
    key: String,
    body: Vec<u8>,
}

impl std::fmt::Debug for dyn ObjectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ObjectStore")
    }
}

impl<T: ObjectStore + ?Sized> ObjectStore for Arc<T> {
    fn get<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Body, ObjectError>> {
        (**self).get(bucket, key)
    }

    fn list<'a>(
        &'a self,
        bucket: &'a str,
        prefix: &'a str,
        token: Option<String>,
    ) -> BoxFuture<'a, Result<ObjectPage, ObjectError>> {
        (**self).list(bucket, prefix, token)
    }

    fn put<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), ObjectError>> {
        (**self).put(bucket, key, body)
    }

    fn upload<'a>(
        &'a self,
        bucket: &str,
        key: &str,
    ) -> BoxFuture<'a, Result<Box<dyn Upload<'a> + 'a>, ObjectError>> {
        (**self).upload(bucket, key)
    }
}

/// Bucket → key → body.
type Buckets = BTreeMap<String, BTreeMap<String, Arc<[u8]>>>;

/// Objects in memory: buckets made with [`MemoryObjects::create_bucket`], S3's error names for
/// a missing bucket or key. Bodies are served in chunks of [`MemoryObjects::chunk`] bytes, as
/// a network would, so readers meet items split across chunks.
#[derive(Default)]
pub struct MemoryObjects {
    buckets: Mutex<Buckets>,
    chunk: Option<usize>,
}

impl MemoryObjects {
    /// No buckets.
    pub fn new() -> MemoryObjects {
        MemoryObjects::default()
    }

    /// Serves bodies in chunks of `n` bytes (default 64 KiB).
    pub fn chunk(mut self, n: usize) -> MemoryObjects {
        self.chunk = Some(n.max(1));
        self
    }

    /// Creates an empty bucket (no-op if it exists).
    pub fn create_bucket(&self, bucket: &str) {
        self.lock().entry(bucket.to_owned()).or_default();
    }

    /// Writes an object; its bucket is created if need be.
    pub fn insert(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        self.lock()
            .entry(bucket.to_owned())
            .or_default()
            .insert(key.to_owned(), body.into().into());
    }

    /// An object's body.
    pub fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        self.lock().get(bucket)?.get(key).map(|b| b.to_vec())
    }

    /// The keys of a bucket, in order.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        self.lock()
            .get(bucket)
            .map(|b| b.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buckets> {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn no_bucket(bucket: &str) -> ObjectError {
    ObjectError {
        error: "S3.NoSuchBucket".into(),
        cause: format!("The specified bucket does not exist (Bucket: {bucket})"),
    }
}

/// A page of [`MemoryObjects::list`].
const PAGE: usize = 1000;

impl ObjectStore for MemoryObjects {
    fn get<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Body, ObjectError>> {
        let found = match self.lock().get(bucket) {
            None => Err(no_bucket(bucket)),
            Some(b) => b.get(key).cloned().ok_or_else(|| ObjectError {
                error: "S3.NoSuchKey".into(),
                cause: format!("The specified key does not exist. (Bucket: {bucket}, Key: {key})"),
            }),
        };
        let chunk = self.chunk.unwrap_or(64 * 1024);
        Box::pin(async move {
            let body = found?;
            let chunks: Vec<Result<Vec<u8>, ObjectError>> =
                body.chunks(chunk).map(|c| Ok(c.to_vec())).collect();
            Ok(Box::pin(futures_util::stream::iter(chunks)) as Body)
        })
    }

    fn list<'a>(
        &'a self,
        bucket: &'a str,
        prefix: &'a str,
        token: Option<String>,
    ) -> BoxFuture<'a, Result<ObjectPage, ObjectError>> {
        let page = match self.lock().get(bucket) {
            None => Err(no_bucket(bucket)),
            Some(b) => {
                let after = token.unwrap_or_default();
                let mut objects: Vec<ObjectSummary> = b
                    .range::<String, _>((
                        std::ops::Bound::Excluded(&after),
                        std::ops::Bound::Unbounded,
                    ))
                    .filter(|(k, _)| k.starts_with(prefix))
                    .take(PAGE + 1)
                    .map(|(k, v)| ObjectSummary {
                        key: k.clone(),
                        size: v.len() as u64,
                        etag: etag(v),
                        last_modified: 0,
                        storage_class: "STANDARD".into(),
                    })
                    .collect();
                let next = (objects.len() > PAGE).then(|| {
                    objects.truncate(PAGE);
                    objects.last().map(|o| o.key.clone()).unwrap_or_default()
                });
                Ok(ObjectPage { objects, next })
            }
        };
        Box::pin(async move { page })
    }

    fn put<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), ObjectError>> {
        let r = match self.lock().get_mut(bucket) {
            None => Err(no_bucket(bucket)),
            Some(b) => {
                b.insert(key.to_owned(), body.into());
                Ok(())
            }
        };
        Box::pin(async move { r })
    }
}

/// S3's ETag of a single-part object: its MD5, quoted.
fn etag(data: &[u8]) -> String {
    use md5::Digest;
    let d = md5::Md5::digest(data);
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

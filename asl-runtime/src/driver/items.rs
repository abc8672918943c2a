//! Where a Distributed Map's items come from (ASL-DMAP-02): the state's input, or an
//! `ItemReader` over an object store — a JSON array, JSON Lines, CSV, or the listing of a
//! bucket. Readers stream: an object is read chunk by chunk and parsed as it arrives, a
//! listing page by page, so a Map Run over millions of items holds a chunk and a page, not
//! the data set. `ReaderConfig.MaxItems` stops reading early.

use futures_util::StreamExt;

use crate::StateError;
use crate::machine::Reader;
use crate::objects::{Body, ObjectError, ObjectStore, ObjectSummary};
use crate::value::{Map, Str, Value};

/// The error of a Map whose items cannot be read (ASL-DMAP-02).
pub(super) const READER_FAILED: &str = "States.ItemReaderFailed";

fn failed(cause: impl Into<String>) -> StateError {
    StateError::new(READER_FAILED, cause.into())
}

fn object_failed(e: ObjectError) -> StateError {
    failed(format!("{}: {}", e.error, e.cause))
}

/// A Map's items, read one at a time.
pub(super) struct Items<'a> {
    source: Source<'a>,
    /// `MaxItems`: how many more may be read.
    left: Option<u64>,
    /// `$$.Map.Item.Source`: `STATE_DATA`, `S3://<bucket>` for a listing, or
    /// `S3://<bucket>/<key>` for an object (ASL-CTX-10).
    pub(super) origin: Str,
}

/// The most items an `ItemReader` reads (`MaxItems` above it is this, ASL-Q-15).
const MAX_ITEMS: u64 = 100_000_000;

enum Source<'a> {
    /// Items already in memory (the state's input, a JSON document).
    Given(std::vec::IntoIter<(Option<Str>, Value)>),
    /// JSON Lines, one item per non-empty line.
    Lines(Chunks),
    Csv(Box<Csv>),
    /// An S3 inventory: the rows of the data files its manifest lists, one file after the
    /// other.
    Inventory {
        store: &'a dyn ObjectStore,
        bucket: String,
        files: std::collections::VecDeque<String>,
        schema: Vec<String>,
        current: Option<Box<Csv>>,
    },
    /// The objects of a bucket under a prefix.
    Listing {
        store: &'a dyn ObjectStore,
        bucket: String,
        prefix: String,
        page: std::vec::IntoIter<ObjectSummary>,
        next: Option<String>,
        done: bool,
    },
}

impl<'a> Items<'a> {
    /// The items of the state's input (or a JSON document), in memory already.
    pub(super) fn given(items: Vec<(Option<Str>, Value)>) -> Items<'a> {
        Items {
            source: Source::Given(items.into_iter()),
            left: None,
            origin: Str::from("STATE_DATA"),
        }
    }

    /// The items an `ItemReader` names: `params` are its evaluated `Parameters`/`Arguments`
    /// (`Bucket`, and `Key` or `Prefix`); `max_items` its `MaxItems` (0: all).
    pub(super) async fn open(
        reader: &Reader,
        params: &Value,
        max_items: Option<i64>,
        store: Option<&'a dyn ObjectStore>,
    ) -> Result<Items<'a>, StateError> {
        // Recorded: a negative MaxItemsPath value fails the Map Run, not the state's input.
        if max_items.is_some_and(|n| n < 0) {
            return Err(failed("field MaxItems must be positive"));
        }
        let store = store.ok_or_else(|| {
            failed("This runtime has no object store for the ItemReader: give the run one (Options::objects, Engine::set_objects, or asl serve with S3 integrations).")
        })?;
        let text = |k: &str| params[k].as_str().map(str::to_owned);
        let bucket =
            text("Bucket").ok_or_else(|| failed("The ItemReader's Parameters have no Bucket."))?;
        let mut origin = format!("S3://{bucket}");
        let source = match reader.resource {
            "arn:aws:states:::s3:listObjectsV2" => Source::Listing {
                store,
                bucket,
                prefix: text("Prefix").unwrap_or_default(),
                page: Vec::new().into_iter(),
                next: None,
                done: false,
            },
            "arn:aws:states:::s3:getObject" => {
                let key = text("Key")
                    .ok_or_else(|| failed("The ItemReader's Parameters have no Key."))?;
                let body = store.get(&bucket, &key).await.map_err(object_failed)?;
                let body = if key.ends_with(".gz") {
                    gunzip(body)
                } else {
                    body
                };
                origin = format!("{origin}/{key}");
                let inventory = reader.manifest_type == Some("S3_INVENTORY");
                match reader
                    .input_type
                    .unwrap_or(if inventory { "MANIFEST" } else { "JSON" })
                {
                    "JSON" => Source::Given(json_items(body, reader.items_pointer).await?),
                    "JSONL" => Source::Lines(Chunks::new(body)),
                    "CSV" => Source::Csv(Box::new(Csv::for_reader(body, reader)?)),
                    "MANIFEST" => {
                        let manifest = json_document(body).await?;
                        let (bucket, files, schema) = inventory_manifest(&manifest)?;
                        Source::Inventory {
                            store,
                            bucket,
                            files,
                            schema,
                            current: None,
                        }
                    }
                    other => {
                        return Err(failed(format!(
                            "The ItemReader's InputType {other} is not supported by this runtime."
                        )));
                    }
                }
            }
            other => {
                return Err(failed(format!(
                    "The ItemReader's Resource {other} is not supported."
                )));
            }
        };
        Ok(Items {
            source,
            // 0 reads all; above the quota reads the quota (recorded cases).
            left: max_items
                .map(|n| n.unsigned_abs().min(MAX_ITEMS))
                .filter(|&n| n > 0),
            origin: origin.into(),
        })
    }

    /// The next item (with its key, for an object's members), or `None` at the end.
    pub(super) async fn next(&mut self) -> Result<Option<(Option<Str>, Value)>, StateError> {
        if self.left == Some(0) {
            return Ok(None);
        }
        let mut origin = None;
        let item = match &mut self.source {
            Source::Given(items) => items.next(),
            Source::Lines(chunks) => loop {
                match chunks.line().await? {
                    None => break None,
                    Some(line) if line.iter().all(u8::is_ascii_whitespace) => continue,
                    Some(line) => {
                        let v: Value = serde_json::from_slice(&line).map_err(|e| {
                            failed(format!("A line of the JSON Lines object is not JSON: {e}"))
                        })?;
                        break Some((None, v));
                    }
                }
            },
            Source::Csv(csv) => csv.item().await?.map(|v| (None, v)),
            Source::Inventory {
                store,
                bucket,
                files,
                schema,
                current,
            } => loop {
                if let Some(csv) = current {
                    match csv.item().await? {
                        Some(v) => break Some((None, v)),
                        None => *current = None,
                    }
                }
                let Some(key) = files.pop_front() else {
                    break None;
                };
                let body = store.get(bucket, &key).await.map_err(object_failed)?;
                let body = if key.ends_with(".gz") {
                    gunzip(body)
                } else {
                    body
                };
                let headers = Headers::new(schema.clone())?;
                *current = Some(Box::new(Csv::new(body, b',', Some(headers))));
                // Each item comes from its data file.
                origin = Some(format!("S3://{bucket}/{key}"));
            },
            Source::Listing {
                store,
                bucket,
                prefix,
                page,
                next,
                done,
            } => loop {
                if let Some(o) = page.next() {
                    break Some((None, object_item(&o)));
                }
                if *done {
                    break None;
                }
                let p = store
                    .list(bucket, prefix, next.take())
                    .await
                    .map_err(object_failed)?;
                *done = p.next.is_none();
                *next = p.next;
                *page = p.objects.into_iter();
            },
        };
        if let Some(o) = origin {
            self.origin = o.into();
        }
        if item.is_some()
            && let Some(n) = &mut self.left
        {
            *n -= 1;
        }
        Ok(item)
    }
}

/// An object of a listing as an item: `ListObjectsV2`'s `Contents` entry.
fn object_item(o: &ObjectSummary) -> Value {
    let mut m = Map::with_capacity(5);
    m.insert("Etag", o.etag.as_str().into());
    m.insert("Key", o.key.as_str().into());
    m.insert("LastModified", o.last_modified.into());
    m.insert("Size", o.size.into());
    m.insert("StorageClass", o.storage_class.as_str().into());
    Value::object(m)
}

/// A JSON object's items: the document is an array, or `ItemsPointer` points at one.
async fn json_items(
    body: Body,
    pointer: Option<&str>,
) -> Result<std::vec::IntoIter<(Option<Str>, Value)>, StateError> {
    let doc = json_document(body).await?;
    let found = match pointer {
        None => &doc,
        Some(p) => pointed(&doc, p)
            .ok_or_else(|| failed(format!("The ItemsPointer {p} selects nothing.")))?,
    };
    match found {
        Value::Array(a) => Ok(a
            .iter()
            .map(|v| (None, v.clone()))
            .collect::<Vec<_>>()
            .into_iter()),
        _ => Err(failed(
            "The ItemReader's JSON object is not an array (give ReaderConfig.ItemsPointer to select one).",
        )),
    }
}

/// A whole JSON object.
async fn json_document(mut body: Body) -> Result<Value, StateError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        bytes.extend_from_slice(&chunk.map_err(object_failed)?);
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| failed(format!("The ItemReader's object is not JSON: {e}")))
}

/// An S3 inventory's `manifest.json`: the bucket its data files are in
/// (`destinationBucket`, an ARN), their keys, and the columns (`fileSchema`). Only the CSV
/// format exists for Distributed Map (AWS's documentation).
fn inventory_manifest(
    m: &Value,
) -> Result<(String, std::collections::VecDeque<String>, Vec<String>), StateError> {
    let format = m["fileFormat"].as_str().unwrap_or("");
    if format != "CSV" {
        return Err(failed(format!(
            "The S3 inventory's fileFormat is {format:?}: only CSV inventories can be read."
        )));
    }
    let bucket = m["destinationBucket"]
        .as_str()
        .map(|b| b.strip_prefix("arn:aws:s3:::").unwrap_or(b).to_owned())
        .ok_or_else(|| failed("The S3 inventory's manifest has no destinationBucket."))?;
    let schema = m["fileSchema"]
        .as_str()
        .ok_or_else(|| failed("The S3 inventory's manifest has no fileSchema."))?
        .split(',')
        .map(|c| c.trim().to_owned())
        .collect();
    let files = match &m["files"] {
        Value::Array(files) => files
            .iter()
            .filter_map(|f| f["key"].as_str().map(str::to_owned))
            .collect(),
        _ => return Err(failed("The S3 inventory's manifest has no files.")),
    };
    Ok((bucket, files, schema))
}

/// A gzip body, decompressed as it streams.
fn gunzip(body: Body) -> Body {
    use std::io::Write;
    let broken = |e: std::io::Error| ObjectError {
        error: READER_FAILED.into(),
        cause: format!("The object is not gzip: {e}"),
    };
    let decoder = flate2::write::GzDecoder::new(Vec::new());
    Box::pin(futures_util::stream::unfold(
        Some((body, decoder)),
        move |state| async move {
            let (mut body, mut decoder) = state?;
            loop {
                match body.next().await {
                    Some(Ok(chunk)) => {
                        if let Err(e) = decoder.write_all(&chunk) {
                            return Some((Err(broken(e)), None));
                        }
                        let out = std::mem::take(decoder.get_mut());
                        if !out.is_empty() {
                            return Some((Ok(out), Some((body, decoder))));
                        }
                    }
                    Some(Err(e)) => return Some((Err(e), None)),
                    None => {
                        return match decoder.finish() {
                            Ok(rest) if !rest.is_empty() => Some((Ok(rest), None)),
                            Ok(_) => None,
                            Err(e) => Some((Err(broken(e)), None)),
                        };
                    }
                }
            }
        },
    ))
}

/// RFC 6901: `/a/0/b`, with `~1` for `/` and `~0` for `~`.
fn pointed<'v>(doc: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(doc);
    }
    let mut v = doc;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        v = match v {
            Value::Object(o) => o.get(token.as_str())?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// An object's body as it arrives, with what is left of the last chunk.
struct Chunks {
    body: Body,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl Chunks {
    fn new(body: Body) -> Chunks {
        Chunks {
            body,
            buf: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    /// The unread bytes of the current chunk; empty only at the end of the body.
    async fn fill(&mut self) -> Result<&[u8], StateError> {
        while self.pos == self.buf.len() && !self.eof {
            match self.body.next().await {
                Some(chunk) => {
                    self.buf = chunk.map_err(object_failed)?;
                    self.pos = 0;
                }
                None => self.eof = true,
            }
        }
        Ok(&self.buf[self.pos..])
    }

    /// The next line without its end (`\n` or `\r\n`), or `None` at the end.
    async fn line(&mut self) -> Result<Option<Vec<u8>>, StateError> {
        let mut line = Vec::new();
        loop {
            let rest = self.fill().await?;
            if rest.is_empty() {
                return Ok((!line.is_empty()).then_some(line));
            }
            match rest.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    line.extend_from_slice(&rest[..i]);
                    self.pos += i + 1;
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    return Ok(Some(line));
                }
                None => {
                    let n = rest.len();
                    line.extend_from_slice(rest);
                    self.pos += n;
                }
            }
        }
    }
}

/// A CSV object: each record after the header is an item, an object of header → text.
struct Csv {
    chunks: Chunks,
    reader: csv_core::Reader,
    headers: Option<Headers>,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl Csv {
    /// The CSV object an `ItemReader`'s `ReaderConfig` describes.
    fn for_reader(body: Body, r: &Reader) -> Result<Csv, StateError> {
        let delimiter = match r.csv_delimiter.unwrap_or("COMMA") {
            "COMMA" => b',',
            "PIPE" => b'|',
            "SEMICOLON" => b';',
            "SPACE" => b' ',
            "TAB" => b'\t',
            other => return Err(failed(format!("Unknown CSVDelimiter {other}."))),
        };
        let headers = match r.csv_header_location.unwrap_or("FIRST_ROW") {
            "GIVEN" => Some(Headers::new(
                r.csv_headers.iter().map(|&h| h.to_owned()).collect(),
            )?),
            _ => None,
        };
        Ok(Csv::new(body, delimiter, headers))
    }

    /// A CSV body; without `headers`, its first record names the columns.
    fn new(body: Body, delimiter: u8, headers: Option<Headers>) -> Csv {
        Csv {
            chunks: Chunks::new(body),
            // Quotes are doubled or escaped with a backslash (AWS's CSV rules).
            reader: csv_core::ReaderBuilder::new()
                .delimiter(delimiter)
                .escape(Some(b'\\'))
                .build(),
            headers,
            out: vec![0; 1024],
            ends: vec![0; 32],
        }
    }

    /// The next record's fields, or `None` at the end.
    async fn record(&mut self) -> Result<Option<Vec<String>>, StateError> {
        let (mut nout, mut nends) = (0, 0);
        loop {
            let input = self.chunks.fill().await?;
            let (result, read, wrote, ended) =
                self.reader
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nends..]);
            self.chunks.pos += read;
            nout += wrote;
            nends += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    let mut fields = Vec::with_capacity(nends);
                    let mut start = 0;
                    for &end in &self.ends[..nends] {
                        fields.push(String::from_utf8_lossy(&self.out[start..end]).into_owned());
                        start = end;
                    }
                    return Ok(Some(fields));
                }
                csv_core::ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// The next item: the next record with the headers as keys. A missing field is `""`, an
    /// extra one is dropped (recorded cases).
    async fn item(&mut self) -> Result<Option<Value>, StateError> {
        if self.headers.is_none() {
            match self.record().await? {
                Some(h) => self.headers = Some(Headers::new(h)?),
                None => return Ok(None),
            }
        }
        let Some(fields) = self.record().await? else {
            return Ok(None);
        };
        let Some(headers) = &self.headers else {
            return Ok(None);
        };
        let mut m = Map::with_capacity(headers.names.len());
        for &i in &headers.order {
            let field = fields.get(i).map_or("", String::as_str);
            m.insert(headers.names[i].clone(), field.into());
        }
        Ok(Some(Value::object(m)))
    }
}

/// A CSV object's column names, and the order an item's members take.
struct Headers {
    names: Vec<Str>,
    /// The columns in the order AWS writes an item's members: a Java `HashMap`'s iteration
    /// order (recorded outputs: headers `0,True,{}` give `{"0", "{}", "True"}`).
    order: Vec<usize>,
}

impl Headers {
    fn new(names: Vec<String>) -> Result<Headers, StateError> {
        let mut seen = std::collections::HashSet::new();
        if !names.iter().all(|n| seen.insert(n.as_str())) {
            return Err(failed("CSV headers cannot contain duplicates."));
        }
        let order = java_hash_map_order(&names);
        Ok(Headers {
            names: names.into_iter().map(Str::from).collect(),
            order,
        })
    }
}

/// The order a `java.util.HashMap<String, _>` filled with `keys` in order iterates them: by
/// bucket (`(h ^ h >>> 16) & (capacity - 1)` of `String.hashCode`), then insertion order.
/// The capacity starts at 16 and doubles while the size is over three quarters of it.
fn java_hash_map_order(keys: &[String]) -> Vec<usize> {
    let mut capacity = 16usize;
    while keys.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    let bucket = |k: &String| {
        let h = k
            .encode_utf16()
            .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
            as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| bucket(&keys[i]));
    order
}

#[cfg(test)]
mod tests {
    use super::java_hash_map_order;

    fn ordered(keys: &[&str]) -> Vec<&'static str> {
        let owned: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        java_hash_map_order(&owned)
            .into_iter()
            .map(|i| String::leak(owned[i].clone()) as &str)
            .collect()
    }

    /// The orders AWS's outputs show (recorded cases and AWS's documentation).
    #[test]
    fn java_hash_map_order_is_awss() {
        assert_eq!(ordered(&["0", "True", "{}"]), ["0", "{}", "True"]);
        assert_eq!(ordered(&["H1", ""]), ["", "H1"]);
        assert_eq!(
            ordered(&["userId", "movieId", "rating", "timestamp"]),
            ["rating", "movieId", "userId", "timestamp"]
        );
        assert_eq!(
            ordered(&["Bucket", "Key", "Size", "LastModifiedDate"]),
            ["LastModifiedDate", "Bucket", "Size", "Key"]
        );
        assert_eq!(
            ordered(&["MyLetters", "MyNumbers", "MyString", "MyObject", "MyArray"]),
            ["MyNumbers", "MyObject", "MyString", "MyLetters", "MyArray"]
        );
        assert_eq!(ordered(&["Col1", "Col2", "Col3"]), ["Col1", "Col2", "Col3"]);
    }
}

//! JSONPath paths and reference paths (ASL-PATH-*), Jayway dialect.
//!
//! PLACEHOLDER: being written; the contract below is fixed.

use std::borrow::Cow;

/// A parsed path. Built by [`parse`] at compile time, or as a `static` by generated code
/// (every `Cow` borrowed), and evaluated by `asl_runtime::path`.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The path as written, for error messages (`Invalid path '$.x' : …`).
    pub source: Cow<'static, str>,
    pub root: Root,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$`: the state's data.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(Cow<'static, str>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct PathError {
    pub message: String,
    /// Byte offset in the path text.
    pub offset: usize,
}

pub fn parse(text: &str) -> Result<Path, PathError> {
    Err(PathError { message: format!("path parsing not implemented: {text}"), offset: 0 })
}

//! Spanned JSON → typed AST.
//!
//! This pass owns every rule that is about the shape of one object: required and allowed fields
//! per state type and query language (ASL-FLD, ASL-VAL-02/09/10/11/13/15/16/19/20/21/22/27),
//! field types and ranges, and the syntax of paths, templates, intrinsic calls and JSONata
//! expressions (ASL-VAL-17/18/23/24). Rules that need the whole machine (transitions,
//! reachability, names) live in [`crate::check`]. Errors accumulate; parsing goes on after each
//! one with the best value it can make, so one run reports everything.

use crate::ast::*;
use crate::diag::{Code, Diagnostic, Diagnostics, escape_pointer};
use crate::intrinsic;
use crate::json::{Kind, Member, Value};
use crate::jsonata_check;
use crate::path::{self, Path};
use crate::span::{Span, Spanned};
use crate::template::{Field, Num, Template};
use std::borrow::Cow;

/// Largest value AWS accepts for most second counts (ASL-Q-06/07/08).
pub const MAX_SECONDS: u64 = 99_999_999;

pub(crate) struct Parser<'d> {
    pub diags: &'d mut Diagnostics,
    /// The machine-level query language (states inherit it, ASL-SUB-53).
    machine_ql: QueryLanguage,
    /// Whether the field being read may use `$states.result` (Output/Assign of Task, Parallel,
    /// Map) and `$states.errorOutput` (a Catcher's Output/Assign): ASL-JA-04.
    allow_result: bool,
    allow_error_output: bool,
}

/// Reads the fields of one JSON object, remembering which were used so the rest can be
/// reported as unsupported.
struct Obj<'a> {
    members: &'a [Member],
    used: Vec<bool>,
    pointer: String,
    span: Span,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, pointer: String) -> Option<Self> {
        let members = v.as_object()?;
        Some(Obj {
            members,
            used: vec![false; members.len()],
            pointer,
            span: v.span,
        })
    }

    fn take(&mut self, key: &str) -> Option<&'a Member> {
        let i = self.members.iter().position(|m| m.key == key)?;
        self.used[i] = true;
        Some(&self.members[i])
    }

    fn has(&self, key: &str) -> bool {
        self.members.iter().any(|m| m.key == key)
    }

    fn field_pointer(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, escape_pointer(key))
    }

    /// Reports every field not taken: "Field 'X' is not supported" (ASL-VAL-10).
    fn finish(self, diags: &mut Diagnostics) {
        for (i, (m, used)) in self.members.iter().zip(&self.used).enumerate() {
            // A repeated key was already reported by the reader.
            let repeated = self.members[..i].iter().any(|p| p.key == m.key);
            if !used && !repeated {
                diags.push(
                    Diagnostic::error(
                        Code::SchemaValidationFailed,
                        format!("Field '{}' is not supported", m.key),
                        m.key_span,
                    )
                    .with_pointer(self.pointer.clone()),
                );
            }
        }
    }
}

fn owned(s: &str) -> Cow<'static, str> {
    Cow::Owned(s.to_string())
}

impl<'d> Parser<'d> {
    fn err(&mut self, msg: impl Into<String>, span: Span, pointer: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(Code::SchemaValidationFailed, msg, span).with_pointer(pointer));
    }

    fn warn(&mut self, code: Code, msg: impl Into<String>, span: Span, pointer: impl Into<String>) {
        self.diags
            .push(Diagnostic::warning(code, msg, span).with_pointer(pointer));
    }

    fn type_err(&mut self, key: &str, want: &str, v: &Value, pointer: &str) {
        self.err(
            format!("The field '{key}' must be {want}, found {}", v.type_name()),
            v.span,
            pointer,
        );
    }

    // ---- scalar fields -------------------------------------------------------------------

    fn string(&mut self, o: &mut Obj, key: &str) -> Option<Spanned<String>> {
        let m = o.take(key)?;
        match m.value.as_str() {
            Some(s) => Some(Spanned::new(s.to_string(), m.value.span)),
            None => {
                let p = o.field_pointer(key);
                self.type_err(key, "a string", &m.value, &p);
                None
            }
        }
    }

    fn bool(&mut self, o: &mut Obj, key: &str) -> Option<Spanned<bool>> {
        let m = o.take(key)?;
        match m.value.as_bool() {
            Some(b) => Some(Spanned::new(b, m.value.span)),
            None => {
                let p = o.field_pointer(key);
                self.type_err(key, "a boolean", &m.value, &p);
                None
            }
        }
    }

    /// An integer in `min..=max`.
    fn int(&mut self, o: &mut Obj, key: &str, min: u64, max: u64) -> Option<Spanned<u64>> {
        let m = o.take(key)?;
        self.int_value(&m.value, key, min, max, &o.field_pointer(key))
    }

    fn int_value(
        &mut self,
        v: &Value,
        key: &str,
        min: u64,
        max: u64,
        pointer: &str,
    ) -> Option<Spanned<u64>> {
        match v.as_i64() {
            Some(i) if i >= min as i64 && (i as u64) <= max => Some(Spanned::new(i as u64, v.span)),
            Some(i) => {
                self.err(
                    format!(
                        "The value for the field '{key}' must be between {min} and {max}, found {i}"
                    ),
                    v.span,
                    pointer,
                );
                None
            }
            None => {
                self.type_err(key, "an integer", v, pointer);
                None
            }
        }
    }

    fn number(&mut self, o: &mut Obj, key: &str, min: f64, max: f64) -> Option<Spanned<f64>> {
        let m = o.take(key)?;
        let p = o.field_pointer(key);
        match m.value.as_f64() {
            Some(f) if (min..=max).contains(&f) => Some(Spanned::new(f, m.value.span)),
            Some(f) => {
                self.err(
                    format!(
                        "The value for the field '{key}' must be between {min} and {max}, found {f}"
                    ),
                    m.value.span,
                    p,
                );
                None
            }
            None => {
                self.type_err(key, "a number", &m.value, &p);
                None
            }
        }
    }

    // ---- paths ---------------------------------------------------------------------------

    /// Parses a path string. `reference` demands a Reference Path (ASL-PATH-04).
    fn path_str(
        &mut self,
        s: &str,
        span: Span,
        key: &str,
        pointer: &str,
        reference: bool,
    ) -> Option<Path> {
        match path::parse(s) {
            Ok(p) => {
                if reference && !p.is_reference() {
                    self.diags.push(
                        Diagnostic::error(
                            Code::SchemaValidationFailed,
                            format!("The value for the field '{key}' must be a valid Reference Path"),
                            span,
                        )
                        .with_pointer(pointer)
                        .with_help(
                            "a reference path names one node: member names and array indexes only, no wildcards, slices, filters or '..'",
                        ),
                    );
                    return None;
                }
                Some(p)
            }
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        Code::SchemaValidationFailed,
                        format!(
                            "The value for the field '{key}' must be a valid JSONPath: {}",
                            e.message
                        ),
                        span,
                    )
                    .with_pointer(pointer),
                );
                None
            }
        }
    }

    fn path_field(&mut self, o: &mut Obj, key: &str, reference: bool) -> Option<Spanned<Path>> {
        let m = o.take(key)?;
        let p = o.field_pointer(key);
        match m.value.as_str() {
            Some(s) => self
                .path_str(s, m.value.span, key, &p, reference)
                .map(|path| Spanned::new(path, m.value.span)),
            None => {
                self.type_err(key, "a JSONPath string", &m.value, &p);
                None
            }
        }
    }

    /// `InputPath`/`OutputPath`/`ResultPath`: absent, `null` or a path (ASL-SUB-01).
    fn tri_path(&mut self, o: &mut Obj, key: &str, reference: bool) -> Tri<Path> {
        let Some(m) = o.take(key) else {
            return Tri::Absent;
        };
        let p = o.field_pointer(key);
        match &m.value.kind {
            Kind::Null => Tri::Null(m.value.span),
            Kind::String(s) => match self.path_str(s, m.value.span, key, &p, reference) {
                Some(path) => Tri::Value(Spanned::new(path, m.value.span)),
                None => Tri::Absent,
            },
            _ => {
                self.type_err(key, "a JSONPath string or null", &m.value, &p);
                Tri::Absent
            }
        }
    }

    fn result_path(&mut self, o: &mut Obj) -> Tri<Path> {
        let rp = self.tri_path(o, "ResultPath", true);
        if let Tri::Value(p) = &rp {
            // ASL-PATH-09: ResultPath writes into the state's data only.
            let why = match p.value.root {
                path::Root::Input => None,
                path::Root::Context => Some("the context object ('$$')"),
                path::Root::Variable(_) => Some("a variable"),
            };
            if let Some(why) = why {
                let ptr = o.field_pointer("ResultPath");
                self.err(
                    format!("The value for the field 'ResultPath' must be a path into the state's data, not {why}"),
                    p.span,
                    ptr,
                );
                return Tri::Absent;
            }
        }
        rp
    }

    /// ASL-VAL-13: when both `keep` and `drop` are present, reports `drop` (and consumes it so
    /// it is not also called unsupported). Returns whether both were present.
    fn exclusive(&mut self, o: &mut Obj, keep: &str, drop: &str) -> bool {
        if !(o.has(keep) && o.has(drop)) {
            return false;
        }
        if let Some(m) = o.take(drop) {
            self.err(
                format!("The fields '{keep}' and '{drop}' are mutually exclusive"),
                m.key_span,
                o.pointer.clone(),
            );
        }
        true
    }

    /// A numeric field with an optional `…Path` twin (ASL-VAL-13) or a JSONata expression.
    fn dynamic_int(
        &mut self,
        o: &mut Obj,
        key: &str,
        min: u64,
        max: u64,
        ql: QueryLanguage,
    ) -> Option<Dynamic<u64>> {
        self.dynamic(o, key, ql, &|p, o| p.int(o, key, min, max))
    }

    fn dynamic_f64(
        &mut self,
        o: &mut Obj,
        key: &str,
        min: f64,
        max: f64,
        ql: QueryLanguage,
    ) -> Option<Dynamic<f64>> {
        self.dynamic(o, key, ql, &|p, o| p.number(o, key, min, max))
    }

    fn dynamic<T>(
        &mut self,
        o: &mut Obj,
        key: &str,
        ql: QueryLanguage,
        read_static: &dyn Fn(&mut Self, &mut Obj) -> Option<Spanned<T>>,
    ) -> Option<Dynamic<T>> {
        let path_key = format!("{key}Path");
        self.exclusive(o, key, &path_key);
        if let Some(m) = o.members.iter().find(|m| m.key == key) {
            if ql == QueryLanguage::Jsonata
                && let Some(s) = m.value.as_str()
            {
                o.take(key);
                return self
                    .jsonata_string(s, m.value.span, &o.field_pointer(key))
                    .map(|e| Dynamic::Jsonata(Spanned::new(e, m.value.span)));
            }
            return read_static(self, o).map(Dynamic::Static);
        }
        if ql == QueryLanguage::JsonPath {
            return self.path_field(o, &path_key, true).map(Dynamic::Path);
        }
        None
    }

    // ---- templates -----------------------------------------------------------------------

    /// A JSONata `{% … %}` string, parsed. Other strings are an error here (used for fields
    /// that must be expressions when they are strings).
    fn jsonata_string(
        &mut self,
        s: &str,
        span: Span,
        pointer: &str,
    ) -> Option<crate::jsonata::Parsed> {
        match jsonata_check::split(s) {
            jsonata_check::Split::Expression(inner) => {
                // A position in the expression as one in the string value (after `{%`).
                let at = |offset: usize| inner[..offset.min(inner.len())].chars().count() + 2;
                let expr = match jsonata_check::check(inner) {
                    Ok(e) => e,
                    Err((msg, offset)) => {
                        let mut d = Diagnostic::error(
                            Code::SchemaValidationFailed,
                            format!("The JSONata expression '{inner}' is invalid: {msg}"),
                            span,
                        )
                        .with_pointer(pointer);
                        if let Some(o) = offset {
                            d = d.with_inner(at(o));
                        }
                        self.diags.push(d);
                        return None;
                    }
                };
                // ASL-JA-04: where `$states.result` and `$states.errorOutput` exist.
                let refs = crate::jsonata::references(&expr);
                if refs.states_result && !self.allow_result {
                    self.err(
                        "'$states.result' is only available in the Output and Assign of Task, Parallel and Map states",
                        span,
                        pointer,
                    );
                    return None;
                }
                if refs.states_error_output && !self.allow_error_output {
                    self.err(
                        "'$states.errorOutput' is only available in a Catcher's Output and Assign",
                        span,
                        pointer,
                    );
                    return None;
                }
                // Calls that fail whenever they run: reported, not refused (AWS accepts them).
                for problem in jsonata_check::check_calls(&expr) {
                    let chars = inner[..problem.offset.min(inner.len())].chars().count() + 1;
                    self.diags.push(
                        Diagnostic::warning(
                            Code::AslJsonataCall,
                            format!(
                                "{} (the call at character {chars} of '{inner}')",
                                problem.message
                            ),
                            span,
                        )
                        .with_pointer(pointer)
                        .with_inner(at(problem.offset)),
                    );
                }
                Some(crate::jsonata::Parsed {
                    text: Cow::Owned(inner.to_string()),
                    tree: Cow::Owned(vec![expr]),
                })
            }
            jsonata_check::Split::Malformed(why) => {
                self.err(why, span, pointer);
                None
            }
            jsonata_check::Split::Literal => {
                self.err(
                    format!(
                        "'{s}' is not a JSONata expression: expressions are written '{{% … %}}'"
                    ),
                    span,
                    pointer,
                );
                None
            }
        }
    }

    /// A payload template in either language (ASL-PT-*, ASL-JA-02).
    fn template(&mut self, v: &Value, ql: QueryLanguage, pointer: &str) -> Template {
        match &v.kind {
            Kind::Object(members) => {
                if ql == QueryLanguage::Jsonata {
                    return Template::Object(
                        members
                            .iter()
                            .map(|m| Field {
                                key: owned(&m.key),
                                value: self.template(&m.value, ql, pointer),
                            })
                            .collect(),
                    );
                }
                let mut fields: Vec<Field> = Vec::with_capacity(members.len());
                let mut seen: Vec<(&str, Span)> = Vec::new();
                for m in members {
                    let (key, dynamic) = match m.key.strip_suffix(".$") {
                        Some(k) => (k, true),
                        None => (m.key.as_str(), false),
                    };
                    // ASL-PT-05 / ASL-SUB-13: keys must be unique after stripping `.$`.
                    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                        self.diags.push(
                            Diagnostic::error(
                                Code::SchemaValidationFailed,
                                format!("The field '{key}' is defined twice (once with '.$')"),
                                m.key_span,
                            )
                            .with_pointer(pointer)
                            .with_note(*first, "first defined here"),
                        );
                    }
                    seen.push((key, m.key_span));
                    let value = if dynamic {
                        self.dynamic_value(&m.key, &m.value, pointer)
                    } else {
                        if let Some(s) = m.value.as_str()
                            && (s.starts_with("$.")
                                || s.starts_with("$$.")
                                || intrinsic::looks_like_call(s))
                        {
                            self.warn(
                                    Code::NoDollar,
                                    format!(
                                        "The value for the field '{key}' looks like a JSONPath or intrinsic function, but the field name does not end with '.$', so it is used as a literal string"
                                    ),
                                    m.value.span,
                                    pointer,
                                );
                        }
                        self.template(&m.value, ql, pointer)
                    };
                    fields.push(Field {
                        key: owned(key),
                        value,
                    });
                }
                Template::Object(Cow::Owned(fields))
            }
            Kind::Array(items) => Template::Array(
                items
                    .iter()
                    .map(|i| self.template(i, ql, pointer))
                    .collect(),
            ),
            Kind::String(s) if ql == QueryLanguage::Jsonata => match jsonata_check::split(s) {
                jsonata_check::Split::Literal => Template::String(owned(s)),
                _ => match self.jsonata_string(s, v.span, pointer) {
                    Some(e) => Template::Jsonata(e),
                    None => Template::Null,
                },
            },
            _ => Template::literal(v),
        }
    }

    /// The value of a `key.$` field: a path or an intrinsic call (ASL-PT-03).
    fn dynamic_value(&mut self, key: &str, v: &Value, pointer: &str) -> Template {
        let invalid = |p: &mut Self, detail: Option<String>| {
            let mut d = Diagnostic::error(
                Code::SchemaValidationFailed,
                format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"),
                v.span,
            )
            .with_pointer(pointer);
            if let Some(detail) = detail {
                d = d.with_help(detail);
            }
            p.diags.push(d);
            Template::Null
        };
        let Some(s) = v.as_str() else {
            return invalid(self, Some(format!("found {}", v.type_name())));
        };
        if s.starts_with('$') {
            match path::parse(s) {
                Ok(p) => Template::Path(p),
                Err(e) => invalid(self, Some(e.message)),
            }
        } else if intrinsic::looks_like_call(s) {
            match intrinsic::parse(s) {
                Ok(c) => Template::Call(c),
                Err(e) => invalid(self, Some(e.message)),
            }
        } else {
            invalid(self, None)
        }
    }

    fn template_field(
        &mut self,
        o: &mut Obj,
        key: &str,
        ql: QueryLanguage,
    ) -> Option<Spanned<Template>> {
        let m = o.take(key)?;
        let p = o.field_pointer(key);
        Some(Spanned::new(self.template(&m.value, ql, &p), m.value.span))
    }

    /// A template that must be a JSON object or array (Parameters, ResultSelector,
    /// ItemSelector, …) in JSONPath; in JSONata any value or expression.
    fn object_template(
        &mut self,
        o: &mut Obj,
        key: &str,
        ql: QueryLanguage,
    ) -> Option<Spanned<Template>> {
        let m = o.members.iter().find(|m| m.key == key)?;
        // ASL-PT-02 says an object; AWS also takes an array (deployed definitions rely on it).
        if ql == QueryLanguage::JsonPath
            && m.value.as_object().is_none()
            && m.value.as_array().is_none()
        {
            o.take(key);
            let p = o.field_pointer(key);
            self.type_err(key, "an object or an array", &m.value, &p);
            return None;
        }
        self.template_field(o, key, ql)
    }

    /// `Assign` (ASL-VAR-01/02): keys are variable names.
    fn assign(&mut self, o: &mut Obj, ql: QueryLanguage) -> Option<Spanned<Template>> {
        let m = o.take("Assign")?;
        let p = o.field_pointer("Assign");
        let Some(members) = m.value.as_object() else {
            self.type_err("Assign", "an object", &m.value, &p);
            return None;
        };
        for mem in members {
            let name = if ql == QueryLanguage::JsonPath {
                mem.key.strip_suffix(".$").unwrap_or(&mem.key)
            } else {
                &mem.key
            };
            if let Some(why) = invalid_variable_name(name) {
                self.err(
                    format!("Invalid variable name '{name}': {why}"),
                    mem.key_span,
                    p.clone(),
                );
            }
        }
        Some(Spanned::new(self.template(&m.value, ql, &p), m.value.span))
    }

    // ---- errors handling -----------------------------------------------------------------

    fn error_equals(&mut self, o: &mut Obj) -> Vec<Spanned<String>> {
        let Some(m) = o.take("ErrorEquals") else {
            self.err(
                "These fields are required: [ErrorEquals]",
                o.span,
                o.pointer.clone(),
            );
            return Vec::new();
        };
        let p = o.field_pointer("ErrorEquals");
        let Some(items) = m.value.as_array() else {
            self.type_err("ErrorEquals", "an array of error names", &m.value, &p);
            return Vec::new();
        };
        if items.is_empty() {
            self.err("Value cannot be empty", m.value.span, p.clone());
        }
        let mut out = Vec::new();
        for it in items {
            match it.as_str() {
                Some(s) => out.push(Spanned::new(s.to_string(), it.span)),
                None => self.type_err("ErrorEquals", "an array of strings", it, &p),
            }
        }
        out
    }

    fn retriers(&mut self, o: &mut Obj) -> Vec<Retrier> {
        let Some(m) = o.take("Retry") else {
            return Vec::new();
        };
        let p = o.field_pointer("Retry");
        let Some(items) = m.value.as_array() else {
            self.type_err("Retry", "an array", &m.value, &p);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let ptr = format!("{p}[{i}]");
            let Some(mut r) = Obj::new(it, ptr.clone()) else {
                self.type_err("Retry", "an array of objects", it, &p);
                continue;
            };
            let error_equals = self.error_equals(&mut r);
            let interval_seconds = self
                .int(&mut r, "IntervalSeconds", 1, MAX_SECONDS)
                .map_or(1, |v| v.value);
            let max_attempts = self
                .int(&mut r, "MaxAttempts", 0, MAX_SECONDS)
                .map_or(3, |v| v.value);
            let backoff_rate = self
                .number(&mut r, "BackoffRate", 1.0, f64::MAX)
                .map_or(2.0, |v| v.value);
            // ASL-RT-06: > 0 and < 31622401.
            let max_delay_seconds = self
                .int(&mut r, "MaxDelaySeconds", 1, 31_622_400)
                .map(|v| v.value);
            let jitter = match self.string(&mut r, "JitterStrategy") {
                None => Jitter::None,
                Some(s) if s.value == "FULL" => Jitter::Full,
                Some(s) if s.value == "NONE" => Jitter::None,
                Some(s) => {
                    self.err(
                        "The field 'JitterStrategy' should have one of these values: [FULL, NONE]",
                        s.span,
                        r.field_pointer("JitterStrategy"),
                    );
                    Jitter::None
                }
            };
            let comment = self.string(&mut r, "Comment").map(|c| c.value);
            let span = r.span;
            r.finish(self.diags);
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter,
                comment,
                pointer: ptr,
                span,
            });
        }
        out
    }

    fn catchers(&mut self, o: &mut Obj, ql: QueryLanguage) -> Vec<Catcher> {
        let Some(m) = o.take("Catch") else {
            return Vec::new();
        };
        let p = o.field_pointer("Catch");
        let Some(items) = m.value.as_array() else {
            self.type_err("Catch", "an array", &m.value, &p);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let ptr = format!("{p}[{i}]");
            let Some(mut c) = Obj::new(it, ptr.clone()) else {
                self.type_err("Catch", "an array of objects", it, &p);
                continue;
            };
            let error_equals = self.error_equals(&mut c);
            let next = self.string(&mut c, "Next");
            if next.is_none() && !c.has("Next") {
                self.err("These fields are required: [Next]", c.span, ptr.clone());
            }
            self.allow_error_output = true;
            let (result_path, output) = match ql {
                QueryLanguage::JsonPath => (self.result_path(&mut c), None),
                QueryLanguage::Jsonata => (Tri::Absent, self.template_field(&mut c, "Output", ql)),
            };
            let assign = self.assign(&mut c, ql);
            self.allow_error_output = false;
            let comment = self.string(&mut c, "Comment").map(|c| c.value);
            let span = c.span;
            c.finish(self.diags);
            out.push(Catcher {
                error_equals,
                next: next.unwrap_or_else(|| Spanned::new(String::new(), span)),
                result_path,
                output,
                assign,
                comment,
                pointer: ptr,
                span,
            });
        }
        out
    }

    fn result_handling(&mut self, o: &mut Obj, ql: QueryLanguage) -> ResultHandling {
        let (result_selector, result_path) = match ql {
            QueryLanguage::JsonPath => (
                self.object_template(o, "ResultSelector", ql),
                self.result_path(o),
            ),
            QueryLanguage::Jsonata => (None, Tri::Absent),
        };
        ResultHandling {
            result_selector,
            result_path,
            retry: self.retriers(o),
            catch: self.catchers(o, ql),
        }
    }

    // ---- scopes and states ---------------------------------------------------------------

    fn scope_fields(&mut self, o: &mut Obj) -> Scope {
        let start = self.string(o, "StartAt");
        let states_m = o.take("States");
        let mut missing = Vec::new();
        if states_m.is_none() {
            missing.push("States");
        }
        if start.is_none() && !o.has("StartAt") {
            missing.push("StartAt");
        }
        if !missing.is_empty() {
            let pointer = if o.pointer.is_empty() {
                "/".to_string()
            } else {
                o.pointer.clone()
            };
            self.err(
                format!("These fields are required: [{}]", missing.join(", ")),
                o.span,
                pointer,
            );
        }
        let mut states = Vec::new();
        if let Some(m) = states_m {
            let sp = o.field_pointer("States");
            match m.value.as_object() {
                Some(members) => {
                    if members.is_empty() {
                        self.err("Value cannot be empty", m.value.span, sp.clone());
                    }
                    for mem in members {
                        let ptr = format!("{sp}/{}", escape_pointer(&mem.key));
                        if let Some(s) = self.state(mem, ptr) {
                            states.push(s);
                        }
                    }
                }
                None => self.type_err("States", "an object", &m.value, &sp),
            }
        }
        let comment = self.string(o, "Comment").map(|c| c.value);
        Scope {
            start_at: start.unwrap_or_else(|| Spanned::new(String::new(), o.span)),
            states,
            pointer: o.pointer.clone(),
            span: o.span,
            comment,
        }
    }

    fn state(&mut self, mem: &Member, pointer: String) -> Option<State> {
        let name = Spanned::new(mem.key.clone(), mem.key_span);
        let Some(mut o) = Obj::new(&mem.value, pointer.clone()) else {
            self.err(
                format!(
                    "The state '{}' must be an object, found {}",
                    mem.key,
                    mem.value.type_name()
                ),
                mem.value.span,
                pointer,
            );
            return None;
        };
        let ty = match o.take("Type") {
            None => {
                self.err("These fields are required: [Type]", o.span, pointer);
                o.finish(&mut Diagnostics::default());
                return None;
            }
            Some(m) => m,
        };
        let ty_name = ty.value.as_str().unwrap_or("");
        const TYPES: [&str; 8] = [
            "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
        ];
        if !TYPES.contains(&ty_name) {
            self.err(
                "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
                ty.value.span,
                format!("{pointer}/Type"),
            );
            return None;
        }

        // Query language (ASL-TOP-06, ASL-VAL-22).
        let mut ql = self.machine_ql;
        if let Some(q) = self.string(&mut o, "QueryLanguage") {
            match q.value.as_str() {
                "JSONata" => ql = QueryLanguage::Jsonata,
                "JSONPath" if self.machine_ql == QueryLanguage::Jsonata => self.err(
                    "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                    q.span,
                    pointer.clone(),
                ),
                "JSONPath" => ql = QueryLanguage::JsonPath,
                _ => self.err(
                    "The field 'QueryLanguage' should have one of these values: [JSONata, JSONPath]",
                    q.span,
                    format!("{pointer}/QueryLanguage"),
                ),
            }
        }
        let comment = self.string(&mut o, "Comment").map(|c| c.value);
        let jp = ql == QueryLanguage::JsonPath;
        let is = |t: &str| ty_name == t;

        // Transition (ASL-ST-04, ASL-VAL-11).
        let transition = if is("Choice") || is("Succeed") || is("Fail") {
            Transition::None
        } else {
            let next = self.string(&mut o, "Next");
            let end = self.bool(&mut o, "End");
            match (next, end) {
                (Some(n), None) => Transition::Next(n),
                (Some(n), Some(e)) if !e.value => Transition::Next(n),
                (None, Some(e)) if e.value => Transition::End,
                (Some(n), Some(_)) => {
                    self.err(
                        "The fields 'Next' and 'End' are mutually exclusive",
                        n.span,
                        pointer.clone(),
                    );
                    Transition::Next(n)
                }
                (None, _) => {
                    if !o.has("Next") {
                        self.err(
                            "This state must have either a 'Next' field or \"End\": true",
                            name.span,
                            pointer.clone(),
                        );
                    }
                    Transition::End
                }
            }
        };

        let (input_path, output_path) = if jp && !is("Fail") {
            (
                self.tri_path(&mut o, "InputPath", false),
                self.tri_path(&mut o, "OutputPath", false),
            )
        } else {
            (Tri::Absent, Tri::Absent)
        };
        self.allow_result = is("Task") || is("Parallel") || is("Map");
        let assign = if is("Succeed") || is("Fail") {
            None
        } else {
            self.assign(&mut o, ql)
        };
        let output = if !jp && !is("Fail") {
            self.template_field(&mut o, "Output", ql)
        } else {
            None
        };
        self.allow_result = false;

        let kind = match ty_name {
            "Task" => StateKind::Task(Box::new(self.task(&mut o, ql))),
            "Pass" => {
                let (result, parameters, result_path) = if jp {
                    (
                        o.take("Result").map(|m| {
                            let t = Template::literal(&m.value);
                            self.pass_result_warnings(&m.value, &format!("{pointer}/Result"));
                            Spanned::new(t, m.value.span)
                        }),
                        self.object_template(&mut o, "Parameters", ql),
                        self.result_path(&mut o),
                    )
                } else {
                    (None, None, Tri::Absent)
                };
                StateKind::Pass(Pass {
                    result,
                    parameters,
                    result_path,
                })
            }
            "Choice" => StateKind::Choice(self.choice(&mut o, ql)),
            "Wait" => match self.wait(&mut o, ql, name.span) {
                Some(w) => StateKind::Wait(w),
                None => StateKind::Wait(Wait::Seconds(Spanned::new(0, name.span))),
            },
            "Succeed" => StateKind::Succeed,
            "Fail" => StateKind::Fail(self.fail(&mut o, ql)),
            "Parallel" => StateKind::Parallel(Box::new(self.parallel(&mut o, ql))),
            _ => StateKind::Map(Box::new(self.map(&mut o, ql))),
        };
        let span = o.span;
        o.finish(self.diags);
        Some(State {
            name,
            pointer,
            span,
            comment,
            query_language: ql,
            transition,
            input_path,
            output_path,
            assign,
            output,
            kind,
        })
    }

    /// ASL-VAL-28 `PASS_RESULT_IS_STATIC`: `.$` keys inside a Pass `Result` are not evaluated.
    fn pass_result_warnings(&mut self, v: &Value, pointer: &str) {
        match &v.kind {
            Kind::Object(members) => {
                for m in members {
                    if m.key.ends_with(".$") {
                        self.warn(
                            Code::PassResultIsStatic,
                            format!(
                                "The field '{}' in a Pass state's 'Result' is not evaluated: 'Result' is static; use 'Parameters' to evaluate paths",
                                m.key
                            ),
                            m.key_span,
                            pointer,
                        );
                    }
                    self.pass_result_warnings(&m.value, pointer);
                }
            }
            Kind::Array(items) => items
                .iter()
                .for_each(|i| self.pass_result_warnings(i, pointer)),
            _ => {}
        }
    }

    fn task(&mut self, o: &mut Obj, ql: QueryLanguage) -> Task {
        let jp = ql == QueryLanguage::JsonPath;
        let resource = self.string(o, "Resource");
        if resource.is_none() && !o.has("Resource") {
            self.err(
                "These fields are required: [Resource]",
                o.span,
                o.pointer.clone(),
            );
        }
        let resource = resource.unwrap_or_else(|| Spanned::new(String::new(), o.span));
        let resource_kind = classify_resource(&resource.value);
        let (parameters, arguments) = if jp {
            (self.object_template(o, "Parameters", ql), None)
        } else {
            (None, self.template_field(o, "Arguments", ql))
        };
        let timeout = self.dynamic_int(o, "TimeoutSeconds", 1, MAX_SECONDS, ql);
        let heartbeat = self.dynamic_int(o, "HeartbeatSeconds", 1, MAX_SECONDS, ql);
        // ASL-VAL-14: HeartbeatSeconds < TimeoutSeconds.
        if let (Some(Dynamic::Static(t)), Some(Dynamic::Static(h))) = (&timeout, &heartbeat)
            && h.value >= t.value
        {
            self.err(
                    format!(
                        "The value for the field 'HeartbeatSeconds' ({}) must be smaller than the value for the field 'TimeoutSeconds' ({})",
                        h.value, t.value
                    ),
                    h.span,
                    o.field_pointer("HeartbeatSeconds"),
                );
        }
        let credentials = o
            .members
            .iter()
            .find(|m| m.key == "Credentials")
            .map(|m| m.value.clone());
        let credentials = match credentials {
            None => None,
            Some(v) => {
                let cp = o.field_pointer("Credentials");
                match v.as_object() {
                    None => {
                        o.take("Credentials");
                        self.type_err("Credentials", "an object", &v, &cp);
                        None
                    }
                    Some(members) => {
                        // ASL-VAL-21.
                        if !members
                            .iter()
                            .any(|m| m.key == "RoleArn" || (jp && m.key == "RoleArn.$"))
                        {
                            self.err(
                                "The field 'RoleArn' is required but was missing",
                                v.span,
                                cp,
                            );
                        }
                        self.template_field(o, "Credentials", ql)
                    }
                }
            }
        };
        let result = self.result_handling(o, ql);
        Task {
            resource,
            resource_kind,
            parameters,
            arguments,
            timeout,
            heartbeat,
            credentials,
            result,
        }
    }

    fn choice(&mut self, o: &mut Obj, ql: QueryLanguage) -> Choice {
        let default = self.string(o, "Default");
        let mut choices = Vec::new();
        match o.take("Choices") {
            None => self.err(
                "These fields are required: [Choices]",
                o.span,
                o.pointer.clone(),
            ),
            Some(m) => {
                let p = o.field_pointer("Choices");
                match m.value.as_array() {
                    None => self.type_err("Choices", "an array", &m.value, &p),
                    Some([]) => self.err("Value cannot be empty", m.value.span, p),
                    Some(items) => {
                        for (i, it) in items.iter().enumerate() {
                            if let Some(r) = self.choice_rule(it, format!("{p}[{i}]"), ql) {
                                choices.push(r);
                            }
                        }
                    }
                }
            }
        }
        Choice { choices, default }
    }

    fn choice_rule(&mut self, v: &Value, pointer: String, ql: QueryLanguage) -> Option<ChoiceRule> {
        let Some(mut o) = Obj::new(v, pointer.clone()) else {
            self.type_err("Choices", "an array of objects", v, &pointer);
            return None;
        };
        let next = self.string(&mut o, "Next");
        if next.is_none() && !o.has("Next") {
            let msg = if o.has("End") {
                "A Choice rule cannot end the execution: it must have a 'Next' field"
            } else {
                "These fields are required: [Next]"
            };
            self.err(msg, o.span, pointer.clone());
        }
        let comment = self.string(&mut o, "Comment").map(|c| c.value);
        let assign = self.assign(&mut o, ql);
        let (condition, output) = match ql {
            QueryLanguage::Jsonata => {
                let cond = match o.take("Condition") {
                    None => {
                        self.err(
                            "These fields are required: [Condition]",
                            o.span,
                            pointer.clone(),
                        );
                        Template::Bool(false)
                    }
                    Some(m) => match &m.value.kind {
                        Kind::Bool(b) => Template::Bool(*b),
                        Kind::String(s) => match self.jsonata_string(
                            s,
                            m.value.span,
                            &o.field_pointer("Condition"),
                        ) {
                            Some(e) => Template::Jsonata(e),
                            None => Template::Bool(false),
                        },
                        _ => {
                            let p = o.field_pointer("Condition");
                            self.type_err(
                                "Condition",
                                "a boolean or a JSONata expression",
                                &m.value,
                                &p,
                            );
                            Template::Bool(false)
                        }
                    },
                };
                let output = self.template_field(&mut o, "Output", ql);
                (Condition::Jsonata(Spanned::new(cond, v.span)), output)
            }
            QueryLanguage::JsonPath => match self.rule_body(&mut o) {
                Some(r) => (Condition::Rule(r), None),
                None => (Condition::Invalid, None),
            },
        };
        let span = o.span;
        if !matches!(condition, Condition::Invalid) {
            o.finish(self.diags);
        }
        Some(ChoiceRule {
            next: next.unwrap_or_else(|| Spanned::new(String::new(), span)),
            condition,
            assign,
            output,
            comment,
            pointer,
            span,
        })
    }

    /// A JSONPath Choice rule: a boolean combinator or a data test (ASL-CH-04/05, ASL-VAL-15).
    fn rule_body(&mut self, o: &mut Obj) -> Option<Rule> {
        for comb in ["And", "Or"] {
            if let Some(m) = o.take(comb) {
                let p = o.field_pointer(comb);
                let Some(items) = m.value.as_array() else {
                    self.type_err(comb, "a non-empty array of rules", &m.value, &p);
                    return None;
                };
                if items.is_empty() {
                    self.err("Value cannot be empty", m.value.span, p);
                    return None;
                }
                if items.len() == 1 {
                    self.diags.push(
                        Diagnostic::warning(
                            Code::AslSingleOperand,
                            format!("'{comb}' with a single rule is the rule itself"),
                            m.key_span,
                        )
                        .with_pointer(p.clone())
                        .with_help("write the rule directly, or add the missing rules"),
                    );
                }
                let rules: Vec<Rule> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, it)| self.nested_rule(it, format!("{p}[{i}]")))
                    .collect();
                self.reject_test_fields(o, comb);
                return Some(if comb == "And" {
                    Rule::And(rules, m.key_span)
                } else {
                    Rule::Or(rules, m.key_span)
                });
            }
        }
        if let Some(m) = o.take("Not") {
            let p = o.field_pointer("Not");
            if m.value.as_object().is_none() {
                self.type_err("Not", "a rule object", &m.value, &p);
                return None;
            }
            let inner = self.nested_rule(&m.value, p)?;
            self.reject_test_fields(o, "Not");
            return Some(Rule::Not(Box::new(inner), m.key_span));
        }
        self.test(o)
    }

    fn reject_test_fields(&mut self, o: &mut Obj, comb: &str) {
        for m in o.members {
            if m.key == "Variable" || Op::lookup(&m.key).is_some() {
                self.err(
                    format!("A rule with '{comb}' cannot also have '{}'", m.key),
                    m.key_span,
                    o.pointer.clone(),
                );
                o.take(&m.key);
            }
        }
    }

    fn nested_rule(&mut self, v: &Value, pointer: String) -> Option<Rule> {
        let Some(mut o) = Obj::new(v, pointer.clone()) else {
            self.err(
                format!("A Choice rule must be an object, found {}", v.type_name()),
                v.span,
                pointer,
            );
            return None;
        };
        if let Some(m) = o.take("Next") {
            self.err(
                "Nested Choice rules cannot have a 'Next' field",
                m.key_span,
                pointer.clone(),
            );
        }
        let _ = self.string(&mut o, "Comment");
        let r = self.rule_body(&mut o);
        o.finish(self.diags);
        r
    }

    fn test(&mut self, o: &mut Obj) -> Option<Rule> {
        let ops: Vec<&Member> = o
            .members
            .iter()
            .filter(|m| Op::lookup(&m.key).is_some())
            .collect();
        let variable = o.take("Variable");
        let (Some(var), [op_m]) = (variable, ops.as_slice()) else {
            if ops.len() > 1 {
                self.err(
                    format!(
                        "A Choice rule must have exactly one comparison operator, found {}",
                        ops.iter()
                            .map(|m| m.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    ops[1].key_span,
                    o.pointer.clone(),
                );
                for m in &ops {
                    o.take(&m.key);
                }
            } else if variable.is_none() {
                self.err(
                    if ops.is_empty() {
                        "A Choice rule must have 'And', 'Or', 'Not', or a 'Variable' and a comparison operator"
                    } else {
                        "These fields are required: [Variable]"
                    },
                    o.span,
                    o.pointer.clone(),
                );
                for m in &ops {
                    o.take(&m.key);
                }
            } else {
                self.err(
                    "A Choice rule with a 'Variable' must have a comparison operator",
                    o.span,
                    o.pointer.clone(),
                );
            }
            return None;
        };
        let op_m: &Member = op_m;
        o.take(&op_m.key);
        let vp = o.field_pointer("Variable");
        let variable = match var.value.as_str() {
            Some(s) => {
                if intrinsic::looks_like_call(s) {
                    self.err(
                        "The value for the field 'Variable' must be a valid JSONPath, not an intrinsic function call",
                        var.value.span,
                        vp,
                    );
                    return None;
                }
                Spanned::new(
                    self.path_str(s, var.value.span, "Variable", &vp, false)?,
                    var.value.span,
                )
            }
            None => {
                self.type_err("Variable", "a JSONPath string", &var.value, &vp);
                return None;
            }
        };
        let (op, is_path) = Op::lookup(&op_m.key)?;
        let opp = o.field_pointer(&op_m.key);
        let v = &op_m.value;
        // AWS rejects a wrongly typed operand as a schema error (ASL-VAL-15); the message and
        // the help are ours.
        let mismatch = |p: &mut Self, want: &str| {
            let mut d = Diagnostic::error(
                Code::SchemaValidationFailed,
                format!("'{}' compares with {want}, found {}", op_m.key, describe(v)),
                v.span,
            )
            .with_pointer(opp.clone());
            let unquoted = v.as_str().map(str::trim).filter(|s| match op {
                Op::Numeric(_) => s.parse::<f64>().is_ok_and(f64::is_finite),
                Op::Boolean => *s == "true" || *s == "false",
                _ => false,
            });
            if let Some(s) = unquoted {
                d = d.with_help(format!("write it without quotes: \"{}\": {s}", op_m.key));
            }
            p.diags.push(d);
            None
        };
        let operand = if is_path {
            match v.as_str() {
                Some(s) => Operand::Path(self.path_str(s, v.span, &op_m.key, &opp, true)?),
                None => return mismatch(self, "a reference path string"),
            }
        } else {
            match op {
                Op::String(_) | Op::StringMatches => match v.as_str() {
                    Some(s) => {
                        if op == Op::StringMatches
                            && let Some(why) = invalid_string_matches(s)
                        {
                            self.err(why, v.span, opp.clone());
                            return None;
                        }
                        Operand::String(s.to_string())
                    }
                    None => return mismatch(self, "a string"),
                },
                Op::Numeric(_) => match v.as_number() {
                    Some(n) => Operand::Number(Num::from_json(n)),
                    None => return mismatch(self, "a number"),
                },
                Op::Timestamp(_) => match v.as_str() {
                    Some(s) if crate::timestamp::is_valid(s) => Operand::Timestamp(s.to_string()),
                    Some(_) => {
                        self.diags.push(
                            Diagnostic::error(Code::SchemaValidationFailed, "String does not match RFC3339 timestamp", v.span)
                                .with_pointer(opp.clone())
                                .with_help("timestamps look like 2016-03-14T01:59:00Z (uppercase T and Z, or a numeric offset)"),
                        );
                        return None;
                    }
                    None => return mismatch(self, "an RFC 3339 timestamp string"),
                },
                _ => match v.as_bool() {
                    Some(b) => Operand::Bool(b),
                    None => return mismatch(self, "a boolean"),
                },
            }
        };
        Some(Rule::Test(Test {
            variable,
            op,
            op_span: op_m.key_span,
            operand,
            operand_span: v.span,
            pointer: o.pointer.clone(),
        }))
    }

    fn wait(&mut self, o: &mut Obj, ql: QueryLanguage, name_span: Span) -> Option<Wait> {
        let keys: &[&str] = if ql == QueryLanguage::JsonPath {
            &["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
        } else {
            &["Seconds", "Timestamp"]
        };
        let present: Vec<&Member> = o
            .members
            .iter()
            .filter(|m| keys.contains(&m.key.as_str()))
            .collect();
        if present.len() != 1 {
            let span = present.get(1).map_or(name_span, |m| m.key_span);
            self.err(
                format!(
                    "A Wait state must have exactly one of these fields: [{}]",
                    keys.join(", ")
                ),
                span,
                o.pointer.clone(),
            );
            for m in &present {
                o.take(&m.key);
            }
            return None;
        }
        let m = present[0];
        let p = o.field_pointer(&m.key);
        if ql == QueryLanguage::Jsonata
            && let Some(s) = m.value.as_str()
            && (matches!(jsonata_check::split(s), jsonata_check::Split::Expression(_))
                || m.key == "Seconds")
        {
            o.take(&m.key);
            let e = self.jsonata_string(s, m.value.span, &p)?;
            let e = Spanned::new(e, m.value.span);
            return Some(if m.key == "Seconds" {
                Wait::SecondsExpr(e)
            } else {
                Wait::TimestampExpr(e)
            });
        }
        match m.key.as_str() {
            "Seconds" => self.int(o, "Seconds", 0, MAX_SECONDS).map(Wait::Seconds),
            "SecondsPath" => self
                .path_field(o, "SecondsPath", true)
                .map(Wait::SecondsPath),
            "TimestampPath" => self
                .path_field(o, "TimestampPath", true)
                .map(Wait::TimestampPath),
            _ => {
                let s = self.string(o, "Timestamp")?;
                if !crate::timestamp::is_valid(&s.value) {
                    self.err("String does not match RFC3339 timestamp", s.span, p);
                    return None;
                }
                Some(Wait::Timestamp(s))
            }
        }
    }

    fn fail(&mut self, o: &mut Obj, ql: QueryLanguage) -> Fail {
        Fail {
            error: self.fail_field(o, "Error", ql),
            cause: self.fail_field(o, "Cause", ql),
        }
    }

    /// `Error`/`ErrorPath`, `Cause`/`CausePath` (ASL-FL-02, ASL-VAL-13/18).
    fn fail_field(&mut self, o: &mut Obj, key: &str, ql: QueryLanguage) -> Option<FailField> {
        let path_key = format!("{key}Path");
        if ql == QueryLanguage::JsonPath {
            self.exclusive(o, key, &path_key);
        }
        if let Some(s) = self.string(o, key) {
            if ql == QueryLanguage::Jsonata
                && !matches!(
                    jsonata_check::split(&s.value),
                    jsonata_check::Split::Literal
                )
            {
                let e = self.jsonata_string(&s.value, s.span, &o.field_pointer(key))?;
                return Some(FailField::Jsonata(Spanned::new(e, s.span)));
            }
            if ql == QueryLanguage::JsonPath
                && (s.value.starts_with("$.") || intrinsic::looks_like_call(&s.value))
            {
                self.warn(
                    Code::NoPath,
                    format!("The value for the field '{key}' looks like a JSONPath or intrinsic function, but the field is not '{path_key}', so it is used as a literal string"),
                    s.span,
                    o.field_pointer(key),
                );
            }
            return Some(FailField::Literal(s));
        }
        if ql != QueryLanguage::JsonPath {
            return None;
        }
        let m = o.take(&path_key)?;
        let p = o.field_pointer(&path_key);
        let Some(s) = m.value.as_str() else {
            self.type_err(
                &path_key,
                "a JSONPath or intrinsic function string",
                &m.value,
                &p,
            );
            return None;
        };
        let invalid = |p: &mut Self, detail: Option<String>| {
            let mut d = Diagnostic::error(
                Code::SchemaValidationFailed,
                format!(
                    "The value for the field '{path_key}' must be a valid Reference Path or a call to one of the intrinsic functions returning a string"
                ),
                m.value.span,
            )
            .with_pointer(o.field_pointer(&path_key));
            if let Some(detail) = detail {
                d = d.with_help(detail);
            }
            p.diags.push(d);
            None
        };
        if s.starts_with('$') {
            match path::parse(s) {
                Ok(path) if path.is_reference() => {
                    Some(FailField::Path(Spanned::new(path, m.value.span)))
                }
                Ok(_) => invalid(self, Some("the path must be a reference path".into())),
                Err(e) => invalid(self, Some(e.message)),
            }
        } else if intrinsic::looks_like_call(s) {
            match intrinsic::parse(s) {
                Ok(c) if c.func.returns_string() => {
                    Some(FailField::Call(Spanned::new(c, m.value.span)))
                }
                Ok(c) => invalid(
                    self,
                    Some(format!("{} does not return a string", c.func.name())),
                ),
                Err(e) => invalid(self, Some(e.message)),
            }
        } else {
            invalid(self, None)
        }
    }

    fn parallel(&mut self, o: &mut Obj, ql: QueryLanguage) -> Parallel {
        let (parameters, arguments) = if ql == QueryLanguage::JsonPath {
            (self.object_template(o, "Parameters", ql), None)
        } else {
            (None, self.template_field(o, "Arguments", ql))
        };
        let mut branches = Vec::new();
        match o.take("Branches") {
            None => self.err(
                "These fields are required: [Branches]",
                o.span,
                o.pointer.clone(),
            ),
            Some(m) => {
                let p = o.field_pointer("Branches");
                match m.value.as_array() {
                    None => self.type_err("Branches", "an array", &m.value, &p),
                    Some([]) => self.err("Value cannot be empty", m.value.span, p),
                    Some(items) => {
                        for (i, it) in items.iter().enumerate() {
                            let bp = format!("{p}[{i}]");
                            match Obj::new(it, bp.clone()) {
                                None => self.type_err(
                                    "Branches",
                                    "an array of objects with StartAt and States",
                                    it,
                                    &bp,
                                ),
                                Some(mut b) => {
                                    branches.push(self.scope_fields(&mut b));
                                    b.finish(self.diags);
                                }
                            }
                        }
                    }
                }
            }
        }
        let result = self.result_handling(o, ql);
        Parallel {
            branches,
            parameters,
            arguments,
            result,
        }
    }

    fn map(&mut self, o: &mut Obj, ql: QueryLanguage) -> Map {
        let jp = ql == QueryLanguage::JsonPath;
        // ASL-FLD-03: Iterator xor ItemProcessor.
        let proc_key = match (o.has("ItemProcessor"), o.has("Iterator")) {
            (true, true) => {
                self.exclusive(o, "ItemProcessor", "Iterator");
                Some("ItemProcessor")
            }
            (true, false) => Some("ItemProcessor"),
            (false, true) => Some("Iterator"),
            (false, false) => {
                self.err(
                    "These fields are required: [ItemProcessor]",
                    o.span,
                    o.pointer.clone(),
                );
                None
            }
        };
        let processor = match proc_key.and_then(|k| o.take(k).map(|m| (k, m))) {
            Some((k, m)) => {
                let p = o.field_pointer(k);
                match Obj::new(&m.value, p.clone()) {
                    Some(mut po) => {
                        let (mode, execution_type) = self.processor_config(&mut po);
                        let scope = self.scope_fields(&mut po);
                        po.finish(self.diags);
                        Processor {
                            mode,
                            execution_type,
                            scope,
                            deprecated_iterator: k == "Iterator",
                        }
                    }
                    None => {
                        self.type_err(k, "an object with StartAt and States", &m.value, &p);
                        empty_processor(m.value.span, p)
                    }
                }
            }
            None => empty_processor(o.span, o.field_pointer("ItemProcessor")),
        };
        let items_path = if jp {
            self.path_field(o, "ItemsPath", true)
        } else {
            None
        };
        let items = if jp {
            None
        } else {
            self.template_field(o, "Items", ql)
        };
        let item_selector = match (o.has("ItemSelector"), jp && o.has("Parameters")) {
            (true, true) => {
                self.exclusive(o, "ItemSelector", "Parameters");
                self.object_template(o, "ItemSelector", ql)
            }
            (false, true) => self.object_template(o, "Parameters", ql),
            _ => self.object_template(o, "ItemSelector", ql),
        };
        let item_reader = self.item_reader(o, ql);
        let item_batcher = self.item_batcher(o, ql);
        let result_writer = self.result_writer(o, ql);
        let max_concurrency = self.dynamic_int(o, "MaxConcurrency", 0, u32::MAX as u64, ql);
        let tolerated_failure_percentage =
            self.dynamic_f64(o, "ToleratedFailurePercentage", 0.0, 100.0, ql);
        let tolerated_failure_count =
            self.dynamic_int(o, "ToleratedFailureCount", 0, u32::MAX as u64, ql);
        let label = self.string(o, "Label");
        let result = self.result_handling(o, ql);
        Map {
            processor,
            items_path,
            items,
            item_selector,
            item_reader,
            item_batcher,
            result_writer,
            max_concurrency,
            tolerated_failure_percentage,
            tolerated_failure_count,
            label,
            result,
        }
    }

    fn processor_config(&mut self, po: &mut Obj) -> (ProcessorMode, Option<Spanned<MachineType>>) {
        let Some(m) = po.take("ProcessorConfig") else {
            return (ProcessorMode::Inline, None);
        };
        let p = po.field_pointer("ProcessorConfig");
        let Some(mut c) = Obj::new(&m.value, p.clone()) else {
            self.type_err("ProcessorConfig", "an object", &m.value, &p);
            return (ProcessorMode::Inline, None);
        };
        let mode = match self.string(&mut c, "Mode") {
            None => ProcessorMode::Inline,
            Some(s) => {
                match s.value.as_str() {
                    "INLINE" => ProcessorMode::Inline,
                    "DISTRIBUTED" => ProcessorMode::Distributed,
                    _ => {
                        self.err("The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]", s.span, c.field_pointer("Mode"));
                        ProcessorMode::Inline
                    }
                }
            }
        };
        let execution_type = self.string(&mut c, "ExecutionType").and_then(|s| match s.value.as_str() {
            "STANDARD" => Some(Spanned::new(MachineType::Standard, s.span)),
            "EXPRESS" => Some(Spanned::new(MachineType::Express, s.span)),
            _ => {
                self.err(
                    "The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]",
                    s.span,
                    c.field_pointer("ExecutionType"),
                );
                None
            }
        });
        if mode == ProcessorMode::Distributed && execution_type.is_none() && !c.has("ExecutionType")
        {
            self.err("These fields are required: [ExecutionType]", c.span, p);
        }
        c.finish(self.diags);
        (mode, execution_type)
    }

    fn enum_field(&mut self, o: &mut Obj, key: &str, allowed: &[&str]) -> Option<Spanned<String>> {
        let s = self.string(o, key)?;
        if !allowed.contains(&s.value.as_str()) {
            self.err(
                format!(
                    "The field '{key}' should have one of these values: [{}]",
                    allowed.join(", ")
                ),
                s.span,
                o.field_pointer(key),
            );
        }
        Some(s)
    }

    fn item_reader(&mut self, o: &mut Obj, ql: QueryLanguage) -> Option<ItemReader> {
        let m = o.take("ItemReader")?;
        let p = o.field_pointer("ItemReader");
        let Some(mut r) = Obj::new(&m.value, p.clone()) else {
            self.type_err("ItemReader", "an object", &m.value, &p);
            return None;
        };
        let resource = self.string(&mut r, "Resource");
        if resource.is_none() && !r.has("Resource") {
            self.err("These fields are required: [Resource]", r.span, p.clone());
        }
        let (parameters, arguments) = if ql == QueryLanguage::JsonPath {
            (self.object_template(&mut r, "Parameters", ql), None)
        } else {
            (None, self.template_field(&mut r, "Arguments", ql))
        };
        let reader_config = match r.take("ReaderConfig") {
            None => None,
            Some(cm) => {
                let cp = r.field_pointer("ReaderConfig");
                match Obj::new(&cm.value, cp.clone()) {
                    None => {
                        self.type_err("ReaderConfig", "an object", &cm.value, &cp);
                        None
                    }
                    Some(mut c) => {
                        let rc = ReaderConfig {
                            input_type: self.enum_field(
                                &mut c,
                                "InputType",
                                &["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"],
                            ),
                            csv_header_location: self.enum_field(
                                &mut c,
                                "CSVHeaderLocation",
                                &["FIRST_ROW", "GIVEN"],
                            ),
                            csv_headers: c.take("CSVHeaders").and_then(|h| {
                                h.value.as_array().map(|a| {
                                    a.iter()
                                        .filter_map(|x| {
                                            x.as_str().map(|s| Spanned::new(s.to_string(), x.span))
                                        })
                                        .collect()
                                })
                            }),
                            csv_delimiter: self.enum_field(
                                &mut c,
                                "CSVDelimiter",
                                &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"],
                            ),
                            manifest_type: self.enum_field(
                                &mut c,
                                "ManifestType",
                                &["ATHENA_DATA", "S3_INVENTORY", "S3_OBJECTS"],
                            ),
                            transformation: self.enum_field(
                                &mut c,
                                "Transformation",
                                &["NONE", "LOAD_AND_FLATTEN"],
                            ),
                            items_pointer: self.string(&mut c, "ItemsPointer"),
                            max_items: self.dynamic_int(&mut c, "MaxItems", 0, 100_000_000, ql),
                        };
                        c.finish(self.diags);
                        Some(rc)
                    }
                }
            }
        };
        let span = r.span;
        r.finish(self.diags);
        Some(ItemReader {
            resource: resource.unwrap_or_else(|| Spanned::new(String::new(), span)),
            parameters,
            arguments,
            reader_config,
            span,
        })
    }

    fn item_batcher(&mut self, o: &mut Obj, ql: QueryLanguage) -> Option<ItemBatcher> {
        let m = o.take("ItemBatcher")?;
        let p = o.field_pointer("ItemBatcher");
        let Some(mut b) = Obj::new(&m.value, p.clone()) else {
            self.type_err("ItemBatcher", "an object", &m.value, &p);
            return None;
        };
        let ib = ItemBatcher {
            max_items_per_batch: self.dynamic_int(
                &mut b,
                "MaxItemsPerBatch",
                1,
                u32::MAX as u64,
                ql,
            ),
            max_input_bytes_per_batch: self.dynamic_int(
                &mut b,
                "MaxInputBytesPerBatch",
                1,
                262_144,
                ql,
            ),
            batch_input: self.object_template(&mut b, "BatchInput", ql),
            span: b.span,
        };
        b.finish(self.diags);
        Some(ib)
    }

    fn result_writer(&mut self, o: &mut Obj, ql: QueryLanguage) -> Option<ResultWriter> {
        let m = o.take("ResultWriter")?;
        let p = o.field_pointer("ResultWriter");
        let Some(mut w) = Obj::new(&m.value, p.clone()) else {
            self.type_err("ResultWriter", "an object", &m.value, &p);
            return None;
        };
        let resource = self.string(&mut w, "Resource");
        let (parameters, arguments) = if ql == QueryLanguage::JsonPath {
            (self.object_template(&mut w, "Parameters", ql), None)
        } else {
            (None, self.template_field(&mut w, "Arguments", ql))
        };
        let (mut writer_transformation, mut writer_output_type) = (None, None);
        if let Some(cm) = w.take("WriterConfig") {
            let cp = w.field_pointer("WriterConfig");
            match Obj::new(&cm.value, cp.clone()) {
                None => self.type_err("WriterConfig", "an object", &cm.value, &cp),
                Some(mut c) => {
                    writer_transformation =
                        self.enum_field(&mut c, "Transformation", &["NONE", "COMPACT", "FLATTEN"]);
                    writer_output_type = self.enum_field(&mut c, "OutputType", &["JSON", "JSONL"]);
                    c.finish(self.diags);
                }
            }
        }
        let rw = ResultWriter {
            resource,
            parameters,
            arguments,
            writer_transformation,
            writer_output_type,
            span: w.span,
        };
        w.finish(self.diags);
        Some(rw)
    }
}

fn empty_processor(span: Span, pointer: String) -> Processor {
    Processor {
        mode: ProcessorMode::Inline,
        execution_type: None,
        scope: Scope {
            start_at: Spanned::new(String::new(), span),
            states: Vec::new(),
            pointer,
            span,
            comment: None,
        },
        deprecated_iterator: false,
    }
}

fn describe(v: &Value) -> String {
    match &v.kind {
        Kind::String(s) => format!("the string \"{s}\""),
        Kind::Number(n) => format!("the number {n}"),
        Kind::Bool(b) => format!("the boolean {b}"),
        _ => v.type_name().to_string(),
    }
}

/// ASL-VAR-02: a variable name is a Unicode identifier of at most 80 characters, not `states`.
pub fn invalid_variable_name(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Some("it is empty"),
        Some(c) if !(c == '_' || c == '$' || c.is_alphabetic()) => {
            return Some("it must start with a letter or '_'");
        }
        _ => {}
    }
    if name.contains(['.', '[']) {
        return Some("only whole variables can be assigned, not parts of them");
    }
    if !chars.all(|c| c == '_' || c.is_alphanumeric()) {
        return Some("it may contain only letters, digits and '_'");
    }
    if name.chars().count() > 80 {
        return Some("it is longer than 80 characters");
    }
    if name == "states" {
        return Some("'states' is reserved");
    }
    None
}

/// ASL-CH-07: only `\*` and `\\` are escapes; a dangling or other `\` is an error.
fn invalid_string_matches(p: &str) -> Option<String> {
    let mut it = p.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('*') | Some('\\') => {}
                Some(o) => {
                    return Some(format!(
                        "Invalid escape '\\{o}' in 'StringMatches': only '\\*' and '\\\\' are allowed"
                    ));
                }
                None => {
                    return Some("'StringMatches' pattern ends with a dangling '\\'".to_string());
                }
            }
        }
    }
    None
}

/// Classifies a Task `Resource` (ASL-TK-01). Shape errors are reported by the checker.
pub fn classify_resource(r: &str) -> ResourceKind {
    if let Some(rest) = r.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(6, ':').collect();
        // partition, service, region, account, resource...
        if parts.len() >= 5 && parts[1] == "states" && parts[2].is_empty() && parts[3].is_empty() {
            // arn:aws:states:::service:action[.pattern]
            let tail = &rest[rest.find(":::").map_or(0, |i| i + 3)..];
            let (service, action) = match tail.strip_prefix("aws-sdk:") {
                Some(sdk) => match sdk.split_once(':') {
                    Some((svc, act)) => (format!("aws-sdk:{svc}"), act.to_string()),
                    None => (format!("aws-sdk:{sdk}"), String::new()),
                },
                None => match tail.split_once(':') {
                    Some((svc, act)) => (svc.to_string(), act.to_string()),
                    None => (tail.to_string(), String::new()),
                },
            };
            let (action, pattern) = if let Some(a) = action.strip_suffix(".waitForTaskToken") {
                (a.to_string(), IntegrationPattern::WaitForTaskToken)
            } else if let Some(a) = action.strip_suffix(".sync:2") {
                (a.to_string(), IntegrationPattern::Sync2)
            } else if let Some(a) = action.strip_suffix(".sync") {
                (a.to_string(), IntegrationPattern::Sync)
            } else {
                (action, IntegrationPattern::RequestResponse)
            };
            return ResourceKind::Integration {
                service,
                action,
                pattern,
            };
        }
        if parts.len() >= 6 && parts[1] == "states" && parts[4] == "activity" {
            return ResourceKind::Activity;
        }
        if parts.len() >= 6 && parts[1] == "lambda" && parts[4] == "function" {
            return ResourceKind::LambdaFunction;
        }
    }
    ResourceKind::Other
}

/// Parses a whole definition (already read into spanned JSON).
pub fn parse_machine(v: &Value, diags: &mut Diagnostics) -> Option<Machine> {
    let Some(mut o) = Obj::new(v, String::new()) else {
        diags.push(
            Diagnostic::error(
                Code::SchemaValidationFailed,
                "Definition must be a valid JSON object",
                v.span,
            )
            .with_pointer("/"),
        );
        return None;
    };
    let mut p = Parser {
        diags,
        machine_ql: QueryLanguage::JsonPath,
        allow_result: false,
        allow_error_output: false,
    };
    if let Some(q) = p.string(&mut o, "QueryLanguage") {
        match q.value.as_str() {
            "JSONata" => p.machine_ql = QueryLanguage::Jsonata,
            "JSONPath" => {}
            _ => p.err(
                "The field 'QueryLanguage' should have one of these values: [JSONata, JSONPath]",
                q.span,
                "/QueryLanguage",
            ),
        }
    }
    let comment = p.string(&mut o, "Comment").map(|c| c.value);
    let version = p.string(&mut o, "Version");
    if let Some(v) = &version
        && v.value != "1.0"
    {
        p.err(
            "The field 'Version' should have one of these values: [1.0]",
            v.span,
            "/Version",
        );
    }
    let timeout_seconds = p.int(&mut o, "TimeoutSeconds", 1, MAX_SECONDS);
    let scope = p.scope_fields(&mut o);
    o.finish(p.diags);
    Some(Machine {
        comment,
        version,
        timeout_seconds,
        query_language: p.machine_ql,
        scope,
    })
}

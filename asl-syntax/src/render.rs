//! Presenting [`Diagnostics`]: rustc-style text for people ([`render`]) and the JSON answer of
//! AWS's `ValidateStateMachineDefinition` for tools ([`to_json`]).
//!
//! ```text
//! error[MISSING_TRANSITION_TARGET]: Missing 'Next' target: B
//!  --> m.asl.json:3:35
//!   |
//! 3 |     "A": {"Type": "Pass", "Next": "B"}
//!   |                                   ^^^
//!   |
//!   = note: at /States/A/Next
//!
//! error: `m.asl.json` has 1 error
//! ```

use crate::diag::{Diagnostic, Diagnostics, MAX_DIAGNOSTICS, Severity};
use crate::source::Source;
use crate::span::Span;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// Renders every diagnostic the way rustc does, followed by a summary line
/// (``error: `m.asl.json` has 3 errors; 1 warning``). Returns an empty string when there is
/// nothing to report. `color` adds ANSI escapes (callers pass `stderr().is_terminal()`).
///
/// Spans are byte offsets into `src.text`; a diagnostic with a [`Span::DUMMY`] span (one that
/// has no single place, such as a machine-wide limit) is rendered without an excerpt.
pub fn render(src: &Source, diags: &Diagnostics, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags.iter() {
        out.push_str(&render_one(&renderer, src, d));
        out.push_str("\n\n");
    }
    if let Some(summary) = summary(src, diags) {
        let level = if diags.has_errors() {
            Level::ERROR
        } else {
            Level::WARNING
        };
        out.push_str(&renderer.render(&[Group::with_title(level.primary_title(summary))]));
        out.push('\n');
    }
    out
}

/// The `k`-th character of the JSON string literal written at `span` in `text` (escapes
/// decoded as JSON decodes them), as a span of its raw text; `None` when `span` is not a
/// string literal of `text` (a token source) or is shorter.
fn inner_span(text: &str, span: Span, k: usize) -> Option<Span> {
    let (lo, hi) = (span.lo as usize, span.hi as usize);
    let raw = text.get(lo..hi)?;
    let body = raw.strip_prefix('"')?;
    let mut chars = body.char_indices();
    let mut n = 0;
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            return None;
        }
        let len = if c == '\\' {
            match chars.next() {
                Some((_, 'u')) => {
                    for _ in 0..4 {
                        chars.next();
                    }
                    6
                }
                Some((_, e)) => 1 + e.len_utf8(),
                None => return None,
            }
        } else {
            c.len_utf8()
        };
        if n == k {
            let start = lo + 1 + i;
            return Some(Span::new(start as u32, (start + len) as u32));
        }
        n += 1;
    }
    None
}

/// Renders one diagnostic (no trailing newline).
pub fn render_diagnostic(src: &Source, d: &Diagnostic, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    render_one(&renderer, src, d)
}

/// ``"`name` has 2 errors; 1 warning"``, or `None` when there are no diagnostics.
fn summary(src: &Source, diags: &Diagnostics) -> Option<String> {
    if diags.is_empty() {
        return None;
    }
    let errors = diags.errors().count();
    let warnings = diags.len() - errors;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(count(errors, "error"));
    }
    if warnings > 0 {
        parts.push(count(warnings, "warning"));
    }
    let mut s = format!("`{}` has {}", src.name, parts.join("; "));
    if diags.len() >= MAX_DIAGNOSTICS {
        s.push_str(" (output truncated)");
    }
    Some(s)
}

fn render_one(renderer: &Renderer, src: &Source, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();

    let primary = match d.inner {
        Some(k) => inner_span(&src.text, d.span, k).unwrap_or(d.span),
        None => d.span,
    };
    let located: Vec<(Span, Option<&str>, bool)> = std::iter::once((primary, None, true))
        .chain(d.notes.iter().map(|(s, n)| (*s, Some(n.as_str()), false)))
        .filter(|(s, _, _)| !s.is_dummy())
        .collect();
    if d.span.is_dummy() {
        // No place to underline: still say which file, like rustc's `--> file`.
        elements.push(Origin::path(src.name.as_str()).into());
    }
    if !located.is_empty() {
        let text = src.text.as_str();
        let clamp = |o: u32| floor_char_boundary(text, (o as usize).min(text.len()));
        // A span ending in a line break (a raw newline inside a string, say) would be drawn as
        // running on to the next line: underline the end of its own line instead.
        let located: Vec<(Span, Option<&str>, bool)> = located
            .into_iter()
            .map(|(s, l, p)| {
                let (lo, mut hi) = (clamp(s.lo), clamp(s.hi.max(s.lo)));
                while hi > lo && matches!(text.as_bytes()[hi - 1], b'\n' | b'\r') {
                    hi -= 1;
                }
                (Span::new(lo as u32, hi as u32), l, p)
            })
            .collect();
        let lo = located
            .iter()
            .map(|(s, _, _)| clamp(s.lo))
            .min()
            .unwrap_or(0);
        let hi = located
            .iter()
            .map(|(s, _, _)| clamp(s.hi.max(s.lo)))
            .max()
            .unwrap_or(0);
        // Excerpt: whole lines from the first to the last annotated one, so that a large
        // definition is not handed to the renderer once per diagnostic.
        let start = text[..lo].rfind('\n').map_or(0, |i| i + 1);
        let mut end = text[hi..].find('\n').map_or(text.len(), |i| hi + i);
        if end > hi && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        let excerpt = &text[start..end];
        let mut snippet = Snippet::source(excerpt)
            .line_start(src.line_col(start).line)
            .path(src.name.as_str());
        // The primary span first, so `-->` points at it rather than at a note.
        for (span, label, primary) in located {
            let a = clamp(span.lo) - start;
            let b = clamp(span.hi.max(span.lo)) - start;
            let kind = if primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            snippet = snippet.annotation(kind.span(a..b).label(label));
        }
        elements.push(snippet.into());
    }
    for (span, note) in &d.notes {
        if span.is_dummy() {
            elements.push(Level::NOTE.message(note.as_str()).into());
        }
    }
    if let Some(help) = &d.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    if !d.pointer.is_empty() {
        elements.push(Level::NOTE.message(format!("at {}", d.pointer)).into());
    }
    renderer.render(&[title.elements(elements)])
}

/// `str::floor_char_boundary`, which is not stable yet.
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The diagnostics as AWS's `ValidateStateMachineDefinition` answers them:
///
/// ```json
/// {"result": "FAIL",
///  "diagnostics": [{"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET",
///                   "message": "…", "location": "/States/A/Next"}],
///  "truncated": false}
/// ```
///
/// `result` is `FAIL` when there is any error (warnings alone give `OK`); `location` is left
/// out when the diagnostic has no pointer; `truncated` is true when the front end stopped
/// collecting at [`MAX_DIAGNOSTICS`].
pub fn to_json(diags: &Diagnostics) -> serde_json::Value {
    let list: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut o = serde_json::Map::new();
            o.insert("severity".into(), d.severity.as_str().into());
            o.insert("code".into(), d.code.as_str().into());
            o.insert("message".into(), d.message.clone().into());
            if !d.pointer.is_empty() {
                o.insert("location".into(), d.pointer.clone().into());
            }
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::json!({
        "result": if diags.has_errors() { "FAIL" } else { "OK" },
        "diagnostics": list,
        "truncated": diags.len() >= MAX_DIAGNOSTICS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn diags(list: Vec<Diagnostic>) -> Diagnostics {
        let mut d = Diagnostics::default();
        for x in list {
            d.push(x);
        }
        d
    }

    #[test]
    fn renders_excerpt_pointer_help_and_summary() {
        let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}\n}";
        let src = Source::new("m.asl.json", text);
        let lo = text.find("\"B\"").unwrap() as u32;
        let d = Diagnostic::error(
            Code::MissingTransitionTarget,
            "no state named `B`",
            Span::new(lo, lo + 3),
        )
        .with_pointer("/States/A/Next")
        .with_help("add a state named `B`");
        let w = Diagnostic::warning(Code::NoDollar, "looks like a path", Span::DUMMY);
        let out = render(&src, &diags(vec![d, w]), false);
        assert!(
            out.contains("error[MISSING_TRANSITION_TARGET]: no state named `B`"),
            "{out}"
        );
        assert!(out.contains("--> m.asl.json:3:"), "{out}");
        assert!(out.contains("^^^"), "{out}");
        assert!(out.contains("= help: add a state named `B`"), "{out}");
        assert!(out.contains("= note: at /States/A/Next"), "{out}");
        assert!(
            out.contains("warning[NO_DOLLAR]: looks like a path"),
            "{out}"
        );
        assert!(
            out.contains("error: `m.asl.json` has 1 error; 1 warning"),
            "{out}"
        );
        assert!(!out.contains('\x1b'));
        assert!(render(&src, &diags(vec![]), false).is_empty());
    }

    #[test]
    fn json_shape() {
        let d = Diagnostic::warning(Code::NoDollar, "w", Span::DUMMY);
        let v = to_json(&diags(vec![d]));
        assert_eq!(
            v,
            serde_json::json!({"result": "OK", "diagnostics": [{"severity": "WARNING", "code": "NO_DOLLAR", "message": "w"}], "truncated": false})
        );
        let e = Diagnostic::error(Code::MissingEndState, "e", Span::DUMMY).with_pointer("/States");
        assert_eq!(
            to_json(&diags(vec![e]))["diagnostics"][0]["location"],
            "/States"
        );
        assert_eq!(to_json(&diags(vec![]))["result"], "OK");
    }
}

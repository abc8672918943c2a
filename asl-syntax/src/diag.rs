//! Diagnostics: what the front end reports, shaped like AWS's
//! `ValidateStateMachineDefinition` answer (ASL-VAPI-02) plus a span for rustc-style rendering.

use crate::span::Span;
use std::fmt;

/// How serious a diagnostic is (ASL-VAPI-02): errors block the build, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// `ERROR`: the definition is invalid.
    Error,
    /// `WARNING`: legal, but probably not what was meant (ASL-VAL-28).
    Warning,
}

impl Severity {
    /// The name AWS uses (`ERROR`, `WARNING`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        }
    }
}

/// Diagnostic codes. The first group are AWS's own (ASL-VAPI-03/04), so a report can be diffed
/// against what AWS answers; the `Asl*` group are checks AWS does not make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// `INVALID_JSON_DESCRIPTION`: the definition is not well-formed JSON (ASL-VAL-01).
    InvalidJsonDescription,
    /// `MISSING_DESCRIPTION`: the definition is empty.
    MissingDescription,
    /// `SCHEMA_VALIDATION_FAILED`: a field is missing, misplaced, mistyped or out of range.
    SchemaValidationFailed,
    /// `INVALID_RESOURCE`: a Task `Resource` is not a valid resource (ASL-VAL-12).
    InvalidResource,
    /// `MISSING_END_STATE`: a scope has no terminal state (ASL-VAL-06).
    MissingEndState,
    /// `DUPLICATE_STATE_NAME`: two states share a name (ASL-VAL-07).
    DuplicateStateName,
    /// `INVALID_STATE_NAME`: a state name is empty, too long or has control characters (ASL-VAL-08).
    InvalidStateName,
    /// `DUPLICATE_LABEL_NAME`: two Map states share a `Label` (ASL-DMAP-06).
    DuplicateLabelName,
    /// `INVALID_LABEL_NAME`: a Map `Label` is empty, too long or has forbidden characters.
    InvalidLabelName,
    /// `MISSING_TRANSITION_TARGET`: a transition names no state of its scope, or a state is
    /// unreachable (ASL-VAL-03/04/05).
    MissingTransitionTarget,
    /// `TOO_DEEPLY_NESTED`: the JSON nests too deeply (ASL-VAL-26).
    TooDeeplyNested,
    // AWS warnings (ASL-VAL-28)
    /// `NO_DOLLAR` (warning): a payload key without `.$` whose value looks like a path or
    /// intrinsic call (ASL-PT-04).
    NoDollar,
    /// `NO_PATH` (warning): a literal `Error`/`Cause` that looks like a path or intrinsic call.
    NoPath,
    /// `PASS_RESULT_IS_STATIC` (warning): a `.$` key inside a Pass `Result` (ASL-PT-07).
    PassResultIsStatic,
    // Checks of our own.
    /// `And`/`Or` with a single member: legal, but almost certainly a mistake.
    AslSingleOperand,
    /// Two state names that become the same Rust identifier.
    AslIdentCollision,
    /// A comparison that can never be true (e.g. `NumericEquals` on a path whose value is
    /// pinned by an earlier `IsString` in the same `And`).
    AslDeadRule,
    /// A Task state name that cannot become a Rust method name.
    AslBadIdent,
    /// A JSONata call that fails whenever it runs: an unknown function (T1006), a library
    /// function given too few or too many arguments, or a literal of the wrong type (T0410).
    AslJsonataCall,
    /// A workflow variable read in a state that no `Assign` on any path to it sets
    /// (ASL-VAR-09: the read fails at run time).
    AslUnassignedVariable,
}

impl Code {
    /// The code as AWS writes it (`MISSING_TRANSITION_TARGET`), or `ASL_…` for our own.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidJsonDescription => "INVALID_JSON_DESCRIPTION",
            Code::MissingDescription => "MISSING_DESCRIPTION",
            Code::SchemaValidationFailed => "SCHEMA_VALIDATION_FAILED",
            Code::InvalidResource => "INVALID_RESOURCE",
            Code::MissingEndState => "MISSING_END_STATE",
            Code::DuplicateStateName => "DUPLICATE_STATE_NAME",
            Code::InvalidStateName => "INVALID_STATE_NAME",
            Code::DuplicateLabelName => "DUPLICATE_LABEL_NAME",
            Code::InvalidLabelName => "INVALID_LABEL_NAME",
            Code::MissingTransitionTarget => "MISSING_TRANSITION_TARGET",
            Code::TooDeeplyNested => "TOO_DEEPLY_NESTED",
            Code::NoDollar => "NO_DOLLAR",
            Code::NoPath => "NO_PATH",
            Code::PassResultIsStatic => "PASS_RESULT_IS_STATIC",
            Code::AslSingleOperand => "ASL_SINGLE_OPERAND",
            Code::AslIdentCollision => "ASL_IDENT_COLLISION",
            Code::AslDeadRule => "ASL_DEAD_RULE",
            Code::AslBadIdent => "ASL_BAD_IDENT",
            Code::AslJsonataCall => "ASL_JSONATA_CALL",
            Code::AslUnassignedVariable => "ASL_UNASSIGNED_VARIABLE",
        }
    }

    /// Whether AWS itself reports this code.
    pub fn is_aws(self) -> bool {
        !self.as_str().starts_with("ASL_")
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub code: Code,
    /// Lower-case, terse, no trailing period (rustc style).
    pub message: String,
    /// Where to underline. [`Span::DUMMY`] when the problem has no single place.
    pub span: Span,
    /// JSON-pointer-like location as AWS writes it (`/States/A/Next`, `/States/C/Choices[0]`),
    /// empty when there is none.
    pub pointer: String,
    /// Secondary locations ("first defined here").
    pub notes: Vec<(Span, String)>,
    /// A suggestion shown as `help:`.
    pub help: Option<String>,
    /// When [`span`](Self::span) is a JSON string: the position (in characters of the string's
    /// value) of the problem inside it, e.g. a token of a JSONata expression. The report
    /// underlines that character where the source text is at hand.
    pub inner: Option<usize>,
}

impl Diagnostic {
    /// An error, with no pointer, notes or help yet.
    pub fn error(code: Code, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            pointer: String::new(),
            notes: Vec::new(),
            help: None,
            inner: None,
        }
    }

    /// A warning, with no pointer, notes or help yet.
    pub fn warning(code: Code, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// Sets the JSON pointer.
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    /// Adds a secondary location.
    pub fn with_note(mut self, span: Span, note: impl Into<String>) -> Self {
        self.notes.push((span, note.into()));
        self
    }

    /// Points inside the string at [`span`](Self::span): its `char_index`-th character.
    pub fn with_inner(mut self, char_index: usize) -> Self {
        self.inner = Some(char_index);
        self
    }

    /// Sets the `help:` text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `CODE: message at /pointer`, the form AWS uses in `InvalidDefinition` messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        Ok(())
    }
}

/// An accumulator: every pass pushes here and keeps going (serde_derive's `Ctxt`).
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

/// Diagnostics past this many are dropped (with a final note), so a pathological 1 MB input
/// cannot produce a report larger than itself.
pub const MAX_DIAGNOSTICS: usize = 500;

impl Diagnostics {
    /// Adds one diagnostic, unless [`MAX_DIAGNOSTICS`] are already held.
    pub fn push(&mut self, d: Diagnostic) {
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(d);
        }
    }

    /// Adds all of `other`'s diagnostics, up to [`MAX_DIAGNOSTICS`].
    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.list {
            self.push(d);
        }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    /// Whether there are no diagnostics.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many diagnostics are held.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The diagnostics, in their current order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.list.iter()
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter().filter(|d| d.is_error())
    }

    /// The diagnostics as a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }

    /// Orders diagnostics by position (then code), keeping the order of equal ones, so output is
    /// stable and reads top to bottom.
    pub fn sort(&mut self) {
        self.list
            .sort_by_key(|d| (d.span.is_dummy(), d.span.lo, d.code));
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

/// Escapes a JSON-pointer segment. AWS writes state names raw (`/States/My State/Next`), so only
/// `/` and `~` are escaped, as RFC 6901 requires.
pub fn escape_pointer(seg: &str) -> String {
    if seg.contains(['/', '~']) {
        seg.replace('~', "~0").replace('/', "~1")
    } else {
        seg.to_string()
    }
}

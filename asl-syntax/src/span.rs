//! Source positions.

/// A half-open range in a [`Source`](crate::source::Source).
///
/// For text sources (`file "…"`, a string literal, a `.asl.json` file) `lo..hi` are byte
/// offsets. For token sources (`asl! { … }` written as Rust tokens) `lo` is the index of the
/// token in the token table kept by the reader and `hi == lo + 1`; the proc macro maps it back
/// to that token's `proc_macro2::Span`, so an error underlines exactly the token at fault.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The start: a byte offset, or a token index.
    pub lo: u32,
    /// The end (exclusive).
    pub hi: u32,
}

impl Span {
    /// The span `lo..hi`.
    pub const fn new(lo: u32, hi: u32) -> Self {
        Span { lo, hi }
    }

    /// A span that covers nothing, used for diagnostics that have no location (e.g.
    /// `MISSING_END_STATE`).
    pub const DUMMY: Span = Span { lo: 0, hi: 0 };

    /// Whether this is [`Span::DUMMY`].
    pub fn is_dummy(self) -> bool {
        self == Span::DUMMY
    }
}

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// `value` written at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

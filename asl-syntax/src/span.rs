//! Source positions.

/// A half-open range in a [`Source`](crate::source::Source).
///
/// For text sources (`file "…"`, a string literal, a `.asl.json` file) `lo..hi` are byte
/// offsets. For token sources (`asl! { … }` written as Rust tokens) `lo` is the index of the
/// token in the token table kept by the reader and `hi == lo + 1`; the proc macro maps it back
/// to that token's `proc_macro2::Span`, so an error underlines exactly the token at fault.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub const fn new(lo: u32, hi: u32) -> Self {
        Span { lo, hi }
    }

    /// A span that covers nothing, used for diagnostics that have no location (e.g.
    /// `MISSING_END_STATE`).
    pub const DUMMY: Span = Span { lo: 0, hi: 0 };

    pub fn is_dummy(self) -> bool {
        self == Span::DUMMY
    }
}

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
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

//! A definition's text and the line table that turns byte offsets into `line:col`.

use crate::span::Span;

/// A text source: a `.asl.json` file, a string literal, or a CLI argument.
#[derive(Clone, Debug)]
pub struct Source {
    /// Shown in `--> name:line:col`.
    pub name: String,
    /// The definition text.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (column in characters, as rustc counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub col: usize,
}

impl Source {
    /// A source named `name` (indexes its lines).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        LineCol {
            line: line + 1,
            col: col + 1,
        }
    }

    /// The text of a 1-based line, without its newline.
    pub fn line(&self, line: usize) -> &str {
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e.saturating_sub(1));
        self.text
            .get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// The text a span covers (empty when the span is not in the text).
    pub fn snippet(&self, span: Span) -> &str {
        self.text
            .get(span.lo as usize..span.hi as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let s = Source::new("x", "{\n  \"é\": 1\n}");
        assert_eq!(s.line_col(0), LineCol { line: 1, col: 1 });
        let one = s.text.find('1').unwrap();
        assert_eq!(s.line_col(one), LineCol { line: 2, col: 8 });
        assert_eq!(s.line(2), "  \"é\": 1");
    }
}

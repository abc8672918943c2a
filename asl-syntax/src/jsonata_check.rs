//! The front end's view of JSONata strings: is a string an expression (ASL-JA-02), does it
//! parse, and does it keep to what ASL allows (ASL-VAL-23, ASL-JA-05).

use crate::jsonata;

/// How a string in a JSONata-capable field reads.
pub enum Split<'a> {
    /// `{% … %}`: the text between the delimiters.
    Expression(&'a str),
    /// A plain string (whitespace around the delimiters makes a literal, ASL-SUB-46).
    Literal,
    /// Starts with `{%` but does not end with `%}` (or the reverse).
    Malformed(String),
}

/// Classifies a string of a JSONata-capable field ([`jsonata::split_template`]).
pub fn split(s: &str) -> Split<'_> {
    match jsonata::split_template(s) {
        jsonata::Template::Expression(e) => Split::Expression(e),
        jsonata::Template::Literal => Split::Literal,
        jsonata::Template::Malformed(why) => Split::Malformed(why.to_string()),
    }
}

/// Parses an expression and applies ASL's restrictions on what it may read.
pub fn check(expr: &str) -> Result<jsonata::Expr, String> {
    let e = jsonata::parse(expr).map_err(|e| format!("{} ({})", e.message, e.code))?;
    let refs = jsonata::references(&e);
    // ASL-JA-05 / ASL-SUB-48: there is no implicit input document.
    if refs.root {
        return Err("'$$' is not available in ASL: use $states.input or $states.context".into());
    }
    if refs.top_context {
        return Err("'$' at the top level has no value in ASL: use $states.input".into());
    }
    if let Some(n) = refs.top_names.iter().next() {
        return Err(format!(
            "the field name '{n}' reads an implicit input that ASL does not provide: write $states.input.{n}"
        ));
    }
    Ok(e)
}

//! The one regular-expression engine of asl: JSONPath `=~` filters (Jayway, Java's
//! `java.util.regex`) and, with the JSONata evaluator, JSONata's `/re/flags` (JavaScript's
//! `RegExp`), on `fancy-regex` (backtracking, so look-around and back-references work as in
//! Java and JavaScript). Patterns written in a definition are compiled when it is checked, so
//! a pattern the engine cannot run is a diagnostic at build time, not a silent mismatch.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use fancy_regex::Regex;

/// Flags a JSONPath regex may carry (Jayway's `PatternFlag`): `i` case-insensitive, `m`
/// multi-line, `s` dot-all, `x` comments; `u` (Unicode case) and `d` (Unix lines) change
/// nothing here (matching is Unicode-aware and lines end at `\n`).
pub const JSONPATH_FLAGS: &str = "imsxud";

/// How much backtracking one match may do before it gives up (and does not match).
const BACKTRACK_LIMIT: usize = 1_000_000;

/// Compiles `pattern` for a whole-input match (Java's `Matcher.matches()`) with `flags`.
pub fn compile_full(pattern: &str, flags: &str) -> Result<Regex, String> {
    let mut inline = String::new();
    for f in flags.chars() {
        match f {
            'i' | 'm' | 's' | 'x' => {
                if !inline.contains(f) {
                    inline.push(f);
                }
            }
            'u' | 'd' => {}
            other => return Err(format!("unknown regex flag '{other}'")),
        }
    }
    // The pattern alone first, so that an error's position is one in the user's text.
    if let Err(e) = fancy_regex::Regex::new(pattern) {
        return Err(format!("invalid regular expression /{pattern}/: {e}"));
    }
    let prefix = if inline.is_empty() {
        String::new()
    } else {
        format!("(?{inline})")
    };
    fancy_regex::RegexBuilder::new(&format!("{prefix}\\A(?:{pattern})\\z"))
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| format!("invalid regular expression /{pattern}/: {e}"))
}

/// Compiles a JSONata regular expression `/pattern/flags` (JavaScript's `RegExp`; the flags
/// are `i` and `m`, and matching searches, as with JavaScript's implied `g`), once per pattern
/// and flags: later calls share the compiled expression.
pub fn compile_js(pattern: &str, flags: &str) -> Result<Arc<Regex>, String> {
    type Cache = Mutex<HashMap<(String, String), Arc<Regex>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (pattern.to_owned(), flags.to_owned());
    if let Some(re) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(re.clone());
    }
    let mut inline = String::new();
    for f in flags.chars() {
        match f {
            'i' | 'm' => {
                if !inline.contains(f) {
                    inline.push(f);
                }
            }
            'g' => {}
            other => return Err(format!("unknown regex flag '{other}'")),
        }
    }
    let text = if inline.is_empty() {
        pattern.to_owned()
    } else {
        format!("(?{inline}){pattern}")
    };
    let re = fancy_regex::RegexBuilder::new(&text)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| format!("invalid regular expression /{pattern}/: {e}"))?;
    let re = Arc::new(re);
    let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
    if c.len() >= 1024 {
        c.clear();
    }
    c.insert(key, re.clone());
    Ok(re)
}

/// Whether `text` matches `pattern` as a whole (compiled once per pattern and flags, then
/// cached); `false` for a pattern that does not compile or a match over the backtracking limit.
pub fn full_match(pattern: &str, flags: &str, text: &str) -> bool {
    type Cache = Mutex<HashMap<(String, String), Option<Arc<Regex>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (pattern.to_owned(), flags.to_owned());
    let re = {
        let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(re) = c.get(&key) {
            re.clone()
        } else {
            if c.len() >= 1024 {
                c.clear();
            }
            let re = compile_full(pattern, flags).ok().map(Arc::new);
            c.insert(key, re.clone());
            re
        }
    };
    re.is_some_and(|re| re.is_match(text).unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_input_java_style_matching() {
        assert!(full_match("a(b|c)+d", "", "abcbd"));
        assert!(
            !full_match("a(b|c)+d", "", "xabcbd"),
            "whole input, as Matcher.matches()"
        );
        assert!(full_match("[0-9]{3}-[0-9]{4}", "", "555-1234"));
        assert!(full_match("FOO.*", "i", "foobar"));
        assert!(!full_match("FOO.*", "", "foobar"));
        assert!(full_match("(?=.*x).*", "", "abx"), "look-ahead");
        assert!(full_match("(a)\\1", "", "aa"), "back-reference");
        assert!(full_match("a.b", "s", "a\nb"));
        assert!(!full_match("a.b", "", "a\nb"));
        assert!(
            !full_match("(", "", "("),
            "an invalid pattern matches nothing"
        );
        assert!(compile_full("(", "").is_err());
        assert!(compile_full("a", "q").is_err());
    }

    #[test]
    fn catastrophic_patterns_give_up_instead_of_hanging() {
        let text = format!("{}!", "a".repeat(64));
        assert!(!full_match("(a+)+\\1b", "", &text));
    }
}

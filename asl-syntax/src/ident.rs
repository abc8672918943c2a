//! State names → Rust identifiers, the way prost-build names things: heck case conversion,
//! raw identifiers for keywords, a prefix when the name does not start with a letter.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Keeps only characters allowed in identifiers, turning the rest into word breaks.
fn clean(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect()
}

fn finish(mut s: String, prefix: &str) -> String {
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("{prefix}{s}");
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if KEYWORDS.contains(&s.as_str()) {
        s = format!("r#{s}");
    }
    s
}

/// The enum variant (and type) name for a state: `"Check inventory"` → `CheckInventory`.
pub fn variant_name(state: &str) -> String {
    let s = clean(state).to_upper_camel_case();
    finish(s, "S")
}

/// The handler method name for a Task state: `"Validate Payment"` → `validate_payment`.
pub fn method_name(state: &str) -> String {
    let s = clean(state).to_snake_case();
    finish(s, "task_")
}

/// The module name for a machine: `OrderFlow` → `order_flow`.
pub fn module_name(machine: &str) -> String {
    finish(clean(machine).to_snake_case(), "m_")
}

/// Pairs of Task states (first, second) whose names become the same handler method.
pub fn method_collisions(
    m: &crate::ast::Machine,
) -> Vec<(&crate::ast::State, &crate::ast::State, String)> {
    let mut seen: Vec<(String, &crate::ast::State)> = Vec::new();
    let mut out = Vec::new();
    for s in m.all_states() {
        if !matches!(s.kind, crate::ast::StateKind::Task(_)) {
            continue;
        }
        let method = method_name(&s.name.value);
        match seen.iter().find(|(n, _)| *n == method) {
            Some((_, first)) if first.name.value != s.name.value => out.push((*first, s, method)),
            Some(_) => {}
            None => seen.push((method, s)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(variant_name("Check inventory"), "CheckInventory");
        assert_eq!(method_name("Validate Payment"), "validate_payment");
        assert_eq!(method_name("type"), "r#type");
        assert_eq!(method_name("self"), "self_");
        assert_eq!(variant_name("1st step"), "S1stStep");
        assert_eq!(method_name("!!!"), "task_");
        assert_eq!(variant_name("Hello-World"), variant_name("Hello World"));
    }
}

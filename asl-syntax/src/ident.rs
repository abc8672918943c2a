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

/// The handler method of each Task state, in the order of [`crate::ast::Machine::all_states`].
///
/// A state's method is the name `chosen` gives it (`(state name, method)` pairs: `asl!`'s
/// `#[asl(methods("State" = name))]`, `Builder::method`), else [`method_name`] of its name.
/// When that name is taken by an earlier Task state, the state gets the first free
/// `name_2`, `name_3`, … (as the state enum numbers its variants), and the pair is listed in
/// [`MethodNames::collisions`] so that the front end can warn about it.
pub fn method_names<'m>(
    m: &'m crate::ast::Machine,
    chosen: &[(String, String)],
) -> MethodNames<'m> {
    let mut names = MethodNames::default();
    for s in m.all_states() {
        if !matches!(s.kind, crate::ast::StateKind::Task(_)) {
            continue;
        }
        let base = chosen
            .iter()
            .find(|(state, _)| *state == s.name.value)
            .map_or_else(|| method_name(&s.name.value), |(_, method)| method.clone());
        let taken = |n: &str, names: &MethodNames<'_>| names.methods.iter().any(|(_, m)| m == n);
        let mut method = base.clone();
        if let Some((first, _)) = names.methods.iter().find(|(_, m)| *m == base) {
            let first = *first;
            let mut k = 2;
            while taken(&format!("{base}_{k}"), &names) {
                k += 1;
            }
            method = format!("{base}_{k}");
            names.collisions.push(Collision {
                first,
                second: s,
                base,
                method: method.clone(),
            });
        }
        names.methods.push((s, method));
    }
    names
}

/// What [`method_names`] decided.
#[derive(Debug, Default)]
pub struct MethodNames<'m> {
    /// Each Task state and its method, in order.
    pub methods: Vec<(&'m crate::ast::State, String)>,
    /// Task states whose method name was taken by an earlier one.
    pub collisions: Vec<Collision<'m>>,
}

impl MethodNames<'_> {
    /// The method of the Task state named `state`.
    pub fn of(&self, state: &str) -> Option<&str> {
        self.methods
            .iter()
            .find(|(s, _)| s.name.value == state)
            .map(|(_, m)| m.as_str())
    }
}

/// Two Task states that wanted one handler method name.
#[derive(Debug)]
pub struct Collision<'m> {
    /// The state that has the name.
    pub first: &'m crate::ast::State,
    /// The state that was given another name.
    pub second: &'m crate::ast::State,
    /// The name both wanted.
    pub base: String,
    /// The name the second got.
    pub method: String,
}

/// Whether `name` can be a handler method's name: a Rust identifier (raw identifiers
/// included), not `self`/`Self`/`super`/`crate`.
pub fn is_method_ident(name: &str) -> bool {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    let mut chars = bare.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && bare != "_"
        && !matches!(bare, "self" | "Self" | "super" | "crate")
        && (name.starts_with("r#") || !KEYWORDS.contains(&bare))
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

//! The JSONata library as AWS offers it (ASL-JA-13, -14): jsonata-js 2.0.6's functions
//! without `$eval`, plus `$partition`, `$range`, `$hash`, `$uuid` and `$parse`, each with its
//! signature. The runtime implements exactly these; the front end checks calls against them.

use super::signature::Signature;

/// Every library function: its name (without `$`) and its jsonata-js signature.
pub const BUILTINS: &[(&str, &str)] = &[
    ("sum", "<a<n>:n>"),
    ("count", "<a:n>"),
    ("max", "<a<n>:n>"),
    ("min", "<a<n>:n>"),
    ("average", "<a<n>:n>"),
    ("number", "<(nsb)-:n>"),
    ("floor", "<n-:n>"),
    ("ceil", "<n-:n>"),
    ("round", "<n-n?:n>"),
    ("abs", "<n-:n>"),
    ("sqrt", "<n-:n>"),
    ("power", "<n-n:n>"),
    ("random", "<n?:n>"),
    ("string", "<x-b?:s>"),
    ("substring", "<s-nn?:s>"),
    ("substringBefore", "<s-s:s>"),
    ("substringAfter", "<s-s:s>"),
    ("lowercase", "<s-:s>"),
    ("uppercase", "<s-:s>"),
    ("length", "<s-:n>"),
    ("trim", "<s-:s>"),
    ("pad", "<s-ns?:s>"),
    ("match", "<s-f<s:o>n?:a<o>>"),
    ("contains", "<s-(sf):b>"),
    ("replace", "<s-(sf)(sf)n?:s>"),
    ("split", "<s-(sf)n?:a<s>>"),
    ("join", "<a<s>s?:s>"),
    ("formatNumber", "<n-so?:s>"),
    ("formatBase", "<n-n?:s>"),
    ("formatInteger", "<n-s:s>"),
    ("parseInteger", "<s-s:n>"),
    ("base64encode", "<s-:s>"),
    ("base64decode", "<s-:s>"),
    ("encodeUrlComponent", "<s-:s>"),
    ("encodeUrl", "<s-:s>"),
    ("decodeUrlComponent", "<s-:s>"),
    ("decodeUrl", "<s-:s>"),
    ("now", "<s?s?:s>"),
    ("millis", "<:n>"),
    ("toMillis", "<s-s?:n>"),
    ("fromMillis", "<n-s?s?:s>"),
    ("boolean", "<x-:b>"),
    ("not", "<x-:b>"),
    ("exists", "<x:b>"),
    ("append", "<xx:a>"),
    ("reverse", "<a:a>"),
    ("sort", "<af?:a>"),
    ("shuffle", "<a:a>"),
    ("distinct", "<x:x>"),
    ("zip", "<a+>"),
    ("keys", "<x-:a<s>>"),
    ("lookup", "<x-s:x>"),
    ("spread", "<x-:a<o>>"),
    ("merge", "<a<o>:o>"),
    ("each", "<o-f:a>"),
    ("sift", "<o-f?:o>"),
    ("error", "<s?:x>"),
    ("assert", "<bs?:x>"),
    ("type", "<x:s>"),
    ("map", "<af>"),
    ("filter", "<af>"),
    ("single", "<af?>"),
    ("reduce", "<afj?:j>"),
    ("partition", "<xn?:a>"),
    ("range", "<nnn?:a>"),
    ("hash", "<ss?:s>"),
    ("uuid", "<:s>"),
    ("parse", "<s-:j>"),
];

/// The signature of the library function `name` (without `$`).
pub fn signature(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// The parsed signature of the library function `name`.
pub fn parsed(name: &str) -> Option<Signature> {
    signature(name).and_then(|s| Signature::parse(s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signature_parses() {
        for (name, sig) in BUILTINS {
            assert!(Signature::parse(sig).is_ok(), "{name}: {sig}");
        }
        assert!(signature("eval").is_none(), "AWS removed $eval (ASL-JA-13)");
        assert_eq!(parsed("substring").unwrap().arity(), (1, Some(3)));
        assert_eq!(parsed("zip").unwrap().arity(), (1, None));
    }
}

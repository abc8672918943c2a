//! jsonata-js's function signatures (`signature.js`): `<s-nn?:s>` and the like, parsed into
//! parameters and the regular expression over argument type symbols that checks a call. The
//! runtime validates arguments with it; the front end checks calls of the library whose
//! arguments it knows at build time.

/// One parameter of a signature.
#[derive(Clone, Debug)]
pub struct Param {
    /// The regex of the parameter's symbols (`[sm]`, `[asnblfom]`, …) and its quantifier.
    pub regex: String,
    /// The type letter, or `(…)` for a choice.
    pub kind: String,
    /// `-`: the context item stands in when the argument is missing.
    pub context: bool,
    /// The symbols the context item may have.
    pub context_class: String,
    /// `a<n>`: the item type of an array parameter.
    pub subtype: Option<String>,
}

/// A parsed function signature.
#[derive(Debug)]
pub struct Signature {
    /// The parameters, in order.
    pub params: Vec<Param>,
    /// The regex a call's argument symbols must match (one group per parameter).
    pub regex: fancy_regex::Regex,
}

/// The symbol `signature.js` gives a JSON value's type (`getSymbol`): `s`, `n`, `b`, `l`
/// (null), `a`, `o`; `f` is a function and `m` a missing value.
pub fn json_symbol(v: &serde_json::Value) -> char {
    match v {
        serde_json::Value::Null => 'l',
        serde_json::Value::Bool(_) => 'b',
        serde_json::Value::Number(_) => 'n',
        serde_json::Value::String(_) => 's',
        serde_json::Value::Array(_) => 'a',
        serde_json::Value::Object(_) => 'o',
    }
}

impl Signature {
    /// Parses `<…>`; `Err((code, message))` with `S0401`/`S0402` for what jsonata-js refuses.
    pub fn parse(sig: &str) -> Result<Signature, (&'static str, String)> {
        let chars: Vec<char> = sig.chars().collect();
        let mut params: Vec<Param> = Vec::new();
        let mut pos = 1;
        let new = |regex: String, kind: String| Param {
            regex,
            kind,
            context: false,
            context_class: String::new(),
            subtype: None,
        };
        let closing = |start: usize, open: char, close: char| {
            let mut depth = 1;
            let mut p = start;
            while p + 1 < chars.len() {
                p += 1;
                if chars[p] == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                } else if chars[p] == open {
                    depth += 1;
                }
            }
            p
        };
        while pos < chars.len() {
            let c = chars[pos];
            if c == ':' {
                break;
            }
            match c {
                's' | 'n' | 'b' | 'l' | 'o' => params.push(new(format!("[{c}m]"), c.to_string())),
                'a' => params.push(new("[asnblfom]".into(), "a".into())),
                'f' => params.push(new("f".into(), "f".into())),
                'j' => params.push(new("[asnblom]".into(), "j".into())),
                'x' => params.push(new("[asnblfom]".into(), "x".into())),
                '-' => {
                    if let Some(p) = params.last_mut() {
                        p.context = true;
                        p.context_class = p.regex.clone();
                        p.regex.push('?');
                    }
                }
                '?' | '+' => {
                    if let Some(p) = params.last_mut() {
                        p.regex.push(c);
                    }
                }
                '(' => {
                    let end = closing(pos, '(', ')');
                    let choice: String = chars[pos + 1..end.min(chars.len())].iter().collect();
                    if choice.contains('<') {
                        return Err((
                            "S0402",
                            "Choice groups containing parameterized types are not supported".into(),
                        ));
                    }
                    params.push(new(format!("[{choice}m]"), format!("({choice})")));
                    pos = end;
                }
                '<' => {
                    let is_param = params
                        .last()
                        .is_some_and(|p| p.kind == "a" || p.kind == "f");
                    if !is_param {
                        return Err((
                            "S0401",
                            "Type parameters can only be applied to functions and arrays".into(),
                        ));
                    }
                    let end = closing(pos, '<', '>');
                    let sub: String = chars[pos + 1..end.min(chars.len())].iter().collect();
                    if let Some(p) = params.last_mut() {
                        p.subtype = Some(sub);
                    }
                    pos = end;
                }
                _ => {}
            }
            pos += 1;
        }
        let pattern = format!(
            "^{}$",
            params
                .iter()
                .map(|p| format!("({})", p.regex))
                .collect::<String>()
        );
        let regex = fancy_regex::Regex::new(&pattern)
            .map_err(|e| ("S0401", format!("invalid signature {sig}: {e}")))?;
        Ok(Signature { params, regex })
    }

    /// Whether arguments with these symbols (one per argument, as [`json_symbol`] gives
    /// them) satisfy the signature.
    pub fn accepts(&self, symbols: &str) -> bool {
        matches!(self.regex.is_match(symbols), Ok(true))
    }

    /// The fewest and most arguments a call may pass (`None`: no most); a parameter that the
    /// context item can fill counts as optional.
    pub fn arity(&self) -> (usize, Option<usize>) {
        let mut min = 0;
        let mut max = Some(0usize);
        for p in &self.params {
            let optional = p.context || p.regex.ends_with('?');
            if !optional {
                min += 1;
            }
            max = match max {
                Some(m) if !p.regex.ends_with('+') => Some(m + 1),
                _ => None,
            };
        }
        (min, max)
    }
}

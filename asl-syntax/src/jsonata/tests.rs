use super::*;

fn n(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A compact S-expression of the tree.
fn sx(e: &Expr) -> String {
    let all = |l: &Exprs| l.iter().map(sx).collect::<Vec<_>>().join(" ");
    let pairs = |p: &[Pair]| {
        p.iter()
            .map(|p| format!("({} {})", sx(&p.key), sx(&p.value)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match &e.kind {
        ExprKind::String(s) => format!("{s:?}"),
        ExprKind::Number(x) => n(*x),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Null => "null".into(),
        ExprKind::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
        ExprKind::Variable(v) => format!("${v}"),
        ExprKind::Name(s) => s.to_string(),
        ExprKind::Wildcard => "*".into(),
        ExprKind::Descendant => "**".into(),
        ExprKind::Parent { .. } => "%".into(),
        ExprKind::Placeholder => "?".into(),
        ExprKind::Path {
            steps,
            keep_singleton_array,
            ..
        } => {
            let steps = steps.iter().map(step).collect::<Vec<_>>().join(" ");
            format!(
                "(path{} {steps})",
                if *keep_singleton_array { "[]" } else { "" }
            )
        }
        ExprKind::Predicate {
            expr,
            filters,
            keep_array,
        } => format!(
            "(pred{} {}{})",
            if *keep_array { "[]" } else { "" },
            all(expr),
            filters
                .iter()
                .map(|f| format!(" [{}]", sx(f)))
                .collect::<String>()
        ),
        ExprKind::Group { expr, pairs: p } => format!("(group {} {})", all(expr), pairs(p)),
        ExprKind::Sort { terms } => format!(
            "(sort {})",
            terms
                .iter()
                .map(|t| format!("{}{}", if t.descending { ">" } else { "<" }, sx(&t.expr)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.as_str(), all(lhs), all(rhs)),
        ExprKind::Negate(x) => format!("(neg {})", all(x)),
        ExprKind::Array { items, cons_array } => format!(
            "({} {})",
            if *cons_array { "cons" } else { "array" },
            all(items)
        ),
        ExprKind::Object(p) => format!("(object {})", pairs(p)),
        ExprKind::Block { exprs, .. } => format!("(block {})", all(exprs)),
        ExprKind::Bind { name, value } => format!("(:= ${name} {})", all(value)),
        ExprKind::Condition {
            cond,
            then,
            otherwise,
        } => {
            format!(
                "(? {} {}{})",
                all(cond),
                all(then),
                otherwise
                    .iter()
                    .map(|e| format!(" {}", sx(e)))
                    .collect::<String>()
            )
        }
        ExprKind::Default { op, lhs, rhs } => {
            format!(
                "({} {} {})",
                if *op == DefaultOp::Elvis { "?:" } else { "??" },
                all(lhs),
                all(rhs)
            )
        }
        ExprKind::Apply { lhs, rhs } => format!("(~> {} {})", all(lhs), all(rhs)),
        ExprKind::Call {
            procedure,
            args,
            partial,
        } => {
            format!(
                "({} {}{})",
                if *partial { "partial" } else { "call" },
                all(procedure),
                args.iter()
                    .map(|a| format!(" {}", sx(a)))
                    .collect::<String>()
            )
        }
        ExprKind::Lambda {
            params,
            signature,
            body,
        } => format!(
            "(lambda ({}){} {})",
            params
                .iter()
                .map(|p| format!("${p}"))
                .collect::<Vec<_>>()
                .join(" "),
            signature
                .as_ref()
                .map(|s| format!(" {s}"))
                .unwrap_or_default(),
            all(body)
        ),
        ExprKind::Transform {
            pattern,
            update,
            delete,
        } => {
            format!(
                "(transform {} {}{})",
                all(pattern),
                all(update),
                delete
                    .iter()
                    .map(|e| format!(" {}", sx(e)))
                    .collect::<String>()
            )
        }
    }
}

fn step(s: &Step) -> String {
    let base = sx(&s.expr);
    if s.stages.is_empty() && s.focus.is_none() && s.index.is_none() && !s.keep_array {
        return base;
    }
    let mut out = format!("({base}");
    if let Some(f) = &s.focus {
        out += &format!(" @${f}");
    }
    if let Some(i) = &s.index {
        out += &format!(" #${i}");
    }
    for st in s.stages.iter() {
        match st {
            Stage::Filter(f) => out += &format!(" [{}]", sx(f)),
            Stage::Index { name, .. } => out += &format!(" #${name}"),
        }
    }
    if s.keep_array {
        out += " []";
    }
    out + ")"
}

#[track_caller]
fn ok(src: &str, expected: &str) {
    match parse(src) {
        Ok(e) => assert_eq!(sx(&e), expected, "for {src:?}"),
        Err(e) => panic!("{src:?} failed: {e}"),
    }
}

#[track_caller]
fn err(src: &str, code: &str, offset: usize) {
    match parse(src) {
        Ok(e) => panic!("{src:?} parsed as {}", sx(&e)),
        Err(e) => assert_eq!((e.code, e.offset), (code, offset), "for {src:?}: {e}"),
    }
}

#[test]
fn literals() {
    ok("1", "1");
    ok("1.5e3", "1500");
    ok("-1", "-1");
    ok("- 2.5", "-2.5");
    ok("\"a\\\"b\\u0041\\n\"", "\"a\\\"bA\\n\"");
}

#[test]
fn strings_names_variables() {
    ok("\"it's\"", "\"it's\"");
    err("'it\\'s'", "S0103", 4); // JSONata has no \' escape
    ok("\"\\ud83d\\ude00\"", "\"😀\"");
    ok("\"\\ud83d\"", "\"\u{FFFD}\"");
    ok("a", "(path a)");
    ok("`a b`.c", "(path a b c)");
    ok("a.\"b c\"", "(path a b c)");
    ok("$", "$");
    ok("$$", "$$");
    ok("$x", "$x");
    ok("$$.a", "(path $$ a)");
    ok("true and false or null", "(or (and true false) null)");
    ok("and.or.in", "(path and or in)");
    ok("a /* comment */ + 1", "(+ (path a) 1)");
    ok("λ($x){$x}", "(lambda ($x) $x)");
}

#[test]
fn arithmetic_precedence() {
    ok("1 + 2 * 3", "(+ 1 (* 2 3))");
    ok("(1 + 2) * 3", "(* (block (+ 1 2)) 3)");
    ok("1 - 2 - 3", "(- (- 1 2) 3)");
    ok("10 / 2 % 3", "(% (/ 10 2) 3)");
    ok("-a * 2", "(* (neg (path a)) 2)");
    ok("- -1", "1");
    ok("'a' & 'b' & 1 + 2", "(+ (& (& \"a\" \"b\") 1) 2)"); // & and + share a binding power
    ok(
        "a = 1 and b != 2 or c < 3",
        "(or (and (= (path a) 1) (!= (path b) 2)) (< (path c) 3))",
    );
    ok(
        "a <= 1 and b >= 2 and c > 3",
        "(and (and (<= (path a) 1) (>= (path b) 2)) (> (path c) 3))",
    );
    ok("1 in [1,2]", "(in 1 (array 1 2))");
    ok("1 + 2 = 3", "(= (+ 1 2) 3)");
    ok("a or b and c", "(or (path a) (and (path b) (path c)))");
}

#[test]
fn paths_and_predicates() {
    ok("a.b.c", "(path a b c)");
    ok("a.b[0].c", "(path a (b [0]) c)");
    ok("a[0][1]", "(path (a [0] [1]))");
    ok("a[x > 1]", "(path (a [(> (path x) 1)]))");
    ok("a.*.b", "(path a * b)");
    ok("a.**.b", "(path a ** b)");
    ok("**.b", "(path ** b)");
    ok("a[]", "(path[] (a []))");
    ok("a.b[].c", "(path[] a (b []) c)");
    ok("$x[0]", "(pred $x [0])");
    ok("$x[0][1]", "(pred $x [0] [1])");
    ok("$x[]", "(pred[] $x)");
    ok("$x[0].a", "(path ($x [0]) a)");
    ok(
        "$states.input.items[-1]",
        "(path $states input (items [-1]))",
    );
    ok("(a.b)[0]", "(pred (block (path a b)) [0])");
    ok("[1,2][0]", "(pred (array 1 2) [0])");
    ok("a.[b, c]", "(path a (cons (path b) (path c)))");
    ok("[a].b", "(path (cons (path a)) b)");
    ok("a.{'x': b}", "(path a (object (\"x\" (path b))))");
    ok("a.$f(b)", "(path a (call $f (path b)))");
    ok("a.(b + 1)", "(path a (block (+ (path b) 1)))");
    ok("a.%.b", "(path a % b)");
    ok("$.a", "(path $ a)");
}

#[test]
fn binding_sort_group() {
    ok("a@$x.b", "(path (a @$x) b)");
    ok("a#$i.b", "(path (a #$i) b)");
    ok("a[0]#$i", "(path (a [0] #$i))");
    ok("a#$i[0]", "(path (a #$i [0]))");
    ok("a^(b)", "(path a (sort <(path b)))");
    ok("a^(>b, <c)", "(path a (sort >(path b) <(path c)))");
    ok("a.b^(c).d", "(path a b (sort <(path c)) d)");
    ok("a{b: c}", "(group (path a) ((path b) (path c)))");
    ok(
        "a.b{b: $sum(c)}",
        "(group (path a b) ((path b) (call $sum (path c))))",
    );
    ok("a{b: c}.d", "(group (path a d) ((path b) (path c)))");
    ok("a{b: c}[0]", "(group (path (a [0])) ((path b) (path c)))");
    ok("$x := 1 + 2", "(:= $x (+ 1 2))");
    ok("$x := $y := 1", "(:= $x (:= $y 1))");
    ok(
        "($a := 1; $b := 2; $a + $b)",
        "(block (:= $a 1) (:= $b 2) (+ $a $b))",
    );
    ok("()", "(block )");
}

#[test]
fn conditions_functions_lambdas() {
    ok("a ? b : c", "(? (path a) (path b) (path c))");
    ok("a ? b", "(? (path a) (path b))");
    ok("a ? b ? 1 : 2 : 3", "(? (path a) (? (path b) 1 2) 3)");
    ok("a > 1 ? 'x' : 'y'", "(? (> (path a) 1) \"x\" \"y\")");
    ok("$f()", "(call $f)");
    ok("$f(1, a)", "(call $f 1 (path a))");
    ok("$f(?, 2)", "(partial $f ? 2)");
    ok("$f(1)(2)", "(call (call $f 1) 2)");
    ok("function($x, $y){ $x + $y }", "(lambda ($x $y) (+ $x $y))");
    ok("function($x)<n-n>{ $x }", "(lambda ($x) <n-n> $x)");
    ok(
        "function($x)<a<n>:n>{ $x }(1)",
        "(call (lambda ($x) <a<n>:n> $x) 1)",
    );
    ok("a ~> $f ~> $g(1)", "(~> (~> (path a) $f) (call $g 1))");
    ok(
        "a ~> |b|{'c': 1}|",
        "(~> (path a) (transform (path b) (object (\"c\" 1))))",
    );
    ok(
        "|a|{}, ['b']|",
        "(transform (path a) (object ) (array \"b\"))",
    );
    ok("$match(s, /a(b+)/i)", "(call $match (path s) /a(b+)/i)");
    ok("$split(s, /\\//)", "(call $split (path s) /\\//)");
    ok("a / b", "(/ (path a) (path b))");
    ok(
        "{'a': 1, 'b': [1..3]}",
        "(object (\"a\" 1) (\"b\" (array (.. 1 3))))",
    );
    ok("[1..$n, 7]", "(array (.. 1 $n) 7)");
    ok(
        "$count($states.input) > 0",
        "(> (call $count (path $states input)) 0)",
    );
}

#[test]
fn default_operators_are_jsonata_2_1_only() {
    err("a ?: b", "S0211", 3);
    err("a ?? b", "S0211", 3);
    let opts = ParseOptions {
        default_operators: true,
    };
    assert_eq!(
        sx(&parse_with("a ?: b", opts).unwrap()),
        "(?: (path a) (path b))"
    );
    assert_eq!(
        sx(&parse_with("a ?? b + 1", opts).unwrap()),
        "(?? (path a) (+ (path b) 1))"
    );
}

#[test]
fn errors() {
    err("", "S0207", 0);
    err("   ", "S0207", 3);
    err("1 +", "S0207", 3);
    err("10 + * 2", "S0201", 7);
    err("$sum($states.input.items.numbers", "S0203", 32);
    err("(1; 2", "S0203", 5);
    err("[1, 2", "S0203", 5);
    err("{'a' 1}", "S0202", 5);
    err("420.", "S0207", 4);
    err("\"abc", "S0101", 4);
    err("'a\\qb'", "S0103", 3);
    err("'\\u12'", "S0104", 2);
    err("`abc", "S0105", 4);
    err("1 /* x", "S0106", 2);
    err("$.store.book[?(@.price < 10)].title", "S0211", 13);
    err("1 ! 2", "S0204", 2);
    err("a ~ b", "S0204", 2);
    err(")", "S0211", 0);
    err("1 2", "S0201", 2);
    err("a.1", "S0213", 2);
    err("a.true", "S0213", 2);
    err("function(a){1}", "S0208", 9);
    err("a := 1", "S0212", 0);
    err("a@b", "S0214", 2);
    err("a#1", "S0214", 2);
    err("a[0]@$x", "S0215", 4);
    err("a^(b)@$x", "S0216", 5);
    err("$x{a: b}[0]", "S0209", 8);
    err("a{b: c}{d: e}", "S0210", 7);
    err("$match(s, //)", "S0301", 11);
    err("$match(s, /ab)", "S0302", 14);
    err("%", "S0217", 0);
    err("%.a", "S0217", 0);
    err("function($x)<n-n{ $x }", "S0202", 16);
    err("1e400", "S0102", 0);
    err("[1..2", "S0203", 5);
    err("1..2", "S0201", 1);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for open in ["(", "[", "-", "{'a':", "$f(", "a.("] {
        let src = open.repeat(100_000);
        let e = parse(&src).unwrap_err();
        assert_eq!(e.code, "S0299", "{open}");
        assert_eq!(e.message, "expression nests too deeply");
    }
    let src = "1+".repeat(100_000) + "1";
    assert_eq!(parse(&src).unwrap_err().code, "S0299");
    // within the limits
    let src = format!("{}1{}", "(".repeat(150), ")".repeat(150));
    assert!(parse(&src).is_ok());
    let src = format!("a.{}%{}", "(".repeat(150), ")".repeat(150));
    assert!(parse(&src).is_ok());
    let src = format!("a.{}%{}", "$f(".repeat(150), ")".repeat(150));
    assert!(parse(&src).is_ok());
    let src = "%+".repeat(199) + "a";
    assert_eq!(parse(&src).unwrap_err().code, "S0217");
    let src = "1+".repeat(199) + "1";
    assert!(
        parse(&src).is_ok(),
        "a 200-term sum parses (AWS fails it at evaluation, ASL-JA-12)"
    );
}

#[test]
fn never_panics_on_prefixes() {
    let samples = [
        "function($x, $y)<n-n:n>{ ($z := $x + $y; $z[0].a^(>b)#$i@$v{c: d}) } ~> |a|{'b': /x\\/y/i}, ['c']|",
        "$states.input.items[price > 10 and 'a' in tags].{'n': name, 'p': %.id}",
        "\"\\u00e9\\ud83d\\ude00\" & `q n` & **.x[] & $f(?, 1) & [1..3][0]",
    ];
    for s in samples {
        for (i, _) in s.char_indices() {
            let _ = parse(&s[..i]);
            let _ = parse(&s[i..]);
        }
    }
}

#[test]
fn split_template_cases() {
    assert_eq!(split_template("{% 10 %}"), Template::Expression(" 10 "));
    assert_eq!(split_template("{%10%}"), Template::Expression("10"));
    assert_eq!(split_template("{%%}"), Template::Expression(""));
    assert_eq!(split_template(" {% states.input %} "), Template::Literal);
    assert_eq!(split_template("$states.input"), Template::Literal);
    assert!(matches!(split_template("{% 10 %"), Template::Malformed(_)));
    assert!(matches!(split_template("10 %}"), Template::Malformed(_)));
    assert!(matches!(split_template("{%}"), Template::Malformed(_)));
    assert!(parse(" \n10         ").is_ok());
}

#[test]
fn references_cases() {
    let r = |s: &str| references(&parse(s).unwrap());
    let x = r(
        "$states.input.a & $states.result.b & $states.errorOutput & $states.context.Execution.Id & $v & $count($w)",
    );
    assert!(
        x.states_input
            && x.states_result
            && x.states_error_output
            && x.states_context
            && !x.states_whole
    );
    assert_eq!(x.variables.iter().collect::<Vec<_>>(), ["v", "w"]);
    assert_eq!(x.functions.iter().collect::<Vec<_>>(), ["count"]);
    assert!(!x.reads_implicit_input());
    assert!(r("$").top_context);
    assert!(r("$.a").top_context);
    assert!(r("a.b").top_names.contains("a"));
    assert!(r("$$.a").root);
    assert!(r("$sum(x)").top_names.contains("x"));
    assert!(!r("$states.input.items[price > 10].name").reads_implicit_input());
    assert!(!r("$x[total > 10]").reads_implicit_input());
    assert!(!r("$states.input.{ 'a': $string($[$k]) }").reads_implicit_input());
    assert!(!r("$map($states.input, function($v){ $v.a })").reads_implicit_input());
    assert!(r("$states").states_whole);
    assert!(r("$states.foo").states_other.contains("foo"));
    assert!(r("$states := 1").states_assigned);
    let l = r("($a := 1; $f := function($p){ $p + $a + $q }; $f(2))");
    assert_eq!(l.variables.iter().collect::<Vec<_>>(), ["q"]);
}

/// Every `{% … %}` string in the corpora parses, except in definitions AWS (or the source
/// validator) rejects, which are reported.
#[test]
fn corpus() {
    fn walk<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::String(s) => out.push(s),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push(k);
                walk(x, out)
            }),
            _ => {}
        }
    }
    let dirs = [
        ("corpus/real-world", true),
        ("corpus/emulator-tests", true),
        ("corpus/validator/valid", true),
        ("corpus/validator/invalid", false),
        ("conformance/cases", true),
    ];
    let (mut files, mut exprs, mut malformed) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut reported = Vec::new();
    for (dir, valid_dir) in dirs {
        for path in crate::testdata::json_files(dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            // A few corpus files are not JSON at all (the validator's invalid fixtures).
            let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let mut valid = valid_dir;
            if dir == "conformance/cases" {
                valid = doc["expect"]["status"] != "INVALID";
                doc = doc["definition"].take();
            }
            files += 1;
            let mut strings = Vec::new();
            walk(&doc, &mut strings);
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            for s in strings {
                match split_template(s) {
                    Template::Literal => {}
                    Template::Malformed(why) => {
                        malformed += 1;
                        if !valid {
                            reported.push(format!("{name}: {s:?}: {why}"));
                        }
                    }
                    Template::Expression(inner) => {
                        exprs += 1;
                        if let Err(e) = parse(inner) {
                            if valid {
                                failures.push(format!("{name}: {s:?}: {e}"));
                            } else {
                                reported.push(format!("{name}: {s:?}: {e}"));
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "corpus: {files} files, {exprs} expressions, {malformed} malformed delimiters (Comment fields included)"
    );
    eprintln!("rejected in invalid definitions ({}):", reported.len());
    for r in &reported {
        eprintln!("  {r}");
    }
    assert!(
        failures.is_empty(),
        "valid expressions rejected:\n{}",
        failures.join("\n")
    );
}

/// The expression of a step or node as jsonata-js sees it: without its predicates or group-by.
fn core(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Group { expr, .. } | ExprKind::Predicate { expr, .. } => core(Expr::one(expr)),
        _ => e,
    }
}

fn anc_entries(e: &Expr, step: bool, out: &mut Vec<(usize, u8, String)>) {
    match &e.kind {
        ExprKind::Parent { label } => out.push((e.pos, 1, format!("%{label}"))),
        ExprKind::Block { tuple: true, .. } if !step => out.push((e.pos, 1, "block:t".into())),
        ExprKind::Path { steps, tuple, .. } => {
            if *tuple {
                out.push((core(&steps[0].expr).pos, 0, "path:t".into()));
            }
            for s in steps.iter() {
                let c = core(&s.expr);
                if let ExprKind::Block { tuple: true, .. } = c.kind {
                    assert!(s.tuple, "a tuple block step is a tuple step");
                }
                if s.ancestor.is_some() {
                    assert!(s.tuple, "an ancestor step is a tuple step");
                    assert!(matches!(c.kind, ExprKind::Name(_) | ExprKind::Wildcard));
                }
                if s.tuple || s.ancestor.is_some() {
                    let name = match &c.kind {
                        ExprKind::Name(n) => n.to_string(),
                        ExprKind::Wildcard => "*".into(),
                        k => ancestry::type_name(k).into(),
                    };
                    let t = if s.tuple { "t" } else { "" };
                    let a = s.ancestor.map(|a| a.to_string()).unwrap_or_default();
                    out.push((c.pos, 1, format!("{name}:{t}{a}")));
                }
                anc_entries(&s.expr, true, out);
                for st in s.stages.iter() {
                    if let Stage::Filter(f) = st {
                        anc_entries(f, false, out);
                    }
                }
            }
            return;
        }
        ExprKind::Group { expr, pairs } => {
            anc_entries(Expr::one(expr), step, out);
            for p in pairs.iter() {
                anc_entries(&p.key, false, out);
                anc_entries(&p.value, false, out);
            }
            return;
        }
        ExprKind::Predicate { expr, filters, .. } => {
            anc_entries(Expr::one(expr), step, out);
            for f in filters.iter() {
                anc_entries(f, false, out);
            }
            return;
        }
        _ => {}
    }
    refs::each_child(e, &mut |c| anc_entries(c, false, out));
}

/// How `%` resolved in `src`, in source order: `%L` for a `%` with label `L`; `name:tA` for a
/// step with `tuple` (`t`) and/or ancestor `A` (named by its field name, `*`, or its jsonata-js
/// type); `path:t` / `block:t` for a path or block marked `tuple`. Or `err CODE`, with the
/// jsonata-js node type after `S0217`.
fn anc(src: &str) -> String {
    let via_parse = parse(src).map(|_| ()).map_err(|e| e.code);
    let mut e = match parser::Parser::new(src, ParseOptions::default()).parse_tree() {
        Ok((e, _)) => e,
        Err(err) => {
            assert_eq!(via_parse, Err(err.code), "{src:?}");
            return format!("err {}", err.code);
        }
    };
    if let Err(f) = ancestry::resolve(&mut e, src) {
        assert_eq!(via_parse, Err("S0217"), "{src:?}");
        return format!("err S0217 {}", f.token);
    }
    assert_eq!(via_parse, Ok(()), "{src:?}");
    let mut out = Vec::new();
    anc_entries(&e, false, &mut out);
    out.sort();
    let list = out.into_iter().map(|(_, _, s)| s).collect::<Vec<_>>();
    format!("ok {}", list.join(" ")).trim_end().to_string()
}

/// `testdata/jsonata-suite/groups/parent-operator`: the cases jsonata-js rejects while parsing
/// fail with its code (`S0217` for a `%` without a parent), the others parse (their errors, if
/// any, come at evaluation).
#[test]
fn parent_operator_suite() {
    let group = "jsonata-suite/groups/parent-operator";
    let mut counts = (0, 0);
    for file in crate::testdata::json_files(group) {
        let text = std::fs::read_to_string(&file).unwrap();
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        for case in cases {
            let src = match (case["expr"].as_str(), case["expr-file"].as_str()) {
                (Some(e), _) => e.to_string(),
                (None, Some(f)) => {
                    std::fs::read_to_string(crate::testdata::dir().join(group).join(f)).unwrap()
                }
                _ => panic!("{}: a case without expression", file.display()),
            };
            match case["code"].as_str() {
                Some(code) if code.starts_with("S0") => {
                    counts.0 += 1;
                    match parse(&src) {
                        Ok(e) => panic!("{src:?} parsed as {}", sx(&e)),
                        Err(e) => assert_eq!(e.code, code, "{src:?}: {e}"),
                    }
                }
                _ => {
                    counts.1 += 1;
                    if let Err(e) = parse(&src) {
                        panic!("{src:?} failed: {e}");
                    }
                }
            }
        }
    }
    assert_eq!(counts, (10, 34), "(rejected, parsed)");
}

/// Labels, ancestors and `tuple` flags, worked out by hand from jsonata-js 2.0.6 `parser.js`
/// (and checked against it).
#[test]
fn parent_operator_labels() {
    let cases = [
        // the product's input (its order) is bound under label 0
        (
            "Account.Order.Product.{ 'Product': `Product Name`, 'Order': %.OrderID }",
            "ok Product:t0 %0",
        ),
        // the second `%` climbs over the first: its parent is the parent of `b`
        ("a.b.%.%", "ok a:t1 b:t0 %0 %1"),
        ("a.b[%.%.c]", "ok a:t1 b:t0 %0 %1"),
        // a predicate's level-1 `%` is the filtered step's input
        ("a[%.x]", "ok a:t0 %0"),
        // a bare `%` as a whole predicate is never resolved (jsonata-js looks only at nodes
        // that collected slots)
        ("a[%]", "ok %0"),
        // two `%` reaching the same step share the label of the first
        ("a.[%.x, %.y]", "ok a:t0 %0 %0"),
        ("a.b[%.c].%", "ok b:t0 %0 %0"),
        // through a block to its last expression, and from a path's last step
        (
            "Account.(Order.Product).{ 'order': %.OrderID }",
            "ok block:t path:t Product:t0 %0",
        ),
        ("a.(b; %)", "ok a:t0 %0"),
        ("a.(b.%)", "ok b:t0 %0"),
        // a wildcard in a block is no step: the `%` stays unbound, but the labels are shared
        ("a.(*).[%, %]", "ok block:t %0 %0"),
        // steps that bind the focus count as one
        ("a@$v.b@$w.%", "ok a:t0 b:t %0"),
        // sort terms seek from the sort step
        ("a^(%.b)", "ok a:t0 %0"),
        ("a.*.%", "ok *:t0 %0"),
        ("a.\"b\".%", "ok b:t0 %0"),
        // group-by pairs, lambda bodies do not pass their `%` on (nor fail); labels follow
        // jsonata-js's order of visit
        ("a.b{%.c: %.%.d}.e[%.f]", "ok %0 %1 %2 e:t3 %3"),
        ("function($x){%}", "ok %0"),
        ("%()", "ok %0"),
        // `#` and `^` wrap a `%` in a path that does not seek; `.` and `@` do not
        ("%#$i", "ok %0 parent:t"),
        ("%^(a)", "ok %0"),
        ("%@$v", "err S0217 parent"),
        ("%.a", "err S0217 path"),
        ("%[%.x].y", "err S0217 path"),
        ("%", "err S0217 parent"),
        ("(%)", "err S0217 block"),
        ("$f(%)", "err S0217 function"),
        ("a.%.%", "err S0217 path"),
        ("a.%#$i.%", "err S0217 path"),
        // a `%` that meets a node it cannot climb out of
        ("$x.%", "err S0217 variable"),
        ("a.$x.%", "err S0217 variable"),
        ("{'hello': 'world'}.%", "err S0217 unary"),
        ("a.b^(c)[%.d]", "err S0217 sort"),
        // a string step is a name only once a `.` joins it
        ("\"s\"[%.x].a", "err S0217 string"),
    ];
    for (src, want) in cases {
        assert_eq!(anc(src), want, "{src:?}");
    }
}

#[test]
fn parent_operator_ast() {
    let e = parse("Account.(Order.Product).{ 'order': %.OrderID }").unwrap();
    let ExprKind::Path { steps, tuple, .. } = &e.kind else {
        panic!("{}", sx(&e))
    };
    assert!(!tuple);
    assert!(steps[1].tuple && steps[1].ancestor.is_none());
    let ExprKind::Block { exprs, tuple, .. } = &steps[1].expr.kind else {
        panic!("{}", sx(&e))
    };
    assert!(tuple);
    let ExprKind::Path {
        steps: inner,
        tuple,
        ..
    } = &exprs[0].kind
    else {
        panic!("{}", sx(&e))
    };
    assert!(tuple);
    assert_eq!((inner[0].tuple, inner[0].ancestor), (false, None));
    assert_eq!((inner[1].tuple, inner[1].ancestor), (true, Some(0)));
    assert!(!steps[2].tuple);
    let ExprKind::Object(pairs) = &steps[2].expr.kind else {
        panic!("{}", sx(&e))
    };
    let ExprKind::Path { steps: value, .. } = &pairs[0].value.kind else {
        panic!("{}", sx(&e))
    };
    assert_eq!(value[0].expr.kind, ExprKind::Parent { label: 0 });

    // shared labels
    let e = parse("a.[%.x, %.y]").unwrap();
    let ExprKind::Path { steps, .. } = &e.kind else {
        panic!("{}", sx(&e))
    };
    assert_eq!((steps[0].tuple, steps[0].ancestor), (true, Some(0)));
    let ExprKind::Array { items, .. } = &steps[1].expr.kind else {
        panic!("{}", sx(&e))
    };
    for item in items.iter() {
        let ExprKind::Path { steps, .. } = &item.kind else {
            panic!("{}", sx(&e))
        };
        assert_eq!(steps[0].expr.kind, ExprKind::Parent { label: 0 });
    }

    // where S0217 points: the node the `%` could not climb out of, or the whole expression
    err("$x.%", "S0217", 0);
    err("a.$f().%", "S0217", 4);
    err("a.%.%", "S0217", 0);
    err("(%)", "S0217", 0);
    // a syntax error further right wins, as do post-processing errors raised before
    err("$x.% +", "S0207", 6);
    err("%.1", "S0213", 2);
}

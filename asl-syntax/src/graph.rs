//! The state graph of a machine as Graphviz DOT ([`to_dot`]) or a Mermaid flowchart
//! ([`to_mermaid`]).
//!
//! Both show the same graph:
//! - every scope (the machine, each Parallel branch, each Map processor) has a `Start` node
//!   pointing at its `StartAt` and, when it has terminal states, an `End` node that its
//!   `End: true`, Succeed and Fail states point at;
//! - Parallel branches and Map processors are clusters (DOT `subgraph cluster_…`, Mermaid
//!   `subgraph`) nested inside a cluster named after their state, which points at each
//!   branch's `Start` with a dotted line;
//! - Choice rules are edges labelled with a short rendering of the rule (`$.i < 10000`,
//!   `$.a == "x" && !IsNull($.b)`, the JSONata `Condition` text), `Default` is labelled
//!   `default`;
//! - Catch edges are dashed and labelled with their `ErrorEquals`.
//!
//! Node ids are `n0`, `n1`, …: a scope's states in source order, then those of its nested
//! scopes (so unique across scopes); start and end nodes are `startK`/`stopK` per scope;
//! state names only appear, escaped, in labels. A transition to a state that does not exist
//! (only possible in a definition with errors) is left out.

use crate::ast::{Condition, Machine, Op, Operand, Rule, Scope, StateKind, Test};
use crate::template::Template;
use std::collections::HashMap;
use std::fmt::Write;

/// Longest edge label before it is cut with `…`.
const MAX_LABEL: usize = 60;

#[derive(Debug, Default)]
struct Graph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    clusters: Vec<Cluster>,
}

#[derive(Debug)]
struct Cluster {
    id: String,
    label: String,
    graph: Graph,
}

#[derive(Debug)]
struct Node {
    id: String,
    label: String,
    kind: NodeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeKind {
    Start,
    End,
    /// A state, by its `Type`.
    State(&'static str),
}

#[derive(Debug)]
struct Edge {
    from: String,
    to: String,
    label: Option<String>,
    style: EdgeStyle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EdgeStyle {
    /// `Next`, `StartAt`, a Choice rule, `Default`, the way to `End`.
    Solid,
    /// A Catcher.
    Catch,
    /// From a Parallel/Map state to the start of a nested scope.
    Nested,
}

#[derive(Default)]
struct Ctx {
    states: usize,
    scopes: usize,
}

fn build(m: &Machine) -> Graph {
    let mut ctx = Ctx::default();
    let mut g = Graph::default();
    build_scope(&m.scope, &mut ctx, &mut g);
    g
}

/// Adds `scope`'s nodes, edges and nested clusters to `g`; returns the id of its start node.
fn build_scope(scope: &Scope, ctx: &mut Ctx, g: &mut Graph) -> String {
    let k = ctx.scopes;
    ctx.scopes += 1;
    let start = format!("start{k}");
    let stop = format!("stop{k}");
    g.nodes.push(Node {
        id: start.clone(),
        label: "Start".into(),
        kind: NodeKind::Start,
    });

    // Ids first, so transitions can be resolved; the first of duplicate names wins.
    let base = ctx.states;
    ctx.states += scope.states.len();
    let id = |i: usize| format!("n{}", base + i);
    let mut by_name: HashMap<&str, String> = HashMap::new();
    for (i, s) in scope.states.iter().enumerate() {
        by_name
            .entry(s.name.value.as_str())
            .or_insert_with(|| id(i));
    }

    if let Some(first) = by_name.get(scope.start_at.value.as_str()) {
        g.edges.push(edge(&start, first, None, EdgeStyle::Solid));
    }
    let mut has_end = false;
    for (i, s) in scope.states.iter().enumerate() {
        let me = id(i);
        g.nodes.push(Node {
            id: me.clone(),
            label: s.name.value.clone(),
            kind: NodeKind::State(s.kind.type_name()),
        });
        let to = |target: &str, label: Option<String>, style: EdgeStyle, g: &mut Graph| {
            if let Some(t) = by_name.get(target) {
                g.edges.push(edge(&me, t, label, style));
            }
        };
        if let crate::ast::Transition::Next(n) = &s.transition {
            to(&n.value, None, EdgeStyle::Solid, g);
        }
        if let StateKind::Choice(c) = &s.kind {
            for r in &c.choices {
                to(
                    &r.next.value,
                    Some(condition_label(&r.condition)),
                    EdgeStyle::Solid,
                    g,
                );
            }
            if let Some(d) = &c.default {
                to(&d.value, Some("default".into()), EdgeStyle::Solid, g);
            }
        }
        if let Some(rh) = s.result_handling() {
            for c in &rh.catch {
                let errors: Vec<&str> = c.error_equals.iter().map(|e| e.value.as_str()).collect();
                to(
                    &c.next.value,
                    Some(cut(errors.join(", "))),
                    EdgeStyle::Catch,
                    g,
                );
            }
        }
        if s.is_terminal() {
            has_end = true;
            g.edges.push(edge(&me, &stop, None, EdgeStyle::Solid));
        }

        // Nested scopes.
        let cluster_id = format!("cluster_{me}");
        match &s.kind {
            StateKind::Parallel(p) => {
                let mut inner = Graph::default();
                for (b, branch) in p.branches.iter().enumerate() {
                    let mut bg = Graph::default();
                    let bstart = build_scope(branch, ctx, &mut bg);
                    let label = format!("Branch {}", b + 1);
                    g.edges
                        .push(edge(&me, &bstart, Some(label.clone()), EdgeStyle::Nested));
                    inner.clusters.push(Cluster {
                        id: format!("{cluster_id}_{b}"),
                        label,
                        graph: bg,
                    });
                }
                g.clusters.push(Cluster {
                    id: cluster_id,
                    label: format!("{} (Parallel)", s.name.value),
                    graph: inner,
                });
            }
            StateKind::Map(m) => {
                let mut inner = Graph::default();
                let istart = build_scope(&m.processor.scope, ctx, &mut inner);
                g.edges.push(edge(
                    &me,
                    &istart,
                    Some("each item".into()),
                    EdgeStyle::Nested,
                ));
                g.clusters.push(Cluster {
                    id: cluster_id,
                    label: format!("{} (Map)", s.name.value),
                    graph: inner,
                });
            }
            _ => {}
        }
    }
    if has_end {
        g.nodes.push(Node {
            id: stop,
            label: "End".into(),
            kind: NodeKind::End,
        });
    }
    start
}

fn edge(from: &str, to: &str, label: Option<String>, style: EdgeStyle) -> Edge {
    Edge {
        from: from.to_string(),
        to: to.to_string(),
        label,
        style,
    }
}

/// Cuts a label to [`MAX_LABEL`] characters.
fn cut(s: String) -> String {
    if s.chars().count() <= MAX_LABEL {
        s
    } else {
        let mut t: String = s.chars().take(MAX_LABEL - 1).collect();
        t.push('…');
        t
    }
}

fn condition_label(c: &Condition) -> String {
    cut(match c {
        Condition::Rule(r) => rule_label(r),
        Condition::Jsonata(t) => match &t.value {
            Template::Jsonata(e) => e.text.trim().to_string(),
            Template::Bool(b) => b.to_string(),
            _ => "Condition".to_string(),
        },
        Condition::Invalid => "(invalid rule)".to_string(),
    })
}

/// A short, readable rendering of a JSONPath Choice rule.
pub fn rule_label(r: &Rule) -> String {
    fn inner(r: &Rule, nested: bool) -> String {
        let compound = |v: &[Rule], sep: &str| {
            let s = v
                .iter()
                .map(|x| inner(x, true))
                .collect::<Vec<_>>()
                .join(sep);
            if nested && v.len() > 1 {
                format!("({s})")
            } else {
                s
            }
        };
        match r {
            Rule::And(v, _) => compound(v, " && "),
            Rule::Or(v, _) => compound(v, " || "),
            Rule::Not(x, _) => match &**x {
                Rule::Test(t) if !is_type_test(t.op) => format!("!({})", test_label(t)),
                other => format!("!{}", inner(other, true)),
            },
            Rule::Test(t) => test_label(t),
        }
    }
    inner(r, false)
}

fn is_type_test(op: Op) -> bool {
    matches!(
        op,
        Op::IsNull | Op::IsPresent | Op::IsNumeric | Op::IsString | Op::IsBoolean | Op::IsTimestamp
    )
}

fn test_label(t: &Test) -> String {
    use crate::ast::Cmp;
    let var = &t.variable.value.source;
    let operand = match &t.operand {
        Operand::String(s) => serde_json::Value::String(s.clone()).to_string(),
        Operand::Number(n) => n.to_json().to_string(),
        Operand::Bool(b) => b.to_string(),
        // Unquoted, so a timestamp comparison reads differently from a string one.
        Operand::Timestamp(s) => s.clone(),
        Operand::Path(p) => p.source.to_string(),
    };
    let sym = |c: Cmp| match c {
        Cmp::Eq => "==",
        Cmp::Lt => "<",
        Cmp::Gt => ">",
        Cmp::Le => "<=",
        Cmp::Ge => ">=",
    };
    match t.op {
        Op::String(c) | Op::Numeric(c) | Op::Timestamp(c) => format!("{var} {} {operand}", sym(c)),
        Op::Boolean => format!("{var} == {operand}"),
        Op::StringMatches => format!("{var} matches {operand}"),
        op => {
            let name = op.name(false);
            match &t.operand {
                Operand::Bool(true) => format!("{name}({var})"),
                Operand::Bool(false) => format!("!{name}({var})"),
                _ => format!("{name}({var}) == {operand}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DOT

/// The machine's state graph in Graphviz DOT.
pub fn to_dot(m: &Machine) -> String {
    let g = build(m);
    let mut out = String::new();
    out.push_str("digraph state_machine {\n");
    out.push_str("  graph [fontname=\"Helvetica\"];\n");
    out.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    dot_graph(&g, 1, &mut out);
    out.push_str("}\n");
    out
}

fn dot_graph(g: &Graph, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for n in &g.nodes {
        let attrs = match n.kind {
            NodeKind::Start => {
                "shape=circle, style=filled, fillcolor=black, fontcolor=white, fontsize=9, width=0.5, fixedsize=true"
            }
            NodeKind::End => {
                "shape=doublecircle, style=filled, fillcolor=black, fontcolor=white, fontsize=9, width=0.5, fixedsize=true"
            }
            NodeKind::State("Choice") => "shape=diamond, style=\"\"",
            NodeKind::State("Succeed") => "color=darkgreen, peripheries=2",
            NodeKind::State("Fail") => "color=red, peripheries=2",
            NodeKind::State("Parallel" | "Map") => "style=\"rounded,bold\"",
            NodeKind::State(_) => "",
        };
        let sep = if attrs.is_empty() { "" } else { ", " };
        let _ = writeln!(
            out,
            "{pad}{} [label={}{sep}{attrs}];",
            n.id,
            dot_quote(&n.label)
        );
    }
    for c in &g.clusters {
        let _ = writeln!(out, "{pad}subgraph {} {{", c.id);
        let _ = writeln!(out, "{pad}  label={};", dot_quote(&c.label));
        let _ = writeln!(out, "{pad}  style=dashed;");
        dot_graph(&c.graph, depth + 1, out);
        let _ = writeln!(out, "{pad}}}");
    }
    for e in &g.edges {
        let mut attrs = Vec::new();
        if let Some(l) = &e.label {
            attrs.push(format!("label={}", dot_quote(l)));
        }
        match e.style {
            EdgeStyle::Solid => {}
            EdgeStyle::Catch => attrs.push("style=dashed, color=red, fontcolor=red".into()),
            EdgeStyle::Nested => attrs.push("style=dotted, arrowhead=none".into()),
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(out, "{pad}{} -> {}{attrs};", e.from, e.to);
    }
}

/// A DOT double-quoted string: `\` and `"` escaped, line breaks as `\n`.
fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------------
// Mermaid

/// The machine's state graph as a Mermaid flowchart.
pub fn to_mermaid(m: &Machine) -> String {
    let g = build(m);
    let mut out = String::from("flowchart TD\n");
    mermaid_graph(&g, 1, &mut out);
    out.push_str("  classDef terminal fill:#222,color:#fff,stroke:#222\n");
    out.push_str("  classDef fail stroke:#c00,stroke-width:2px\n");
    out.push_str("  classDef succeed stroke:#080,stroke-width:2px\n");
    out
}

fn mermaid_graph(g: &Graph, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for n in &g.nodes {
        let l = mermaid_quote(&n.label);
        let (open, close, class) = match n.kind {
            NodeKind::Start => ("((", "))", ":::terminal"),
            NodeKind::End => ("(((", ")))", ":::terminal"),
            NodeKind::State("Choice") => ("{", "}", ""),
            NodeKind::State("Succeed") => ("([", "])", ":::succeed"),
            NodeKind::State("Fail") => ("([", "])", ":::fail"),
            NodeKind::State("Parallel" | "Map") => ("[[", "]]", ""),
            NodeKind::State(_) => ("[", "]", ""),
        };
        let _ = writeln!(out, "{pad}{}{open}{l}{close}{class}", n.id);
    }
    for c in &g.clusters {
        let _ = writeln!(out, "{pad}subgraph {} [{}]", c.id, mermaid_quote(&c.label));
        mermaid_graph(&c.graph, depth + 1, out);
        let _ = writeln!(out, "{pad}end");
    }
    for e in &g.edges {
        let arrow = match e.style {
            EdgeStyle::Solid => "-->",
            EdgeStyle::Catch => "-.->",
            EdgeStyle::Nested => "-.-",
        };
        match &e.label {
            Some(l) => {
                let _ = writeln!(
                    out,
                    "{pad}{} {arrow}|{}| {}",
                    e.from,
                    mermaid_quote(l),
                    e.to
                );
            }
            None => {
                let _ = writeln!(out, "{pad}{} {arrow} {}", e.from, e.to);
            }
        }
    }
}

/// A Mermaid double-quoted label. Characters Mermaid would read as markup (`"`, `#`, `<`, `>`,
/// `&`, `|`, a backtick) are written as `#…;` entity codes; line breaks become spaces.
fn mermaid_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn machine(text: &str) -> Machine {
        let c = crate::compile_source(&Source::new("t", text), &Default::default());
        assert!(!c.diagnostics.has_errors(), "{:?}", c.diagnostics);
        c.machine.unwrap()
    }

    const M: &str = r#"{
      "StartAt": "Say \"hi\"",
      "States": {
        "Say \"hi\"": {"Type": "Pass", "Next": "Is big"},
        "Is big": {"Type": "Choice",
          "Choices": [
            {"Variable": "$.i", "NumericLessThan": 10000, "Next": "Work"},
            {"And": [{"Variable": "$.s", "StringEquals": "a|b"}, {"Not": {"Variable": "$.x", "IsNull": true}}], "Next": "Done"}
          ],
          "Default": "Done"},
        "Work": {"Type": "Parallel", "Next": "Done",
          "Branches": [
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
            {"StartAt": "B2", "States": {"B2": {"Type": "Succeed"}}}
          ],
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}]},
        "Oops": {"Type": "Fail", "Error": "E"},
        "Done": {"Type": "Succeed"}
      }
    }"#;

    #[test]
    fn dot_edges() {
        let d = to_dot(&machine(M));
        assert!(d.contains(r#"n0 [label="Say \"hi\""];"#), "{d}");
        assert!(d.contains("start0 -> n0;"), "{d}");
        assert!(d.contains(r#"n1 -> n2 [label="$.i < 10000"];"#), "{d}");
        assert!(
            d.contains(r#"n1 -> n4 [label="$.s == \"a|b\" && !IsNull($.x)"];"#),
            "{d}"
        );
        assert!(d.contains(r#"n1 -> n4 [label="default"];"#), "{d}");
        assert!(
            d.contains(r#"n2 -> n3 [label="States.ALL", style=dashed"#),
            "{d}"
        );
        assert!(d.contains("subgraph cluster_n2 {"), "{d}");
        assert!(d.contains("subgraph cluster_n2_1 {"), "{d}");
        assert!(d.contains("start2 -> n6;"), "{d}");
        assert!(d.contains("n6 -> stop2;"), "{d}");
        assert!(d.contains("n4 -> stop0;"), "{d}");
    }

    #[test]
    fn mermaid_edges() {
        let d = to_mermaid(&machine(M));
        assert!(d.contains(r#"n0["Say #quot;hi#quot;"]"#), "{d}");
        assert!(d.contains(r#"n1 -->|"$.i #lt; 10000"| n2"#), "{d}");
        assert!(
            d.contains(r#"n1 -->|"$.s == #quot;a#124;b#quot; #amp;#amp; !IsNull($.x)"| n4"#),
            "{d}"
        );
        assert!(d.contains(r#"n2 -.->|"States.ALL"| n3"#), "{d}");
        assert!(
            d.contains(r#"subgraph cluster_n2 ["Work (Parallel)"]"#),
            "{d}"
        );
        assert!(d.contains(r#"stop0((("End"))):::terminal"#), "{d}");
    }
}

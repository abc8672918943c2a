//! The `asl` command: check Amazon States Language definitions and draw their state graphs.
//!
//! ```text
//! asl check [--format human|json] [--express] [--color auto|always|never] FILE...
//! asl graph [--format dot|mermaid] [--express] [--color auto|always|never] FILE
//! asl expand [--express] FILE
//! ```
//!
//! Exit status: 0 when no file has errors (warnings do not count), 1 when some file has errors,
//! 2 on a usage or I/O error.

use asl_syntax::ast::MachineType;
use asl_syntax::source::Source;
use asl_syntax::{CheckOptions, Checked, graph, render};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

const MAIN_HELP: &str = "\
Check Amazon States Language (AWS Step Functions) definitions and draw their state graphs

Usage: asl <COMMAND> [OPTIONS] [FILE]...

Commands:
  check   Validate definitions, reporting errors and warnings
  graph   Print a definition's state graph as Graphviz DOT or Mermaid
  expand  Print the Rust code generated for a definition
  help    Print this message or the help of the given command

Options:
  -h, --help     Print help
  -V, --version  Print version

Exit status: 0 when no definition has errors, 1 when one has, 2 on a usage or I/O error.
";

const CHECK_HELP: &str = "\
Validate definitions, reporting errors and warnings

Usage: asl check [OPTIONS] <FILE>...

Arguments:
  <FILE>...  Definition files (`-` reads standard input)

Options:
      --format <FORMAT>  Output format [default: human]
                           human: rustc-style diagnostics on standard error
                           json:  the answer AWS's ValidateStateMachineDefinition gives,
                                  on standard output:
                                  {\"result\": \"OK\"|\"FAIL\",
                                   \"diagnostics\": [{\"severity\", \"code\", \"message\",
                                                    \"location\"?}],
                                   \"truncated\": false}
                                  With several files, an object mapping each file name (as
                                  given) to its answer.
      --express          Check as an Express state machine (no .sync, .waitForTaskToken,
                         activities or Distributed Map)
      --color <WHEN>     Color human output: auto, always, never [default: auto]
  -h, --help             Print help

Exit status: 0 when no file has errors (warnings are shown but do not fail), 1 when any file
has errors, 2 on a usage or I/O error.
";

const GRAPH_HELP: &str = "\
Print a definition's state graph as Graphviz DOT or Mermaid

Nested Parallel branches and Map processors are drawn as clusters; every scope has a Start
and an End node; Choice rules are labelled edges, Catch edges are dashed. A definition with
errors is refused: its diagnostics are printed instead (exit status 1).

Usage: asl graph [OPTIONS] <FILE>

Arguments:
  <FILE>  Definition file (`-` reads standard input)

Options:
      --format <FORMAT>  dot or mermaid [default: dot]
      --express          Check as an Express state machine
      --color <WHEN>     Color diagnostics: auto, always, never [default: auto]
  -h, --help             Print help

Example: asl graph machine.asl.json | dot -Tsvg > machine.svg
";

const EXPAND_HELP: &str = "\
Print the Rust code generated for a definition (what `asl!` and `Builder` produce)

Usage: asl expand [OPTIONS] <FILE>

Arguments:
  <FILE>  Definition file (`-` reads standard input); the machine is named after it

Options:
      --express  Compile as an Express state machine
  -h, --help     Print help
";

/// Exit status for a usage or I/O error.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(run(&args))
}

fn run(args: &[String]) -> u8 {
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{MAIN_HELP}");
        return USAGE;
    };
    match cmd.as_str() {
        "-h" | "--help" => {
            print!("{MAIN_HELP}");
            0
        }
        "-V" | "--version" => {
            println!("asl {}", env!("CARGO_PKG_VERSION"));
            0
        }
        "help" => match rest.first().map(String::as_str) {
            None => {
                print!("{MAIN_HELP}");
                0
            }
            Some(c) => match help_of(c) {
                Some(h) => {
                    print!("{h}");
                    0
                }
                None => usage_error(&format!("unrecognized subcommand '{c}'"), "asl <COMMAND>"),
            },
        },
        "check" | "graph" | "expand" => match parse(cmd, rest) {
            Ok(Parsed::Help) => {
                print!("{}", help_of(cmd).unwrap_or(MAIN_HELP));
                0
            }
            Ok(Parsed::Run(o)) => match cmd.as_str() {
                "check" => check(&o),
                "graph" => graph_cmd(&o),
                _ => expand(&o),
            },
            Err(msg) => usage_error(&msg, usage_line(cmd)),
        },
        other => usage_error(
            &format!("unrecognized subcommand '{other}'"),
            "asl <COMMAND>",
        ),
    }
}

fn help_of(cmd: &str) -> Option<&'static str> {
    match cmd {
        "check" => Some(CHECK_HELP),
        "graph" => Some(GRAPH_HELP),
        "expand" => Some(EXPAND_HELP),
        _ => None,
    }
}

fn usage_line(cmd: &str) -> &'static str {
    match cmd {
        "check" => "asl check [OPTIONS] <FILE>...",
        "graph" => "asl graph [OPTIONS] <FILE>",
        _ => "asl expand <FILE>",
    }
}

fn usage_error(msg: &str, usage: &str) -> u8 {
    eprintln!("error: {msg}\n\nUsage: {usage}\n\nFor more information, try '--help'.");
    USAGE
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Dot,
    Mermaid,
}

#[derive(Debug)]
struct Opts {
    format: Format,
    express: bool,
    color: bool,
    files: Vec<String>,
}

enum Parsed {
    Help,
    Run(Opts),
}

/// Parses a subcommand's arguments: options anywhere (`--opt value` or `--opt=value`), `--`
/// ends them.
fn parse(cmd: &str, args: &[String]) -> Result<Parsed, String> {
    let mut format = None;
    let mut express = false;
    let mut color = "auto".to_string();
    let mut files = Vec::new();
    let mut it = args.iter();
    let mut options_done = false;
    while let Some(a) = it.next() {
        if options_done || a == "-" || !a.starts_with('-') {
            files.push(a.clone());
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) => Ok(v),
                None => Err(format!(
                    "a value is required for '{name} <{what}>' but none was supplied"
                )),
            }
        };
        match (name, cmd) {
            ("-h" | "--help", _) => return Ok(Parsed::Help),
            ("--", _) => options_done = true,
            ("--format", "check" | "graph") => {
                let v = value("FORMAT")?;
                format = Some(match (v.as_str(), cmd) {
                    ("human", "check") => Format::Human,
                    ("json", "check") => Format::Json,
                    ("dot", "graph") => Format::Dot,
                    ("mermaid", "graph") => Format::Mermaid,
                    _ => {
                        let allowed = if cmd == "check" {
                            "human, json"
                        } else {
                            "dot, mermaid"
                        };
                        return Err(format!(
                            "invalid value '{v}' for '--format <FORMAT>'\n  [possible values: {allowed}]"
                        ));
                    }
                });
            }
            ("--express", _) => express = true,
            ("--color", "check" | "graph") => {
                color = value("WHEN")?;
                if !matches!(color.as_str(), "auto" | "always" | "never") {
                    return Err(format!(
                        "invalid value '{color}' for '--color <WHEN>'\n  [possible values: auto, always, never]"
                    ));
                }
            }
            _ => return Err(format!("unexpected argument '{a}' found")),
        }
    }
    let format = format.unwrap_or(if cmd == "graph" {
        Format::Dot
    } else {
        Format::Human
    });
    match (cmd, files.len()) {
        (_, 0) => return Err("the required argument <FILE> was not provided".into()),
        ("graph" | "expand", n) if n > 1 => {
            return Err(format!(
                "unexpected argument '{}' found: one FILE only",
                files[1]
            ));
        }
        _ => {}
    }
    let color = match color.as_str() {
        "always" => true,
        "never" => false,
        _ => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    Ok(Parsed::Run(Opts {
        format,
        express,
        color,
        files,
    }))
}

/// Reads a definition (`-` = standard input); reports an I/O error itself.
fn read(file: &str) -> Option<Source> {
    let text = if file == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(file)
    };
    match text {
        Ok(t) => Some(Source::new(if file == "-" { "<stdin>" } else { file }, t)),
        Err(e) => {
            eprintln!("error: cannot read `{file}`: {e}");
            None
        }
    }
}

fn compile(src: &Source, o: &Opts) -> Checked {
    let machine_type = if o.express {
        MachineType::Express
    } else {
        MachineType::Standard
    };
    asl_syntax::compile_source(
        src,
        &CheckOptions {
            machine_type,
            ..Default::default()
        },
    )
}

fn check(o: &Opts) -> u8 {
    let mut status = 0;
    let mut answers = serde_json::Map::new();
    for file in &o.files {
        let Some(src) = read(file) else {
            status = USAGE;
            continue;
        };
        let checked = compile(&src, o);
        if checked.diagnostics.has_errors() && status == 0 {
            status = 1;
        }
        match o.format {
            Format::Json => {
                answers.insert(file.clone(), render::to_json(&checked.diagnostics));
            }
            _ => eprint!("{}", render::render(&src, &checked.diagnostics, o.color)),
        }
    }
    if o.format == Format::Json {
        // One file: AWS's answer as is (so it can be diffed against the real thing); several:
        // keyed by file name.
        let out = if o.files.len() == 1 {
            answers.into_iter().next().map(|(_, v)| v)
        } else {
            Some(serde_json::Value::Object(answers))
        };
        if let Some(v) = out {
            let text = serde_json::to_string_pretty(&v).unwrap_or_default();
            if writeln!(std::io::stdout(), "{text}").is_err() {
                return USAGE;
            }
        }
    }
    status
}

fn graph_cmd(o: &Opts) -> u8 {
    let Some(src) = read(&o.files[0]) else {
        return USAGE;
    };
    let checked = compile(&src, o);
    eprint!("{}", render::render(&src, &checked.diagnostics, o.color));
    let Some(m) = checked.ok() else {
        return 1;
    };
    let text = match o.format {
        Format::Mermaid => graph::to_mermaid(m),
        _ => graph::to_dot(m),
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => USAGE,
    }
}

fn expand(o: &Opts) -> u8 {
    let file = &o.files[0];
    let Some(src) = read(file) else {
        return USAGE;
    };
    let name = if file == "-" {
        "Machine".to_string()
    } else {
        asl_codegen::machine_name(std::path::Path::new(file))
    };
    let machine_type = if o.express {
        MachineType::Express
    } else {
        MachineType::Standard
    };
    match asl_codegen::generate_source(
        &name,
        &src,
        &CheckOptions {
            machine_type,
            ..Default::default()
        },
    ) {
        Ok(code) => match std::io::stdout().write_all(code.as_bytes()) {
            Ok(()) => 0,
            Err(_) => USAGE,
        },
        Err(e) => {
            eprint!("{e}");
            1
        }
    }
}

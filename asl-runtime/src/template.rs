//! Payload templates (ASL-PT): `Parameters`, `ResultSelector`, `ItemSelector`, `Credentials`
//! and a Pass state's literal `Result`, evaluated on a pre-parsed [`Template`].
//!
//! * keys are already stripped of `.$` by the compiler (ASL-PT-03, ASL-SUB-04);
//! * a `.$` path that selects nothing is `States.Runtime` with AWS's field cause
//!   (`The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '…'`,
//!   ASL-PT-06); an indefinite path gives an array (ASL-SUB-05);
//! * an intrinsic call is evaluated by [`crate::intrinsics`];
//! * literal values are copied unevaluated, even when they look like paths (ASL-PT-04).

use crate::value::{Map, Value, str_of};
use asl_syntax::template::Template;

use crate::{Env, StateError};

/// Evaluates `template` with `$` = `env.input`.
pub fn eval(template: &Template, env: &Env<'_>) -> Result<Value, StateError> {
    eval_in(template, env, "")
}

/// The value of a static template (a Pass state's `Result`, ASL-PT-07); dynamic leaves,
/// which a static template does not have, become `null`. Strings and keys the compiler wrote
/// into statics are used in place.
pub fn constant(template: &Template) -> Value {
    match template {
        Template::Object(fields) => Value::object(
            fields
                .iter()
                .map(|f| (str_of(&f.key), constant(&f.value)))
                .collect(),
        ),
        Template::Array(items) => items.iter().map(constant).collect(),
        Template::Path(_) | Template::Call(_) | Template::Jsonata(_) | Template::Null => {
            Value::Null
        }
        Template::Bool(b) => Value::Bool(*b),
        Template::Number(n) => Value::Number(n.to_json()),
        Template::String(s) => Value::String(str_of(s)),
    }
}

fn eval_in(template: &Template, env: &Env<'_>, key: &str) -> Result<Value, StateError> {
    Ok(match template {
        Template::Object(fields) => {
            let mut out = Map::with_capacity(fields.len());
            for f in fields.iter() {
                let v = eval_in(&f.value, env, &f.key)?;
                out.insert(str_of(&f.key), v);
            }
            Value::object(out)
        }
        Template::Array(items) => Value::array(
            items
                .iter()
                .map(|t| eval_in(t, env, key))
                .collect::<Result<_, _>>()?,
        ),
        Template::Path(p) => crate::path::select(p, env).map_err(|miss| {
            StateError::runtime(miss.field_cause(&format!("{key}.$"), env.input))
        })?,
        Template::Call(c) => crate::intrinsics::eval(c, env)?,
        // A JSONata template is evaluated by `query::Query::template`; in a JSONPath state
        // the string is a literal (the front end never makes one there).
        Template::Jsonata(p) => Value::String(format!("{{%{}%}}", p.text).into()),
        Template::Null => Value::Null,
        Template::Bool(b) => Value::Bool(*b),
        Template::Number(n) => Value::Number(n.to_json()),
        Template::String(s) => Value::String(str_of(s)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use asl_syntax::template::{Field, Template};
    use std::borrow::Cow;

    fn env<'a>(input: &'a Value, ctx: &'a Value) -> Env<'a> {
        Env {
            input,
            context: ctx,
            vars: None,
            draws: None,
        }
    }

    fn path(s: &str) -> Template {
        Template::Path(asl_syntax::path::parse(s).unwrap())
    }

    fn obj(fields: Vec<(&str, Template)>) -> Template {
        Template::Object(Cow::Owned(
            fields
                .into_iter()
                .map(|(k, v)| Field {
                    key: Cow::Owned(k.to_string()),
                    value: v,
                })
                .collect(),
        ))
    }

    #[test]
    fn keys_renamed_and_nested_paths_evaluated_asl_sub_04() {
        let t = obj(vec![
            ("a", path("$.x")),
            ("lit", Template::String("$.x".into())),
            (
                "arr",
                Template::Array(Cow::Owned(vec![obj(vec![("c", path("$$.Name"))])])),
            ),
        ]);
        let input = json!({"x": [1, 2]});
        let ctx = json!({"Name": "n"});
        let v = eval(&t, &env(&input, &ctx)).unwrap();
        assert_eq!(v, json!({"a": [1, 2], "lit": "$.x", "arr": [{"c": "n"}]}));
    }

    #[test]
    fn missing_path_is_runtime_with_field_cause_asl_pt_06() {
        let t = obj(vec![("value", path("$.missing"))]);
        let input = json!({"a": 1});
        let err = eval(&t, &env(&input, &Value::Null)).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$.missing' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
            )
        );
    }

    #[test]
    fn indefinite_path_gives_array_asl_sub_05() {
        let t = obj(vec![("v", path("$.a[*].b"))]);
        let input = json!({"a": [{"b": 1}, {"c": 2}]});
        assert_eq!(
            eval(&t, &env(&input, &Value::Null)).unwrap(),
            json!({"v": [1]})
        );
    }
}

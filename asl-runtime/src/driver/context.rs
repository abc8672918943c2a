//! The context object `$$` (ASL-CTX): built only for states that read it; its `Execution` and
//! `StateMachine` parts are built once per execution, on first use.

use std::sync::Arc;

use crate::json;
use crate::value::{Map, Value};
use jiff::Timestamp;

use super::Exec;
use super::visit::Visit;
use crate::machine::State;

impl Exec<'_> {
    /// `$$.Execution.Name`: given, or a random UUID.
    pub(super) fn name(&self) -> &Arc<str> {
        self.name.get_or_init(|| {
            self.options
                .execution_name
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
                .into()
        })
    }

    /// The execution's ARN, when it was given (`Options::execution_id`).
    pub(super) fn execution_id(&self) -> Option<&String> {
        self.options.execution_id.as_ref()
    }

    pub(super) fn state_machine_name(&self) -> String {
        self.options
            .state_machine_name
            .clone()
            .unwrap_or_else(|| self.m.name.to_string())
    }

    /// `$$.Execution` (ASL-CTX-01..06), with or without `Input`.
    pub(super) fn execution(&self, with_input: bool) -> &Value {
        let cell = if with_input {
            &self.execution
        } else {
            &self.execution_without_input
        };
        cell.get_or_init(|| {
            let o = self.options;
            let name = self.name().to_string();
            let id = o.execution_id.clone().unwrap_or_else(|| {
                format!(
                    "arn:aws:states:us-east-1:111111111111:execution:{}:{name}",
                    self.state_machine_name()
                )
            });
            let role = o
                .role_arn
                .clone()
                .unwrap_or_else(|| "arn:aws:iam::111111111111:role/asl-local".to_string());
            let mut execution = Map::new();
            execution.insert("Id", id.into());
            if with_input {
                execution.insert("Input", self.input.clone().unwrap_or(Value::Null));
            }
            execution.insert(
                "StartTime",
                crate::timestamp::format_context(self.start).into(),
            );
            execution.insert("Name", name.into());
            execution.insert("RoleArn", role.into());
            execution.insert("RedriveCount", self.options.redrive_count.into());
            Value::object(execution)
        })
    }

    /// `$$.StateMachine` (ASL-CTX-08).
    fn state_machine(&self) -> &Value {
        self.state_machine.get_or_init(|| {
            let name = self.state_machine_name();
            let id = self.options.state_machine_id.clone().unwrap_or_else(|| {
                format!("arn:aws:states:us-east-1:111111111111:stateMachine:{name}")
            });
            json!({"Id": id, "Name": name})
        })
    }

    /// The context object for a state visit (ASL-CTX).
    pub(super) fn context(&self, state: &State, entered: Timestamp, retry_count: u32) -> Value {
        let mut c = Map::with_capacity(3);
        c.insert("Execution", self.execution(state.context_input).clone());
        c.insert("StateMachine", self.state_machine().clone());
        c.insert(
            "State",
            json!({
                "EnteredTime": crate::timestamp::format_context(entered),
                "Name": state.name,
                "RetryCount": retry_count,
            }),
        );
        Value::object(c)
    }
}

impl Visit<'_, '_> {
    /// The context object, built only for states that read `$$`. Tasks that wait for a
    /// job or a callback also get `Task.Token`, a new one per attempt (ASL-CTX-09, ASL-SUB-51).
    pub(super) fn ctx(&self, retry_count: u32) -> Value {
        self.ctx_with_token(retry_count, None)
    }

    /// [`Visit::ctx`] with `Task.Token` for a Task attempt that has one.
    pub(super) fn ctx_with_token(&self, retry_count: u32, token: Option<&str>) -> Value {
        if !self.s.uses_context {
            return Value::Null;
        }
        let mut c = self.x.context(self.s, self.entered_at, retry_count);
        if let (Some(token), Some(m)) = (token, c.as_object_mut()) {
            m.insert(
                "Task",
                Value::object(Map::from_iter([("Token", Value::from(token))])),
            );
        }
        c
    }
}

//! The API's errors as AWS JSON 1.0 answers them: an HTTP status and
//! `{"__type": "<name>", "message": "…"}`.

use asl_runtime::engine::ApiError;
use asl_runtime::store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// One error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The error's name (`__type`): `StateMachineDoesNotExist`, `ValidationException`, …
    pub name: &'static str,
    /// The message.
    pub message: String,
    /// The HTTP status: 400 for the caller's errors, 500 for the server's.
    pub status: u16,
}

impl Fault {
    /// A client error (HTTP 400).
    pub fn new(name: &'static str, message: impl Into<String>) -> Fault {
        Fault {
            name,
            message: message.into(),
            status: 400,
        }
    }

    /// `ValidationException`: a member missing or out of its constraints.
    pub fn validation(message: impl Into<String>) -> Fault {
        Fault::new("ValidationException", message)
    }

    /// `SerializationException`: a body that is not the JSON the action takes.
    pub fn serialization(message: impl Into<String>) -> Fault {
        Fault::new("SerializationException", message)
    }

    /// `InvalidArn`.
    pub fn invalid_arn(arn: &str) -> Fault {
        Fault::new("InvalidArn", format!("Invalid Arn: '{arn}'"))
    }

    /// The server's own failure (HTTP 500).
    pub fn internal(message: impl Into<String>) -> Fault {
        Fault {
            name: "InternalServerError",
            message: message.into(),
            status: 500,
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for Fault {}

impl From<ApiError> for Fault {
    fn from(e: ApiError) -> Fault {
        let name = e.name();
        match e {
            ApiError::Store(s) => Fault::from(s),
            other => {
                // The engine's Display is "Name: message".
                let text = other.to_string();
                let message = text
                    .strip_prefix(name)
                    .and_then(|m| m.strip_prefix(": "))
                    .unwrap_or(&text)
                    .to_owned();
                Fault::new(name, message)
            }
        }
    }
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Fault {
        match e {
            StoreError::NotFound(arn) => Fault::new(
                "ExecutionDoesNotExist",
                format!("Execution Does Not Exist: '{arn}'"),
            ),
            StoreError::InvalidToken(t) => {
                Fault::new("InvalidToken", format!("Invalid Token: '{t}'"))
            }
            other => Fault::internal(other.to_string()),
        }
    }
}

impl IntoResponse for Fault {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::json!({ "__type": self.name, "message": self.message });
        (
            status,
            [
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amzn-errortype", self.name),
            ],
            body.to_string(),
        )
            .into_response()
    }
}

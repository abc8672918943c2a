//! JSONata expressions (`{% … %}`, ASL-JA-*).
//!
//! PLACEHOLDER: being written.

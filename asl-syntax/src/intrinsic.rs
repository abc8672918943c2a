//! Intrinsic function calls `States.Xxx(...)` (ASL-FN-*).
//!
//! PLACEHOLDER: being written.

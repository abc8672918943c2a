//! Choice rule operators (placeholder: being written).

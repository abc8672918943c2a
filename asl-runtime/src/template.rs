//! Payload templates (placeholder: being written).

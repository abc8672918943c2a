//! JSONPath evaluation (placeholder: being written).

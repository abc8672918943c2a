//! ASL timestamps (placeholder: being written).

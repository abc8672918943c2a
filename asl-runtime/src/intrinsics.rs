//! The 18 intrinsic functions (placeholder: being written).

//! Integration tests of the asl workspace live in `tests/`.

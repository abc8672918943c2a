//! The order-processing flow, checked while `cargo build` runs.
//!
//! `cargo run --example order_processing` prints what the compiler learned about the machine.
//! (Running it on the tokio runtime comes with the code generator; see ARCHITECTURE.md.)

asl_runtime::asl!(pub OrderProcessing = file "../machines/order-processing.asl.json");

fn main() {
    println!(
        "OrderProcessing: {} states, checked at compile time",
        OrderProcessing::STATES.len()
    );
    for s in OrderProcessing::STATES {
        println!("  - {s}");
    }
}

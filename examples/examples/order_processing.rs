//! The order-processing flow: receive an order, validate the payment (with Retry), check
//! inventory with a Choice, ship each item in a Map, send a confirmation; a Catch routes any
//! failure to a compensation path.
//!
//! The definition is checked and compiled while `cargo build` runs; each Task state is a
//! method of the generated `order_processing::Handler` trait. Run it with
//! `cargo run --example order_processing`.

use std::sync::atomic::{AtomicU32, Ordering};

use asl_runtime::{Options, TaskContext, TaskError, TaskResult, Value, json};

asl_runtime::asl!(pub OrderProcessing = file "../machines/order-processing.asl.json");

/// The Rust behind the Task states.
struct Services {
    /// The payment service is briefly unavailable: it fails this many times first.
    payment_outages: AtomicU32,
}

impl order_processing::Handler for Services {
    async fn validate_payment(&self, input: Value, ctx: TaskContext) -> TaskResult {
        if self.payment_outages.load(Ordering::SeqCst) > 0 {
            self.payment_outages.fetch_sub(1, Ordering::SeqCst);
            println!(
                "  payment service unavailable (attempt {})",
                ctx.retry_count + 1
            );
            return Err(TaskError::new("Payment.Unavailable", "try again"));
        }
        let total = input["Payload"]["total"].as_f64().unwrap_or(0.0);
        Ok(json!({ "Payload": { "approved": total <= 500.0 } }))
    }

    async fn ship_item(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        let sku = input["Payload"]["sku"].as_str().unwrap_or("?");
        Ok(json!({ "Payload": { "sku": sku, "tracking": format!("TRK-{sku}") } }))
    }

    async fn send_confirmation(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        println!("  SNS: {}", input["Message"]);
        Ok(json!({ "MessageId": "m-1" }))
    }

    async fn compensate(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        println!("  refunding order {}", input["Payload"]["orderId"]);
        Ok(json!({}))
    }
}

async fn place(machine: &OrderProcessing, order: Value) {
    println!("order {}:", order["orderId"]);
    let run = machine.execute(order, &Options::default()).await;
    match &run.result {
        Ok(out) => println!("  succeeded: {out}"),
        Err(e) => println!("  failed: {e}"),
    }
    println!("  states: {}", run.states_entered().join(" → "));
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let machine = OrderProcessing::new(Services {
        payment_outages: AtomicU32::new(2),
    });
    place(
        &machine,
        json!({"orderId": "A-1", "total": 120.5, "items": [{"sku": "book"}, {"sku": "lamp"}]}),
    )
    .await;
    place(
        &machine,
        json!({"orderId": "A-2", "total": 9000, "items": [{"sku": "piano"}]}),
    )
    .await;
}

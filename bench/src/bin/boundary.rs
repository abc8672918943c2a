//! What the handler boundary costs: a handler receives and returns `asl_runtime::Value`
//! (no conversion); one that works on `serde_json::Value` or on its own serde types converts.
//! Times each conversion on a typical Task payload (a 12-field order with 3 line items) and on
//! map-fanout's input (10,000 items), beside `serde_json`'s own conversions of the same data.
//!
//! `cargo run --release -p asl-bench --bin boundary` prints one line per conversion.

use std::time::{Duration, Instant};

use asl_runtime::Value;
use asl_runtime::value::{from_value, to_value};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    order_id: String,
    customer: Customer,
    items: Vec<Item>,
    total: f64,
    currency: String,
    express: bool,
    notes: Option<String>,
    tags: Vec<String>,
    created_at: String,
    region: String,
    attempt: u32,
    channel: String,
}

#[derive(Clone, Serialize, Deserialize)]
struct Customer {
    id: String,
    name: String,
    email: String,
}

#[derive(Clone, Serialize, Deserialize)]
struct Item {
    sku: String,
    quantity: u32,
    price: f64,
}

fn order() -> Order {
    Order {
        order_id: "A-1024".into(),
        customer: Customer {
            id: "C-77".into(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
        },
        items: (0..3)
            .map(|i| Item {
                sku: format!("SKU-{i:04}"),
                quantity: i + 1,
                price: 9.99 * f64::from(i + 1),
            })
            .collect(),
        total: 59.94,
        currency: "EUR".into(),
        express: true,
        notes: Some("leave at the door, ring twice".into()),
        tags: vec!["gift".into(), "priority".into()],
        created_at: "2026-11-30T10:00:00Z".into(),
        region: "eu-west-1".into(),
        attempt: 1,
        channel: "web".into(),
    }
}

/// Nanoseconds per call: the fastest of five blocks of ~0.2 s.
fn time<T>(mut f: impl FnMut() -> T) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_millis(200) {
            std::hint::black_box(f());
            n += 1;
        }
        best = best.min(start.elapsed().as_nanos() as f64 / n as f64);
    }
    best
}

fn main() {
    let o = order();
    let json = serde_json::to_value(&o).expect("serializes");
    let value = Value::from(&json);
    let rows = [
        (
            "order: typed -> serde_json::Value (serde_json::to_value)",
            time(|| serde_json::to_value(&o).unwrap()),
        ),
        (
            "order: typed -> asl Value (value::to_value)",
            time(|| to_value(&o).unwrap()),
        ),
        (
            "order: serde_json::Value -> typed (serde_json::from_value)",
            time(|| serde_json::from_value::<Order>(json.clone()).unwrap()),
        ),
        (
            "order: asl Value -> typed (value::from_value)",
            time(|| from_value::<Order>(value.clone()).unwrap()),
        ),
        (
            "order: serde_json::Value -> asl Value (From)",
            time(|| Value::from(&json)),
        ),
        (
            "order: asl Value -> serde_json::Value (From)",
            time(|| serde_json::Value::from(&value)),
        ),
        (
            "order: serde_json::Value clone (deep)",
            time(|| json.clone()),
        ),
        ("order: asl Value clone (shared)", time(|| value.clone())),
    ];
    let items = asl_bench::input(&asl_bench::MAP_FANOUT);
    let items_value = Value::from(&items);
    let big = [
        (
            "map-fanout input (10,000 items): serde_json::Value -> asl Value",
            time(|| Value::from(&items)),
        ),
        (
            "map-fanout input: asl Value -> serde_json::Value",
            time(|| serde_json::Value::from(&items_value)),
        ),
        (
            "map-fanout input: serde_json::Value clone (deep)",
            time(|| items.clone()),
        ),
    ];
    for (what, ns) in rows.iter().chain(big.iter()) {
        println!("{what:70} {:>12.0} ns", ns);
    }
}

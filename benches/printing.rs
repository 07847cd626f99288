//! `cargo bench --bench printing`: plans per second on one thread (with the map), bytes per
//! one-page plan, and 500 plans one after another (the combined district-batch PDF is not built
//! yet; this is the rendering work such a batch needs).

use std::hint::black_box;
use std::time::Instant;

use sasaeai::reports::plan::example::sample_plan;
use sasaeai::reports::plan::render;

fn main() {
    let plan = sample_plan();
    let bytes = render(&plan).unwrap_or_else(|e| panic!("render: {e}"));
    println!("one-page plan: {} bytes", bytes.len());

    let start = Instant::now();
    let mut total = 0usize;
    let rounds = 300;
    for i in 0..rounds {
        let mut copy = plan.clone();
        copy.serial = format!("P-{i:06}");
        total += black_box(render(&copy).map(|b| b.len()).unwrap_or(0));
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "plans per second on one thread: {:.0} ({rounds} plans, {total} bytes)",
        rounds as f64 / seconds
    );

    let start = Instant::now();
    for i in 0..500 {
        let mut copy = plan.clone();
        copy.serial = format!("B-{i:06}");
        black_box(render(&copy).map(|b| b.len()).unwrap_or(0));
    }
    println!(
        "500 plans rendered one after another: {:.2} s",
        start.elapsed().as_secs_f64()
    );
}

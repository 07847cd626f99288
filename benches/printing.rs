//! `cargo bench --bench printing`: plans per second on one thread (with the map), bytes per
//! one-page plan, a 500-plan district batch as one PDF (cover and all plans), and a
//! 500-person safety-check sheet.

use std::hint::black_box;
use std::time::Instant;

use sasaeai::reports::plan::example::sample_plan;
use sasaeai::reports::plan::{BatchCover, render, render_batch};
use sasaeai::reports::sheet::{example::sample_sheet, render_sheet};

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

    // A district of 500 people, each plan with its own name and serial-free body.
    let plans: Vec<_> = (0..500)
        .map(|i| {
            let mut copy = plan.clone();
            copy.person.name = format!("久留米 花子{i}");
            copy
        })
        .collect();
    let cover = BatchCover {
        serial: "P-000500".into(),
        district: "D01 城南校区".into(),
        tier: None,
        printed_by: "bench".into(),
        holder: "城南校区 民生委員".into(),
        printed_on: plan.written_on,
        omitted: Vec::new(),
    };
    let start = Instant::now();
    let batch = render_batch(&cover, &plans, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("render batch: {e}"));
    println!(
        "500-plan district batch, one PDF: {:.2} s, {} bytes",
        start.elapsed().as_secs_f64(),
        batch.len()
    );

    let sheet = sample_sheet(500);
    let start = Instant::now();
    let bytes = render_sheet(&sheet, &mut |_, _| {}).unwrap_or_else(|e| panic!("sheet: {e}"));
    println!(
        "500-person safety-check sheet: {:.2} s, {} bytes",
        start.elapsed().as_secs_f64(),
        bytes.len()
    );
}

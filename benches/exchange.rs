//! `cargo bench --bench exchange`: a 100,000-row registrant CSV on SQLite: the dry run (read,
//! validate, compare with the stored register), the apply (one transaction), and a second dry
//! run of the same file against the now full register (every row "unchanged").

use std::fmt::Write as _;
use std::time::Instant;

use sasaeai::config::Settings;
use sasaeai::rng::{splitmix64, unit};
use sasaeai::services::AppContext;
use sasaeai::services::exchange::import_registrants;

const ROWS: usize = 100_000;

fn file(rows: usize) -> Vec<u8> {
    let mut state = 42;
    let family = [
        "髙橋", "山﨑", "渡邊", "田中", "鈴木", "佐藤", "中村", "小林",
    ];
    let given = ["花子", "一郎", "ハナ", "①子", "トメ", "次郎"];
    let reasons = [
        "要介護認定",
        "65歳以上のみの世帯",
        "身体障害者手帳",
        "要介護認定、療育手帳",
    ];
    let mut text = String::from(
        "宛名番号,氏名,フリガナ,生年月日,性別,住所,電話番号,避難支援を要する理由,緯度,経度,要介護度\r\n",
    );
    for i in 0..rows {
        let r = splitmix64(&mut state);
        let pick = |n: usize, shift: u32| usize::try_from(r >> shift).unwrap_or(0) % n;
        let _ = write!(
            text,
            "{:08},{}　{},ﾀﾅｶ ﾊﾅｺ,S{}.{}.{},{},久留米市城南町{}-{},0942-{:02}-{:04},{},{:.5},{:.5},{}\r\n",
            i + 1,
            family[pick(family.len(), 0)],
            given[pick(given.len(), 8)],
            2 + pick(60, 16),
            1 + pick(12, 24),
            1 + pick(28, 32),
            if r.is_multiple_of(2) { "女" } else { "男" },
            1 + pick(30, 40),
            1 + pick(20, 44),
            pick(100, 48),
            i % 10_000,
            reasons[pick(reasons.len(), 52)],
            33.25 + 0.1 * unit(splitmix64(&mut state)),
            130.45 + 0.12 * unit(splitmix64(&mut state)),
            1 + pick(5, 56),
        );
    }
    text.into_bytes()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("sasaeai-bench-exchange-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.join("bench.db").display()),
        ..Settings::default()
    };
    let ctx = AppContext::open(settings)?;
    let bytes = file(ROWS);
    println!("file: {ROWS} rows, {:.1} MB", bytes.len() as f64 / 1e6);

    let started = Instant::now();
    let bench = sasaeai::services::access::Caller::local("bench");
    let dry = import_registrants(&ctx, &bytes, None, true, &bench)?;
    println!(
        "dry run, empty register: {:>6.2} s  (created {}, rejected {})",
        started.elapsed().as_secs_f64(),
        dry.created,
        dry.rejected
    );

    let started = Instant::now();
    let applied = import_registrants(&ctx, &bytes, None, false, &bench)?;
    println!(
        "apply (one transaction):  {:>6.2} s  (created {}, applied {})",
        started.elapsed().as_secs_f64(),
        applied.created,
        applied.applied
    );

    let started = Instant::now();
    let again = import_registrants(&ctx, &bytes, None, true, &bench)?;
    println!(
        "dry run, full register:   {:>6.2} s  (unchanged {})",
        started.elapsed().as_secs_f64(),
        again.unchanged
    );
    drop(ctx);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

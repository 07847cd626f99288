//! `cargo bench --bench volunteer_centre`: the desk's check-in latency through HTTP with 2,000
//! volunteers registered (the real server on SQLite in a temporary directory), and the time to
//! propose the day's teams for 2,000 checked-in volunteers and 500 help requests through the
//! service (database reads, the algorithm and storing the teams, in one transaction).

#![expect(
    clippy::expect_used,
    reason = "a benchmark step that fails should stop at once"
)]

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sasaeai::config::Settings;
use sasaeai::domain::volunteer::{GroupInput, HelpRequestInput, VolunteerInput};
use sasaeai::services::AppContext;
use sasaeai::services::volunteer_centre as centre;

const VOLUNTEERS: usize = 2_000;
const REQUESTS: usize = 500;
const DAY: &str = "2026-07-10";
const SKILLS: [&str; 4] = ["driving", "heavy_machinery", "nursing", "chainsaw"];

/// A small deterministic generator (SplitMix64), so every run measures the same town.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn person(rng: &mut Rng, i: usize) -> VolunteerInput {
    let minor = rng.below(10) == 0;
    let mut skills = Vec::new();
    if rng.below(4) == 0 {
        skills.push(SKILLS[rng.below(4) as usize].to_owned());
    }
    VolunteerInput {
        name: Some(format!("参加 {i}")),
        phone: Some(format!("090-{:04}-{:04}", i / 10_000, i % 10_000)),
        age_band: Some(if minor { "under_18" } else { "30_39" }.to_owned()),
        insured: Some(true),
        guardian_consent: Some(minor),
        skills: Some(skills),
        ..VolunteerInput::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let dir = std::env::temp_dir().join(format!("sasaeai-bench-vc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.join("bench.db").display()),
        workers: 2,
        pool_size: 4,
        ..Settings::default()
    };
    let ctx = Arc::new(AppContext::open(settings).expect("open database"));
    let setup = sasaeai::services::access::Caller::local("bench-setup");
    let mut rng = Rng(0x5A5A_0707);

    // 2,000 volunteers, about a fifth of them in groups of 3–6.
    let start = Instant::now();
    let mut numbers = Vec::with_capacity(VOLUNTEERS);
    while numbers.len() < VOLUNTEERS {
        let i = numbers.len();
        if rng.below(20) == 0 && VOLUNTEERS - i >= 6 {
            let size = 3 + rng.below(4) as usize;
            let mut members: Vec<VolunteerInput> =
                (0..size).map(|k| person(&mut rng, i + k)).collect();
            members[0].age_band = Some("40_49".into());
            let party = centre::register_group(
                &ctx,
                &setup,
                &GroupInput {
                    party_name: Some(format!("団体 {i}")),
                    members: Some(members),
                },
            )
            .expect("register group");
            numbers.extend(party.members.into_iter().map(|v| v.registration_number));
        } else {
            let v =
                centre::register_volunteer(&ctx, &setup, &person(&mut rng, i)).expect("register");
            numbers.push(v.registration_number);
        }
    }
    println!(
        "registered {} volunteers in {:.2} s",
        numbers.len(),
        start.elapsed().as_secs_f64()
    );

    // The real server on port 0.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = std::sync::mpsc::channel();
    let server_ctx = ctx.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = sasaeai::http::serve(server_ctx, listener).expect("serve");
            tx.send(server.handle()).expect("handle");
            let _ = server.await;
        });
    });
    let handle = rx.recv().expect("server started");
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    // The reception desk logs in as a volunteer-centre user: every check-in carries its token,
    // so the figure includes checking the session.
    sasaeai::services::access::add_user(
        &ctx,
        &sasaeai::services::access::Caller::local("bench-setup"),
        &sasaeai::services::access::NewUser {
            username: Some("desk".into()),
            role: Some("volunteer_centre".into()),
            districts: None,
            password: Some("reception-desk-1".into()),
        },
    )
    .expect("add the desk user");
    let login: serde_json::Value = agent
        .post(&format!("{base}/api/v1/sessions"))
        .header("content-type", "application/json")
        .send(br#"{"username":"desk","password":"reception-desk-1"}"#.as_slice())
        .expect("login")
        .body_mut()
        .read_json()
        .expect("session");
    let auth = format!("Bearer {}", login["token"].as_str().unwrap_or_default());
    let body = format!("{{\"date\":\"{DAY}\"}}");
    let mut latencies = Vec::with_capacity(numbers.len());
    for number in &numbers {
        let url = format!("{base}/api/v1/volunteer-centre/volunteers/{number}/check-ins");
        let t = Instant::now();
        let response = agent
            .post(&url)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .send(body.as_bytes())
            .expect("check-in reaches the server");
        latencies.push(t.elapsed());
        assert_eq!(response.status().as_u16(), 201, "check-in of {number}");
    }
    latencies.sort_unstable();
    println!(
        "check-in by registration number over HTTP ({} volunteers registered): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        numbers.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );

    // 500 help requests within about 3 km of the centre.
    for i in 0..REQUESTS {
        let skills = if rng.below(5) == 0 {
            vec![SKILLS[rng.below(4) as usize].to_owned()]
        } else {
            Vec::new()
        };
        centre::create_help_request(
            &ctx,
            &setup,
            &HelpRequestInput {
                requester_name: Some(format!("依頼 {i}")),
                address: Some(format!("久留米市城島町{i}")),
                latitude: Some(33.31 + (rng.unit() - 0.5) * 0.05),
                longitude: Some(130.51 + (rng.unit() - 0.5) * 0.05),
                work_types: Some(vec!["mud_removal".into()]),
                people_needed: Some(1 + rng.below(8) as i64),
                skills_needed: Some(skills),
                priority: Some(1 + rng.below(3) as i64),
                ..HelpRequestInput::default()
            },
        )
        .expect("help request");
    }

    let day = centre::parse_day("date", DAY).expect("day");
    let mut times = Vec::new();
    let mut summary = (0, 0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let proposal = centre::propose(&ctx, &setup, day).expect("propose");
        times.push(t.elapsed());
        summary = (
            proposal.teams.len(),
            proposal.unmet.len(),
            proposal.idle.len(),
        );
    }
    times.sort_unstable();
    println!(
        "team proposal, {VOLUNTEERS} volunteers and {REQUESTS} requests (service, stored): median {:.0} ms, max {:.0} ms; {} teams, {} unmet, {} idle",
        percentile(&times, 0.5),
        percentile(&times, 1.0),
        summary.0,
        summary.1,
        summary.2
    );

    let t = Instant::now();
    let roster = centre::roster_pdf(&ctx, day, "", &setup).expect("roster");
    println!(
        "roster of {} teams: {:.2} s, {} bytes",
        summary.0,
        t.elapsed().as_secs_f64(),
        roster.bytes.len()
    );

    actix_web::rt::System::new().block_on(handle.stop(false));
    drop(ctx);
    let _ = std::fs::remove_dir_all(&dir);
}

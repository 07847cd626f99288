//! Seeded property tests for the parsing and key functions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, NaiveDate};

use super::era::{era_abbreviation, parse_date, wareki};
use super::normalize::{
    address_key, fold_kana, fold_variants, fold_width, kana_key, name_key, phone_key,
};

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let z = (*state ^ (*state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn below(state: &mut u64, n: usize) -> usize {
    (splitmix64(state) % n as u64) as usize
}

fn pick(state: &mut u64, set: &[char]) -> char {
    set[below(state, set.len())]
}

/// Character pools for random text, collected once.
struct Pools {
    date: Vec<char>,
    kana: Vec<char>,
    address: Vec<char>,
    variants: Vec<char>,
}

impl Pools {
    fn new() -> Self {
        Pools {
            date: DATE_PARTS.chars().collect(),
            kana: "ｶﾞｷﾞﾊﾟﾞﾟｰｳｦﾜｧｯ｡｢｣､･ぁがゔゕヴヵヶー・".chars().collect(),
            address: "〇一二三四五六七八九十百千丁目番地号のノ‐―−"
                .chars()
                .collect(),
            variants: "髙﨑邊齋濱澤龍𠮷\u{F9C4}\u{FA10}".chars().collect(),
        }
    }
}

fn any_char(state: &mut u64) -> char {
    loop {
        if let Some(c) = char::from_u32((splitmix64(state) % 0x11_0000) as u32) {
            return c;
        }
    }
}

const DATE_PARTS: &str =
    "0123456789-/.年月日元明大昭平令治正和成MTSHRmtshr０１２３４５６７８９－／． 　";

fn random_text(state: &mut u64, pools: &Pools) -> String {
    let len = below(state, 24);
    (0..len)
        .map(|_| match below(state, 10) {
            0..=5 => pick(state, &pools.date),
            6 => pick(state, &pools.kana),
            7 => pick(state, &pools.address),
            8 => pick(state, &pools.variants),
            _ => any_char(state),
        })
        .collect()
}

#[test]
fn never_panics() {
    let mut state = 0x5EED_0001;
    let pools = Pools::new();
    for _ in 0..200_000 {
        let s = random_text(&mut state, &pools);
        let _ = parse_date(&s);
        let _ = name_key(&s);
        let _ = kana_key(&s);
        let _ = address_key(&s);
        let _ = phone_key(&s);
        let _ = fold_kana(&s);
        let _ = fold_variants(&s);
    }
    // Huge digit strings must not overflow.
    let big = "9".repeat(10_000);
    assert!(parse_date(&big).is_err());
    assert!(parse_date(&format!("{big}-1-1")).is_err());
    assert!(parse_date(&format!("S{big}.1.1")).is_err());
    let _ = address_key(&"九".repeat(10_000));
    let _ = address_key(&format!("{}番地", "千".repeat(10_000)));
}

#[test]
fn dates_round_trip() {
    let mut date = NaiveDate::from_ymd_opt(1868, 10, 23).unwrap();
    let last = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap();
    let mut count = 0;
    while date <= last {
        assert_eq!(parse_date(&wareki(date)), Ok(date), "{date}");
        assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
        let (letter, kanji, year) = era_abbreviation(date).unwrap();
        let (m, d) = (date.month(), date.day());
        for form in [
            format!("{letter}{year}.{m}.{d}"),
            format!("{kanji}{year}/{m}/{d}"),
            format!("{}{year}-{m:02}-{d:02}", letter.to_ascii_lowercase()),
        ] {
            assert_eq!(parse_date(&form), Ok(date), "{form}");
        }
        date = date.succ_opt().unwrap();
        count += 1;
    }
    assert!(count > 84_000);
}

#[test]
fn keys_idempotent() {
    let mut state = 0x5EED_0002;
    let pools = Pools::new();
    let kana: Vec<char> = "あいうえおかがきぎくぐぱぴっゃゅょゎゔゕゖアイウエオカガパピッャュョヮヴヵヶヂヅヲーｶﾞｷﾞﾊﾟｯｰﾞﾟ・ 　"
        .chars()
        .collect();
    for _ in 0..50_000 {
        let len = below(&mut state, 16);
        let s: String = (0..len).map(|_| pick(&mut state, &kana)).collect();
        let k = kana_key(&s);
        assert_eq!(kana_key(&k), k, "{s}");
        let n = name_key(&s);
        assert_eq!(name_key(&n), n, "{s}");
        let w = fold_width(&s);
        assert_eq!(fold_width(&w), w, "{s}");

        let t = random_text(&mut state, &pools);
        let n = name_key(&t);
        assert_eq!(name_key(&n), n, "{t}");
        let k = kana_key(&t);
        assert_eq!(kana_key(&k), k, "{t}");
        let a = address_key(&t);
        assert_eq!(address_key(&a), a, "{t}");
    }
}

//! Japanese era (和暦) dates: printed as 令和8年4月1日, and read back in the forms staff and
//! municipal files write (1950-04-01, 1950/4/1, 昭和25年4月1日, S25.4.1, 昭25.4.1).
//!
//! Pure: depends only on chrono. A new era starts on the day of accession and its first year
//! is 元年. Dates before the Meiji era as reckoned in the Gregorian calendar (1868-10-23) are
//! printed in the Western form, since a wrong era would be worse than none.

use chrono::{Datelike, NaiveDate};

use super::normalize::fold_width;

/// A Japanese era: name, Latin abbreviation, single-kanji abbreviation and first day.
struct Era {
    /// Full name, e.g. 昭和.
    name: &'static str,
    /// Latin abbreviation, e.g. S.
    letter: char,
    /// Single-kanji abbreviation, e.g. 昭.
    kanji: char,
    /// First day as (year, month, day).
    start: (i32, u32, u32),
}

/// Eras from 明治 on, oldest first.
const ERAS: [Era; 5] = [
    Era {
        name: "明治",
        letter: 'M',
        kanji: '明',
        start: (1868, 10, 23),
    },
    Era {
        name: "大正",
        letter: 'T',
        kanji: '大',
        start: (1912, 7, 30),
    },
    Era {
        name: "昭和",
        letter: 'S',
        kanji: '昭',
        start: (1926, 12, 25),
    },
    Era {
        name: "平成",
        letter: 'H',
        kanji: '平',
        start: (1989, 1, 8),
    },
    Era {
        name: "令和",
        letter: 'R',
        kanji: '令',
        start: (2019, 5, 1),
    },
];

/// Message for text that is not a date in any accepted form.
const UNREADABLE: &str = "日付として読めません（例: 1950-04-01、昭和25年4月1日、S25.4.1）";

/// First day of an era.
fn era_start(era: &Era) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(era.start.0, era.start.1, era.start.2)
}

/// Era year as written in Japanese: 元 for the first year.
fn era_year_text(year: u32) -> String {
    if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    }
}

/// Reads a run of ASCII digits of at most `max_len` characters starting at `*pos`.
fn read_number(chars: &[char], pos: &mut usize, max_len: usize) -> Option<u32> {
    let start = *pos;
    let mut value: u32 = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        if *pos - start >= max_len {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(d)?;
        *pos += 1;
    }
    if *pos == start { None } else { Some(value) }
}

/// Reads an era prefix (full name, Latin letter or single kanji) at `*pos`.
fn read_era(chars: &[char], pos: &mut usize) -> Option<usize> {
    let first = *chars.get(*pos)?;
    for (i, era) in ERAS.iter().enumerate() {
        let mut name = era.name.chars();
        if name.next() == Some(first)
            && name.next().is_some_and(|c| chars.get(*pos + 1) == Some(&c))
        {
            *pos += 2;
            return Some(i);
        }
    }
    let index = ERAS
        .iter()
        .position(|e| e.kanji == first || e.letter == first.to_ascii_uppercase())?;
    *pos += 1;
    Some(index)
}

/// Parses a date written as `1950-04-01`, `1950/4/1`, `1950.4.1`, `1950年4月1日`,
/// `昭和25年4月1日`, `昭和元年12月25日`, `S25.4.1` or `昭25.4.1` (eras 明治 to 令和).
///
/// Returns a Japanese message for staff when the text is not a valid date.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let chars: Vec<char> = fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            other => other,
        })
        .collect();
    if chars.is_empty() {
        return Err("日付が入力されていません".to_string());
    }
    let unreadable = || UNREADABLE.to_string();
    let mut pos = 0;
    let era = read_era(&chars, &mut pos);
    let year = if era.is_some() && chars.get(pos) == Some(&'元') {
        pos += 1;
        1
    } else {
        let start = pos;
        let y = read_number(&chars, &mut pos, 4).ok_or_else(unreadable)?;
        if era.is_none() && pos - start != 4 {
            return Err(unreadable());
        }
        y
    };
    let kanji_style = match chars.get(pos) {
        Some('年') => true,
        Some('-' | '/' | '.') => false,
        _ => return Err(unreadable()),
    };
    let sep = chars.get(pos).copied();
    pos += 1;
    let month = read_number(&chars, &mut pos, 2).ok_or_else(unreadable)?;
    let month_sep = if kanji_style { Some('月') } else { sep };
    if chars.get(pos).copied() != month_sep {
        return Err(unreadable());
    }
    pos += 1;
    let day = read_number(&chars, &mut pos, 2).ok_or_else(unreadable)?;
    if kanji_style {
        if chars.get(pos) != Some(&'日') {
            return Err(unreadable());
        }
        pos += 1;
    }
    if pos != chars.len() {
        return Err(unreadable());
    }
    if year == 0 {
        return Err("年に0は指定できません".to_string());
    }

    let Some(era_index) = era else {
        let y = i32::try_from(year).map_err(|_| unreadable())?;
        return NaiveDate::from_ymd_opt(y, month, day)
            .ok_or_else(|| format!("{year}年{month}月{day}日は存在しない日付です"));
    };
    let era = ERAS.get(era_index).ok_or_else(unreadable)?;
    let label = format!("{}{}年{month}月{day}日", era.name, era_year_text(year));
    let y = era
        .start
        .0
        .checked_add(i32::try_from(year).map_err(|_| unreadable())? - 1)
        .ok_or_else(unreadable)?;
    let date = NaiveDate::from_ymd_opt(y, month, day)
        .ok_or_else(|| format!("{label}は存在しない日付です"))?;
    let start = era_start(era).ok_or_else(unreadable)?;
    let end = ERAS.get(era_index + 1).and_then(era_start);
    if date < start || end.is_some_and(|e| date >= e) {
        return Err(format!("{label}は{}の期間外です", era.name));
    }
    Ok(date)
}

/// Finds the era containing `date` and the era year, if the date is on or after 明治.
fn era_of(date: NaiveDate) -> Option<(&'static Era, u32)> {
    let era = ERAS
        .iter()
        .rev()
        .find(|e| era_start(e).is_some_and(|s| s <= date))?;
    let year = u32::try_from(date.year() - era.start.0 + 1).ok()?;
    Some((era, year))
}

/// The date in the Japanese era: `令和8年4月1日` for 2026-04-01.
///
/// Year 1 of an era is written 元年 (`令和元年5月1日`); the switch happens on the first day
/// of the new era (2019-04-30 is 平成31年, 2019-05-01 is 令和元年). Dates before Meiji come
/// back as `西暦1850年1月1日`.
///
/// ```
/// # use sasaeai::domain::era::wareki;
/// let d = chrono::NaiveDate::from_ymd_opt(2019, 5, 1).unwrap();
/// assert_eq!(wareki(d), "令和元年5月1日");
/// ```
pub fn wareki(date: NaiveDate) -> String {
    match era_of(date) {
        Some((era, year)) => format!(
            "{}{}年{}月{}日",
            era.name,
            era_year_text(year),
            date.month(),
            date.day()
        ),
        None => format!("西暦{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// The era date with the ISO date beside it: `令和8年4月1日（2026-04-01）`.
///
/// The Western date is for readers who do not count in eras (and for sorting printed copies).
pub fn wareki_with_western(date: NaiveDate) -> String {
    format!("{}（{}）", wareki(date), date.format("%Y-%m-%d"))
}

/// Latin letter, kanji abbreviation and era year of a date (for round-trip tests).
#[cfg(test)]
pub(crate) fn era_abbreviation(date: NaiveDate) -> Option<(char, char, u32)> {
    era_of(date).map(|(e, y)| (e.letter, e.kanji, y))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn western_forms() {
        let want = d(1950, 4, 1);
        for s in [
            "1950-04-01",
            "1950/4/1",
            "1950.4.1",
            "1950年4月1日",
            " １９５０－０４－０１ ",
            "1950 年 4 月 1 日",
            "１９５０／４／１",
        ] {
            assert_eq!(parse_date(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn era_forms() {
        let want = d(1950, 4, 1);
        for s in [
            "昭和25年4月1日",
            "昭和 25年 4月 1日",
            "昭和２５年４月１日",
            "S25.4.1",
            "S25/4/1",
            "S25-4-1",
            "s25.4.1",
            "昭25.4.1",
            "昭和25.4.1",
            "Ｓ２５．４．１",
        ] {
            assert_eq!(parse_date(s), Ok(want), "{s}");
        }
        assert_eq!(parse_date("昭和元年12月25日"), Ok(d(1926, 12, 25)));
        assert_eq!(parse_date("H1.1.8"), Ok(d(1989, 1, 8)));
        assert_eq!(parse_date("平成元年1月8日"), Ok(d(1989, 1, 8)));
        assert_eq!(parse_date("R8.4.1"), Ok(d(2026, 4, 1)));
        assert_eq!(parse_date("令8.4.1"), Ok(d(2026, 4, 1)));
        assert_eq!(parse_date("M1.10.23"), Ok(d(1868, 10, 23)));
        assert_eq!(parse_date("明治45年7月29日"), Ok(d(1912, 7, 29)));
        assert_eq!(parse_date("T1.7.30"), Ok(d(1912, 7, 30)));
        assert_eq!(parse_date("大15.12.24"), Ok(d(1926, 12, 24)));
        assert_eq!(parse_date("昭和64年1月7日"), Ok(d(1989, 1, 7)));
        assert_eq!(parse_date("平成31年4月30日"), Ok(d(2019, 4, 30)));
        assert_eq!(parse_date("令和元年5月1日"), Ok(d(2019, 5, 1)));
    }

    #[test]
    fn out_of_era() {
        assert_eq!(
            parse_date("昭和64年1月8日"),
            Err("昭和64年1月8日は昭和の期間外です".to_string())
        );
        assert_eq!(
            parse_date("平成元年1月7日"),
            Err("平成元年1月7日は平成の期間外です".to_string())
        );
        assert!(parse_date("大正15年12月25日").is_err());
        assert!(parse_date("平成32年1月1日").is_err());
        assert!(parse_date("平成31年5月1日").is_err());
        assert!(parse_date("令和元年4月30日").is_err());
        assert!(parse_date("明治元年10月22日").is_err());
        assert!(parse_date("明治46年1月1日").is_err());
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "   ",
            "1950/4/31",
            "1950-02-30",
            "昭和25年2月30日",
            "0000-01-01",
            "昭和0年1月1日",
            "S0.1.1",
            "50-4-1",
            "1950-4/1",
            "1950年4月1",
            "1950-04-01-",
            "19500401",
            "X25.4.1",
            "昭和年4月1日",
            "1950-13-01",
            "1950-00-10",
            "1950-01-00",
            "99999999999999999999-1-1",
            "S99999999999999999999.1.1",
            "1950-999999999999-1",
            "元年4月1日",
            "昭和25年4月1日です",
            "平成",
        ] {
            assert!(parse_date(s).is_err(), "{s}");
        }
        assert_eq!(parse_date("1950/4/1x"), Err(UNREADABLE.to_string()));
        assert_eq!(parse_date(""), Err("日付が入力されていません".to_string()));
        assert_eq!(
            parse_date("1950/4/31"),
            Err("1950年4月31日は存在しない日付です".to_string())
        );
        assert_eq!(
            parse_date("昭和0年1月1日"),
            Err("年に0は指定できません".to_string())
        );
    }

    #[test]
    fn wareki_format() {
        assert_eq!(wareki(d(2026, 4, 1)), "令和8年4月1日");
        assert_eq!(wareki(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(wareki(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(wareki(d(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(wareki(d(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(wareki(d(1868, 10, 23)), "明治元年10月23日");
        assert_eq!(wareki(d(1868, 10, 22)), "西暦1868年10月22日");
        assert_eq!(wareki(d(1850, 1, 1)), "西暦1850年1月1日");
    }

    mod printing {
        use super::super::*;

        fn date(y: i32, m: u32, d: u32) -> NaiveDate {
            NaiveDate::from_ymd_opt(y, m, d).unwrap()
        }

        #[test]
        fn last_day_of_showa_is_showa_64() {
            assert_eq!(wareki(date(1989, 1, 7)), "昭和64年1月7日");
        }

        #[test]
        fn first_day_of_heisei_is_heisei_gannen() {
            assert_eq!(wareki(date(1989, 1, 8)), "平成元年1月8日");
        }

        #[test]
        fn last_day_of_heisei_is_heisei_31() {
            assert_eq!(wareki(date(2019, 4, 30)), "平成31年4月30日");
        }

        #[test]
        fn first_day_of_reiwa_is_reiwa_gannen() {
            assert_eq!(wareki(date(2019, 5, 1)), "令和元年5月1日");
        }

        #[test]
        fn reiwa_8_is_2026() {
            assert_eq!(wareki(date(2026, 4, 1)), "令和8年4月1日");
        }

        #[test]
        fn first_day_of_showa_is_showa_gannen_and_the_day_before_is_taisho_15() {
            assert_eq!(wareki(date(1926, 12, 25)), "昭和元年12月25日");
            assert_eq!(wareki(date(1926, 12, 24)), "大正15年12月24日");
        }

        #[test]
        fn date_before_meiji_is_printed_in_the_western_form() {
            assert_eq!(wareki(date(1850, 1, 1)), "西暦1850年1月1日");
        }

        #[test]
        fn western_date_is_printed_beside_the_era_date() {
            assert_eq!(
                wareki_with_western(date(2026, 4, 1)),
                "令和8年4月1日（2026-04-01）"
            );
        }
    }
}

//! Japanese era (和暦) dates for printed documents: 令和8年4月1日.
//!
//! Pure: depends only on chrono. Japanese public documents write dates in the era of the
//! reigning emperor; a new era starts on the day of accession, and its first year is 元年.
//! Dates before the Meiji era as reckoned in the Gregorian calendar (1868-10-23) are printed
//! in the Western form, since a wrong era would be worse than none.

use chrono::{Datelike, NaiveDate};

/// An era: its name and its first day (proleptic Gregorian).
struct Era {
    name: &'static str,
    first_day: (i32, u32, u32),
}

/// Newest first, so that the first era starting on or before a date is its era.
const ERAS: [Era; 5] = [
    Era {
        name: "令和",
        first_day: (2019, 5, 1),
    },
    Era {
        name: "平成",
        first_day: (1989, 1, 8),
    },
    Era {
        name: "昭和",
        first_day: (1926, 12, 25),
    },
    Era {
        name: "大正",
        first_day: (1912, 7, 30),
    },
    Era {
        name: "明治",
        first_day: (1868, 10, 23),
    },
];

/// The date in the Japanese era: `令和8年4月1日` for 2026-04-01.
///
/// Year 1 of an era is written 元年 (`令和元年5月1日`); the switch happens on the first day
/// of the new era (2019-04-30 is 平成31年, 2019-05-01 is 令和元年). Meiji, Taishō, Shōwa,
/// Heisei and Reiwa are known; an earlier date comes back as `西暦1850年1月1日`.
///
/// ```
/// # use sasaeai::reports::era::wareki;
/// let d = chrono::NaiveDate::from_ymd_opt(2019, 5, 1).unwrap();
/// assert_eq!(wareki(d), "令和元年5月1日");
/// ```
pub fn wareki(date: NaiveDate) -> String {
    let era = ERAS.iter().find(|era| {
        let (y, m, d) = era.first_day;
        NaiveDate::from_ymd_opt(y, m, d).is_some_and(|first| first <= date)
    });
    match era {
        Some(era) => {
            let year = date.year() - era.first_day.0 + 1;
            let year = if year == 1 {
                "元".to_owned()
            } else {
                year.to_string()
            };
            format!("{}{}年{}月{}日", era.name, year, date.month(), date.day())
        }
        None => format!("西暦{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// The era date with the ISO date beside it: `令和8年4月1日（2026-04-01）`.
///
/// The Western date is for readers who do not count in eras (and for sorting printed copies).
pub fn wareki_with_western(date: NaiveDate) -> String {
    format!("{}（{}）", wareki(date), date.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! Rules for the text that staff type: names, kana, phone numbers, free notes.

/// Longest name, address or short field accepted, in characters.
pub const MAX_SHORT: usize = 200;
/// Longest free-text note accepted, in characters.
pub const MAX_NOTE: usize = 4000;

/// Trims and checks a required field.
///
/// # Errors
/// A Japanese message when empty after trimming or longer than `max` characters.
pub fn required(value: &str, max: usize) -> Result<String, String> {
    let trimmed = normalize_spaces(value);
    if trimmed.is_empty() {
        return Err("必須項目です".to_owned());
    }
    within(trimmed, max)
}

/// Trims an optional field; blank becomes `None`.
///
/// # Errors
/// A Japanese message when longer than `max` characters.
pub fn optional(value: Option<&str>, max: usize) -> Result<Option<String>, String> {
    match value.map(normalize_spaces) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => within(v, max).map(Some),
    }
}

fn within(value: String, max: usize) -> Result<String, String> {
    if value.chars().count() > max {
        Err(format!("{max}文字以内で入力してください"))
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        Err("制御文字は使えません".to_owned())
    } else {
        Ok(value)
    }
}

/// Trims, turns the ideographic space (U+3000) into a plain one and collapses runs of spaces,
/// so that 「山田　太郎」 and 「山田 太郎」 are stored alike.
///
/// ```
/// assert_eq!(sasaeai::domain::text::normalize_spaces(" 山田　　太郎 "), "山田 太郎");
/// ```
pub fn normalize_spaces(value: &str) -> String {
    value
        .split([' ', '\u{3000}'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compares text the way people read addresses: runs of digits by their value, so that
/// 「本町2-2」 comes before 「本町2-14」. Full-width digits count as digits.
///
/// ```
/// use sasaeai::domain::text::natural_cmp;
/// assert!(natural_cmp("本町2-2-5", "本町2-14-10").is_lt());
/// assert!(natural_cmp("本町２-３", "本町2-10").is_lt());
/// ```
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    natural_key(a).cmp(&natural_key(b))
}

/// Text split into runs: digits as their value (leading zeros dropped, compared by length
/// then digits so that no number overflows), other text as it is.
fn natural_key(s: &str) -> Vec<(bool, String)> {
    let mut key: Vec<(bool, String)> = Vec::new();
    for c in s.chars() {
        let digit = c
            .to_digit(10)
            .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32));
        match (digit, key.last_mut()) {
            (Some(d), Some((true, run))) => run.push(char::from(b'0' + d as u8)),
            (Some(d), _) => key.push((true, char::from(b'0' + d as u8).to_string())),
            (None, Some((false, run))) => run.push(c),
            (None, _) => key.push((false, c.to_string())),
        }
    }
    for (is_number, run) in &mut key {
        if *is_number {
            let trimmed = run.trim_start_matches('0');
            // Longer numbers are larger: prefix the length (padded) before the digits.
            *run = format!("{:08}{trimmed}", trimmed.len());
        }
    }
    key
}

/// Name in kana as stored: katakana, hiragana converted, spaces normalised.
///
/// # Errors
/// A Japanese message when the text holds anything but kana, the long-vowel mark and spaces.
///
/// ```
/// use sasaeai::domain::text::kana;
/// assert_eq!(kana("やまだ　たろう").unwrap(), "ヤマダ タロウ");
/// assert!(kana("山田").is_err());
/// ```
pub fn kana(value: &str) -> Result<String, String> {
    let katakana = to_katakana(&normalize_spaces(value));
    let ok = katakana
        .chars()
        .all(|c| c == ' ' || c == 'ー' || c == '・' || ('\u{30A1}'..='\u{30FA}').contains(&c));
    if ok {
        within(katakana, MAX_SHORT)
    } else {
        Err("フリガナはカタカナまたはひらがなで入力してください".to_owned())
    }
}

/// Hiragana to katakana; other characters unchanged. Used for storing and for search.
pub fn to_katakana(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if ('\u{3041}'..='\u{3096}').contains(&c) {
                char::from_u32(c as u32 + 0x60).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// A Japanese phone number as typed: digits (full-width accepted), hyphens, parentheses and a
/// leading `+`; stored with half-width digits. Must hold 10 or 11 digits (or 5+ after `+`).
///
/// # Errors
/// A Japanese message when other characters appear or the digit count is implausible.
///
/// ```
/// use sasaeai::domain::text::phone;
/// assert_eq!(phone("０９４２－００－１２３４").unwrap(), "0942-00-1234");
/// assert!(phone("call me").is_err());
/// ```
pub fn phone(value: &str) -> Result<String, String> {
    let half: String = value
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | 'ー' | '―' | '‐' => '-',
            '（' => '(',
            '）' => ')',
            '＋' => '+',
            other => other,
        })
        .collect();
    let allowed = half
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, '-' | '(' | ')') || (c == '+' && i == 0));
    let digits = half.chars().filter(char::is_ascii_digit).count();
    let plausible = if half.starts_with('+') {
        (5..=15).contains(&digits)
    } else {
        (10..=11).contains(&digits)
    };
    if allowed && plausible {
        Ok(half)
    } else {
        Err("電話番号は 0942-00-1234 のように数字とハイフンで入力してください".to_owned())
    }
}

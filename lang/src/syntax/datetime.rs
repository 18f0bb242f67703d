//! Date-time literals: `2025-11-01T09:30` or `2025-11-01T09:30:15`, always
//! Beijing time (China Standard Time, UTC+8, no daylight saving since 1991),
//! the time in which Chinese law counts its hour deadlines. A zone suffix is
//! refused rather than converted, so that a value means what it says.

use jiff::civil::{Date, DateTime, Time};

/// Why a literal is not a date-time, in both languages.
#[derive(Debug, PartialEq, Eq)]
pub struct Why {
    pub zh: &'static str,
    pub en: &'static str,
}

const SHAPE: Why = Why {
    zh: "应写成 YYYY-MM-DDTHH:MM 或 YYYY-MM-DDTHH:MM:SS（两位数的时、分、秒）",
    en: "write YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS (two-digit hours, minutes, seconds)",
};

pub fn parse(s: &str) -> Result<DateTime, Why> {
    if s.ends_with('Z') || s.get(10..).unwrap_or("").contains(['+', '-']) {
        return Err(Why {
            zh: "日期时间一律为北京时间，不写时区",
            en: "date-times are Beijing time: write no time zone",
        });
    }
    let (date, time) = s.split_once('T').ok_or(SHAPE)?;
    let date: Date = date.parse().map_err(|_| Why {
        zh: "日期不存在",
        en: "no such date",
    })?;
    let parts: Vec<&str> = time.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2) {
        return Err(SHAPE);
    }
    let num = |p: &str| p.parse::<i8>().map_err(|_| SHAPE);
    let (h, m) = (num(parts[0])?, num(parts[1])?);
    let sec = match parts.get(2) {
        Some(p) => num(p)?,
        None => 0,
    };
    if h > 23 {
        return Err(Why {
            zh: "小时应在 00 到 23 之间",
            en: "the hour must be 00 to 23",
        });
    }
    if m > 59 || sec > 59 {
        return Err(Why {
            zh: "分、秒应在 00 到 59 之间",
            en: "minutes and seconds must be 00 to 59",
        });
    }
    let t = Time::new(h, m, sec, 0).map_err(|_| SHAPE)?;
    Ok(date.to_datetime(t))
}

/// How a date-time is written back: seconds only when there are any.
pub fn display(t: &DateTime) -> String {
    if t.second() == 0 {
        t.strftime("%Y-%m-%dT%H:%M").to_string()
    } else {
        t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_minutes_and_seconds() {
        let t = parse("2025-11-01T09:30").unwrap();
        assert_eq!((t.hour(), t.minute(), t.second()), (9, 30, 0));
        assert_eq!(display(&t), "2025-11-01T09:30");
        let t = parse("2025-11-01T23:59:59").unwrap();
        assert_eq!(display(&t), "2025-11-01T23:59:59");
    }

    #[test]
    fn refuses_bad_ones() {
        for s in [
            "2025-11-01T24:00",
            "2025-11-01T25:00",
            "2025-11-01T09:60",
            "2025-11-01T9:30",
            "2025-11-01T09",
            "2025-11-01T09:30:00:00",
            "2025-02-30T09:30",
            "2025-11-01T09:30Z",
            "2025-11-01T09:30+08:00",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
        assert_eq!(
            parse("2025-11-01T25:00").unwrap_err().en,
            "the hour must be 00 to 23"
        );
    }
}

//! How the widget looks and behaves on a website, as its owner set it. The snippet's URL and
//! the page's JS API may override the look for one page (the widget's business, not stored).

use serde::{Deserialize, Serialize};

use crate::text::{TextError, trimmed_line};

/// The whole widget configuration, replaced as one value (`WidgetChanged`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WidgetSettings {
    pub color: ColorPreset,
    pub size: WidgetSize,
    pub language: WidgetLanguage,
    pub position: WidgetPosition,
    /// Shown above the conversation before the visitor writes; none: the language's default.
    #[schema(required = true)]
    pub greeting: Option<Greeting>,
    /// Whether the widget asks for the visitor's name before the first message.
    pub pre_chat_form: bool,
    /// When agents answer; none: always (the widget still says when no agent is online).
    #[schema(required = true)]
    pub business_hours: Option<BusinessHours>,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        Self {
            color: ColorPreset::Blue,
            size: WidgetSize::Medium,
            language: WidgetLanguage::Auto,
            position: WidgetPosition::Right,
            greeting: None,
            pre_chat_form: false,
            business_hours: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColorPreset {
    Blue,
    Green,
    Purple,
    Orange,
    Red,
    Dark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetSize {
    Small,
    Medium,
    Large,
}

/// `auto` follows the visitor's browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetLanguage {
    Auto,
    En,
    De,
}

/// Which bottom corner of the page the launcher sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetPosition {
    Left,
    Right,
}

/// The widget's greeting: 1–200 characters on one line, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Greeting(String);

impl Greeting {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        trimmed_line(s.as_ref(), Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A weekly schedule in one IANA time zone, Monday first. The widget evaluates it in the
/// visitor's browser (which carries the time-zone database), so the server needs none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BusinessHours {
    /// An IANA zone name such as `Europe/Berlin`, or `UTC`.
    time_zone: String,
    /// Seven entries, Monday to Sunday; null: closed that day.
    #[schema(min_items = 7, max_items = 7)]
    days: Vec<Option<DayHours>>,
}

/// Opening hours of one day, in minutes after midnight: `opens < closes ≤ 1440`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DayHours {
    pub opens: u16,
    pub closes: u16,
}

impl BusinessHours {
    pub fn parse(time_zone: impl AsRef<str>, days: Vec<Option<DayHours>>) -> Result<Self, TextError> {
        let time_zone = time_zone.as_ref().trim();
        let zone_char = |c: char| c.is_ascii_alphanumeric() || "_+-/".contains(c);
        if time_zone.is_empty() {
            return Err(TextError::Empty);
        }
        if time_zone.len() > 64 {
            return Err(TextError::TooLong { max: 64 });
        }
        if !time_zone.chars().all(zone_char) || !(time_zone == "UTC" || time_zone.contains('/')) {
            return Err(TextError::InvalidCharacter);
        }
        if days.len() != 7 {
            return Err(TextError::TooMany { max: 7 });
        }
        if days.iter().flatten().any(|day| day.opens >= day.closes || day.closes > 24 * 60) {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self { time_zone: time_zone.to_owned(), days })
    }

    pub fn time_zone(&self) -> &str {
        &self.time_zone
    }

    pub fn days(&self) -> &[Option<DayHours>] {
        &self.days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nine_to_five() -> Option<DayHours> {
        Some(DayHours { opens: 9 * 60, closes: 17 * 60 })
    }

    #[test]
    fn business_hours_need_a_zone_and_seven_sane_days() {
        let week = vec![nine_to_five(); 5].into_iter().chain([None, None]).collect::<Vec<_>>();
        assert!(BusinessHours::parse("Europe/Berlin", week.clone()).is_ok());
        assert!(BusinessHours::parse("UTC", week.clone()).is_ok());
        assert_eq!(BusinessHours::parse("Berlin", week.clone()), Err(TextError::InvalidCharacter));
        assert_eq!(BusinessHours::parse("Europe/Ber lin", week.clone()), Err(TextError::InvalidCharacter));
        assert_eq!(BusinessHours::parse("UTC", week[..6].to_vec()), Err(TextError::TooMany { max: 7 }));
        let mut backwards = week.clone();
        backwards[0] = Some(DayHours { opens: 600, closes: 540 });
        assert_eq!(BusinessHours::parse("UTC", backwards), Err(TextError::InvalidCharacter));
        let mut past_midnight = week;
        past_midnight[0] = Some(DayHours { opens: 600, closes: 1441 });
        assert_eq!(BusinessHours::parse("UTC", past_midnight), Err(TextError::InvalidCharacter));
    }

    #[test]
    fn greetings_are_one_trimmed_line() {
        assert_eq!(Greeting::parse("  Hi! How can we help? ").unwrap().as_str(), "Hi! How can we help?");
        assert_eq!(Greeting::parse("a\nb"), Err(TextError::ControlCharacter));
        assert_eq!(Greeting::parse("x".repeat(201)), Err(TextError::TooLong { max: 200 }));
    }
}

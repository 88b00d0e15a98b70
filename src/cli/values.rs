//! Value parsers: what a flag's text must be, checked when the command line is parsed, so that a
//! command receives typed values (a checked URL, a positive duration, a header) and never a raw
//! string it must still validate.

use std::path::PathBuf;
use std::str::FromStr;

pub use crate::duration::{duration, positive_duration};
use crate::events::parse_event;
use crate::export::{MAX_WEIGHT, Weight};
use crate::wire::tls::CaCerts;

/// A number of deliveries per second: positive and finite.
pub fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value.is_finite() => Ok(value),
        _ => Err("not a positive number of deliveries per second".to_string()),
    }
}

/// A fraction from 0.0 to 1.0.
pub fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err("not a fraction between 0.0 and 1.0".to_string()),
    }
}

/// A URL path: it starts with `/`.
pub fn url_path(text: &str) -> Result<String, String> {
    if text.starts_with('/') {
        Ok(text.to_string())
    } else {
        Err(format!(
            "'{text}' must start with / (did you mean /{text}?)"
        ))
    }
}

/// One `--weight EVENT=N`: a catalogue event and a whole number from 1 to `MAX_WEIGHT`.
pub fn weight(text: &str) -> Result<Weight, String> {
    let Some((name, number)) = text.split_once('=') else {
        return Err(format!(
            "'{text}' is not EVENT=N (such as connection.created=3)"
        ));
    };
    let event = parse_event(name.trim())?;
    match number.trim().parse::<i64>() {
        Ok(weight) if (1..=i64::from(MAX_WEIGHT)).contains(&weight) => Ok(Weight {
            event,
            weight: weight as u32,
        }),
        _ => Err(format!(
            "the weight of {} must be a whole number from 1 to {MAX_WEIGHT}, not '{}'",
            event.name,
            number.trim()
        )),
    }
}

/// The certificates of a `--cacert` PEM file.
pub fn ca_certs(text: &str) -> Result<CaCerts, String> {
    CaCerts::read(&PathBuf::from(text))
}

/// One `--header 'Name: value'`, checked to be a header HTTP can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderArg {
    pub name: String,
    pub value: String,
}

impl FromStr for HeaderArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: &str| why.to_string();
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| bad("expected 'Name: value'"))?;
        let (name, value) = (name.trim(), value.trim());
        hyper::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad("the name is not a valid header name"))?;
        hyper::header::HeaderValue::from_str(value)
            .map_err(|_| bad("the value holds characters a header cannot carry"))?;
        Ok(HeaderArg {
            name: name.to_string(),
            value: value.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_fractions_are_checked() {
        assert!(rate("0").is_err() && rate("inf").is_err() && rate("x").is_err());
        assert_eq!(rate("2.5"), Ok(2.5));
        assert!(fraction("1.5").is_err() && fraction("-0.1").is_err());
        assert_eq!(fraction("0.3"), Ok(0.3));
    }

    #[test]
    fn weights_name_an_event_and_a_whole_number_from_one() {
        let parsed = weight("card.viewed=3").unwrap();
        assert_eq!((parsed.event.name, parsed.weight), ("card.viewed", 3));
        assert!(weight("card.viewed").unwrap_err().contains("EVENT=N"));
        assert!(
            weight("card.viwed=3")
                .unwrap_err()
                .contains("unknown event")
        );
        for bad in ["0", "-2", "1.5", "x", "10001"] {
            let err = weight(&format!("card.viewed={bad}")).unwrap_err();
            assert!(err.contains("from 1 to 10000"), "{bad}: {err}");
        }
    }

    #[test]
    fn headers_need_a_name_and_a_clean_value() {
        let header: HeaderArg = "X-Trace: abc 123".parse().unwrap();
        assert_eq!(
            (header.name.as_str(), header.value.as_str()),
            ("X-Trace", "abc 123")
        );
        assert!("no colon here".parse::<HeaderArg>().is_err());
        assert!("bad name: x".parse::<HeaderArg>().is_err());
    }
}

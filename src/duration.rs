//! Durations as people type them (`30s`, `1m30s`, `250ms`), checked the same way on the command
//! line and in the project file.

use std::time::Duration;

/// A duration such as `30s`, `1m30s` or `250ms`.
pub fn duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|err| format!("not a duration such as 30s, 1m30s or 250ms ({err})"))
}

/// A duration longer than zero: a deadline of `0s` would fail every request.
pub fn positive_duration(text: &str) -> Result<Duration, String> {
    let value = duration(text)?;
    if value.is_zero() {
        return Err("must be longer than 0s".to_string());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_checked() {
        assert_eq!(positive_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(
            positive_duration("0s")
                .unwrap_err()
                .contains("longer than 0s")
        );
        assert_eq!(duration("0s"), Ok(Duration::ZERO));
        assert!(duration("soon").is_err());
    }
}

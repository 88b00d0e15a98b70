//! JUnit XML, the report format CI systems import: one `<testsuite>` of `<testcase>`s, each
//! passed or carrying one `<failure>`. `validate` and `probe` both write it.

use std::fmt::Write as _;
use std::time::Duration;

/// One test case: a payload for `validate`, a conformance case for `probe`.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    pub classname: String,
    pub time: Duration,
    /// The failure message, when the case failed.
    pub failure: Option<String>,
}

/// Renders one test suite as a complete JUnit XML document.
pub fn render(suite_name: &str, cases: &[TestCase]) -> String {
    let failures = cases.iter().filter(|case| case.failure.is_some()).count();
    let total: f64 = cases.iter().map(|case| case.time.as_secs_f64()).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites><testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total:.3}\">",
        escape(suite_name),
        cases.len()
    );
    for case in cases {
        let _ = write!(
            xml,
            "  <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(&case.name),
            escape(&case.classname),
            case.time.as_secs_f64()
        );
        match &case.failure {
            None => xml.push_str("/>\n"),
            Some(message) => {
                let first_line = message.lines().next().unwrap_or_default();
                let _ = writeln!(
                    xml,
                    "><failure message=\"{}\">{}</failure></testcase>",
                    escape(first_line),
                    escape(message)
                );
            }
        }
    }
    xml.push_str("</testsuite></testsuites>\n");
    xml
}

/// Escapes text for XML content and attribute values; drops characters XML 1.0 cannot hold.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(ch),
            ch if (ch as u32) < 0x20 || ch == '\u{fffe}' || ch == '\u{ffff}' => {}
            ch => escaped.push(ch),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_counted_and_text_escaped() {
        let cases = [
            TestCase {
                name: "a.json".into(),
                classname: "validate".into(),
                time: Duration::from_millis(5),
                failure: None,
            },
            TestCase {
                name: "b<1>.json".into(),
                classname: "validate".into(),
                time: Duration::ZERO,
                failure: Some("data.x: \"q\" & \u{1} more".into()),
            },
        ];
        let xml = render("titancard-wh", &cases);
        assert!(xml.contains("tests=\"2\" failures=\"1\""));
        assert!(xml.contains("b&lt;1&gt;.json"));
        assert!(xml.contains("&quot;q&quot; &amp;  more"));
    }
}

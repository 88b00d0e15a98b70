//! The part of an endpoint's answer that an explanation quotes: its first lines, trimmed and
//! cut, with an HTML error page read as its text.

/// How many lines of an answer's body an explanation quotes.
const EXCERPT_LINES: usize = 3;
/// How many characters of an answer's body an explanation quotes at most.
const EXCERPT_CHARS: usize = 300;

/// The first lines of a body, trimmed, with control characters escaped; `None` when empty. An
/// HTML error page (Express's, Flask's) is read as its text first, so the excerpt is the error
/// and the top of its stack rather than `<!DOCTYPE html>`.
pub fn excerpt(body: &[u8]) -> Option<String> {
    let raw = String::from_utf8_lossy(body);
    let text = if looks_like_html(&raw) {
        html_text(&raw)
    } else {
        raw.into_owned()
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(EXCERPT_LINES)
        .collect();
    if lines.is_empty() {
        return None;
    }
    let mut shown = String::new();
    for ch in lines.join(" | ").chars() {
        if shown.chars().count() >= EXCERPT_CHARS {
            shown.push('…');
            break;
        }
        match ch {
            '\t' => shown.push(' '),
            ch if ch.is_control() => shown.push_str(&ch.escape_default().to_string()),
            ch => shown.push(ch),
        }
    }
    Some(shown)
}

fn looks_like_html(text: &str) -> bool {
    let start = text
        .trim_start()
        .get(..15)
        .unwrap_or_default()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// The text of an HTML page as lines: the head left out, line breaks where `<br>` and block ends
/// stand, other tags dropped, the common entities decoded. Enough for an excerpt of an error
/// page; not an HTML renderer (a full parser would weigh more than the rest of the binary).
fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let body_start = lower.find("</head>").map_or(0, |at| at + "</head>".len());
    let (html, lower) = (&html[body_start..], &lower[body_start..]);
    let mut text = String::with_capacity(html.len());
    let mut rest = 0;
    while let Some(open) = lower[rest..].find('<').map(|at| rest + at) {
        text.push_str(&html[rest..open]);
        let Some(close) = lower[open..].find('>').map(|at| open + at) else {
            rest = open;
            break;
        };
        let tag = &lower[open + 1..close];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or_default();
        if matches!(
            name,
            "br" | "p" | "div" | "li" | "pre" | "tr" | "h1" | "h2" | "h3" | "title"
        ) {
            text.push('\n');
        }
        rest = close + 1;
    }
    text.push_str(&html[rest..]);
    for (entity, ch) in [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&amp;", "&"),
    ] {
        text = text.replace(entity, ch);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_html_error_page_is_read_as_its_text() {
        let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>RangeError: Input buffers must have the same byte length<br> &nbsp; &nbsp;at Object.timingSafeEqual (node:internal/crypto/util:1:1)<br> &nbsp; &nbsp;at verifyWebhookSignature (/app/express_receiver.js:17:12)<br> &nbsp; &nbsp;at more</pre>\n</body>\n</html>\n";
        let excerpt = excerpt(page.as_bytes()).unwrap();
        assert!(
            excerpt.starts_with("RangeError: Input buffers"),
            "{excerpt}"
        );
        assert!(
            excerpt.ends_with("at verifyWebhookSignature (/app/express_receiver.js:17:12)"),
            "{excerpt}"
        );
    }

    #[test]
    fn control_characters_are_escaped_and_long_bodies_cut() {
        assert_eq!(excerpt(b"a\x1b[31mb"), Some("a\\u{1b}[31mb".to_string()));
        assert_eq!(excerpt(b"  \n\n "), None);
        let long = excerpt(&[b'x'; 1000]).unwrap();
        assert_eq!(long.chars().count(), EXCERPT_CHARS + 1);
    }
}

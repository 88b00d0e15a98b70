//! A body with holes: the bytes of a rendered payload, cut where its fresh ids and its times
//! stand, so that another program can fill them in per delivery and send exactly the bytes
//! titancard-wh would have sent.
//!
//! A hole is found by what it holds: an id is one of the fresh ids the payload was built with
//! (anywhere, inside a longer string too), a time is a run of digits within `span` milliseconds
//! after the `base` the payload was built from. `bodies` checks every cut by filling the holes
//! with a second build's ids and base and comparing the bytes.

use std::collections::BTreeSet;

/// One piece of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Bytes sent as they are.
    Literal(Vec<u8>),
    /// The fresh id of slot `n` (an index into the ids the body was cut with).
    Id(usize),
    /// A time: the base plus this many milliseconds, written as a JSON integer.
    Time(u64),
}

/// A body cut into literal bytes, ids and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Cuts `body`: each occurrence of `ids[n]` becomes `Part::Id(n)`, each maximal run of ASCII
    /// digits whose value lies in `base..=base + span` becomes `Part::Time(value - base)`.
    pub fn cut(body: &[u8], ids: &[String], base: u64, span: u64) -> Template {
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        let mut at = 0;
        while at < body.len() {
            let rest = &body[at..];
            if let Some(slot) = ids
                .iter()
                .position(|id| !id.is_empty() && rest.starts_with(id.as_bytes()))
            {
                flush(&mut parts, &mut literal);
                parts.push(Part::Id(slot));
                at += ids[slot].len();
                continue;
            }
            let starts_number =
                rest[0].is_ascii_digit() && (at == 0 || !body[at - 1].is_ascii_digit());
            if starts_number {
                let digits = rest.iter().take_while(|byte| byte.is_ascii_digit()).count();
                let value = std::str::from_utf8(&rest[..digits])
                    .ok()
                    .and_then(|text| text.parse::<u64>().ok());
                if let Some(value) =
                    value.filter(|value| (base..=base.saturating_add(span)).contains(value))
                {
                    flush(&mut parts, &mut literal);
                    parts.push(Part::Time(value - base));
                    at += digits;
                    continue;
                }
                literal.extend_from_slice(&rest[..digits]);
                at += digits;
                continue;
            }
            literal.push(rest[0]);
            at += 1;
        }
        flush(&mut parts, &mut literal);
        Template { parts }
    }

    /// The body with `ids[n]` in each id hole and `base + offset` in each time hole.
    pub fn render(&self, ids: &[String], base: u64) -> Vec<u8> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Literal(bytes) => out.extend_from_slice(bytes),
                Part::Id(slot) => out.extend_from_slice(ids[*slot].as_bytes()),
                Part::Time(offset) => out.extend_from_slice((base + offset).to_string().as_bytes()),
            }
        }
        out
    }

    /// The pieces, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The id slots the body uses, in slot order.
    pub fn slots(&self) -> BTreeSet<usize> {
        self.parts
            .iter()
            .filter_map(|part| match part {
                Part::Id(slot) => Some(*slot),
                _ => None,
            })
            .collect()
    }

    /// The time offsets the body uses, smallest first.
    pub fn offsets(&self) -> BTreeSet<u64> {
        self.parts
            .iter()
            .filter_map(|part| match part {
                Part::Time(offset) => Some(*offset),
                _ => None,
            })
            .collect()
    }
}

fn flush(parts: &mut Vec<Part>, literal: &mut Vec<u8>) {
    if !literal.is_empty() {
        parts.push(Part::Literal(std::mem::take(literal)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: u64 = 3_000_000_000_000;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn ids_and_times_become_holes_and_the_rest_stays() {
        let body = br#"{"event":"note.added","timestamp":3000000000002,"data":{"id":"n12abcdefg","connection_id":"j57xyz789ghi","note_content":"about j57xyz789ghi","added_at":3000000000002,"n":1705420800000}}"#;
        let template = Template::cut(body, &ids(&["j57xyz789ghi", "n12abcdefg"]), BASE, 10);
        assert_eq!(template.slots(), BTreeSet::from([0, 1]));
        assert_eq!(template.offsets(), BTreeSet::from([2]));
        let ids_count = template
            .parts()
            .iter()
            .filter(|part| **part == Part::Id(0))
            .count();
        assert_eq!(ids_count, 2, "inside a longer string too");
        assert_eq!(
            template.render(&ids(&["j57xyz789ghi", "n12abcdefg"]), BASE),
            body
        );
        let other = template.render(&ids(&["j57aaaaaaaaa", "n12bbbbbbb"]), 5_000);
        let text = String::from_utf8(other).unwrap();
        assert!(text.contains(r#""timestamp":5002,"#), "{text}");
        assert!(
            text.contains(r#""note_content":"about j57aaaaaaaaa""#),
            "{text}"
        );
        assert!(
            text.contains("1705420800000"),
            "a number out of the span stays"
        );
    }

    #[test]
    fn digits_inside_a_longer_number_are_not_a_time() {
        let body = b"[30000000000001,13000000000000,3000000000000]";
        let template = Template::cut(body, &[], BASE, 5);
        assert_eq!(template.parts().last(), Some(&Part::Literal(b"]".to_vec())));
        assert_eq!(template.offsets(), BTreeSet::from([0]));
        assert_eq!(
            template.render(&[], 7),
            b"[30000000000001,13000000000000,7]"
        );
    }
}

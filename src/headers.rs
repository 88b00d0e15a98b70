//! HTTP headers as the tool keeps them: names and values in the order they were sent or received,
//! repeats kept, looked up by case-insensitive name. Serialized as `[["name","value"],…]`, the
//! form `listen --save` records hold.

use serde::{Deserialize, Serialize};

/// Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), the ones a client
/// writes itself for its own connection (Host, Content-Length), and `Expect` (the body is sent at
/// once). A request relayed or replayed on a new connection drops them.
const CONNECTION_HEADERS: [&str; 12] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "expect",
];

/// An ordered list of header names and values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    /// The first value of a header, by case-insensitive name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every value of a header, by case-insensitive name, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// A header's value; a header sent several times comes back comma-joined, as HTTP folds it.
    pub fn joined(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self.all(name).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// Adds a header after the others, keeping any of the same name.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Gives a header this one value: the first of its name is replaced where it stands and any
    /// other is removed; a new name goes last.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .0
            .iter()
            .position(|(key, _)| key.eq_ignore_ascii_case(name))
        {
            Some(first) => {
                self.0[first].1 = value;
                let mut index = 0;
                self.0.retain(|(key, _)| {
                    index += 1;
                    index - 1 == first || !key.eq_ignore_ascii_case(name)
                });
            }
            None => self.push(name, value),
        }
    }

    /// Removes every header of this name.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(key, _)| !key.eq_ignore_ascii_case(name));
    }

    /// Names and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// How many headers there are (repeats counted).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// These headers without the connection-specific ones, ready to go out on a new connection
    /// (`listen --forward-to` and `replay`).
    pub fn relayable(&self) -> Headers {
        Headers(
            self.0
                .iter()
                .filter(|(name, _)| {
                    !CONNECTION_HEADERS
                        .iter()
                        .any(|own| name.eq_ignore_ascii_case(own))
                })
                .cloned()
                .collect(),
        )
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(pairs: I) -> Self {
        Headers(
            pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_ignore_case_and_keep_repeats() {
        let headers: Headers = [("X-A", "1"), ("x-a", "2"), ("B", "3")]
            .into_iter()
            .collect();
        assert_eq!(headers.get("x-A"), Some("1"));
        assert_eq!(headers.joined("X-a").as_deref(), Some("1, 2"));
        assert_eq!(headers.get("missing"), None);
        let json = serde_json::to_string(&headers).unwrap();
        assert_eq!(json, r#"[["X-A","1"],["x-a","2"],["B","3"]]"#);
        assert_eq!(serde_json::from_str::<Headers>(&json).unwrap(), headers);
    }

    #[test]
    fn set_replaces_in_place_and_drops_repeats() {
        let mut headers: Headers = [("A", "1"), ("B", "2"), ("a", "3")].into_iter().collect();
        headers.set("a", "9");
        assert_eq!(headers.iter().collect::<Vec<_>>(), [("A", "9"), ("B", "2")]);
        headers.set("C", "4");
        assert_eq!(headers.iter().last(), Some(("C", "4")));
        headers.remove("b");
        assert_eq!(headers.len(), 2);
    }

    #[test]
    fn hop_by_hop_headers_stay_behind() {
        let headers: Headers = [
            ("content-type", "application/json"),
            ("connection", "keep-alive"),
            ("host", "127.0.0.1:1"),
            ("content-length", "2"),
            ("expect", "100-continue"),
            ("x-webhook-event", "card.created"),
        ]
        .into_iter()
        .collect();
        let relayable = headers.relayable();
        let names: Vec<_> = relayable.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["content-type", "x-webhook-event"]);
    }
}

//! Where each event is delivered: one URL for every event (a flag), or one per event (a
//! profile's routes and url, resolved by `config`).

use super::WebhookUrl;

/// The URL each event goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// Every event to this URL.
    Every(WebhookUrl),
    /// Each listed event to its URL; an event not listed goes nowhere.
    PerEvent(Vec<(&'static str, WebhookUrl)>),
}

impl Targets {
    /// The URL for `event`, if it has one.
    pub fn get(&self, event: &str) -> Option<&WebhookUrl> {
        match self {
            Targets::Every(url) => Some(url),
            Targets::PerEvent(targets) => targets
                .iter()
                .find(|(name, _)| *name == event)
                .map(|(_, url)| url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_or_per_event() {
        let a: WebhookUrl = "http://a/".parse().unwrap();
        let b: WebhookUrl = "http://b/".parse().unwrap();
        assert_eq!(Targets::Every(a.clone()).get("anything"), Some(&a));
        let routes = Targets::PerEvent(vec![("card.viewed", a.clone()), ("note.added", b.clone())]);
        assert_eq!(routes.get("note.added"), Some(&b));
        assert_eq!(routes.get("card.created"), None);
    }
}

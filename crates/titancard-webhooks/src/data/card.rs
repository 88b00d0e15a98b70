//! The card events' data (reference, "Card Events").

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// `card.created`: a new business card is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardCreated {
    /// Card identifier.
    pub card_id: String,
    /// Name on the card.
    pub name: String,
    /// The card's URL slug.
    pub slug: String,
    /// Job title on the card; `None` when the card has none.
    pub title: Option<String>,
    /// Company on the card; `None` when the card has none.
    pub company: Option<String>,
    /// Email address on the card; `None` when the card has none.
    pub email: Option<String>,
    /// Card type, such as `professional` (an open set).
    pub card_type: String,
    /// When the card was created.
    pub created_at: Timestamp,
}

/// `card.updated`: card details are modified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardUpdated {
    /// Card identifier.
    pub card_id: String,
    /// Name on the card.
    pub name: String,
    /// The card's URL slug.
    pub slug: String,
    /// Job title on the card; `None` when the card has none.
    pub title: Option<String>,
    /// Company on the card; `None` when the card has none.
    pub company: Option<String>,
    /// Names of the fields that changed.
    pub changed_fields: Vec<String>,
    /// When the card was updated.
    pub updated_at: Timestamp,
}

/// `card.deleted`: a card is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardDeleted {
    /// Card identifier.
    pub card_id: String,
    /// The card's URL slug.
    pub slug: String,
    /// When the card was deleted.
    pub deleted_at: Timestamp,
}

/// `card.viewed`: someone views the card's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardViewed {
    /// Card identifier.
    pub card_id: String,
    /// The card's URL slug.
    pub card_slug: String,
    /// How the card was reached, such as `qr` (an open set).
    pub view_source: String,
    /// Viewer's country; `None` when it is not known.
    pub viewer_country: Option<String>,
    /// Viewer's city; `None` when it is not known.
    pub viewer_city: Option<String>,
    /// The card's view count, this view included.
    pub total_views: u64,
    /// When the card was viewed.
    pub viewed_at: Timestamp,
}

/// `card.shared`: the card is shared via QR code, NFC tap, or link copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardShared {
    /// Card identifier.
    pub card_id: String,
    /// Name on the card.
    pub card_name: String,
    /// The card's URL slug.
    pub card_slug: String,
    /// How the card was shared, such as `nfc`, `qr` or `link` (an open set).
    pub share_source: String,
    /// The card's view count.
    pub total_views: u64,
    /// The card's share count, this share included.
    pub total_shares: u64,
    /// Viewer's country; `None` when it is not known.
    pub viewer_country: Option<String>,
    /// Viewer's city; `None` when it is not known.
    pub viewer_city: Option<String>,
    /// When the card was shared.
    pub shared_at: Timestamp,
}

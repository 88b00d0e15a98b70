//! The other events' data (reference, "Other Events").

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// `note.added`: a note is added to a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NoteAdded {
    /// Note identifier.
    pub id: String,
    /// The connection the note is about.
    pub connection_id: String,
    /// The note's text.
    pub note_content: String,
    /// The contact's full name.
    pub contact_name: String,
    /// The contact's email address; `None` when the contact has none.
    pub contact_email: Option<String>,
    /// When the note was added.
    pub added_at: Timestamp,
}

/// `enrichment.completed`: contact data enrichment completes for a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EnrichmentCompleted {
    /// The enriched connection.
    pub connection_id: String,
    /// Names of the fields enrichment filled in.
    pub enriched_fields: Vec<String>,
    /// Outcome, such as `success` (an open set).
    pub status: String,
    /// Enrichment provider, such as `clearbit` (an open set).
    pub provider: String,
    /// When enrichment completed.
    pub completed_at: Timestamp,
}

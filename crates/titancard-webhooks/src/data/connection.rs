//! The connection events' data (reference, "Connection Events" and its "Field Reference").

use serde::{Deserialize, Serialize};

use super::{Direction, MeetingMethod, Source};
use crate::Timestamp;

/// `connection.created`: a new connection is made (the most common event for CRM sync).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectionCreated {
    /// Unique connection identifier.
    pub id: String,
    /// Contact's first name.
    pub first_name: String,
    /// Contact's last name.
    pub last_name: String,
    /// `first_name` + " " + `last_name`.
    pub full_name: String,
    /// Primary email address; `None` when the contact has none.
    pub email: Option<String>,
    /// Phone number with country code; `None` when the contact has none.
    pub phone: Option<String>,
    /// Company or organization name; `None` when the contact has none.
    pub company: Option<String>,
    /// Job title; `None` when the contact has none.
    pub title: Option<String>,
    /// Company or personal website URL; `None` when the contact has none.
    pub website: Option<String>,
    /// LinkedIn profile URL; `None` when the contact has none.
    pub linkedin: Option<String>,
    /// Twitter/X handle or URL; `None` when the contact has none.
    pub twitter: Option<String>,
    /// City, state, or full address; `None` when the contact has none.
    pub address: Option<String>,
    /// User notes about the connection; `None` when there are none.
    pub notes: Option<String>,
    /// The contact's tags.
    pub tags: Vec<String>,
    /// How the connection was made.
    pub source: Source,
    /// Who found whom.
    pub direction: Direction,
    /// Pipeline status: `new`, `contacted`, `qualified`… (an open set).
    pub status: String,
    /// Initial message from the connection; `None` when there was none.
    pub message: Option<String>,
    /// Event name where you met; `None` when not recorded.
    pub meeting_event: Option<String>,
    /// Location where you met; `None` when not recorded.
    pub meeting_location: Option<String>,
    /// When you met; `None` when not recorded.
    pub meeting_date: Option<Timestamp>,
    /// How you met; `None` when not recorded.
    pub meeting_method: Option<MeetingMethod>,
    /// When the connection was created.
    pub created_at: Timestamp,
    /// When the connection was last updated; `None` when it never was.
    pub updated_at: Option<Timestamp>,
    /// When the contact was last contacted; `None` when never.
    pub last_contacted_at: Option<Timestamp>,
}

/// `connection.updated`: connection details are modified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectionUpdated {
    /// Unique connection identifier.
    pub id: String,
    /// Contact's first name.
    pub first_name: String,
    /// Contact's last name.
    pub last_name: String,
    /// `first_name` + " " + `last_name`.
    pub full_name: String,
    /// Primary email address; `None` when the contact has none.
    pub email: Option<String>,
    /// Phone number with country code; `None` when the contact has none.
    pub phone: Option<String>,
    /// Company or organization name; `None` when the contact has none.
    pub company: Option<String>,
    /// Job title; `None` when the contact has none.
    pub title: Option<String>,
    /// User notes about the connection; `None` when there are none.
    pub notes: Option<String>,
    /// The contact's tags.
    pub tags: Vec<String>,
    /// Pipeline status: `new`, `contacted`, `qualified`… (an open set).
    pub status: String,
    /// When the connection was last updated; `None` when it never was.
    pub updated_at: Option<Timestamp>,
    /// When the contact was last contacted; `None` when never.
    pub last_contacted_at: Option<Timestamp>,
}

/// `connection.deleted`: a connection is archived or permanently deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectionDeleted {
    /// Unique connection identifier.
    pub id: String,
    /// Primary email address; `None` when the contact had none.
    pub email: Option<String>,
    /// `first_name` + " " + `last_name`.
    pub full_name: String,
    /// When the connection was archived or deleted.
    pub deleted_at: Timestamp,
}

/// `connection.tagged`: tags are added to or removed from a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectionTagged {
    /// Unique connection identifier.
    pub id: String,
    /// `first_name` + " " + `last_name`.
    pub full_name: String,
    /// Primary email address; `None` when the contact has none.
    pub email: Option<String>,
    /// The contact's tags after the change.
    pub tags: Vec<String>,
    /// Tags added by this change; each is in `tags`.
    pub tags_added: Vec<String>,
    /// Tags removed by this change; none is in `tags`.
    pub tags_removed: Vec<String>,
    /// When the tags changed.
    pub tagged_at: Timestamp,
}

/// `connection.status_changed`: a connection's pipeline status changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectionStatusChanged {
    /// Unique connection identifier.
    pub id: String,
    /// `first_name` + " " + `last_name`.
    pub full_name: String,
    /// Primary email address; `None` when the contact has none.
    pub email: Option<String>,
    /// Company or organization name; `None` when the contact has none.
    pub company: Option<String>,
    /// Pipeline status before the change (an open set).
    pub previous_status: String,
    /// Pipeline status after the change (an open set).
    pub new_status: String,
    /// When the status changed.
    pub changed_at: Timestamp,
}

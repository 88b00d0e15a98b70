//! The reminder events' data (reference, "Reminder Events"): `reminder.created` and
//! `reminder.due` carry the same fields, so they share one type.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// `reminder.created` (a follow-up is scheduled) and `reminder.due` (it becomes due).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reminder {
    /// Reminder identifier.
    pub id: String,
    /// The connection the reminder is for.
    pub connection_id: String,
    /// When the reminder is due.
    pub scheduled_for: Timestamp,
    /// The reminder's text.
    pub message: String,
    /// Reminder status, such as `pending` or `due` (an open set).
    pub status: String,
    /// Reminder type, such as `follow_up` (an open set).
    pub r#type: String,
    /// The contact's full name.
    pub contact_name: String,
    /// The contact's email address; `None` when the contact has none.
    pub contact_email: Option<String>,
    /// The contact's company; `None` when the contact has none.
    pub contact_company: Option<String>,
}

//! The reference's Field Reference: the common fields of connection events with their types.
//! `events show` prints it; the schemas take their types from it.

/// One row of the Field Reference.
#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    /// The reference's type name: string, number or array.
    pub kind: &'static str,
    pub description: &'static str,
}

macro_rules! field {
    ($name:literal, $kind:literal, $description:literal) => {
        FieldSpec {
            name: $name,
            kind: $kind,
            description: $description,
        }
    };
}

/// The Field Reference, in the reference's order.
pub static FIELD_REFERENCE: [FieldSpec; 25] = [
    field!("id", "string", "Unique connection identifier"),
    field!("first_name", "string", "Contact's first name"),
    field!("last_name", "string", "Contact's last name"),
    field!("full_name", "string", "Computed: first_name + last_name"),
    field!("email", "string", "Primary email address"),
    field!("phone", "string", "Phone number with country code"),
    field!("company", "string", "Company or organization name"),
    field!("title", "string", "Job title"),
    field!("website", "string", "Company or personal website URL"),
    field!("linkedin", "string", "LinkedIn profile URL"),
    field!("twitter", "string", "Twitter/X handle or URL"),
    field!("address", "string", "City, state, or full address"),
    field!("notes", "string", "User notes about the connection"),
    field!("tags", "array", "Array of tag strings"),
    field!(
        "source",
        "string",
        "How connected: qr_scan, nfc, manual, import"
    ),
    field!(
        "direction",
        "string",
        "inbound (they found you) or outbound"
    ),
    field!(
        "status",
        "string",
        "Pipeline status: new, contacted, qualified, etc."
    ),
    field!("message", "string", "Initial message from connection"),
    field!("meeting_event", "string", "Event name where you met"),
    field!("meeting_location", "string", "Location where you met"),
    field!("meeting_date", "number", "Unix timestamp of meeting"),
    field!(
        "meeting_method",
        "string",
        "in_person, virtual, phone, email"
    ),
    field!("created_at", "number", "Unix timestamp when created"),
    field!("updated_at", "number", "Unix timestamp when last updated"),
    field!(
        "last_contacted_at",
        "number",
        "Unix timestamp of last contact"
    ),
];

/// The Field Reference row for a field name, if the reference documents it.
pub fn find(name: &str) -> Option<&'static FieldSpec> {
    FIELD_REFERENCE.iter().find(|field| field.name == name)
}

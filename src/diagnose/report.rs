//! A signature's verdict and the diagnosis of a mismatch as JSON reports, the same in `verify`'s
//! output and the inspector's API (schemas/output/verify.schema.json,
//! inspector-event.schema.json).

use serde::Serialize;

use super::Diagnosis;
use crate::signature::Verdict;

/// `{"ok", "secret", "problem"}`: whether the signature matched, with which secret, or why not.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    pub ok: bool,
    /// The 1-based position of the secret that matched.
    pub secret: Option<usize>,
    pub problem: Option<String>,
}

impl SignatureReport {
    pub fn new(verdict: &Verdict) -> Self {
        match verdict {
            Verdict::Valid { secret_index } => SignatureReport {
                ok: true,
                secret: Some(secret_index + 1),
                problem: None,
            },
            Verdict::Invalid(problem) => SignatureReport {
                ok: false,
                secret: None,
                problem: Some(problem.to_string()),
            },
        }
    }
}

/// `{"explained", "causes", "secret", "message", "notes"}`: what explains a mismatch. Words and
/// positions only: never a secret's value.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosisReport {
    pub explained: bool,
    pub causes: Vec<&'static str>,
    /// The 1-based position of the secret the repaired request matches.
    pub secret: Option<usize>,
    pub message: String,
    pub notes: Vec<String>,
}

impl DiagnosisReport {
    pub fn new(diagnosis: &Diagnosis) -> Self {
        let explanation = diagnosis.explanation.as_ref();
        DiagnosisReport {
            explained: explanation.is_some(),
            causes: explanation.map_or(Vec::new(), |e| {
                e.causes.iter().map(|cause| cause.id()).collect()
            }),
            secret: explanation.map(|e| e.secret_index + 1),
            message: diagnosis.message(),
            notes: diagnosis.notes.clone(),
        }
    }
}

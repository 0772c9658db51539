//! A checked message (one request or response of one exchange): the unit a
//! test report counts as a test case.

use super::Direction;

/// One request or response that was routed to an operation and checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Case {
    /// The input file, as given on the command line.
    pub file: String,
    /// 0-based index of the exchange in its file; `None` for a plain payload or envelope.
    pub entry: Option<usize>,
    /// The operation the message was checked against (`None` in generic mode).
    pub operation: Option<String>,
    /// Request or response (`None` in generic mode).
    pub direction: Option<Direction>,
    /// Whether the message had no error.
    pub valid: bool,
}

impl Case {
    /// `operation direction #entry` (without `#entry` for whole-file payloads;
    /// `document` in generic mode).
    pub fn name(&self) -> String {
        let mut name = match (&self.operation, self.direction) {
            (Some(op), Some(d)) => format!("{op} {}", d.as_str()),
            (Some(op), None) => op.clone(),
            _ => "document".to_string(),
        };
        if let Some(e) = self.entry {
            name.push_str(&format!(" #{e}"));
        }
        name
    }

    /// Whether `d` is a finding about this message.
    pub fn owns(&self, d: &super::Diagnostic) -> bool {
        d.file == self.file && d.entry == self.entry && d.direction == self.direction && d.operation == self.operation
    }
}

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
    /// The operation the message was checked against.
    pub operation: String,
    /// Request or response.
    pub direction: Direction,
    /// Whether the message had no error.
    pub valid: bool,
}

impl Case {
    /// `operation direction #entry` (without `#entry` for whole-file payloads).
    pub fn name(&self) -> String {
        match self.entry {
            Some(e) => format!("{} {} #{e}", self.operation, self.direction.as_str()),
            None => format!("{} {}", self.operation, self.direction.as_str()),
        }
    }

    /// Whether `d` is a finding about this message.
    pub fn owns(&self, d: &super::Diagnostic) -> bool {
        d.file == self.file
            && d.entry == self.entry
            && d.direction == Some(self.direction)
            && d.operation.as_deref() == Some(self.operation.as_str())
    }
}

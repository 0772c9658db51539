//! Positions in document text: JSON pointers to byte spans without recursion,
//! byte offsets to 1-based line:column, and the lexical scanning both rest on.
//! The validator places diagnostics in captures with it; `accord diff` places
//! findings in the two versions of a contract.

mod locate;
pub mod scan;
mod yaml;

pub use locate::{LineIndex, array_items, literal_offset, locate_pointer};
pub use yaml::{YamlLines, locate_yaml_pointer};

//! Places findings in the text of each version: the file as the user named
//! it, the JSON pointer, and the line:column of that pointer (exact for JSON,
//! the nearest key for block YAML; none for documents read from no file).

use crate::{Change, Contract, Place};
use accord_catalog::Location;
use accord_catalog::text::{LineIndex, locate_pointer, locate_yaml_pointer};
use std::collections::HashMap;

/// Sets `old` and `new` places on every change.
pub fn place_all(old: &Contract, new: &Contract, changes: &mut [Change]) {
    let mut texts: HashMap<String, Option<(String, LineIndex)>> = HashMap::new();
    for c in changes.iter_mut() {
        c.old = c.at.0.as_ref().map(|l| place(old, l, &mut texts));
        c.new = c.at.1.as_ref().map(|l| place(new, l, &mut texts));
    }
}

fn place(contract: &Contract, at: &Location, texts: &mut HashMap<String, Option<(String, LineIndex)>>) -> Place {
    let doc = contract.root.document(&at.file);
    let disk = doc.map(|d| d.shown.clone()).unwrap_or_else(|| at.file.clone());
    let file = match &contract.label {
        Some(label) => format!("{label}/{}", at.file),
        None => disk.clone(),
    };
    let text = texts.entry(disk.clone()).or_insert_with(|| {
        let t = std::fs::read_to_string(&disk).ok()?;
        let index = LineIndex::new(&t);
        Some((t, index))
    });
    let (line, column) = match text {
        Some((t, _)) if at.file.ends_with(".yaml") || at.file.ends_with(".yml") => {
            locate_yaml_pointer(t, &at.pointer).map_or((None, None), |(l, c)| (Some(l), Some(c)))
        }
        Some((t, index)) => match locate_pointer(t, &at.pointer) {
            Some((start, _)) => {
                let (l, c) = index.line_col(t, start);
                (Some(l), Some(c))
            }
            None => (None, None),
        },
        None => (None, None),
    };
    Place { file, pointer: at.pointer.clone(), line, column }
}

//! A downstream crate: its `build.rs` runs `accord-codegen` on its own
//! `schemas/` (a small pet shop), and this file includes the result.
//!
//! ```
//! use accord_downstream_example::shop::{Pet, PetSpecies};
//!
//! let pet: Pet = serde_json::from_str(r#"{"id": 7, "name": "Rex", "species": "dog", "price": "12.50"}"#).unwrap();
//! assert_eq!(pet.species, PetSpecies::Dog);
//! assert!(serde_json::from_str::<Pet>(r#"{"id": 7, "name": "", "species": "dog"}"#).is_err());
//! ```
#![deny(warnings)]

include!(concat!(env!("OUT_DIR"), "/types.rs"));

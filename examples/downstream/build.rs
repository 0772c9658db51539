//! Generates this crate's types from its own `schemas/`, as any team would.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    accord_codegen::Generator::new()
        .schema_dir("schemas") // every *.json under it; subfolders become modules
        .extra_derive("Eq")
        // No `assert_formats`: a catalog (a root with OpenAPI documents) asserts the
        // formats it knows by default, as `accord check` does on it.
        .generate_to_out_dir("types.rs")?;
    Ok(())
}

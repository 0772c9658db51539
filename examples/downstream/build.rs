//! Generates this crate's types from its own `schemas/`, as any team would.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    accord_codegen::Generator::new()
        .schema_dir("schemas") // every *.json under it; subfolders become modules
        .extra_derive("Eq")
        .assert_formats(true) // 2020-12 makes `format` an annotation unless asked
        .generate_to_out_dir("types.rs")?;
    Ok(())
}

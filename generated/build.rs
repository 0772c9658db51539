//! Generates the types of Accord's built-in catalog (`../schemas`).

fn main() {
    let schemas = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    if let Err(e) = accord_codegen::Generator::new()
        .schema_dir(schemas)
        // The built-in catalog asserts `format`, as `accord check` does on it.
        .assert_formats(true)
        .generate_to_out_dir("types.rs")
    {
        // A schema error names the file and JSON pointer; fail the build with it.
        eprintln!("error: accord-codegen: {e}");
        std::process::exit(1);
    }
}

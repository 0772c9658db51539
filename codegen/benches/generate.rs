//! Generation benchmark (see README).

fn main() {}

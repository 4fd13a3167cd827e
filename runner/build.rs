//! Links the `diorama` binary as a fixed-address executable on Linux with GNU tools: as a
//! position-independent one, every start applied ~25k relocations and copied the pages they
//! touch, 0.7 ms of each run (`--version`: 2.0 → 1.3 ms), which suites run from scripts pay
//! every time. The library and the tests are linked as usual.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bin=diorama=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

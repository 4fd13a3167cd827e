//! `wat2wasm --out-dir DIR FILE.wat...`: compiles each WAT file with the `wat` crate to
//! `DIR/<stem>.wasm`. Output is a pure function of the input text (no paths, no DWARF),
//! so `ci/build-wat --check` can compare it byte for byte.

use std::{fs, path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out_dir: Option<PathBuf> = None;
    let mut inputs = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out-dir" => out_dir = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!("usage: wat2wasm --out-dir DIR FILE.wat...");
                return ExitCode::SUCCESS;
            }
            _ => inputs.push(PathBuf::from(arg)),
        }
    }
    let Some(out_dir) = out_dir else {
        eprintln!("wat2wasm: --out-dir DIR is required");
        return ExitCode::from(2);
    };
    if let Err(e) = fs::create_dir_all(&out_dir) {
        eprintln!("wat2wasm: {}: {e}", out_dir.display());
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for input in &inputs {
        let text = match fs::read_to_string(input) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("wat2wasm: {}: {e}", input.display());
                failed = true;
                continue;
            }
        };
        let parser = wat::Parser::new(); // no DWARF: the `dwarf` feature is off
        match parser.parse_str(Some(input), &text) {
            Ok(wasm) => {
                let stem = input.file_stem().expect("file name").to_string_lossy();
                let out = out_dir.join(format!("{stem}.wasm"));
                if let Err(e) = fs::write(&out, wasm) {
                    eprintln!("wat2wasm: {}: {e}", out.display());
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("wat2wasm: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

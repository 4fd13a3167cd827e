//! Running cargo for the two forms of a contract: the WASM (release, `wasm32-unknown-unknown`,
//! with the flags nitro needs) and the native library (the generated wrapper crate, with debug
//! info). Each gets a target folder of its own in diorama's cache, so the user's own builds
//! are never invalidated by diorama's flags.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{BuildError, ContractCrate, Form};

/// `rustflags` every Stylus WASM needs with current Rust (stylus-semantics §8): a 1-page stack,
/// no reference types (nitro validates without them), bulk memory, LEB-compressed relocations
/// (else Rust's std writes `call_indirect` table indexes nitro rejects), no debug sections.
pub const STYLUS_WASM_FLAGS: &[&str] = &[
    "-C",
    "link-arg=-zstack-size=32768",
    "-C",
    "target-feature=-reference-types",
    "-C",
    "target-feature=+bulk-memory",
    "-C",
    "link-arg=--compress-relocations",
    "-C",
    "link-arg=--strip-debug",
];

/// The cargo binary (the one running us under `cargo test`, else `cargo` on the `PATH`).
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Flags in the environment would replace the configuration's (and ours).
    for var in
        ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET"]
    {
        command.env_remove(var);
    }
    command
}

/// `--config` value appending `flags` to the wasm32 target's `rustflags`.
fn wasm_flags_config(flags: &[String]) -> String {
    let quoted: Vec<String> = flags.iter().map(|f| format!("'{}'", f.replace('\'', ""))).collect();
    format!("target.wasm32-unknown-unknown.rustflags=[{}]", quoted.join(", "))
}

/// The flags of a WASM build: the Stylus flags, plus a remap of cargo's home so that panic
/// messages (which embed dependency paths) do not depend on the machine. With `keep_names`, a
/// last `-C strip=none` keeps the `name` section whatever the release profile's `strip` says
/// (the twin ink profiles name functions with). A flag, not a profile override: changing the
/// profile changes cargo's `-C metadata`, so symbol hashes, so LTO's choices, and the code would
/// no longer be the deployed module's.
pub(crate) fn wasm_flags(keep_names: bool) -> Vec<String> {
    let mut flags: Vec<String> = STYLUS_WASM_FLAGS.iter().map(|f| f.to_string()).collect();
    if let Some(home) = cargo_home() {
        flags.push(format!("--remap-path-prefix={}=/cargo", home.display()));
    }
    if keep_names {
        flags.extend(["-C".to_string(), "strip=none".to_string()]);
    }
    flags
}

fn cargo_home() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    home.canonicalize().ok()
}

/// Builds the WASM of `krate` into `target` with [`wasm_flags`] and returns the module's path
/// there.
pub(crate) fn build_wasm(krate: &ContractCrate, target: &Path, keep_names: bool) -> Result<PathBuf, BuildError> {
    let flags = wasm_flags(keep_names);
    let mut command = cargo();
    command
        .arg("build")
        .arg("--release")
        .arg("--lib")
        .args(["--target", "wasm32-unknown-unknown"])
        .arg("--manifest-path")
        .arg(krate.dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .args(["--config", &wasm_flags_config(&flags)])
        .current_dir(&krate.dir);
    run(command, krate, if keep_names { Form::NamedWasm } else { Form::Wasm })?;
    Ok(target.join("wasm32-unknown-unknown/release").join(format!("{}.wasm", krate.lib_name)))
}

/// Builds the wrapper crate in `wrapper` (see `executor_debugger::wrapper_crate`) into `target`
/// and returns the library's path there.
pub(crate) fn build_native(krate: &ContractCrate, wrapper: &Path, target: &Path) -> Result<PathBuf, BuildError> {
    let mut command = cargo();
    command
        .arg("build")
        .arg("--lib")
        .arg("--manifest-path")
        .arg(wrapper.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .current_dir(wrapper);
    run(command, krate, Form::Native)?;
    let file =
        format!("{}diorama_native_{}{}", std::env::consts::DLL_PREFIX, krate.lib_name, std::env::consts::DLL_SUFFIX);
    Ok(target.join("debug").join(file))
}

fn run(mut command: Command, krate: &ContractCrate, form: Form) -> Result<(), BuildError> {
    let started = std::time::Instant::now();
    eprintln!("diorama: building contract `{}` ({form}) from {}", krate.name, krate.dir.display());
    let output =
        command.output().map_err(|e| BuildError::Io { path: PathBuf::from("cargo"), message: e.to_string() })?;
    if !output.status.success() {
        return Err(BuildError::Cargo {
            contract: krate.name.clone(),
            dir: krate.dir.clone(),
            form,
            output: compiler_messages(&String::from_utf8_lossy(&output.stderr)),
        });
    }
    eprintln!("diorama: built contract `{}` ({form}) in {:.1} s", krate.name, started.elapsed().as_secs_f64());
    Ok(())
}

/// cargo's output without its progress lines.
fn compiler_messages(stderr: &str) -> String {
    const PROGRESS: &[&str] = &[
        "Compiling",
        "Finished",
        "Blocking",
        "Downloaded",
        "Downloading",
        "Updating",
        "Locking",
        "Adding",
        "Checking",
    ];
    let lines: Vec<&str> =
        stderr.lines().filter(|line| !PROGRESS.iter().any(|p| line.trim_start().starts_with(p))).collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::{compiler_messages, wasm_flags_config};

    #[test]
    fn progress_lines_are_dropped() {
        let text = "   Compiling x v0.1.0\nerror[E0425]: cannot find value `y`\n --> src/lib.rs:3:5\n    Finished";
        assert_eq!(compiler_messages(text), "error[E0425]: cannot find value `y`\n --> src/lib.rs:3:5");
    }

    #[test]
    fn flags_become_a_toml_array() {
        let config = wasm_flags_config(&["-C".into(), "link-arg=-zstack-size=32768".into()]);
        assert_eq!(config, "target.wasm32-unknown-unknown.rustflags=['-C', 'link-arg=-zstack-size=32768']");
    }
}

//! What the native wrapper needs to know when a crate's native build has no `user_entrypoint`
//! (see `executor_debugger::Entry::Router`): the crate's `#[entrypoint]` type and the
//! stylus-sdk version it builds with.

use std::path::Path;

/// Whether the library at `path` exports `user_entrypoint` (its dynamic string table holds
/// the name; nothing else in a build without the function does).
pub(crate) fn exports_user_entrypoint(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.windows(17).any(|w| w == b"\0user_entrypoint\0"))
}

/// The path of the `#[entrypoint]` type inside the crate at `dir` (`Name`, or `module::Name`
/// for a type in `src/module.rs`), found by reading its sources.
pub(crate) fn entrypoint_type(dir: &Path) -> Option<String> {
    let src = dir.join("src");
    if let Some(name) = std::fs::read_to_string(src.join("lib.rs")).ok().as_deref().and_then(type_after_attribute) {
        return Some(name);
    }
    let mut files: Vec<_> = std::fs::read_dir(&src).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    files.iter().filter(|p| p.extension().is_some_and(|e| e == "rs")).find_map(|path| {
        let module = path.file_stem()?.to_string_lossy().into_owned();
        let name = type_after_attribute(&std::fs::read_to_string(path).ok()?)?;
        Some(format!("{module}::{name}"))
    })
}

/// The name of the first `struct` after an `#[entrypoint]` attribute.
fn type_after_attribute(text: &str) -> Option<String> {
    let after = &text[text.find("#[entrypoint]")? + "#[entrypoint]".len()..];
    let rest = &after[after.find("struct ")? + "struct ".len()..];
    let name: String = rest.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// The stylus-sdk version a `Cargo.lock` resolves.
pub(crate) fn sdk_version(lock: &Path) -> Option<String> {
    let table: toml::Table = std::fs::read_to_string(lock).ok()?.parse().ok()?;
    table.get("package")?.as_array()?.iter().find_map(|package| {
        (package.get("name")?.as_str()? == "stylus-sdk")
            .then(|| package.get("version")?.as_str().map(str::to_string))?
    })
}

#[cfg(test)]
mod tests {
    use super::type_after_attribute;

    #[test]
    fn finds_the_entrypoint_struct() {
        let text = "sol_storage! {\n    #[entrypoint]\n    pub struct CrossCaller {\n        uint256 value;\n    }\n}";
        assert_eq!(type_after_attribute(text).as_deref(), Some("CrossCaller"));
        assert_eq!(
            type_after_attribute("#[storage]\n#[entrypoint]\npub struct Compute {}").as_deref(),
            Some("Compute")
        );
        assert_eq!(type_after_attribute("pub struct NoEntrypoint;"), None);
    }
}

//! WASM function names for ink profiles: from a module's `name` section, demangled, or
//! `func[N]` when it has none. Release Stylus builds are stripped, so `contract:` programs are
//! named from an unstripped twin built from the same sources — used only if its code is byte
//! for byte the deployed module's.

use std::collections::HashMap;

use wasmparser::{KnownCustom, Name, Parser, Payload};

/// The names of a module's functions, by index (imports first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionNames {
    names: HashMap<u32, String>,
}

impl FunctionNames {
    /// The names `wasm` carries (none if it is stripped or malformed).
    pub fn of(wasm: &[u8]) -> Self {
        let mut names = HashMap::new();
        for payload in Parser::new(0).parse_all(wasm) {
            let Ok(Payload::CustomSection(section)) = payload else { continue };
            let KnownCustom::Name(reader) = section.as_known() else { continue };
            for subsection in reader {
                let Ok(Name::Function(map)) = subsection else { continue };
                for naming in map.into_iter().flatten() {
                    names.insert(naming.index, readable(naming.name));
                }
            }
        }
        Self { names }
    }

    /// Whether the module had any names.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Function `index`'s name, or `func[index]`.
    pub fn name(&self, index: u32) -> String {
        self.names.get(&index).cloned().unwrap_or_else(|| format!("func[{index}]"))
    }
}

/// A symbol as a person reads it: Rust symbols demangled without their hash.
fn readable(symbol: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(symbol))
}

/// Whether two modules are the same program: every section but the custom ones (names,
/// producers) byte for byte, so that function indices mean the same functions.
pub fn same_program(a: &[u8], b: &[u8]) -> bool {
    match (sections(a), sections(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn sections(wasm: &[u8]) -> Option<Vec<&[u8]>> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        if matches!(payload, Payload::CustomSection(_)) {
            continue;
        }
        if let Some((_, range)) = payload.as_section() {
            let range = usize::try_from(range.start).ok()?..usize::try_from(range.end).ok()?;
            found.push(wasm.get(range)?);
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::{FunctionNames, same_program};

    const NAMED: &str = r#"(module
        (import "vm_hooks" "read_args" (func $read_args (param i32)))
        (func $_ZN7compute7Compute5sieve17h0123456789abcdefE)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

    #[test]
    fn names_are_demangled_and_unnamed_functions_numbered() {
        let wasm = wat::parse_str(NAMED).unwrap();
        let names = FunctionNames::of(&wasm);
        assert_eq!(names.name(0), "read_args");
        assert_eq!(names.name(1), "compute::Compute::sieve");
        assert_eq!(names.name(2), "func[2]");
    }

    #[test]
    fn a_twin_must_have_the_same_code() {
        let named = wat::parse_str(NAMED).unwrap();
        let stripped = wat::parse_str(NAMED.replace("$_ZN7compute7Compute5sieve17h0123456789abcdefE", "")).unwrap();
        assert!(FunctionNames::of(&stripped).name(1).starts_with("func["));
        assert!(same_program(&named, &stripped));
        let other = wat::parse_str(NAMED.replace("i32.const 0", "i32.const 1")).unwrap();
        assert!(!same_program(&named, &other));
    }
}

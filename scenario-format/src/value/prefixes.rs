//! Every prefix and special token of the value-expression language, in one place.

/// UTF-8 text: `str:hello`.
pub const STR: &str = "str:";
/// A named test address: `address:alice` (20 bytes, right-padded with `_`).
pub const ADDRESS: &str = "address:";
/// Left-pad to a 32-byte word: `word:5`.
pub const WORD: &str = "word:";
/// A file's bytes, relative to the scenario file: `file:data.bin`.
pub const FILE: &str = "file:";
/// Keccak-256 of everything to its right: `keccak256:word:address:alice|u256:0`.
pub const KECCAK256: &str = "keccak256:";
/// Hexadecimal bytes: `0x0a1b`.
pub const HEX: &str = "0x";
/// First letter of a fixed-width unsigned prefix (`u8:` … `u256:`).
pub const UNSIGNED: char = 'u';
/// First letter of a fixed-width two's-complement prefix (`i8:` … `i256:`).
pub const SIGNED: char = 'i';
/// The byte `0x01`.
pub const TRUE: &str = "true";
/// No bytes.
pub const FALSE: &str = "false";
/// Concatenation separator.
pub const CONCAT: char = '|';
/// Separators allowed inside decimal numbers (`1_000`, `1,000`).
pub const NUMBER_SEPARATORS: [char; 2] = ['_', ','];
/// Size of a word (storage slots and values, topics).
pub const WORD_LEN: usize = 32;
/// Longest `address:` name.
pub const ADDRESS_NAME_MAX: usize = 20;
/// Padding byte of `address:` names.
pub const ADDRESS_PAD: u8 = b'_';

/// In expectations: not checked.
pub const ANY: &str = "*";
/// As a map key (`"+": ""`) or final log entry: more entries are allowed.
pub const MORE: &str = "+";

/// Code: EVM bytecode from a compiled artifact or `.bin`/`.hex` file.
pub const EVM: &str = "evm:";
/// Code: a WASM program file (Stylus).
pub const WASM: &str = "wasm:";
/// Code: a Stylus contract crate named in the suite's config file.
pub const CONTRACT: &str = "contract:";

/// The prefixes of byte expressions, for error messages.
pub const VALUE_PREFIXES: &[&str] = &[STR, ADDRESS, WORD, FILE, KECCAK256, HEX, "u8:…u256:", "i8:…i256:"];

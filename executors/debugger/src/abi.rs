//! The C ABI between diorama and a contract's native build.
//!
//! A contract's native form is a small generated `cdylib` crate (see [`wrapper_crate`]) that
//! links the user's unmodified contract crate and defines the symbols its `extern "C"` hostio
//! declarations need: every `vm_hooks` (and `console`) function, each forwarding through a
//! table of function pointers that diorama installs once the library is loaded. It also
//! installs a panic hook in the library's own copy of std, which hands the panic to diorama
//! (the contract's `user_entrypoint` is `extern "C"`, so a panic must never unwind through it).
//!
//! [`for_each_hostio!`] is the one list of those functions with their native signatures (the
//! SDK's own declarations, `stylus-sdk/src/hostio.rs`; C-SDK-style types for the hooks the Rust
//! SDK does not declare): the table type, diorama's implementations and the wrapper's source are
//! all generated from it.

/// Bumped whenever the table's layout or the wrapper's contract changes.
pub const ABI_VERSION: u32 = 1;

/// Calls `$callback!` with every hostio the native wrapper defines, as
/// `name(arg: type, …) -> ret;` (unit results are written `-> ()`).
#[macro_export]
macro_rules! for_each_hostio {
    ($callback:ident) => {
        $callback! {
            read_args(dest: *mut u8) -> ();
            write_result(data: *const u8, len: usize) -> ();
            exit_early(status: u32) -> ();
            pay_for_memory_grow(pages: u16) -> ();
            native_keccak256(bytes: *const u8, len: usize, output: *mut u8) -> ();
            return_data_size() -> usize;
            read_return_data(dest: *mut u8, offset: usize, size: usize) -> usize;
            storage_load_bytes32(key: *const u8, dest: *mut u8) -> ();
            storage_cache_bytes32(key: *const u8, value: *const u8) -> ();
            storage_flush_cache(clear: bool) -> ();
            transient_load_bytes32(key: *const u8, dest: *mut u8) -> ();
            transient_store_bytes32(key: *const u8, value: *const u8) -> ();
            emit_log(data: *const u8, len: usize, topics: usize) -> ();
            account_balance(address: *const u8, dest: *mut u8) -> ();
            account_code(address: *const u8, offset: usize, size: usize, dest: *mut u8) -> usize;
            account_code_size(address: *const u8) -> usize;
            account_codehash(address: *const u8, dest: *mut u8) -> ();
            call_contract(contract: *const u8, calldata: *const u8, calldata_len: usize, value: *const u8, gas: u64, return_data_len: *mut usize) -> u8;
            delegate_call_contract(contract: *const u8, calldata: *const u8, calldata_len: usize, gas: u64, return_data_len: *mut usize) -> u8;
            static_call_contract(contract: *const u8, calldata: *const u8, calldata_len: usize, gas: u64, return_data_len: *mut usize) -> u8;
            create1(code: *const u8, code_len: usize, endowment: *const u8, contract: *mut u8, revert_data_len: *mut usize) -> ();
            create2(code: *const u8, code_len: usize, endowment: *const u8, salt: *const u8, contract: *mut u8, revert_data_len: *mut usize) -> ();
            msg_sender(sender: *mut u8) -> ();
            msg_value(value: *mut u8) -> ();
            msg_reentrant() -> bool;
            contract_address(address: *mut u8) -> ();
            tx_origin(origin: *mut u8) -> ();
            tx_gas_price(gas_price: *mut u8) -> ();
            tx_ink_price() -> u32;
            block_basefee(basefee: *mut u8) -> ();
            block_coinbase(coinbase: *mut u8) -> ();
            block_gas_limit() -> u64;
            block_number() -> u64;
            block_timestamp() -> u64;
            chainid() -> u64;
            evm_gas_left() -> u64;
            evm_ink_left() -> u64;
            math_div(value: *mut u8, divisor: *const u8) -> ();
            math_mod(value: *mut u8, modulus: *const u8) -> ();
            math_pow(value: *mut u8, exponent: *const u8) -> ();
            math_add_mod(value: *mut u8, addend: *const u8, modulus: *const u8) -> ();
            math_mul_mod(value: *mut u8, multiplier: *const u8, modulus: *const u8) -> ();
        }
    };
}

macro_rules! table_type {
    ($($name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty;)*) => {
        /// The functions diorama gives a native contract: one per hostio, then the services of
        /// the wrapper (console output, panics). `#[repr(C)]`: the wrapper declares the same
        /// struct (generated from the same list).
        #[repr(C)]
        #[derive(Debug)]
        pub struct HookTable {
            /// [`ABI_VERSION`].
            pub abi_version: u32,
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                pub $name: unsafe extern "C" fn($($ty),*) -> $ret,
            )*
            /// `console.log_*` output, already formatted by the wrapper.
            pub console: unsafe extern "C" fn(text: *const u8, len: usize),
            /// Whether the wrapper should capture backtraces of panics.
            pub backtraces: unsafe extern "C" fn() -> bool,
            /// A panic in the contract: its message and backtrace. Never returns.
            pub on_panic: unsafe extern "C" fn(message: *const u8, len: usize, backtrace: *const u8, backtrace_len: usize) -> !,
        }
    };
}
for_each_hostio!(table_type);

macro_rules! wrapper_functions {
    ($($name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty;)*) => {
        /// The wrapper's table declaration and forwarding functions, as Rust source.
        fn wrapper_hostios() -> String {
            let mut fields = String::new();
            let mut functions = String::new();
            $(
                let params: &[&str] = &[$(concat!(stringify!($arg), ": ", stringify!($ty))),*];
                let types: &[&str] = &[$(stringify!($ty)),*];
                let args: &[&str] = &[$(stringify!($arg)),*];
                let (params, types, args) = (params.join(", "), types.join(", "), args.join(", "));
                let ret = stringify!($ret);
                fields.push_str(&format!("    {}: unsafe extern \"C\" fn({types}) -> {ret},\n", stringify!($name)));
                functions.push_str(&format!(
                    "#[no_mangle]\npub unsafe extern \"C\" fn {name}({params}) -> {ret} {{\n    unsafe {{ (table().{name})({args}) }}\n}}\n\n",
                    name = stringify!($name),
                ));
            )*
            format!("#[repr(C)]\npub struct HookTable {{\n    abi_version: u32,\n{fields}{SERVICE_FIELDS}}}\n\n{functions}")
        }
    };
}
for_each_hostio!(wrapper_functions);

/// The table's last fields, as the wrapper declares them.
const SERVICE_FIELDS: &str = "    console: unsafe extern \"C\" fn(*const u8, usize),
    backtraces: unsafe extern \"C\" fn() -> bool,
    on_panic: unsafe extern \"C\" fn(*const u8, usize, *const u8, usize) -> !,
";

/// The generated crate that turns a contract crate into its native form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrapperCrate {
    /// `Cargo.toml`.
    pub manifest: String,
    /// `lib.rs`.
    pub source: String,
}

/// How the native form is compiled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NativeProfile {
    /// `opt-level` of the contract crate itself (0 steps best in a debugger; dependencies are
    /// always optimised).
    pub contract_opt_level: u8,
}

/// How the wrapper enters the contract.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// The `user_entrypoint` that the SDK's `#[entrypoint]` generates (the WASM entrypoint).
    Sdk,
    /// A copy of that entrypoint's steps around `stylus_sdk::abi::router_entrypoint::<T, T>`
    /// for the `#[entrypoint]` type at `entrypoint` (a path inside the contract crate), for
    /// crates whose native build has no `user_entrypoint`: stylus-sdk's `reentrant` feature turns
    /// on its `stylus-test` feature natively, which stops the macro from generating one.
    Router {
        /// The `#[entrypoint]` type, e.g. `CrossCaller` or `token::Token`.
        entrypoint: String,
        /// The stylus-sdk version the contract uses (the wrapper names the same crate).
        sdk_version: String,
    },
}

/// The name the router fallback exports instead of `user_entrypoint`.
pub const ROUTER_ENTRYPOINT: &str = "diorama_router_entrypoint";

/// The wrapper crate for the contract package `package` (library target `lib_name`) at
/// `contract_dir` (an absolute path). The wrapper is its own workspace, so its profile is the
/// one that applies: full debug info, `panic = "unwind"` whatever the contract's profile says
/// (a panic is handed to diorama from the panic hook; it never unwinds into `extern "C"`).
pub fn wrapper_crate(
    package: &str,
    lib_name: &str,
    contract_dir: &std::path::Path,
    profile: NativeProfile,
    entry: &Entry,
) -> WrapperCrate {
    let dir = contract_dir.display().to_string().replace('\\', "\\\\").replace('"', "\\\"");
    let sdk = match entry {
        Entry::Sdk => String::new(),
        Entry::Router { sdk_version, .. } => {
            format!("stylus-sdk = {{ version = \"={sdk_version}\", default-features = false }}\n")
        }
    };
    let manifest = format!(
        r#"# Generated by diorama: the native (debugger) form of `{package}`. Do not edit.
[package]
name = "diorama-native-{lib_name}"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"
crate-type = ["cdylib"]

[dependencies]
{package} = {{ path = "{dir}" }}
{sdk}
[profile.dev]
debug = 2
panic = "unwind"
opt-level = 2

[profile.dev.package."*"]
opt-level = 2

[profile.dev.package.{package}]
opt-level = {opt}
debug = 2

[workspace]
"#,
        opt = profile.contract_opt_level,
    );
    let source = format!(
        r#"//! Generated by diorama (native ABI {ABI_VERSION}): links `{package}` and gives its hostio
//! declarations definitions that forward to diorama. Do not edit.
#![allow(clippy::all, unused, improper_ctypes_definitions)]

extern crate {lib_name} as _;

use std::sync::atomic::{{AtomicPtr, Ordering}};

{hostios}
static TABLE: AtomicPtr<HookTable> = AtomicPtr::new(std::ptr::null_mut());

fn table() -> &'static HookTable {{
    let table = TABLE.load(Ordering::Acquire);
    if table.is_null() {{
        eprintln!("diorama native wrapper: a hostio was called before diorama installed its table");
        std::process::abort();
    }}
    // SAFETY: diorama installs a `&'static` table before running any contract code.
    unsafe {{ &*table }}
}}

/// The ABI this wrapper was generated for.
#[no_mangle]
pub extern "C" fn diorama_native_abi() -> u32 {{
    {ABI_VERSION}
}}

/// Installs diorama's table and the panic hook that hands panics to diorama.
#[no_mangle]
pub unsafe extern "C" fn diorama_native_install(table: *const HookTable) -> u32 {{
    TABLE.store(table as *mut HookTable, Ordering::Release);
    std::panic::set_hook(Box::new(|info| {{
        let message = info.to_string();
        let backtrace = if unsafe {{ (self::table().backtraces)() }} {{
            std::backtrace::Backtrace::force_capture().to_string()
        }} else {{
            String::new()
        }};
        unsafe {{ (self::table().on_panic)(message.as_ptr(), message.len(), backtrace.as_ptr(), backtrace.len()) }}
    }}));
    {ABI_VERSION}
}}

fn console(text: &str) {{
    unsafe {{ (table().console)(text.as_ptr(), text.len()) }}
}}

#[no_mangle]
pub unsafe extern "C" fn log_txt(text: *const u8, len: usize) {{
    let bytes = if text.is_null() {{ &[][..] }} else {{ unsafe {{ std::slice::from_raw_parts(text, len) }} }};
    console(&String::from_utf8_lossy(bytes));
}}

#[no_mangle]
pub extern "C" fn log_i32(value: i32) {{
    console(&value.to_string());
}}

#[no_mangle]
pub extern "C" fn log_i64(value: i64) {{
    console(&value.to_string());
}}

#[no_mangle]
pub extern "C" fn log_f32(value: f32) {{
    console(&value.to_string());
}}

#[no_mangle]
pub extern "C" fn log_f64(value: f64) {{
    console(&value.to_string());
}}
"#,
        hostios = wrapper_hostios(),
    );
    let source = match entry {
        Entry::Sdk => source,
        Entry::Router { entrypoint, .. } => {
            let path = format!("::{lib_name}::{entrypoint}");
            source + &include_str!("router_fallback.rs.in").replace("@ENTRYPOINT@", &path)
        }
    };
    WrapperCrate { manifest, source }
}

#[cfg(test)]
mod tests {
    use super::{Entry, NativeProfile, wrapper_crate};

    #[test]
    fn wrapper_defines_every_hostio_once_and_forwards_it() {
        let path = std::path::Path::new("/tmp/counter");
        let wrapper = wrapper_crate("counter", "counter", path, NativeProfile::default(), &Entry::Sdk);
        let hooks = world_mock::stylus::VM_HOOKS;
        for (name, _) in hooks {
            let definition = format!("pub unsafe extern \"C\" fn {name}(");
            assert_eq!(wrapper.source.matches(&definition).count(), 1, "{name}");
            assert!(wrapper.source.contains(&format!("(table().{name})(")), "{name} forwards");
        }
        assert!(wrapper.manifest.contains("counter = { path = \"/tmp/counter\" }"));
        assert!(wrapper.manifest.contains("[profile.dev.package.counter]\nopt-level = 0"));
        assert!(wrapper.source.contains("extern crate counter as _;"));
        assert!(!wrapper.source.contains("diorama_router_entrypoint"), "the SDK's entrypoint is used");
    }

    #[test]
    fn router_fallback_names_the_entrypoint_type_and_the_sdk() {
        let entry = Entry::Router { entrypoint: "CrossCaller".into(), sdk_version: "0.10.10".into() };
        let dir = std::path::Path::new("/c");
        let wrapper = wrapper_crate("cross-caller", "cross_caller", dir, NativeProfile::default(), &entry);
        assert!(
            wrapper.source.contains("router_entrypoint::<::cross_caller::CrossCaller, ::cross_caller::CrossCaller>")
        );
        assert!(wrapper.manifest.contains("stylus-sdk = { version = \"=0.10.10\", default-features = false }"));
        assert!(!wrapper.source.contains("@ENTRYPOINT@"));
    }
}

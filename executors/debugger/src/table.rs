//! Diorama's side of the native ABI: the function behind each table entry. Every hostio runs
//! the shared rules of the `hostio` crate on the frame of the calling thread; an escape (or a
//! panic inside diorama itself) ends the frame through `worker::abandon`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

use hostio::hostio as h;
use hostio::{Escape, Ptr, TraceValue, traced};

use crate::abi::{ABI_VERSION, HookTable};
use crate::for_each_hostio;
use crate::host::NativeHost;
use crate::worker::{Ended, abandon, with_frame};

/// Whether panics carry a backtrace (capturing one costs milliseconds).
pub(crate) static BACKTRACES: AtomicBool = AtomicBool::new(false);

/// A native pointer as the shared rules take it.
fn p<T>(ptr: *const T) -> Ptr {
    ptr as usize as Ptr
}

/// A native length; Stylus lengths are 32-bit.
fn n(len: usize) -> Result<u32, Escape> {
    u32::try_from(len).map_err(|_| Escape::failure(format!("length {len} does not fit 32 bits")))
}

fn z(len: u32) -> usize {
    len as usize
}

/// Runs one hostio on the calling thread's frame; never returns if the frame must end.
fn call<T: TraceValue>(name: &'static str, body: impl FnOnce(&mut NativeHost) -> Result<T, Escape>) -> T {
    let result = with_frame(|host| catch_unwind(AssertUnwindSafe(|| traced(host, name, body))));
    let escape = match result {
        Some(Ok(Ok(value))) => return value,
        Some(Ok(Err(escape))) => escape,
        Some(Err(panic)) => Escape::failure(format!("diorama failed inside hostio {name}: {}", panic_text(&*panic))),
        None => {
            eprintln!("diorama: hostio {name} was called outside a frame (from a thread the contract started?)");
            std::process::abort();
        }
    };
    abandon(|host| Ended::Escaped { escape, ink_left: host.ink_left, outs: host.frame.outs.clone() })
}

pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// The hostio bodies with native argument types.
mod bodies {
    use super::*;

    pub(super) fn read_args(cx: &mut NativeHost, dest: *mut u8) -> Result<(), Escape> {
        h::read_args(cx, p(dest))
    }
    pub(super) fn write_result(cx: &mut NativeHost, data: *const u8, len: usize) -> Result<(), Escape> {
        h::write_result(cx, p(data), n(len)?)
    }
    pub(super) fn exit_early(cx: &mut NativeHost, status: u32) -> Result<(), Escape> {
        h::exit_early(cx, status)
    }
    pub(super) fn pay_for_memory_grow(cx: &mut NativeHost, pages: u16) -> Result<(), Escape> {
        h::pay_for_memory_grow(cx, u32::from(pages))
    }
    pub(super) fn native_keccak256(
        cx: &mut NativeHost,
        bytes: *const u8,
        len: usize,
        output: *mut u8,
    ) -> Result<(), Escape> {
        h::native_keccak256(cx, p(bytes), n(len)?, p(output))
    }
    pub(super) fn return_data_size(cx: &mut NativeHost) -> Result<usize, Escape> {
        h::return_data_size(cx).map(z)
    }
    pub(super) fn read_return_data(
        cx: &mut NativeHost,
        dest: *mut u8,
        offset: usize,
        size: usize,
    ) -> Result<usize, Escape> {
        let (offset, size) = (u32::try_from(offset).unwrap_or(u32::MAX), u32::try_from(size).unwrap_or(u32::MAX));
        h::read_return_data(cx, p(dest), offset, size).map(z)
    }
    pub(super) fn storage_load_bytes32(cx: &mut NativeHost, key: *const u8, dest: *mut u8) -> Result<(), Escape> {
        h::storage_load_bytes32(cx, p(key), p(dest))
    }
    pub(super) fn storage_cache_bytes32(cx: &mut NativeHost, key: *const u8, value: *const u8) -> Result<(), Escape> {
        h::storage_cache_bytes32(cx, p(key), p(value))
    }
    pub(super) fn storage_flush_cache(cx: &mut NativeHost, clear: bool) -> Result<(), Escape> {
        h::storage_flush_cache(cx, clear)
    }
    pub(super) fn transient_load_bytes32(cx: &mut NativeHost, key: *const u8, dest: *mut u8) -> Result<(), Escape> {
        h::transient_load_bytes32(cx, p(key), p(dest))
    }
    pub(super) fn transient_store_bytes32(cx: &mut NativeHost, key: *const u8, value: *const u8) -> Result<(), Escape> {
        h::transient_store_bytes32(cx, p(key), p(value))
    }
    pub(super) fn emit_log(cx: &mut NativeHost, data: *const u8, len: usize, topics: usize) -> Result<(), Escape> {
        h::emit_log(cx, p(data), n(len)?, n(topics)?)
    }
    pub(super) fn account_balance(cx: &mut NativeHost, address: *const u8, dest: *mut u8) -> Result<(), Escape> {
        h::account_balance(cx, p(address), p(dest))
    }
    pub(super) fn account_code(
        cx: &mut NativeHost,
        address: *const u8,
        offset: usize,
        size: usize,
        dest: *mut u8,
    ) -> Result<usize, Escape> {
        let (offset, size) = (u32::try_from(offset).unwrap_or(u32::MAX), u32::try_from(size).unwrap_or(u32::MAX));
        h::account_code(cx, p(address), offset, size, p(dest)).map(z)
    }
    pub(super) fn account_code_size(cx: &mut NativeHost, address: *const u8) -> Result<usize, Escape> {
        h::account_code_size(cx, p(address)).map(z)
    }
    pub(super) fn account_codehash(cx: &mut NativeHost, address: *const u8, dest: *mut u8) -> Result<(), Escape> {
        h::account_codehash(cx, p(address), p(dest))
    }
    pub(super) fn call_contract(
        cx: &mut NativeHost,
        contract: *const u8,
        calldata: *const u8,
        calldata_len: usize,
        value: *const u8,
        gas: u64,
        return_data_len: *mut usize,
    ) -> Result<u8, Escape> {
        h::call_contract(cx, p(contract), p(calldata), n(calldata_len)?, p(value), gas, p(return_data_len))
    }
    pub(super) fn delegate_call_contract(
        cx: &mut NativeHost,
        contract: *const u8,
        calldata: *const u8,
        calldata_len: usize,
        gas: u64,
        return_data_len: *mut usize,
    ) -> Result<u8, Escape> {
        h::delegate_call_contract(cx, p(contract), p(calldata), n(calldata_len)?, gas, p(return_data_len))
    }
    pub(super) fn static_call_contract(
        cx: &mut NativeHost,
        contract: *const u8,
        calldata: *const u8,
        calldata_len: usize,
        gas: u64,
        return_data_len: *mut usize,
    ) -> Result<u8, Escape> {
        h::static_call_contract(cx, p(contract), p(calldata), n(calldata_len)?, gas, p(return_data_len))
    }
    pub(super) fn create1(
        cx: &mut NativeHost,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) -> Result<(), Escape> {
        h::create1(cx, p(code), n(code_len)?, p(endowment), p(contract), p(revert_data_len))
    }
    pub(super) fn create2(
        cx: &mut NativeHost,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        salt: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) -> Result<(), Escape> {
        h::create2(cx, p(code), n(code_len)?, p(endowment), p(salt), p(contract), p(revert_data_len))
    }
    pub(super) fn msg_sender(cx: &mut NativeHost, sender: *mut u8) -> Result<(), Escape> {
        h::msg_sender(cx, p(sender))
    }
    pub(super) fn msg_value(cx: &mut NativeHost, value: *mut u8) -> Result<(), Escape> {
        h::msg_value(cx, p(value))
    }
    pub(super) fn msg_reentrant(cx: &mut NativeHost) -> Result<bool, Escape> {
        h::msg_reentrant(cx)
    }
    pub(super) fn contract_address(cx: &mut NativeHost, address: *mut u8) -> Result<(), Escape> {
        h::contract_address(cx, p(address))
    }
    pub(super) fn tx_origin(cx: &mut NativeHost, origin: *mut u8) -> Result<(), Escape> {
        h::tx_origin(cx, p(origin))
    }
    pub(super) fn tx_gas_price(cx: &mut NativeHost, gas_price: *mut u8) -> Result<(), Escape> {
        h::tx_gas_price(cx, p(gas_price))
    }
    pub(super) fn tx_ink_price(cx: &mut NativeHost) -> Result<u32, Escape> {
        h::tx_ink_price(cx)
    }
    pub(super) fn block_basefee(cx: &mut NativeHost, basefee: *mut u8) -> Result<(), Escape> {
        h::block_basefee(cx, p(basefee))
    }
    pub(super) fn block_coinbase(cx: &mut NativeHost, coinbase: *mut u8) -> Result<(), Escape> {
        h::block_coinbase(cx, p(coinbase))
    }
    pub(super) fn block_gas_limit(cx: &mut NativeHost) -> Result<u64, Escape> {
        h::block_gas_limit(cx)
    }
    pub(super) fn block_number(cx: &mut NativeHost) -> Result<u64, Escape> {
        h::block_number(cx)
    }
    pub(super) fn block_timestamp(cx: &mut NativeHost) -> Result<u64, Escape> {
        h::block_timestamp(cx)
    }
    pub(super) fn chainid(cx: &mut NativeHost) -> Result<u64, Escape> {
        h::chainid(cx)
    }
    pub(super) fn evm_gas_left(cx: &mut NativeHost) -> Result<u64, Escape> {
        h::evm_gas_left(cx)
    }
    pub(super) fn evm_ink_left(cx: &mut NativeHost) -> Result<u64, Escape> {
        h::evm_ink_left(cx)
    }
    pub(super) fn math_div(cx: &mut NativeHost, value: *mut u8, divisor: *const u8) -> Result<(), Escape> {
        h::math_div(cx, p(value), p(divisor))
    }
    pub(super) fn math_mod(cx: &mut NativeHost, value: *mut u8, modulus: *const u8) -> Result<(), Escape> {
        h::math_mod(cx, p(value), p(modulus))
    }
    pub(super) fn math_pow(cx: &mut NativeHost, value: *mut u8, exponent: *const u8) -> Result<(), Escape> {
        h::math_pow(cx, p(value), p(exponent))
    }
    pub(super) fn math_add_mod(
        cx: &mut NativeHost,
        value: *mut u8,
        addend: *const u8,
        modulus: *const u8,
    ) -> Result<(), Escape> {
        h::math_add_mod(cx, p(value), p(addend), p(modulus))
    }
    pub(super) fn math_mul_mod(
        cx: &mut NativeHost,
        value: *mut u8,
        multiplier: *const u8,
        modulus: *const u8,
    ) -> Result<(), Escape> {
        h::math_mul_mod(cx, p(value), p(multiplier), p(modulus))
    }
}

macro_rules! table {
    ($($name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty;)*) => {
        /// The `extern "C"` entries of [`TABLE`].
        mod entries {
            $(
                pub(super) unsafe extern "C" fn $name($($arg: $ty),*) -> $ret {
                    super::call(stringify!($name), |cx| super::bodies::$name(cx, $($arg),*))
                }
            )*
        }

        /// The table every native contract library gets.
        pub(crate) static TABLE: HookTable = HookTable {
            abi_version: ABI_VERSION,
            $($name: entries::$name,)*
            console,
            backtraces,
            on_panic,
        };
    };
}
for_each_hostio!(table);

/// Console output of a contract (the SDK's `console!` with its `debug` feature).
unsafe extern "C" fn console(text: *const u8, len: usize) {
    let text = if text.is_null() {
        String::new()
    } else {
        // SAFETY: the wrapper passes a `&str`'s pointer and length.
        String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(text, len) }).into_owned()
    };
    let contract = with_frame(|host| host.frame.contract).map(|a| a.to_string()).unwrap_or_default();
    eprintln!("[console {contract}] {text}");
}

unsafe extern "C" fn backtraces() -> bool {
    BACKTRACES.load(Ordering::Relaxed)
}

/// A panic in the contract, from the library's panic hook: ends the frame with `failure`.
unsafe extern "C" fn on_panic(message: *const u8, len: usize, backtrace: *const u8, backtrace_len: usize) -> ! {
    // SAFETY: the wrapper passes two `&str`s' pointers and lengths.
    let text = |ptr: *const u8, len: usize| {
        if ptr.is_null() {
            String::new()
        } else {
            String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(ptr, len) }).into_owned()
        }
    };
    let (message, backtrace) = (text(message, len), text(backtrace, backtrace_len));
    abandon(|host| Ended::Panicked { message, backtrace, ink_left: host.ink_left })
}

//! Expectations with their signatures resolved: output types, custom errors, events.

use std::sync::Arc;

use alloy_dyn_abi::DynSolType;
use scenario_format::{
    AbiExpect, ActivationExpect, AddressValue, BytesValue, Check, Comparison, ErrorExpect, Expect, LogExpect, Out,
    Status, WordValue,
};

use super::{PrepareError, StepCx};
use crate::abi::{EventWords, Signature, Words, is_value_type, validate_expect};

/// How to check return data.
#[derive(Clone, Debug)]
pub enum OutCheck {
    /// Decode by the function's return types, then compare value by value.
    Typed {
        /// The return types.
        types: Arc<[DynSolType]>,
        /// Expected values (`*` allowed at any depth).
        values: Vec<Check<AbiExpect>>,
        /// The values as words, when each is one: compared before decoding.
        words: Option<Words>,
    },
    /// Compare the raw bytes.
    Raw(BytesValue),
}

/// How to check revert data.
#[derive(Clone, Debug)]
pub enum ErrorCheck {
    /// `Error(string)` with this message.
    Message(String),
    /// A custom error with these arguments.
    Custom {
        /// The error's signature.
        sig: Arc<Signature>,
        /// Expected arguments.
        args: Vec<Check<AbiExpect>>,
    },
}

/// One expected log.
#[derive(Clone, Debug)]
pub enum LogCheck {
    /// Raw topics and data.
    Raw {
        /// Emitting contract.
        address: Check<AddressValue>,
        /// Topics, if checked.
        topics: Option<Vec<Check<WordValue>>>,
        /// Data, if checked.
        data: Option<Check<BytesValue>>,
    },
    /// A decoded event.
    Event {
        /// Emitting contract.
        address: Check<AddressValue>,
        /// The event signature with `indexed` markers.
        sig: Arc<Signature>,
        /// Arguments in declaration order.
        args: Vec<Check<AbiExpect>>,
        /// The arguments as words, when each is one: compared before decoding.
        words: Option<EventWords>,
    },
}

/// Expected logs.
#[derive(Clone, Debug)]
pub struct LogsCheck {
    /// In order.
    pub entries: Vec<LogCheck>,
    /// A trailing `"+"`: more logs may follow.
    pub more_allowed: bool,
}

/// Everything a transaction step checks. `None` fields are not checked.
#[derive(Clone, Debug, Default)]
pub struct Expectations {
    /// `status`.
    pub status: Option<Check<Status>>,
    /// `out`.
    pub out: Option<OutCheck>,
    /// `error`.
    pub error: Option<ErrorCheck>,
    /// `logs`.
    pub logs: Option<LogsCheck>,
    /// `address`.
    pub address: Option<Check<AddressValue>>,
    /// `gasUsed`.
    pub gas_used: Option<Check<Comparison>>,
    /// `ink`.
    pub ink: Option<Check<Comparison>>,
    /// Activation figures (`activate` steps, and deploys with `activate: true`); `None` when
    /// none is checked.
    pub activation: Option<Box<ActivationExpect>>,
}

/// Resolves a step's `expect` against the called function's signature.
pub(crate) fn prepare(
    cx: &StepCx<'_>,
    expect: Option<Expect>,
    function: Option<&Signature>,
) -> Result<Expectations, PrepareError> {
    let Some(expect) = expect else {
        return Ok(Expectations::default());
    };
    let out = match expect.out {
        None => None,
        Some(Out::Raw(raw)) => Some(OutCheck::Raw(raw)),
        Some(Out::Values(values)) => Some(match function.and_then(|f| f.returns.clone()) {
            Some(types) => {
                if types.len() != values.len() {
                    return Err(cx.error(
                        "expect.out",
                        format!("the function returns {} values, `out` lists {}", types.len(), values.len()),
                    ));
                }
                // Words for all the values mean each was converted to its type: nothing to check.
                let words = Words::of(&values, &types);
                if words.is_none() {
                    for (i, (value, ty)) in values.iter().zip(types.iter()).enumerate() {
                        validate_expect(value, ty).map_err(|e| cx.error(&format!("expect.out[{i}]"), e))?;
                    }
                }
                OutCheck::Typed { types, values, words }
            }
            None => {
                return Err(cx.error(
                    "expect.out",
                    "a list `out` is decoded by return types: give them in `function` (e.g. `count()(uint256)`), or write one raw expression",
                ));
            }
        }),
    };
    let error = match expect.error {
        None => None,
        Some(ErrorExpect::Message(message)) => {
            Some(ErrorCheck::Message(String::from_utf8_lossy(&message.value).into_owned()))
        }
        Some(ErrorExpect::Custom { signature, args }) => {
            let sig = cx.signature(&signature, "expect.error.signature")?;
            check_arity(cx, &|| "expect.error.args".into(), &sig, &args, false)?;
            cx.signatures.errors.borrow_mut().push(sig.clone());
            Some(ErrorCheck::Custom { sig, args })
        }
    };
    let logs = match expect.logs {
        None => None,
        Some(logs) => {
            let mut entries = Vec::with_capacity(logs.entries.len());
            for (i, entry) in logs.entries.into_iter().enumerate() {
                entries.push(match entry {
                    LogExpect::Raw { address, topics, data } => LogCheck::Raw { address, topics, data },
                    LogExpect::Event { address, event, args } => {
                        let sig =
                            cx.signatures.parse(&event).map_err(|e| cx.error(&format!("expect.logs[{i}].event"), e))?;
                        let words = EventWords::of(&sig, &args);
                        let path = || format!("expect.logs[{i}].args");
                        check_arity(cx, &path, &sig, &args, words.is_some())?;
                        LogCheck::Event { address, sig, args, words }
                    }
                });
            }
            Some(LogsCheck { entries, more_allowed: logs.more_allowed })
        }
    };
    Ok(Expectations {
        status: expect.status,
        out,
        error,
        logs,
        address: expect.address,
        gas_used: expect.gas_used,
        ink: expect.ink,
        activation: expect.activation,
    })
}

/// Checks `args` against `sig`; `path` (built only for an error) is where they are written.
/// `converted`: the value-type arguments were converted to their types already (their words
/// were found), so only the others are checked.
fn check_arity(
    cx: &StepCx<'_>,
    path: &dyn Fn() -> String,
    sig: &Signature,
    args: &[Check<AbiExpect>],
    converted: bool,
) -> Result<(), PrepareError> {
    if sig.params.len() != args.len() {
        return Err(cx.error(
            &path(),
            format!("`{}` has {} parameters, got {} args", sig.canonical(), sig.params.len(), args.len()),
        ));
    }
    for (i, (arg, ty)) in args.iter().zip(&sig.params).enumerate() {
        if converted && is_value_type(ty) {
            continue;
        }
        validate_expect(arg, ty).map_err(|e| cx.error(&format!("{}[{i}]", path()), e))?;
    }
    Ok(())
}

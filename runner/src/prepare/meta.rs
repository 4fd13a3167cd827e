//! What the gas report and snapshots need to know about a step beside what it does: the function
//! it calls and the names of the code it deploys or addresses.

use alloy_primitives::Address;
use scenario_format::{CodeSource, CodeValue, Step};
use std::sync::Arc;

use crate::abi::Signature;

/// A step's names. Function and code names are `Arc`s that the step reports share: every
/// report names its function and contract. A signature's canonical form is made once per
/// scenario and a code's name once per deploy; fixed names such as `(deploy)` once per step.
#[derive(Clone, Debug, Default)]
pub struct StepMeta {
    /// The function: canonical signature (`transfer(address,uint256)`), raw selector
    /// (`0xa9059cbb`), `(deploy)`, `(activate)`, `(transfer)` or `(no calldata)`; `None` for
    /// steps that send no transaction.
    pub function: Option<Arc<str>>,
    /// A deploy's code name.
    pub code_name: Option<Arc<str>>,
    /// The account a transaction addresses (call, query, transfer `to`; activate `program`), with
    /// the expression that names it.
    pub target: Option<(Address, String)>,
    /// `setState` accounts given code, with the code's name.
    pub named_code: Vec<(Address, Arc<str>)>,
}

/// The name of a contract's code: the artifact's or program's file stem (`ERC20` for
/// `evm:…/ERC20.json`, `counter` for `wasm:…/counter.wasm`), the crate for `contract:NAME`,
/// `None` for raw bytes.
pub fn code_name(code: &CodeValue) -> Option<Arc<str>> {
    let stem = |path: &std::path::Path| {
        let name = path.file_name()?.to_string_lossy();
        Some(Arc::from(name.split('.').next().unwrap_or(&name)))
    };
    match &code.source {
        CodeSource::Evm(path) | CodeSource::Wasm(path) => stem(path),
        CodeSource::Contract(name) => Some(name.as_str().into()),
        CodeSource::Bytes(_) => None,
    }
}

/// The names of `step`, once it is prepared (`function`: a call's, as looked up for it). The text
/// naming its target is moved out of the step (preparing used the target's address, not its
/// text).
pub(crate) fn step_meta(step: &mut Step, function: Option<&Signature>) -> StepMeta {
    match step {
        Step::SetState(set) => StepMeta {
            named_code: set
                .accounts
                .iter()
                .filter_map(|(address, account)| Some((address.value, code_name(account.code.as_ref()?)?)))
                .collect(),
            ..StepMeta::default()
        },
        Step::Deploy(deploy) => {
            StepMeta { function: Some("(deploy)".into()), code_name: code_name(&deploy.tx.code), ..StepMeta::default() }
        }
        Step::Activate(activate) => StepMeta {
            function: Some("(activate)".into()),
            target: Some((activate.tx.program.value, std::mem::take(&mut activate.tx.program.original))),
            ..StepMeta::default()
        },
        Step::Call(call) | Step::Query(call) => {
            let tx = &mut call.tx;
            let function = match (&tx.function, &tx.data) {
                (Some(text), _) => function.map_or_else(|| text.as_str().into(), Signature::canonical_shared),
                (None, Some(data)) if data.value.len() >= 4 => {
                    format!("0x{}", alloy_primitives::hex::encode(&data.value[..4])).into()
                }
                (None, Some(data)) if !data.value.is_empty() => {
                    format!("0x{}", alloy_primitives::hex::encode(&data.value)).into()
                }
                _ => "(no calldata)".into(),
            };
            StepMeta {
                function: Some(function),
                target: Some((tx.to.value, std::mem::take(&mut tx.to.original))),
                ..StepMeta::default()
            }
        }
        Step::Transfer(transfer) => StepMeta {
            function: Some("(transfer)".into()),
            target: Some((transfer.tx.to.value, std::mem::take(&mut transfer.tx.to.original))),
            ..StepMeta::default()
        },
        Step::CheckState(_) | Step::DumpState(_) => StepMeta::default(),
    }
}

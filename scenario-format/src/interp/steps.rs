//! Step objects other than `externalSteps` (flattened by the loader).

use super::expect::{Rules, expect};
use super::state::{check_state, set_state};
use super::{Ctx, Result};
use crate::model::{Activate, ActivateTx, CallFields, CallTx, Deploy, DeployTx, DumpState, Step, Transfer, TransferTx};
use crate::path::At;
use crate::raw::{CallRaw, DeployRaw, StepRaw};
use crate::signature::{SignatureKind, check_shape, check_signature};

/// Interprets one step at `at` (`steps[3]`).
pub(crate) fn interpret_step(ctx: &Ctx<'_>, raw: &mut StepRaw, at: &At<'_>) -> Result<Step> {
    Ok(match raw {
        StepRaw::SetState(s) => Step::SetState(set_state(ctx, s, at)?),
        StepRaw::Deploy(d) => Step::Deploy(deploy(ctx, d, at)?),
        StepRaw::Activate(a) => {
            let tx_at = at.key("tx");
            let tx = ActivateTx {
                from: ctx.address(&mut a.tx.from, &tx_at.key("from"))?,
                program: ctx.address(&mut a.tx.program, &tx_at.key("program"))?,
                value: ctx.opt(&mut a.tx.value, &tx_at, "value", Ctx::u256)?,
                gas_limit: ctx.opt(&mut a.tx.gas_limit, &tx_at, "gasLimit", Ctx::u64)?,
            };
            let rules = Rules { step: "activate", address: false, activation: true, returns: false };
            let expect = ctx.opt(&mut a.expect, at, "expect", |c, e, at| expect(c, e, at, rules))?;
            Step::Activate(Activate { tx, expect })
        }
        StepRaw::Call(c) => Step::Call(call(ctx, c, at, "call")?),
        StepRaw::Query(c) => Step::Query(call(ctx, c, at, "query")?),
        StepRaw::Transfer(t) => {
            let tx_at = at.key("tx");
            let tx = TransferTx {
                from: ctx.address(&mut t.tx.from, &tx_at.key("from"))?,
                to: ctx.address(&mut t.tx.to, &tx_at.key("to"))?,
                value: ctx.u256(&mut t.tx.value, &tx_at.key("value"))?,
            };
            let rules = Rules { step: "transfer", address: false, activation: false, returns: false };
            let expect = ctx.opt(&mut t.expect, at, "expect", |c, e, at| expect(c, e, at, rules))?;
            Step::Transfer(Transfer { tx, expect })
        }
        StepRaw::CheckState(c) => Step::CheckState(check_state(ctx, c, at)?),
        StepRaw::DumpState(d) => Step::DumpState(DumpState { path: d.path.as_ref().map(|p| ctx.base_dir.join(&p.0)) }),
        StepRaw::Ready(r) => {
            // Read and interpreted in one pass; the placeholder is dropped with the raw step.
            std::mem::replace(&mut *r.step, Step::DumpState(DumpState { path: None }))
        }
        StepRaw::ExternalSteps(_) => {
            return Err(ctx.err(at, "`externalSteps` must be resolved by the loader"));
        }
    })
}

fn deploy(ctx: &Ctx<'_>, raw: &mut DeployRaw, at: &At<'_>) -> Result<Deploy> {
    let tx_at = at.key("tx");
    let tx = &mut raw.tx;
    if let Some(sig) = &tx.constructor {
        check_signature(&sig.0, SignatureKind::Constructor)
            .map_err(|e| ctx.err(&tx_at.key("constructor"), e.message))?;
    } else if tx.args.is_some() {
        let msg = "`args` needs `constructor` (e.g. `constructor(uint256)`) to be ABI-encoded";
        return Err(ctx.err_key(&tx_at.key("args"), msg));
    }
    let activate = tx.activate.unwrap_or(false);
    let deploy_tx = DeployTx {
        from: ctx.address(&mut tx.from, &tx_at.key("from"))?,
        code: ctx.code(&mut tx.code, &tx_at.key("code"))?,
        constructor: tx.constructor.as_ref().map(|t| t.0.clone()),
        args: ctx.abi_list(&mut tx.args, &tx_at.key("args"))?,
        value: ctx.opt(&mut tx.value, &tx_at, "value", Ctx::u256)?,
        gas_limit: ctx.opt(&mut tx.gas_limit, &tx_at, "gasLimit", Ctx::u64)?,
        gas_price: ctx.opt(&mut tx.gas_price, &tx_at, "gasPrice", Ctx::u256)?,
        activate,
    };
    let rules = Rules { step: "deploy", address: true, activation: activate, returns: false };
    let expect = ctx.opt(&mut raw.expect, at, "expect", |c, e, at| expect(c, e, at, rules))?;
    Ok(Deploy { tx: deploy_tx, expect })
}

fn call(ctx: &Ctx<'_>, raw: &mut CallRaw, at: &At<'_>, step: &'static str) -> Result<CallTx> {
    let tx_at = at.key("tx");
    let tx = &mut raw.tx;
    if step == "call" && tx.from.is_none() {
        let msg = "missing field `from` (a `call` needs a sender; only `query` defaults to the zero address)";
        return Err(ctx.err(&tx_at, msg));
    }
    // Whether the function has a return list, found with its check.
    let mut returns = false;
    if let Some(sig) = &tx.function {
        if tx.data.is_some() {
            let msg = "got both `function` and `data`, expected one of them (`data` is the raw calldata)";
            return Err(ctx.err_key(&tx_at.key("data"), msg));
        }
        returns =
            check_shape(&sig.0, SignatureKind::Function).map_err(|e| ctx.err(&tx_at.key("function"), e.message))?;
    } else if tx.args.is_some() {
        let msg = "`args` needs `function` (e.g. `transfer(address,uint256)`) to be ABI-encoded";
        return Err(ctx.err_key(&tx_at.key("args"), msg));
    }
    let fields = CallFields {
        from: ctx.opt(&mut tx.from, &tx_at, "from", Ctx::address)?,
        to: ctx.address(&mut tx.to, &tx_at.key("to"))?,
        function: tx.function.take().map(|t| t.0),
        args: ctx.abi_list(&mut tx.args, &tx_at.key("args"))?,
        data: ctx.opt(&mut tx.data, &tx_at, "data", Ctx::bytes)?,
        value: ctx.opt(&mut tx.value, &tx_at, "value", Ctx::u256)?,
        gas_limit: ctx.opt(&mut tx.gas_limit, &tx_at, "gasLimit", Ctx::u64)?,
        gas_price: ctx.opt(&mut tx.gas_price, &tx_at, "gasPrice", Ctx::u256)?,
    };
    let rules = Rules { step, address: false, activation: false, returns };
    let expect = ctx.opt(&mut raw.expect, at, "expect", |c, e, at| expect(c, e, at, rules))?;
    Ok(CallTx { tx: fields, expect })
}

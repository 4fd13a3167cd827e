//! `expect` objects.

use super::{Ctx, Result};
use crate::model::{ActivationExpect, Comparison, ErrorExpect, Expect, LogExpect, LogsExpect, Out, Status};
use crate::path::At;
use crate::raw::{AbiRaw, ErrorRaw, ExpectRaw, LogEntryRaw, LogRaw, LogsRaw, Text, ValueRaw};
use crate::signature::{SignatureKind, check_signature};
use crate::value::Check;
use crate::value::prefixes::ANY;

/// Which optional parts of `expect` a step allows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rules {
    /// The step name, for messages.
    pub(super) step: &'static str,
    /// `address` (deploy).
    pub(super) address: bool,
    /// Activation figures (activate, deploy with activate).
    pub(super) activation: bool,
    /// Whether the call's `function` has a return list (a list `out` needs one).
    pub(super) returns: bool,
}

const ACTIVATION_FIELDS: [&str; 7] =
    ["dataFee", "version", "moduleHash", "footprint", "initCost", "cachedCost", "asmEstimate"];

pub(super) fn expect(ctx: &Ctx<'_>, raw: &mut ExpectRaw, at: &At<'_>, rules: Rules) -> Result<Expect> {
    if raw.address.is_some() && !rules.address {
        let msg = format!("`address` is only checked by `deploy` steps, not `{}`", rules.step);
        return Err(ctx.err_key(&at.key("address"), msg));
    }
    let activation = [
        raw.data_fee.is_some(),
        raw.version.is_some(),
        raw.module_hash.is_some(),
        raw.footprint.is_some(),
        raw.init_cost.is_some(),
        raw.cached_cost.is_some(),
        raw.asm_estimate.is_some(),
    ];
    if let Some(i) = activation.iter().position(|p| *p).filter(|_| !rules.activation) {
        let msg = format!(
            "`{}` is only checked by `activate` steps and `deploy` with `activate: true`",
            ACTIVATION_FIELDS[i]
        );
        return Err(ctx.err_key(&at.key(ACTIVATION_FIELDS[i]), msg));
    }
    Ok(Expect {
        status: ctx.opt(&mut raw.status, at, "status", status)?,
        out: ctx.opt(&mut raw.out, at, "out", |c, v, at| out(c, v, at, rules))?.flatten(),
        error: ctx.opt(&mut raw.error, at, "error", error)?.flatten(),
        logs: ctx.opt(&mut raw.logs, at, "logs", logs)?.flatten(),
        address: ctx.opt(&mut raw.address, at, "address", |c, v, at| c.check(v, at, Ctx::address))?,
        gas_used: ctx.opt(&mut raw.gas_used, at, "gasUsed", comparison)?,
        ink: ctx.opt(&mut raw.ink, at, "ink", comparison)?,
        activation: if activation.contains(&true) { activation_expect(ctx, raw, at)? } else { None },
    })
}

/// The activation figures to check; `None` when none is written (most steps: kept out of line,
/// every step of a large file holds an `Expect`).
fn activation_expect(ctx: &Ctx<'_>, raw: &mut ExpectRaw, at: &At<'_>) -> Result<Option<Box<ActivationExpect>>> {
    let num = |v: &mut Option<ValueRaw>, key| ctx.opt(v, at, key, |c, v, at| c.check(v, at, Ctx::u64));
    let activation = ActivationExpect {
        data_fee: ctx.opt(&mut raw.data_fee, at, "dataFee", |c, v, at| c.check(v, at, Ctx::u256))?,
        version: num(&mut raw.version, "version")?,
        module_hash: ctx.opt(&mut raw.module_hash, at, "moduleHash", |c, v, at| c.check(v, at, Ctx::word))?,
        footprint: num(&mut raw.footprint, "footprint")?,
        init_cost: num(&mut raw.init_cost, "initCost")?,
        cached_cost: num(&mut raw.cached_cost, "cachedCost")?,
        asm_estimate: num(&mut raw.asm_estimate, "asmEstimate")?,
    };
    Ok((activation != ActivationExpect::default()).then(|| Box::new(activation)))
}

fn status(ctx: &Ctx<'_>, raw: &mut Text, at: &At<'_>) -> Result<Check<Status>> {
    if raw.0 == ANY {
        return Ok(Check::Any);
    }
    Status::from_name(&raw.0).map(Check::Exact).ok_or_else(|| {
        let names: Vec<String> = Status::ALL.iter().map(|(_, n)| format!("`{n}`")).collect();
        ctx.err(at, format!("got status `{}`, expected one of {} or `*`", raw.0, names.join(", ")))
    })
}

/// Parses `N`, `<=N`, `>=N` (or `*`).
fn comparison(ctx: &Ctx<'_>, raw: &mut Text, at: &At<'_>) -> Result<Check<Comparison>> {
    let text = raw.0.as_str();
    if text == ANY {
        return Ok(Check::Any);
    }
    match Comparison::parse(text) {
        Some(comparison) => Ok(Check::Exact(comparison)),
        None => {
            Err(ctx.err(at, format!("got `{text}`, expected `N`, `<=N`, `>=N` or `*` (N a decimal number below 2^64)")))
        }
    }
}

fn out(ctx: &Ctx<'_>, raw: &mut AbiRaw, at: &At<'_>, rules: Rules) -> Result<Option<Out>> {
    match raw {
        AbiRaw::Str(s) if s == ANY => Ok(None),
        AbiRaw::Str(s) => ctx.leaf(s, at).map(|b| Some(Out::Raw(b))),
        AbiRaw::List(_) if !rules.returns => Err(ctx.err(
            at,
            "a list `out` is decoded by the function's return types: give `function` with a \
             return list (e.g. `f()(uint256)`), or write `out` as one raw expression",
        )),
        AbiRaw::List(items) => Ok(Some(Out::Values(ctx.abi_expects(items, at)?))),
    }
}

fn error(ctx: &Ctx<'_>, raw: &mut ErrorRaw, at: &At<'_>) -> Result<Option<ErrorExpect>> {
    match raw {
        ErrorRaw::Message(s) if s == ANY => Ok(None),
        ErrorRaw::Message(s) => ctx.leaf(s, at).map(|b| Some(ErrorExpect::Message(b))),
        ErrorRaw::Custom(custom) => {
            let sig_at = at.key("signature");
            check_signature(&custom.signature.0, SignatureKind::Error).map_err(|e| ctx.err(&sig_at, e.message))?;
            let args_at = at.key("args");
            let args = ctx.abi_expects(custom.args.as_deref_mut().unwrap_or_default(), &args_at)?;
            Ok(Some(ErrorExpect::Custom { signature: custom.signature.0.clone(), args }))
        }
    }
}

fn logs(ctx: &Ctx<'_>, raw: &mut LogsRaw, at: &At<'_>) -> Result<Option<LogsExpect>> {
    let LogsRaw::List(entries) = raw else {
        return Ok(None);
    };
    // Sized up front: a pushed-to empty Vec holds room for four logs, and a large file has a
    // list per step.
    let mut out = LogsExpect { entries: Vec::with_capacity(entries.len()), more_allowed: false };
    let count = entries.len();
    for (i, entry) in entries.iter_mut().enumerate() {
        let entry_at = at.index(i);
        match entry {
            LogEntryRaw::More if i + 1 == count => out.more_allowed = true,
            LogEntryRaw::More => {
                return Err(ctx.err(&entry_at, "got \"+\" before the end, expected it only as the last entry"));
            }
            LogEntryRaw::Log(log_raw) => out.entries.push(log(ctx, log_raw, &entry_at)?),
        }
    }
    Ok(Some(out))
}

fn log(ctx: &Ctx<'_>, raw: &mut LogRaw, at: &At<'_>) -> Result<LogExpect> {
    let address = ctx.check(&mut raw.address, &at.key("address"), Ctx::address)?;
    if let Some(event) = &mut raw.event {
        for (present, key) in [(raw.topics.is_some(), "topics"), (raw.data.is_some(), "data")] {
            if present {
                let msg = format!("`{key}` cannot be used with `event` (use `args`)");
                return Err(ctx.err_key(&at.key(key), msg));
            }
        }
        check_signature(&event.0, SignatureKind::Event).map_err(|e| ctx.err(&at.key("event"), e.message))?;
        let args = ctx.abi_expects(raw.args.as_deref_mut().unwrap_or_default(), &at.key("args"))?;
        return Ok(LogExpect::Event { address, event: std::mem::take(&mut event.0), args });
    }
    if raw.args.is_some() {
        return Err(ctx.err_key(&at.key("args"), "`args` needs `event` (a signature)"));
    }
    let topics = match &mut raw.topics {
        Some(list) => {
            let topics_at = at.key("topics");
            let checks = list.iter_mut().enumerate().map(|(i, t)| ctx.check(t, &topics_at.index(i), Ctx::word));
            Some(checks.collect::<Result<Vec<_>>>()?)
        }
        None => None,
    };
    let data = ctx.opt(&mut raw.data, at, "data", |c, v, at| c.check(v, at, Ctx::bytes))?;
    Ok(LogExpect::Raw { address, topics, data })
}

//! Stylus routing through the world: nested calls and creates between EVM and Stylus frames over
//! one journal, outcome statuses and their gas, warm/cold pricing, static calls, reentrancy.
//!
//! The executor is a fake whose "program" is a small script, brotli-compressed after the
//! `EF F0 00 00` prefix like real Stylus code (see [`op`]). Every script op costs [`OP_GAS`];
//! hooks charge what they report, so gas is exact. [`run`] gives every Stylus account a program
//! record with no entry cost (and the world charges no minimum init gas), so these tests see
//! routing only.

use std::rc::Rc;

use world_mock::revm::primitives::{Address, B256, Bytes, U256, address, keccak256};
use world_mock::stylus::{
    CallKind, HookError, ProgramInfo, ProgramRecord, StylusCall, StylusExecutor, StylusOutcome, StylusParams,
    StylusStatus, VmHooks, encode_program,
};
use world_mock::{BlockSettings, CodeKind, Commit, TxOutcome, TxRequest, TxStatus, World};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const S1: Address = address!("0000000000000000000000000000000000005101");
const S2: Address = address!("0000000000000000000000000000000000005102");
const E1: Address = address!("000000000000000000000000000000000000e001");
const E2: Address = address!("000000000000000000000000000000000000e002");
const NOBODY: Address = address!("0000000000000000000000000000000000000b0b");

/// Gas of one script op.
const OP_GAS: u64 = 10;
/// The cost of a storage request the host passes to `storage_load` (EVM_API_INK / ink price, ArbOS >= 32).
const EVM_API_GAS: u64 = 59_673 / 10_000;
/// Gas of a transaction with empty calldata before any execution.
const INTRINSIC: u64 = 21_000;
const GAS_LIMIT: u64 = 1_000_000;
const COLD_CALL: u64 = 2_600;
const WARM_CALL: u64 = 100;

/// The fake program's ops.
mod op {
    /// `k`: acc = storage_load(k).
    pub(crate) const SLOAD: u8 = 0x01;
    /// `k`: storage_cache(k, acc).
    pub(crate) const CACHE: u8 = 0x02;
    /// storage_flush(clear = true).
    pub(crate) const FLUSH: u8 = 0x03;
    /// `v`: acc = v.
    pub(crate) const SET: u8 = 0x04;
    /// acc += 1.
    pub(crate) const INC: u8 = 0x05;
    /// LOG0 with acc as data.
    pub(crate) const LOG: u8 = 0x06;
    /// `n`: skips the next `n` bytes when the calldata is not empty.
    pub(crate) const SKIP_IF_ARGS: u8 = 0x07;
    /// `kind addr[20] len data[len]`: call; acc = first word of the return data.
    pub(crate) const CALL: u8 = 0x10;
    /// `addr[20]`: CALL forwarding this frame's calldata.
    pub(crate) const FORWARD: u8 = 0x11;
    /// CALL to this frame's own address, forwarding its calldata.
    pub(crate) const CALL_SELF: u8 = 0x12;
    /// `addr[20] v`: CALL sending `v` wei, no data.
    pub(crate) const CALL_VALUE: u8 = 0x13;
    /// acc = acc + 1 if the last call succeeded, else 0.
    pub(crate) const INC_IF_OK: u8 = 0x14;
    /// acc = status of the last call or create.
    pub(crate) const STATUS: u8 = 0x15;
    /// acc = msg_reentrant.
    pub(crate) const REENTRANT: u8 = 0x16;
    /// `salted salt len[2] code`: CREATE (or CREATE2 with `salt`); acc = created address.
    pub(crate) const CREATE: u8 = 0x17;
    /// acc = first word of the return data buffer.
    pub(crate) const RETURN_DATA: u8 = 0x18;
    /// Success with acc.
    pub(crate) const RETURN: u8 = 0x20;
    /// Revert with acc.
    pub(crate) const REVERT: u8 = 0x21;
    pub(crate) const FAIL: u8 = 0x22;
    pub(crate) const OUT_OF_INK: u8 = 0x23;
    pub(crate) const NOT_ACTIVATED: u8 = 0x24;
}

/// Builds a fake Stylus program.
#[derive(Clone, Debug, Default)]
struct Script(Vec<u8>);

impl Script {
    fn new() -> Self {
        Self::default()
    }
    fn op(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }
    fn sload(self, key: u8) -> Self {
        self.op(&[op::SLOAD, key])
    }
    fn cache(self, key: u8) -> Self {
        self.op(&[op::CACHE, key])
    }
    fn set(self, value: u8) -> Self {
        self.op(&[op::SET, value])
    }
    fn call(self, kind: CallKind, to: Address, data: &[u8]) -> Self {
        let kind = match kind {
            CallKind::Call => 0,
            CallKind::Delegate => 1,
            CallKind::Static => 2,
        };
        self.op(&[op::CALL, kind]).op(to.as_slice()).op(&[data.len() as u8]).op(data)
    }
    fn forward(self, to: Address) -> Self {
        self.op(&[op::FORWARD]).op(to.as_slice())
    }
    fn call_value(self, to: Address, value: u8) -> Self {
        self.op(&[op::CALL_VALUE]).op(to.as_slice()).op(&[value])
    }
    fn create(self, salt: Option<u8>, init: &[u8]) -> Self {
        let len = (init.len() as u16).to_be_bytes();
        self.op(&[op::CREATE, u8::from(salt.is_some()), salt.unwrap_or(0), len[0], len[1]]).op(init)
    }
    fn skip_if_args(self, inner: Script) -> Self {
        self.op(&[op::SKIP_IF_ARGS, inner.0.len() as u8]).op(&inner.0)
    }
    /// On-chain code: the Stylus prefix, a dictionary byte, the compressed script.
    fn code(&self) -> Vec<u8> {
        encode_program(&self.0)
    }
}

/// Runs scripts; see [`op`].
#[derive(Debug)]
struct FakeExecutor;

type Exit = (StylusStatus, Bytes, Option<String>);

struct Run<'a> {
    call: &'a StylusCall,
    hooks: &'a mut dyn VmHooks,
    gas_left: u64,
    acc: B256,
    last_status: u8,
}

impl StylusExecutor for FakeExecutor {
    fn name(&self) -> &'static str {
        "fake"
    }

    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome {
        let mut run = Run { call, hooks, gas_left: call.gas_limit, acc: B256::ZERO, last_status: 0 };
        let (status, output, detail) = run.exec().unwrap_or_else(|exit| exit);
        let gas_used = call.gas_limit - run.gas_left;
        StylusOutcome { status, output, gas_used, ink_used: Some(gas_used * 10_000), detail }
    }
}

fn word(value: u64) -> B256 {
    B256::from(U256::from(value))
}

fn first_word(data: &[u8]) -> B256 {
    if data.len() >= 32 { B256::from_slice(&data[..32]) } else { B256::left_padding_from(data) }
}

impl Run<'_> {
    fn buy(&mut self, gas: u64) -> Result<(), Exit> {
        if gas > self.gas_left {
            return Err((StylusStatus::OutOfInk, Bytes::new(), Some("out of ink".into())));
        }
        self.gas_left -= gas;
        Ok(())
    }

    fn hook<T>(&mut self, result: Result<(T, u64), HookError>) -> Result<T, Exit> {
        match result {
            Ok((value, cost)) => self.buy(cost).map(|()| value),
            Err(error) if error.out_of_gas => Err((StylusStatus::OutOfInk, Bytes::new(), Some(error.message))),
            Err(error) => Err((StylusStatus::Failure, Bytes::new(), Some(error.message))),
        }
    }

    fn call_out(&mut self, kind: CallKind, to: Address, data: Bytes, value: U256) -> Result<(), Exit> {
        let result = self.hooks.call(kind, to, data, value, self.gas_left, u64::MAX);
        self.last_status = self.hook(result.map(|r| (r.status, r.gas_cost)))?;
        self.acc = first_word(self.hooks.return_data());
        Ok(())
    }

    fn exec(&mut self) -> Result<Exit, Exit> {
        let code = self.call.wasm.clone();
        let script = code.as_slice();
        let byte = |at: usize| script.get(at).copied().unwrap_or(0);
        let address = |at: usize| Address::from_slice(&script[at..at + 20]);
        let mut pc = 0;
        while pc < script.len() {
            self.buy(OP_GAS)?;
            let opcode = script[pc];
            pc += 1;
            match opcode {
                op::SLOAD => {
                    let result = self.hooks.storage_load(word(byte(pc).into()), self.gas_left, EVM_API_GAS);
                    self.acc = self.hook(result)?;
                    pc += 1;
                }
                op::CACHE => {
                    let result = self.hooks.storage_cache(word(byte(pc).into()), self.acc, self.gas_left);
                    self.hook(result.map(|cost| ((), cost)))?;
                    pc += 1;
                }
                op::FLUSH => {
                    let result = self.hooks.storage_flush(true, self.gas_left);
                    self.hook(result.map(|cost| ((), cost)))?;
                }
                op::SET => {
                    self.acc = word(byte(pc).into());
                    pc += 1;
                }
                op::INC => self.acc = B256::from(U256::from_be_bytes(self.acc.0) + U256::from(1)),
                op::LOG => {
                    let result =
                        self.hooks.emit_log(Vec::new(), Bytes::copy_from_slice(self.acc.as_slice()), self.gas_left);
                    self.hook(result.map(|cost| ((), cost)))?;
                }
                op::SKIP_IF_ARGS => {
                    pc += 1;
                    if !self.call.calldata.is_empty() {
                        pc += usize::from(byte(pc - 1));
                    }
                }
                op::CALL => {
                    let kind = [CallKind::Call, CallKind::Delegate, CallKind::Static][usize::from(byte(pc))];
                    let to = address(pc + 1);
                    let len = usize::from(byte(pc + 21));
                    let data = Bytes::copy_from_slice(&script[pc + 22..pc + 22 + len]);
                    pc += 22 + len;
                    self.call_out(kind, to, data, U256::ZERO)?;
                }
                op::FORWARD => {
                    let to = address(pc);
                    pc += 20;
                    self.call_out(CallKind::Call, to, self.call.calldata.clone(), U256::ZERO)?;
                }
                op::CALL_SELF => {
                    self.call_out(CallKind::Call, self.call.contract, self.call.calldata.clone(), U256::ZERO)?
                }
                op::CALL_VALUE => {
                    let to = address(pc);
                    let value = U256::from(byte(pc + 20));
                    pc += 21;
                    self.call_out(CallKind::Call, to, Bytes::new(), value)?;
                }
                op::INC_IF_OK => {
                    let next = U256::from_be_bytes(self.acc.0) + U256::from(1);
                    self.acc = if self.last_status == 0 { B256::from(next) } else { B256::ZERO };
                }
                op::STATUS => self.acc = word(self.last_status.into()),
                op::REENTRANT => self.acc = word(self.hooks.msg_reentrant().into()),
                op::CREATE => {
                    let salt = (byte(pc) == 1).then(|| word(byte(pc + 1).into()));
                    let len = usize::from(u16::from_be_bytes([byte(pc + 2), byte(pc + 3)]));
                    let init = Bytes::copy_from_slice(&script[pc + 4..pc + 4 + len]);
                    pc += 4 + len;
                    let result = self.hooks.create(init, U256::ZERO, salt, self.gas_left);
                    let (status, created) = self.hook(result.map(|r| ((r.status, r.created), r.gas_cost)))?;
                    self.last_status = status;
                    self.acc = created.unwrap_or_default().into_word();
                }
                op::RETURN_DATA => self.acc = first_word(self.hooks.return_data()),
                op::RETURN => {
                    return Ok((StylusStatus::Success, Bytes::copy_from_slice(self.acc.as_slice()), None));
                }
                op::REVERT => {
                    return Ok((StylusStatus::Revert, Bytes::copy_from_slice(self.acc.as_slice()), None));
                }
                op::FAIL => return Ok((StylusStatus::Failure, Bytes::new(), Some("trap".into()))),
                op::OUT_OF_INK => {
                    self.gas_left = 0;
                    return Ok((StylusStatus::OutOfInk, Bytes::new(), Some("out of ink".into())));
                }
                op::NOT_ACTIVATED => {
                    return Ok((StylusStatus::NotActivated, Bytes::new(), Some("not activated".into())));
                }
                other => {
                    return Ok((StylusStatus::Failure, Bytes::new(), Some(format!("bad op {other:#x}"))));
                }
            }
        }
        Ok((StylusStatus::Success, Bytes::new(), None))
    }
}

// ---- EVM code --------------------------------------------------------------------------------

/// SSTORE(0, v); LOG0(v); return v.
fn evm_store_log(value: u8) -> Vec<u8> {
    vec![
        0x60, value, 0x60, 0, 0x55, // SSTORE(0, v)
        0x60, value, 0x60, 0, 0x52, // MSTORE(0, v)
        0x60, 0x20, 0x60, 0, 0xa0, // LOG0(0, 32)
        0x60, 0x20, 0x60, 0, 0xf3, // RETURN(0, 32)
    ]
}

/// Forwards its calldata to `target` (CALL or DELEGATECALL) and returns or reverts with the result.
fn evm_forwarder(target: Address, delegate: bool) -> Vec<u8> {
    evm_forwarder_at(0, target, delegate)
}

/// [`evm_forwarder`] for placement at byte `base` of a larger program.
fn evm_forwarder_at(base: usize, target: Address, delegate: bool) -> Vec<u8> {
    let mut code = vec![0x36, 0x60, 0, 0x60, 0, 0x37]; // CALLDATACOPY(0, 0, CALLDATASIZE)
    code.extend([0x60, 0, 0x60, 0, 0x36, 0x60, 0]); // retSize retOffset argsSize argsOffset
    if !delegate {
        code.extend([0x60, 0]); // value
    }
    code.push(0x73);
    code.extend_from_slice(target.as_slice());
    code.extend([0x5a, if delegate { 0xf4 } else { 0xf1 }]);
    code.extend([0x3d, 0x60, 0, 0x60, 0, 0x3e]); // RETURNDATACOPY(0, 0, RETURNDATASIZE)
    let ok = (base + code.len() + 7) as u8;
    code.extend([0x60, ok, 0x57, 0x3d, 0x60, 0, 0xfd]); // JUMPI ok; REVERT(0, RETURNDATASIZE)
    code.extend([0x5b, 0x3d, 0x60, 0, 0xf3]); // ok: RETURN(0, RETURNDATASIZE)
    code
}

/// CALL(target) with the one-byte calldata `[1]`, then STOP.
fn evm_call_with_one(target: Address) -> Vec<u8> {
    let mut code = vec![0x60, 1, 0x60, 0, 0x53]; // MSTORE8(0, 1)
    code.extend([0x60, 0, 0x60, 0, 0x60, 1, 0x60, 0, 0x60, 0, 0x73]);
    code.extend_from_slice(target.as_slice());
    code.extend([0x5a, 0xf1, 0x00]);
    code
}

/// Without calldata: [`evm_call_with_one`]`(first)`; with calldata: delegate it to `then`.
fn evm_branch(first: Address, then: Address) -> Vec<u8> {
    let mut code = vec![0x36, 0x60, 0, 0x57]; // JUMPI(delegate, CALLDATASIZE); dest patched below
    code.extend(evm_call_with_one(first));
    code[2] = code.len() as u8;
    code.push(0x5b);
    code.extend(evm_forwarder_at(code.len(), then, true));
    code
}

/// CALL(target); SSTORE(1, success + 1); LOG0(); return the call's return data.
fn evm_call_and_record(target: Address) -> Vec<u8> {
    let mut code = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73];
    code.extend_from_slice(target.as_slice());
    code.extend([0x5a, 0xf1, 0x60, 1, 0x01, 0x60, 1, 0x55, 0x60, 0, 0x60, 0, 0xa0]);
    code.extend([0x3d, 0x60, 0, 0x60, 0, 0x3e, 0x3d, 0x60, 0, 0xf3]);
    code
}

// ---- helpers ---------------------------------------------------------------------------------

fn new_world() -> World {
    let mut world = World::default();
    world.set_stylus_executor(Rc::new(FakeExecutor));
    world.set_stylus_params(StylusParams { min_init_gas: 0, min_cached_init_gas: 0, ..StylusParams::default() });
    world
}

/// Gives every Stylus account without one a program record that costs nothing to enter.
fn activate_all(world: &mut World) {
    let stylus: Vec<_> = world
        .state()
        .accounts()
        .values()
        .filter(|a| CodeKind::of(a.code_bytes()) == CodeKind::Stylus)
        .map(|a| a.code_hash)
        .filter(|hash| world.program(*hash).is_none())
        .collect();
    let now = world.block().timestamp;
    for codehash in stylus {
        world.set_program(ProgramRecord::new(ProgramInfo { codehash, version: 2, ..ProgramInfo::default() }, now));
    }
}

fn run(world: &mut World, to: Address, gas_limit: u64) -> TxOutcome {
    activate_all(world);
    let request = TxRequest { from: ALICE, to: Some(to), gas_limit: Some(gas_limit), ..Default::default() };
    world.execute(&request, Commit::Yes).expect("the transaction runs")
}

fn storage(world: &World, address: Address, key: u64) -> U256 {
    world.state().storage_at(&address, &U256::from(key))
}

fn log_words(outcome: &TxOutcome) -> Vec<(Address, B256)> {
    outcome.logs.iter().map(|log| (log.address, first_word(&log.data.data))).collect()
}

// ---- tests -----------------------------------------------------------------------------------

/// (a) tx → Stylus → EVM: the EVM write is committed, and the Stylus frame pays the call's base
/// cost plus exactly what the EVM frame used.
#[test]
fn stylus_calls_evm_and_its_write_commits() {
    let mut world = new_world();
    world.state_mut().set_code(E1, &evm_store_log(42));
    world.state_mut().set_code(S1, &Script::new().call(CallKind::Call, E1, &[]).op(&[op::RETURN]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(outcome.output.as_ref(), word(42).as_slice());
    assert_eq!(storage(&world, E1, 0), U256::from(42));
    assert_eq!(outcome.diff.accounts[&E1].storage[&U256::ZERO].after, U256::from(42));
    assert_eq!(log_words(&outcome), vec![(E1, word(42))]);

    // The same EVM code run directly: its execution gas is the tx gas less the intrinsic gas.
    let mut twin = World::default();
    twin.state_mut().set_code(E1, &evm_store_log(42));
    let evm_gas = run(&mut twin, E1, GAS_LIMIT).gas_used - INTRINSIC;
    assert_eq!(outcome.gas_used, INTRINSIC + 2 * OP_GAS + COLD_CALL + evm_gas);
}

/// (b) tx → EVM → Stylus → EVM: the Stylus frame reverts after its nested call, which rolls back
/// the nested EVM write, its log, and the Stylus frame's own write and log; the outer EVM frame
/// sees failure and the revert data, and the transaction succeeds.
#[test]
fn revert_in_stylus_rolls_back_its_nested_evm_call() {
    let mut world = new_world();
    world.state_mut().set_code(E1, &evm_store_log(42));
    let script = Script::new().call(CallKind::Call, E1, &[]).op(&[op::LOG]).cache(1).op(&[op::FLUSH, op::REVERT]);
    world.state_mut().set_code(S1, &script.code());
    world.state_mut().set_code(E2, &evm_call_and_record(S1));
    let outcome = run(&mut world, E2, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(outcome.output.as_ref(), word(42).as_slice(), "revert data reaches the EVM caller");
    assert_eq!(storage(&world, E2, 1), U256::from(1), "the call reported failure");
    assert_eq!(storage(&world, E1, 0), U256::ZERO);
    assert_eq!(storage(&world, S1, 1), U256::ZERO);
    assert_eq!(log_words(&outcome), vec![(E2, B256::ZERO)], "only the outer frame's log remains");
    assert!(outcome.diff.accounts.get(&E1).is_none_or(|a| a.storage.is_empty()));
}

/// (c) Stylus → EVM → Stylus: everything commits, logs in execution order.
#[test]
fn stylus_evm_stylus_nesting() {
    let mut world = new_world();
    world.state_mut().set_code(S2, &Script::new().set(5).cache(0).op(&[op::FLUSH, op::LOG, op::RETURN]).code());
    world.state_mut().set_code(E1, &evm_forwarder(S2, false));
    let outer = Script::new().call(CallKind::Call, E1, &[]).op(&[op::LOG, op::INC, op::RETURN]);
    world.state_mut().set_code(S1, &outer.code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(outcome.output.as_ref(), word(6).as_slice());
    assert_eq!(storage(&world, S2, 0), U256::from(5));
    assert_eq!(log_words(&outcome), vec![(S2, word(5)), (S1, word(5))]);
}

/// Expected `(gas used, output)` of the self-recursive program `CALL_SELF INC_IF_OK RETURN`
/// given `gas` at call depth `depth` (revm frame depth, 0 for the tx's frame), or `None` when
/// it runs out of ink. Written from the rules: 63/64 of what is left after the warm base cost.
fn recursion(gas: u64, depth: usize) -> Option<(u64, u64)> {
    let left = gas.checked_sub(OP_GAS)?;
    let (cost, status, acc) = if WARM_CALL > left {
        (left, 2, 0)
    } else if depth + 1 > 1024 {
        (WARM_CALL, 2, 0) // CallTooDeep keeps the child's gas
    } else {
        let child = (left - WARM_CALL) * 63 / 64;
        match recursion(child, depth + 1) {
            Some((used, out)) => (WARM_CALL + used, 0, out),
            None => (WARM_CALL + child, 2, 0),
        }
    };
    let left = left.checked_sub(cost)?.checked_sub(2 * OP_GAS)?;
    Some((gas - left, if status == 0 { acc + 1 } else { 0 }))
}

/// (d) Self-recursion: with 30M gas the 63/64 rule stops it; with plenty of gas revm's depth
/// limit does, after 1025 frames (the deepest call fails with CallTooDeep).
#[test]
fn recursion_is_stopped_by_gas_or_the_depth_limit() {
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut world = new_world();
            world.set_block(BlockSettings { gas_limit: 1 << 42, ..BlockSettings::default() });
            world.state_mut().set_code(S1, &Script::new().op(&[op::CALL_SELF, op::INC_IF_OK, op::RETURN]).code());
            let mut results = Vec::new();
            for gas_limit in [30_000_000u64, 1 << 40] {
                let outcome = run(&mut world, S1, gas_limit);
                assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
                results.push((gas_limit, outcome.gas_used, U256::from_be_slice(&outcome.output)));
            }
            results
        })
        .expect("thread starts");
    let results = handle.join().expect("no panic");
    for (gas_limit, gas_used, output) in &results {
        let (used, out) = recursion(gas_limit - INTRINSIC, 0).expect("the top frame has ink");
        assert_eq!((*gas_used, *output), (INTRINSIC + used, U256::from(out)), "gas limit {gas_limit}");
    }
    let nested = |i: usize| results[i].2.to::<u64>();
    assert!(nested(0) > 400 && nested(0) < 1024, "30M gas: {} nested frames", nested(0));
    assert_eq!(nested(1), 1024, "1024 nested frames below the top one");
}

/// (e) Outcomes of the transaction's own frame: failure and revert keep the remaining gas,
/// out-of-ink and not-activated use it all.
#[test]
fn top_frame_outcomes_and_their_gas() {
    let mut world = new_world();
    let cases = [
        (Script::new().set(7).op(&[op::FAIL]), TxStatus::Failure, INTRINSIC + 2 * OP_GAS, Bytes::new()),
        (Script::new().set(7).op(&[op::REVERT]), TxStatus::Revert, INTRINSIC + 2 * OP_GAS, word(7).to_vec().into()),
        (Script::new().set(7).op(&[op::OUT_OF_INK]), TxStatus::OutOfInk, GAS_LIMIT, Bytes::new()),
        (Script::new().op(&[op::NOT_ACTIVATED]), TxStatus::NotActivated, GAS_LIMIT, Bytes::new()),
        // A hook that needs more gas than is left: storage_load requires 2110.
        (Script::new().sload(0), TxStatus::OutOfInk, INTRINSIC + 2_000, Bytes::new()),
    ];
    for (script, status, gas_used, output) in cases {
        world.state_mut().set_code(S1, &script.code());
        let limit = if status == TxStatus::OutOfInk && gas_used < GAS_LIMIT { gas_used } else { GAS_LIMIT };
        let outcome = run(&mut world, S1, limit);
        assert_eq!((outcome.status, outcome.gas_used, &outcome.output), (status, gas_used, &output), "{script:?}");
        assert!(outcome.ink_used.is_some());
    }
}

/// Nested outcomes: the caller sees status 2; a failing callee returns its unused gas, one out
/// of ink consumes all it was given.
#[test]
fn nested_failure_keeps_gas_and_out_of_ink_uses_it() {
    let mut world = new_world();
    world.state_mut().set_code(S1, &Script::new().call(CallKind::Call, S2, &[]).op(&[op::STATUS, op::RETURN]).code());

    world.state_mut().set_code(S2, &Script::new().set(7).op(&[op::FAIL]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!((outcome.status, outcome.output.as_ref()), (TxStatus::Success, word(2).as_slice()));
    assert_eq!(outcome.gas_used, INTRINSIC + 3 * OP_GAS + COLD_CALL + 2 * OP_GAS);

    world.state_mut().set_code(S2, &Script::new().op(&[op::OUT_OF_INK]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!((outcome.status, outcome.output.as_ref()), (TxStatus::Success, word(2).as_slice()));
    // Frame gas 979,000; after the op 978,990; callee gets (978,990 − 2600)·63/64 = 961,133.
    assert_eq!(outcome.gas_used, INTRINSIC + 3 * OP_GAS + COLD_CALL + 961_133);
}

/// (f) EIP-2929 pricing: the second load of a slot in the same tx is warm (the cache is cleared
/// by the flush, so the second load reaches the journal), and so is a second call to an account.
#[test]
fn warm_and_cold_pricing() {
    let mut world = new_world();
    world.state_mut().set_code(S1, &Script::new().sload(0).op(&[op::RETURN]).code());
    assert_eq!(run(&mut world, S1, GAS_LIMIT).gas_used, INTRINSIC + 2 * OP_GAS + 2_100 + 5);
    world.state_mut().set_code(S1, &Script::new().sload(0).op(&[op::FLUSH]).sload(0).op(&[op::RETURN]).code());
    assert_eq!(run(&mut world, S1, GAS_LIMIT).gas_used, INTRINSIC + 4 * OP_GAS + (2_100 + 5) + (100 + 5));

    // Calls to an account without code: the callee returns all its gas, so only the base is paid.
    let calls = Script::new().call(CallKind::Call, NOBODY, &[]).call(CallKind::Call, NOBODY, &[]);
    world.state_mut().set_code(S1, &calls.op(&[op::RETURN]).code());
    assert_eq!(run(&mut world, S1, GAS_LIMIT).gas_used, INTRINSIC + 3 * OP_GAS + COLD_CALL + WARM_CALL);

    // Value to an empty account: 100 + 2500 cold + 25,000 new account + 9000 value.
    world.state_mut().account_mut(S1).balance = U256::from(10);
    world.state_mut().set_code(S1, &Script::new().call_value(NOBODY, 3).op(&[op::STATUS, op::RETURN]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.output.as_ref(), word(0).as_slice());
    assert_eq!(outcome.gas_used, INTRINSIC + 3 * OP_GAS + 36_600);
    assert_eq!(world.state().account(&NOBODY).map(|a| a.balance), Some(U256::from(3)));
}

/// (g) Static calls: a Stylus callee that flushes a write fails (keeping its unused gas), an EVM
/// callee that writes halts (using all its gas), and a static frame that sends value gets status
/// 2 at no cost.
#[test]
fn static_calls_cannot_write() {
    let mut world = new_world();
    let static_call = |to| Script::new().call(CallKind::Static, to, &[]).op(&[op::STATUS, op::RETURN]).code();
    world.state_mut().set_code(S2, &Script::new().set(1).cache(0).op(&[op::FLUSH, op::RETURN]).code());
    world.state_mut().set_code(S1, &static_call(S2));
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.output.as_ref(), word(2).as_slice());
    assert_eq!(outcome.gas_used, INTRINSIC + 3 * OP_GAS + COLD_CALL + 3 * OP_GAS);
    assert_eq!(storage(&world, S2, 0), U256::ZERO);

    world.state_mut().set_code(E1, &evm_store_log(1));
    world.state_mut().set_code(S1, &static_call(E1));
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.output.as_ref(), word(2).as_slice());
    assert_eq!(outcome.gas_used, INTRINSIC + 3 * OP_GAS + COLD_CALL + 961_133);
    assert_eq!(storage(&world, E1, 0), U256::ZERO);

    // S1 static-calls S2, which tries to send value: status 2 and nothing charged for it.
    world.state_mut().account_mut(S2).balance = U256::from(10);
    world.state_mut().set_code(S2, &Script::new().call_value(NOBODY, 1).op(&[op::STATUS, op::RETURN]).code());
    world.state_mut().set_code(S1, &Script::new().call(CallKind::Static, S2, &[]).op(&[op::RETURN]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.output.as_ref(), word(2).as_slice());
    assert_eq!(outcome.gas_used, INTRINSIC + 2 * OP_GAS + COLD_CALL + 3 * OP_GAS);
    assert_eq!(world.state().account(&S2).map(|a| a.balance), Some(U256::from(10)));
}

/// (h) msg_reentrant: true in a frame whose address already has an open frame, counting EVM
/// frames and skipping delegate frames.
#[test]
fn msg_reentrant_on_reentry() {
    // S1 → S2 → S1: the inner S1 is re-entered, the outer is not.
    let mut world = new_world();
    let reenter = Script::new().call(CallKind::Call, S2, &[1]).op(&[op::LOG]);
    let program = Script::new().skip_if_args(reenter).op(&[op::REENTRANT, op::LOG, op::RETURN]);
    world.state_mut().set_code(S1, &program.code());
    world.state_mut().set_code(S2, &Script::new().forward(S1).op(&[op::RETURN]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(log_words(&outcome), vec![(S1, word(1)), (S1, word(1)), (S1, word(0))]);

    // EVM proxy E1 delegates to S1; S1 calls E2, which calls E1 again. The inner S1 frame acts
    // as E1, which has two open (EVM) frames; the outer one sees only one. A sibling call that
    // has returned does not count either.
    let mut world = new_world();
    let reenter = Script::new().call(CallKind::Call, E2, &[1]);
    let program = Script::new().skip_if_args(reenter).op(&[op::REENTRANT, op::LOG, op::RETURN]);
    world.state_mut().set_code(S1, &program.code());
    world.state_mut().set_code(E1, &evm_forwarder(S1, true));
    world.state_mut().set_code(E2, &evm_forwarder(E1, false));
    let outcome = run(&mut world, E1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(log_words(&outcome), vec![(E1, word(1)), (E1, word(0))]);
}

/// Reentrancy through EVM frames that are not next to the Stylus frame: E1 calls E2, which
/// calls E1 again, which delegates to S1. S1 acts as E1, whose two EVM frames are open.
#[test]
fn msg_reentrant_counts_evm_frames() {
    let mut world = new_world();
    world.state_mut().set_code(S1, &Script::new().op(&[op::REENTRANT, op::LOG, op::RETURN]).code());
    world.state_mut().set_code(E1, &evm_branch(E2, S1));
    world.state_mut().set_code(E2, &evm_forwarder(E1, false));
    let outcome = run(&mut world, E1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(log_words(&outcome), vec![(E1, word(1))]);
}

/// A frame that has returned does not count, even when a CREATE frame (which the router never
/// sees) now sits at its depth: S1 calls S2, then creates a contract whose init code calls S2.
#[test]
fn msg_reentrant_ignores_returned_frames_under_a_create() {
    let mut world = new_world();
    let s2 = Script::new().skip_if_args(Script::new().op(&[op::RETURN])).op(&[op::REENTRANT, op::LOG, op::RETURN]);
    world.state_mut().set_code(S2, &s2.code());
    let s1 = Script::new().call(CallKind::Call, S2, &[]).create(None, &evm_call_with_one(S2));
    world.state_mut().set_code(S1, &s1.op(&[op::STATUS, op::RETURN]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.output.as_ref(), word(0).as_slice(), "the create succeeded");
    assert_eq!(log_words(&outcome), vec![(S2, word(0))]);
}

/// CREATE and CREATE2 from a Stylus frame: addresses as revm derives them, deployed code, and
/// a reverting init code's data in the return buffer with a zero address.
#[test]
fn creates_from_stylus() {
    let mut world = new_world();
    let runtime = [0x60, 0x2a, 0x60, 0, 0x52, 0x60, 0x20, 0x60, 0, 0xf3]; // return 42
    let init = world_mock::deployment_code(&runtime);
    let program = Script::new().create(None, &init).op(&[op::LOG]).create(Some(9), &init).op(&[op::LOG, op::RETURN]);
    world.state_mut().set_code(S1, &program.code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let first = S1.create(0);
    let second = S1.create2(word(9), world_mock::revm::primitives::keccak256(&init));
    assert_eq!(log_words(&outcome), vec![(S1, first.into_word()), (S1, second.into_word())]);
    for created in [first, second] {
        assert_eq!(world.state().account(&created).map(|a| a.code_bytes().to_vec()), Some(runtime.to_vec()));
    }
    assert_eq!(world.state().account(&S1).map(|a| a.nonce), Some(2));

    let reverting = [0x60, 7, 0x60, 0, 0x52, 0x60, 0x20, 0x60, 0, 0xfd]; // revert with 7
    let program = Script::new().create(None, &reverting).op(&[op::LOG, op::RETURN_DATA, op::RETURN]);
    world.state_mut().set_code(S2, &program.code());
    let outcome = run(&mut world, S2, GAS_LIMIT);
    assert_eq!(outcome.output.as_ref(), word(7).as_slice());
    assert_eq!(log_words(&outcome), vec![(S2, B256::ZERO)]);
}

/// Creating from a static frame is an error of the request: the calling program fails.
#[test]
fn create_in_a_static_frame_fails_the_program() {
    let mut world = new_world();
    world.state_mut().set_code(S2, &Script::new().create(None, &[0x00]).op(&[op::RETURN]).code());
    world.state_mut().set_code(S1, &Script::new().call(CallKind::Static, S2, &[]).op(&[op::STATUS, op::RETURN]).code());
    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.output.as_ref(), word(2).as_slice());
    assert_eq!(outcome.gas_used, INTRINSIC + 3 * OP_GAS + COLD_CALL + OP_GAS);
}

/// An executor that runs scripts like [`FakeExecutor`] but, like a native one, meters nothing.
#[derive(Debug)]
struct UnmeteredExecutor;

impl StylusExecutor for UnmeteredExecutor {
    fn name(&self) -> &'static str {
        "unmetered"
    }

    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome {
        StylusOutcome { ink_used: None, ..FakeExecutor.execute(call, hooks) }
    }
}

/// Programs run on the executor routed to their code hash, others on the default; every frame is
/// recorded with its executor, depth and ink (inclusive of the nested call's gas, and its own).
#[test]
fn programs_route_by_code_hash_and_frames_are_recorded() {
    let mut world = new_world();
    let inner = Script::new().cache(1).op(&[op::FLUSH, op::RETURN]).code();
    world.state_mut().set_code(S2, &inner);
    world.state_mut().set_code(S1, &Script::new().call(CallKind::Call, S2, &[]).op(&[op::RETURN]).code());
    world.route_program(keccak256(&inner), Rc::new(UnmeteredExecutor));
    assert_eq!(world.executor_for(keccak256(&inner)), Some("unmetered"));

    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let frames: Vec<_> = outcome.stylus_frames.iter().map(|f| (f.contract, f.executor, f.depth)).collect();
    assert_eq!(frames, vec![(S1, "fake", 1), (S2, "unmetered", 2)]);
    // A frame that was not metered leaves the transaction without an ink figure.
    assert!(outcome.unmetered);
    assert_eq!(outcome.ink_used, None);
    assert_eq!(outcome.stylus_frames[1].ink, None);
    let outer = &outcome.stylus_frames[0];
    let (ink, self_ink) = (outer.ink.unwrap(), outer.self_ink.unwrap());
    assert!(self_ink < ink, "the outer frame's own ink excludes the nested call's gas: {outer:?}");

    // The metered program alone has an ink figure.
    let alone = run(&mut world, S1, 30_000);
    assert_eq!(alone.stylus_frames[0].executor, "fake");
    let metered_only = {
        let mut world = new_world();
        world.state_mut().set_code(S2, &inner);
        run(&mut world, S2, GAS_LIMIT)
    };
    assert!(!metered_only.unmetered);
    assert_eq!(metered_only.ink_used, metered_only.stylus_frames[0].ink);
}

/// Stylus → EVM → Stylus: each frame's `ink` is inclusive (nitro's `ink_limit − ink_left`, so the
/// outer frame's includes the ink it paid for the nested call's gas, and through it the inner
/// Stylus frame's), `self_ink` leaves nested calls out, and the transaction's ink is the outer
/// frame's inclusive ink alone: the inner frame is not counted twice.
#[test]
fn transaction_ink_is_the_outermost_frames_inclusive_ink() {
    let mut world = new_world();
    let inner = Script::new().cache(1).op(&[op::FLUSH, op::RETURN]);
    world.state_mut().set_code(S2, &inner.code());
    world.state_mut().set_code(E1, &evm_forwarder(S2, false));
    world.state_mut().set_code(S1, &Script::new().call(CallKind::Call, E1, &[]).op(&[op::RETURN]).code());

    let outcome = run(&mut world, S1, GAS_LIMIT);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let [outer, nested] = &outcome.stylus_frames[..] else { panic!("two Stylus frames: {outcome:?}") };
    assert_eq!((outer.contract, outer.depth, nested.contract, nested.depth), (S1, 1, S2, 3));
    let (outer_ink, outer_self) = (outer.ink.unwrap(), outer.self_ink.unwrap());
    // The fake executor's own work in S1: two operations (call, return).
    assert_eq!(outer_self, 2 * OP_GAS * 10_000);
    // S1's inclusive ink is its own work plus the call's gas, which includes S2's frame.
    assert!(outer_ink - outer_self > nested.gas_used * 10_000, "{outer:?} {nested:?}");
    assert_eq!(nested.ink, nested.self_ink, "S2 calls nothing");
    assert_eq!(outcome.ink_used, Some(outer_ink));
    // Frame gas: the outer frame's gas is its inclusive ink in gas (no entry cost here).
    assert_eq!(outer.gas_used * 10_000, outer_ink);
}

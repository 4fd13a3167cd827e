//! The ArbOS precompiles contracts call (nitro `precompiles/*.go`): ArbWasm's getters,
//! ArbWasmCache's cache-manager flow, ArbSys, ArbGasInfo and ArbOwnerPublic reads, with
//! nitro's gas (dispatch: 800 to open the ArbOS state + 3 per argument word; 3 per result
//! word; 800 per ArbOS storage read, 100 for the Stylus parameters, 2,600 per code hash), and
//! the failure of a precompile address diorama does not implement.

mod activation_support;

use activation_support::*;
use world_mock::arbos::{ARB_GAS_INFO, ARB_OWNER_PUBLIC, ARBSYS, ARBWASM_CACHE, ArbosConfig};
use world_mock::revm::primitives::{Address, B256, Bytes, U256, address, keccak256};
use world_mock::stylus::StylusParams;
use world_mock::{BlockSettings, Commit, TxOutcome, TxRequest, TxStatus, World};

const GAS: u64 = 10_000_000;
const MANAGER: Address = address!("000000000000000000000000000000000000a9e5");
const OWNER: Address = address!("000000000000000000000000000000000000000e");

fn simple_wasm() -> Vec<u8> {
    wasm(&program_wat(r#"(import "vm_hooks" "read_args" (func (param i32)))"#, "1 1", "i32.const 0"))
}

/// Gas a call to a precompile uses beyond the intrinsic gas.
fn used(outcome: &TxOutcome, data: &[u8]) -> u64 {
    outcome.gas_used - intrinsic(data)
}

fn send(world: &mut World, from: Address, to: Address, data: Vec<u8>) -> TxOutcome {
    world.state_mut().account_mut(from).balance = U256::from(10).pow(U256::from(20));
    let request = TxRequest { from, to: Some(to), data: data.into(), gas_limit: Some(GAS), ..Default::default() };
    world.execute(&request, Commit::Yes).expect("the transaction runs")
}

/// Calls a view method and checks its gas: dispatch + `body` + 3 per result word.
fn view(world: &mut World, to: Address, signature: &str, args: &[B256], body: u64) -> Vec<U256> {
    let data = calldata(signature, args);
    // Gas priced at the block's base fee, so that a scenario with a base fee can pay it.
    let gas_price = u128::from(world.block().basefee);
    let request = TxRequest {
        from: ALICE,
        to: Some(to),
        data: data.clone().into(),
        gas_limit: Some(GAS),
        gas_price,
        ..Default::default()
    };
    let outcome = world.execute(&request, Commit::Yes).expect("the transaction runs");
    assert_eq!(outcome.status, TxStatus::Success, "{signature}: {outcome:?}");
    let dispatch = 800 + 3 * args.len() as u64;
    let result = 3 * (outcome.output.len() as u64).div_ceil(32);
    assert_eq!(used(&outcome, &data), dispatch + body + result, "{signature}: gas");
    words(&outcome.output)
}

fn u(value: u64) -> Vec<U256> {
    vec![U256::from(value)]
}

#[test]
fn arbwasm_parameter_getters() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let params = 100; // Params() is read as warm
    for (signature, value) in [
        ("stylusVersion()", 2),
        ("inkPrice()", 10_000),
        ("maxStackDepth()", 22_000),
        ("freePages()", 2),
        ("pageGas()", 1_000),
        ("pageRamp()", 620_674_314),
        ("pageLimit()", 128),
        ("initCostScalar()", 100),
        ("expiryDays()", 365),
        ("keepaliveDays()", 31),
        ("blockCacheSize()", 32),
    ] {
        assert_eq!(view(&mut world, ARBWASM, signature, &[], params), u(value), "{signature}");
    }
    assert_eq!(view(&mut world, ARBWASM, "minInitGas()", &[], params), vec![U256::from(8_832), U256::from(352)]);

    // minInitGas reverts before ArbOS 32 (keeping the gas left), and maxStackDepth follows the
    // version (262,144 before the ArbOS 50 cap).
    world.set_block(BlockSettings { arbos_version: 31, ..world.block().clone() });
    let data = calldata("minInitGas()", &[]);
    let outcome = call(&mut world, ARBWASM, data.clone(), U256::ZERO, GAS);
    assert_eq!((outcome.status, used(&outcome, &data)), (TxStatus::Revert, 800 + params));
    assert_eq!(view(&mut world, ARBWASM, "maxStackDepth()", &[], params), u(262_144));

    // activationGas exists from ArbOS 60: before, an unknown method (revert, all gas).
    let data = calldata("activationGas()", &[]);
    let outcome = call(&mut world, ARBWASM, data.clone(), U256::ZERO, 100_000);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::Revert, 100_000));
    assert!(outcome.halt_reason.unwrap().contains("ArbOS 60 and later"));
    world.set_block(BlockSettings { arbos_version: 60, ..world.block().clone() });
    world.set_stylus_params(StylusParams { activation_gas: 1_234, ..world.stylus_params().clone() });
    assert_eq!(view(&mut world, ARBWASM, "activationGas()", &[], 800), u(1_234));
}

#[test]
fn arbwasm_program_getters() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let program = world.activate_program(PROGRAM).unwrap();
    let hash = codehash(&world, PROGRAM);
    let at = [PROGRAM.into_word()];
    // Params (100) + code hash (2,600) + record (800).
    let by_address = 100 + 2_600 + 800;
    assert_eq!(view(&mut world, ARBWASM, "programVersion(address)", &at, by_address), u(2));
    assert_eq!(view(&mut world, ARBWASM, "programMemoryFootprint(address)", &at, by_address), u(1));
    let init = 69 * 128 + u64::from(program.init_cost) + 11 * 32 + u64::from(program.cached_cost);
    let cached = 11 * 32 + u64::from(program.cached_cost);
    let init_gas = view(&mut world, ARBWASM, "programInitGas(address)", &at, by_address);
    assert_eq!(init_gas, vec![U256::from(init), U256::from(cached)]);
    // Activated at the block's time, rounded down to the hour.
    let now = world.block().timestamp;
    let activated = 1_421_388_000 + (now - 1_421_388_000) / 3600 * 3600;
    let left = 365 * 86_400 - (now - activated);
    assert_eq!(view(&mut world, ARBWASM, "programTimeLeft(address)", &at, by_address), u(left));
    let by_hash = [hash];
    assert_eq!(view(&mut world, ARBWASM, "codehashVersion(bytes32)", &by_hash, 900), u(2));
    let kib = u64::from(program.asm_estimate).div_ceil(1024) * 1024;
    assert_eq!(view(&mut world, ARBWASM, "codehashAsmSize(bytes32)", &by_hash, 900), u(kib));

    // Errors are nitro's Solidity errors, reverting with their data and keeping the gas left.
    let data = calldata("codehashVersion(bytes32)", &[B256::repeat_byte(9)]);
    let outcome = call(&mut world, ARBWASM, data.clone(), U256::ZERO, GAS);
    assert_eq!((outcome.status, outcome.output.as_ref()), (TxStatus::Revert, &selector("ProgramNotActivated()")[..]));
    assert_eq!(used(&outcome, &data), 803 + 900 + 3);
}

#[test]
fn non_payable_and_delegated_calls_revert_using_all_gas() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let data = calldata("stylusVersion()", &[]);
    let outcome = call(&mut world, ARBWASM, data.clone(), U256::from(1), 100_000);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::Revert, 100_000));
    assert!(outcome.halt_reason.unwrap().contains("not payable"));
    let short = call(&mut world, ARBWASM, vec![1, 2], U256::ZERO, 100_000);
    assert_eq!((short.status, short.gas_used), (TxStatus::Revert, 100_000));
}

/// EVM code that DELEGATECALLs `target` with its calldata and returns what it got.
fn delegator(target: Address) -> Vec<u8> {
    let mut code = vec![0x36, 0x60, 0, 0x60, 0, 0x37, 0x60, 0x20, 0x60, 0, 0x36, 0x60, 0, 0x73];
    code.extend_from_slice(target.as_slice());
    code.extend([0x5a, 0xf4, 0x60, 0, 0x52, 0x60, 0x20, 0x60, 0, 0xf3]); // MSTORE(0, ok); RETURN(0, 32)
    code
}

#[test]
fn view_methods_refuse_delegatecall() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let proxy = address!("000000000000000000000000000000000000d11e");
    world.state_mut().set_code(proxy, &delegator(ARBWASM));
    let outcome = call(&mut world, proxy, calldata("stylusVersion()", &[]), U256::ZERO, GAS);
    assert_eq!(outcome.status, TxStatus::Success);
    assert_eq!(words(&outcome.output), u(0), "the delegated call failed");
}

/// Runs every program as a success that uses no gas of its own, so a call's gas is its entry
/// cost.
#[derive(Debug)]
struct Noop;

impl world_mock::StylusExecutor for Noop {
    fn name(&self) -> &'static str {
        "noop"
    }

    fn execute(
        &self,
        _call: &world_mock::stylus::StylusCall,
        _hooks: &mut dyn world_mock::VmHooks,
    ) -> world_mock::stylus::StylusOutcome {
        world_mock::stylus::StylusOutcome {
            status: world_mock::stylus::StylusStatus::Success,
            output: Bytes::new(),
            gas_used: 0,
            ink_used: Some(0),
            detail: None,
        }
    }
}

fn cache_world() -> World {
    let mut world = world_with(PROGRAM, &simple_wasm());
    world.set_stylus_executor(std::rc::Rc::new(Noop));
    world.activate_program(PROGRAM).unwrap();
    world.set_arbos_config(ArbosConfig {
        cache_managers: vec![MANAGER],
        chain_owners: vec![OWNER],
        ..ArbosConfig::default()
    });
    world
}

#[test]
fn cache_managers_cache_and_evict_programs() {
    let mut world = cache_world();
    let hash = codehash(&world, PROGRAM);
    assert_eq!(view(&mut world, ARBWASM_CACHE, "isCacheManager(address)", &[MANAGER.into_word()], 800), u(1));
    assert_eq!(view(&mut world, ARBWASM_CACHE, "isCacheManager(address)", &[ALICE.into_word()], 800), u(0));
    let all = view(&mut world, ARBWASM_CACHE, "allCacheManagers()", &[], 800 + 800);
    assert_eq!(all, vec![U256::from(32), U256::from(1), U256::from_be_slice(MANAGER.as_slice())]);
    assert_eq!(view(&mut world, ARBWASM_CACHE, "codehashIsCached(bytes32)", &[hash], 800), u(0));

    // An uncached call pays init and cached-init gas.
    let program = world.program_at(PROGRAM).unwrap().info;
    let (init, cached) = (69 * 128 + u64::from(program.init_cost), 11 * 32 + u64::from(program.cached_cost));
    let before = call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS);
    assert_eq!(before.stylus_frames.len(), 1, "{before:?}");

    // cacheProgram: manager check (800), Params (100), record (800), the event (375 + 3·375 +
    // 8·32), the program's init cost, the module hash (800), the record write (20,000), and the
    // code hash of the address (2,600).
    let data = calldata("cacheProgram(address)", &[PROGRAM.into_word()]);
    let outcome = send(&mut world, MANAGER, ARBWASM_CACHE, data.clone());
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let event = 375 + 3 * 375 + 8 * 32;
    let body = 2_600 + 800 + 100 + 800 + event + u64::from(program.init_cost) + 800 + 20_000;
    assert_eq!(used(&outcome, &data), 803 + body);
    let [log] = outcome.logs.as_slice() else { panic!("one event") };
    assert_eq!(log.address, ARBWASM_CACHE);
    let signature = keccak256("UpdateProgramCache(address,bytes32,bool)");
    assert_eq!(log.topics(), &[signature, MANAGER.into_word(), hash]);
    assert_eq!(log.data.data, Bytes::from(word(1).to_vec()));
    assert!(world.program_at(PROGRAM).unwrap().info.cached);
    assert_eq!(view(&mut world, ARBWASM_CACHE, "codehashIsCached(bytes32)", &[hash], 800), u(1));

    // The next call pays only the cached-init gas.
    let after = call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS);
    assert_eq!(before.gas_used - after.gas_used, init);
    // The noop program's frame costs its entry alone (its one page is free).
    assert_eq!(before.stylus_frames[0].gas_used, init + cached);
    assert_eq!(after.stylus_frames[0].gas_used, cached);

    // Caching again changes nothing (no event, no init cost).
    let again = send(&mut world, MANAGER, ARBWASM_CACHE, data.clone());
    assert_eq!((again.status, again.logs.len()), (TxStatus::Success, 0));

    // A chain owner may evict (after the manager check fails, the owner check is read too).
    let evict = calldata("evictCodehash(bytes32)", &[hash]);
    let outcome = send(&mut world, OWNER, ARBWASM_CACHE, evict.clone());
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let body = 800 + 800 + 100 + 800 + event + u64::from(program.init_cost) + 800 + 20_000;
    assert_eq!(used(&outcome, &evict), 803 + body);
    assert!(!world.program_at(PROGRAM).unwrap().info.cached);
    let evicted = call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS);
    assert_eq!(evicted.gas_used, before.gas_used);
}

#[test]
fn only_managers_and_owners_may_cache() {
    let mut world = cache_world();
    let data = calldata("cacheProgram(address)", &[PROGRAM.into_word()]);
    let outcome = send(&mut world, ALICE, ARBWASM_CACHE, data);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::Revert, GAS));
    assert!(outcome.halt_reason.unwrap().contains("neither a cache manager nor a chain owner"));
    assert!(!world.program_at(PROGRAM).unwrap().info.cached);
}

#[test]
fn caching_needs_an_up_to_date_program() {
    let mut world = cache_world();
    // Never activated: nitro reads version 0 and answers ProgramNeedsUpgrade(0, 2).
    let data = calldata("cacheProgram(address)", &[NOBODY.into_word()]);
    let outcome = send(&mut world, MANAGER, ARBWASM_CACHE, data);
    assert_eq!(outcome.status, TxStatus::Revert);
    assert_eq!(outcome.output.as_ref(), calldata("ProgramNeedsUpgrade(uint16,uint16)", &[word(0), word(2)]));
}

#[test]
fn cache_codehash_exists_only_on_arbos_30() {
    let mut world = cache_world();
    let hash = codehash(&world, PROGRAM);
    let data = calldata("cacheCodehash(bytes32)", &[hash]);
    let outcome = send(&mut world, MANAGER, ARBWASM_CACHE, data.clone());
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::Revert, GAS), "deprecated after ArbOS 30");
    world.set_block(BlockSettings { arbos_version: 30, ..world.block().clone() });
    // ArbOS 30 runs Stylus version 1: the program must be activated under it first.
    let outcome = send(&mut world, MANAGER, ARBWASM_CACHE, data.clone());
    assert_eq!(outcome.output.as_ref(), calldata("ProgramNeedsUpgrade(uint16,uint16)", &[word(2), word(1)]));
    world.activate_program(PROGRAM).unwrap();
    let hash = codehash(&world, PROGRAM);
    let outcome = send(&mut world, MANAGER, ARBWASM_CACHE, data);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert!(world.program_at(PROGRAM).unwrap().info.cached);
    // cacheProgram comes with ArbOS 31.
    let data = calldata("evictCodehash(bytes32)", &[hash]);
    assert_eq!(send(&mut world, MANAGER, ARBWASM_CACHE, data).status, TxStatus::Success);
    let data = calldata("cacheProgram(address)", &[PROGRAM.into_word()]);
    assert_eq!(send(&mut world, MANAGER, ARBWASM_CACHE, data).status, TxStatus::Revert);
}

#[test]
fn stylus_precompiles_do_not_exist_before_arbos_30() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    world.set_block(BlockSettings { arbos_version: 20, ..world.block().clone() });
    // As a call to an account without code: success, no output, no gas beyond the intrinsic.
    let data = calldata("stylusVersion()", &[]);
    let outcome = call(&mut world, ARBWASM, data.clone(), U256::ZERO, GAS);
    assert_eq!((outcome.status, outcome.output.len(), used(&outcome, &data)), (TxStatus::Success, 0, 0));
}

#[test]
fn arbsys_reads() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    world.set_block(BlockSettings { number: 500, l1_number: Some(20_000_000), ..world.block().clone() });
    assert_eq!(view(&mut world, ARBSYS, "arbBlockNumber()", &[], 0), u(500));
    assert_eq!(view(&mut world, ARBSYS, "arbChainID()", &[], 0), u(42_161));
    assert_eq!(view(&mut world, ARBSYS, "arbOSVersion()", &[], 0), u(55 + 50));
    assert_eq!(view(&mut world, ARBSYS, "getStorageGasAvailable()", &[], 0), u(0));
    assert_eq!(view(&mut world, ARBSYS, "isTopLevelCall()", &[], 0), u(1));
    assert_eq!(view(&mut world, ARBSYS, "wasMyCallersAddressAliased()", &[], 0), u(0));
    assert_eq!(view(&mut world, ARBSYS, "myCallersAddressWithoutAliasing()", &[], 0), u(0));
    let hash = view(&mut world, ARBSYS, "arbBlockHash(uint256)", &[word(499)], 0);
    assert_eq!(hash, vec![U256::from_be_bytes(world_mock::default_block_hash(499).0)]);
    // Outside the 256 blocks before the current one: InvalidBlockNumber(requested, current).
    let data = calldata("arbBlockHash(uint256)", &[word(500)]);
    let outcome = call(&mut world, ARBSYS, data, U256::ZERO, GAS);
    assert_eq!(outcome.output.as_ref(), calldata("InvalidBlockNumber(uint256,uint256)", &[word(500), word(500)]));
    // A pure method opens no ArbOS state: 2 argument words and one result word only.
    let l1 = address!("1000000000000000000000000000000000000001");
    let data = calldata("mapL1SenderContractAddressToL2Alias(address,address)", &[l1.into_word(), B256::ZERO]);
    let outcome = call(&mut world, ARBSYS, data.clone(), U256::ZERO, GAS);
    let alias = address!("2111000000000000000000000000000000001112");
    assert_eq!(outcome.output.as_ref(), alias.into_word().as_slice());
    assert_eq!(used(&outcome, &data), 6 + 3);
}

/// EVM code that STATICCALLs `target` with `data` and returns its output.
fn relay(target: Address, data: &[u8]) -> Vec<u8> {
    let mut code = Vec::new();
    for (i, chunk) in data.chunks(32).enumerate() {
        let mut word = [0u8; 32];
        word[..chunk.len()].copy_from_slice(chunk);
        code.push(0x7f);
        code.extend_from_slice(&word);
        code.extend([0x60, (32 * i) as u8, 0x52]); // MSTORE
    }
    code.extend([0x60, 0x20, 0x60, 0, 0x60, data.len() as u8, 0x60, 0, 0x73]);
    code.extend_from_slice(target.as_slice());
    code.extend([0x5a, 0xfa, 0x50, 0x60, 0x20, 0x60, 0, 0xf3]); // STATICCALL; POP; RETURN(0, 32)
    code
}

#[test]
fn arbsys_sees_the_call_stack() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let a = address!("00000000000000000000000000000000000000aa");
    let b = address!("00000000000000000000000000000000000000bb");
    let ask = selector("myCallersAddressWithoutAliasing()");
    world.state_mut().set_code(b, &relay(ARBSYS, &ask));
    world.state_mut().set_code(a, &relay(b, &[]));
    // ALICE → A → B → ArbSys: nitro answers the sender of the frame that called ArbSys's caller.
    let outcome = call(&mut world, a, Vec::new(), U256::ZERO, GAS);
    assert_eq!(outcome.output.as_ref(), a.into_word().as_slice(), "{outcome:?}");
    // ALICE → B → ArbSys: B's sender.
    let outcome = call(&mut world, b, Vec::new(), U256::ZERO, GAS);
    assert_eq!(outcome.output.as_ref(), ALICE.into_word().as_slice());
    // isTopLevelCall: depth ≤ 2.
    world.state_mut().set_code(b, &relay(ARBSYS, &selector("isTopLevelCall()")));
    assert_eq!(words(&call(&mut world, b, Vec::new(), U256::ZERO, GAS).output), u(1));
    assert_eq!(words(&call(&mut world, a, Vec::new(), U256::ZERO, GAS).output), u(0));
}

#[test]
fn send_tx_to_l1_burns_the_value_and_emits_the_events() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    world.set_block(BlockSettings { number: 77, l1_number: Some(1_000), ..world.block().clone() });
    let destination = address!("00000000000000000000000000000000000000d1");
    let mut data = selector("sendTxToL1(address,bytes)").to_vec();
    for w in [destination.into_word(), word(64), word(3)] {
        data.extend_from_slice(w.as_slice());
    }
    data.extend_from_slice(&[0xab, 0xcd, 0xef]);
    data.resize(4 + 4 * 32, 0);
    let balance = world.state().account(&ALICE).unwrap().balance;
    let outcome = call(&mut world, ARBSYS, data.clone(), U256::from(5_000), GAS);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(words(&outcome.output), u(0), "the first leaf");
    assert_eq!(world.state().account(&ALICE).unwrap().balance, balance - U256::from(5_000));
    assert!(world.state().account(&ARBSYS).is_none_or(|a| a.balance.is_zero()), "the value left L2");

    // One leaf: no SendMerkleUpdate, one L2ToL1Tx.
    let [log] = outcome.logs.as_slice() else { panic!("one event: {:?}", outcome.logs) };
    let timestamp = world.block().timestamp;
    let preimage = [
        ALICE.as_slice(),
        destination.as_slice(),
        word(77).as_slice(),
        word(1_000).as_slice(),
        word(timestamp).as_slice(),
        word(5_000).as_slice(),
        &[0xab, 0xcd, 0xef],
    ]
    .concat();
    let send_hash = keccak256(&preimage);
    let signature = keccak256("L2ToL1Tx(address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes)");
    assert_eq!(log.topics(), &[signature, destination.into_word(), send_hash, word(0)]);
    assert_eq!(&log.data.data[..32], ALICE.into_word().as_slice());
    // caller, arbBlockNum, ethBlockNum, timestamp, callvalue, the offset, the length, the data.
    assert_eq!(log.data.data.len(), 8 * 32);

    // Gas: the native-token owners (read when value is sent, ArbOS 41+), keccak of 2·20 + 4·32
    // + 3 bytes (30 + 6·6), the accumulator (size read and written, the new partial written, the
    // size read again), the event (375 + 4·375 + 8·256) and the result word.
    let keccak = 30 + 6 * 6;
    let accumulator = 800 + 20_000 + 20_000 + 800;
    let event = 375 + 4 * 375 + 8 * 256;
    assert_eq!(used(&outcome, &data), 800 + 3 * 4 + 800 + keccak + accumulator + event + 3);

    // The second message completes a node: a SendMerkleUpdate(0, hash, level 1 << 192 | leaf 1).
    let outcome = call(&mut world, ARBSYS, data, U256::ZERO, GAS);
    assert_eq!(words(&outcome.output), u(1));
    assert_eq!(outcome.logs.len(), 2);
    let update = &outcome.logs[0];
    assert_eq!(update.topics()[0], keccak256("SendMerkleUpdate(uint256,bytes32,uint256)"));
    assert_eq!(update.topics()[3], B256::from((U256::from(1) << 192) | U256::from(1)));
}

#[test]
fn arbgasinfo_and_arbownerpublic_read_the_settings() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let fees = address!("00000000000000000000000000000000000000fe");
    world.set_arbos_config(ArbosConfig {
        chain_owners: vec![OWNER, MANAGER],
        network_fee_account: fees,
        l1_base_fee: U256::from(30_000_000_000u64),
        ..ArbosConfig::default()
    });
    world.set_block(BlockSettings { basefee: 100_000_000, ..world.block().clone() });
    let gwei30 = 30_000_000_000u64;
    assert_eq!(view(&mut world, ARB_GAS_INFO, "getL1BaseFeeEstimate()", &[], 800), u(gwei30));
    assert_eq!(view(&mut world, ARB_GAS_INFO, "getMinimumGasPrice()", &[], 800), u(100_000_000));
    let prices = view(&mut world, ARB_GAS_INFO, "getPricesInWei()", &[], 1_600);
    let per_byte = U256::from(gwei30 * 16);
    let l2 = U256::from(100_000_000);
    let expected = [per_byte * U256::from(140), per_byte, l2 * U256::from(20_000), l2, U256::ZERO, l2];
    assert_eq!(prices, expected.to_vec());
    let arb_gas = view(&mut world, ARB_GAS_INFO, "getPricesInArbGas()", &[], 800);
    assert_eq!(arb_gas, vec![per_byte * U256::from(140) / l2, per_byte / l2, U256::from(20_000)]);
    let limits = view(&mut world, ARB_GAS_INFO, "getGasAccountingParams()", &[], 1_600);
    assert_eq!(limits, vec![U256::from(7_000_000), U256::from(30_000_000), U256::from(30_000_000)]);
    assert_eq!(view(&mut world, ARB_GAS_INFO, "getCurrentTxL1GasFees()", &[], 0), u(0));
    assert_eq!(view(&mut world, ARB_GAS_INFO, "getPricingInertia()", &[], 800), u(102));
    assert_eq!(view(&mut world, ARB_GAS_INFO, "getPerBatchGasCharge()", &[], 800), u(210_000));

    assert_eq!(view(&mut world, ARB_OWNER_PUBLIC, "isChainOwner(address)", &[OWNER.into_word()], 800), u(1));
    assert_eq!(view(&mut world, ARB_OWNER_PUBLIC, "isChainOwner(address)", &[ALICE.into_word()], 800), u(0));
    let owners = view(&mut world, ARB_OWNER_PUBLIC, "getAllChainOwners()", &[], 800 * 3);
    assert_eq!(
        owners[1..],
        [U256::from(2), U256::from_be_slice(OWNER.as_slice()), U256::from_be_slice(MANAGER.as_slice())]
    );
    let network = view(&mut world, ARB_OWNER_PUBLIC, "getNetworkFeeAccount()", &[], 800);
    assert_eq!(network, vec![U256::from_be_slice(fees.as_slice())]);
    assert_eq!(view(&mut world, ARB_OWNER_PUBLIC, "getBrotliCompressionLevel()", &[], 800), u(1));

    // The data fee of an activation goes to the network fee account.
    let data = calldata("activateProgram(address)", &[PROGRAM.into_word()]).into();
    let value = U256::from(10).pow(U256::from(18));
    let request =
        TxRequest { from: ALICE, to: Some(ARBWASM), data, value, gas_price: 100_000_000, ..Default::default() };
    let outcome = world.execute(&request, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let fee = words(&outcome.output)[1];
    assert_eq!(world.state().account(&fees).unwrap().balance, fee);
}

#[test]
fn unimplemented_precompiles_fail_naming_themselves() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    for (address, name) in [
        (address!("000000000000000000000000000000000000006e"), "ArbRetryableTx"),
        (address!("0000000000000000000000000000000000000070"), "ArbOwner"),
        (address!("0000000000000000000000000000000000000065"), "ArbInfo"),
        (address!("00000000000000000000000000000000000000c8"), "NodeInterface"),
    ] {
        let outcome = call(&mut world, address, selector("anything()").to_vec(), U256::ZERO, 100_000);
        assert_eq!((outcome.status, outcome.gas_used), (TxStatus::Failure, 100_000), "{name}");
        let reason = outcome.halt_reason.unwrap_or_default();
        assert!(reason.contains(name) && reason.contains("does not implement"), "{reason}");
        assert!(outcome.output.is_empty());
    }
    // Reached from a contract, the failure still names it.
    let caller = address!("000000000000000000000000000000000000ca11");
    world.state_mut().set_code(caller, &relay(address!("000000000000000000000000000000000000006f"), &[1, 2, 3, 4]));
    let outcome = call(&mut world, caller, Vec::new(), U256::ZERO, GAS);
    assert_eq!(outcome.status, TxStatus::Success);
    assert!(outcome.halt_reason.unwrap_or_default().contains("ArbStatistics"));
}

#[test]
fn ethereum_worlds_have_no_arbitrum_precompiles() {
    let mut world = World::default();
    world.set_arbitrum(false);
    world.state_mut().account_mut(ALICE).balance = U256::from(10).pow(U256::from(20));
    for address in [ARBSYS, ARBWASM, address!("000000000000000000000000000000000000006e")] {
        let outcome = call(&mut world, address, selector("arbBlockNumber()").to_vec(), U256::ZERO, 100_000);
        assert_eq!((outcome.status, outcome.output.len()), (TxStatus::Success, 0), "{address}");
        assert_eq!(outcome.halt_reason, None);
    }
    assert!(!world.is_system_account(&ARBSYS));
}

#[test]
fn system_accounts() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let fees = address!("00000000000000000000000000000000000000fe");
    world.set_arbos_config(ArbosConfig { network_fee_account: fees, ..ArbosConfig::default() });
    for address in [ARBSYS, ARBWASM, ARBWASM_CACHE, world_mock::stylus::ARBOS_STATE, fees] {
        assert!(world.is_system_account(&address), "{address}");
    }
    assert!(!world.is_system_account(&ALICE));
    assert!(!world.is_system_account(&Address::ZERO), "no longer the fee account");
    // By default the data fees go to the zero address, which is then the fee account.
    assert!(world_with(PROGRAM, &simple_wasm()).is_system_account(&Address::ZERO));

    // Precompiles hold nitro's placeholder code 0xFE (Solidity calls only accounts with code),
    // from the ArbOS version that brings them; Ethereum worlds have none.
    let code = |world: &World, address| world.state().account(&address).map(|a| a.code_bytes().to_vec());
    assert_eq!(code(&world, ARBSYS), Some(vec![0xFE]));
    assert_eq!(code(&world, ARBWASM), Some(vec![0xFE]));
    assert_eq!(code(&world, address!("0000000000000000000000000000000000000074")), None, "ArbOS 60");
    world.set_block(BlockSettings { arbos_version: 60, ..world.block().clone() });
    assert_eq!(code(&world, address!("0000000000000000000000000000000000000074")), Some(vec![0xFE]));
    world.set_arbitrum(false);
    assert_eq!(code(&world, ARBSYS), None);
}

/// `ActivationGas` (ArbOS 60+) is burnt before every activation, after reading it (800 gas);
/// before ArbOS 60 nitro neither reads nor burns it.
#[test]
fn activation_gas_is_burnt_from_arbos_60() {
    let gas_used = |version: u64, activation_gas: u64| {
        let mut world = world_with(PROGRAM, &simple_wasm());
        world.set_block(BlockSettings { arbos_version: version, ..world.block().clone() });
        world.set_stylus_params(StylusParams { activation_gas, ..world.stylus_params().clone() });
        let data = calldata("activateProgram(address)", &[PROGRAM.into_word()]);
        let outcome = call(&mut world, ARBWASM, data, U256::from(10).pow(U256::from(18)), GAS);
        assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
        outcome.gas_used
    };
    assert_eq!(gas_used(60, 250_000) - gas_used(60, 0), 250_000);
    assert_eq!(gas_used(60, 0) - gas_used(50, 0), 800, "the parameter is read from ArbOS 60");
    assert_eq!(gas_used(50, 250_000), gas_used(50, 0));
}

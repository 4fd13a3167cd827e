//! Black-box tests of the world: deploys, calls, queries, naming, diffs.

use world_mock::revm::primitives::{Address, Bytes, U256, address, hex};
use world_mock::{Commit, TxRequest, TxStatus, World};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");

/// Init code that returns `runtime`.
fn init_code(runtime: &[u8]) -> Bytes {
    world_mock::deployment_code(runtime).into()
}

/// Runtime: SSTORE(0, CALLDATALOAD(0)); return the old value... simplified: store then return 32 bytes of slot 0.
fn store_runtime() -> Vec<u8> {
    // PUSH1 0 CALLDATALOAD PUSH1 0 SSTORE PUSH1 0 SLOAD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    hex::decode("600035600055600054600052602060 00f3".replace(' ', "")).unwrap()
}

fn deploy(world: &mut World, runtime: &[u8]) -> Address {
    let request = TxRequest { from: ALICE, data: init_code(runtime), ..Default::default() };
    let outcome = world.execute(&request, Commit::Yes).expect("deploy runs");
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    outcome.created.expect("an address")
}

#[test]
fn deploy_call_and_query() {
    let mut world = World::default();
    let contract = deploy(&mut world, &store_runtime());
    assert_eq!(contract, ALICE.create(0));
    assert_eq!(world.state().account(&ALICE).unwrap().nonce, 1);

    let word = U256::from(7).to_be_bytes::<32>();
    let call = TxRequest { from: ALICE, to: Some(contract), data: word.to_vec().into(), ..Default::default() };
    let outcome = world.execute(&call, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::Success);
    assert_eq!(outcome.output.as_ref(), &word);
    assert_eq!(world.state().storage_at(&contract, &U256::ZERO), U256::from(7));
    let slot = outcome.diff.accounts[&contract].storage[&U256::ZERO];
    assert_eq!((slot.before, slot.after), (U256::ZERO, U256::from(7)));
    assert!(outcome.gas_used > 21_000 + 20_000, "gas {}", outcome.gas_used);

    // A query runs but leaves no trace, not even the nonce.
    let nine = U256::from(9).to_be_bytes::<32>();
    let query = TxRequest { from: ALICE, to: Some(contract), data: nine.to_vec().into(), ..Default::default() };
    let outcome = world.execute(&query, Commit::No).unwrap();
    assert_eq!(outcome.output.as_ref(), &nine);
    assert_eq!(world.state().storage_at(&contract, &U256::ZERO), U256::from(7));
    assert_eq!(world.state().account(&ALICE).unwrap().nonce, 2);
}

#[test]
fn a_world_without_diffs_still_commits() {
    let mut world = World::default();
    let contract = deploy(&mut world, &store_runtime());
    world.set_diffs(false);
    let word = U256::from(7).to_be_bytes::<32>();
    let call = TxRequest { from: ALICE, to: Some(contract), data: word.to_vec().into(), ..Default::default() };
    let outcome = world.execute(&call, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::Success);
    assert!(outcome.diff.accounts.is_empty());
    assert_eq!(world.state().storage_at(&contract, &U256::ZERO), U256::from(7));
    world.set_diffs(true);
    let eight = U256::from(8).to_be_bytes::<32>();
    let call = TxRequest { data: eight.to_vec().into(), ..call };
    let slot = world.execute(&call, Commit::Yes).unwrap().diff.accounts[&contract].storage[&U256::ZERO];
    assert_eq!((slot.before, slot.after), (U256::from(7), U256::from(8)));
}

#[test]
fn revert_keeps_nonce_and_drops_writes() {
    let mut world = World::default();
    // SSTORE(0, 1) then REVERT(0, 0).
    let contract = deploy(&mut world, &hex::decode("600160005560006000fd").unwrap());
    let call = TxRequest { from: ALICE, to: Some(contract), ..Default::default() };
    let outcome = world.execute(&call, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::Revert);
    assert_eq!(world.state().storage_at(&contract, &U256::ZERO), U256::ZERO);
    assert_eq!(world.state().account(&ALICE).unwrap().nonce, 2);
}

#[test]
fn invalid_opcode_is_a_failure_and_loops_run_out_of_gas() {
    let mut world = World::default();
    let invalid = deploy(&mut world, &[0xfe]);
    let outcome =
        world.execute(&TxRequest { from: ALICE, to: Some(invalid), ..Default::default() }, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::Failure);
    assert_eq!(outcome.halt_reason.as_deref(), Some("InvalidFEOpcode"));
    // JUMPDEST PUSH1 0 JUMP: an infinite loop.
    let looping = deploy(&mut world, &hex::decode("5b600056").unwrap());
    let request = TxRequest { from: ALICE, to: Some(looping), gas_limit: Some(100_000), ..Default::default() };
    let outcome = world.execute(&request, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::OutOfGas);
    assert_eq!(outcome.gas_used, 100_000);
}

#[test]
fn named_addresses_replace_create_addresses() {
    let mut world = World::default();
    let named = address!("636f6e74726163745f5f5f5f5f5f5f5f5f5f5f5f");
    world.name_new_address(ALICE, 1, named);
    let first = deploy(&mut world, &store_runtime());
    assert_eq!(first, ALICE.create(0), "nonce 0 is not named");
    let second = deploy(&mut world, &store_runtime());
    assert_eq!(second, named);
    assert!(!world.state().account(&named).unwrap().code_bytes().is_empty());
}

#[test]
fn value_transfer_and_rejected_transactions() {
    let mut world = World::default();
    let bob = address!("0000000000000000000000000000000000000b0b");
    world.state_mut().account_mut(ALICE).balance = U256::from(1_000);
    let send = TxRequest { from: ALICE, to: Some(bob), value: U256::from(400), ..Default::default() };
    let outcome = world.execute(&send, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::Success);
    assert_eq!(outcome.gas_used, 21_000);
    assert_eq!(world.state().account(&bob).unwrap().balance, U256::from(400));
    let too_much = TxRequest { from: ALICE, to: Some(bob), value: U256::from(601), ..Default::default() };
    let rejected = world.execute(&too_much, Commit::Yes).unwrap_err();
    assert!(rejected.to_string().contains("lack of funds"), "{rejected}");
    assert_eq!(world.state().account(&ALICE).unwrap().balance, U256::from(600));
}

#[test]
fn stylus_code_without_an_executor_is_invalid_code() {
    let mut world = World::default();
    let program = address!("00000000000000000000000000000000000057a1");
    world.state_mut().set_code(program, &[0xEF, 0xF0, 0x00, 0x00, 0x01, 0x02]);
    let outcome =
        world.execute(&TxRequest { from: ALICE, to: Some(program), ..Default::default() }, Commit::Yes).unwrap();
    assert_eq!(outcome.status, TxStatus::InvalidCode);
}

#[test]
fn deployment_code_deploys_short_and_long_runtimes_unchanged() {
    let mut world = World::default();
    for len in [1usize, 255, 256, 3_000] {
        let runtime: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let created = deploy(&mut world, &runtime);
        assert_eq!(world.state().account(&created).unwrap().code_bytes(), &runtime[..], "runtime of {len} bytes");
    }
}

#[test]
fn a_request_becomes_the_transaction_revm_builds_by_default() {
    use world_mock::revm::context::TxEnv;
    use world_mock::revm::primitives::TxKind;
    let mut world = World::default();
    let contract = deploy(&mut world, &store_runtime());
    let requests = [
        TxRequest { from: ALICE, to: Some(contract), data: vec![1, 2].into(), ..Default::default() },
        TxRequest {
            from: contract,
            data: vec![3].into(),
            value: U256::from(5),
            gas_limit: Some(90_000),
            gas_price: 7,
            to: None,
        },
    ];
    for request in requests {
        // The default's fields (type, access list, tip, blobs, authorizations) as revm's builder
        // sets them, and the request's own.
        let by_default = TxEnv {
            caller: request.from,
            gas_limit: request.gas_limit.unwrap_or(world.block().gas_limit),
            gas_price: request.gas_price,
            kind: request.to.map_or(TxKind::Create, TxKind::Call),
            value: request.value,
            data: request.data.clone(),
            nonce: world.state().account(&request.from).map_or(0, |a| a.nonce),
            chain_id: Some(world.block().chain_id),
            ..TxEnv::default()
        };
        assert_eq!(world.tx_env(&request), by_default);
    }
}

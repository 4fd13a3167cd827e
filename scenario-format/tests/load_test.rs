//! Loading whole scenarios: every step type, `externalSteps` flattening with origins, cycles.

use alloy_primitives::{Address, B256, U256, keccak256};
use scenario_format::*;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn named(name: &str) -> Address {
    let mut bytes = name.as_bytes().to_vec();
    bytes.resize(20, b'_');
    Address::from_slice(&bytes)
}

fn word(bytes: &[u8]) -> B256 {
    B256::left_padding_from(bytes)
}

#[test]
fn full_scenario_has_every_step_type() {
    let s = load_scenario(&data("full.scen.json")).unwrap();
    assert_eq!(s.name, "every-step");
    assert_eq!(s.executors, Some(vec!["wasmer".to_owned(), "debugger".to_owned()]));
    let kinds: Vec<&str> = s.steps.iter().map(|e| e.step.name()).collect();
    assert_eq!(
        kinds,
        [
            "setState",
            "setState",
            "deploy",
            "activate",
            "call",
            "call",
            "call",
            "query",
            "query",
            "transfer",
            "checkState",
            "dumpState",
            "dumpState"
        ]
    );
    let labels: Vec<String> = s.steps.iter().map(StepEntry::label).collect();
    assert_eq!(labels[0], "accounts");
    assert_eq!(labels[8], "#8");

    let Step::SetState(world) = &*s.steps[1].step else { panic!() };
    let (store, store_state) = &world.accounts[0];
    assert_eq!(store.value, named("store"));
    assert_eq!(store.original, "address:store");
    assert!(
        matches!(&store_state.code, Some(CodeValue { source: CodeSource::Evm(p), .. }) if p.ends_with("artifacts/Store.json"))
    );
    let mut slot_preimage = word(named("alice").as_slice()).to_vec();
    slot_preimage.extend([0u8; 32]);
    assert_eq!(store_state.storage[1].0.value, keccak256(&slot_preimage));
    assert_eq!(store_state.storage[1].1.value, word(&[0x03, 0xe8]));
    assert_eq!(store_state.storage[2].1.value, word(&[1, 2]));
    assert_eq!(store_state.storage[2].1.original, r#"["0x01","0x02"]"#);
    assert!(world.accounts[1].1.activate);
    assert!(matches!(&world.accounts[2].1.code, Some(CodeValue { source: CodeSource::Bytes(b), .. }) if b.len() == 6));
    let block = world.block.as_ref().unwrap();
    assert_eq!(block.chain_id, Some(412_346));
    assert_eq!(block.timestamp.as_ref().unwrap().value, U256::from(1_700_000_000u64));
    assert_eq!(world.new_addresses[0].address.value, named("token"));

    let Step::Deploy(deploy) = &*s.steps[2].step else { panic!() };
    assert_eq!(deploy.tx.code.source, CodeSource::Contract("token".into()));
    assert!(matches!(&deploy.tx.args[2], AbiValue::List(items) if items.len() == 2));
    assert!(deploy.tx.activate);
    let expect = deploy.expect.as_ref().unwrap();
    assert_eq!(expect.gas_used, Some(Check::Exact(Comparison { op: CompareOp::Le, value: 5_000_000 })));
    assert_eq!(expect.activation.as_ref().unwrap().data_fee, Some(Check::Any));

    let Step::Call(call) = &*s.steps[4].step else { panic!() };
    let expect = call.expect.as_ref().unwrap();
    assert_eq!(expect.status, Some(Check::Exact(Status::Success)));
    let Some(Out::Values(out)) = &expect.out else { panic!() };
    assert!(matches!(&out[0], Check::Exact(AbiExpect::Leaf(b)) if *b.value == [1]));
    let logs = expect.logs.as_ref().unwrap();
    assert!(logs.more_allowed);
    assert!(matches!(&logs.entries[0], LogExpect::Event { args, .. } if args[2] == Check::Any));
    let LogExpect::Raw { address, topics, data } = &logs.entries[1] else { panic!() };
    assert_eq!((address, data), (&Check::Any, &Some(Check::Any)));
    assert_eq!(topics.as_ref().unwrap()[1], Check::Any);

    let Step::Call(fails) = &*s.steps[5].step else { panic!() };
    let Some(ErrorExpect::Custom { signature, args }) = &fails.expect.as_ref().unwrap().error else { panic!() };
    assert_eq!(signature, "InsufficientBalance(uint256,uint256)");
    assert_eq!(args[1], Check::Any);

    let Step::Call(raw) = &*s.steps[6].step else { panic!() };
    assert_eq!(raw.tx.data.as_ref().unwrap().value.len(), 4 + 32 + 32);
    let expect = raw.expect.as_ref().unwrap();
    assert!(matches!(&expect.error, Some(ErrorExpect::Message(m)) if *m.value == *b"not supported"));
    assert_eq!((expect.out.is_none(), expect.logs.is_none()), (true, true));

    let Step::Query(query) = &*s.steps[7].step else { panic!() };
    assert_eq!(query.tx.from, None);

    let Step::CheckState(check) = &*s.steps[10].step else { panic!() };
    assert!(check.open);
    let (_, store_check) = &check.accounts[2];
    let storage = store_check.storage.as_ref().unwrap();
    assert!(storage.open);
    assert_eq!(storage.slots[1].1, Check::Any);
    let program = check.accounts[3].1.program.as_ref().unwrap();
    assert_eq!(program.activated, Some(true));
    assert_eq!(program.version, Some(Check::Exact(1)));

    let Step::DumpState(dump) = &*s.steps[11].step else { panic!() };
    assert!(dump.path.as_ref().unwrap().ends_with("tests/data/out/state.json"));
}

#[test]
fn external_steps_are_flattened_with_origins() {
    let path = data("full.scen.json");
    let s = load_scenario(&path).unwrap();
    let included = &s.steps[0].origin;
    assert!(included.file.ends_with("included/common.steps.json"));
    assert_eq!(included.json_path, "steps[0]");
    assert_eq!(included.index, 0);
    assert_eq!(included.include_chain, vec![path.clone()]);
    assert_eq!(included.position(), Some((5, 5)));
    assert_eq!(included.locate(r#"accounts["address:bob"].balance"#), Some((10, 37)));

    let own = &s.steps[1].origin;
    assert_eq!(*own.file, path);
    assert_eq!(own.json_path, "steps[1]");
    assert_eq!(own.index, 1);
    assert!(own.include_chain.is_empty());
    let e = own.error("accounts", "runner says no");
    assert_eq!((e.line, e.column, e.json_path.as_str()), (Some(12), Some(19), "steps[1].accounts"));
}

#[test]
fn defaults_and_value_positions() {
    let s = load_scenario(&data("values.scen.json")).unwrap();
    assert_eq!(s.name, "values");
    assert_eq!(s.executors, None);
    let Step::SetState(set) = &*s.steps[1].step else { panic!() };
    let (addr, acct) = &set.accounts[0];
    assert_eq!(addr.value, Address::with_last_byte(0xff));
    assert_eq!(acct.balance.as_ref().unwrap().value, U256::from(256));
    assert_eq!(acct.nonce, Some(7));
    assert_eq!(acct.code.as_ref().unwrap().source, CodeSource::Bytes(b"deadbeef".to_vec()));
    assert_eq!(acct.storage[1].1.value, word(&[0xff]));
    let Step::Call(call) = &*s.steps[2].step else { panic!() };
    assert!(matches!(&call.tx.args[0], AbiValue::Leaf(b) if *b.value == [0xff, 0xfe]));
    let Some(LogsExpect { entries, .. }) = &call.expect.as_ref().unwrap().logs else { panic!() };
    let LogExpect::Raw { topics: Some(topics), .. } = &entries[0] else { panic!() };
    assert_eq!(
        topics[0],
        Check::Exact(WordValue { original: "address:alice".into(), value: word(named("alice").as_slice()) })
    );
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn include_cycle_names_the_chain() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cycle");
    let a = write(&dir, "a.scen.json", r#"{"steps": [{"step": "externalSteps", "path": "sub/b.steps.json"}]}"#);
    write(&dir, "sub/b.steps.json", "{\"steps\": [\n  {\"step\": \"externalSteps\", \"path\": \"../a.scen.json\"}\n]}");
    let e = load_scenario(&a).unwrap_err();
    let b = dir.join("sub/b.steps.json");
    assert!(e.file.ends_with("sub/b.steps.json"), "{e}");
    assert_eq!((e.line, e.column, e.json_path.as_str()), (Some(2), Some(37), "steps[0].path"));
    assert_eq!(e.message, format!("externalSteps cycle: {} -> {} -> {}", a.display(), b.display(), a.display()));
    assert_eq!(e.include_chain, vec![a.clone()]);
    assert!(e.to_string().ends_with(&format!("(included from {})", a.display())));
}

#[test]
fn self_include_and_diamond() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diamond");
    let me = write(&dir, "me.scen.json", r#"{"steps": [{"step": "externalSteps", "path": "./me.scen.json"}]}"#);
    let e = load_scenario(&me).unwrap_err();
    assert!(e.message.starts_with("externalSteps cycle"), "{e}");
    // Including the same file twice (not a cycle) is fine.
    write(&dir, "x.steps.json", r#"{"steps": [{"step": "dumpState"}]}"#);
    let top = write(
        &dir,
        "top.scen.json",
        r#"{"steps": [{"step": "externalSteps", "path": "x.steps.json"}, {"step": "externalSteps", "path": "x.steps.json"}]}"#,
    );
    let s = load_scenario(&top).unwrap();
    assert_eq!(s.steps.len(), 2);
    assert_eq!(s.steps[1].origin.index, 1);
}

#[test]
fn error_in_included_file_reports_that_file() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nested-error");
    write(
        &dir,
        "inc/bad.steps.json",
        "{\"steps\": [{\"step\": \"transfer\", \"tx\": {\"from\": \"address:a\", \"to\": \"address:b\", \"value\": \"12a\"}}]}",
    );
    let top = write(&dir, "top.scen.json", r#"{"steps": [{"step": "externalSteps", "path": "inc/bad.steps.json"}]}"#);
    let e = load_scenario(&top).unwrap_err();
    assert!(e.file.ends_with("inc/bad.steps.json"));
    assert_eq!(e.json_path, "steps[0].tx.value");
    assert_eq!((e.line, e.column), (Some(1), Some(89)));
    assert!(e.message.contains("got `12a`"));
    assert_eq!(e.include_chain, vec![top]);
}

#[test]
fn load_from_text_uses_the_path_for_messages() {
    let e = load_scenario_str(
        Path::new("virtual/x.scen.json"),
        "{\"steps\": [\n  {\"step\": \"dumpState\", \"pth\": \"a\"}\n]}",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "virtual/x.scen.json:2:25: steps[0].pth: unknown field `pth`, expected one of `step`, `id`, `comment`, `path`"
    );
    let s = load_scenario_str(Path::new("virtual/y.scen.json"), r#"{"steps": []}"#).unwrap();
    assert_eq!((s.name.as_str(), s.steps.len()), ("y", 0));
}

#[test]
fn a_value_of_the_wrong_length_is_quoted_once() {
    // The value's text is taken from the raw step to be its `original`: the message still
    // quotes it, once.
    let text = r#"{"steps": [{"step": "transfer", "tx": {"from": "0x1234", "to": "address:bob", "value": "1"}}]}"#;
    let e = load_scenario_str(Path::new("t.scen.json"), text).unwrap_err();
    assert_eq!(e.json_path, "steps[0].tx.from");
    assert_eq!(
        e.message,
        "got 2 bytes from `0x1234`, expected an address of 20 bytes (`address:name` or 0x + 40 hex digits)"
    );
    let list =
        r#"{"steps": [{"step": "transfer", "tx": {"from": ["0x12", "0x34"], "to": "address:bob", "value": "1"}}]}"#;
    let e = load_scenario_str(Path::new("t.scen.json"), list).unwrap_err();
    assert_eq!(
        e.message,
        r#"got 2 bytes from `["0x12","0x34"]`, expected an address of 20 bytes (`address:name` or 0x + 40 hex digits)"#
    );
}

/// An address field reads `address:NAME` straight to its address; it must give what the
/// expression's bytes give, and the same error when it is not an address.
#[test]
fn an_address_field_gives_what_its_bytes_give() {
    let exprs = [
        "address:alice",
        "address:a.b-c_9",
        "address:twenty_characters_xx",
        "address:twenty_one_characters",
        "address:",
        "address:bad name",
        "address:é",
        "address:alice|0x",
        "address:abc|0x0102",
        "0x00000000000000000000000000000000000000ff",
        "str:twenty bytes long..",
    ];
    for expr in exprs {
        let text = format!(
            r#"{{"steps": [{{"step": "transfer", "tx": {{"from": "address:a", "to": "{expr}", "value": "1"}}}}]}}"#
        );
        let loaded = load_scenario_str(Path::new("t.scen.json"), &text);
        let by_bytes = BytesValue::interpret(expr, Path::new("."))
            .map_err(|e| e.to_string())
            .and_then(|b| AddressValue::from_bytes(b).map_err(|e| e.to_string()));
        match (loaded, by_bytes) {
            (Ok(s), Ok(want)) => {
                let Step::Transfer(t) = &*s.steps[0].step else { panic!("{expr}: not a transfer") };
                assert_eq!(t.tx.to, want, "{expr}");
            }
            (Err(e), Err(want)) => assert!(e.message.contains(&want), "{expr}: {} vs {want}", e.message),
            (loaded, by_bytes) => panic!("{expr}: loaded {loaded:?}, by its bytes {by_bytes:?}"),
        }
    }
}

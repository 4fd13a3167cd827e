//! Prepare: turn a loaded scenario into actions, surfacing every input error (bad signature,
//! argument that does not fit its type, missing artifact) with its file:line:column before
//! anything runs. `diorama check` stops here.

mod encoded;
mod expect;
mod meta;
mod state;

pub use expect::{ErrorCheck, Expectations, LogCheck, LogsCheck, OutCheck};
pub use meta::{StepMeta, code_name};
pub use state::{AccountSetup, CodeExpect, StateCheck, StateSetup};

use std::path::PathBuf;
use std::sync::Arc;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use scenario_format::{CodeSource, CodeValue, Origin, Scenario, Step, StepEntry};
use world_mock::{CodeKind, TxRequest};

use self::encoded::encoded_program;
use crate::abi::{Signature, encode_args, encode_call};
use crate::artifacts::Artifacts;
use crate::contracts::ContractCrate;
use crate::deployer::{self, DeployerCall};

/// An input error located in the scenario.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {json_path}: {message}")]
pub struct PrepareError {
    /// `file:line:column` (or just the file when the position is unknown).
    pub location: String,
    /// JSON path of the offending value.
    pub json_path: String,
    /// What was wrong and what was expected.
    pub message: String,
}

/// Which transaction a step sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxKind {
    /// `deploy`.
    Deploy,
    /// `call`.
    Call,
    /// `query`: executed, never committed.
    Query,
    /// `transfer`.
    Transfer,
}

/// A step ready to run.
#[derive(Clone, Debug)]
pub enum Action {
    /// `setState`.
    SetState(StateSetup),
    /// A transaction and what to check about it.
    Tx {
        /// Which step type sent it.
        kind: TxKind,
        /// The transaction.
        request: TxRequest,
        /// Its expectations.
        expect: Box<Expectations>,
        /// Activate the deployed program afterwards (`deploy` with `activate: true`).
        activate: bool,
        /// A Stylus deploy with a constructor, sent through the StylusDeployer.
        deployer: Option<Box<DeployerCall>>,
    },
    /// `checkState`.
    CheckState(StateCheck),
    /// `dumpState`.
    DumpState(Option<PathBuf>),
    /// `activate`: ArbWasm `activateProgram(program)`.
    Activate {
        /// The transaction (value filled with the data fee at run time when `None`).
        request: TxRequest,
        /// The program to activate.
        program: Address,
        /// Value sent; the data fee when omitted.
        value: Option<U256>,
        /// Its expectations (including the activation figures).
        expect: Box<Expectations>,
    },
}

/// A prepared step with where it came from.
#[derive(Clone, Debug)]
pub struct PreparedStep {
    /// Origin in the scenario files.
    pub origin: Origin,
    /// The step's id.
    pub id: Option<String>,
    /// The step type name.
    pub kind: &'static str,
    /// What to do.
    pub action: Action,
    /// Its function and code names (gas report, snapshots).
    pub meta: StepMeta,
}

/// A scenario ready to run.
#[derive(Clone, Debug)]
pub struct PreparedScenario {
    /// The scenario file.
    pub file: PathBuf,
    /// Its name.
    pub name: String,
    /// Its steps.
    pub steps: Vec<PreparedStep>,
    /// The scenario has Stylus code, so it runs with a Stylus executor.
    pub uses_stylus: bool,
    /// The `contract:NAME` programs, by code hash (each has a native form for `debugger`).
    pub contracts: Vec<PreparedContract>,
    /// The executors the scenario restricts itself to (`executors`), if it does.
    pub executors: Option<Vec<String>>,
    /// Custom errors known to the scenario (its artifacts' ABIs, its contracts' `sol!` errors,
    /// the error signatures it expects, the StylusDeployer's), to decode revert data with.
    pub errors: Vec<Arc<Signature>>,
    /// Functions known to the scenario (its steps' `function`s, its artifacts' ABIs, the
    /// StylusDeployer's), to decode calls in traces.
    pub functions: Vec<Arc<Signature>>,
    /// Why the scenario cannot run in this build (it is then reported as skipped).
    pub unsupported: Option<String>,
}

impl PreparedScenario {
    /// A scenario of `file` known by nothing else yet: no steps, no Stylus code, no signatures.
    pub(crate) fn without_steps(file: &std::path::Path) -> Self {
        PreparedScenario {
            file: file.to_path_buf(),
            name: String::new(),
            steps: Vec::new(),
            uses_stylus: false,
            contracts: Vec::new(),
            executors: None,
            errors: Vec::new(),
            functions: Vec::new(),
            unsupported: None,
        }
    }
}

/// A `contract:NAME` program of a scenario.
#[derive(Clone, Debug)]
pub struct PreparedContract {
    /// The crate it is built from.
    pub krate: ContractCrate,
    /// Code hash of its on-chain code (what the world routes to its native form).
    pub codehash: B256,
    /// Where the scenario first names it (`file:line:column`), for build errors.
    pub location: String,
    /// The JSON path there.
    pub json_path: String,
}

/// Stylus executors this build has.
pub const AVAILABLE_EXECUTORS: &[&str] = &["wasmer", "debugger"];

/// Prepares every step of a scenario.
pub fn prepare(scenario: Scenario, artifacts: &Artifacts) -> Result<PreparedScenario, PrepareError> {
    let mut preparer = Preparer::new(artifacts);
    let mut header = scenario;
    // Each step of the model is dropped once prepared, so that a large file's model and its
    // prepared steps are not both whole in memory.
    let entries = std::mem::take(&mut header.steps);
    let mut steps = Vec::with_capacity(entries.len());
    for entry in entries {
        steps.push(preparer.step(entry)?);
    }
    Ok(preparer.finish(header, steps))
}

/// Prepares a scenario's steps one at a time, in order (a streamed run never holds them all);
/// [`Preparer::finish`] adds what the whole scenario needs.
#[derive(Debug)]
pub struct Preparer<'a> {
    artifacts: &'a Artifacts,
    needs: Needs,
    signatures: Signatures,
}

impl<'a> Preparer<'a> {
    /// A preparer of one scenario's steps.
    pub fn new(artifacts: &'a Artifacts) -> Self {
        Preparer { artifacts, needs: Needs::default(), signatures: Signatures::default() }
    }

    /// Prepares the next step.
    pub fn step(&mut self, mut entry: StepEntry) -> Result<PreparedStep, PrepareError> {
        let cx = StepCx { origin: &entry.origin, artifacts: self.artifacts, signatures: &self.signatures };
        // A call's function, looked up once for its calldata, its expectations and its name.
        let function = match &*entry.step {
            Step::Call(call) | Step::Query(call) => {
                call.tx.function.as_deref().map(|f| cx.signature(f, "tx.function")).transpose()?
            }
            _ => None,
        };
        let (kind, action) = prepare_step(&cx, &mut entry.step, function.as_ref(), &mut self.needs)?;
        let meta = meta::step_meta(&mut entry.step, function.as_deref());
        Ok(PreparedStep { origin: entry.origin, id: entry.id, kind, action, meta })
    }

    /// Whether the steps so far run alike on every configuration that could be planned for
    /// them: nothing unsupported, and no program with a native form (`contract:NAME`), which
    /// the debugger would run. Stylus code without one runs on Wasmer wherever it runs.
    pub(crate) fn one_configuration(&self) -> bool {
        self.needs.contracts.is_empty() && self.needs.unsupported.is_none()
    }

    /// The prepared scenario of `header` (its own steps are not used) with `steps`.
    pub fn finish(self, header: Scenario, steps: Vec<PreparedStep>) -> PreparedScenario {
        let Preparer { mut needs, signatures, .. } = self;
        // A scenario restricted to executors this build lacks is skipped, not run on another one.
        if needs.stylus
            && let Some(allowed) = &header.executors
            && !allowed.iter().any(|e| AVAILABLE_EXECUTORS.contains(&e.as_str()))
        {
            needs.unsupported.get_or_insert_with(|| {
                format!(
                    "restricted to executors [{}]; this build has [{}]",
                    allowed.join(", "),
                    AVAILABLE_EXECUTORS.join(", ")
                )
            });
        }
        PreparedScenario {
            file: header.file,
            name: header.name,
            steps,
            uses_stylus: needs.stylus,
            contracts: needs.contracts,
            executors: header.executors,
            errors: known_errors(&signatures, &needs.errors),
            functions: known_functions(&signatures, &needs.functions),
            unsupported: needs.unsupported,
        }
    }
}

/// What a scenario needs from the build.
#[derive(Debug, Default)]
pub(crate) struct Needs {
    /// Stylus code appears.
    pub(crate) stylus: bool,
    /// Something this build cannot provide.
    pub(crate) unsupported: Option<String>,
    /// `contract:NAME` programs met so far.
    pub(crate) contracts: Vec<PreparedContract>,
    /// Custom error signatures from the ABIs and contract sources the scenario uses.
    pub(crate) errors: Vec<Arc<Signature>>,
    /// Function signatures (`name(types)(returns)`) from the ABIs the scenario uses.
    pub(crate) functions: Vec<Arc<Signature>>,
}

/// Parsed signatures by their text (suites repeat the same few signatures many times), and the
/// custom errors the scenario's expectations name.
#[derive(Debug, Default)]
pub(crate) struct Signatures {
    parsed: std::cell::RefCell<foldhash::HashMap<String, Arc<Signature>>>,
    pub(crate) errors: std::cell::RefCell<Vec<Arc<Signature>>>,
    pub(crate) functions: std::cell::RefCell<Vec<Arc<Signature>>>,
}

impl Signatures {
    /// Parses a signature, once per text (a suite repeats a few thousands of times).
    pub(crate) fn parse(&self, text: &str) -> Result<Arc<Signature>, String> {
        if let Some(found) = self.parsed.borrow().get(text) {
            return Ok(found.clone());
        }
        let sig = Arc::new(Signature::parse(text)?);
        self.parsed.borrow_mut().insert(text.to_string(), sig.clone());
        Ok(sig)
    }
}

/// Context for locating errors within one step.
pub(crate) struct StepCx<'a> {
    pub(crate) origin: &'a Origin,
    pub(crate) artifacts: &'a Artifacts,
    pub(crate) signatures: &'a Signatures,
}

impl StepCx<'_> {
    /// Parses a signature (cached); errors are located at `sub_path`.
    pub(crate) fn signature(&self, text: &str, sub_path: &str) -> Result<Arc<Signature>, PrepareError> {
        self.signatures.parse(text).map_err(|e| self.error(sub_path, e))
    }

    /// An error at `sub_path` inside this step (`tx.args[1]`).
    pub(crate) fn error(&self, sub_path: &str, message: impl Into<String>) -> PrepareError {
        let json_path = if sub_path.is_empty() {
            self.origin.json_path.clone()
        } else {
            format!("{}.{sub_path}", self.origin.json_path)
        };
        let file = self.origin.file.display();
        let location = match self.origin.locate(sub_path) {
            Some((line, column)) => format!("{file}:{line}:{column}"),
            None => file.to_string(),
        };
        PrepareError { location, json_path, message: message.into() }
    }

    /// Resolves code for an account (`runtime`) or for a deploy (init code).
    pub(crate) fn code(
        &self,
        code: &CodeValue,
        sub_path: &str,
        runtime: bool,
        needs: &mut Needs,
    ) -> Result<Vec<u8>, PrepareError> {
        match &code.source {
            CodeSource::Bytes(bytes) if CodeKind::of(bytes) == CodeKind::Stylus => {
                // Stylus code written out (as dumpState writes it): runs on a Stylus executor,
                // and a deploy wraps it in init code that returns it.
                needs.stylus = true;
                Ok(if runtime { bytes.clone() } else { world_mock::deployment_code(bytes) })
            }
            CodeSource::Bytes(bytes) => Ok(bytes.clone()),
            CodeSource::Evm(path) => {
                let artifact = self.artifacts.load(path).map_err(|e| self.error(sub_path, e.0))?;
                needs.errors.extend(artifact.errors.iter().cloned());
                needs.functions.extend(artifact.functions.iter().cloned());
                if runtime {
                    let deployed = artifact.deployed.ok_or_else(|| {
                        self.error(sub_path, "this artifact has no `deployedBytecode`; setState needs runtime code")
                    })?;
                    Ok(deployed.to_vec())
                } else {
                    Ok(artifact.bytecode.to_vec())
                }
            }
            CodeSource::Wasm(path) => {
                needs.stylus = true;
                let wasm = scenario_format::input::read_bounded(
                    path,
                    scenario_format::input::MAX_DATA_BYTES,
                    "a `wasm:` program",
                )
                .map_err(|e| self.error(sub_path, e.to_string()))?;
                let program = encoded_program(&wasm);
                if runtime { Ok(program) } else { Ok(world_mock::deployment_code(&program)) }
            }
            CodeSource::Contract(name) => {
                needs.stylus = true;
                let contracts = self.artifacts.contracts();
                let folder = self.origin.file.parent().unwrap_or(std::path::Path::new(""));
                let krate = contracts.resolve(name, folder).map_err(|e| self.error(sub_path, e.to_string()))?;
                needs.errors.extend(Signature::parse_each(crate::contracts::declared_errors(&krate)));
                let built = contracts.wasm(&krate).map_err(|e| self.error(sub_path, e.to_string()))?;
                let program = encoded_program(&built.wasm);
                let codehash = keccak256(&program);
                if !needs.contracts.iter().any(|c| c.codehash == codehash) {
                    let located = self.error(sub_path, "");
                    needs.contracts.push(PreparedContract {
                        krate,
                        codehash,
                        location: located.location,
                        json_path: located.json_path,
                    });
                }
                Ok(if runtime { program } else { world_mock::deployment_code(&program) })
            }
        }
    }
}

/// Prepares `step`, taking its expectations (the step is dropped afterwards); `function` is a
/// call's, already looked up.
fn prepare_step(
    cx: &StepCx<'_>,
    step: &mut Step,
    function: Option<&Arc<Signature>>,
    needs: &mut Needs,
) -> Result<(&'static str, Action), PrepareError> {
    let query = matches!(step, Step::Query(_));
    Ok(match step {
        Step::SetState(set) => ("setState", Action::SetState(state::prepare_set_state(cx, set, needs)?)),
        Step::Deploy(deploy) => {
            let tx = &deploy.tx;
            let mut data = cx.code(&tx.code, "tx.code", false, needs)?;
            let value = tx.value.as_ref().map_or(U256::ZERO, |v| v.value);
            if tx.activate && !is_stylus(&tx.code) {
                return Err(
                    cx.error("tx.activate", "`activate` applies to Stylus code; this deploy's code is EVM bytecode")
                );
            }
            let mut to = None;
            let mut deployer = None;
            if let Some(constructor) = &tx.constructor {
                let sig = cx.signature(constructor, "tx.constructor")?;
                let args = encode_args(&sig, &tx.args).map_err(|e| cx.error("tx.args", e))?;
                if is_stylus(&tx.code) {
                    // As `cargo stylus deploy` does: through the StylusDeployer, which activates.
                    if tx.activate {
                        return Err(cx.error(
                            "tx.activate",
                            "a Stylus deploy with a `constructor` goes through the StylusDeployer, which activates \
                             the program and pays its data fee in the same transaction; remove `activate`",
                        ));
                    }
                    let program = cx.code(&tx.code, "tx.code", true, needs)?;
                    let init_data = [&deployer::constructor_selector()[..], &args].concat();
                    data = deployer::deploy_calldata(&data, &init_data, value, B256::ZERO).to_vec();
                    to = Some(deployer::STYLUS_DEPLOYER);
                    deployer = Some(Box::new(deployer::DeployerCall { program, init_value: value }));
                } else {
                    data.extend(args);
                }
            } else if !tx.args.is_empty() {
                return Err(cx.error("tx.args", "`args` needs a `constructor` signature"));
            }
            let request = TxRequest {
                from: tx.from.value,
                to,
                data: Bytes::from(data),
                value,
                gas_limit: tx.gas_limit,
                gas_price: gas_price(cx, tx.gas_price.as_ref().map(|v| v.value), "tx.gasPrice")?,
            };
            let expect = expect::prepare(cx, deploy.expect.take(), None)?;
            let action =
                Action::Tx { kind: TxKind::Deploy, request, expect: Box::new(expect), activate: tx.activate, deployer };
            ("deploy", action)
        }
        Step::Call(call) | Step::Query(call) => {
            let tx = &call.tx;
            let data = match (function, &tx.data) {
                (Some(sig), _) => {
                    if !cx.signatures.functions.borrow().iter().any(|f| f.selector() == sig.selector()) {
                        cx.signatures.functions.borrow_mut().push(sig.clone());
                    }
                    encode_call(sig, &tx.args).map_err(|e| cx.error("tx.args", e))?
                }
                (None, Some(data)) => data.value.to_vec(),
                (None, None) => Vec::new(),
            };
            let request = TxRequest {
                from: tx.from.as_ref().map_or(Address::ZERO, |f| f.value),
                to: Some(tx.to.value),
                data: Bytes::from(data),
                value: tx.value.as_ref().map_or(U256::ZERO, |v| v.value),
                gas_limit: tx.gas_limit,
                gas_price: gas_price(cx, tx.gas_price.as_ref().map(|v| v.value), "tx.gasPrice")?,
            };
            let expect = expect::prepare(cx, call.expect.take(), function.map(|f| &**f))?;
            let kind = if query { TxKind::Query } else { TxKind::Call };
            (
                if query { "query" } else { "call" },
                Action::Tx { kind, request, expect: Box::new(expect), activate: false, deployer: None },
            )
        }
        Step::Transfer(transfer) => {
            let tx = &transfer.tx;
            let request =
                TxRequest { from: tx.from.value, to: Some(tx.to.value), value: tx.value.value, ..TxRequest::default() };
            let expect = expect::prepare(cx, transfer.expect.take(), None)?;
            let action = Action::Tx {
                kind: TxKind::Transfer,
                request,
                expect: Box::new(expect),
                activate: false,
                deployer: None,
            };
            ("transfer", action)
        }
        Step::Activate(activate) => {
            needs.stylus = true;
            let tx = &activate.tx;
            let mut data = world_mock::stylus::selector("activateProgram(address)").to_vec();
            data.extend_from_slice(&tx.program.value.into_word().0);
            let request = TxRequest {
                from: tx.from.value,
                to: Some(world_mock::stylus::ARBWASM),
                data: Bytes::from(data),
                value: U256::ZERO,
                gas_limit: tx.gas_limit,
                gas_price: 0,
            };
            let expect = expect::prepare(cx, activate.expect.take(), None)?;
            let value = tx.value.as_ref().map(|v| v.value);
            ("activate", Action::Activate { request, program: tx.program.value, value, expect: Box::new(expect) })
        }
        Step::CheckState(check) => ("checkState", Action::CheckState(state::prepare_check_state(cx, check, needs)?)),
        Step::DumpState(dump) => ("dumpState", Action::DumpState(dump.path.clone())),
    })
}

/// The scenario's known custom errors, one per selector: those its expectations name first,
/// then those of its ABIs and contracts, then the StylusDeployer's.
fn known_errors(signatures: &Signatures, declared: &[Arc<Signature>]) -> Vec<Arc<Signature>> {
    one_per_selector(&signatures.errors.borrow(), declared, deployer::errors())
}

/// The scenario's known functions, one per selector: its steps' first, then its ABIs'.
fn known_functions(signatures: &Signatures, declared: &[Arc<Signature>]) -> Vec<Arc<Signature>> {
    one_per_selector(&signatures.functions.borrow(), declared, deployer::functions())
}

/// `first`, then those of `declared` and `last` whose selector is not known yet.
fn one_per_selector(
    first: &[Arc<Signature>],
    declared: &[Arc<Signature>],
    last: &[Arc<Signature>],
) -> Vec<Arc<Signature>> {
    let mut known = first.to_vec();
    for sig in declared.iter().chain(last) {
        if !known.iter().any(|k| k.selector() == sig.selector()) {
            known.push(Arc::clone(sig));
        }
    }
    known
}

/// Whether `code` is Stylus code (then a `constructor` goes through the StylusDeployer).
fn is_stylus(code: &CodeValue) -> bool {
    match &code.source {
        CodeSource::Wasm(_) | CodeSource::Contract(_) => true,
        CodeSource::Bytes(bytes) => CodeKind::of(bytes) == CodeKind::Stylus,
        CodeSource::Evm(_) => false,
    }
}

fn gas_price(cx: &StepCx<'_>, price: Option<U256>, path: &str) -> Result<u128, PrepareError> {
    price.map_or(Ok(0), |p| u128::try_from(p).map_err(|_| cx.error(path, "gas price does not fit 128 bits")))
}

//! Ink profiles (`diorama run --ink-profile DIR`): where a scenario's ink went, as folded stacks
//! (`step;frame;function;… ink`), an SVG flamegraph (inferno) and a table of the costliest
//! functions. Stylus frames are profiled by the Wasmer executor's function events (which change
//! no figure); EVM and precompile frames appear by contract and function, their gas times the
//! ink price, so one flame shows a whole cross-VM transaction.

mod fold;
mod names;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use alloy_primitives::{Address, B256, keccak256};
use serde::Serialize;
use world_mock::{CallTrace, World};

pub(crate) use fold::Folder;
pub use names::{FunctionNames, same_program};

use crate::report::{Decoder, ScenarioReport};

/// Unstripped twins of `contract:` modules, by the Keccak-256 of the deployed (stripped) WASM.
pub type NamedTwins = HashMap<B256, Arc<Vec<u8>>>;

/// The stacks of one scenario run, being collected.
#[derive(Clone, Debug, Default)]
pub struct Stacks {
    stacks: BTreeMap<Vec<String>, u64>,
    calls: BTreeMap<String, u64>,
}

impl Stacks {
    fn add(&mut self, stack: &[String], ink: u64) {
        if ink > 0 {
            let entry = self.stacks.entry(stack.to_vec()).or_default();
            *entry = entry.saturating_add(ink);
        }
    }

    fn call(&mut self, label: String, calls: u64) {
        *self.calls.entry(label).or_default() += calls;
    }

    /// The profile: stacks, and the functions by self ink. The first level of every stack is
    /// the step, which the table leaves out.
    pub fn finish(self) -> InkProfile {
        let mut costs: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for (stack, ink) in &self.stacks {
            let Some((leaf, _)) = stack.split_last() else { continue };
            let distinct: BTreeSet<&str> = stack.iter().skip(1).map(String::as_str).collect();
            for label in distinct {
                costs.entry(label).or_default().1 += ink;
            }
            if stack.len() > 1 {
                costs.entry(leaf.as_str()).or_default().0 += ink;
            }
        }
        let mut functions: Vec<FunctionCost> = costs
            .into_iter()
            .map(|(name, (self_ink, inclusive_ink))| FunctionCost {
                name: name.to_string(),
                calls: self.calls.get(name).copied().unwrap_or(0),
                self_ink,
                inclusive_ink,
            })
            .collect();
        functions.sort_by(|a, b| b.self_ink.cmp(&a.self_ink).then(b.inclusive_ink.cmp(&a.inclusive_ink)));
        let folded: Vec<(String, u64)> = self
            .stacks
            .into_iter()
            .map(|(stack, ink)| (stack.iter().map(|l| clean(l)).collect::<Vec<_>>().join(";"), ink))
            .collect();
        let total_ink = folded.iter().map(|(_, ink)| *ink).sum();
        InkProfile { total_ink, functions, folded }
    }
}

/// A label as one level of a folded stack (`;` separates levels).
fn clean(label: &str) -> String {
    label.replace(';', ",").replace(['\n', '\r'], " ")
}

/// Where a scenario run's ink went.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InkProfile {
    /// All the ink in the stacks: the Stylus transactions' ink, plus EVM-only transactions' gas
    /// as ink.
    pub total_ink: u64,
    /// Functions (and frames, hostios) by self ink, costliest first.
    pub functions: Vec<FunctionCost>,
    /// Folded stacks, sorted.
    #[serde(skip)]
    pub folded: Vec<(String, u64)>,
}

/// One line of the profile's table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCost {
    /// The function (`compute::Compute::sieve`), hostio (`vm_hooks::storage_load_bytes32`) or
    /// frame (`address:counter::increment() [evm]`).
    pub name: String,
    /// Times it was entered (frames: times they ran).
    pub calls: u64,
    /// Ink spent in it, not in what it called.
    pub self_ink: u64,
    /// Ink spent in it and what it called.
    pub inclusive_ink: u64,
}

impl InkProfile {
    /// The folded stacks, one `a;b;c ink` line each (inferno's and flamegraph.pl's input).
    pub fn folded_text(&self) -> String {
        self.folded.iter().map(|(stack, ink)| format!("{stack} {ink}\n")).collect()
    }

    /// An SVG flamegraph of the stacks.
    pub fn svg(&self, title: &str) -> std::io::Result<Vec<u8>> {
        let mut options = inferno::flamegraph::Options::default();
        options.title = title.to_string();
        options.count_name = "ink".to_string();
        options.deterministic = true;
        let text = self.folded_text();
        let mut svg = Vec::new();
        inferno::flamegraph::from_lines(&mut options, text.lines(), &mut svg)?;
        Ok(svg)
    }

    /// The `top` costliest functions as a table (function, calls, self ink, inclusive ink, share
    /// of the total).
    pub fn table(&self, top: usize) -> String {
        let mut out = format!("{:>14} {:>14} {:>7} {:>8}  function\n", "self ink", "inclusive ink", "share", "calls");
        for f in self.functions.iter().take(top) {
            let share = if self.total_ink == 0 { 0.0 } else { 100.0 * f.self_ink as f64 / self.total_ink as f64 };
            let _ =
                writeln!(out, "{:>14} {:>14} {share:>6.2}% {:>8}  {}", f.self_ink, f.inclusive_ink, f.calls, f.name);
        }
        out
    }
}

/// Collects the profile of one scenario run: folds each traced transaction, naming functions
/// from the programs' name sections or their twins.
pub(crate) struct Profiling {
    pub(crate) stacks: Stacks,
    twins: Arc<NamedTwins>,
    names: HashMap<B256, Arc<FunctionNames>>,
}

impl Profiling {
    pub(crate) fn new(twins: Arc<NamedTwins>) -> Self {
        Self { stacks: Stacks::default(), twins, names: HashMap::new() }
    }

    /// Adds a transaction under the step label `root`.
    pub(crate) fn add(&mut self, world: &World, trace: &CallTrace, decoder: Decoder<'_>, root: String) {
        let ink_price = u64::from(world.stylus_params().ink_price.max(1));
        let mut stacks = std::mem::take(&mut self.stacks);
        let names = |address: Address| self.names_at(world, address);
        Folder { trace, decoder, names, ink_price }.fold(root, &mut stacks);
        self.stacks = stacks;
    }

    /// The function names of the program at `address`.
    fn names_at(&mut self, world: &World, address: Address) -> Arc<FunctionNames> {
        let code = world.state().account(&address).map(|a| a.code_bytes().to_vec()).unwrap_or_default();
        let codehash = keccak256(&code);
        if let Some(names) = self.names.get(&codehash) {
            return names.clone();
        }
        let wasm = world_mock::stylus::decode_program(&code, usize::MAX).unwrap_or_default();
        let names = match self.twins.get(&keccak256(&wasm)) {
            Some(twin) if same_program(&wasm, twin) => FunctionNames::of(twin),
            _ => FunctionNames::of(&wasm),
        };
        let names = Arc::new(names);
        self.names.insert(codehash, names.clone());
        names
    }
}

/// Writes each profiled scenario run's folded stacks and flamegraph into `dir`, named after the
/// scenario file and executor (`stylus__contracts.wasmer.folded`, `.svg`); returns the files.
pub fn write_profiles(dir: &Path, reports: &[ScenarioReport]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for report in reports {
        let Some(profile) = &report.profile else { continue };
        let stem = file_stem(&report.file, &report.executor);
        let folded = dir.join(format!("{stem}.folded"));
        crate::atomic::write(&folded, profile.folded_text().as_bytes())?;
        let svg = dir.join(format!("{stem}.svg"));
        let title = format!("{} [{}]: {} ink", report.file.display(), report.executor, profile.total_ink);
        let bytes = profile.svg(&title)?;
        crate::atomic::write(&svg, &bytes)?;
        written.extend([folded, svg]);
    }
    Ok(written)
}

/// A file name for a scenario run: its path with separators as `__`, and the executor.
fn file_stem(file: &Path, executor: &str) -> String {
    let path = file.with_extension("").with_extension("");
    let text: String = path
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("__");
    let text: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    format!("{text}.{executor}")
}

#[cfg(test)]
mod tests {
    use super::{Stacks, file_stem};

    #[test]
    fn the_table_counts_self_and_inclusive_ink_once_per_stack() {
        let mut stacks = Stacks::default();
        let s = |labels: &[&str]| labels.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        stacks.add(&s(&["#1", "frame", "f", "g"]), 70);
        stacks.add(&s(&["#1", "frame", "f", "f"]), 20); // recursion counts f once
        stacks.add(&s(&["#2", "frame", "f"]), 10);
        stacks.call("f".into(), 3);
        let profile = stacks.finish();
        assert_eq!(profile.total_ink, 100);
        let f = profile.functions.iter().find(|f| f.name == "f").unwrap();
        assert_eq!((f.calls, f.self_ink, f.inclusive_ink), (3, 30, 100));
        assert_eq!(profile.functions[0].name, "g");
        assert!(!profile.functions.iter().any(|f| f.name.starts_with('#')), "steps are not functions");
        assert_eq!(profile.folded_text().lines().next(), Some("#1;frame;f;f 20"));
    }

    #[test]
    fn file_names_keep_the_path() {
        let stem = file_stem(std::path::Path::new("./fixtures/profiles/compute.scen.json"), "wasmer");
        assert_eq!(stem, "fixtures__profiles__compute.wasmer");
    }
}

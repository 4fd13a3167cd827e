//! Loading a scenario: read, parse strictly, flatten `externalSteps` (with cycle detection)
//! and interpret every value.

use crate::error::FormatError;
use crate::interp::{Ctx, interpret_step};
use crate::model::{Origin, Quotes, Scenario, Step, StepEntry};
use crate::path::{At, join_index, join_key};
use crate::raw::{
    RawError, ReadyRaw, ScenarioRaw, StepRaw, Text, TopError, check_structure, parse_step, parse_top, parse_top_each,
};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The Stylus executors a scenario may restrict itself to with `executors`.
pub const EXECUTORS: &[&str] = &["wasmer", "debugger"];

/// Reads and loads a scenario file; see [`load_scenario_str`] and [`read_scenario_text`].
pub fn load_scenario(path: &Path) -> Result<Scenario, FormatError> {
    let text = read_scenario_text(path)?;
    // The text becomes the shared source without a copy, so a large file is never held twice.
    load_source(path, Arc::new(text))
}

/// Reads a scenario or steps file: a regular file of at most
/// [`MAX_SCENARIO_BYTES`](crate::input::MAX_SCENARIO_BYTES), in UTF-8. Bytes that are not UTF-8
/// are an error at their line and column (the column counts the characters before them).
pub fn read_scenario_text(path: &Path) -> Result<String, FormatError> {
    let bytes = crate::input::read_bounded(path, crate::input::MAX_SCENARIO_BYTES, "a scenario file")
        .map_err(|e| FormatError::with_position(path, None, "", e.reason()))?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        // Everything before `at` is valid UTF-8.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let position = crate::locate::line_col(before, at);
        let shown: Vec<String> = bytes[at..].iter().take(4).map(|b| format!("{b:02x}")).collect();
        let message = format!(
            "invalid UTF-8 at byte offset {at} (bytes {}), expected UTF-8 text: a scenario is a JSON file",
            shown.join(" ")
        );
        FormatError::with_position(path, Some(position), "", message)
    })
}

/// Loads a scenario from its text: parses it strictly, replaces each `externalSteps` by the
/// steps of the named file (recursively; a cycle is an error showing the chain) and interprets
/// every value. `path` is used in messages, for the default name and to resolve relative files.
pub fn load_scenario_str(path: &Path, text: &str) -> Result<Scenario, FormatError> {
    load_source(path, Arc::new(text.to_owned()))
}

fn load_source(path: &Path, source: Arc<String>) -> Result<Scenario, FormatError> {
    let mut loader = Loader::new(Sink::Keep(Vec::new()), None);
    let raw = loader.load_file(path, source, &[])?;
    let steps = match loader.sink {
        Sink::Keep(steps) => steps,
        Sink::Visit(_) => Vec::new(),
    };
    Ok(scenario_of(path, raw, steps))
}

/// How many steps [`visit_scenario`] interprets at a time (in parallel).
const VISIT_CHUNK: usize = 4096;

/// Loads a scenario file as [`load_scenario`] does, but hands each step to `visit`, in order,
/// instead of keeping it: a large file's steps are never all in memory (the scenario returned
/// has no steps). Every step is parsed before the first is handed on, so a syntax error
/// anywhere is found first, as when loading; after another error, the steps handed on so far
/// (those before it) were valid.
pub fn visit_scenario(path: &Path, visit: &mut dyn FnMut(StepEntry)) -> Result<Scenario, FormatError> {
    let text = read_scenario_text(path)?;
    let mut visit_all = |entry| {
        visit(entry);
        ControlFlow::Continue(())
    };
    let raw = Loader::new(Sink::Visit(&mut visit_all), Some(VISIT_CHUNK)).load_file(path, Arc::new(text), &[])?;
    Ok(scenario_of(path, raw, Vec::new()))
}

/// Loads a scenario file as [`visit_scenario`] does, but hands the steps on as they are parsed
/// and interpreted, a few at a time, before the rest of the file is (its duplicate keys and
/// `null`s are found in the same pass): steps can be used while the file is still being read.
/// On an error, the steps handed on may belong to an invalid file, and the error, though an
/// error of the file, may not be the one [`load_scenario`] reports first (when the file has
/// several): load it for that. When this succeeds, loading succeeds with the same steps.
///
/// `visit` may stop the reading after any step (`Break`): the rest of the file is not read, and
/// the result is `Break`, neither the header nor an error. The steps keep `quotes` of their text
/// (errors are worded alike either way).
pub fn visit_scenario_early(
    path: &Path,
    quotes: Quotes,
    visit: &mut dyn FnMut(StepEntry) -> ControlFlow<()>,
) -> Result<ControlFlow<(), Scenario>, FormatError> {
    let text = read_scenario_text(path)?;
    let mut loader = Loader::new(Sink::Visit(visit), None);
    (loader.early, loader.quotes) = (true, quotes);
    match loader.load_file(path, Arc::new(text), &[]) {
        Ok(raw) => Ok(ControlFlow::Continue(scenario_of(path, raw, Vec::new()))),
        Err(_) if loader.stopped => Ok(ControlFlow::Break(())),
        Err(e) => Err(e),
    }
}

fn scenario_of(path: &Path, raw: ScenarioRaw, steps: Vec<StepEntry>) -> Scenario {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = file_name.strip_suffix(".scen.json").or_else(|| file_name.strip_suffix(".json")).unwrap_or(&file_name);
    Scenario {
        name: raw.name.map_or_else(|| stem.to_owned(), |t| t.0),
        comment: raw.comment.map(|t| t.0),
        executors: raw.executors.map(|list| list.into_iter().map(|t| t.0).collect()),
        file: path.to_path_buf(),
        steps,
    }
}

/// Where a loader's steps go, in order.
enum Sink<'s> {
    /// Kept in a list (loading).
    Keep(Vec<StepEntry>),
    /// Handed to a visitor (visiting), which may stop the loading.
    Visit(&'s mut dyn FnMut(StepEntry) -> ControlFlow<()>),
}

impl Sink<'_> {
    fn push(&mut self, entry: StepEntry) -> ControlFlow<()> {
        match self {
            Sink::Keep(steps) => {
                steps.push(entry);
                ControlFlow::Continue(())
            }
            Sink::Visit(visit) => visit(entry),
        }
    }

    /// Room for `count` more steps (a large list is not grown by copies).
    fn reserve(&mut self, count: usize) {
        if let Sink::Keep(steps) = self {
            steps.reserve(count);
        }
    }
}

/// Steps parsed before they are interpreted and handed on, when visiting early. Parsing a run of
/// steps and then interpreting it keeps each phase's code in the instruction cache from one step
/// to the next: measured, 290 fewer instruction-cache misses per ERC-20 transfer, 2 % of its
/// time. (Starting with shorter runs, so that the first step goes sooner, measured slower.)
const READ_AHEAD: usize = 16;

struct Loader<'s> {
    /// Identities of the files being loaded, outermost first, with their display paths.
    stack: Vec<(PathBuf, PathBuf)>,
    sink: Sink<'s>,
    /// Steps handed to `sink` so far.
    count: usize,
    /// Interpret (and hand on) this many steps at a time; `None`: a file's steps all at once.
    chunk: Option<usize>,
    /// Hand the steps on as they are read ([`visit_scenario_early`]).
    early: bool,
    /// What the steps handed on keep of their text.
    quotes: Quotes,
    /// The visitor stopped the loading: the error that ended it only unwinds it.
    stopped: bool,
}

impl<'s> Loader<'s> {
    fn new(sink: Sink<'s>, chunk: Option<usize>) -> Self {
        Loader { stack: Vec::new(), sink, count: 0, chunk, early: false, quotes: Quotes::Kept, stopped: false }
    }

    fn load_file(&mut self, file: &Path, source: Arc<String>, chain: &[PathBuf]) -> Result<ScenarioRaw, FormatError> {
        self.stack.push((identity(file), file.to_path_buf()));
        let result = self.load_file_inner(file, &source, chain);
        self.stack.pop();
        result.map_err(|mut e| {
            if e.file == file && e.include_chain.is_empty() {
                e.include_chain = chain.to_vec();
            }
            e
        })
    }

    fn load_file_inner(
        &mut self,
        file: &Path,
        source: &Arc<String>,
        chain: &[PathBuf],
    ) -> Result<ScenarioRaw, FormatError> {
        let base_dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
        let ctx = Ctx { file, source, base_dir: &base_dir };
        if self.early {
            return self.load_early(&ctx, source, chain);
        }
        let raw_err = |e| raw_error(file, source, e);
        let top = parse_top(source).map_err(raw_err)?;
        let count = top.len();
        let chunk = self.chunk.unwrap_or(count).max(1);
        // Each raw step is interpreted as soon as it is parsed and dropped then, so the raw steps
        // of a large file are never all in memory, beside its model. Steps interpret
        // independently (in parallel for large files); includes, ids and the order of errors are
        // handled below, one step after the other.
        let interpret = |i: usize, step: StepRaw| pending_step(&ctx, i, step);
        // The duplicate-key scan reads the whole text; it runs beside the step parsing. Its
        // errors come first, then the first step that does not parse, then the rest in order.
        let mut whole = if count > chunk {
            // A chunk at a time: every step is parsed once beforehand, only for its errors.
            let (structure, parsed) = rayon::join(|| check_structure(source), || top.steps(0..count, |_, _| ()));
            structure.and(parsed).map_err(raw_err)?;
            None
        } else {
            let (structure, pending) = rayon::join(|| check_structure(source), || top.steps(0..count, interpret));
            structure.map_err(raw_err)?;
            Some(pending.map_err(raw_err)?)
        };
        check_top_level(&ctx, &top.raw)?;
        let place = Place::new(&ctx, source, chain);
        let positions = crate::locate::offsets_to_positions(source, &top.raw.step_offsets);
        let mut ids: HashMap<String, usize> = HashMap::new();
        self.sink.reserve(count);
        for start in (0..count).step_by(chunk) {
            let pending = match whole.take() {
                Some(pending) => pending,
                None => top.steps(start..count.min(start + chunk), interpret).map_err(raw_err)?,
            };
            for (i, pending) in (start..).zip(pending) {
                self.place(&place, &mut ids, i, positions.get(i).copied(), pending)?;
            }
        }
        Ok(top.raw)
    }

    /// [`Loader::load_file_inner`] for [`visit_scenario_early`]: the steps parsed a few at a
    /// time ([`READ_AHEAD`]), then interpreted and handed on in order, the duplicate keys and
    /// `null`s found in the same pass.
    fn load_early(
        &mut self,
        ctx: &Ctx<'_>,
        source: &Arc<String>,
        chain: &[PathBuf],
    ) -> Result<ScenarioRaw, FormatError> {
        let file = ctx.file;
        let raw_err = |e| raw_error(file, source, e);
        let place = Place::new(ctx, source, chain);
        let mut positions = crate::locate::Positions::new(source);
        let mut ids: HashMap<String, usize> = HashMap::new();
        // Steps read and not yet handed on: their index, offset and raw step.
        let mut read: Vec<(usize, usize, StepRaw)> = Vec::with_capacity(READ_AHEAD);
        let mut hand_on = |read: &mut Vec<(usize, usize, StepRaw)>, this: &mut Self| {
            read.drain(..).try_for_each(|(i, offset, step)| {
                let pending = pending_step(ctx, i, step);
                this.place(&place, &mut ids, i, Some(positions.at(offset)), pending)
            })
        };
        let raw = parse_top_each(source, self.quotes, &mut |handed| {
            let i = handed.index;
            let step = match handed.read {
                Some(step) => step,
                None => parse_step(handed.text, i).map_err(raw_err)?,
            };
            read.push((i, handed.offset, step));
            if read.len() == READ_AHEAD {
                hand_on(&mut read, self)?;
            }
            Ok(())
        });
        // The steps read before the end, or before an error in the text after them (a step that
        // does not parse, a duplicate key): their errors come first.
        hand_on(&mut read, self)?;
        let raw = raw.map_err(|e| match e {
            TopError::Raw(e) => raw_err(e),
            TopError::Step(e) => e,
        })?;
        check_top_level(ctx, &raw)?;
        Ok(raw)
    }

    /// Checks a step's id, then loads it (an include) or hands it on.
    fn place(
        &mut self,
        place: &Place<'_>,
        ids: &mut HashMap<String, usize>,
        i: usize,
        position: Option<(usize, usize)>,
        Pending { id, comment, body }: Pending,
    ) -> Result<(), FormatError> {
        // Built for the step only when quoted (a large file has many steps).
        let at = || join_index("steps", i);
        if let Some(id) = &id
            && let Some(first) = ids.insert(id.0.clone(), i)
        {
            let msg = format!("duplicate step id `{}` (first used by steps[{first}])", id.0);
            return Err(place.ctx.err(&At::Rendered(&at()).key("id"), msg));
        }
        let step = match body {
            Body::Include(path) => return self.include(place.ctx, &path, &join_key(&at(), "path"), &place.inner_chain),
            Body::Step(result) => result.map_err(|e| *e)?,
        };
        let flow = self.sink.push(StepEntry {
            origin: Origin {
                file: Arc::clone(&place.file),
                json_path: if self.quotes == Quotes::Kept { at() } else { String::new() },
                index: self.count,
                position,
                source: Arc::clone(place.source),
                include_chain: place.chain.to_vec(),
            },
            id: id.map(|t| t.0),
            comment: comment.map(|t| t.0),
            step,
        });
        self.count += 1;
        if flow.is_break() {
            self.stopped = true;
            return Err(FormatError::with_position(&place.file, None, "", "stopped by the visitor"));
        }
        Ok(())
    }

    fn include(&mut self, ctx: &Ctx<'_>, rel: &Text, at: &str, chain: &[PathBuf]) -> Result<(), FormatError> {
        let target = normalize(&ctx.base_dir.join(&rel.0));
        let id = identity(&target);
        if let Some(start) = self.stack.iter().position(|(known, _)| *known == id) {
            let mut cycle: Vec<String> = self.stack[start..].iter().map(|(_, p)| p.display().to_string()).collect();
            cycle.push(target.display().to_string());
            return Err(ctx.err(&At::Rendered(at), format!("externalSteps cycle: {}", cycle.join(" -> "))));
        }
        let text = read_scenario_text(&target).map_err(|mut e| {
            if e.line.is_some() {
                // Inside the included file (bytes that are not UTF-8): placed there.
                e.include_chain = chain.to_vec();
                e
            } else {
                ctx.err(
                    &At::Rendered(at),
                    format!("cannot read externalSteps file `{}`: {}", target.display(), e.message),
                )
            }
        })?;
        self.load_file(&target, Arc::new(text), chain)?;
        Ok(())
    }
}

/// Rules on the top-level keys that serde cannot express.
fn check_top_level(ctx: &Ctx<'_>, raw: &ScenarioRaw) -> Result<(), FormatError> {
    let is_steps_file = ctx.file.to_string_lossy().ends_with(".steps.json");
    if is_steps_file {
        for (present, key) in [(raw.name.is_some(), "name"), (raw.executors.is_some(), "executors")] {
            if present {
                let msg = format!("`{key}` is not allowed in a .steps.json file (only `steps`, `comment`, `$schema`)");
                return Err(ctx.err_key(&At::Rendered(key), msg));
            }
        }
    }
    for (i, exec) in raw.executors.iter().flatten().enumerate() {
        if !EXECUTORS.contains(&exec.0.as_str()) {
            let msg = format!("got executor `{}`, expected one of `{}`", exec.0, EXECUTORS.join("`, `"));
            return Err(ctx.err(&At::Rendered("executors").index(i), msg));
        }
    }
    Ok(())
}

/// Where a file's steps are placed in the scenario.
struct Place<'a> {
    ctx: &'a Ctx<'a>,
    source: &'a Arc<String>,
    file: Arc<PathBuf>,
    /// The includes that led to this file.
    chain: &'a [PathBuf],
    /// The same, with this file: for its own includes.
    inner_chain: Vec<PathBuf>,
}

impl<'a> Place<'a> {
    /// The place of the steps of `ctx`'s file, reached through the includes of `chain`.
    fn new(ctx: &'a Ctx<'a>, source: &'a Arc<String>, chain: &'a [PathBuf]) -> Self {
        let file = ctx.file.to_path_buf();
        Place { ctx, source, inner_chain: [chain, std::slice::from_ref(&file)].concat(), file: Arc::new(file), chain }
    }
}

/// Interprets step `i` of a file (an include is only named).
fn pending_step(ctx: &Ctx<'_>, i: usize, mut step: StepRaw) -> Pending {
    if let StepRaw::Ready(ReadyRaw { step, id, comment }) = step {
        // Read and interpreted in one pass, and boxed as handed on.
        return Pending { id, comment, body: Body::Step(Ok(step)) };
    }
    let body = match &mut step {
        StepRaw::ExternalSteps(ext) => Body::Include(std::mem::replace(&mut ext.path, Text(String::new()))),
        other => {
            Body::Step(interpret_step(ctx, other, &At::Rendered("steps").index(i)).map(Box::new).map_err(Box::new))
        }
    };
    let (id, comment) = take_common(&mut step);
    Pending { id, comment, body }
}

/// A step of a file between its interpretation and its place in the scenario.
struct Pending {
    id: Option<Text>,
    comment: Option<Text>,
    body: Body,
}

/// Boxed, so that the list of a large file's pending steps stays small.
enum Body {
    /// `externalSteps`: the included file, relative to this one.
    Include(Text),
    Step(Result<Box<Step>, Box<FormatError>>),
}

/// Moves a step's `id` and `comment` out.
fn take_common(step: &mut StepRaw) -> (Option<Text>, Option<Text>) {
    let (id, comment) = match step {
        StepRaw::SetState(s) => (&mut s.id, &mut s.comment),
        StepRaw::Deploy(s) => (&mut s.id, &mut s.comment),
        StepRaw::Activate(s) => (&mut s.id, &mut s.comment),
        StepRaw::Call(s) | StepRaw::Query(s) => (&mut s.id, &mut s.comment),
        StepRaw::Transfer(s) => (&mut s.id, &mut s.comment),
        StepRaw::CheckState(s) => (&mut s.id, &mut s.comment),
        StepRaw::DumpState(s) => (&mut s.id, &mut s.comment),
        StepRaw::ExternalSteps(s) => (&mut s.id, &mut s.comment),
        StepRaw::Ready(r) => (&mut r.id, &mut r.comment),
    };
    (id.take(), comment.take())
}

/// A [`RawError`] placed in its file.
fn raw_error(file: &Path, source: &str, e: RawError) -> FormatError {
    let position =
        e.position
            .or_else(|| {
                if e.at_key { crate::locate_key(source, &e.json_path) } else { crate::locate(source, &e.json_path) }
            })
            .or(e.parser_position)
            .or_else(|| crate::locate::locate_nearest(source, &e.json_path));
    FormatError::with_position(file, position, &e.json_path, e.message)
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What makes two paths the same file, for cycle detection.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let absolute = std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.into());
        normalize(&absolute)
    })
}

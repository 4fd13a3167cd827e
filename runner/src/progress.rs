//! Progress of a suite run, always on stderr (so `--format json|junit` stdout stays clean): an
//! indicatif bar on a terminal, shown only once a run has lasted a moment; plain lines when
//! stderr is not a terminal or `CI` is set (one every ten seconds, so short runs print
//! nothing); one line per file with `--progress plain`; nothing with `--progress off`.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How to show progress (`--progress`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar on a terminal, throttled plain lines otherwise or when `CI` is set.
    #[default]
    Auto,
    /// A bar (drawn only if stderr is a terminal).
    Bar,
    /// One line per finished file.
    Plain,
    /// Nothing.
    Off,
}

/// How long a run lasts before the bar appears.
const BAR_DELAY: Duration = Duration::from_millis(300);
/// Interval of plain lines in `auto` mode.
const LINE_INTERVAL: Duration = Duration::from_secs(10);

/// Receives the run's events from the worker threads.
pub trait ProgressSink: Send + Sync + std::fmt::Debug {
    /// A file starts.
    fn file_started(&self, file: &Path);
    /// A file is done; `failed` when one of its runs did not pass.
    fn file_finished(&self, file: &Path, failed: bool);
    /// The run is over (clears the bar).
    fn finish(&self);
}

/// The progress display for `total` files in `mode`.
pub fn progress(mode: ProgressMode, total: usize) -> Option<Box<dyn ProgressSink>> {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    let terminal = std::io::stderr().is_terminal();
    match mode {
        ProgressMode::Off => None,
        ProgressMode::Plain => Some(Box::new(Lines::new(total, Duration::ZERO))),
        ProgressMode::Bar => Some(Box::new(Bar::new(total))),
        ProgressMode::Auto if terminal && !ci => Some(Box::new(Bar::new(total))),
        ProgressMode::Auto => Some(Box::new(Lines::new(total, LINE_INTERVAL))),
    }
}

/// Counts shared by both displays.
#[derive(Debug)]
struct Counts {
    total: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
}

impl Counts {
    fn finished(&self, failed: bool) -> (usize, usize) {
        let failed_now = self.failed.fetch_add(usize::from(failed), Ordering::Relaxed) + usize::from(failed);
        (self.done.fetch_add(1, Ordering::Relaxed) + 1, failed_now)
    }
}

/// The indicatif bar: hidden at first, drawn on stderr once the run has lasted [`BAR_DELAY`].
#[derive(Debug)]
struct Bar {
    bar: ProgressBar,
    counts: Counts,
    over: std::sync::Arc<AtomicBool>,
}

impl Bar {
    fn new(total: usize) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} files {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        let over = std::sync::Arc::new(AtomicBool::new(false));
        let (shown, done) = (bar.clone(), over.clone());
        std::thread::spawn(move || {
            std::thread::sleep(BAR_DELAY);
            if !done.load(Ordering::Acquire) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.tick();
                // The run may have ended while the bar was being shown: clear it again.
                if done.load(Ordering::Acquire) {
                    shown.finish_and_clear();
                }
            }
        });
        Self { bar, counts: Counts { total, done: AtomicUsize::new(0), failed: AtomicUsize::new(0) }, over }
    }
}

impl ProgressSink for Bar {
    fn file_started(&self, file: &Path) {
        let failed = self.counts.failed.load(Ordering::Relaxed);
        self.bar.set_message(message(failed, file));
    }

    fn file_finished(&self, file: &Path, failed: bool) {
        let (_, failed) = self.counts.finished(failed);
        self.bar.set_message(message(failed, file));
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.over.store(true, Ordering::Release);
        self.bar.finish_and_clear();
    }
}

fn message(failed: usize, file: &Path) -> String {
    let failed = if failed > 0 { format!("{failed} failed, ") } else { String::new() };
    format!("({failed}{})", file.display())
}

/// Plain lines, at most one per `interval` (every file when it is zero).
#[derive(Debug)]
struct Lines {
    counts: Counts,
    interval: Duration,
    last: Mutex<Instant>,
}

impl Lines {
    fn new(total: usize, interval: Duration) -> Self {
        let counts = Counts { total, done: AtomicUsize::new(0), failed: AtomicUsize::new(0) };
        Self { counts, interval, last: Mutex::new(Instant::now()) }
    }
}

impl ProgressSink for Lines {
    fn file_started(&self, _file: &Path) {}

    fn file_finished(&self, file: &Path, failed: bool) {
        let (done, failed) = self.counts.finished(failed);
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if self.interval.is_zero() || last.elapsed() >= self.interval {
            *last = Instant::now();
            eprintln!("progress: {done}/{} files, {failed} failed, last {}", self.counts.total, file.display());
        }
    }

    fn finish(&self) {}
}

//! A progress bar on stderr for long runs: bytes read of the inputs' total.
//! It stays hidden for the first second, so short runs print nothing, and it
//! is cleared when reading ends.

use accord_validator::run::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// Draws [`Progress`] on stderr. Use it only when stderr is a terminal.
#[derive(Debug)]
pub struct ProgressRenderer {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

impl Default for ProgressRenderer {
    fn default() -> Self {
        Self::new()
    }
}

impl ProgressRenderer {
    /// A bar that will draw on stderr once the run has lasted a second.
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} checking [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        ProgressRenderer { bar, started: Instant::now(), shown: AtomicBool::new(false) }
    }

    /// Whether the bar has started drawing.
    pub fn is_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }
}

impl Progress for ProgressRenderer {
    fn start(&self, total: u64) {
        self.bar.set_length(total);
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
        if !self.is_shown() && self.started.elapsed() >= DELAY && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

//! `HEGUI_LSP_TRACE=1`: how long the analysis thread spends on what, one
//! line per step on stderr (for profiling the server under a benchmark;
//! nothing else reads it).

use std::sync::OnceLock;
use std::time::Instant;

fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("HEGUI_LSP_TRACE").is_some_and(|v| v != "0"))
}

/// The CPU time this thread has run, in µs (Linux's scheduler statistics;
/// 0 elsewhere): on a loaded machine the wall time says little.
fn cpu_us() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |ns| ns / 1000)
}

/// A step being timed; its time goes to stderr when it ends (dropped).
pub struct Span {
    start: Option<(Instant, u64, &'static str)>,
    detail: String,
}

/// Starts timing `what` (nothing is measured when tracing is off).
pub fn span(what: &'static str) -> Span {
    Span {
        start: on().then(|| (Instant::now(), cpu_us(), what)),
        detail: String::new(),
    }
}

impl Span {
    /// Adds a word on what the step worked on (a path, a count).
    pub fn note(&mut self, detail: impl FnOnce() -> String) {
        if self.start.is_some() {
            self.detail = detail();
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some((t, cpu, what)) = self.start {
            let us = t.elapsed().as_micros();
            let cpu = cpu_us().saturating_sub(cpu);
            eprintln!("hegui-trace {what} {us}us cpu {cpu}us {}", self.detail);
        }
    }
}

/// When something was asked, to say how long it waited (0 when tracing is off).
#[derive(Clone, Copy)]
pub struct Waited(Option<Instant>);

impl Waited {
    pub fn now() -> Waited {
        Waited(on().then(Instant::now))
    }

    /// µs since [`Waited::now`].
    pub fn since(self) -> u128 {
        self.0.map_or(0, |t| t.elapsed().as_micros())
    }
}

//! Progress notices for long runs: stage messages with the elapsed time, written
//! to standard error (never standard output) and only when switched on (the CLI
//! does so for large matrices). Library users see nothing unless they call
//! [`enable`].
//!
//! # Examples
//! ```
//! couplings::progress::stage("silent unless enabled");
//! ```

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);
static START: Mutex<Option<Instant>> = Mutex::new(None);

/// Switches the stage notices on and restarts the clock.
pub fn enable() {
    *START.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether notices are on.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Writes `couplings: [12.3 s] msg` to standard error if notices are on.
pub fn stage(msg: &str) {
    if !enabled() {
        return;
    }
    let elapsed = START
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .map_or(0.0, |s| s.elapsed().as_secs_f64());
    eprintln!("couplings: [{elapsed:.1} s] {msg}");
}

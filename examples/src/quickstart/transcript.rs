//! The quickstart's transcript: one numbered, timed line per step.

use std::fmt::Display;
use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// What a step shows: its summary line, and optionally a few indented lines under it.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    summary: String,
    details: Vec<String>,
}

impl Shown {
    /// A step shown as one line.
    #[must_use]
    pub fn line(summary: impl Into<String>) -> Self {
        Self {
            summary: summary.into(),
            details: Vec::new(),
        }
    }

    /// Adds a line shown indented under the summary.
    #[must_use]
    pub fn detail(mut self, line: impl Into<String>) -> Self {
        self.details.push(line.into());
        self
    }
}

/// The lines of a tour, written as each step ends: printed, kept, or both.
#[derive(Debug)]
pub struct Transcript {
    lines: Vec<String>,
    print: bool,
    steps: usize,
    started: Instant,
}

impl Transcript {
    /// A transcript that prints every line to stdout as it is written (and keeps it).
    #[must_use]
    pub fn printing() -> Self {
        Self::new(true)
    }

    /// A transcript that only keeps its lines (tests read them with [`lines`](Self::lines)).
    #[must_use]
    pub fn silent() -> Self {
        Self::new(false)
    }

    fn new(print: bool) -> Self {
        Self {
            lines: Vec::new(),
            print,
            steps: 0,
            started: Instant::now(),
        }
    }

    /// Every line written so far.
    #[must_use]
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Time since the transcript was created.
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Runs the next step: numbers it, times `work`, and writes its line
    /// (`3. title: summary (12.3 ms)`).
    ///
    /// # Errors
    ///
    /// `work`'s error, with the step's number and title as context.
    pub async fn step<T>(
        &mut self,
        title: impl Display,
        work: impl Future<Output = anyhow::Result<(T, Shown)>>,
    ) -> anyhow::Result<T> {
        self.steps += 1;
        let number = self.steps;
        let started = Instant::now();
        let (value, shown) = work
            .await
            .with_context(|| format!("step {number} ({title}) failed"))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        self.write(format!("{number}. {title}: {} ({ms:.1} ms)", shown.summary));
        for detail in shown.details {
            self.write(format!("     {detail}"));
        }
        Ok(value)
    }

    fn write(&mut self, line: String) {
        if self.print {
            println!("{line}");
        }
        self.lines.push(line);
    }
}

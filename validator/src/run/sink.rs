//! Where findings go as they are made: a renderer writing a report, a
//! [`Report`] collecting everything, a channel to another thread.

use crate::diagnostic::{Case, Diagnostic, Report};
use std::io;

/// Receives a run's findings as they are made, in report order (file,
/// entry, position), and the messages checked (what a JUnit report counts).
///
/// A sink that fails (a closed pipe, a full disk) stops the run: nothing more
/// is sent to it, and the run returns its error.
pub trait Sink {
    /// One finding.
    fn finding(&mut self, finding: Diagnostic) -> io::Result<()>;

    /// One checked message, after its findings. Ignored unless the sink needs it.
    fn case(&mut self, case: Case) -> io::Result<()> {
        let _ = case;
        Ok(())
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn finding(&mut self, finding: Diagnostic) -> io::Result<()> {
        (**self).finding(finding)
    }

    fn case(&mut self, case: Case) -> io::Result<()> {
        (**self).case(case)
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn finding(&mut self, finding: Diagnostic) -> io::Result<()> {
        (**self).finding(finding)
    }

    fn case(&mut self, case: Case) -> io::Result<()> {
        (**self).case(case)
    }
}

/// Collects everything (memory grows with the findings: for tests, small
/// runs and callers that need the whole list). The summary is set by the run.
impl Sink for Report {
    fn finding(&mut self, finding: Diagnostic) -> io::Result<()> {
        self.diagnostics.push(finding);
        Ok(())
    }

    fn case(&mut self, case: Case) -> io::Result<()> {
        self.cases.push(case);
        Ok(())
    }
}

/// Sends each finding to another thread; fails once the receiver is gone.
impl Sink for std::sync::mpsc::Sender<Diagnostic> {
    fn finding(&mut self, finding: Diagnostic) -> io::Result<()> {
        self.send(finding).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the receiver of findings is gone"))
    }
}

/// A closure as a sink: `FnSink(|d| println!("{}", d.message))`.
#[derive(Debug, Clone, Copy)]
pub struct FnSink<F>(pub F);

impl<F: FnMut(Diagnostic)> Sink for FnSink<F> {
    fn finding(&mut self, finding: Diagnostic) -> io::Result<()> {
        (self.0)(finding);
        Ok(())
    }
}

//! Bodies on the move: a tap that copies what passes (up to a limit) while
//! forwarding every frame unchanged, and a bounded collector for when a body
//! must be judged before it is passed on.

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The error type of boxed bodies.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What was captured of one body.
#[derive(Debug, Clone)]
pub enum Captured {
    /// The whole body (empty when there was none).
    Complete(Bytes),
    /// The body was not kept: why (over the size limit, a stream, cut short).
    Omitted(String),
}

impl Captured {
    /// The reason for a body over `limit` bytes.
    pub fn over_limit(seen: u64, limit: usize) -> Self {
        Captured::Omitted(format!("{seen} bytes or more, over the {limit}-byte --max-body limit"))
    }
}

/// Forwards a body frame by frame, keeping a copy of its data up to `limit`
/// bytes; when the body ends (or is dropped) it hands the copy to `done`.
pub struct TapBody<B> {
    inner: B,
    kept: Vec<u8>,
    seen: u64,
    limit: usize,
    over: bool,
    failed: bool,
    done: Option<Box<dyn FnOnce(Captured) + Send + Sync>>,
}

impl<B: Body> TapBody<B> {
    /// Taps `inner`, keeping up to `limit` bytes for `done`. A body that is
    /// empty from the start (a server never polls it) is handed over at once.
    pub fn new(inner: B, limit: usize, done: impl FnOnce(Captured) + Send + Sync + 'static) -> Self {
        let mut tap =
            TapBody { inner, kept: Vec::new(), seen: 0, limit, over: false, failed: false, done: Some(Box::new(done)) };
        if tap.inner.is_end_stream() {
            tap.finish(true);
        }
        tap
    }
}

impl<B> TapBody<B> {
    fn finish(&mut self, ended: bool) {
        let Some(done) = self.done.take() else { return };
        let captured = if self.over {
            Captured::over_limit(self.seen, self.limit)
        } else if self.failed || !ended {
            Captured::Omitted(format!("the body was cut short after {} bytes", self.seen))
        } else {
            Captured::Complete(Bytes::from(std::mem::take(&mut self.kept)))
        };
        done(captured);
    }
}

impl<B> Body for TapBody<B>
where
    B: Body<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.seen += data.len() as u64;
                    if !this.over {
                        if this.kept.len() + data.len() > this.limit {
                            this.over = true;
                            this.kept = Vec::new();
                        } else {
                            this.kept.extend_from_slice(data);
                        }
                    }
                }
                // A body of known length is not polled past its last frame.
                if frame.is_trailers() || this.inner.is_end_stream() {
                    this.finish(true);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.failed = true;
                this.finish(false);
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                this.finish(true);
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B> Drop for TapBody<B> {
    fn drop(&mut self) {
        // Dropped before its end: the peer went away, or the server stopped
        // reading (an answer sent before the request body was read).
        self.finish(false);
    }
}

/// A body collected up to a limit.
pub enum Collected<B> {
    /// The whole body, and its trailers if it had any.
    Whole(Bytes, Option<HeaderMap>),
    /// More than the limit: the frames read so far (data over the limit
    /// included) and the rest of the body, still to be read.
    Over(Replay<B>, u64),
}

impl<B> Collected<B> {
    /// The body to pass on, and what was captured of it (`limit` names the
    /// limit a body over it broke).
    pub fn into_parts(self, limit: usize) -> (Replay<B>, Captured) {
        match self {
            Collected::Whole(data, trailers) => (Replay::whole(data.clone(), trailers), Captured::Complete(data)),
            Collected::Over(replay, seen) => (replay, Captured::over_limit(seen, limit)),
        }
    }
}

/// Reads `body` until it ends or holds more than `limit` bytes.
pub async fn collect_limited<B>(mut body: B, limit: usize) -> Result<Collected<B>, B::Error>
where
    B: Body<Data = Bytes> + Unpin,
{
    let mut data: Vec<u8> = Vec::new();
    let mut trailers = None;
    while let Some(frame) = body.frame().await {
        let frame = frame?;
        match frame.into_data() {
            Ok(chunk) => {
                if data.len() + chunk.len() > limit {
                    let seen = (data.len() + chunk.len()) as u64;
                    let mut frames = VecDeque::new();
                    frames.push_back(Frame::data(Bytes::from(data)));
                    frames.push_back(Frame::data(chunk));
                    return Ok(Collected::Over(Replay { frames, rest: Some(body) }, seen));
                }
                data.extend_from_slice(&chunk);
            }
            Err(frame) => {
                if let Ok(t) = frame.into_trailers() {
                    trailers = Some(t);
                }
            }
        }
    }
    Ok(Collected::Whole(Bytes::from(data), trailers))
}

/// Frames already read, then (optionally) the rest of a body.
pub struct Replay<B> {
    frames: VecDeque<Frame<Bytes>>,
    rest: Option<B>,
}

impl<B> Replay<B> {
    /// A body of `data` then `trailers` (what [`Collected::Whole`] holds).
    pub fn whole(data: Bytes, trailers: Option<HeaderMap>) -> Self {
        let mut frames = VecDeque::new();
        if !data.is_empty() {
            frames.push_back(Frame::data(data));
        }
        if let Some(t) = trailers {
            frames.push_back(Frame::trailers(t));
        }
        Replay { frames, rest: None }
    }
}

impl<B> Body for Replay<B>
where
    B: Body<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        if let Some(frame) = self.frames.pop_front() {
            return Poll::Ready(Some(Ok(frame)));
        }
        match self.rest.as_mut() {
            Some(rest) => Pin::new(rest).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.frames.is_empty() && self.rest.as_ref().is_none_or(Body::is_end_stream)
    }
}

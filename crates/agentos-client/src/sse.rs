//! An incremental Server-Sent Events decoder.
//!
//! Feed it the bytes of a `text/event-stream` body as they arrive, in chunks
//! of any size split at any byte (inside a line, inside a CRLF pair, inside a
//! multi-byte UTF-8 character); it hands back every frame completed so far.
//!
//! It follows the WHATWG "event stream interpretation" rules that matter here:
//! LF, CRLF and CR all end a line; a blank line ends a frame; several `data:`
//! lines are joined with `\n`; one space after the colon is dropped; lines
//! starting with `:` are comments (AgentOS sends `: heartbeat` and
//! `: keepalive`); `id:`, `retry:` and unknown fields are ignored; a frame
//! with no `data:` line is not dispatched; one leading BOM is skipped.
//! Lines may be long (AgentOS sends 15 KB+ data lines), up to
//! [`MAX_EVENT_BYTES`]: a line or an event's data over that is
//! [`TooLarge`]. The decoder then stops (the frames completed before it are
//! still returned) and [`SseDecoder::too_large`] says so; the caller ends
//! the stream with that error and keeps what arrived.
//!
//! Work is linear in the input: the scan for a line end resumes where the
//! previous chunk stopped, and consumed bytes are dropped once per chunk.

/// One dispatched frame: the `event:` name (if any) and the joined data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseFrame {
    pub event: Option<String>,
    pub data: String,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The largest line, event (its data) or WebSocket message accepted: 64 MiB.
/// agno repeats a run's whole output in its closing events: a workflow whose
/// step answered 3 MB ends with a `WorkflowCompleted` of about 25 MB, so the
/// cap sits well above that.
pub const MAX_EVENT_BYTES: usize = 64 << 20;

/// A line, event or message over [`MAX_EVENT_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl TooLarge {
    /// `Err(TooLarge)` when `len` bytes are over the limit.
    pub fn check(len: usize) -> Result<(), TooLarge> {
        if len > MAX_EVENT_BYTES {
            Err(TooLarge)
        } else {
            Ok(())
        }
    }
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "event too large: the server sent an event over {} MiB, so the stream was stopped", MAX_EVENT_BYTES >> 20)
    }
}

impl std::error::Error for TooLarge {}

/// The decoder state between chunks.
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// Bytes received but not yet consumed as complete lines.
    buf: Vec<u8>,
    /// How far `buf` has been searched for a line end (everything before has none).
    scanned: usize,
    /// The previous chunk ended with CR: a LF at the start of the next one
    /// belongs to the same line end.
    skip_lf: bool,
    /// Whether the start of the stream has been checked for a BOM.
    bom_done: bool,
    /// The frame being assembled.
    event: Option<String>,
    data: String,
    has_data: bool,
    /// Some field line (event, data, id, ...) of the current frame was seen.
    in_frame: bool,
    /// A line or an event went over [`MAX_EVENT_BYTES`]: input is ignored.
    too_large: bool,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes and returns the frames they complete, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseFrame> {
        let mut out = Vec::new();
        if self.too_large {
            return out;
        }
        let mut bytes = bytes;
        if self.skip_lf && !bytes.is_empty() {
            self.skip_lf = false;
            if bytes[0] == b'\n' {
                bytes = &bytes[1..];
            }
        }
        self.buf.extend_from_slice(bytes);
        if !self.bom_done {
            let n = self.buf.len().min(BOM.len());
            if self.buf[..n] != BOM[..n] {
                self.bom_done = true;
            } else if n == BOM.len() {
                self.buf.drain(..n);
                self.bom_done = true;
            } else {
                return out; // a BOM prefix so far: wait for more bytes
            }
        }
        let mut start = 0;
        let mut i = self.scanned;
        while let Some(off) = self.buf[i..].iter().position(|&b| b == b'\n' || b == b'\r') {
            let end = i + off;
            let mut next = end + 1;
            if self.buf[end] == b'\r' {
                if next < self.buf.len() {
                    if self.buf[next] == b'\n' {
                        next += 1;
                    }
                } else {
                    self.skip_lf = true;
                }
            }
            if TooLarge::check(end - start).is_err() {
                self.fail();
                return out;
            }
            let line = String::from_utf8_lossy(&self.buf[start..end]).into_owned();
            if let Some(frame) = self.line(&line) {
                out.push(frame);
            }
            if self.too_large {
                return out;
            }
            start = next;
            i = next;
        }
        if start > 0 {
            self.buf.drain(..start);
        }
        if TooLarge::check(self.buf.len()).is_err() {
            // A line without an end, over the limit already.
            self.fail();
            return out;
        }
        self.scanned = self.buf.len();
        out
    }

    /// Whether the stream went over [`MAX_EVENT_BYTES`] (the decoder has
    /// stopped; end the stream with this error).
    pub fn too_large(&self) -> Option<TooLarge> {
        self.too_large.then_some(TooLarge)
    }

    fn fail(&mut self) {
        *self = Self { too_large: true, ..Self::default() };
    }

    /// Ends the stream. Returns the frame that was being received if the
    /// stream stopped in the middle of one (it is never dispatched, as the
    /// spec says, but the caller can tell the person the stream was cut);
    /// `None` when it ended cleanly on a frame boundary. Leftover comment
    /// text or blank space counts as clean. The decoder is reset.
    pub fn finish(&mut self) -> Option<SseFrame> {
        if self.too_large {
            *self = Self::default();
            return None; // the caller reports `too_large()` instead
        }
        let rest = std::mem::take(&mut self.buf);
        if !rest.is_empty() {
            let line = String::from_utf8_lossy(&rest).into_owned();
            if !line.trim().is_empty() {
                // An unterminated last line: take it into the partial frame.
                self.field(&line);
            }
        }
        let cut = self.in_frame;
        let frame = SseFrame { event: self.event.take(), data: std::mem::take(&mut self.data) };
        *self = Self::default();
        cut.then_some(frame)
    }

    /// Whether bytes of an unfinished frame are pending.
    pub fn is_mid_frame(&self) -> bool {
        self.in_frame || self.buf.iter().any(|b| !b.is_ascii_whitespace())
    }

    fn line(&mut self, line: &str) -> Option<SseFrame> {
        if line.is_empty() {
            let frame = if self.has_data {
                Some(SseFrame { event: self.event.take(), data: std::mem::take(&mut self.data) })
            } else {
                None
            };
            self.event = None;
            self.data.clear();
            self.has_data = false;
            self.in_frame = false;
            return frame;
        }
        self.field(line);
        None
    }

    fn field(&mut self, line: &str) {
        if line.starts_with(':') {
            return; // comment (heartbeat, keepalive)
        }
        let (name, value) = match line.split_once(':') {
            Some((name, v)) => (name, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        self.in_frame = true;
        match name {
            "event" => self.event = (!value.is_empty()).then(|| value.to_string()),
            "data" => {
                if TooLarge::check(self.data.len() + value.len() + 1).is_err() {
                    self.fail();
                    return;
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {} // id, retry and unknown fields
        }
    }
}

/// Decodes a whole body at once (tests, stored streams).
pub fn decode_all(bytes: &[u8]) -> (Vec<SseFrame>, Option<SseFrame>) {
    let mut d = SseDecoder::new();
    let frames = d.push(bytes);
    (frames, d.finish())
}

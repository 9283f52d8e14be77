//! Markdown to a small, safe document tree.
//!
//! Model output is untrusted. This module never produces HTML: raw HTML in
//! the source becomes plain text, and links keep their target only when it
//! uses a safe scheme (`http`, `https`, `mailto`). The UI turns the tree into
//! DOM nodes with text content, so nothing the model writes can execute.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Element(Element),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub kind: Kind,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Paragraph,
    Heading(u8),
    BlockQuote,
    /// A fenced or indented code block; the language tag if any.
    CodeBlock(Option<String>),
    List { ordered: bool, start: u64 },
    Item,
    /// A task list checkbox (`- [x]`).
    TaskMarker(bool),
    Table,
    TableHead,
    TableRow,
    TableCell { header: bool, align: Align },
    Emphasis,
    Strong,
    Strikethrough,
    InlineCode,
    /// A link with a safe target; unsafe targets never reach the tree.
    Link { href: String, title: String },
    LineBreak,
    Rule,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

/// Returns the target if it is safe to follow: an absolute `http`, `https`
/// or `mailto` URL. Anything else (`javascript:`, `data:`, relative paths,
/// schemes hidden behind whitespace or control characters) is refused.
pub fn safe_href(href: &str) -> Option<String> {
    let trimmed = href.trim();
    if trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:") {
        Some(trimmed.to_string())
    } else {
        None
    }
}

/// Container nesting (block quotes and list items) beyond which markers are
/// shown as text.
pub const MAX_NESTING: usize = 32;
/// Inline nesting (emphasis, links) beyond which delimiters are shown as text.
pub const MAX_INLINE_DEPTH: usize = 32;
/// The deepest tree [`parse`] can return: two levels per container (a list
/// and its item), a table's three (table, row, cell), then inline elements.
pub const MAX_DEPTH: usize = 2 * MAX_NESTING + 3 + MAX_INLINE_DEPTH;
/// Answers longer than this (bytes) are shown as plain text, not parsed.
pub const MAX_SIZE: usize = 200_000;

/// Parses Markdown (CommonMark plus tables, strikethrough and task lists).
///
/// A compact in-house parser of the subset the dashboard shows (it replaced
/// pulldown-cmark, which was a fifth of the wasm bundle): blocks first (into
/// [`Block`]s holding raw inline text), then link reference definitions are
/// known and the inlines are parsed. Anything it does not recognise is text.
///
/// Bounded: the tree is at most [`MAX_DEPTH`] deep, and the time is linear in
/// the input (times small constants), whatever the input.
pub fn parse(source: &str) -> Vec<Node> {
    let scanned = scan(source);
    let mut done = RefMap::new();
    for (label, dest, title) in &scanned.defs {
        done.entry(label.clone()).or_insert_with(|| (dest.clone(), title.clone()));
    }
    let env = Env { done: &done, tail: None, misses: Default::default() };
    render(scanned.blocks, &env)
}

/// Normalised label to destination and title; the first definition wins.
type RefMap = HashMap<String, (String, String)>;
/// A link reference definition: normalised label, destination, title.
type Def = (String, String, String);

/// The link reference definitions an inline pass can see: those of the
/// finished part of the text, then those of the open tail. Labels not found
/// in `done` are recorded (they may be defined later in a stream).
struct Env<'a> {
    done: &'a RefMap,
    tail: Option<&'a RefMap>,
    misses: std::cell::RefCell<HashSet<String>>,
}

impl Env<'_> {
    fn lookup(&self, key: &str) -> Option<(String, String)> {
        if let Some(d) = self.done.get(key) {
            return Some(d.clone());
        }
        self.misses.borrow_mut().insert(key.to_string());
        self.tail.and_then(|t| t.get(key)).cloned()
    }
}

/// The block structure of a text: its blocks, its link reference
/// definitions (in order), the index of each top-level block's first line,
/// and the byte offset where each line ends in the source.
struct Scanned {
    blocks: Vec<Block>,
    defs: Vec<Def>,
    starts: Vec<usize>,
    line_ends: Vec<usize>,
    lines: Vec<String>,
}

fn scan(source: &str) -> Scanned {
    let mut lines = Vec::new();
    let mut line_ends = Vec::new();
    let mut end = 0;
    for l in source.split_inclusive('\n') {
        end += l.len();
        line_ends.push(end);
        lines.push(match l.strip_suffix("\r\n") {
            Some(b) => format!("{b}\n"),
            None => l.to_string(),
        });
    }
    let mut defs = Vec::new();
    let mut starts = Vec::new();
    let blocks = blocks(&lines, &mut defs, 0, Some(&mut starts)).0;
    Scanned { blocks, defs, starts, line_ends, lines }
}

fn render(blocks: Vec<Block>, env: &Env) -> Vec<Node> {
    let mut out = Vec::new();
    for b in blocks {
        render_block(b, env, &mut out, false);
    }
    out
}

enum Block {
    /// Inline source; `Some(done)` when it starts with a task marker.
    Para(String, Option<bool>),
    Heading(u8, String),
    Code(Option<String>, String),
    Html(String),
    Rule,
    Quote(Vec<Block>),
    List { ordered: bool, start: u64, tight: bool, items: Vec<Vec<Block>> },
    Table { aligns: Vec<Align>, head: Vec<String>, rows: Vec<Vec<String>> },
}

fn body(line: &str) -> &str {
    line.strip_suffix('\n').unwrap_or(line)
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Columns of leading whitespace (a tab advances to the next multiple of 4).
fn indent(line: &str) -> usize {
    let mut col = 0;
    for c in line.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col += 4 - col % 4,
            _ => break,
        }
    }
    col
}

/// The line without its first `n` columns of indentation (a tab split in
/// the middle leaves spaces).
fn strip_cols(line: &str, n: usize) -> String {
    let mut col = 0;
    for (i, c) in line.char_indices() {
        if col >= n {
            return line[i..].to_string();
        }
        match c {
            ' ' => col += 1,
            '\t' => {
                let next = col + 4 - col % 4;
                if next > n {
                    return " ".repeat(next - n) + &line[i + 1..];
                }
                col = next;
            }
            _ => return line[i..].to_string(),
        }
    }
    if line.ends_with('\n') { "\n".into() } else { String::new() }
}

/// `(char, length, info)` of an opening code fence.
fn fence_open(line: &str) -> Option<(char, usize, &str)> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.len() - t.trim_start_matches(c).len();
    let info = body(&t[n..]).trim();
    (n >= 3 && !(c == '`' && info.contains('`'))).then_some((c, n, info))
}

fn atx(line: &str) -> Option<(u8, &str)> {
    if indent(line) > 3 {
        return None;
    }
    let t = body(line).trim_start();
    let n = t.len() - t.trim_start_matches('#').len();
    let rest = &t[n..];
    if n == 0 || n > 6 || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut text = rest.trim();
    let closed = text.trim_end_matches('#');
    if closed.is_empty() || closed.ends_with([' ', '\t']) {
        text = closed.trim_end();
    }
    Some((n as u8, text))
}

fn is_rule(line: &str) -> bool {
    if indent(line) > 3 {
        return false;
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3 && ["*", "-", "_"].iter().any(|m| t.chars().all(|c| m.starts_with(c)))
}

fn setext(line: &str) -> Option<u8> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim();
    let level = match t.chars().next()? {
        '=' => 1,
        '-' => 2,
        _ => return None,
    };
    t.chars().all(|c| c == t.chars().next().unwrap()).then_some(level)
}

fn quote_line(line: &str) -> Option<String> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start().strip_prefix('>')?;
    Some(match t.strip_prefix(' ') {
        Some(r) => r.to_string(),
        None => strip_cols(t, 1.min(indent(t))),
    })
}

#[derive(Clone, Copy, PartialEq)]
struct Marker {
    /// The bullet (`-`, `+`, `*`) or the ordered delimiter (`.`, `)`).
    ch: char,
    ordered: bool,
    start: u64,
    /// Columns from the line start to the item's content.
    width: usize,
    /// Bytes of the marker and columns of spaces after it.
    mlen: usize,
    sp: usize,
    empty: bool,
}

fn list_marker(line: &str) -> Option<Marker> {
    let ind = indent(line);
    if ind > 3 {
        return None;
    }
    let t = line.trim_start();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (ch, ordered, start, mlen) = if digits > 0 {
        if digits > 9 {
            return None;
        }
        let ch = t[digits..].chars().next().filter(|c| *c == '.' || *c == ')')?;
        (ch, true, t[..digits].parse().ok()?, digits + 1)
    } else {
        let ch = t.chars().next().filter(|c| matches!(c, '-' | '+' | '*'))?;
        (ch, false, 1, 1)
    };
    let rest = &t[mlen..];
    if is_blank(rest) {
        return Some(Marker { ch, ordered, start, width: ind + mlen + 1, mlen, sp: 1, empty: true });
    }
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let sp = indent(rest);
    let sp = if sp > 4 { 1 } else { sp };
    Some(Marker { ch, ordered, start, width: ind + mlen + sp, mlen, sp, empty: false })
}

const BLOCK_TAGS: &str = " address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead title tr track ul ";

/// The kind of HTML block a line starts (1-7 as in CommonMark), if any.
fn html_start(line: &str) -> Option<u8> {
    if indent(line) > 3 {
        return None;
    }
    let t = body(line).trim_start();
    let rest = t.strip_prefix('<')?;
    let lower = rest.to_ascii_lowercase();
    for tag in ["script", "pre", "style", "textarea"] {
        if lower.strip_prefix(tag).is_some_and(|r| r.is_empty() || r.starts_with(|c: char| c == '>' || c.is_whitespace())) {
            return Some(1);
        }
    }
    if rest.starts_with("!--") {
        return Some(2);
    }
    if rest.starts_with('?') {
        return Some(3);
    }
    if rest.starts_with("![CDATA[") {
        return Some(5);
    }
    if rest.starts_with('!') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some(4);
    }
    let name_src = lower.strip_prefix('/').unwrap_or(&lower);
    let name: String = name_src.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let after = &name_src[name.len()..];
    if !name.is_empty()
        && BLOCK_TAGS.contains(&format!(" {name} "))
        && (after.is_empty() || after.starts_with(['>', ' ', '\t']) || after.starts_with("/>"))
    {
        return Some(6);
    }
    match tag_len(t, 0, &mut Finds::default()) {
        Some(n) if t[n..].trim().is_empty() && !["script", "style", "pre"].contains(&name.as_str()) => Some(7),
        _ => None,
    }
}

fn html_end(kind: u8, line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    match kind {
        1 => ["</script>", "</pre>", "</style>", "</textarea>"].iter().any(|e| l.contains(e)),
        2 => l.contains("-->"),
        3 => l.contains("?>"),
        4 => l.contains('>'),
        5 => l.contains("]]>"),
        _ => false,
    }
}

/// Whether a (non-blank, container-stripped) line ends a paragraph; `deep`:
/// at the nesting cap, where quote and list markers are text.
fn interrupts(line: &str, deep: bool) -> bool {
    fence_open(line).is_some()
        || atx(line).is_some()
        || is_rule(line)
        || (!deep && quote_line(line).is_some())
        || (!deep && list_marker(line).is_some_and(|m| !m.empty && (!m.ordered || m.start == 1)))
        || html_start(line).is_some_and(|k| k < 7)
}

fn split_row(line: &str) -> Vec<String> {
    let t = body(line).trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = if t.ends_with('|') && !t.ends_with("\\|") { &t[..t.len() - 1] } else { t };
    let mut cells = vec![String::new()];
    let mut chars = t.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let cell = cells.last_mut().unwrap();
                cell.push('\\');
                if let Some(n) = chars.next() {
                    cell.push(n);
                }
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

fn delimiter_row(line: &str) -> Option<Vec<Align>> {
    split_row(line)
        .iter()
        .map(|c| {
            let inner = c.strip_prefix(':').unwrap_or(c);
            let inner = inner.strip_suffix(':').unwrap_or(inner);
            if inner.is_empty() || !inner.chars().all(|c| c == '-') {
                return None;
            }
            Some(match (c.starts_with(':'), c.ends_with(':')) {
                (true, true) => Align::Center,
                (true, false) => Align::Left,
                (false, true) => Align::Right,
                _ => Align::None,
            })
        })
        .collect()
}

/// A table starting at `lines[i]`, if the next line is its delimiter row.
fn table_head(lines: &[String], i: usize) -> Option<(Vec<String>, Vec<Align>)> {
    let head = lines.get(i)?;
    let delim = lines.get(i + 1)?;
    if indent(head) > 3 || !head.contains('|') || head.starts_with(LAZY) || delim.starts_with(LAZY) {
        return None;
    }
    if !delim.contains('|') {
        return None;
    }
    let aligns = delimiter_row(delim)?;
    let cells = split_row(head);
    (cells.len() == aligns.len()).then_some((cells, aligns))
}

/// Fence state while scanning lines: `Some((char, len))` inside a fence.
fn track_fence(fence: &mut Option<(char, usize)>, line: &str) {
    match *fence {
        Some((c, n)) => {
            let t = body(line).trim();
            if indent(line) < 4 && t.len() >= n && t.chars().all(|x| x == c) {
                *fence = None;
            }
        }
        None => {
            if let Some((c, n, _)) = fence_open(line) {
                *fence = Some((c, n));
            }
        }
    }
}

/// Marks a lazy continuation line (one of a quote or list item's paragraph
/// without the container's prefix): it continues the paragraph as text and
/// never starts anything (a setext underline, a table).
const LAZY: char = '\u{1}';

fn lazy(line: &str) -> String {
    format!("{LAZY}{line}")
}

/// Whether the last of `lines` is open paragraph text (so a lazy
/// continuation line may follow); `fence`: the fence state after them.
fn ends_in_paragraph(lines: &[String], fence: Option<(char, usize)>) -> bool {
    let Some(last) = lines.last() else { return false };
    fence.is_none()
        && !is_blank(last)
        && indent(last) < 4
        && fence_open(last).is_none()
        && atx(last).is_none()
        && !is_rule(last)
        && html_start(last).is_none()
}

/// Parses container-stripped lines into blocks; the flag tells whether a
/// blank line separates two of them (what makes a list loose).
///
/// `depth`: containers around these lines (at [`MAX_NESTING`], quote and
/// list markers are text); `starts` receives the index of each block's
/// first line.
fn blocks(lines: &[String], defs: &mut Vec<Def>, depth: usize, mut starts: Option<&mut Vec<usize>>) -> (Vec<Block>, bool) {
    let deep = depth >= MAX_NESTING;
    let deep_inner = depth + 1 >= MAX_NESTING;
    let mut out = Vec::new();
    let mut gap = false;
    let mut blank_before = false;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if is_blank(line) {
            blank_before = true;
            i += 1;
            continue;
        }
        if blank_before && !out.is_empty() {
            gap = true;
        }
        blank_before = false;
        if let Some(s) = starts.as_deref_mut() {
            s.push(i);
        }
        let ind = indent(line);
        if ind >= 4 {
            let start = i;
            while i < lines.len() && (is_blank(&lines[i]) || indent(&lines[i]) >= 4) {
                i += 1;
            }
            let mut end = i;
            while is_blank(&lines[end - 1]) {
                end -= 1;
            }
            blank_before = end < i;
            let text = lines[start..end].iter().map(|l| strip_cols(l, 4)).collect();
            out.push(Block::Code(None, text));
            continue;
        }
        if let Some((c, n, info)) = fence_open(line) {
            let lang = info.split_whitespace().next().map(unescape);
            let mut text = String::new();
            i += 1;
            while i < lines.len() {
                let l = &lines[i];
                let t = body(l).trim();
                i += 1;
                if indent(l) < 4 && t.len() >= n && t.chars().all(|x| x == c) {
                    break;
                }
                // (An unfinished last line of up to 3 spaces may be a closing fence.)
                if l.ends_with('\n') || !is_blank(l) || indent(l) >= 4 {
                    text.push_str(&strip_cols(l, ind));
                }
            }
            out.push(Block::Code(lang, text));
            continue;
        }
        if let Some((level, text)) = atx(line) {
            out.push(Block::Heading(level, text.to_string()));
            i += 1;
            continue;
        }
        if is_rule(line) {
            out.push(Block::Rule);
            i += 1;
            continue;
        }
        if !deep && quote_line(line).is_some() {
            let mut inner: Vec<String> = Vec::new();
            let mut fence = None;
            while i < lines.len() {
                if let Some(q) = quote_line(&lines[i]) {
                    inner.push(q);
                } else if !is_blank(&lines[i])
                    && ends_in_paragraph(&inner, fence)
                    && !interrupts(&lines[i], deep_inner)
                    && list_marker(&lines[i]).is_none()
                {
                    inner.push(lazy(&lines[i]));
                } else {
                    break;
                }
                track_fence(&mut fence, inner.last().unwrap());
                i += 1;
            }
            out.push(Block::Quote(blocks(&inner, defs, depth + 1, None).0));
            continue;
        }
        if let Some(first) = (!deep).then(|| list_marker(line)).flatten() {
            let mut items = Vec::new();
            let mut tight = true;
            let mut m = first;
            loop {
                let first_line = if m.empty { "\n".into() } else { strip_cols(&lines[i].trim_start()[m.mlen..], m.sp) };
                let mut item: Vec<String> = vec![first_line];
                let mut task = None;
                for (pre, done) in [("[ ]", false), ("[x]", true), ("[X]", true)] {
                    match item[0].strip_prefix(pre) {
                        Some(r) if r.starts_with([' ', '\t']) => {
                            task = Some(done);
                            item[0] = r.trim_start().to_string();
                            break;
                        }
                        _ => {}
                    }
                }
                i += 1;
                let mut fence = None;
                track_fence(&mut fence, &item[0]);
                while i < lines.len() {
                    let l = &lines[i];
                    if is_blank(l) {
                        // An item that starts blank ends at a second blank line.
                        if m.empty && item.iter().all(|x| is_blank(x)) {
                            break;
                        }
                        item.push(strip_cols(l, m.width));
                    } else if indent(l) >= m.width {
                        item.push(strip_cols(l, m.width));
                    } else if ends_in_paragraph(&item, fence) && !interrupts(l, deep_inner) && list_marker(l).is_none() {
                        item.push(lazy(l));
                    } else {
                        break;
                    }
                    track_fence(&mut fence, item.last().unwrap());
                    i += 1;
                }
                // Trailing blank lines belong between items (not in an open fence).
                let mut fence = None;
                for l in &item {
                    track_fence(&mut fence, l);
                }
                let mut trailing = 0;
                while fence.is_none() && item.len() > 1 && is_blank(item.last().unwrap()) {
                    item.pop();
                    trailing += 1;
                }
                i -= trailing;
                let (mut children, inner_gap) = blocks(&item, defs, depth + 1, None);
                if inner_gap {
                    tight = false;
                }
                match (task, children.first_mut()) {
                    (Some(done), Some(Block::Para(_, t))) => *t = Some(done),
                    (Some(done), None) => children.push(Block::Para(String::new(), Some(done))),
                    _ => {}
                }
                items.push(children);
                let mut k = i;
                while k < lines.len() && is_blank(&lines[k]) {
                    k += 1;
                }
                match lines.get(k).and_then(|l| (!is_rule(l)).then(|| list_marker(l)).flatten()) {
                    Some(next) if next.ch == m.ch && next.ordered == m.ordered => {
                        if k > i {
                            tight = false;
                        }
                        i = k;
                        m = next;
                    }
                    _ => break,
                }
            }
            out.push(Block::List { ordered: first.ordered, start: first.start, tight, items });
            continue;
        }
        if let Some(kind) = html_start(line) {
            let mut text = String::new();
            while i < lines.len() {
                let l = &lines[i];
                if kind >= 6 && is_blank(l) {
                    break;
                }
                text.push_str(l);
                i += 1;
                if html_end(kind, l) {
                    break;
                }
            }
            out.push(Block::Html(text));
            continue;
        }
        if let Some((head, aligns)) = table_head(lines, i) {
            i += 2;
            let mut rows = Vec::new();
            // Short rows are padded with empty cells, within a budget that
            // grows with the table's text (a wide head over many one-cell
            // rows would otherwise make rows × columns cells).
            let mut pad_budget: usize = 4096;
            // A row of a lone `|` ends the table (as in pulldown-cmark).
            while i < lines.len()
                && !is_blank(&lines[i])
                && !interrupts(&lines[i], deep)
                && (deep || list_marker(&lines[i]).is_none())
                && lines[i].trim() != "|"
            {
                let mut cells = split_row(&lines[i]);
                pad_budget = pad_budget.saturating_add(lines[i].len());
                let pad = aligns.len().saturating_sub(cells.len()).min(pad_budget);
                pad_budget -= pad;
                cells.truncate(aligns.len());
                cells.resize(cells.len() + pad, String::new());
                rows.push(cells);
                i += 1;
            }
            out.push(Block::Table { aligns, head, rows });
            continue;
        }
        // A paragraph, possibly opened by link reference definitions.
        let mut para: Vec<&str> = vec![body(line).trim_start().trim_start_matches(LAZY)];
        i += 1;
        let mut heading = None;
        while i < lines.len() {
            let l = &lines[i];
            if is_blank(l) {
                break;
            }
            if indent(l) < 4 {
                if let Some(level) = setext(l) {
                    heading = Some((level, body(l).trim()));
                    i += 1;
                    break;
                }
                if interrupts(l, deep) || table_head(lines, i).is_some() {
                    break;
                }
            }
            // Leading spaces go in text (inline parsing drops them) but stay in code spans.
            para.push(body(l).trim_start_matches(LAZY));
            i += 1;
        }
        let joined = para.join("\n");
        let mut text = joined.as_str();
        while let Some((rest, def)) = ref_def(text) {
            defs.push(def);
            text = rest;
        }
        let text = text.trim().to_string();
        // Only definitions above an underline: it is a rule or text.
        match heading {
            _ if !text.is_empty() => {}
            Some((2, _)) => out.push(Block::Rule),
            Some((_, underline)) => out.push(Block::Para(underline.to_string(), None)),
            None => {}
        }
        if text.is_empty() {
            continue;
        }
        match heading {
            Some((level, _)) => out.push(Block::Heading(level, text)),
            None => out.push(Block::Para(text, None)),
        }
    }
    (out, gap)
}

fn norm_label(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `[label]: destination "title"` at the start of paragraph text.
fn ref_def(text: &str) -> Option<(&str, (String, String, String))> {
    let (label, end) = link_label(text, 0)?;
    let rest = text[end..].strip_prefix(':')?;
    let ws = rest.len() - rest.trim_start().len();
    let start = text.len() - rest.len() + ws;
    let (dest, mut p) = link_dest(text, start)?;
    let b = text.as_bytes();
    let after_dest = p;
    let mut q = p;
    while q < b.len() && (b[q] == b' ' || b[q] == b'\t' || b[q] == b'\n') {
        q += 1;
    }
    let mut title = String::new();
    if q > after_dest {
        if let Some((t, e)) = link_title(text, q) {
            let line_end = text[e..].find('\n').map_or(text.len(), |n| e + n);
            if text[e..line_end].trim().is_empty() {
                title = t;
                p = e;
            }
        }
    }
    let line_end = text[p..].find('\n').map_or(text.len(), |n| p + n);
    if !text[p..line_end].trim().is_empty() || (dest.is_empty() && !text[start..].starts_with('<')) {
        return None;
    }
    let rest = if line_end < text.len() { &text[line_end + 1..] } else { "" };
    Some((rest, (norm_label(&label), dest, title)))
}

/// `[label]` at `i`: its text and the index after `]`.
fn link_label(s: &str, i: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() && j - i <= 1000 {
        match b[j] {
            b'\\' => j += 1,
            b'[' => return None,
            b']' => {
                let label = &s[i + 1..j];
                return (!label.trim().is_empty()).then(|| (label.to_string(), j + 1));
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// A link destination at `i` (`<...>` or raw with balanced parentheses).
fn link_dest(s: &str, i: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.get(i) == Some(&b'<') {
        let mut j = i + 1;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 1,
                b'>' => return Some((unescape(&s[i + 1..j]), j + 1)),
                b'<' | b'\n' => return None,
                _ => {}
            }
            j += 1;
        }
        return None;
    }
    let mut depth = 0;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'\\' if j + 1 < b.len() && b[j + 1].is_ascii_punctuation() => j += 1,
            // (At most 32 nested parentheses, as in CommonMark's reference
            // implementations: it keeps the scans short.)
            b'(' if depth == 32 => return None,
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            c if c <= b' ' => break,
            _ => {}
        }
        j += 1;
    }
    (depth == 0).then(|| (unescape(&s[i..j]), j))
}

fn link_title(s: &str, i: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let close = match b.get(i)? {
        b'"' => b'"',
        b'\'' => b'\'',
        b'(' => b')',
        _ => return None,
    };
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == close {
            return Some((unescape(&s[i + 1..j]), j + 1));
        }
        if close == b')' && b[j] == b'(' {
            return None;
        }
        j += 1;
    }
    None
}

/// Backslash escapes and entities resolved.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() && b[i + 1].is_ascii_punctuation() {
            out.push(b[i + 1] as char);
            i += 2;
        } else if let Some((t, n)) = entity(&s[i..]) {
            out.push_str(&t);
            i += n;
        } else {
            let c = s[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// An entity at the start of `s`: its text and length. Numeric ones and the
/// common named ones; anything else stays as written.
fn entity(s: &str) -> Option<(String, usize)> {
    let rest = s.strip_prefix('&')?;
    let end = rest.bytes().take(33).position(|c| c == b';')?;
    let name = &rest[..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(h) if !h.is_empty() && h.len() <= 6 => u32::from_str_radix(h, 16).ok()?,
            None if !num.is_empty() && num.len() <= 7 && num.bytes().all(|d| d.is_ascii_digit()) => num.parse().ok()?,
            _ => return None,
        };
        char::from_u32(n).filter(|c| *c != '\0').unwrap_or('\u{FFFD}')
    } else {
        const NAMED: &[(&str, char)] = &[
            ("amp", '&'), ("lt", '<'), ("gt", '>'), ("quot", '"'), ("apos", '\''), ("nbsp", '\u{a0}'),
            ("copy", '©'), ("reg", '®'), ("trade", '™'), ("hellip", '…'), ("mdash", '—'), ("ndash", '–'),
            ("laquo", '«'), ("raquo", '»'), ("lsquo", '‘'), ("rsquo", '’'), ("ldquo", '“'), ("rdquo", '”'),
            ("middot", '·'), ("bull", '•'), ("deg", '°'), ("times", '×'), ("divide", '÷'), ("plusmn", '±'),
            ("euro", '€'), ("pound", '£'), ("yen", '¥'), ("cent", '¢'), ("sect", '§'), ("para", '¶'),
            ("larr", '←'), ("rarr", '→'), ("uarr", '↑'), ("darr", '↓'), ("harr", '↔'), ("rArr", '⇒'),
            ("le", '≤'), ("ge", '≥'), ("ne", '≠'), ("asymp", '≈'), ("infin", '∞'), ("check", '✓'),
        ];
        NAMED.iter().find(|(n, _)| *n == name)?.1
    };
    Some((c.to_string(), end + 2))
}

/// The length of an inline HTML tag, comment, processing instruction,
/// declaration or CDATA section at the start of `s`.
///
/// `whole[at..]` is looked at; `finds` remembers earlier searches of `whole`.
fn tag_len(whole: &str, at: usize, finds: &mut Finds) -> Option<usize> {
    let s = whole.get(at..)?;
    let b = s.as_bytes();
    if b.first() != Some(&b'<') {
        return None;
    }
    let mut find = |from: usize, k: usize| finds.find(whole, k, at + from).map(|e| e - at);
    if let Some(r) = s.strip_prefix("<!--") {
        return if r.starts_with('>') || r.starts_with("->") { None } else { find(4, 0) };
    }
    if s.starts_with("<?") {
        return find(2, 1);
    }
    if s.starts_with("<![CDATA[") {
        return find(9, 2);
    }
    if s.starts_with("<!") {
        return b.get(2).filter(|c| c.is_ascii_alphabetic()).and_then(|_| find(2, 3));
    }
    let closing = b.get(1) == Some(&b'/');
    let mut i = 1 + closing as usize;
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    let ws = |i: &mut usize| {
        let s0 = *i;
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
        *i > s0
    };
    if closing {
        ws(&mut i);
        return (b.get(i) == Some(&b'>')).then_some(i + 1);
    }
    loop {
        let had_ws = ws(&mut i);
        match b.get(i)? {
            b'>' => return Some(i + 1),
            b'/' => return (b.get(i + 1) == Some(&b'>')).then_some(i + 2),
            c if had_ws && (c.is_ascii_alphabetic() || *c == b'_' || *c == b':') => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_.:-".contains(&b[i])) {
                    i += 1;
                }
                let save = i;
                ws(&mut i);
                if b.get(i) == Some(&b'=') {
                    i += 1;
                    ws(&mut i);
                    match b.get(i)? {
                        q @ (b'"' | b'\'') => {
                            i = i + 1 + s[i + 1..].find(*q as char)? + 1;
                        }
                        _ => {
                            let s0 = i;
                            while i < b.len() && !b[i].is_ascii_whitespace() && !b"\"'=<>`".contains(&b[i]) {
                                i += 1;
                            }
                            if i == s0 {
                                return None;
                            }
                        }
                    }
                } else {
                    i = save;
                }
            }
            _ => return None,
        }
    }
}

/// An autolink `<scheme:...>` or `<user@host>` at the start of `s`: the
/// destination and the length.
fn autolink(s: &str) -> Option<(String, usize)> {
    // (No autolink holds a space, a control character or `<`: the search
    // stops there, so it never scans far.)
    let (end, _) = s
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '>' || c == '<' || c.is_whitespace() || c.is_control())
        .filter(|&(_, c)| c == '>')?;
    let inner = &s[1..end];
    if inner.is_empty() || inner.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<') {
        return None;
    }
    if let Some((scheme, _)) = inner.split_once(':') {
        let ok = (2..=32).contains(&scheme.len())
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
        if ok {
            return Some((inner.to_string(), end + 1));
        }
    }
    let (user, host) = inner.split_once('@')?;
    let user_ok = !user.is_empty() && user.chars().all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let host_ok = host.split('.').all(|p| {
        !p.is_empty() && p.len() <= 63 && !p.starts_with('-') && !p.ends_with('-') && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    (user_ok && host_ok).then(|| (inner.to_string(), end + 1))
}

fn push(out: &mut Vec<Node>, node: Node) {
    if let (Node::Text(new), Some(Node::Text(prev))) = (&node, out.last_mut()) {
        prev.push_str(new);
        return;
    }
    out.push(node);
}

fn el(kind: Kind, children: Vec<Node>) -> Node {
    Node::Element(Element { kind, children })
}

fn render_block(b: Block, env: &Env, out: &mut Vec<Node>, tight: bool) {
    match b {
        Block::Para(text, task) => {
            let mut kids = Vec::new();
            if let Some(done) = task {
                kids.push(el(Kind::TaskMarker(done), vec![]));
            }
            for n in inline(&text, env) {
                push(&mut kids, n);
            }
            // A task marker with no text yet stands alone in its item.
            if tight || text.is_empty() {
                for n in kids {
                    push(out, n);
                }
            } else {
                push(out, el(Kind::Paragraph, kids));
            }
        }
        Block::Heading(level, text) => push(out, el(Kind::Heading(level), inline(&text, env))),
        Block::Code(lang, text) => {
            let kids = if text.is_empty() { vec![] } else { vec![Node::Text(text)] };
            push(out, el(Kind::CodeBlock(lang), kids));
        }
        Block::Html(text) => push(out, Node::Text(text)),
        Block::Rule => push(out, el(Kind::Rule, vec![])),
        Block::Quote(inner) => {
            let mut kids = Vec::new();
            for b in inner {
                render_block(b, env, &mut kids, false);
            }
            push(out, el(Kind::BlockQuote, kids));
        }
        Block::List { ordered, start, tight, items } => {
            let items = items
                .into_iter()
                .map(|blocks| {
                    let mut kids = Vec::new();
                    for b in blocks {
                        render_block(b, env, &mut kids, tight);
                    }
                    el(Kind::Item, kids)
                })
                .collect();
            push(out, el(Kind::List { ordered, start }, items));
        }
        Block::Table { aligns, head, rows } => {
            let row = |cells: Vec<String>, header: bool| {
                cells
                    .iter()
                    .zip(&aligns)
                    .map(|(c, a)| el(Kind::TableCell { header, align: *a }, inline(c, env)))
                    .collect::<Vec<_>>()
            };
            let mut kids = vec![el(Kind::TableHead, row(head, true))];
            for r in rows {
                kids.push(el(Kind::TableRow, row(r, false)));
            }
            push(out, el(Kind::Table, kids));
        }
    }
}

/// Inline content while it is parsed: text, a run of emphasis delimiters,
/// a finished node, nodes shown without their wrapper, or an open `[` / `![`.
enum It {
    T(String),
    D { ch: char, n: usize, orig: usize, open: bool, close: bool },
    /// A finished node and its depth.
    N(Node, usize),
    /// Nodes kept without a wrapper (it would nest too deep), and their depth.
    G(Vec<Node>, usize),
    B { image: bool },
}

const NIL: usize = usize::MAX;

/// An item in a doubly linked list (`prev`, `next`); delimiter runs are
/// also linked among themselves (`dprev`, `dnext`), so that matching an
/// opener with a closer, and dropping the delimiters between them, costs
/// O(1) plus the items it wraps (each item is wrapped once).
struct Slot {
    it: It,
    prev: usize,
    next: usize,
    dprev: usize,
    dnext: usize,
}

struct Items {
    v: Vec<Slot>,
    head: usize,
    tail: usize,
    dhead: usize,
    dtail: usize,
}

impl Items {
    fn new() -> Self {
        Items { v: Vec::new(), head: NIL, tail: NIL, dhead: NIL, dtail: NIL }
    }

    fn push(&mut self, it: It) -> usize {
        let idx = self.v.len();
        let delim = matches!(it, It::D { .. });
        self.v.push(Slot { it, prev: self.tail, next: NIL, dprev: NIL, dnext: NIL });
        match self.tail {
            NIL => self.head = idx,
            t => self.v[t].next = idx,
        }
        self.tail = idx;
        if delim {
            self.v[idx].dprev = self.dtail;
            match self.dtail {
                NIL => self.dhead = idx,
                t => self.v[t].dnext = idx,
            }
            self.dtail = idx;
        }
        idx
    }

    fn insert_after(&mut self, at: usize, it: It) {
        let idx = self.v.len();
        let next = if at == NIL { self.head } else { self.v[at].next };
        self.v.push(Slot { it, prev: at, next, dprev: NIL, dnext: NIL });
        match at {
            NIL => self.head = idx,
            a => self.v[a].next = idx,
        }
        match next {
            NIL => self.tail = idx,
            n => self.v[n].prev = idx,
        }
    }

    fn unlink(&mut self, idx: usize) {
        let (p, n) = (self.v[idx].prev, self.v[idx].next);
        match p {
            NIL => self.head = n,
            p => self.v[p].next = n,
        }
        match n {
            NIL => self.tail = p,
            n => self.v[n].prev = p,
        }
    }

    fn dunlink(&mut self, idx: usize) {
        let (p, n) = (self.v[idx].dprev, self.v[idx].dnext);
        match p {
            NIL => self.dhead = n,
            p => self.v[p].dnext = n,
        }
        match n {
            NIL => self.dtail = p,
            n => self.v[n].dprev = p,
        }
    }

    /// Removes the items strictly between `a` and `b` (`NIL`: the list's
    /// ends) and returns them as nodes, with their depth.
    fn take_between(&mut self, a: usize, b: usize) -> (Vec<Node>, usize) {
        let mut out = Vec::new();
        let mut depth = 0;
        let mut x = if a == NIL { self.head } else { self.v[a].next };
        while x != b && x != NIL {
            let it = std::mem::replace(&mut self.v[x].it, It::T(String::new()));
            match it {
                It::T(t) => push(&mut out, Node::Text(t)),
                It::D { ch, n, .. } => push(&mut out, Node::Text(ch.to_string().repeat(n))),
                It::N(node, d) => {
                    depth = depth.max(d);
                    push(&mut out, node);
                }
                It::G(nodes, d) => {
                    depth = depth.max(d);
                    for node in nodes {
                        push(&mut out, node);
                    }
                }
                It::B { image } => push(&mut out, Node::Text(if image { "![" } else { "[" }.into())),
            }
            x = self.v[x].next;
        }
        match a {
            NIL => self.head = b,
            a => self.v[a].next = b,
        }
        match b {
            NIL => self.tail = a,
            b => self.v[b].prev = a,
        }
        (out, depth)
    }

    /// CommonMark's "process emphasis" for the delimiters after `bottom`
    /// (`NIL`: all), with its `openers_bottom` bounds (kept as slot indices:
    /// delimiters are numbered in source order), so the work is linear.
    fn emphasis(&mut self, bottom: usize) {
        let base: isize = if bottom == NIL { -1 } else { bottom as isize };
        // Per delimiter character, per closer kind: openers at or below this
        // index are known not to match.
        let mut lows = [[base; 6]; 3];
        let mut c = if bottom == NIL { self.dhead } else { self.v[bottom].dnext };
        while c != NIL {
            let It::D { ch, n: cn, orig: corig, open: copen, close: cclose } = self.v[c].it else {
                c = self.v[c].dnext;
                continue;
            };
            if !cclose {
                c = self.v[c].dnext;
                continue;
            }
            let ci = match ch {
                '*' => 0,
                '_' => 1,
                _ => 2,
            };
            let ki = if ch == '~' { corig.min(5) } else { corig % 3 + if copen { 3 } else { 0 } };
            let mut o = self.v[c].dprev;
            let mut found = None;
            while o != NIL && (o as isize) > lows[ci][ki] {
                if let It::D { ch: och, n: on, orig: oorig, open: true, close: oclose } = self.v[o].it {
                    let ok = och == ch
                        && if ch == '~' {
                            on == cn
                        } else {
                            !((oclose || copen) && (oorig + corig) % 3 == 0 && !(oorig % 3 == 0 && corig % 3 == 0))
                        };
                    if ok {
                        found = Some(on);
                        break;
                    }
                }
                o = self.v[o].dprev;
            }
            let Some(on) = found else {
                let p = self.v[c].dprev;
                lows[ci][ki] = if p == NIL { -1 } else { p as isize };
                let next = self.v[c].dnext;
                if !copen {
                    self.dunlink(c);
                }
                c = next;
                continue;
            };
            let k = if ch == '~' { cn } else if on >= 2 && cn >= 2 { 2 } else { 1 };
            let kind = match (ch, k) {
                ('~', _) => Kind::Strikethrough,
                (_, 2) => Kind::Strong,
                _ => Kind::Emphasis,
            };
            let (kids, d) = self.take_between(o, c);
            // The delimiters between the two are now text inside the node.
            self.v[o].dnext = c;
            self.v[c].dprev = o;
            let wrapped = if d < MAX_INLINE_DEPTH {
                It::N(el(kind, kids), d + 1)
            } else {
                let marks = ch.to_string().repeat(k);
                let mut nodes = vec![Node::Text(marks.clone())];
                for n in kids {
                    push(&mut nodes, n);
                }
                push(&mut nodes, Node::Text(marks));
                It::G(nodes, d)
            };
            self.insert_after(o, wrapped);
            if let It::D { n, .. } = &mut self.v[o].it {
                *n -= k;
                if *n == 0 {
                    self.unlink(o);
                    self.dunlink(o);
                }
            }
            if let It::D { n, .. } = &mut self.v[c].it {
                *n -= k;
                if *n == 0 {
                    let next = self.v[c].dnext;
                    self.unlink(c);
                    self.dunlink(c);
                    c = next;
                }
            }
        }
        // The delimiters after `bottom` are done with.
        match bottom {
            NIL => {
                self.dhead = NIL;
                self.dtail = NIL;
            }
            b => {
                self.v[b].dnext = NIL;
                self.dtail = b;
            }
        }
    }
}

/// An open bracket: its item, whether it opens an image, where its text
/// starts in the source, and the last delimiter before it.
struct Bracket {
    slot: usize,
    image: bool,
    pos: usize,
    dbottom: usize,
}

/// Where the closing backtick runs of each length are (found once per
/// inline pass, so code spans cost O(log n) each, not a scan).
fn backtick_runs(s: &str) -> std::collections::HashMap<usize, Vec<usize>> {
    let b = s.as_bytes();
    let mut runs: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let start = i;
            while i < b.len() && b[i] == b'`' {
                i += 1;
            }
            runs.entry(i - start).or_default().push(start);
        } else {
            i += 1;
        }
    }
    runs
}

/// Searches for the ends of HTML comments, processing instructions, CDATA
/// and declarations, remembering the last answer per needle: a search that
/// found nothing from `p` finds nothing from any later point, so the
/// searches of one inline pass cost O(n) together.
#[derive(Default)]
struct Finds {
    memo: [Option<(usize, Option<usize>)>; 4],
}

const NEEDLES: [&str; 4] = ["-->", "?>", "]]>", ">"];

impl Finds {
    /// The index after the first `NEEDLES[k]` at or after `from`.
    fn find(&mut self, s: &str, k: usize, from: usize) -> Option<usize> {
        let needle = NEEDLES[k];
        if let Some((f, r)) = self.memo[k] {
            if from >= f {
                match r {
                    None => return None,
                    Some(m) if m >= from => return Some(m + needle.len()),
                    _ => {}
                }
            }
        }
        let r = s.get(from..)?.find(needle).map(|n| from + n);
        self.memo[k] = Some((from, r));
        r.map(|m| m + needle.len())
    }
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace())
}

fn inline(s: &str, env: &Env) -> Vec<Node> {
    let b = s.as_bytes();
    let mut items = Items::new();
    let mut brackets: Vec<Bracket> = Vec::new();
    // Brackets below this index in `brackets` cannot open a link (they
    // would hold the link just made).
    let mut active_from = 0;
    let mut runs = None;
    let mut finds = Finds::default();
    let mut text = String::new();
    fn flush(items: &mut Items, text: &mut String) {
        if !text.is_empty() {
            items.push(It::T(std::mem::take(text)));
        }
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'\n') => {
                flush(&mut items, &mut text);
                items.push(It::N(el(Kind::LineBreak, vec![]), 1));
                i += 2;
                while i < b.len() && b[i] == b' ' {
                    i += 1;
                }
            }
            b'\\' if b.get(i + 1).is_some_and(|c| c.is_ascii_punctuation()) => {
                text.push(b[i + 1] as char);
                i += 2;
            }
            b'\n' => {
                let kept = text.trim_end_matches([' ', '\t']).len();
                let hard = text.len() - kept >= 2;
                text.truncate(kept);
                if hard {
                    flush(&mut items, &mut text);
                    items.push(It::N(el(Kind::LineBreak, vec![]), 1));
                } else {
                    text.push('\n');
                }
                i += 1;
                while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                    i += 1;
                }
            }
            b'`' => {
                let n = s[i..].len() - s[i..].trim_start_matches('`').len();
                let runs = runs.get_or_insert_with(|| backtick_runs(s));
                let found = runs.get(&n).and_then(|starts| {
                    let k = starts.partition_point(|&p| p < i + n);
                    starts.get(k).copied()
                });
                match found {
                    Some(end) => {
                        let mut code = s[i + n..end].replace('\n', " ");
                        if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty() {
                            code = code[1..code.len() - 1].to_string();
                        }
                        flush(&mut items, &mut text);
                        items.push(It::N(el(Kind::InlineCode, vec![Node::Text(code)]), 1));
                        i = end + n;
                    }
                    None => {
                        text.push_str(&s[i..i + n]);
                        i += n;
                    }
                }
            }
            c @ (b'*' | b'_' | b'~') => {
                let ch = c as char;
                let n = s[i..].len() - s[i..].trim_start_matches(ch).len();
                let before = s[..i].chars().next_back().unwrap_or('\n');
                let after = s[i + n..].chars().next().unwrap_or('\n');
                let left = !after.is_whitespace() && (!is_punct(after) || before.is_whitespace() || is_punct(before));
                let right = !before.is_whitespace() && (!is_punct(before) || after.is_whitespace() || is_punct(after));
                let (open, close) = if ch == '_' {
                    (left && (!right || is_punct(before)), right && (!left || is_punct(after)))
                } else {
                    (left, right)
                };
                if ch == '~' && n > 2 {
                    text.push_str(&s[i..i + n]);
                } else {
                    flush(&mut items, &mut text);
                    items.push(It::D { ch, n, orig: n, open, close });
                }
                i += n;
            }
            b'[' => {
                flush(&mut items, &mut text);
                let dbottom = items.dtail;
                let slot = items.push(It::B { image: false });
                brackets.push(Bracket { slot, image: false, pos: i + 1, dbottom });
                i += 1;
            }
            b'!' if b.get(i + 1) == Some(&b'[') => {
                flush(&mut items, &mut text);
                let dbottom = items.dtail;
                let slot = items.push(It::B { image: true });
                brackets.push(Bracket { slot, image: true, pos: i + 2, dbottom });
                i += 2;
            }
            b']' => {
                flush(&mut items, &mut text);
                i = close_bracket(s, i, &mut items, &mut brackets, &mut active_from, env);
            }
            b'<' => {
                if let Some((dest, n)) = autolink(&s[i..]) {
                    flush(&mut items, &mut text);
                    let label = Node::Text(dest.clone());
                    match safe_href(&dest) {
                        Some(href) => items.push(It::N(el(Kind::Link { href, title: String::new() }, vec![label]), 1)),
                        None => items.push(It::N(label, 0)),
                    };
                    i += n;
                } else if let Some(n) = tag_len(s, i, &mut finds) {
                    text.push_str(&s[i..i + n]);
                    i += n;
                } else {
                    text.push('<');
                    i += 1;
                }
            }
            b'&' => match entity(&s[i..]) {
                Some((t, n)) => {
                    text.push_str(&t);
                    i += n;
                }
                None => {
                    text.push('&');
                    i += 1;
                }
            },
            _ => {
                let from = i + s[i..].chars().next().map_or(1, char::len_utf8);
                let end = s[from..]
                    .find(['\\', '\n', '`', '*', '_', '~', '[', '!', ']', '<', '&'])
                    .map_or(s.len(), |n| from + n);
                text.push_str(&s[i..end]);
                i = end;
            }
        }
    }
    flush(&mut items, &mut text);
    items.emphasis(NIL);
    items.take_between(NIL, NIL).0
}

/// At a `]`: a link or image when the nearest open bracket has a
/// destination after the `]`; otherwise the brackets are text. Returns the
/// index after what it consumed.
fn close_bracket(
    s: &str,
    i: usize,
    items: &mut Items,
    brackets: &mut Vec<Bracket>,
    active_from: &mut usize,
    env: &Env,
) -> usize {
    let Some(&Bracket { slot, image, pos, dbottom }) = brackets.last() else {
        items.push(It::T("]".into()));
        return i + 1;
    };
    let active = brackets.len() > *active_from;
    let b = s.as_bytes();
    let mut target = None;
    if active {
        if b.get(i + 1) == Some(&b'(') {
            target = inline_target(s, i + 2);
        }
        if target.is_none() {
            // Reference links: [text][label], [text][], [text].
            let (label, end) = match link_label(s, i + 1) {
                Some((l, e)) => (Some(l), e),
                None if s[i + 1..].starts_with("[]") => (None, i + 3),
                None => (None, i + 1),
            };
            // A label is at most 999 characters (longer text is no label).
            let raw = label.as_deref().or_else(|| s.get(pos..i).filter(|t| t.len() <= 999));
            if let Some((dest, title)) = raw.map(norm_label).filter(|k| !k.is_empty()).and_then(|k| env.lookup(&k)) {
                target = Some((dest, title, end));
            }
        }
    }
    brackets.pop();
    *active_from = (*active_from).min(brackets.len());
    let Some((dest, title, end)) = target else {
        items.v[slot].it = It::T(if image { "![" } else { "[" }.into());
        items.push(It::T("]".into()));
        return i + 1;
    };
    items.emphasis(dbottom);
    let (kids, d) = items.take_between(slot, NIL);
    items.unlink(slot);
    if image {
        items.push(It::T("[image: ".into()));
    }
    match safe_href(&dest) {
        Some(href) if d < MAX_INLINE_DEPTH => {
            let title = if image { String::new() } else { title };
            items.push(It::N(el(Kind::Link { href, title }, kids), d + 1));
        }
        _ => {
            items.push(It::G(kids, d));
        }
    }
    if image {
        items.push(It::T("]".into()));
    } else {
        *active_from = brackets.len();
    }
    end
}

/// `(destination "title")` after `](`: destination, title, index after `)`.
fn inline_target(s: &str, mut i: usize) -> Option<(String, String, usize)> {
    let b = s.as_bytes();
    let skip = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip(&mut i);
    let (dest, mut j) = if b.get(i) == Some(&b')') { (String::new(), i) } else { link_dest(s, i)? };
    let after = j;
    skip(&mut j);
    let mut title = String::new();
    if j > after {
        if let Some((t, e)) = link_title(s, j) {
            title = t;
            j = e;
            skip(&mut j);
        }
    }
    (b.get(j) == Some(&b')')).then_some((dest, title, j + 1))
}

/// One piece of what is shown: Markdown nodes, or plain text (an answer
/// over [`MAX_SIZE`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Nodes(Arc<Vec<Node>>),
    Text(Arc<str>),
}

/// What to show for a text: keyed pieces in order. A key changes whenever
/// its piece does, so a view keyed by it rebuilds only changed pieces.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// `Some(bytes)` when the text is too long to format and is shown as
    /// plain text.
    pub plain: Option<usize>,
    pub pieces: Vec<(u64, Piece)>,
}

/// Equal when the same pieces (by key) are shown.
impl PartialEq for Rendered {
    fn eq(&self, other: &Self) -> bool {
        self.plain == other.plain
            && self.pieces.len() == other.pieces.len()
            && self.pieces.iter().zip(&other.pieces).all(|(a, b)| a.0 == b.0)
    }
}

impl Rendered {
    /// The Markdown pieces as one tree (adjacent text merged), as [`parse`]
    /// returns it for the whole text.
    pub fn nodes(&self) -> Vec<Node> {
        let mut out = Vec::new();
        for (_, p) in &self.pieces {
            match p {
                Piece::Nodes(nodes) => {
                    for n in nodes.iter() {
                        push(&mut out, n.clone());
                    }
                }
                Piece::Text(t) => push(&mut out, Node::Text(t.to_string())),
            }
        }
        out
    }
}

/// Bytes of a plain-text piece: a cut after a newline at 8 KiB or more,
/// else at 16 KiB.
const PLAIN_MIN: usize = 8 * 1024;
const PLAIN_MAX: usize = 16 * 1024;

/// A finished piece of the text: `src[start..end]`, its key and content,
/// the reference labels its inline pass did not find among the finished
/// definitions (`misses`), and those it took from the open tail (`sig`).
struct Done {
    start: usize,
    end: usize,
    key: u64,
    piece: Piece,
    misses: HashSet<String>,
    sig: Vec<Def>,
}

/// Renders a growing text (a streamed answer) at a cost per update that
/// does not grow with the text: the text is cut into top-level blocks at
/// points no later text can change (a blank line, then a complete line that
/// starts a new top-level block), the finished pieces are kept, and only
/// the open tail is parsed again. Link reference definitions are global, so
/// a finished piece is parsed again when a label it missed gets defined.
/// The result always equals [`parse`] of the whole text (property-tested).
/// A text that is not an extension of the previous one starts afresh; one
/// over [`MAX_SIZE`] is cut into plain-text pieces instead.
#[derive(Default)]
pub struct Incremental {
    src: String,
    done: Vec<Done>,
    defs: RefMap,
    miss_index: HashMap<String, Vec<usize>>,
    tail_users: HashSet<usize>,
    next_key: u64,
    plain: bool,
}

impl Incremental {
    pub fn new() -> Self {
        Self::default()
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    /// What to show for `text` (usually the previous text plus a delta).
    pub fn update(&mut self, text: &str) -> Rendered {
        loop {
            let (shown, more) = self.update_within(text, usize::MAX);
            if !more {
                return shown;
            }
        }
    }

    /// Like [`Incremental::update`], but parses only about `budget` bytes of
    /// new text when they end in finished blocks: then the result shows the
    /// pieces finished so far and `true` asks to be called again (say, next
    /// frame), so a long text arriving at once is parsed over several calls.
    pub fn update_within(&mut self, text: &str, budget: usize) -> (Rendered, bool) {
        let plain = text.len() > MAX_SIZE;
        if plain != self.plain || !text.as_bytes().starts_with(self.src.as_bytes()) {
            *self = Incremental { next_key: self.next_key, plain, ..Default::default() };
        }
        if plain {
            return (self.update_plain(text), false);
        }
        let Some(tail) = text.get(self.src.len()..) else {
            *self = Incremental { next_key: self.next_key, ..Default::default() };
            return self.update_within(text, budget);
        };
        let is_cut = |sc: &Scanned, l: usize| l > 0 && is_blank(&sc.lines[l - 1]) && sc.lines[l].ends_with('\n');
        // Over the budget: the first `budget` bytes (whole lines), if a
        // block ends in them (a cut there is a cut in the whole text: what
        // decides it lies before it).
        let window = (tail.len() > budget)
            .then(|| tail.as_bytes()[..budget].iter().rposition(|&c| c == b'\n'))
            .flatten()
            .map(|p| scan(&tail[..p + 1]))
            .filter(|w| w.starts.iter().any(|&l| is_cut(w, l)));
        let partial = window.is_some();
        let first = window.unwrap_or_else(|| scan(tail));
        // Every point where a new top-level block starts after a blank
        // line, on a complete line: what is before it is final.
        let cuts: Vec<usize> = first
            .starts
            .iter()
            .filter(|&&l| is_cut(&first, l))
            .map(|&l| first.line_ends[l - 1])
            .collect();
        let mut new_labels = Vec::new();
        let mut fresh = Vec::new();
        let mut from = 0;
        for cut in &cuts {
            let piece_src = &tail[from..*cut];
            from = *cut;
            let piece = scan(piece_src);
            for (label, dest, title) in &piece.defs {
                if !self.defs.contains_key(label) {
                    self.defs.insert(label.clone(), (dest.clone(), title.clone()));
                    new_labels.push(label.clone());
                }
            }
            let start = self.src.len();
            self.src.push_str(piece_src);
            let key = self.key();
            self.done.push(Done {
                start,
                end: self.src.len(),
                key,
                piece: Piece::Nodes(Arc::new(Vec::new())),
                misses: HashSet::new(),
                sig: Vec::new(),
            });
            fresh.push((self.done.len() - 1, piece.blocks));
        }
        let rest = match (partial, cuts.is_empty()) {
            (true, _) => None,
            (false, true) => Some(first),
            (false, false) => Some(scan(&text[self.src.len()..])),
        };
        // The open tail's definitions (after every finished one).
        let mut tmap = RefMap::new();
        for (label, dest, title) in rest.iter().flat_map(|r| &r.defs) {
            if !self.defs.contains_key(label) {
                tmap.entry(label.clone()).or_insert_with(|| (dest.clone(), title.clone()));
            }
        }
        // Finished pieces whose view may change: one that missed a label
        // now defined, or that used the tail's definitions.
        let mut dirty: Vec<usize> = self.tail_users.iter().copied().collect();
        for label in new_labels.iter().chain(tmap.keys()) {
            if let Some(v) = self.miss_index.get(label) {
                dirty.extend(v.iter().copied());
            }
        }
        dirty.sort_unstable();
        dirty.dedup();
        let first_fresh = fresh.first().map_or(usize::MAX, |f| f.0);
        dirty.retain(|&d| d < first_fresh);
        for (idx, blocks) in fresh {
            self.render_done(idx, blocks, &tmap);
        }
        for idx in dirty {
            let d = &self.done[idx];
            let stale = new_labels.iter().any(|l| d.misses.contains(l)) || sig_of(&d.misses, &tmap) != d.sig;
            if stale {
                let blocks = scan(&self.src[d.start..d.end]).blocks;
                self.render_done(idx, blocks, &tmap);
            }
        }
        let env = Env { done: &self.defs, tail: Some(&tmap), misses: Default::default() };
        let tail_nodes = rest.map(|r| render(r.blocks, &env)).unwrap_or_default();
        let mut pieces: Vec<(u64, Piece)> = self.done.iter().map(|d| (d.key, d.piece.clone())).collect();
        if !tail_nodes.is_empty() {
            pieces.push((self.key(), Piece::Nodes(Arc::new(tail_nodes))));
        }
        (Rendered { plain: None, pieces }, partial)
    }

    fn render_done(&mut self, idx: usize, blocks: Vec<Block>, tmap: &RefMap) {
        let env = Env { done: &self.defs, tail: Some(tmap), misses: Default::default() };
        let nodes = render(blocks, &env);
        let misses = env.misses.into_inner();
        let sig = sig_of(&misses, tmap);
        for label in &misses {
            let v = self.miss_index.entry(label.clone()).or_default();
            if v.last() != Some(&idx) {
                v.push(idx);
            }
        }
        if sig.is_empty() {
            self.tail_users.remove(&idx);
        } else {
            self.tail_users.insert(idx);
        }
        let key = self.key();
        let d = &mut self.done[idx];
        d.piece = Piece::Nodes(Arc::new(nodes));
        d.misses = misses;
        d.sig = sig;
        d.key = key;
    }

    fn update_plain(&mut self, text: &str) -> Rendered {
        loop {
            let rest = &text.as_bytes()[self.src.len()..];
            if rest.len() <= PLAIN_MAX {
                break;
            }
            let cut = match rest[PLAIN_MIN..PLAIN_MAX].iter().position(|&c| c == b'\n') {
                Some(p) => PLAIN_MIN + p + 1,
                None => {
                    let mut c = PLAIN_MAX;
                    while !text.is_char_boundary(self.src.len() + c) {
                        c -= 1;
                    }
                    c
                }
            };
            let start = self.src.len();
            let chunk = &text[start..start + cut];
            self.src.push_str(chunk);
            let key = self.key();
            self.done.push(Done {
                start,
                end: self.src.len(),
                key,
                piece: Piece::Text(Arc::from(chunk)),
                misses: HashSet::new(),
                sig: Vec::new(),
            });
        }
        let mut pieces: Vec<(u64, Piece)> = self.done.iter().map(|d| (d.key, d.piece.clone())).collect();
        let rest = &text[self.src.len()..];
        if !rest.is_empty() {
            pieces.push((self.key(), Piece::Text(Arc::from(rest))));
        }
        Rendered { plain: Some(text.len()), pieces }
    }
}

/// The tail definitions a piece with these misses uses, sorted.
fn sig_of(misses: &HashSet<String>, tmap: &RefMap) -> Vec<Def> {
    let mut sig: Vec<Def> = tmap
        .iter()
        .filter(|(l, _)| misses.contains(*l))
        .map(|(l, (d, t))| (l.clone(), d.clone(), t.clone()))
        .collect();
    sig.sort();
    sig
}

/// What to show for a finished text (no streaming).
pub fn render_text(text: &str) -> Rendered {
    Incremental::new().update(text)
}

/// How deeply elements nest in a tree (0 for text alone).
pub fn depth(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .map(|n| match n {
            Node::Text(_) => 0,
            Node::Element(e) => 1 + depth(&e.children),
        })
        .max()
        .unwrap_or(0)
}

/// All text of a tree, for tests and accessible summaries.
pub fn plain_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    fn walk(nodes: &[Node], out: &mut String) {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => walk(&e.children, out),
            }
        }
    }
    walk(nodes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(nodes: &'a [Node], pred: &dyn Fn(&Kind) -> bool, out: &mut Vec<&'a Element>) {
        for n in nodes {
            if let Node::Element(e) = n {
                if pred(&e.kind) {
                    out.push(e);
                }
                find(&e.children, pred, out);
            }
        }
    }

    #[test]
    fn raw_html_stays_text() {
        let src = "Hi <script>alert(1)</script> and <img src=x onerror=\"alert(2)\">\n\n<div>block</div>";
        let tree = parse(src);
        let text = plain_text(&tree);
        assert!(text.contains("<script>alert(1)</script>"), "{text}");
        assert!(text.contains("<img src=x onerror=\"alert(2)\">"), "{text}");
        assert!(text.contains("<div>block</div>"), "{text}");
    }

    #[test]
    fn only_safe_links_survive() {
        let tree = parse("[ok](https://a.example/x) [bad](javascript:alert(1)) [data](data:text/html,x) [rel](/etc) [m](mailto:a@b.c) [sp]( JaVaScRiPt:alert(1))");
        let mut links = Vec::new();
        find(&tree, &|k| matches!(k, Kind::Link { .. }), &mut links);
        let hrefs: Vec<_> = links
            .iter()
            .map(|e| match &e.kind {
                Kind::Link { href, .. } => href.as_str(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(hrefs, vec!["https://a.example/x", "mailto:a@b.c"]);
        // The refused links' text is still shown.
        let text = plain_text(&tree);
        for word in ["bad", "data", "rel", "sp"] {
            assert!(text.contains(word));
        }
    }

    #[test]
    fn structure_of_common_markdown() {
        let src = "# Title\n\n- a\n- b\n\n1. one\n2. two\n\n| x | y |\n|:--|--:|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\n**bold** `code` ~~old~~";
        let tree = parse(src);
        let mut v = Vec::new();
        find(&tree, &|k| matches!(k, Kind::Heading(1)), &mut v);
        assert_eq!(v.len(), 1);
        v.clear();
        find(&tree, &|k| matches!(k, Kind::List { ordered: false, .. }), &mut v);
        assert_eq!(v.len(), 1);
        v.clear();
        find(&tree, &|k| matches!(k, Kind::List { ordered: true, start: 1 }), &mut v);
        assert_eq!(v.len(), 1);
        v.clear();
        find(&tree, &|k| matches!(k, Kind::TableCell { header: true, align: Align::Left }), &mut v);
        assert_eq!(v.len(), 1);
        v.clear();
        find(&tree, &|k| matches!(k, Kind::TableCell { header: false, align: Align::Right }), &mut v);
        assert_eq!(v.len(), 1);
        v.clear();
        find(&tree, &|k| matches!(k, Kind::CodeBlock(Some(l)) if l == "rust"), &mut v);
        assert_eq!(plain_text(&v[0].children), "fn main() {}\n");
        v.clear();
        find(&tree, &|k| matches!(k, Kind::Strong | Kind::InlineCode | Kind::Strikethrough), &mut v);
        assert_eq!(v.len(), 3);
    }

    #[test]
    fn unfinished_markdown_while_streaming_is_fine() {
        // Half a code fence and half a link, as seen mid-stream.
        let tree = parse("Some text\n\n```py\nprint(1");
        assert!(plain_text(&tree).contains("print(1"));
        let tree = parse("see [the docs](https://exa");
        assert!(plain_text(&tree).contains("the docs"));
    }

    #[test]
    fn blocks_parse_like_the_whole() {
        let src = "# Title\n\nIntro *text*.\n\n- a\n- b\n\n- loose c\n\n1. one\n2. two\n\n```\ncode\n\nwith blank\n```\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n> quote\n\nEnd.";
        let shown = render_text(src);
        assert!(shown.pieces.len() >= 6, "{shown:?}");
        assert_eq!(shown.nodes(), parse(src));
    }

    #[test]
    fn images_are_not_loaded() {
        let tree = parse("![alt text](https://tracker.example/p.png)");
        assert!(plain_text(&tree).contains("[image: alt text]"));
    }
}

//! Markdown to a small, safe document tree.
//!
//! Model output is untrusted. This module never produces HTML: raw HTML in
//! the source becomes plain text, and links keep their target only when it
//! uses a safe scheme (`http`, `https`, `mailto`). The UI turns the tree into
//! DOM nodes with text content, so nothing the model writes can execute.

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

/// Parses Markdown (CommonMark plus tables, strikethrough and task lists).
///
/// A compact in-house parser of the subset the dashboard shows (it replaced
/// pulldown-cmark, which was a fifth of the wasm bundle): blocks first (into
/// [`Block`]s holding raw inline text), then link reference definitions are
/// known and the inlines are parsed. Anything it does not recognise is text.
pub fn parse(source: &str) -> Vec<Node> {
    let src = source.replace("\r\n", "\n");
    let lines: Vec<String> = src.split_inclusive('\n').map(str::to_string).collect();
    let mut refs = Vec::new();
    let blocks = blocks(&lines, &mut refs).0;
    let mut out = Vec::new();
    for b in blocks {
        render_block(b, &refs, &mut out, false);
    }
    out
}

/// A link reference definition: normalised label, destination, title.
type Refs = Vec<(String, String, String)>;

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
    match tag_len(t) {
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

/// Whether a (non-blank, container-stripped) line ends a paragraph.
fn interrupts(line: &str) -> bool {
    fence_open(line).is_some()
        || atx(line).is_some()
        || is_rule(line)
        || quote_line(line).is_some()
        || list_marker(line).is_some_and(|m| !m.empty && (!m.ordered || m.start == 1))
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
/// continuation line may follow).
fn ends_in_paragraph(lines: &[String]) -> bool {
    let mut fence = None;
    for l in lines {
        track_fence(&mut fence, l);
    }
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
fn blocks(lines: &[String], refs: &mut Refs) -> (Vec<Block>, bool) {
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
        if quote_line(line).is_some() {
            let mut inner: Vec<String> = Vec::new();
            while i < lines.len() {
                if let Some(q) = quote_line(&lines[i]) {
                    inner.push(q);
                } else if !is_blank(&lines[i])
                    && ends_in_paragraph(&inner)
                    && !interrupts(&lines[i])
                    && list_marker(&lines[i]).is_none()
                {
                    inner.push(lazy(&lines[i]));
                } else {
                    break;
                }
                i += 1;
            }
            out.push(Block::Quote(blocks(&inner, refs).0));
            continue;
        }
        if let Some(first) = list_marker(line) {
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
                    } else if ends_in_paragraph(&item) && !interrupts(l) && list_marker(l).is_none() {
                        item.push(lazy(l));
                    } else {
                        break;
                    }
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
                let (mut children, inner_gap) = blocks(&item, refs);
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
            // A row of a lone `|` ends the table (as in pulldown-cmark).
            while i < lines.len() && !is_blank(&lines[i]) && !interrupts(&lines[i]) && list_marker(&lines[i]).is_none() && lines[i].trim() != "|" {
                let mut cells = split_row(&lines[i]);
                cells.resize(aligns.len(), String::new());
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
                if interrupts(l) || table_head(lines, i).is_some() {
                    break;
                }
            }
            // Leading spaces go in text (inline parsing drops them) but stay in code spans.
            para.push(body(l).trim_start_matches(LAZY));
            i += 1;
        }
        let mut text = para.join("\n");
        while let Some((rest, def)) = ref_def(&text) {
            if !refs.iter().any(|r: &(String, String, String)| r.0 == def.0) {
                refs.push(def);
            }
            text = rest.to_string();
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
    let end = rest.find(';').filter(|n| *n <= 32)?;
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
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'<') {
        return None;
    }
    let find = |from: usize, end: &str| s.get(from..)?.find(end).map(|n| from + n + end.len());
    if let Some(r) = s.strip_prefix("<!--") {
        return if r.starts_with('>') || r.starts_with("->") { None } else { find(4, "-->") };
    }
    if s.starts_with("<?") {
        return find(2, "?>");
    }
    if s.starts_with("<![CDATA[") {
        return find(9, "]]>");
    }
    if s.starts_with("<!") {
        return b.get(2).filter(|c| c.is_ascii_alphabetic()).and_then(|_| find(2, ">"));
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
    let end = s.find('>')?;
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

fn render_block(b: Block, refs: &Refs, out: &mut Vec<Node>, tight: bool) {
    match b {
        Block::Para(text, task) => {
            let mut kids = Vec::new();
            if let Some(done) = task {
                kids.push(el(Kind::TaskMarker(done), vec![]));
            }
            for n in inline(&text, refs) {
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
        Block::Heading(level, text) => push(out, el(Kind::Heading(level), inline(&text, refs))),
        Block::Code(lang, text) => {
            let kids = if text.is_empty() { vec![] } else { vec![Node::Text(text)] };
            push(out, el(Kind::CodeBlock(lang), kids));
        }
        Block::Html(text) => push(out, Node::Text(text)),
        Block::Rule => push(out, el(Kind::Rule, vec![])),
        Block::Quote(inner) => {
            let mut kids = Vec::new();
            for b in inner {
                render_block(b, refs, &mut kids, false);
            }
            push(out, el(Kind::BlockQuote, kids));
        }
        Block::List { ordered, start, tight, items } => {
            let items = items
                .into_iter()
                .map(|blocks| {
                    let mut kids = Vec::new();
                    for b in blocks {
                        render_block(b, refs, &mut kids, tight);
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
                    .map(|(c, a)| el(Kind::TableCell { header, align: *a }, inline(c, refs)))
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
/// a finished node, or an open `[` / `![`.
enum It {
    T(String),
    D { ch: char, n: usize, orig: usize, open: bool, close: bool },
    N(Node),
    /// `pos`: where the bracket's text starts in the source.
    B { image: bool, active: bool, pos: usize },
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace())
}

fn inline(s: &str, refs: &Refs) -> Vec<Node> {
    let b = s.as_bytes();
    let mut items: Vec<It> = Vec::new();
    let mut text = String::new();
    fn flush(items: &mut Vec<It>, text: &mut String) {
        if !text.is_empty() {
            items.push(It::T(std::mem::take(text)));
        }
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'\n') => {
                flush(&mut items, &mut text);
                items.push(It::N(el(Kind::LineBreak, vec![])));
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
                    items.push(It::N(el(Kind::LineBreak, vec![])));
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
                let mut j = i + n;
                let mut found = None;
                while let Some(k) = s[j..].find('`') {
                    let start = j + k;
                    let m = s[start..].len() - s[start..].trim_start_matches('`').len();
                    if m == n {
                        found = Some(start);
                        break;
                    }
                    j = start + m;
                }
                match found {
                    Some(end) => {
                        let mut code = s[i + n..end].replace('\n', " ");
                        if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty() {
                            code = code[1..code.len() - 1].to_string();
                        }
                        flush(&mut items, &mut text);
                        items.push(It::N(el(Kind::InlineCode, vec![Node::Text(code)])));
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
                flush(&mut items, &mut text);
                if ch == '~' && n > 2 {
                    text.push_str(&s[i..i + n]);
                } else {
                    items.push(It::D { ch, n, orig: n, open, close });
                }
                i += n;
            }
            b'[' => {
                flush(&mut items, &mut text);
                items.push(It::B { image: false, active: true, pos: i + 1 });
                i += 1;
            }
            b'!' if b.get(i + 1) == Some(&b'[') => {
                flush(&mut items, &mut text);
                items.push(It::B { image: true, active: true, pos: i + 2 });
                i += 2;
            }
            b']' => {
                flush(&mut items, &mut text);
                i = close_bracket(s, i, &mut items, refs);
            }
            b'<' => {
                if let Some((dest, n)) = autolink(&s[i..]) {
                    flush(&mut items, &mut text);
                    let label = Node::Text(dest.clone());
                    match safe_href(&dest) {
                        Some(href) => items.push(It::N(el(Kind::Link { href, title: String::new() }, vec![label]))),
                        None => items.push(It::N(label)),
                    }
                    i += n;
                } else if let Some(n) = tag_len(&s[i..]) {
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
    emphasis(&mut items, 0);
    to_nodes(items)
}

/// At a `]`: a link or image when the nearest open bracket has a
/// destination after the `]`; otherwise the brackets are text. Returns the
/// index after what it consumed.
fn close_bracket(s: &str, i: usize, items: &mut Vec<It>, refs: &Refs) -> usize {
    let Some(ob) = items.iter().rposition(|it| matches!(it, It::B { .. })) else {
        items.push(It::T("]".into()));
        return i + 1;
    };
    let It::B { image, active, pos } = items[ob] else { unreachable!() };
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
            let key = norm_label(label.as_deref().unwrap_or(&s[pos..i]));
            if let Some((_, dest, title)) = refs.iter().find(|r| r.0 == key) {
                target = Some((dest.clone(), title.clone(), end));
            }
        }
    }
    let Some((dest, title, end)) = target else {
        items[ob] = It::T(if image { "![" } else { "[" }.into());
        items.push(It::T("]".into()));
        return i + 1;
    };
    let mut inner = items.split_off(ob + 1);
    items.pop();
    emphasis(&mut inner, 0);
    let kids = to_nodes(inner);
    if image {
        items.push(It::T("[image: ".into()));
    }
    match safe_href(&dest) {
        Some(href) => {
            let title = if image { String::new() } else { title };
            items.push(It::N(el(Kind::Link { href, title }, kids)));
        }
        None => items.extend(kids.into_iter().map(It::N)),
    }
    if image {
        items.push(It::T("]".into()));
    } else {
        for it in items.iter_mut() {
            if let It::B { image: false, active, .. } = it {
                *active = false;
            }
        }
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

/// CommonMark's "process emphasis" over `items[bottom..]`.
fn emphasis(items: &mut Vec<It>, bottom: usize) {
    let mut c = bottom;
    while c < items.len() {
        let It::D { ch, n: cn, orig: corig, open: copen, close: true } = items[c] else {
            c += 1;
            continue;
        };
        let mut found = None;
        for o in (bottom..c).rev() {
            if let It::D { ch: och, n: on, orig: oorig, open: true, close: oclose } = items[o] {
                if och != ch {
                    continue;
                }
                let ok = if ch == '~' {
                    on == cn
                } else {
                    !((oclose || copen) && (oorig + corig) % 3 == 0 && !(oorig % 3 == 0 && corig % 3 == 0))
                };
                if ok {
                    found = Some((o, on));
                    break;
                }
            }
        }
        let Some((o, on)) = found else {
            c += 1;
            continue;
        };
        let k = if ch == '~' { cn } else if on >= 2 && cn >= 2 { 2 } else { 1 };
        let kind = match (ch, k) {
            ('~', _) => Kind::Strikethrough,
            (_, 2) => Kind::Strong,
            _ => Kind::Emphasis,
        };
        let inner: Vec<It> = items.drain(o + 1..c).collect();
        items.insert(o + 1, It::N(el(kind, to_nodes(inner))));
        let mut c2 = o + 2;
        if let It::D { n, .. } = &mut items[c2] {
            *n -= k;
            if *n == 0 {
                items.remove(c2);
            }
        }
        if let It::D { n, .. } = &mut items[o] {
            *n -= k;
            if *n == 0 {
                items.remove(o);
                c2 -= 1;
            }
        }
        c = c2;
    }
}

fn to_nodes(items: Vec<It>) -> Vec<Node> {
    let mut out = Vec::new();
    for it in items {
        let node = match it {
            It::T(t) => Node::Text(t),
            It::D { ch, n, .. } => Node::Text(ch.to_string().repeat(n)),
            It::N(n) => n,
            It::B { image, .. } => Node::Text(if image { "![" } else { "[" }.into()),
        };
        push(&mut out, node);
    }
    out
}

/// Splits source text at blank lines outside code fences. Each block parses
/// on its own exactly as it would inside the whole text for everything the
/// dashboard shows (lists and tables keep their blank-line-free bodies).
pub fn split_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut fence: Option<&str> = None;
    let mut in_list = false;
    let mut after_blank = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            current.push_str(line);
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if line.trim().is_empty() {
            current.push_str(line);
            after_blank = !current.trim().is_empty();
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let is_list_line = trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed.starts_with("+ ")
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.len() < 10 && n.chars().all(|c| c.is_ascii_digit()));
        if after_blank && !(in_list && (is_list_line || indented)) {
            blocks.push(std::mem::take(&mut current));
            in_list = false;
        }
        after_blank = false;
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(if trimmed.starts_with("```") { "```" } else { "~~~" });
        }
        in_list = is_list_line || (in_list && indented);
        current.push_str(line);
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
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
        let blocks = split_blocks(src);
        assert!(blocks.len() >= 6, "{blocks:?}");
        assert_eq!(blocks.concat(), src, "splitting loses no text");
        let joined: Vec<Node> = blocks.iter().flat_map(|b| parse(b)).collect();
        assert_eq!(joined, parse(src));
    }

    #[test]
    fn images_are_not_loaded() {
        let tree = parse("![alt text](https://tracker.example/p.png)");
        assert!(plain_text(&tree).contains("[image: alt text]"));
    }
}

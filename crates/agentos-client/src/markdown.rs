//! Markdown to a small, safe document tree.
//!
//! Model output is untrusted. This module never produces HTML: raw HTML in
//! the source becomes plain text, and links keep their target only when it
//! uses a safe scheme (`http`, `https`, `mailto`). The UI turns the tree into
//! DOM nodes with text content, so nothing the model writes can execute.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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
pub fn parse(source: &str) -> Vec<Node> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut b = Builder::default();
    for event in Parser::new_ext(source, opts) {
        b.event(event);
    }
    b.finish()
}

#[derive(Default)]
struct Builder {
    root: Vec<Node>,
    /// Open elements; `None` marks a container that is dropped (an unsafe
    /// link or an image) whose children go to the parent.
    stack: Vec<(Option<Kind>, Vec<Node>)>,
    table_align: Vec<Align>,
    cell_index: usize,
    in_head: bool,
}

impl Builder {
    fn push_node(&mut self, node: Node) {
        let target = match self.stack.last_mut() {
            Some((_, children)) => children,
            None => &mut self.root,
        };
        // Merge adjacent text (keeps the tree small while streaming).
        if let (Node::Text(new), Some(Node::Text(prev))) = (&node, target.last_mut()) {
            prev.push_str(new);
            return;
        }
        target.push(node);
    }

    fn open(&mut self, kind: Option<Kind>) {
        self.stack.push((kind, Vec::new()));
    }

    fn close(&mut self) {
        if let Some((kind, children)) = self.stack.pop() {
            match kind {
                Some(kind) => self.push_node(Node::Element(Element { kind, children })),
                None => {
                    for c in children {
                        self.push_node(c);
                    }
                }
            }
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => {
                if matches!(end, TagEnd::TableHead) {
                    self.in_head = false;
                }
                self.close();
                if matches!(end, TagEnd::Image) {
                    self.push_node(Node::Text("]".into()));
                }
            }
            Event::Text(t) => self.push_node(Node::Text(t.into_string())),
            Event::Code(t) => self.push_node(Node::Element(Element {
                kind: Kind::InlineCode,
                children: vec![Node::Text(t.into_string())],
            })),
            // Raw HTML is shown as the text it is.
            Event::Html(t) | Event::InlineHtml(t) => self.push_node(Node::Text(t.into_string())),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_node(Node::Text(t.into_string())),
            Event::FootnoteReference(t) => self.push_node(Node::Text(format!("[{t}]"))),
            Event::SoftBreak => self.push_node(Node::Text("\n".into())),
            Event::HardBreak => self.push_node(Node::Element(Element { kind: Kind::LineBreak, children: vec![] })),
            Event::Rule => self.push_node(Node::Element(Element { kind: Kind::Rule, children: vec![] })),
            Event::TaskListMarker(done) => {
                self.push_node(Node::Element(Element { kind: Kind::TaskMarker(done), children: vec![] }))
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let kind = match tag {
            Tag::Paragraph => Some(Kind::Paragraph),
            Tag::Heading { level, .. } => Some(Kind::Heading(match level {
                HeadingLevel::H1 => 1,
                HeadingLevel::H2 => 2,
                HeadingLevel::H3 => 3,
                HeadingLevel::H4 => 4,
                HeadingLevel::H5 => 5,
                HeadingLevel::H6 => 6,
            })),
            Tag::BlockQuote(_) => Some(Kind::BlockQuote),
            Tag::CodeBlock(CodeBlockKind::Fenced(lang)) => {
                let lang = lang.split_whitespace().next().unwrap_or("").to_string();
                Some(Kind::CodeBlock((!lang.is_empty()).then_some(lang)))
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => Some(Kind::CodeBlock(None)),
            Tag::List(start) => Some(Kind::List { ordered: start.is_some(), start: start.unwrap_or(1) }),
            Tag::Item => Some(Kind::Item),
            Tag::Table(aligns) => {
                self.table_align = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::None => Align::None,
                        Alignment::Left => Align::Left,
                        Alignment::Center => Align::Center,
                        Alignment::Right => Align::Right,
                    })
                    .collect();
                Some(Kind::Table)
            }
            Tag::TableHead => {
                self.in_head = true;
                self.cell_index = 0;
                Some(Kind::TableHead)
            }
            Tag::TableRow => {
                self.cell_index = 0;
                Some(Kind::TableRow)
            }
            Tag::TableCell => {
                let align = self.table_align.get(self.cell_index).copied().unwrap_or(Align::None);
                self.cell_index += 1;
                Some(Kind::TableCell { header: self.in_head, align })
            }
            Tag::Emphasis => Some(Kind::Emphasis),
            Tag::Strong => Some(Kind::Strong),
            Tag::Strikethrough => Some(Kind::Strikethrough),
            Tag::Link { dest_url, title, .. } => {
                safe_href(&dest_url).map(|href| Kind::Link { href, title: title.into_string() })
            }
            Tag::Image { dest_url, .. } => {
                // Images are not loaded (they could track the reader); the
                // alt text is shown, linked when the target is safe.
                self.push_node(Node::Text("[image: ".into()));
                safe_href(&dest_url).map(|href| Kind::Link { href, title: String::new() })
            }
            _ => None,
        };
        self.open(kind);
    }

    fn finish(mut self) -> Vec<Node> {
        while !self.stack.is_empty() {
            self.close();
        }
        self.root
    }
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

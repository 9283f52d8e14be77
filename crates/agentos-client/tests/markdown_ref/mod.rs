//! The pulldown-cmark based Markdown tree builder that `markdown::parse`
//! replaced (kept here, test-only, as the reference the compact parser is
//! checked against).
#![allow(dead_code)]

use agentos_client::markdown::{safe_href, Align, Element, Kind, Node};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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


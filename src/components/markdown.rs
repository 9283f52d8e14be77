//! Renders the safe Markdown tree of `agentos_client::markdown` as DOM nodes.
//! Every piece of model text becomes a text node; nothing is parsed as HTML.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use agentos_client::time::human_size;
use agentos_client::markdown::{Align, Element, Incremental, Kind, Node, Piece, Rendered, MAX_SIZE};
use leptos::prelude::*;

use super::dom;

/// DOM nodes built per task: pieces beyond it wait for the next animation
/// frame, so a long answer arriving at once (a burst of events, a session's
/// transcript) never blocks the page for long.
const BUDGET: usize = 600;
/// Bytes of new text parsed per frame (when they end in finished blocks).
const PARSE_BUDGET: usize = 32 * 1024;

/// The DOM nodes a piece makes (a plain-text piece counts by its length).
fn weight(p: &Piece) -> usize {
    fn count(nodes: &[Node]) -> usize {
        nodes
            .iter()
            .map(|n| match n {
                Node::Text(_) => 1,
                Node::Element(e) => 1 + count(&e.children),
            })
            .sum()
    }
    match p {
        Piece::Nodes(nodes) => count(nodes),
        Piece::Text(t) => 1 + t.len() / 256,
    }
}

/// Markdown text rendered safely. A streamed answer is parsed incrementally
/// (`markdown::Incremental`): finished top-level blocks keep their key and
/// their DOM, and only the open last block is parsed and rebuilt per update.
/// Over `MAX_SIZE` the text is shown as plain text, with a note saying why.
/// Text changes are taken at most once per animation frame (a burst of
/// deltas handled in one task parses the open block once), and at most
/// [`BUDGET`] nodes are built per frame.
#[component]
pub fn Markdown(
    /// The Markdown source; may grow while it streams.
    #[prop(into)]
    text: Signal<String>,
    /// Accessible name of the rendered text (a `group`), e.g. "Answer text".
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    let state = Arc::new(Mutex::new(Incremental::new()));
    let tick = RwSignal::new(0u64);
    let scheduled = Arc::new(AtomicBool::new(false));
    let next_frame = move || {
        if !scheduled.swap(true, Ordering::Relaxed) {
            let scheduled = scheduled.clone();
            request_animation_frame(move || {
                scheduled.store(false, Ordering::Relaxed);
                tick.update(|t| *t += 1);
            });
        }
    };
    let again = next_frame.clone();
    Effect::new(move |_| {
        text.track();
        next_frame();
    });
    // At most PARSE_BUDGET bytes of new text are parsed per frame.
    let shown = Memo::new(move |_| {
        tick.track();
        let (shown, more) = text
            .with_untracked(|t| state.lock().map(|mut s| s.update_within(t, PARSE_BUDGET)).unwrap_or_default());
        if more {
            again();
        }
        shown
    });
    // The pieces built so far: those of the last frame, then as many more as
    // the budget allows (at least one).
    let frame = RwSignal::new(0u64);
    let visible = Memo::new(move |prev: Option<&Rendered>| {
        frame.track();
        shown.with(|r| {
            let before = prev.map_or(0, |p| p.pieces.len()).min(r.pieces.len());
            let (mut k, mut spent) = (before, 0);
            while let Some((_, p)) = r.pieces.get(k) {
                let w = weight(p);
                if k > before && spent + w > BUDGET {
                    break;
                }
                spent += w;
                k += 1;
            }
            Rendered { plain: r.plain, pieces: r.pieces[..k].to_vec() }
        })
    });
    Effect::new(move |_| {
        if visible.with(|v| v.pieces.len()) < shown.with(|r| r.pieces.len()) {
            request_animation_frame(move || frame.update(|f| *f += 1));
        }
    });
    let role = label.as_ref().map(|_| "group");
    // The pieces are drawn into the `.md` element by hand (`Shown::show`): one plain code
    // path for every element kind instead of a Leptos view type per kind (README, "Where
    // the bytes go").
    let host = NodeRef::<leptos::html::Div>::new();
    // What is drawn is the effect's own value, handed to its next run.
    Effect::new(move |drawn: Option<Shown>| {
        let mut drawn = drawn.unwrap_or_default();
        if let Some(el) = host.get() {
            visible.with(|v| drawn.show(&el, &v.pieces));
        }
        drawn
    });
    view! {
        {move || shown.with(|r| r.plain).map(plain_note)}
        <div class="md" role=role aria-label=label node_ref=host></div>
    }
}

/// The pieces drawn in a Markdown element, by key, in order, with their DOM nodes.
#[derive(Default)]
struct Shown(Vec<(u64, Vec<web_sys::Node>)>);

impl Shown {
    /// Brings `host` to `pieces`. The pieces it already shows in the same order (by key; a
    /// piece's key changes with its content) stay where they are; after the first change,
    /// the pieces it still shows are moved into place and the others built. A stream changes
    /// only its last pieces.
    fn show(&mut self, host: &web_sys::Element, pieces: &[(u64, Piece)]) {
        let same = self.0.iter().zip(pieces).take_while(|(d, p)| d.0 == p.0).count();
        let mut rest: Vec<(u64, Vec<web_sys::Node>)> = self.0.drain(same..).collect();
        for (key, piece) in &pieces[same..] {
            let nodes = match rest.iter().position(|d| d.0 == *key) {
                Some(i) => rest.swap_remove(i).1,
                None => build_piece(piece),
            };
            for n in &nodes {
                let _ = host.append_child(n);
            }
            self.0.push((*key, nodes));
        }
        for (_, nodes) in rest {
            for n in nodes {
                let _ = host.remove_child(&n);
            }
        }
    }
}

/// Markdown of a text that does not change (built over frames like a stream).
pub fn markdown_static(text: &str) -> AnyView {
    view! { <Markdown text=Signal::stored(text.to_string())/> }.into_any()
}

fn plain_note(bytes: usize) -> impl IntoView {
    let text = format!(
        "This answer is {}, more than the {} that are formatted as Markdown, so it is shown as plain text.",
        human_size(bytes as u64),
        human_size(MAX_SIZE as u64)
    );
    view! { <p class="small muted" role="note">{text}</p> }
}

fn build_piece(p: &Piece) -> Vec<web_sys::Node> {
    match p {
        Piece::Nodes(nodes) => nodes.iter().map(build_node).collect(),
        Piece::Text(t) => vec![dom::text("div", &[("class", "md-plain")], t).into()],
    }
}

fn build_node(node: &Node) -> web_sys::Node {
    match node {
        Node::Text(t) => dom::text_node(t).into(),
        Node::Element(e) => build_element(e).into(),
    }
}

/// Table cell alignment as a class (no `style` attribute: the app runs
/// under `style-src 'self'`).
fn align_class(a: Align) -> Option<&'static str> {
    match a {
        Align::None => None,
        Align::Left => Some("align-left"),
        Align::Center => Some("align-center"),
        Align::Right => Some("align-right"),
    }
}

/// The element of one Markdown node, its text as text nodes. Recursive, but the tree is
/// at most `markdown::MAX_DEPTH` deep.
fn build_element(e: &Element) -> web_sys::Element {
    let Element { kind, children } = e;
    // An element of `tag` holding the children.
    let holding = |tag: &str, attrs: &[(&str, &str)]| {
        let e = dom::el(tag, attrs, &[]);
        for c in children {
            let _ = e.append_child(&build_node(c));
        }
        e
    };
    match kind {
        Kind::Paragraph => holding("p", &[]),
        Kind::Heading(1) => holding("h3", &[("class", "md-h1")]),
        Kind::Heading(2) => holding("h4", &[("class", "md-h2")]),
        Kind::Heading(_) => holding("h5", &[("class", "md-h3")]),
        Kind::BlockQuote => holding("blockquote", &[]),
        Kind::CodeBlock(lang) => {
            let label = lang.as_ref().map(|l| format!("{l} code")).unwrap_or_else(|| "code".into());
            let pre = dom::el("pre", &[("class", "code"), ("aria-label", &label)], &[holding("code", &[])]);
            let caption = lang.as_ref().map(|l| dom::text("figcaption", &[("class", "small muted")], l));
            dom::el("figure", &[("class", "md-code")], &caption.into_iter().chain([pre]).collect::<Vec<_>>())
        }
        Kind::List { ordered: true, start } => holding("ol", &[("start", &start.to_string())]),
        Kind::List { ordered: false, .. } => holding("ul", &[]),
        Kind::Item => holding("li", &[]),
        Kind::TaskMarker(done) => {
            let label = if *done { "done" } else { "not done" };
            let attrs: &[(&str, &str)] = &[("type", "checkbox"), ("disabled", ""), ("aria-label", label), ("checked", "")];
            // `checked` only when done.
            dom::el("input", &attrs[..if *done { 4 } else { 3 }], &[])
        }
        Kind::Table => dom::el("div", &[("class", "md-table")], &[holding("table", &[])]),
        Kind::TableHead => dom::el("thead", &[], &[holding("tr", &[])]),
        Kind::TableRow => holding("tr", &[]),
        Kind::TableCell { header, align } => {
            let class = align_class(*align).map(|c| ("class", c));
            let scope = header.then_some(("scope", "col"));
            let attrs: Vec<(&str, &str)> = scope.into_iter().chain(class).collect();
            holding(if *header { "th" } else { "td" }, &attrs)
        }
        Kind::Emphasis => holding("em", &[]),
        Kind::Strong => holding("strong", &[]),
        Kind::Strikethrough => holding("del", &[]),
        Kind::InlineCode => holding("code", &[("class", "md-inline")]),
        Kind::Link { href, title } => {
            let mut attrs = vec![("href", href.as_str()), ("target", "_blank"), ("rel", "noopener noreferrer nofollow")];
            if !title.is_empty() {
                attrs.push(("title", title.as_str()));
            }
            holding("a", &attrs)
        }
        Kind::LineBreak => dom::el("br", &[], &[]),
        Kind::Rule => dom::el("hr", &[], &[]),
    }
}

//! Renders the safe Markdown tree of `agentos_client::markdown` as DOM nodes.
//! Every piece of model text becomes a text node; nothing is parsed as HTML.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use agentos_client::time::human_size;
use agentos_client::markdown::{Align, Element, Incremental, Kind, Node, Piece, Rendered, MAX_SIZE};
use leptos::prelude::*;

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
    view! {
        {move || shown.with(|r| r.plain).map(plain_note)}
        <div class="md" role=role aria-label=label>
            <For each=move || visible.with(|r| r.pieces.clone()) key=|p| p.0 let:p>
                {render_piece(&p.1)}
            </For>
        </div>
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

fn render_piece(p: &Piece) -> AnyView {
    match p {
        Piece::Nodes(nodes) => render_nodes(nodes),
        Piece::Text(t) => view! { <div class="md-plain">{t.to_string()}</div> }.into_any(),
    }
}

fn render_nodes(nodes: &[Node]) -> AnyView {
    nodes.iter().map(render_node).collect_view().into_any()
}

fn render_node(node: &Node) -> AnyView {
    match node {
        Node::Text(t) => t.clone().into_any(),
        Node::Element(e) => render_element(e),
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

/// Recursive, but the tree is at most `markdown::MAX_DEPTH` deep.
fn render_element(e: &Element) -> AnyView {
    let Element { kind, children } = e;
    let kids = move || render_nodes(children);
    match kind.clone() {
        Kind::Paragraph => view! { <p>{kids()}</p> }.into_any(),
        Kind::Heading(1) => view! { <h3 class="md-h1">{kids()}</h3> }.into_any(),
        Kind::Heading(2) => view! { <h4 class="md-h2">{kids()}</h4> }.into_any(),
        Kind::Heading(_) => view! { <h5 class="md-h3">{kids()}</h5> }.into_any(),
        Kind::BlockQuote => view! { <blockquote>{kids()}</blockquote> }.into_any(),
        Kind::CodeBlock(lang) => {
            let label = lang.clone().map(|l| format!("{l} code")).unwrap_or_else(|| "code".into());
            view! {
                <figure class="md-code">
                    {lang.map(|l| view! { <figcaption class="small muted">{l}</figcaption> })}
                    <pre class="code" aria-label=label><code>{kids()}</code></pre>
                </figure>
            }
            .into_any()
        }
        Kind::List { ordered: true, start } => {
            view! { <ol start=start.to_string()>{kids()}</ol> }.into_any()
        }
        Kind::List { ordered: false, .. } => view! { <ul>{kids()}</ul> }.into_any(),
        Kind::Item => view! { <li>{kids()}</li> }.into_any(),
        Kind::TaskMarker(done) => view! {
            <input type="checkbox" disabled=true checked=done aria-label=if done { "done" } else { "not done" }/>
        }
        .into_any(),
        Kind::Table => view! { <div class="md-table"><table>{kids()}</table></div> }.into_any(),
        Kind::TableHead => view! { <thead><tr>{kids()}</tr></thead> }.into_any(),
        Kind::TableRow => view! { <tr>{kids()}</tr> }.into_any(),
        Kind::TableCell { header: true, align } => {
            view! { <th scope="col" class=align_class(align)>{kids()}</th> }.into_any()
        }
        Kind::TableCell { header: false, align } => {
            view! { <td class=align_class(align)>{kids()}</td> }.into_any()
        }
        Kind::Emphasis => view! { <em>{kids()}</em> }.into_any(),
        Kind::Strong => view! { <strong>{kids()}</strong> }.into_any(),
        Kind::Strikethrough => view! { <del>{kids()}</del> }.into_any(),
        Kind::InlineCode => view! { <code class="md-inline">{kids()}</code> }.into_any(),
        Kind::Link { href, title } => {
            let title = (!title.is_empty()).then_some(title);
            view! {
                <a href=href title=title target="_blank" rel="noopener noreferrer nofollow">{kids()}</a>
            }
            .into_any()
        }
        Kind::LineBreak => view! { <br/> }.into_any(),
        Kind::Rule => view! { <hr/> }.into_any(),
    }
}

//! Renders the safe Markdown tree of `agentos_client::markdown` as DOM nodes.
//! Every piece of model text becomes a text node; nothing is parsed as HTML.

use agentos_client::markdown::{parse, split_blocks, Align, Element, Kind, Node};
use leptos::prelude::*;

/// Markdown text rendered safely. Long streamed answers are split into
/// top-level blocks, so a new delta re-renders only the block it touches.
#[component]
pub fn Markdown(
    /// The Markdown source; may grow while it streams.
    #[prop(into)]
    text: Signal<String>,
    /// Accessible name of the rendered text (a `group`), e.g. "Answer text".
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    let blocks = Memo::new(move |_| text.with(|t| split_blocks(t)));
    let role = label.as_ref().map(|_| "group");
    view! {
        <div class="md" role=role aria-label=label>
            <For
                each=move || blocks.get().into_iter().enumerate()
                key=|(i, b)| (*i, b.clone())
                let:item
            >
                {render_nodes(parse(&item.1))}
            </For>
        </div>
    }
}

/// Markdown rendered once (no streaming).
pub fn markdown_static(text: &str) -> AnyView {
    view! { <div class="md">{render_nodes(parse(text))}</div> }.into_any()
}

fn render_nodes(nodes: Vec<Node>) -> AnyView {
    nodes.into_iter().map(render_node).collect_view().into_any()
}

fn render_node(node: Node) -> AnyView {
    match node {
        Node::Text(t) => t.into_any(),
        Node::Element(e) => render_element(e),
    }
}

fn align_style(a: Align) -> Option<&'static str> {
    match a {
        Align::None => None,
        Align::Left => Some("text-align:left"),
        Align::Center => Some("text-align:center"),
        Align::Right => Some("text-align:right"),
    }
}

fn render_element(e: Element) -> AnyView {
    let Element { kind, children } = e;
    let kids = move || render_nodes(children);
    match kind {
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
            view! { <th scope="col" style=align_style(align)>{kids()}</th> }.into_any()
        }
        Kind::TableCell { header: false, align } => {
            view! { <td style=align_style(align)>{kids()}</td> }.into_any()
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

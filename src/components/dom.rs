//! Tiny DOM builders for static parts (charts, tables, summaries, Markdown's
//! pieces in `markdown.rs`): one plain, non-generic code path instead of a
//! Leptos view type per element, which keeps the wasm small. Text is always set as text (`createTextNode` /
//! `textContent`), never parsed as HTML.

use leptos::prelude::*;
use web_sys::{Document, Element};

fn doc() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

fn fill(e: &Element, attrs: &[(&str, &str)], kids: &[Element]) -> Element {
    for (k, v) in attrs {
        let _ = e.set_attribute(k, v);
    }
    for k in kids {
        let _ = e.append_child(k);
    }
    e.clone()
}

/// An HTML element with attributes and children.
pub fn el(tag: &str, attrs: &[(&str, &str)], kids: &[Element]) -> Element {
    fill(&doc().create_element(tag).expect("element"), attrs, kids)
}

/// An SVG element with attributes and children.
pub fn svg(tag: &str, attrs: &[(&str, &str)], kids: &[Element]) -> Element {
    let e = doc().create_element_ns(Some("http://www.w3.org/2000/svg"), tag).expect("svg element");
    fill(&e, attrs, kids)
}

/// An element holding only text.
pub fn text(tag: &str, attrs: &[(&str, &str)], text: &str) -> Element {
    let e = el(tag, attrs, &[]);
    e.set_text_content(Some(text));
    e
}

/// A text node.
pub fn text_node(text: &str) -> web_sys::Text {
    doc().create_text_node(text)
}

/// An SVG element holding only text.
pub fn svg_text(tag: &str, attrs: &[(&str, &str)], text: &str) -> Element {
    let e = svg(tag, attrs, &[]);
    e.set_text_content(Some(text));
    e
}

/// A table: caption, column headers, and rows whose first cell is a row header.
pub fn table(caption: &str, caption_hidden: bool, head: &[&str], rows: Vec<Vec<String>>) -> Element {
    let cap = text("caption", if caption_hidden { &[("class", "visually-hidden")] } else { &[] }, caption);
    let ths: Vec<Element> = head
        .iter()
        .enumerate()
        .map(|(i, h)| text("th", if i == 0 { &[("scope", "col")] } else { &[("scope", "col"), ("class", "num")] }, h))
        .collect();
    let trs: Vec<Element> = rows
        .into_iter()
        .map(|r| {
            let cells: Vec<Element> = r
                .iter()
                .enumerate()
                .map(|(i, c)| if i == 0 { text("th", &[("scope", "row")], c) } else { text("td", &[("class", "num")], c) })
                .collect();
            el("tr", &[], &cells)
        })
        .collect();
    el("table", &[("class", "data")], &[cap, el("thead", &[], &[el("tr", &[], &ths)]), el("tbody", &[], &trs)])
}


/// Mounts a subtree built with these functions into the page.
pub fn mount(node: web_sys::Element) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    host.on_load(move |d| {
        // A re-render reuses the host: replace what it held.
        d.set_text_content(None);
        let _ = d.append_child(&node);
    });
    view! { <div node_ref=host></div> }
}

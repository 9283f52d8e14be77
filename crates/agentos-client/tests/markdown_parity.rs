//! `markdown::parse` (the compact in-house parser) against the pulldown-cmark
//! based builder it replaced (`markdown_ref`, test-only): the same tree for a
//! corpus of Markdown as models write it, for every prefix of the recorded
//! showcase and XSS answers (what a stream shows mid-way), and for random
//! mixes of snippets. Plus the structure of the showcase answer itself.

mod markdown_ref;

use agentos_client::events::{parse_event, RunBody, RunEvent};
use agentos_client::markdown::{parse, plain_text, render_text, Align, Element, Kind, Node};
use agentos_client::sse::decode_all;

/// The final answer text of a recorded stream (its `RunCompleted` content).
fn final_content(fixture: &str) -> String {
    let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut content = None;
    for frame in decode_all(&bytes).0 {
        if let Ok(RunEvent::Run { body: RunBody::RunCompleted(out), .. }) = parse_event(frame.event.as_deref(), &frame.data) {
            content = out.content.as_str().map(str::to_string);
        }
    }
    content.unwrap_or_else(|| panic!("{fixture}: no RunCompleted content"))
}

fn check(src: &str) {
    let want = markdown_ref::parse(src);
    let got = parse(src);
    if got != want {
        let i = (0..).find(|i| got.get(*i) != want.get(*i)).unwrap();
        panic!("source: {src:?}\n first differing block {i}:\n new: {:?}\n ref: {:?}", got.get(i), want.get(i));
    }
}

const CORPUS: &[&str] = &[
    "a\\\nb",
    "a\ttab\n\tcode with tab",
    "- a\nlazy\n- b",
    "> q\nlazy\n> > nested",
    "## Heading ##\n#\n#5 bolt",
    "<!-- comment -->\ntext",
    "para\n2. not list",
    "para\n1. list",
    "[link](<https://a b> \"title\") [x](https://a 'single') [y](https://a (paren))",
    "`` a ` b `` ` c ` `  `",
    "snake_case_word and __bold__ and _em_",
    "[a [b] c](https://x) [a [b](https://y) c](https://z)",
    "[a](b c) [a]( https://x )",
    "```\ncode",
    "~~~\na\n```\nb\n~~~\nafter",
    "  ```js extra\n  x\n y\n  ```",
    "* one\n+ two",
    "-\n  foo",
    "text\n---",
    "***",
    "| a |\n|:-:|\n| `x|y` | \\| |",
    "[ref][1] and [ref]\n\n[1]: https://example.com\n[ref]: https://r.com \"T\"\n",
    "```py\nprint(1",
    "```py\nprint(1\n",
    "| a | b |\n|---|---|\n| 1 | 2 | 3 |\n| 4 |\nplain line",
    "x\n| a | b |\n|---|---|\n| 1 | 2 |",
    "- [x] done\n- [ ] not",
    "- [x] done\n\n- [ ] not",
    "~a~ ~~b~~ ~~~c~~~",
    "<https://a.b/c> <a@b.c>",
    "<div>block</div>",
    "<div>block</div>\nmore",
    "<b>x</b> y",
    "a  \nb",
    " indented\n\n    code\n    more\n\n\n",
    "Head\n===\n",
    "- a\n\n  b\n- c",
    "1) x\n2) y",
    "3. x",
    "- a\n  - b\n\n    c",
    "&amp; &copy; &#65; &nope;",
    "*a **b** c*",
    "![alt *x*](https://a/p.png) ![y](javascript:1)",
    "Hi <script>alert(1)</script> and <img src=x onerror=\"alert(2)\">\n\n<div>block</div>",
    "***bold italic*** and **bold *nested* end** and *a*b* and **a",
    "1. First\n   - sub a\n   - sub b\n2. Second\n\n   Para in item.\n3. Third",
    "> ## Quote heading\n> - list in quote\n> - more\n>\n> ```\n> code in quote\n> ```",
    "Text with trailing spaces   \nnext",
    "| Left | Center | Right |\n|:-----|:------:|------:|\n| a | **b** | `c` |",
    "Line one\nLine two\n    indented continuation",
    "- item\n\n      code in item",
    "10. ten\n11. eleven",
    "* a\n* b\n- c",
    "1. a\n1. b\n1. c",
    "Setext 2\n--------",
    "__init__.py and *args, **kwargs",
    "2 * 3 * 4 = 24 and a*b*c",
    "Price: $5 & more <not a tag> a < b > c",
    "Use `code` and ``double `tick` code``.",
    "> quote\ncontinued lazily",
    "- a\n- b\n\n\n- c",
    "Heading\n# Real heading\ntext right after",
    "[link]( https://x.y/z?a=1&b=2 \"t\" )",
    "**Note:** this is *important*.",
    "1. Step one:\n   ```bash\n   npm install\n   ```\n2. Step two",
    "- [ ] todo\n- [x] done\n- normal\n",
    "Some text\n\n```py\nprint(1",
    "see [the docs](https://exa",
    "[ok](https://a.example/x) [bad](javascript:alert(1)) [data](data:text/html,x) [rel](/etc) [m](mailto:a@b.c) [sp]( JaVaScRiPt:alert(1))",
    "# Title\n\n- a\n- b\n\n1. one\n2. two\n\n| x | y |\n|:--|--:|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\n**bold** `code` ~~old~~",
    "Windows\r\nline endings\r\n\r\n- a\r\n- b\r\n",
    "Unicode: café *naïve* — “quotes” **日本語** 🙂_x_🙂",
    "Escapes: \\*not em\\* \\[not link\\] \\`not code\\` \\\\ backslash",
    "a_b_ *a*.*b* _(x)_ *(y)* **[z](https://z)**",
    "---\n\n___\n\n* * *",
    "> quote\n\nafter quote",
    ">no space\n>> deeper",
    "- a\n\n\n  b",
    "- a\n-\n- c",
    "+ [link in item](https://x)\n+ `code` item",
    "2. two\n3. three\n\n7) other",
    "    code first\n\npara",
    "<details>\n<summary>Sum</summary>\n\nInside *md*\n\n</details>",
    "Text <span class=\"x\">*em inside*</span> end",
    "<!-- unclosed comment\n\nstill",
    "| only header |\n|---|",
    "|a|b|\n|-|-|\n|1|2|\n\n|c|\n|:-|\n|3|",
    "a | b\n--|--\n1 | 2",
    "Hard\\\nbreak and soft\nbreak",
    "[x]: https://defined.example\n\n[x] and [X][] and [y][x]",
    "**unclosed bold and `unclosed code",
    "*",
    "- ",
    "1.",
    "#",
    "```",
    "|",
    "| a |\n|-",
    "> ",
    "[",
    "![",
    "[a](",
    "[a](https://x.y \"unclosed",
    "~~strike~~ and ~~unclosed",
    "&#x1F600; &#0; &#1234567; &amp",
];

#[test]
fn corpus_matches_the_reference() {
    for src in CORPUS {
        check(src);
    }
}

#[test]
fn every_prefix_of_the_recorded_answers_matches_the_reference() {
    for fixture in ["sse_markdown.sse", "sse_xss.sse"] {
        let text = final_content(fixture);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            check(&text[..i]);
        }
    }
    for src in CORPUS.iter().filter(|s| s.len() < 200) {
        for (i, _) in src.char_indices() {
            check(&src[..i]);
        }
    }
}

#[test]
fn random_mixes_of_snippets_match_the_reference() {
    const PARTS: &[&str] = &[
        "# H\n", "text ", "*em* ", "**strong** ", "`code` ", "~~del~~ ", "[l](https://x.y) ", "![i](https://x/i.png) ",
        "\n", "\n\n", "- item\n", "  - nested\n", "1. one\n", "> quote\n", "```py\n", "```\n", "    indented\n",
        "| a | b |\n", "|---|:-:|\n", "| 1 | 2 |\n", "- [ ] task\n", "---\n", "<b>x</b>", "a_b_c ", "\\*", "  \n",
        "_u_ ", "*", "**", "_", "[", "]", "(", ")", "<https://auto.link>", "&amp; ", "2) two\n", "Title\n===\n",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let n = 1 + next() % 12;
        let src: String = (0..n).map(|_| PARTS[(next() % PARTS.len() as u64) as usize]).collect();
        check(&src);
    }
}

#[test]
fn blocks_of_the_showcase_parse_like_the_whole() {
    let text = final_content("sse_markdown.sse");
    let shown = render_text(&text);
    assert!(shown.pieces.len() > 1, "{shown:?}");
    assert_eq!(shown.nodes(), parse(&text));
}

fn kinds<'a>(nodes: &'a [Node], out: &mut Vec<&'a Element>) {
    for n in nodes {
        if let Node::Element(e) = n {
            out.push(e);
            kinds(&e.children, out);
        }
    }
}

fn elements(nodes: &[Node]) -> Vec<&Element> {
    let mut out = Vec::new();
    kinds(nodes, &mut out);
    out
}

fn top(nodes: &[Node]) -> Vec<&Element> {
    nodes
        .iter()
        .filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[test]
fn the_markdown_showcase_renders_its_structure() {
    let tree = parse(&final_content("sse_markdown.sse"));
    let blocks: Vec<&Kind> = top(&tree).iter().map(|e| &e.kind).collect();
    assert_eq!(
        blocks,
        [
            &Kind::Heading(2),
            &Kind::Paragraph,
            &Kind::List { ordered: false, start: 1 },
            &Kind::List { ordered: true, start: 1 },
            &Kind::Table,
            &Kind::CodeBlock(Some("python".into())),
            &Kind::BlockQuote,
            &Kind::Paragraph,
        ]
    );
    let t = top(&tree);
    assert_eq!(plain_text(&t[0].children), "Markdown showcase");

    // Bullets: bold, italic and inline code in the first; a nested list in the second.
    let bullets = top(&t[2].children);
    assert_eq!(bullets.len(), 2);
    let first: Vec<&Kind> = elements(&bullets[0].children).iter().map(|e| &e.kind).collect();
    assert_eq!(first, [&Kind::Strong, &Kind::Emphasis, &Kind::InlineCode]);
    let nested = top(&bullets[1].children);
    assert_eq!(nested.len(), 1);
    assert_eq!(nested[0].kind, Kind::List { ordered: false, start: 1 });
    assert_eq!(plain_text(&nested[0].children), "with a nested item");

    assert_eq!(top(&t[3].children).len(), 3);
    assert!(plain_text(&t[3].children).starts_with("First numbered step"));

    // Table: a head of two header cells, two body rows.
    let rows = top(&t[4].children);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].kind, Kind::TableHead);
    let head: Vec<String> = top(&rows[0].children).iter().map(|c| plain_text(&c.children)).collect();
    assert_eq!(head, ["Tool", "What it does"]);
    assert!(top(&rows[0].children)
        .iter()
        .all(|c| c.kind == Kind::TableCell { header: true, align: Align::None }));
    assert_eq!(rows[1].kind, Kind::TableRow);
    assert_eq!(plain_text(&rows[2].children), "search_knowledge_baselooks things up");

    assert_eq!(
        plain_text(&t[5].children),
        "def greet(name: str) -> str:\n    return f\"Hello, {name}!\"\n"
    );
    assert_eq!(plain_text(&t[6].children), "A quote, for good measure.");

    // Only the safe link survives; the other one's text stays.
    let links: Vec<&Kind> = elements(&t[7].children)
        .iter()
        .map(|e| &e.kind)
        .filter(|k| matches!(k, Kind::Link { .. }))
        .collect();
    assert_eq!(links, [&Kind::Link { href: "https://docs.agno.com".into(), title: String::new() }]);
    assert!(plain_text(&t[7].children).contains("This suspicious link must not run."));
}

#[test]
fn the_xss_answer_is_one_paragraph_of_text() {
    let text = final_content("sse_xss.sse");
    let tree = parse(&text);
    assert_eq!(tree.len(), 1);
    let Node::Element(p) = &tree[0] else { panic!("{tree:?}") };
    assert_eq!(p.kind, Kind::Paragraph);
    assert_eq!(p.children, [Node::Text(text.clone())]);
    assert!(text.contains("<script>window.__xss=1</script>"));
    assert!(text.contains("<img src=x onerror=\"window.__xss=1\">"));
}

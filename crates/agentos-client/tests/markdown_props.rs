//! Property tests of the Markdown parser on hostile input: arbitrary text and
//! text built from Markdown-significant tokens. For every input: no panic,
//! the tree is at most `MAX_DEPTH` deep, every link target is safe, and the
//! incremental renderer (fed the text in arbitrary chunks, as a stream) shows
//! exactly what a full parse gives, after every chunk.
//!
//! 10,000 cases per property by default; `PROPTEST_CASES=1000000` for a long
//! run.

use agentos_client::markdown::{depth, parse, safe_href, Incremental, Kind, Node, MAX_DEPTH};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

const TOKENS: &[&str] = &[
    "*", "**", "_", "__", "~", "~~", "`", "```", "[", "]", "(", ")", "![", "](", ">", "> ", "-", "- ", "+ ", "#", "# ",
    "|", "|-|", "| a |", "1", "2", "1. ", "3) ", ".", "\n", "\n\n", " ", "  ", "    ", "\t", "a", "b", "word ", "é",
    "日本", "🙂", "\u{301}", "<", ">", "</a>", "<a href=\"x\">", "<!--", "-->", "<?", "&", "&amp;", "&#x1F600;", "\\", ":",
    "\"", "'", "http://x.y", "https://a.b/c", "javascript:alert(1)", "JaVaScRiPt:", "data:text/html,x", "mailto:a@b.c",
    "[a]: https://r.example\n", "[a]", "[b][a]", "[a][]", "---", "***", "===", "- [ ] ", "- [x] ", "\r\n", "<https://x.y>",
];

/// Up to about 2 KB of Markdown-significant tokens.
fn tokens() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..150).prop_map(|v| v.concat())
}

/// Up to 600 arbitrary characters (any Unicode scalar, controls included).
fn arbitrary() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..600).prop_map(String::from_iter)
}

fn input() -> impl Strategy<Value = String> {
    prop_oneof![tokens(), arbitrary()]
}

/// Every link target in a tree.
fn hrefs<'a>(nodes: &'a [Node], out: &mut Vec<&'a str>) {
    for n in nodes {
        if let Node::Element(e) = n {
            if let Kind::Link { href, .. } = &e.kind {
                out.push(href);
            }
            hrefs(&e.children, out);
        }
    }
}

fn check_tree(src: &str) -> Result<Vec<Node>, TestCaseError> {
    let tree = parse(src);
    let d = depth(&tree);
    prop_assert!(d <= MAX_DEPTH, "depth {d} > {MAX_DEPTH} for {src:?}");
    let mut links = Vec::new();
    hrefs(&tree, &mut links);
    for h in links {
        let lower = h.to_ascii_lowercase();
        prop_assert!(
            safe_href(h).as_deref() == Some(h)
                && (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")),
            "unsafe href {h:?} from {src:?}"
        );
    }
    Ok(tree)
}

/// Feeds `src` to an `Incremental` cut at `cuts` (byte offsets, moved back to
/// character boundaries), parsing at most about `budget` new bytes per call
/// (calling again while it asks to), and checks each view against a full
/// parse.
fn check_incremental(src: &str, cuts: &[usize], budget: usize) -> Result<(), TestCaseError> {
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|&c| {
            let mut c = c % (src.len() + 1);
            while !src.is_char_boundary(c) {
                c -= 1;
            }
            c
        })
        .chain([src.len()])
        .collect();
    points.sort_unstable();
    let mut inc = Incremental::new();
    for p in points {
        let prefix = &src[..p];
        let shown = loop {
            let (shown, more) = inc.update_within(prefix, budget);
            if !more {
                break shown;
            }
        };
        prop_assert!(shown.plain.is_none());
        prop_assert_eq!(shown.nodes(), parse(prefix), "prefix {:?} of {:?}", prefix, src);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn tokens_parse_within_bounds(src in tokens()) {
        check_tree(&src)?;
    }

    #[test]
    fn arbitrary_text_parses_within_bounds(src in arbitrary()) {
        check_tree(&src)?;
    }

    #[test]
    fn streamed_in_chunks_equals_a_full_parse(
        src in input(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        budget in prop_oneof![Just(usize::MAX), 1..300usize],
    ) {
        check_incremental(&src, &cuts, budget)?;
    }
}

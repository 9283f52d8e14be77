//! The Markdown parser's bounds on hostile answers: the inputs that used to
//! crash the tab (deep nesting) or stall it (quadratic inline passes) now
//! parse into a tree of bounded depth, quickly. The time bounds are generous
//! (a debug build on a busy machine) but a quadratic algorithm misses them
//! by far; the small/large ratio check catches quadratic growth itself.
//! Also: the size limit, and that streaming re-parses only the open tail.

use std::time::{Duration, Instant};

use agentos_client::markdown::{
    depth, parse, plain_text, render_text, Incremental, Kind, Node, Piece, MAX_DEPTH, MAX_INLINE_DEPTH, MAX_NESTING,
    MAX_SIZE,
};

/// CPU time of this thread so far (Linux: /proc/thread-self/schedstat), so
/// that other processes on a busy machine do not count; elsewhere the wall
/// clock.
fn cpu_now() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| START.get_or_init(Instant::now).elapsed())
}

/// Parses `src`, checks the depth bound and the (CPU) time, returns the tree.
fn bounded(name: &str, src: &str) -> Vec<Node> {
    let t = cpu_now();
    let tree = parse(src);
    let took = cpu_now() - t;
    let d = depth(&tree);
    assert!(d <= MAX_DEPTH, "{name}: depth {d}");
    assert!(took < Duration::from_secs(2), "{name}: {} bytes took {took:?}", src.len());
    tree
}

/// The parse time grows about linearly: 8× the input takes well under 64×
/// the time (quadratic), here at most 32× plus 5 ms. Each side is timed as
/// the CPU time per parse over as many parses as make at least 30 ms (best of
/// 3), because the thread's CPU clock only advances at scheduler ticks: a
/// single fast parse can read as 0 ns. `make(n)`: n repetitions of the pattern.
fn linear(name: &str, make: impl Fn(usize) -> String) {
    let per_parse = |src: &str| {
        (0..3)
            .map(|_| {
                let t = cpu_now();
                let mut runs = 0u32;
                while cpu_now() - t < Duration::from_millis(30) && runs < 10_000 {
                    std::hint::black_box(parse(src));
                    runs += 1;
                }
                (cpu_now() - t) / runs.max(1)
            })
            .min()
            .unwrap()
    };
    let n = (20_000 / make(1).len().max(1)).max(1);
    let (small, large) = (make(n), make(8 * n));
    let ts = per_parse(&small);
    let tl = per_parse(&large);
    assert!(
        tl < ts * 32 + Duration::from_millis(5),
        "{name}: {} bytes in {ts:?}, {} bytes in {tl:?}: not linear",
        small.len(),
        large.len()
    );
}

fn count(nodes: &[Node], pred: &dyn Fn(&Kind) -> bool) -> usize {
    nodes
        .iter()
        .map(|n| match n {
            Node::Element(e) => pred(&e.kind) as usize + count(&e.children, pred),
            Node::Text(_) => 0,
        })
        .sum()
}

#[test]
fn five_thousand_nested_quotes() {
    let src = ">".repeat(5000) + " deep";
    let tree = bounded("5,000 >", &src);
    assert_eq!(count(&tree, &|k| *k == Kind::BlockQuote), MAX_NESTING);
    // What is deeper is shown as text.
    assert!(plain_text(&tree).ends_with(&(">".repeat(5000 - MAX_NESTING) + " deep")), "{}", plain_text(&tree));
    // Also one quote level per line.
    let lines: String = (1..=100).map(|n| ">".repeat(n) + " x\n").collect();
    let tree = bounded("5,000 lines of >", &lines);
    assert_eq!(count(&tree, &|k| *k == Kind::BlockQuote), MAX_NESTING);
}

#[test]
fn three_thousand_nested_list_markers() {
    let src = "- ".repeat(3000) + "item";
    let tree = bounded("3,000 - ", &src);
    assert_eq!(count(&tree, &|k| matches!(k, Kind::List { .. })), MAX_NESTING);
    assert!(plain_text(&tree).ends_with("- item"));
    // Nested by indentation, one per line, and alternating with quotes.
    let lines: String = (0..100).map(|n| " ".repeat(2 * n) + "- x\n").collect();
    bounded("3,000 indented items", &lines);
    let mixed = "> - ".repeat(3000) + "x";
    let tree = bounded("3,000 > -", &mixed);
    assert_eq!(count(&tree, &|k| matches!(k, Kind::BlockQuote | Kind::List { .. })), MAX_NESTING);
}

#[test]
fn four_thousand_nested_emphasis() {
    for src in ["*".repeat(4000) + "x" + &"*".repeat(4000), "*a ".repeat(4000) + &" a*".repeat(4000)] {
        let tree = bounded("4,000 *", &src);
        assert!(depth(&tree) <= 1 + MAX_INLINE_DEPTH);
        // Nothing is lost: every character is still on screen.
        assert_eq!(plain_text(&tree).matches('*').count() + 4 * count(&tree, &|k| *k == Kind::Strong) + 2 * count(&tree, &|k| *k == Kind::Emphasis), src.matches('*').count());
    }
    // Links in emphasis in images in links...
    let src = "*[![".repeat(2000) + "x" + &"](https://a.b/c)*".repeat(2000);
    bounded("nested links and images", &src);
}

#[test]
fn thirty_thousand_open_delimiters_are_linear() {
    let src = "a* ".repeat(30_000);
    let tree = bounded("a* × 30,000", &src);
    assert_eq!(plain_text(&tree), src.trim_end());
    linear("a* ", |n| "a* ".repeat(n));
    linear("*a ", |n| "*a ".repeat(n));
    linear("_a_ ", |n| "**a _b_ ".repeat(n));
}

#[test]
fn other_quadratic_patterns_are_linear() {
    let cases: &[(&str, &str)] = &[
        ("<", "<"),
        ("<!--", "<!--"),
        ("<?", "<?"),
        ("<!X", "<!X"),
        ("&", "&"),
        ("backticks", "` ``"),
        ("brackets", "["),
        ("closing brackets", "]"),
        ("link openers", "[](x"),
        ("link titles", "[](x \""),
        ("references", "[a] "),
        ("images", "![a](https://x.y) "),
        ("links", "[a](https://x.y) "),
        ("strike", "~a "),
    ];
    for (name, unit) in cases {
        bounded(name, &unit.repeat(60_000 / unit.len()));
        linear(name, |n| unit.repeat(n));
    }
    // Nested brackets, and many definitions in one paragraph.
    linear("[[[ ]]]", |n| "[".repeat(n) + &"]".repeat(n));
    linear("definitions", |n| (0..n).map(|i| format!("[l{i}]: https://x.y/{i}\n")).collect());
    // Lazy continuation lines of a list item and a quote.
    linear("lazy item", |n| "- a\n".to_string() + &"b\n".repeat(n));
    linear("lazy quote", |n| "> a\n".to_string() + &"b\n".repeat(n));
}

#[test]
fn a_wide_table_head_does_not_multiply_rows() {
    let head = "|".to_string() + &"a|".repeat(2000) + "\n|" + &"-|".repeat(2000) + "\n";
    let src = head + &"x\n".repeat(5_000);
    let tree = bounded("wide table", &src);
    let cells = count(&tree, &|k| matches!(k, Kind::TableCell { .. }));
    assert!(cells < 2000 + 5_000 + 4096 + src.len(), "{cells} cells");
}

#[test]
fn over_the_size_limit_is_plain_text_in_bounded_pieces() {
    let para = "Some **bold** words and a [link](https://x.y).\n\n";
    let src = para.repeat(MAX_SIZE / para.len() + 10);
    let shown = render_text(&src);
    assert_eq!(shown.plain, Some(src.len()));
    let mut text = String::new();
    for (_, p) in &shown.pieces {
        let Piece::Text(t) = p else { panic!("{p:?}") };
        assert!(t.len() <= 16 * 1024);
        text.push_str(t);
    }
    assert_eq!(text, src, "the plain text is the answer, unchanged");
    // Under the limit it is Markdown.
    assert_eq!(render_text(&src[..MAX_SIZE]).plain, None);
}

/// Streams `src` in `step`-byte deltas; returns the largest number of
/// pieces that changed (new keys) in one update.
fn stream(src: &str, step: usize) -> usize {
    let mut inc = Incremental::new();
    let mut prev: Vec<u64> = Vec::new();
    let mut most = 0;
    let mut end = 0;
    while end < src.len() {
        end = (end + step).min(src.len());
        while !src.is_char_boundary(end) {
            end += 1;
        }
        let shown = inc.update(&src[..end]);
        let changed = shown.pieces.iter().filter(|(k, _)| !prev.contains(k)).count();
        most = most.max(changed);
        prev = shown.pieces.iter().map(|(k, _)| *k).collect();
    }
    most
}

#[test]
fn streaming_reparses_only_the_open_tail() {
    let para = "A paragraph with *emphasis*, `code` and a [link](https://x.y).\n\n- a list\n- of items\n\n";
    let src = para.repeat(300);
    // Each update re-renders at most the blocks its delta finished plus the tail.
    assert!(stream(&src, 40) <= 3, "{}", stream(&src, 40));
    // And the result is the full parse.
    let mut inc = Incremental::new();
    inc.update(&src[..src.len() / 2]);
    assert_eq!(inc.update(&src).nodes(), parse(&src));
}

#[test]
fn a_reference_defined_later_updates_the_earlier_block() {
    let mut inc = Incremental::new();
    let a = "See [the docs].\n\nMore text.\n\n";
    let first = inc.update(a);
    assert_eq!(count(&first.nodes(), &|k| matches!(k, Kind::Link { .. })), 0);
    let b = format!("{a}[the docs]: https://docs.example\n");
    assert_eq!(inc.update(&b).nodes(), parse(&b));
    assert_eq!(count(&parse(&b), &|k| matches!(k, Kind::Link { .. })), 1);
    let c = format!("{b}\nAnd more.\n\nEven more.\n");
    assert_eq!(inc.update(&c).nodes(), parse(&c));
}

#[test]
fn a_replaced_text_starts_afresh() {
    let mut inc = Incremental::new();
    inc.update("# One\n\nfirst answer\n\n");
    let shown = inc.update("# Two\n\nsecond");
    assert_eq!(shown.nodes(), parse("# Two\n\nsecond"));
}

/// Parse speed on dense Markdown at the size limit (the figure in README):
/// `cargo test --release -p agentos-client --test markdown_limits -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure_parse_speed_at_the_limit() {
    let unit = "## Heading\n\nA paragraph with *emphasis*, **strong**, `code` and a [link](https://x.y/z).\n\n- item one\n- item **two**\n  - nested\n\n> a quote\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```\ncode\n```\n\n";
    let src = unit.repeat(MAX_SIZE / unit.len());
    let count_all = |t: &[Node]| count(t, &|_| true);
    for (name, s) in [("dense Markdown", src.clone()), ("a* × 30,000", "a* ".repeat(30_000)), ("*a × 30,000", "*a ".repeat(30_000))] {
        let t = cpu_now();
        let runs = 5;
        let mut tree = Vec::new();
        for _ in 0..runs {
            tree = parse(&s);
        }
        println!("{name}: {} bytes, {} elements, parse {:?} CPU each", s.len(), count_all(&tree), (cpu_now() - t) / runs);
    }
    // Streaming the dense text in 4 KiB deltas: the largest single update.
    let mut inc = Incremental::new();
    let mut worst = Duration::ZERO;
    let mut end = 0;
    while end < src.len() {
        end = (end + 4096).min(src.len());
        let t = cpu_now();
        inc.update(&src[..end]);
        worst = worst.max(cpu_now() - t);
    }
    println!("streamed in 4 KiB deltas: worst update {worst:?} CPU");
}

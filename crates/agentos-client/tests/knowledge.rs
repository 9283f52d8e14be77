//! Knowledge bodies recorded from the demo AgentOS decode into what the
//! Knowledge page shows; paths, form fields and search bodies are built
//! right, and bad input is refused with words.

use agentos_client::config::KnowledgeInstance;
use agentos_client::events::FromJson;
use agentos_client::knowledge::*;
use agentos_client::time::*;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn target() -> Target {
    Target { knowledge_id: "kb 1/x".into(), db_id: Some("demo-db".into()) }
}

#[test]
fn the_content_list_decodes_every_row() {
    let raw = fixture("knowledge_content.json");
    let (rows, meta) = parse_content_list(&raw);
    let items = raw["data"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(rows.len(), items.len());
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    assert_eq!(meta.page, 1);
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(row.id, item["id"].as_str().unwrap());
        assert_eq!(row.display_name(), item["name"].as_str().unwrap());
        assert_eq!(row.kind.as_deref(), item["type"].as_str());
        // The size is sent as a string of bytes.
        let size: u64 = item["size"].as_str().unwrap().parse().unwrap();
        assert_eq!(row.size, Some(size));
        assert_eq!(row.phase(), Phase::Completed);
        // An empty status message reads as absent; `_agno` is internal.
        assert_eq!(row.status_message, None);
        assert!(row.metadata.iter().all(|(k, _)| k != "_agno"));
        assert_eq!(row.metadata, vec![("source".to_string(), item["metadata"]["source"].as_str().unwrap().to_string())]);
        assert_eq!(row.created_at.as_deref(), item["created_at"].as_str());
    }
    // A few hundred bytes read as bytes.
    let first = rows[0].size.unwrap();
    assert!(first < 1024);
    assert_eq!(human_size(first), format!("{first} B"));
}

#[test]
fn content_rows_are_read_leniently() {
    let v = json!({"data": [
        {"id": "a", "size": 2048, "status": "FAILED", "status_message": "reader crashed",
         "metadata": {"n": 3, "tags": ["x"], "gone": null}, "created_at": 1795374600},
        {"name": "no id: dropped"},
        {"id": "b", "size": "not a number", "metadata": "not an object", "type": null}
    ]});
    let (rows, meta) = parse_content_list(&v);
    assert_eq!(rows.len(), 2);
    assert_eq!(meta.page, 1);
    assert_eq!(rows[0].size, Some(2048));
    assert_eq!(rows[0].phase(), Phase::Failed);
    assert_eq!(rows[0].status_message.as_deref(), Some("reader crashed"));
    assert_eq!(rows[0].metadata, vec![("n".into(), "3".into()), ("tags".into(), "[\"x\"]".into())]);
    assert_eq!(rows[0].created_at.as_deref(), Some("2026-11-22T19:10:00Z"));
    assert_eq!(rows[1].display_name(), "b");
    assert_eq!(rows[1].size, None);
    assert!(rows[1].metadata.is_empty());
    assert_eq!(rows[1].kind, None);
    // Missing status: still processing, as far as anyone can tell.
    assert_eq!(rows[1].phase(), Phase::Processing);
    assert_eq!(parse_content_list(&json!({})).0, vec![]);
}

#[test]
fn status_answers_and_phases() {
    assert_eq!(
        parse_status(&json!({"id": "x", "status": "completed", "status_message": ""})),
        (Some("x".into()), Phase::Completed, None)
    );
    // The 202 of an add has the same fields.
    let (id, phase, msg) = parse_status(&json!({"id": "y", "status": "processing", "status_message": null}));
    assert_eq!((id.as_deref(), phase, msg), (Some("y"), Phase::Processing, None));
    assert_eq!(parse_status(&json!({"status": "failed", "status_message": "boom"})).2.as_deref(), Some("boom"));
    assert_eq!(Phase::parse("partial"), Phase::Partial);
    assert_eq!(Phase::parse("partially_failed"), Phase::Partial);
    assert_eq!(Phase::parse("Completed"), Phase::Completed);
    assert_eq!(Phase::parse("whatever"), Phase::Processing);
    assert!(Phase::Failed.is_final() && Phase::Partial.is_final() && Phase::Completed.is_final());
    assert!(!Phase::Processing.is_final());
}

#[test]
fn polling_is_bounded() {
    let delays: Vec<u32> = (0..).map_while(poll_delay_ms).collect();
    assert_eq!(&delays[..3], &[500, 1_000, 2_000]);
    let total: u32 = delays.iter().sum();
    assert!((120_000..=240_000).contains(&total), "gives up after {total} ms");
}

#[test]
fn sizes_read_like_people_write_them() {
    assert_eq!(human_size(0), "0 B");
    assert_eq!(human_size(1023), "1023 B");
    assert_eq!(human_size(1024), "1.0 KB");
    assert_eq!(human_size(1536), "1.5 KB");
    assert_eq!(human_size(10 * 1024), "10 KB");
    assert_eq!(human_size(1024 * 1024 - 1), "1024 KB");
    assert_eq!(human_size(5 * 1024 * 1024 + 300 * 1024), "5.3 MB");
    assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GB");
    assert_eq!(score_text(0.87349), "0.873");
    assert_eq!(score_text(-1.5), "-1.500");
    assert_eq!(score_text(2.0), "2.000");
}

#[test]
fn the_config_offers_readers_chunkers_filters_and_search_types() {
    let raw = fixture("knowledge_config.json");
    let c = KnowledgeConfig::from_json(&raw);
    assert_eq!(c.readers.len(), raw["readers"].as_object().unwrap().len());
    let text = c.reader("text").expect("the text reader");
    assert_eq!(text.name, "TextReader");
    assert!(text.content_types.contains(&".txt".to_string()));
    assert!(text.chunkers.contains(&"FixedSizeChunker".to_string()));
    assert_eq!(c.chunkers.len(), raw["chunkers"].as_object().unwrap().len());
    let fixed = c.chunker("FixedSizeChunker").unwrap();
    assert_eq!((fixed.chunk_size, fixed.chunk_overlap), (Some(5000), Some(0)));
    assert_eq!(c.chunker("RowChunker").unwrap().chunk_size, None);
    assert_eq!(c.chunkers_for("text"), text.chunkers);
    // An unknown reader may use any chunker.
    assert_eq!(c.chunkers_for("nope").len(), c.chunkers.len());
    assert_eq!(c.reader_for_file("notes.TXT").as_deref(), Some("text"));
    assert_eq!(c.reader_for_file("README.md").as_deref(), Some("markdown"));
    assert_eq!(c.reader_for_file("photo.heic"), None);
    assert_eq!(c.reader_for_file("no-extension"), None);
    // `_agno` is agno's own bookkeeping, not a filter for people.
    assert_eq!(c.filters, vec!["source"]);
    assert_eq!(c.search_types(), vec!["vector", "keyword", "hybrid"]);
    assert_eq!(c.vector_dbs[0].name, "LanceDb");
}

#[test]
fn an_empty_or_odd_config_reads_as_empty() {
    let c = KnowledgeConfig::from_json(&json!({"readers": null, "chunkers": [{"key": "K"}], "vector_dbs": {}}));
    assert!(c.readers.is_empty());
    assert_eq!(c.chunkers[0].name, "K");
    assert!(c.search_types().is_empty());
    assert!(c.filters.is_empty());
    assert_eq!(KnowledgeConfig::from_json(&json!([])), KnowledgeConfig::default());
}

#[test]
fn every_request_names_the_knowledge_base() {
    let t = target();
    assert_eq!(t.query(), "knowledge_id=kb%201%2Fx&db_id=demo-db");
    assert_eq!(config_path(&t), "/knowledge/config?knowledge_id=kb%201%2Fx&db_id=demo-db");
    assert_eq!(
        content_list_path(&t, 2, 10),
        "/knowledge/content?limit=10&page=2&sort_by=created_at&sort_order=desc&knowledge_id=kb%201%2Fx&db_id=demo-db"
    );
    assert_eq!(add_path(&t), "/knowledge/content?knowledge_id=kb%201%2Fx&db_id=demo-db");
    assert_eq!(content_path(&t, "a/b"), "/knowledge/content/a%2Fb?knowledge_id=kb%201%2Fx&db_id=demo-db");
    assert_eq!(status_path(&t, "c"), "/knowledge/content/c/status?knowledge_id=kb%201%2Fx&db_id=demo-db");
    // From /config; a base without a database id sends only its id.
    let cfg = agentos_client::config::OsConfig::from_json(&fixture("config.json"));
    let kb = &cfg.knowledge_instances()[0];
    assert_eq!(base_label(kb), "Demo Handbook");
    let t = Target::of(kb);
    assert_eq!(t.db_id.as_deref(), Some("demo-db"));
    assert_eq!(t.knowledge_id, kb.id);
    let bare = KnowledgeInstance { id: "k".into(), db_id: Some(String::new()), ..Default::default() };
    assert_eq!(base_label(&bare), "k");
    assert_eq!(content_list_path(&Target::of(&bare), 0, 0), "/knowledge/content?limit=1&page=1&sort_by=created_at&sort_order=desc&knowledge_id=k");
}

#[test]
fn add_forms_carry_only_what_was_filled_in() {
    let f = AddForm {
        text: "Some text\nwith lines".into(),
        name: "  Notes ".into(),
        metadata: "source = handbook\nteam=ops".into(),
        reader_id: "text".into(),
        chunker: "FixedSizeChunker".into(),
        chunk_size: "500".into(),
        chunk_overlap: "0".into(),
        url: "ignored for text".into(),
        ..Default::default()
    };
    let fields = f.fields(Source::Text).unwrap();
    let get = |k: &str| fields.iter().find(|(f, _)| *f == k).map(|(_, v)| v.as_str());
    assert_eq!(get("text_content"), Some("Some text\nwith lines"));
    assert_eq!(get("name"), Some("Notes"));
    assert_eq!(get("description"), None);
    assert_eq!(get("url"), None);
    let meta: Value = serde_json::from_str(get("metadata").unwrap()).unwrap();
    assert_eq!(meta, json!({"source": "handbook", "team": "ops"}));
    assert_eq!((get("reader_id"), get("chunker")), (Some("text"), Some("FixedSizeChunker")));
    assert_eq!((get("chunk_size"), get("chunk_overlap")), (Some("500"), Some("0")));

    let url = AddForm { url: " https://example.com/doc.txt ".into(), ..Default::default() };
    assert_eq!(url.fields(Source::Url).unwrap(), vec![("url", "https://example.com/doc.txt".to_string())]);
    // A file upload has no text fields of its own.
    assert_eq!(AddForm::default().fields(Source::File).unwrap(), vec![]);
    let json_meta = AddForm { metadata: r#"{"n": 1}"#.into(), ..Default::default() };
    assert_eq!(json_meta.fields(Source::File).unwrap(), vec![("metadata", r#"{"n":1}"#.to_string())]);
}

#[test]
fn bad_add_input_is_refused_with_words() {
    let err = |f: AddForm, s: Source| f.fields(s).unwrap_err();
    assert_eq!(err(AddForm::default(), Source::Text), "Enter the text to add.");
    assert_eq!(err(AddForm { text: "  \n".into(), ..Default::default() }, Source::Text), "Enter the text to add.");
    assert_eq!(err(AddForm::default(), Source::Url), "Enter the URL to add.");
    for bad in ["javascript:alert(1)", "ftp://x", "example.com", "https://a b"] {
        assert!(err(AddForm { url: bad.into(), ..Default::default() }, Source::Url).contains("http://"), "{bad}");
    }
    let text = |m: &str| AddForm { text: "t".into(), metadata: m.into(), ..Default::default() };
    assert_eq!(err(text("source"), Source::Text), "Metadata “source” is not key=value.");
    assert_eq!(err(text("{not json"), Source::Text), "Metadata is not a valid JSON object.");
    assert_eq!(err(text("[1]"), Source::Text), "Metadata “[1]” is not key=value.");
    let sized = |s: &str, o: &str| AddForm { text: "t".into(), chunk_size: s.into(), chunk_overlap: o.into(), ..Default::default() };
    assert_eq!(err(sized("0", ""), Source::Text), "Chunk size must be a whole number above 0.");
    assert_eq!(err(sized("ten", ""), Source::Text), "Chunk size must be a whole number above 0.");
    assert_eq!(err(sized("", "-1"), Source::Text), "Chunk overlap must be a whole number.");
}

#[test]
fn edits_are_form_fields() {
    assert_eq!(
        edit_fields(" New name ", " "),
        Ok(vec![("name", "New name".to_string()), ("description", String::new())])
    );
    assert_eq!(edit_fields("  ", "d"), Err("The name cannot be empty.".to_string()));
}

#[test]
fn search_bodies_name_the_base_type_limit_and_filters() {
    let t = target();
    let f = SearchForm {
        query: "  coffee machine ".into(),
        search_type: "hybrid".into(),
        max_results: "5".into(),
        filters: "source=demo-seed".into(),
    };
    assert_eq!(
        search_body(&t, &f).unwrap(),
        json!({
            "query": "coffee machine", "knowledge_id": "kb 1/x", "db_id": "demo-db",
            "search_type": "hybrid", "max_results": 5, "filters": {"source": "demo-seed"},
            "meta": {"limit": 5, "page": 1}
        })
    );
    let plain = search_body(&Target::default(), &SearchForm { query: "x".into(), ..Default::default() }).unwrap();
    assert_eq!(plain, json!({"query": "x", "meta": {"limit": 20, "page": 1}}));
    let bad = |f: SearchForm| search_body(&t, &f).unwrap_err();
    assert_eq!(bad(SearchForm::default()), "Enter something to search for.");
    for n in ["0", "1001", "many"] {
        let e = bad(SearchForm { query: "x".into(), max_results: n.into(), ..Default::default() });
        assert_eq!(e, "The result limit must be a whole number from 1 to 1000.");
    }
    let e = bad(SearchForm { query: "x".into(), filters: "source".into(), ..Default::default() });
    assert_eq!(e, "Filters: “source” is not key=value.");
}

#[test]
fn search_results_decode_with_text_source_and_score() {
    let raw = fixture("knowledge_search.json");
    let (hits, meta) = parse_search(&raw);
    let items = raw["data"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(hits.len(), items.len());
    assert_eq!(meta.total_count, items.len() as u64);
    for (hit, item) in hits.iter().zip(items) {
        assert_eq!(hit.content, item["content"].as_str().unwrap());
        assert_eq!(hit.name.as_deref(), item["name"].as_str());
        assert_eq!(hit.source.as_deref(), item["meta_data"]["source"].as_str());
        assert_eq!(hit.content_id.as_deref(), item["content_id"].as_str());
        assert_eq!(hit.chunk, item["meta_data"]["chunk"].as_u64());
        // LanceDB without a reranker sends no score.
        assert_eq!(hit.score, None);
    }
    assert!(hits[0].content.contains("coffee machine"));
    let (scored, _) = parse_search(&json!({"data": [
        {"content": "a", "reranking_score": 0.5},
        {"content": "b", "meta_data": {"score": 0.25}},
        {"meta_data": null}
    ]}));
    assert_eq!(scored.iter().map(|h| h.score).collect::<Vec<_>>(), vec![Some(0.5), Some(0.25), None]);
    assert_eq!(scored[2].content, "");
    assert!(parse_search(&json!({"data": []})).0.is_empty());
}

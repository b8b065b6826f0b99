//! `ecsctl schema`.

use crate::support::ecsctl;

#[test]
fn schema_prints_one_json_schema_document_on_stdout() {
    let run = ecsctl().args(["schema"]).run();
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let schema: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["type"], "object");
    // The top-level keys of both spec files are described, and unknown keys are refused.
    for key in [
        "app",
        "region",
        "account",
        "services",
        "defaults",
        "discovery",
        "revisions",
    ] {
        assert!(
            schema["properties"][key].is_object(),
            "schema has no property `{key}`"
        );
    }
    assert_eq!(schema["additionalProperties"], false);
    assert!(
        run.stdout.ends_with("}\n"),
        "pretty JSON with a final newline"
    );
}

#[test]
fn schema_needs_no_project() {
    let empty = tempfile::tempdir().unwrap();
    let run = ecsctl().current_dir(empty.path()).args(["schema"]).run();
    assert_eq!(run.code, Some(0));
}

//! Tests of `spec::load`.

use super::*;
use crate::spec::raw_values::{CapacityMode, RawCapacity, Scalar};
use crate::spec::structure::VALID_SPEC;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn no_vars(_: &str) -> Option<String> {
    None
}

fn load(dir: &tempfile::TempDir, env: &str) -> Result<LoadedEnv, LoadFailure> {
    load_env_with(dir.path(), env, &|name| {
        (name == "TAG").then(|| "v7".to_string())
    })
}

/// Each problem as `file:line:col path | message | hint`, file by its name only.
fn problems(failure: &LoadFailure) -> Vec<String> {
    failure
        .diagnostics
        .iter()
        .map(|d| {
            let path = failure.sources.path(d.loc.file).unwrap();
            let name = path
                .strip_prefix(path.ancestors().nth(2).unwrap())
                .unwrap_or(path);
            let hint = d.hint.as_deref().unwrap_or("-");
            format!(
                "{}:{}:{} {} | {} | {hint}",
                name.display(),
                d.loc.line,
                d.loc.col,
                d.path,
                d.message
            )
        })
        .collect()
}

#[test]
fn environments_are_yaml_files_sorted() {
    let dir = project(&[
        ("ecsctl.yaml", "app: x\n"),
        ("environments/staging.yaml", ""),
        ("environments/dev.yml", ""),
        ("environments/prod.yaml", ""),
        ("environments/README.md", ""),
        ("environments/old.yaml.bak", ""),
    ]);
    std::fs::create_dir(dir.path().join("environments/nested.yaml")).unwrap();
    assert_eq!(
        environments(dir.path()).unwrap(),
        ["dev", "prod", "staging"]
    );
    let empty = project(&[("ecsctl.yaml", "app: x\n")]);
    assert!(environments(empty.path()).unwrap().is_empty());
}

#[test]
fn missing_project_file_names_the_path() {
    let dir = project(&[("environments/dev.yaml", "")]);
    let failure = load(&dir, "dev").unwrap_err();
    let shown = shown_path(&dir.path().join("ecsctl.yaml"));
    assert_eq!(failure.diagnostics.len(), 1);
    let d = failure.diagnostics.iter().next().unwrap();
    assert_eq!(d.message, format!("`{}` does not exist", shown.display()));
    assert_eq!(
        d.hint.as_deref(),
        Some("run in a project directory or pass -C DIR")
    );
    assert_eq!(failure.sources.path(d.loc.file), Some(shown.as_path()));
    assert_eq!(failure.to_string(), "1 problem in the spec");
}

#[test]
fn a_yml_project_file_gets_a_rename_hint() {
    let dir = project(&[("ecsctl.yml", "app: x\n")]);
    let failure = load(&dir, "dev").unwrap_err();
    let hint = failure
        .diagnostics
        .iter()
        .next()
        .unwrap()
        .hint
        .clone()
        .unwrap();
    assert!(
        hint.starts_with("rename `") && hint.ends_with("ecsctl.yml` to `ecsctl.yaml`"),
        "{hint}"
    );
}

#[test]
fn unknown_environment_lists_the_known_ones() {
    let dir = project(&[
        ("ecsctl.yaml", "app: x\n"),
        ("environments/prod.yaml", ""),
        ("environments/dev.yaml", ""),
    ]);
    let failure = load(&dir, "prdo").unwrap_err();
    assert_eq!(
        problems(&failure),
        [
            "environments/prdo.yaml:0:0  | unknown environment `prdo` | did you mean `prod`? environments here: `dev` or `prod`"
        ]
    );
    let failure = load(&dir, "qa").unwrap_err();
    assert_eq!(
        problems(&failure),
        [
            "environments/qa.yaml:0:0  | unknown environment `qa` | environments here: `dev` or `prod`"
        ]
    );
    let none = project(&[("ecsctl.yaml", "app: x\n")]);
    let hint = load(&none, "dev")
        .unwrap_err()
        .diagnostics
        .iter()
        .next()
        .unwrap()
        .hint
        .clone()
        .unwrap();
    assert!(
        hint.starts_with("this project has no environments yet: create `")
            && hint.ends_with("environments/dev.yaml`"),
        "{hint}"
    );
}

#[test]
fn unknown_environment_and_base_problems_are_reported_together() {
    let dir = project(&[
        ("ecsctl.yaml", "app: x\nregoin: eu-west-1\n"),
        ("environments/dev.yaml", ""),
    ]);
    let failure = load(&dir, "prod").unwrap_err();
    assert_eq!(
        problems(&failure),
        [
            "x/ecsctl.yaml:2:1 regoin | unknown key `regoin` at the top level | did you mean `region`?",
            "environments/prod.yaml:0:0  | unknown environment `prod` | environments here: `dev`",
        ]
        .map(|p| p
            .replace("x/ecsctl.yaml", &format!("{}/ecsctl.yaml", dir.path().file_name().unwrap().to_string_lossy())))
    );
}

#[test]
fn a_tab_is_a_syntax_error_at_the_tab() {
    let dir = project(&[
        ("ecsctl.yaml", "app: x\nservices:\n  api:\n\timage: x\n"),
        ("environments/dev.yaml", ""),
    ]);
    let failure = load(&dir, "dev").unwrap_err();
    let d = failure.diagnostics.iter().next().unwrap();
    assert_eq!((d.loc.line, d.loc.col), (4, 1));
    assert_eq!(
        d.message,
        "found a tab character where indentation was expected"
    );
    assert_eq!(d.hint.as_deref(), Some("YAML indents with spaces only"));
}

#[test]
fn table_of_syntax_errors() {
    /// YAML text, where the error is, message, hint.
    type Case<'a> = (&'a str, (u32, u32), &'a str, Option<&'a str>);
    let cases: &[Case] = &[
        (
            "app: 'x\n",
            (1, 6),
            "this quoted string is never closed",
            Some("end it with the quote it starts with"),
        ),
        (
            "tags: [a, b\n",
            (1, 7),
            "`[` is never closed",
            Some("close it with `]`"),
        ),
        (
            "app: x\napp: y\n",
            (2, 1),
            "duplicate key `app`",
            Some("a key may appear only once in a mapping"),
        ),
        (
            "app: x\n  region: y\n",
            (2, 9),
            "unexpected `:` here",
            Some("check this line's indentation, or quote a value that contains `: `"),
        ),
        (
            "app: x\n---\napp: y\n",
            (3, 1),
            "more than one YAML document in this file",
            Some("a spec file is one document: remove the `---` separator"),
        ),
        (
            "app: @x\n",
            (1, 6),
            "unexpected character `@`",
            Some("quote a value that starts with `@`"),
        ),
        (
            "services:\n  api:\n    image: x\n   cpu: 1\n",
            (4, 4),
            "this line is not indented like the keys around it",
            Some("indent every key of a mapping by the same number of spaces"),
        ),
        (
            "app: \"x\\q\"\n",
            (1, 6),
            "unknown escape sequence in a double-quoted string",
            Some("use single quotes, or write `\\\\` for a backslash"),
        ),
        (
            "app: *nope\n",
            (1, 6),
            "this alias refers to an anchor that is not defined",
            Some("define the anchor first, e.g. `base: &base {...}`, then use `*base`"),
        ),
        (
            "cluster:\n  name: {app}-{env}\n",
            (2, 14),
            "invalid YAML: while parsing a block mapping, did not find expected key",
            Some(
                "a value starting with `{` is a YAML mapping: quote name templates, e.g. `\"{app}-{env}\"`",
            ),
        ),
    ];
    for (text, (line, col), message, hint) in cases {
        let dir = project(&[("ecsctl.yaml", text), ("environments/dev.yaml", "")]);
        let failure = load(&dir, "dev").unwrap_err();
        assert_eq!(
            failure.diagnostics.len(),
            1,
            "{text:?}: {:?}",
            failure.diagnostics
        );
        let d = failure.diagnostics.iter().next().unwrap();
        assert_eq!(
            (d.loc.line, d.loc.col, d.message.as_str(), d.hint.as_deref()),
            (*line, *col, *message, *hint),
            "{text:?}"
        );
    }
}

#[test]
fn both_files_with_errors_report_everything() {
    let dir = project(&[
        (
            "ecsctl.yaml",
            "app: shop\nservices:\n  api:\n    imagee: x\n    count: many\n",
        ),
        (
            "environments/prod.yaml",
            "app: other\ncapacity: spto\nservices:\n  api:\n    image: repo:${NOPE}\n",
        ),
    ]);
    let failure = load_env_with(dir.path(), "prod", &no_vars).unwrap_err();
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let want = [
        "x/ecsctl.yaml:4:5 services.api.imagee | unknown key `imagee` in `services.api` | did you mean `image`?",
        "x/ecsctl.yaml:5:12 services.api.count | expected an integer, found a string | -",
        "environments/prod.yaml:1:1 app | an environment file cannot set `app` | the application's name is set once, in `ecsctl.yaml`; remove this line",
        "environments/prod.yaml:2:11 capacity | unknown value `spto` for `capacity`, expected `on-demand`, `spot` or a mapping | did you mean `spot`?",
        "environments/prod.yaml:5:17 services.api.image | environment variable `NOPE` is not set | set `NOPE`, or give a default: `${NOPE:-value}`",
    ]
    .map(|p| p.replace("x/ecsctl.yaml", &format!("{name}/ecsctl.yaml")));
    assert_eq!(problems(&failure), want);
    assert_eq!(failure.to_string(), "5 problems in the spec");
}

#[test]
fn a_syntax_error_in_one_file_does_not_hide_the_other() {
    let dir = project(&[
        ("ecsctl.yaml", "app: [x\n"),
        ("environments/dev.yaml", "servics: {}\n"),
    ]);
    let failure = load(&dir, "dev").unwrap_err();
    let messages: Vec<&str> = failure
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "`[` is never closed",
            "unknown key `servics` at the top level"
        ]
    );
}

#[test]
fn env_file_overrides_base() {
    let dir = project(&[
        (
            "ecsctl.yaml",
            "app: shop\nregion: eu-west-1\ncapacity: on-demand\nnetwork: {subnets: [a, b], assignPublicIp: true}\n\
             services:\n  api:\n    image: repo/api:${TAG}\n    cpu: 256\n    env: {A: 1, B: 2}\n  web:\n    image: web\n",
        ),
        (
            "environments/prod.yml",
            "capacity: spot\nnetwork: {subnets: [c]}\nservices:\n  api:\n    cpu: 1024\n    env: {B: 20, C: 30}\n  worker:\n    image: w\n",
        ),
    ]);
    let loaded = load(&dir, "prod").unwrap();
    let m = &loaded.merged;
    assert_eq!(loaded.env, "prod");
    assert_eq!(m.app.as_ref().unwrap().value, "shop");
    assert_eq!(m.region.as_ref().unwrap().loc.file, loaded.base_file);
    assert_eq!(
        m.capacity.as_ref().unwrap().value,
        RawCapacity::Mode(CapacityMode::Spot)
    );
    assert_eq!(
        m.capacity.as_ref().unwrap().loc,
        Loc {
            file: loaded.env_file,
            line: 1,
            col: 11
        }
    );
    let network = m.network.as_ref().unwrap();
    let subnets: Vec<&str> = network
        .subnets
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(subnets, ["c"], "lists are replaced");
    assert!(
        network.assign_public_ip.as_ref().unwrap().value,
        "blocks merge field by field"
    );
    let services = m.services.as_ref().unwrap();
    let names: Vec<&str> = services.keys().map(|k| k.value.as_str()).collect();
    assert_eq!(names, ["api", "web", "worker"]);
    let api = services.get("api").unwrap();
    assert_eq!(api.cpu.as_ref().unwrap().value.0, "1024");
    assert_eq!(api.cpu.as_ref().unwrap().loc.file, loaded.env_file);
    // `${TAG}` was checked, not substituted: the model does that.
    assert_eq!(api.image.as_ref().unwrap().value, "repo/api:${TAG}");
    let env: Vec<(String, String)> = api
        .env
        .as_ref()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.0.clone()))
        .collect();
    assert_eq!(
        env,
        [
            ("A".into(), "1".into()),
            ("B".into(), "20".into()),
            ("C".into(), "30".into())
        ]
    );
    assert_eq!(
        loaded
            .sources
            .path(loaded.env_file)
            .unwrap()
            .file_name()
            .unwrap(),
        "prod.yml"
    );
}

#[test]
fn an_empty_environment_file_changes_nothing() {
    let dir = project(&[
        ("ecsctl.yaml", "app: shop\nregion: eu-west-1\n"),
        ("environments/dev.yaml", "# nothing differs\n"),
    ]);
    let loaded = load(&dir, "dev").unwrap();
    assert_eq!(loaded.merged.region.as_ref().unwrap().value, "eu-west-1");
}

#[test]
fn a_spec_the_schema_accepts_deserialises() {
    let dir = project(&[("ecsctl.yaml", VALID_SPEC), ("environments/dev.yaml", "")]);
    let loaded = load(&dir, "dev").unwrap_or_else(|f| panic!("{:?}", problems(&f)));
    let api = loaded.merged.services.as_ref().unwrap().get("api").unwrap();
    assert_eq!(api.user.as_ref().unwrap().value, "1000");
    assert_eq!(api.platform_version.as_ref().unwrap().value, "1.4");
    let env: Vec<&str> = api
        .env
        .as_ref()
        .unwrap()
        .iter()
        .map(|(_, v)| v.value.0.as_str())
        .collect();
    assert_eq!(env, ["8080", "yes", "true", "01234", "x"]);
    assert_eq!(
        api.env.as_ref().unwrap().get("ZIP").unwrap().value,
        Scalar("01234".into())
    );
    assert_eq!(loaded.merged.scheduled_tasks.as_ref().unwrap().len(), 1);
}

#[test]
fn serde_aliases_pass_the_check_too() {
    use crate::spec::raw_values::Architecture;
    let dir = project(&[
        (
            "ecsctl.yaml",
            "app: shop\nservices:\n  a: {architecture: amd64}\n  b: {architecture: ARM64}\n",
        ),
        ("environments/dev.yaml", ""),
    ]);
    let loaded = load(&dir, "dev").unwrap_or_else(|f| panic!("{:?}", problems(&f)));
    let services = loaded.merged.services.unwrap();
    let arch = |name: &str| {
        services
            .get(name)
            .unwrap()
            .architecture
            .as_ref()
            .unwrap()
            .value
    };
    assert_eq!(
        (arch("a"), arch("b")),
        (Architecture::X86_64, Architecture::Arm64)
    );
}

#[test]
fn every_example_project_loads() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut loaded = 0;
    let entries =
        std::fs::read_dir(&examples).unwrap_or_else(|e| panic!("{}: {e}", examples.display()));
    for entry in entries {
        let dir = entry.unwrap().path();
        if !dir.join(PROJECT_FILE).is_file() {
            continue;
        }
        for env in environments(&dir).unwrap() {
            let result = load_env_with(&dir, &env, &|_| Some("x".into()));
            if let Err(f) = result {
                panic!(
                    "{} {env}: {}",
                    dir.display(),
                    crate::diagnostic::render(&f.diagnostics, &f.sources, false)
                );
            }
            loaded += 1;
        }
    }
    assert!(loaded >= 4, "only {loaded} example environments found");
}

#[test]
fn rendered_failure_reads_like_rustc() {
    let dir = project(&[
        (
            "ecsctl.yaml",
            "app: shop\nservices:\n  api:\n    imagee: repo/api\n",
        ),
        ("environments/dev.yaml", ""),
    ]);
    let failure = load(&dir, "dev").unwrap_err();
    let shown = shown_path(&dir.path().join("ecsctl.yaml"));
    let want = format!(
        "error: unknown key `imagee` in `services.api`\n --> {}:4:5 (services.api.imagee)\n  |\n4 |     imagee: repo/api\n  |     ^^^^^^\n  = hint: did you mean `image`?\n\n",
        shown.display()
    );
    assert_eq!(
        crate::diagnostic::render(&failure.diagnostics, &failure.sources, false),
        want
    );
}

#[test]
fn shown_paths_drop_dot_segments_and_the_current_directory() {
    assert_eq!(
        shown_path(Path::new("./ecsctl.yaml")),
        PathBuf::from("ecsctl.yaml")
    );
    assert_eq!(
        shown_path(Path::new("./environments/prod.yaml")),
        PathBuf::from("environments/prod.yaml")
    );
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(
        shown_path(&cwd.join("environments/prod.yaml")),
        PathBuf::from("environments/prod.yaml")
    );
    assert_eq!(
        shown_path(Path::new("/elsewhere/ecsctl.yaml")),
        PathBuf::from("/elsewhere/ecsctl.yaml")
    );
}

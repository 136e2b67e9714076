//! The GitHub Action (`action.yml`): its steps run as a runner runs them (bash, inputs
//! through the environment), on a project with a finding: the scan writes SARIF and its
//! output, the gate annotates and fails, inputs narrow or silence it, and the install step
//! does nothing when the right idguard is already on PATH.

use std::path::Path;
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

fn action() -> Yaml {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

fn step<'a>(action: &'a Yaml, id: &str) -> &'a Yaml {
    action["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("action.yml has no step `{id}`"))
}

/// Runs a step's script as a composite action does: `${{ inputs.NAME }}` in its `env` from
/// `inputs` (else the input's default), idguard on PATH, a `GITHUB_OUTPUT` file.
fn run_step(action: &Yaml, id: &str, project: &Path, inputs: &[(&str, &str)]) -> (i32, String, String) {
    let step = step(action, id);
    assert_eq!(step["shell"].as_str(), Some("bash"));
    let script = step["run"].as_str().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_idguard")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let output = project.join("github-output");
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(project)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_PATH", project.join("github-path"))
        .env("RUNNER_TEMP", project.join("runner-temp"))
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"));
    if let Some(env) = step["env"].as_hash() {
        for (name, value) in env {
            let value = value.as_str().unwrap();
            let value = match value.strip_prefix("${{ inputs.").and_then(|v| v.strip_suffix(" }}")) {
                Some(input) => inputs.iter().find(|(n, _)| *n == input).map_or_else(
                    || {
                        action["inputs"][input]["default"]
                            .as_str()
                            .unwrap_or_else(|| panic!("no input `{input}`"))
                            .to_owned()
                    },
                    |(_, v)| (*v).to_owned(),
                ),
                None => value.to_owned(),
            };
            command.env(name.as_str().unwrap(), value);
        }
    }
    let out = command.output().unwrap();
    let outputs = std::fs::read_to_string(&output).unwrap_or_default();
    let _ = std::fs::remove_file(&output);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), outputs)
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\n[package]\nname = \"app\"\nversion = \"0.1.0\"\n")
        .unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(
        dir.path().join("src/main.rs"),
        "#[derive(Serialize)]\npub struct UserView {\n    pub id: i64,\n    pub email: String,\n}\n\npub async fn me() -> Json<UserView> {\n    todo!()\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_action_scans_uploads_and_gates() {
    let action = action();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let dir = project();
    let root = dir.path();

    let (status, _, outputs) = run_step(&action, "scan", root, &[]);
    assert_eq!(status, 0, "the scan step reports, the gate fails");
    assert_eq!(outputs.trim(), "sarif-file=idguard.sarif");
    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join("idguard.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "sequential-id-in-response");

    let (status, stdout, _) = run_step(&action, "annotate", root, &[]);
    assert_eq!(status, 1, "the gate fails the job: {stdout}");
    assert!(stdout.starts_with("::error file=src/main.rs,line=3,"), "{stdout}");

    // Inputs: paths narrow the report, args reach idguard, fail-on is the threshold.
    let (status, stdout, _) = run_step(&action, "annotate", root, &[("paths", "docs")]);
    assert_eq!((status, stdout.as_str()), (0, ""), "nothing under docs/");
    let (status, _, _) = run_step(&action, "annotate", root, &[("args", "-W sequential-id-in-response")]);
    assert_eq!(status, 0, "capped at warning, below the default fail-on");
    let (status, _, _) =
        run_step(&action, "annotate", root, &[("args", "-W sequential-id-in-response"), ("fail-on", "warning")]);
    assert_eq!(status, 1);
    let (status, _, outputs) = run_step(&action, "scan", root, &[("sarif-file", "out/x.sarif"), ("paths", ". src")]);
    assert_ne!(status, 0, "a directory that does not exist fails the step");
    assert_eq!(outputs, "");
}

#[test]
fn the_install_step_keeps_an_idguard_of_the_right_version() {
    let action = action();
    let wanted = step(&action, "install")["env"]["IDGUARD_WANTED"].as_str().unwrap().to_owned();
    assert_eq!(wanted, env!("CARGO_PKG_VERSION"), "action.yml installs the version of this checkout");
    let dir = project();
    let (status, _, _) = run_step(&action, "install", dir.path(), &[]);
    assert_eq!(status, 0);
    assert!(!dir.path().join("runner-temp").exists(), "nothing was installed: idguard {wanted} is on PATH");
}

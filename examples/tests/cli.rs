//! The README's first command, run as a test: `sitebuilder generate "<brief>"` on a fresh SQLite
//! file with the offline planner (structure.json and the rendered site in site/), then `status`,
//! `doctor`, `export`, per-subcommand help and shell completions.

use std::process::Command;

fn cli(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sitebuilder"))
        .current_dir(dir)
        .env_remove("SITEBUILDER_AI_BASE_URL")
        .env_remove("SITEBUILDER_AI_API_KEY")
        .env_remove("OPENAI_API_KEY")
        .env_remove("SITEBUILDER_DATABASE_URL")
        .env_remove("SITEBUILDER_BROKER_URL")
        .args(args)
        .output()
        .expect("run the CLI")
}

#[test]
fn generate_writes_structure_and_the_rendered_site() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(
        dir.path(),
        &[
            "generate",
            "A family bakery in Porto selling sourdough and <script>alert(1)</script> tarts",
            "--business-type",
            "restaurant",
            "--personality",
            "Friendly Neighbour",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for phase in ["INIT", "PREP", "AI_CALL", "PARSE", "SAVE", "DONE"] {
        assert!(
            stdout.contains(phase),
            "no {phase} progress line in {stdout}"
        );
    }
    assert!(
        stdout.contains("└──") && stdout.contains("/home"),
        "{stdout}"
    );
    assert!(stdout.contains("provider: offline"), "{stdout}");
    // The owner's to-do list, and the note that a restaurant type does not fit a bakery brief.
    assert!(
        stdout.contains("to fill in before publishing ("),
        "{stdout}"
    );
    assert!(
        stdout.contains("[Add") || stdout.contains("Add "),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "note: The chosen business type \"Restaurant & Café\" does not match the brief"
        ),
        "{stdout}"
    );
    let structure: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("structure.json")).expect("structure.json"),
    )
    .expect("json");
    assert!(structure["pages"].as_array().is_some_and(|p| p.len() >= 3));
    let site = dir.path().join("site");
    let home = std::fs::read_to_string(site.join("index.html")).expect("site/index.html");
    assert!(home.starts_with("<!doctype html>"), "{home}");
    for page in structure["pages"].as_array().expect("pages") {
        let slug = page["slug"].as_str().expect("slug");
        let file = if slug == "home" {
            "index.html".to_string()
        } else {
            format!("{slug}.html")
        };
        let html =
            std::fs::read_to_string(site.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            !html.contains("<script>alert"),
            "model or user text reached the HTML unescaped"
        );
        assert!(
            home.contains(&format!("href=\"{file}\"")),
            "{file} is in the menu"
        );
    }
    for file in ["sitemap.xml", "robots.txt", "404.html", "assets/site.css"] {
        assert!(site.join(file).is_file(), "{file}");
    }
    assert!(!dir.path().join("site-preview.html").exists());
    assert!(dir.path().join("sitebuilder.db").exists());

    let status = cli(dir.path(), &["status"]);
    let s = String::from_utf8_lossy(&status.stdout);
    assert!(s.contains("[X] 0001_initial") && !s.contains("[ ]"), "{s}");
    let export = cli(
        dir.path(),
        &["export", "1", "bakery.zip", "--layout", "magazine"],
    );
    assert!(!export.status.success(), "export takes no --layout");
    let export = cli(
        dir.path(),
        &[
            "export",
            "1",
            "bakery.zip",
            "--base-url",
            "https://bakery.example",
        ],
    );
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert!(dir.path().join("bakery.zip").is_file());
    let hosting = dir.path().join("hosting");
    let url = format!("file://{}", hosting.display());
    let publish = cli(dir.path(), &["publish", "1", "--target", &url]);
    let said = String::from_utf8_lossy(&publish.stdout);
    assert!(
        publish.status.success() && said.contains("deployed version"),
        "{said}{}",
        String::from_utf8_lossy(&publish.stderr)
    );
    assert!(hosting.join("1/1/current.json").is_file());
    let again = cli(dir.path(), &["publish", "1", "--target", &url]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already deployed"));
    let down = cli(dir.path(), &["unpublish", "1", "--target", &url]);
    assert!(down.status.success());
    assert!(!hosting.join("1/1/current.json").exists());
    let doctor = cli(dir.path(), &["doctor"]);
    assert!(
        doctor.status.success(),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );
}

#[test]
fn doctor_fails_on_an_unmigrated_database_and_says_how_to_fix_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(
        dir.path(),
        &["--database-url", "sqlite://fresh.db", "doctor"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("pending: 0001_initial") && stdout.contains("sitebuilder migrate"),
        "{stdout}"
    );
    let help = cli(dir.path(), &["export", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--zip"));
    let completions = cli(dir.path(), &["completions", "bash"]);
    assert!(String::from_utf8_lossy(&completions.stdout).contains("sitebuilder"));
    let bad = cli(dir.path(), &["generate"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid_input"));
}

#[test]
fn doctor_checks_the_broker_named_in_sitebuilder_broker_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(cli(dir.path(), &["migrate"]).status.success());
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = free.local_addr().expect("addr").port();
    drop(free);
    let doctor = |broker: &str| {
        Command::new(env!("CARGO_BIN_EXE_sitebuilder"))
            .current_dir(dir.path())
            .env_remove("SITEBUILDER_AI_BASE_URL")
            .env_remove("SITEBUILDER_AI_API_KEY")
            .env_remove("OPENAI_API_KEY")
            .env_remove("SITEBUILDER_DATABASE_URL")
            .env("SITEBUILDER_BROKER_URL", broker)
            .arg("doctor")
            .output()
            .expect("run the CLI")
    };
    let down = doctor(&format!("redis://127.0.0.1:{port}/0"));
    let stdout = String::from_utf8_lossy(&down.stdout);
    assert!(!down.status.success(), "{stdout}");
    assert!(
        stdout.contains("[FAIL] broker") && stdout.contains("fix: start the broker (redis-server)"),
        "{stdout}"
    );
    let up = doctor("redis://127.0.0.1:6379/0");
    let stdout = String::from_utf8_lossy(&up.stdout);
    assert!(up.status.success(), "{stdout}");
    assert!(stdout.contains("[ok] broker"), "{stdout}");
}

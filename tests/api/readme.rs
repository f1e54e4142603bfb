//! The README's shell examples run top to bottom, as written, against a fresh emulator: every
//! ```sh block not marked `<!-- readme-test: skip (reason) -->` runs in one bash session (so a
//! variable set in one block is there in the next, as in a terminal), with the emulator's
//! address put in for `127.0.0.1:7277` and `curl` failing on an HTTP error status.

use std::path::Path;

use super::helpers::spawn_app;

const SKIP: &str = "<!-- readme-test: skip (";
/// A block whose calls answer HTTP errors on purpose (fault injection): its curl does not fail.
const ALLOW_ERRORS: &str = "<!-- readme-test: allow-http-errors (";

/// A fenced ```sh block: the line it starts on, its text, why it is skipped, if it is, and
/// whether its calls may answer HTTP errors.
struct Block {
    line: usize,
    code: String,
    skip: Option<String>,
    allow_errors: bool,
}

fn shell_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    let mut previous = "";
    while let Some((number, line)) = lines.next() {
        if line.trim_start().starts_with("```sh") {
            let skip = previous
                .trim()
                .strip_prefix(SKIP)
                .and_then(|rest| rest.strip_suffix(") -->"))
                .map(str::to_owned);
            let code: Vec<&str> = lines
                .by_ref()
                .map(|(_, line)| line)
                .take_while(|line| !line.trim_start().starts_with("```"))
                .collect();
            blocks.push(Block {
                line: number + 1,
                code: code.join("\n"),
                skip,
                allow_errors: previous.trim().starts_with(ALLOW_ERRORS),
            });
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    blocks
}

#[tokio::test]
async fn the_readmes_shell_examples_run_top_to_bottom() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let blocks = shell_blocks(&readme);
    let running: Vec<&Block> = blocks.iter().filter(|block| block.skip.is_none()).collect();
    assert!(running.len() >= 5, "the README's examples were not found");
    for block in blocks.iter().filter(|block| block.skip.is_some()) {
        let reason = block.skip.as_deref().unwrap_or_default();
        assert!(
            !reason.trim().is_empty(),
            "line {}: a skip needs its reason",
            block.line
        );
    }

    let app = spawn_app().await;
    let address = app.base.trim_start_matches("http://");
    let mut script = String::from("set -euo pipefail\n");
    for block in running {
        script.push_str(&format!("echo '== README.md line {}' >&2\n", block.line));
        script.push_str(if block.allow_errors {
            "curl() { command curl \"$@\"; echo; }\n"
        } else {
            "curl() { command curl --fail-with-body \"$@\"; echo; }\n"
        });
        script.push_str(&block.code.replace("127.0.0.1:7277", address));
        script.push('\n');
    }
    // `passage-emulator exec` in the examples is this build's binary.
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_passage-emulator"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        binary_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = tokio::process::Command::new("bash")
        .args(["-c", &script])
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the README's examples failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    // What the examples show happened: the passcode reached the inbox, the passkey signed in,
    // the journal answered, and the fault did.
    assert!(stdout.contains("\"otp\":\""), "{stdout}");
    assert!(stdout.contains("\"auth_result\""), "{stdout}");
    assert!(stdout.contains("{\"requests\":[{"), "{stdout}");
    assert!(
        stdout.contains("fault injected by the emulator"),
        "{stdout}"
    );
    app.stop().await;
}

#[test]
fn blocks_and_their_skip_reasons_are_read() {
    let markdown = "text\n\n<!-- readme-test: skip (installs) -->\n```sh\nnpm i x\n```\n\n```sh\necho a\necho b\n```\n";
    let blocks = shell_blocks(markdown);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].skip.as_deref(), Some("installs"));
    assert_eq!(
        (blocks[1].line, blocks[1].code.as_str()),
        (8, "echo a\necho b")
    );
    assert_eq!(blocks[1].skip, None);
    assert!(!blocks[1].allow_errors);
}

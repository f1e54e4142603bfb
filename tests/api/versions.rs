//! One version number for the crate, the npm packages and the PyPI package: a release tags it
//! once and every channel publishes the same thing.

use std::path::Path;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

fn manifest(path: &str) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

#[test]
fn the_npm_packages_carry_the_crates_version() {
    let main = manifest("packages/npm/passage-emulator/package.json");
    assert_eq!(main["version"], VERSION, "packages/npm/passage-emulator");
    let optional = main["optionalDependencies"].as_object().unwrap();
    let platforms = [
        "darwin-arm64",
        "darwin-x64",
        "linux-arm64",
        "linux-x64",
        "win32-x64",
    ];
    assert_eq!(optional.len(), platforms.len());
    for platform in platforms {
        let name = format!("@passage-emulator/{platform}");
        assert_eq!(optional[&name], VERSION, "optional dependency {name}");
        let package = manifest(&format!("packages/npm/platforms/{platform}/package.json"));
        assert_eq!(package["name"], name.as_str());
        assert_eq!(package["version"], VERSION, "{name}");
    }
}

#[test]
fn the_python_package_takes_the_crates_version() {
    // maturin reads the version from Cargo.toml when the project's version is dynamic.
    let pyproject = read("packages/python/pyproject.toml");
    assert!(pyproject.contains("dynamic = [\"version\"]"), "{pyproject}");
    assert!(
        !pyproject.lines().any(|line| line.starts_with("version")),
        "no version of its own: {pyproject}"
    );
    assert!(pyproject.contains("manifest-path = \"../../Cargo.toml\""));
}

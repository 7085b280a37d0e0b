//! Manifests of generated crates, edited with toml_edit (never assembled from strings).
//!
//! - The job crate's `Cargo.toml` from `templates/Cargo.toml`: its name and the runtime's path.
//! - Self-contained manifests for the vendored runtime crates the Dockerfile copies: workspace-inherited
//!   fields and dependencies resolved from the sluice workspace's manifest.

use toml_edit::{value, DocumentMut, Item, Table};

pub const JOB_MANIFEST_TEMPLATE: &str = include_str!("../../../templates/Cargo.toml");

fn parse(text: &str, what: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>()
        .map_err(|e| format!("{what} is not valid TOML: {e}"))
}

/// The job crate's manifest; `features` are the runtime's connector features the job uses (none for
/// jobs without external connectors, which then build without those clients).
pub fn job_manifest(
    crate_name: &str,
    runtime_dir: &str,
    features: &[&str],
) -> Result<String, String> {
    let mut doc = parse(JOB_MANIFEST_TEMPLATE, "templates/Cargo.toml")?;
    doc["package"]["name"] = value(crate_name);
    doc["dependencies"]["sluice-runtime"]["path"] = value(runtime_dir);
    if !features.is_empty() {
        doc["dependencies"]["sluice-runtime"]["features"] =
            value(features.iter().copied().collect::<toml_edit::Array>());
    }
    Ok(doc.to_string())
}

/// A workspace member's manifest made standalone: `x.workspace = true` replaced by the workspace's
/// value, `[lints]` dropped, and the given path dependencies pointed at `paths`.
pub fn standalone_member_manifest(
    member: &str,
    workspace: &str,
    paths: &[(&str, &str)],
) -> Result<String, String> {
    let mut doc = parse(member, "member manifest")?;
    let ws = parse(workspace, "workspace manifest")?;
    let ws_package = ws
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(Item::as_table);
    let ws_deps = ws
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(Item::as_table);
    if let Some(package) = doc.get_mut("package").and_then(Item::as_table_mut) {
        let keys: Vec<String> = package.iter().map(|(k, _)| k.to_string()).collect();
        for key in keys {
            if is_inherited(&package[&key]) {
                match ws_package.and_then(|p| p.get(&key)) {
                    Some(v) => package[&key] = v.clone(),
                    None => {
                        package.remove(&key);
                    }
                }
            }
        }
    }
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(deps) = doc.get_mut(section).and_then(Item::as_table_like_mut) else {
            continue;
        };
        let names: Vec<String> = deps.iter().map(|(k, _)| k.to_string()).collect();
        for name in names {
            if let Some(&(_, path)) = paths.iter().find(|(n, _)| *n == name) {
                let mut table = toml_edit::InlineTable::new();
                table.insert("path", path.into());
                deps.insert(&name, value(table));
                continue;
            }
            let Some(item) = deps.get(&name) else {
                continue;
            };
            if !is_inherited(item) {
                continue;
            }
            let extra_features = item.get("features").cloned();
            let mut resolved = ws_deps
                .and_then(|d| d.get(&name))
                .cloned()
                .ok_or_else(|| format!("{name} is not a workspace dependency"))?;
            if let (Some(features), Some(table)) = (extra_features, resolved.as_inline_table_mut())
            {
                if let Some(array) = features.as_array() {
                    table.insert("features", array.clone().into());
                }
            }
            deps.insert(&name, resolved);
        }
    }
    doc.remove("lints");
    doc.insert("workspace", Item::Table(Table::new()));
    Ok(doc.to_string())
}

fn is_inherited(item: &Item) -> bool {
    item.get("workspace")
        .and_then(Item::as_bool)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_manifest_names_crate_and_runtime() {
        let text = job_manifest("state_demo", "/opt/sluice/runtime", &[]).expect("template is valid");
        let doc: DocumentMut = text.parse().expect("valid toml");
        assert_eq!(doc["package"]["name"].as_str(), Some("state_demo"));
        assert_eq!(
            doc["dependencies"]["sluice-runtime"]["path"].as_str(),
            Some("/opt/sluice/runtime")
        );
        assert!(doc.get("workspace").is_some());
        assert!(doc["dependencies"]["sluice-runtime"].get("features").is_none());
        let with = job_manifest("j", "/r", &["jdbc-mysql"]).expect("valid");
        let doc: DocumentMut = with.parse().expect("valid toml");
        assert_eq!(
            doc["dependencies"]["sluice-runtime"]["features"][0].as_str(),
            Some("jdbc-mysql")
        );
    }

    #[test]
    fn member_manifest_resolves_workspace_fields() {
        let workspace = r#"
[workspace.package]
version = "0.1.0"
edition = "2021"
[workspace.dependencies]
serde = { version = "1", features = ["derive"] }
sluice-types = { path = "types" }
"#;
        let member = r#"
[package]
name = "sluice-runtime"
version.workspace = true
edition.workspace = true
[dependencies]
serde.workspace = true
sluice-types.workspace = true
[lints]
workspace = true
"#;
        let text = standalone_member_manifest(member, workspace, &[("sluice-types", "/opt/types")])
            .expect("ok");
        let doc: DocumentMut = text.parse().expect("valid toml");
        assert_eq!(doc["package"]["version"].as_str(), Some("0.1.0"));
        assert_eq!(doc["dependencies"]["serde"]["version"].as_str(), Some("1"));
        assert_eq!(
            doc["dependencies"]["sluice-types"]["path"].as_str(),
            Some("/opt/types")
        );
        assert!(doc.get("lints").is_none());
    }
}

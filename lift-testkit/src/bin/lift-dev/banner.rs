//! What lift-dev prints once it serves: where each service is, who the admin is, a
//! ready-made token, and the environment a module needs to find the platform.

use std::fmt::Write as _;
use std::path::Path;

/// Everything the banner shows.
#[derive(Debug)]
pub(crate) struct Banner<'a> {
    /// `(service, base URL)`, gateway first.
    pub(crate) urls: Vec<(&'static str, String)>,
    /// The seeded admin's e-mail.
    pub(crate) admin_email: &'a str,
    /// The seeded admin's password.
    pub(crate) admin_password: &'a str,
    /// A token of the seeded admin.
    pub(crate) admin_token: &'a str,
    /// The shared HS256 secret.
    pub(crate) secret: &'a str,
    /// Where state persists, if anywhere.
    pub(crate) data_dir: Option<&'a Path>,
    /// Whether the reference's quirks are on.
    pub(crate) reference_quirks: bool,
}

/// The SDK variable that points at `service`.
fn variable(service: &str) -> Option<&'static str> {
    match service {
        "gateway" => Some("GATEWAY_URL"),
        "auth" => Some("AUTH_SERVICE_URL"),
        "memory" => Some("MEMORY_SERVICE_URL"),
        "registry" => Some("REGISTRY_SERVICE_URL"),
        _ => None,
    }
}

impl Banner<'_> {
    /// The banner text, lines ending in `\n`. Lines a script may read have the form
    /// `  <key> <value>` (`gateway`, `auth`, `memory`, `registry`, `admin`, `token`, `data`).
    pub(crate) fn render(&self) -> String {
        let mut out = String::from("lift-dev: the Lift OS Core fake platform is serving\n\n");
        for (service, url) in &self.urls {
            let _ = writeln!(out, "  {service:<9} {url}");
        }
        let data = match self.data_dir {
            Some(dir) => dir.display().to_string(),
            None => "in memory (lost on exit; keep it with --data-dir DIR)".to_owned(),
        };
        let _ = writeln!(out, "  {:<9} {data}", "data");
        if self.reference_quirks {
            let _ = writeln!(
                out,
                "  {:<9} the reference's traps are on (contract §10)",
                "quirks"
            );
        }
        let _ = writeln!(
            out,
            "\n  {:<9} {} / {}",
            "admin", self.admin_email, self.admin_password
        );
        let _ = writeln!(out, "  {:<9} {}", "token", self.admin_token);
        out.push_str("\nA module (Rust, Python or other) finds the platform with:\n\n");
        for (service, url) in &self.urls {
            if let Some(variable) = variable(service) {
                let _ = writeln!(out, "  export {variable}={}", url.trim_end_matches('/'));
            }
        }
        let _ = writeln!(out, "  export JWT_SECRET={}", self.secret);
        let gateway = self
            .urls
            .iter()
            .find(|(service, _)| *service == "gateway")
            .map_or("", |(_, url)| url.trim_end_matches('/'));
        let _ = writeln!(
            out,
            "\nTry: curl -H \"Authorization: Bearer <the token above>\" {gateway}/registry/modules"
        );
        out.push_str("Logging each request below (stderr). Ctrl-C stops.\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_shows_urls_admin_token_and_the_environment_for_a_module() {
        let banner = Banner {
            urls: vec![
                ("gateway", "http://127.0.0.1:8000/".to_owned()),
                ("auth", "http://127.0.0.1:8001".to_owned()),
            ],
            admin_email: "admin@lift.dev",
            admin_password: "admin123",
            admin_token: "eyJ.x.y",
            secret: "s3cret",
            data_dir: Some(Path::new("/tmp/lift")),
            reference_quirks: false,
        }
        .render();
        assert!(
            banner.contains("\n  gateway   http://127.0.0.1:8000/\n"),
            "{banner}"
        );
        assert!(
            banner.contains("\n  auth      http://127.0.0.1:8001\n"),
            "{banner}"
        );
        assert!(banner.contains("\n  data      /tmp/lift\n"), "{banner}");
        assert!(
            banner.contains("\n  admin     admin@lift.dev / admin123\n"),
            "{banner}"
        );
        assert!(banner.contains("\n  token     eyJ.x.y\n"), "{banner}");
        assert!(
            banner.contains("export GATEWAY_URL=http://127.0.0.1:8000\n"),
            "{banner}"
        );
        assert!(
            banner.contains("export AUTH_SERVICE_URL=http://127.0.0.1:8001\n"),
            "{banner}"
        );
        assert!(banner.contains("export JWT_SECRET=s3cret\n"), "{banner}");
        assert!(!banner.contains("quirks"), "{banner}");
        assert!(
            banner.contains("\" http://127.0.0.1:8000/registry/modules\n"),
            "{banner}"
        );
    }
}

//! `lift-dev` as a process: it answers `/health` on each port, takes its ports from flags or
//! from the SDK's variables, keeps its data across a restart with `--data-dir`, exits 0 on
//! SIGINT and SIGTERM, and refuses bad flags and variables with exit status 2.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lift_sdk::auth::RegisterRequest;
use lift_sdk::{LiftClient, LiftConfig, ModuleId, ModuleManifest, SearchRequest, StoreRequest};

const BIN: &str = env!("CARGO_BIN_EXE_lift-dev");
/// The variables lift-dev reads; removed from the child's environment unless a test sets them.
const VARIABLES: [&str; 5] = [
    "GATEWAY_URL",
    "AUTH_SERVICE_URL",
    "MEMORY_SERVICE_URL",
    "REGISTRY_SERVICE_URL",
    "JWT_SECRET",
];
const SECRET: &str = "lift-dev-test-secret-0123456789abcdef";

/// A free port on loopback (bound, read, released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!("lift-dev-{name}-{}-{nanos}", std::process::id()))
}

/// A running lift-dev, its banner, and what it has written to stderr so far.
struct LiftDev {
    child: Child,
    banner: HashMap<String, String>,
    stderr: Arc<Mutex<String>>,
}

impl LiftDev {
    /// Starts lift-dev with `args` and `env`, reads its banner, and waits until `/health`
    /// answers on each of `ports`.
    async fn start(args: &[String], env: &[(&str, String)], ports: [u16; 4]) -> Self {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for variable in VARIABLES {
            command.env_remove(variable);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut chunk = [0; 4096];
            while let Ok(read) = pipe.read(&mut chunk) {
                if read == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..read]));
            }
        });
        let (lines, banner_lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });

        // The banner ends with the token and the environment; a dead child or a silent one
        // fails the test with its stderr.
        let mut banner = HashMap::new();
        loop {
            match banner_lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("  export ") {
                        if let Some((name, value)) = rest.split_once('=') {
                            banner.insert(name.to_owned(), value.to_owned());
                        }
                    } else if let Some((key, value)) = line
                        .strip_prefix("  ")
                        .and_then(|line| line.trim_start().split_once(' '))
                    {
                        banner.insert(key.to_owned(), value.trim().to_owned());
                    }
                    if banner.contains_key("JWT_SECRET") {
                        break;
                    }
                }
                Err(err) => panic!(
                    "no banner from lift-dev ({err}); exit: {:?}; stderr:\n{}",
                    child.try_wait(),
                    stderr.lock().unwrap()
                ),
            }
        }
        let lift_dev = Self {
            child,
            banner,
            stderr,
        };
        for port in ports {
            lift_dev.wait_healthy(port).await;
        }
        lift_dev
    }

    /// Polls `GET /health` on `port`, a bounded number of times.
    async fn wait_healthy(&self, port: u16) {
        let http = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/health");
        for _ in 0..100 {
            if let Ok(response) = http.get(&url).send().await {
                assert_eq!(response.status(), 200, "{url}");
                let body: serde_json::Value = response.json().await.unwrap();
                assert!(
                    body["status"]
                        .as_str()
                        .is_some_and(|status| !status.is_empty()),
                    "{body}"
                );
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{url} never answered; stderr:\n{}",
            self.stderr.lock().unwrap()
        );
    }

    fn banner(&self, key: &str) -> &str {
        self.banner
            .get(key)
            .unwrap_or_else(|| panic!("no `{key}` in the banner: {:?}", self.banner))
    }

    /// Sends `signal` (`-INT`, `-TERM`) and waits, a bounded time, for the exit.
    async fn stop(mut self, signal: &str) -> (ExitStatus, String) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill {signal} failed");
        for _ in 0..400 {
            if let Some(status) = self.child.try_wait().unwrap() {
                let stderr = self.stderr.lock().unwrap().clone();
                return (status, stderr);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let _ = self.child.kill();
        panic!(
            "lift-dev did not exit within 10 s of {signal}; stderr:\n{}",
            self.stderr.lock().unwrap()
        );
    }
}

impl Drop for LiftDev {
    fn drop(&mut self) {
        // A failed test never leaves a server behind.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn port_flags(ports: [u16; 4], data_dir: &Path) -> Vec<String> {
    let [gateway, auth, memory, registry] = ports.map(|port| port.to_string());
    [
        "--gateway-port",
        &gateway,
        "--auth-port",
        &auth,
        "--memory-port",
        &memory,
        "--registry-port",
        &registry,
        "--secret",
        SECRET,
        "--data-dir",
        data_dir.to_str().unwrap(),
    ]
    .map(str::to_owned)
    .to_vec()
}

fn client(gateway_port: u16, token: &str) -> LiftClient {
    LiftClient::new(
        LiftConfig::new(&format!("http://127.0.0.1:{gateway_port}"))
            .unwrap()
            .token(token),
    )
    .unwrap()
}

fn anonymous(gateway_port: u16) -> LiftClient {
    LiftClient::new(LiftConfig::new(&format!("http://127.0.0.1:{gateway_port}")).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lift_dev_keeps_users_modules_and_memories_across_a_restart_and_exits_0_on_sigint() {
    // Arrange: lift-dev on free ports, with a data directory.
    let ports = [free_port(), free_port(), free_port(), free_port()];
    let data_dir = temp_dir("restart");
    let args = port_flags(ports, &data_dir);
    let lift_dev = LiftDev::start(&args, &[], ports).await;
    assert_eq!(
        lift_dev.banner("gateway").trim_end_matches('/'),
        format!("http://127.0.0.1:{}", ports[0])
    );
    assert_eq!(lift_dev.banner("admin"), "admin@lift.dev / admin123");
    assert_eq!(lift_dev.banner("JWT_SECRET"), SECRET);
    assert_eq!(
        lift_dev.banner("MEMORY_SERVICE_URL"),
        format!("http://127.0.0.1:{}", ports[2])
    );

    // Act: a user registers and stores a memory; the admin (with the banner's token)
    // registers a module.
    let signed_up = anonymous(ports[0])
        .auth()
        .register(&RegisterRequest::new(
            "ana@example.com",
            "s3cret!",
            "ana",
            "Ana A",
        ))
        .await
        .unwrap();
    let ana = client(ports[0], signed_up.access_token.expose());
    let stored = ana
        .memory()
        .store(StoreRequest::new(
            "Q3 campaign lifted signups by twelve percent",
        ))
        .await
        .unwrap();
    let admin = client(ports[0], lift_dev.banner("token"));
    let manifest = ModuleManifest::builder("analytics", "1.0.0")
        .base_url(format!("http://127.0.0.1:{}", free_port()))
        .build()
        .unwrap();
    let registered = admin.registry().register(&manifest).await.unwrap();
    let (status, stderr) = lift_dev.stop("-INT").await;

    // Assert: exit 0, one log line per request, and everything is back after a restart.
    assert!(status.success(), "exit {status:?}; stderr:\n{stderr}");
    assert_eq!(status.code(), Some(0));
    assert!(
        stderr.contains("/memory/store"),
        "no request log line:\n{stderr}"
    );
    let lift_dev = LiftDev::start(&args, &[], ports).await;
    let logged_in = anonymous(ports[0])
        .auth()
        .login("ana@example.com", "s3cret!")
        .await
        .unwrap();
    let ana = client(ports[0], logged_in.access_token.expose());
    let found = ana
        .memory()
        .search(SearchRequest::new("campaign signups"))
        .await
        .unwrap();
    assert_eq!(found.count, 1, "{found:?}");
    assert_eq!(found.results[0].id, stored.memory_id);
    assert_eq!(
        found.results[0].content,
        "Q3 campaign lifted signups by twelve percent"
    );
    let admin = client(ports[0], lift_dev.banner("token"));
    let module: ModuleId = registered.module_id.clone();
    let record = admin.registry().get(&module).await.unwrap();
    assert_eq!(record.name, "analytics");
    let (status, stderr) = lift_dev.stop("-INT").await;
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lift_dev_takes_its_ports_and_secret_from_the_sdk_variables_and_exits_0_on_sigterm() {
    // Arrange: no flags at all, only the variables a module would also read.
    let ports = [free_port(), free_port(), free_port(), free_port()];
    let env = [
        ("GATEWAY_URL", format!("http://127.0.0.1:{}", ports[0])),
        (
            "AUTH_SERVICE_URL",
            format!("http://localhost:{}/", ports[1]),
        ),
        (
            "MEMORY_SERVICE_URL",
            format!("http://127.0.0.1:{}", ports[2]),
        ),
        (
            "REGISTRY_SERVICE_URL",
            format!("http://127.0.0.1:{}", ports[3]),
        ),
        ("JWT_SECRET", SECRET.to_owned()),
    ];

    // Act
    let lift_dev = LiftDev::start(&[], &env, ports).await;
    let admin = client(ports[0], lift_dev.banner("token"));
    let stored = admin
        .memory()
        .store(StoreRequest::new("kept in memory only"))
        .await;

    // Assert: the services are where the variables say, the token is signed with the
    // variable's secret (the gateway accepted it), and SIGTERM stops it with 0.
    stored.unwrap();
    assert_eq!(lift_dev.banner("JWT_SECRET"), SECRET);
    assert!(
        lift_dev.banner("data").starts_with("in memory"),
        "{:?}",
        lift_dev.banner
    );
    let (status, stderr) = lift_dev.stop("-TERM").await;
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
}

/// Runs lift-dev to completion (it must exit by itself).
fn run_to_exit(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(BIN);
    command.args(args).stdin(Stdio::null());
    for variable in VARIABLES {
        command.env_remove(variable);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// Arguments, variables, and what the error must name.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn lift_dev_refuses_bad_flags_and_variables_with_status_2_naming_them() {
    let cases: &[Case<'_>] = &[
        (&["--gateway-port", "eighty"], &[], "--gateway-port"),
        (&["--no-such-flag"], &[], "--no-such-flag"),
        (&["--data-dir"], &[], "--data-dir needs a value"),
        (
            &[],
            &[("REGISTRY_SERVICE_URL", "registry:8005")],
            "REGISTRY_SERVICE_URL",
        ),
        (&[], &[("JWT_SECRET", "too-short")], "JWT_SECRET"),
    ];
    for (args, env, named) in cases {
        let output = run_to_exit(args, env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert!(stderr.contains(named), "{args:?} {env:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn lift_dev_help_lists_every_flag_and_variable() {
    let output = run_to_exit(&["--help"], &[]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    for word in [
        "--gateway-port",
        "--auth-port",
        "--memory-port",
        "--registry-port",
        "--data-dir",
        "--secret",
        "GATEWAY_URL",
        "AUTH_SERVICE_URL",
        "MEMORY_SERVICE_URL",
        "REGISTRY_SERVICE_URL",
        "JWT_SECRET",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
}

#[test]
fn lift_dev_exits_1_naming_the_port_when_a_port_is_taken() {
    // Arrange: the gateway's port is already bound.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();

    // Act
    let output = run_to_exit(
        &[
            "--gateway-port",
            &port,
            "--auth-port=0",
            "--memory-port=0",
            "--registry-port=0",
        ],
        &[],
    );

    // Assert
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&port), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

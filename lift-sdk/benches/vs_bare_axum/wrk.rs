//! The load: both servers started as processes, `wrk` against each in interleaved rounds.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::servers;

type BoxError = Box<dyn std::error::Error>;

const ROUTES: [&str; 2] = ["/health", "/api/v1/whoami"];
const SERVERS: [&str; 2] = ["runtime", "bare"];

/// A server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Best effort: the process may already be gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn setting(name: &str, default: u64) -> Result<u64, BoxError> {
    match std::env::var(name) {
        Ok(value) => Ok(value
            .parse()
            .map_err(|err| format!("{name}={value:?}: {err}"))?),
        Err(std::env::VarError::NotPresent) => Ok(default),
        Err(err) => Err(format!("{name}: {err}").into()),
    }
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// A command pinned to `core` when `taskset` is there.
fn pinned(core: u32, program: &str, pin: bool) -> Command {
    if pin {
        let mut command = Command::new("taskset");
        command.args(["-c", &core.to_string(), program]);
        command
    } else {
        Command::new(program)
    }
}

fn free_port() -> Result<u16, BoxError> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start(which: &str, pin: bool) -> Result<Server, BoxError> {
    let exe = std::env::current_exe()?;
    let exe = exe.to_str().ok_or("the bench's path is not UTF-8")?;
    let port = free_port()?;
    let child = pinned(0, exe, pin)
        .args(["--serve", which, "--port", &port.to_string()])
        .stdout(Stdio::null())
        .spawn()?;
    let mut server = Server { child, port };
    // Ready once the port accepts, within 10 s.
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
        if let Some(status) = server.child.try_wait()? {
            return Err(format!("the {which} server exited: {status}").into());
        }
        if Instant::now() > deadline {
            return Err(format!("the {which} server did not listen on {port} within 10 s").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(server)
}

/// One `wrk` run; its requests per second.
fn load(
    server: &Server,
    route: &str,
    seconds: u64,
    connections: u64,
    bearer: &str,
    pin: bool,
) -> Result<f64, BoxError> {
    let url = format!("http://127.0.0.1:{}{route}", server.port);
    let output = pinned(1, "wrk", pin)
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args(["-H", &format!("Authorization: {bearer}"), &url])
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("wrk failed on {url}: {text}").into());
    }
    if let Some(line) = text.lines().find(|line| line.contains("Non-2xx")) {
        return Err(format!("{url}: {}", line.trim()).into());
    }
    text.lines()
        .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output for {url}: {text}").into())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

pub(crate) fn run() -> Result<(), BoxError> {
    if !installed("wrk") {
        println!(
            "vs_bare_axum: wrk is not installed; skipped. Install it (Debian/Ubuntu: \
             `apt-get update && apt-get install -y wrk`) and run again."
        );
        return Ok(());
    }
    let pin = installed("taskset");
    if !pin {
        println!("vs_bare_axum: taskset not found; server and wrk are not pinned to cores");
    }
    let seconds = setting("LIFT_BENCH_SECONDS", 5)?.max(1);
    let rounds = setting("LIFT_BENCH_ROUNDS", 5)?.max(1);
    let connections = setting("LIFT_BENCH_CONNECTIONS", 32)?.max(1);
    let bearer = format!("Bearer {}", servers::token()?);
    let servers = [start(SERVERS[0], pin)?, start(SERVERS[1], pin)?];

    println!(
        "vs_bare_axum: {connections} connections, {seconds} s per run, {rounds} rounds \
         (server on core 0, wrk on core 1: {pin})"
    );
    println!("| route | runtime req/s | bare req/s | ratio | rounds |");
    println!("|---|---|---|---|---|");
    for route in ROUTES {
        // Warm-up: connections, the token cache, the allocator.
        for server in &servers {
            load(server, route, 1, connections, &bearer, pin)?;
        }
        let (mut runtime, mut bare, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            let mut rate = [0.0; 2];
            for at in order {
                rate[at] = load(&servers[at], route, seconds, connections, &bearer, pin)?;
            }
            eprintln!(
                "  {route} round {}: runtime {:.0}, bare {:.0}, ratio {:.3}",
                round + 1,
                rate[0],
                rate[1],
                rate[0] / rate[1]
            );
            runtime.push(rate[0]);
            bare.push(rate[1]);
            ratios.push(rate[0] / rate[1]);
        }
        let (lo, hi) = (
            ratios.iter().copied().fold(f64::INFINITY, f64::min),
            ratios.iter().copied().fold(0.0, f64::max),
        );
        println!(
            "| `{route}` | {:.0} | {:.0} | **{:.3}×** (median; {lo:.3}–{hi:.3}) | {rounds} |",
            median(&mut runtime),
            median(&mut bare),
            median(&mut ratios),
        );
    }
    Ok(())
}

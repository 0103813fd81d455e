//! The quickstart tour: the whole platform story, in-process, against
//! [`FakePlatform`].
//!
//! [`run`] walks seven steps and writes one timed line per step to a [`Transcript`]:
//!
//! 1. start the fake platform (gateway, auth, memory, registry on loopback ports);
//! 2. start the [`Notes`] module with `lift-sdk`'s runtime; it registers itself;
//! 3. sign up and log in a user through the gateway;
//! 4. store memories and search them through the gateway, as that user;
//! 5. call the module through `/modules/{id}/…` as that user; it stores and searches
//!    memory on the user's behalf;
//! 6. read the module's `/health`, `/ready` and `/metrics`;
//! 7. shut the module down; it deregisters, and the registry no longer lists it.
//!
//! `cargo run --example quickstart` prints the transcript; `tests/quickstart.rs` runs the
//! same tour and checks it.

mod notes;
mod probes;
mod transcript;

use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use lift_sdk::runtime::{RegistrationState, RunningModule, Runtime};
use lift_sdk::{LiftClient, ModuleId, SearchRequest, StoreRequest};
use lift_testkit::platform::FakePlatform;
use tokio::net::TcpListener;

pub use notes::{FoundNotes, NAME, NewNote, Notes, StoredNote, VERSION};
pub use transcript::{Shown, Transcript};

/// The user the tour signs up.
pub const EMAIL: &str = "ana@example.com";

/// That user's password.
pub const PASSWORD: &str = "correct-horse-battery";

/// What the tour stores through the gateway, as the user.
pub const MEMORIES: [&str; 3] = [
    "Q3 campaign lifted signups by twelve percent",
    "Holiday campaign budget doubled for paid search",
    "The office coffee machine was replaced",
];

/// What the tour searches for through the gateway.
pub const QUERY: &str = "campaign signups";

/// The note the module stores for the user.
pub const NOTE: &str = "Churn fell after the onboarding emails";

/// What the module searches for on the user's behalf.
pub const NOTE_QUERY: &str = "onboarding churn";

/// How long the module may take to register, and to shut down.
const PATIENCE: Duration = Duration::from_secs(10);

/// What the tour leaves behind, for a caller to check.
#[derive(Debug)]
pub struct Outcome {
    /// The platform, still running; the module is gone from its registry.
    pub platform: FakePlatform,
    /// The id the module was registered under.
    pub module_id: ModuleId,
    /// The user's id, which is also their organisation's id (auth gives each user their own).
    pub user_id: String,
    /// How many memories the user's own search found (step 4).
    pub found: u64,
    /// How many notes the module's search found for the user (step 5).
    pub found_by_module: u64,
}

/// Runs the tour, writing each step's line to `transcript` as it ends.
///
/// # Errors
///
/// The first step that fails, named (`step 3 (sign up and log in a user) failed: …`).
pub async fn run(transcript: &mut Transcript) -> anyhow::Result<Outcome> {
    // 1. Four real HTTP services on loopback ports, sharing one in-memory state.
    let platform = transcript
        .step("start the fake platform", async {
            let platform = FakePlatform::start().await?;
            let shown = Shown::line(format!(
                "gateway at {}, with auth, memory and registry behind it",
                platform.gateway_url()
            ));
            Ok((platform, shown))
        })
        .await?;

    // 2. The module takes its configuration from the platform: the gateway's URL and the
    // secret tokens are signed with. With the secret, the runtime mints its own service
    // token to register; once listening, it registers in the background.
    let (module, module_id) = transcript
        .step("start the notes module", start_module(&platform))
        .await?;

    // 3. A newcomer signs up and logs in, through the gateway's `/auth/…`.
    let (user, user_id) = transcript
        .step("sign up and log in a user", sign_up(&platform))
        .await?;

    // 4. The user's own memory, through the gateway's `/memory/…`.
    let found = transcript
        .step("store and search memories", remember(&user))
        .await?;

    // 5. The gateway forwards `/modules/{id}/…` to the module with the user's token.
    let found_by_module = transcript
        .step(
            "call the module as the user",
            call_module(&user, &user_id, &module_id),
        )
        .await?;

    // 6. What a load balancer and Prometheus see, straight from the module.
    transcript
        .step("probe the module", probes::probe(&module))
        .await?;

    // 7. As on SIGTERM: not ready, deregister, drain, stop.
    transcript
        .step("shut the module down", shut_down(module, &user))
        .await?;

    Ok(Outcome {
        platform,
        module_id,
        user_id,
        found,
        found_by_module,
    })
}

/// Step 2: the module on a free loopback port, registered.
async fn start_module(
    platform: &FakePlatform,
) -> anyhow::Result<((RunningModule, ModuleId), Shown)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let module = Runtime::new(Notes)
        .config(platform.config())
        .listener(listener)
        // The tour stops the module itself (step 7), not on Ctrl-C.
        .shutdown_signal(std::future::pending())
        .start()
        .await?;
    let Ok(registered) = tokio::time::timeout(PATIENCE, module.registered()).await else {
        // Still pending: say how many attempts failed, and why the last one did.
        let why = match module.registration() {
            RegistrationState::Pending {
                attempts,
                last_error: Some(error),
            } => format!("{attempts} attempts failed, the last with: {error}"),
            _ => "no attempt answered".to_owned(),
        };
        bail!("the module did not register within 10 s ({why})");
    };
    let id = registered.context("the module stopped before it registered")?;
    let shown = Shown::line(format!(
        "`{NAME}` {VERSION} listens on {} and registered itself as {id}",
        module.public_url().as_str().trim_end_matches('/')
    ));
    Ok(((module, id), shown))
}

/// Step 3: a client that acts as a new user, and that user's id.
async fn sign_up(platform: &FakePlatform) -> anyhow::Result<((LiftClient, String), Shown)> {
    // A user's client only knows the gateway: no secret, no service URLs.
    let (user, login) = crate::target::sign_up(
        platform.gateway_url(),
        EMAIL,
        PASSWORD,
        "ana",
        "Ana Example",
    )
    .await?;
    let hours = login.expires_in().unwrap_or_default().as_secs() / 3600;
    let user_id = login.user.context("the login answer names no user")?.id;
    let shown = Shown::line(format!(
        "{EMAIL} signed up and logged in as user {user_id} (token valid {hours} h)"
    ));
    Ok(((user, user_id), shown))
}

/// Step 4: three memories stored, one search; how many it found.
async fn remember(user: &LiftClient) -> anyhow::Result<(u64, Shown)> {
    for text in MEMORIES {
        user.memory().store(StoreRequest::new(text)).await?;
    }
    let found = user.memory().search(SearchRequest::new(QUERY)).await?;
    let best = found.results.first().context("the search found nothing")?;
    let shown = Shown::line(format!(
        "stored {} memories; \"{QUERY}\" found {}, best \"{}\" (score {:.2})",
        MEMORIES.len(),
        found.count,
        best.content,
        best.score
    ));
    Ok((found.count, shown))
}

/// Step 5: the module stores a note for the user, then searches for it.
async fn call_module(
    user: &LiftClient,
    user_id: &str,
    id: &ModuleId,
) -> anyhow::Result<(u64, Shown)> {
    let module = user.gateway().module(id);
    let note = NewNote {
        text: NOTE.to_owned(),
    };
    let stored: StoredNote = module
        .post_json("/api/v1/notes", &note)
        .await
        .context("POST /api/v1/notes")?;
    let query = NOTE_QUERY.replace(' ', "+");
    let found: FoundNotes = module
        .get_json(&format!("/api/v1/notes/search?q={query}"))
        .await
        .context("GET /api/v1/notes/search")?;
    ensure!(
        stored.stored_for == user_id,
        "the module stored the note for {}, not for the caller",
        stored.stored_for
    );
    ensure!(
        found.texts.iter().any(|text| text == NOTE),
        "the module's search did not find the note it stored"
    );
    let shown = Shown::line(format!(
        "POST /modules/{id}/api/v1/notes stored the note in the user's memory ({}); \
         GET …/notes/search?q={query} found {}",
        stored.memory_id, found.count
    ));
    Ok((found.count, shown))
}

/// Step 7: graceful shutdown, then the registry as the user sees it.
async fn shut_down(module: RunningModule, user: &LiftClient) -> anyhow::Result<((), Shown)> {
    module.shutdown();
    tokio::time::timeout(PATIENCE, module.wait())
        .await
        .context("the module did not stop within 10 s")??;
    if let Some(left) = user.registry().find_by_name(NAME).await? {
        bail!("the registry still lists `{NAME}` as {}", left.id);
    }
    let shown = Shown::line(format!(
        "deregistered and stopped; the registry no longer lists `{NAME}`"
    ));
    Ok(((), shown))
}

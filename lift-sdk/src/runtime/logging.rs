//! The default log output of a served module: a `tracing` subscriber installed by
//! [`serve`](super::serve) when the process has none.
//!
//! `RUST_LOG` filters (default `info`); `LIFT_LOG_FORMAT` chooses `text` (the default, one
//! readable line per event) or `json` (one JSON object per line). Both carry the id of the
//! request being served, read from the request's task-local context rather than from a span,
//! so the per-request span can stay at `debug` and cost nothing at the default level.

use std::fmt::{self, Write as _};

use chrono::{SecondsFormat, Utc};
use lift_sdk_core::{Error, RequestContext};

use super::error::error_chain;
use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{Directive, LevelFilter};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// The variable that chooses the log format.
pub(crate) const LIFT_LOG_FORMAT: &str = "LIFT_LOG_FORMAT";

/// How each log line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogFormat {
    /// `2026-12-06T01:40:00.123Z  INFO lift_sdk::runtime: module listening address=…`
    Text,
    /// `{"timestamp":…,"level":"INFO","target":…,"message":…,"fields":{…},"request_id":…}`
    Json,
}

impl LogFormat {
    /// Parses a value of `LIFT_LOG_FORMAT` (unset or empty: text).
    pub(crate) fn parse(value: Option<&str>) -> Result<Self, Error> {
        match value.map(str::trim) {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => Err(Error::builder(format!(
                "{LIFT_LOG_FORMAT}=`{other}` must be `text` or `json`"
            ))),
        }
    }
}

/// Installs the default subscriber unless the process already has one (a module that set
/// up its own logging keeps it). Returns whether it was installed.
///
/// # Errors
///
/// A [`Builder`](lift_sdk_core::ErrorKind::Builder) error naming `LIFT_LOG_FORMAT` or
/// `RUST_LOG` when either is malformed or not UTF-8.
pub(crate) fn install_default() -> Result<bool, Error> {
    if tracing::dispatcher::has_been_set() {
        return Ok(false);
    }
    let format = LogFormat::parse(env_text(LIFT_LOG_FORMAT)?.as_deref())?;
    let filter = filter(env_text("RUST_LOG")?.as_deref())?;
    let layer = tracing_subscriber::fmt::layer()
        .event_format(LineFormat(format))
        .with_writer(std::io::stdout);
    // Another thread may have won the race since the check: then its subscriber stays.
    Ok(tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init()
        .is_ok())
}

/// A variable's value; an error naming it when it is not UTF-8.
fn env_text(name: &str) -> Result<Option<String>, Error> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) => value.into_string().map(Some).map_err(|_| {
            Error::builder(format!(
                "{name} is not valid UTF-8: set it to text, or unset it"
            ))
        }),
    }
}

/// The filter of `RUST_LOG` (unset or empty: `info`).
fn filter(rust_log: Option<&str>) -> Result<EnvFilter, Error> {
    let directives = rust_log.map(str::trim).unwrap_or_default();
    let builder = EnvFilter::builder().with_default_directive(Directive::from(LevelFilter::INFO));
    builder.parse(directives).map_err(|err| {
        Error::builder(format!(
            "RUST_LOG=`{directives}` is not a valid filter: {err}"
        ))
        .with_source(err)
    })
}

/// Writes each event as one line in the chosen [`LogFormat`].
struct LineFormat(LogFormat);

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let line = Line::of(event);
        match self.0 {
            LogFormat::Text => writeln!(writer, "{}", line.text()),
            LogFormat::Json => writeln!(writer, "{}", line.json()),
        }
    }
}

/// One event, read out: what both formats write.
struct Line {
    timestamp: String,
    level: &'static str,
    target: String,
    message: String,
    fields: Map<String, Value>,
    request_id: Option<String>,
}

impl Line {
    fn of(event: &Event<'_>) -> Self {
        let mut visitor = Fields::default();
        event.record(&mut visitor);
        let metadata = event.metadata();
        Self {
            timestamp: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            level: metadata.level().as_str(),
            target: metadata.target().to_owned(),
            message: visitor.message,
            fields: visitor.fields,
            request_id: RequestContext::current()
                .and_then(|context| context.request_id_str().map(str::to_owned)),
        }
    }

    fn text(&self) -> String {
        let mut line = format!(
            "{} {:>5} {}: {}",
            self.timestamp, self.level, self.target, self.message
        );
        for (name, value) in &self.fields {
            let _ = write!(line, " {name}={}", text_value(value));
        }
        if let Some(id) = &self.request_id {
            let _ = write!(line, " request_id={id}");
        }
        line
    }

    fn json(self) -> Value {
        let mut object = Map::new();
        object.insert("timestamp".into(), self.timestamp.into());
        object.insert("level".into(), self.level.into());
        object.insert("target".into(), self.target.into());
        object.insert("message".into(), self.message.into());
        object.insert("fields".into(), Value::Object(self.fields));
        if let Some(id) = self.request_id {
            object.insert("request_id".into(), id.into());
        }
        Value::Object(object)
    }
}

/// A field's value in a text line: bare when it reads as one word, quoted otherwise.
fn text_value(value: &Value) -> String {
    match value {
        Value::String(text) if !text.is_empty() && !text.contains(char::is_whitespace) => {
            text.clone()
        }
        Value::String(text) => format!("{text:?}"),
        other => other.to_string(),
    }
}

/// Collects an event's message and fields.
#[derive(Default)]
struct Fields {
    message: String,
    fields: Map<String, Value>,
}

impl Fields {
    fn insert(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
        } else {
            self.fields.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.insert(field, Value::String(format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, Value::String(value.to_owned()));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, value.into());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.insert(field, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, value.into());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.insert(field, Value::String(error_chain(value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_text_json_or_an_error_naming_the_variable() {
        assert_eq!(LogFormat::parse(None).unwrap(), LogFormat::Text);
        assert_eq!(LogFormat::parse(Some(" json ")).unwrap(), LogFormat::Json);
        let err = LogFormat::parse(Some("yaml")).unwrap_err().to_string();
        assert!(err.contains("LIFT_LOG_FORMAT=`yaml`"), "{err}");
    }

    #[test]
    fn a_bad_filter_names_rust_log() {
        assert!(filter(None).is_ok());
        assert!(filter(Some("lift_sdk=debug,info")).is_ok());
        let err = filter(Some("lift_sdk=loud")).unwrap_err().to_string();
        assert!(err.contains("RUST_LOG=`lift_sdk=loud`"), "{err}");
    }

    #[test]
    fn text_values_are_bare_words_or_quoted() {
        assert_eq!(text_value(&Value::from("127.0.0.1:80")), "127.0.0.1:80");
        assert_eq!(text_value(&Value::from("two words")), "\"two words\"");
        assert_eq!(text_value(&Value::from(3)), "3");
    }
}

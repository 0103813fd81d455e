//! The `X-Correlation-ID` the gateway puts on every answer (contract §4.2).

use wiremock::{Request, Respond, ResponseTemplate};

use crate::mocks::uuid4;

/// The header the gateway adds to every answer: a fresh uuid4 per request, whatever id the
/// client sent.
pub const CORRELATION_ID: &str = "x-correlation-id";

/// Answers what `R` answers, with a fresh `X-Correlation-ID: <uuid4>` added, as the
/// reference gateway does to every answer (contract §4.2, §10 D17).
///
/// [`MockGateway`](super::MockGateway) wraps every answer it produces itself (its local
/// endpoints, the 401, the module answers, the 307 and 404). A wiremock answer cannot
/// change what another mock answers, so the answers of the service mocks mounted
/// [`behind`](crate::mocks::MockService::behind) the gateway carry the header only when
/// they are wrapped in this too.
///
/// ```
/// use lift_testkit::mocks::WithCorrelationId;
/// use wiremock::ResponseTemplate;
///
/// let answer = WithCorrelationId(ResponseTemplate::new(200));
/// # let _ = answer;
/// ```
#[derive(Debug, Clone)]
pub struct WithCorrelationId<R>(pub R);

impl<R: Respond> Respond for WithCorrelationId<R> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0
            .respond(request)
            .insert_header(CORRELATION_ID, uuid4().as_str())
    }
}

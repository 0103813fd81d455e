//! The memory service's search engine: an inverted index over one organisation's memories,
//! ranked with BM25 (`k1 = 1.2`, `b = 0.75`) and ties broken by id, so results are
//! meaningful and the same on every run.

use std::cmp::Ordering;
use std::collections::HashMap;

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's document-length normalisation.
const B: f64 = 0.75;

/// The terms of `text`: lowercased, split on every character that is not alphanumeric,
/// empty pieces dropped.
///
/// ```
/// assert_eq!(
///     lift_testkit::platform::tokenize("Q3 campaign: lifted sign-ups!"),
///     ["q3", "campaign", "lifted", "sign", "ups"]
/// );
/// ```
#[must_use]
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|piece| !piece.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// One document of a term's postings list.
#[derive(Debug, Clone, Copy)]
struct Posting {
    /// The document's position in [`MemoryIndex::ids`].
    doc: u32,
    /// How often the term occurs in it.
    frequency: u32,
}

/// A search hit: the document's id and its BM25 score.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexHit<'a> {
    /// The id the document was added with.
    pub id: &'a str,
    /// Its BM25 score for the query (higher is better).
    pub score: f64,
    /// How many distinct query terms it contains.
    pub matched_terms: usize,
    /// Its position: what [`MemoryIndex::insert`] returned for it.
    pub position: usize,
}

/// An inverted index: for every term, the documents containing it with the term's
/// frequency; plus every document's length. A search reads only the postings of the query's
/// terms, never every document, so its cost follows how many documents contain those terms
/// rather than how many are stored.
///
/// ```
/// use lift_testkit::platform::MemoryIndex;
///
/// let mut index = MemoryIndex::new();
/// index.insert("m1", "Q3 campaign lifted signups");
/// index.insert("m2", "Email open rate improved");
/// let hits = index.search("campaign", 10);
/// assert_eq!(hits.len(), 1);
/// assert_eq!(hits[0].id, "m1");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryIndex {
    ids: Vec<String>,
    lengths: Vec<u32>,
    total_length: u64,
    postings: HashMap<String, Vec<Posting>>,
}

impl MemoryIndex {
    /// An empty index.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many documents are indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no document is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// How many documents contain `term` (already tokenised: lowercase).
    #[must_use]
    pub fn document_frequency(&self, term: &str) -> usize {
        self.postings.get(term).map_or(0, Vec::len)
    }

    /// Every indexed term with its document frequency, in no particular order.
    pub fn terms(&self) -> impl Iterator<Item = (&str, usize)> {
        self.postings
            .iter()
            .map(|(term, postings)| (term.as_str(), postings.len()))
    }

    /// The total number of terms over every document.
    #[must_use]
    pub fn total_length(&self) -> u64 {
        self.total_length
    }

    /// Indexes `text` as the document `id` and returns its position (0, 1, 2… in insertion
    /// order). Ids are not checked for uniqueness: the caller gives each document its own.
    pub fn insert(&mut self, id: &str, text: &str) -> usize {
        let doc = self.ids.len();
        let doc_number = u32::try_from(doc).unwrap_or(u32::MAX);
        let mut frequencies: HashMap<String, u32> = HashMap::new();
        let mut length = 0_u32;
        for term in tokenize(text) {
            *frequencies.entry(term).or_default() += 1;
            length = length.saturating_add(1);
        }
        for (term, frequency) in frequencies {
            self.postings.entry(term).or_default().push(Posting {
                doc: doc_number,
                frequency,
            });
        }
        self.ids.push(id.to_owned());
        self.lengths.push(length);
        self.total_length += u64::from(length);
        doc
    }

    /// The best `limit` documents for `query` by BM25, best first, ties by id ascending.
    /// Documents containing none of the query's terms are not hits.
    #[must_use]
    pub fn search(&self, query: &str, limit: usize) -> Vec<IndexHit<'_>> {
        self.search_where(query, limit, false, |_| true)
    }

    /// Like [`search`](Self::search), keeping only the documents whose position passes
    /// `keep`, and, with `every_term`, only those containing every distinct query term.
    /// `keep` runs only on documents that contain a query term.
    pub fn search_where(
        &self,
        query: &str,
        limit: usize,
        every_term: bool,
        mut keep: impl FnMut(usize) -> bool,
    ) -> Vec<IndexHit<'_>> {
        let mut terms = tokenize(query);
        terms.sort_unstable();
        terms.dedup();
        if limit == 0 || terms.is_empty() || self.ids.is_empty() {
            return Vec::new();
        }
        #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let (documents, average_length) = (
            self.ids.len() as f64,
            (self.total_length as f64 / self.ids.len() as f64).max(1.0),
        );
        let mut scores: HashMap<u32, (f64, usize)> = HashMap::new();
        for term in &terms {
            let Some(postings) = self.postings.get(term) else {
                continue;
            };
            #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
            let containing = postings.len() as f64;
            let idf = ((documents - containing + 0.5) / (containing + 0.5)).ln_1p();
            for posting in postings {
                let frequency = f64::from(posting.frequency);
                let length = f64::from(self.lengths[posting.doc as usize]);
                let norm = K1 * (1.0 - B + B * length / average_length);
                let entry = scores.entry(posting.doc).or_insert((0.0, 0));
                entry.0 += idf * frequency * (K1 + 1.0) / (frequency + norm);
                entry.1 += 1;
            }
        }
        let mut hits: Vec<IndexHit<'_>> = scores
            .into_iter()
            .filter(|&(doc, (_, matched))| {
                (!every_term || matched == terms.len()) && keep(doc as usize)
            })
            .map(|(doc, (score, matched_terms))| IndexHit {
                id: &self.ids[doc as usize],
                score,
                matched_terms,
                position: doc as usize,
            })
            .collect();
        let order = |a: &IndexHit<'_>, b: &IndexHit<'_>| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(Ordering::Equal)
                .then_with(|| a.id.cmp(b.id))
        };
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, order);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(order);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(
        clippy::suboptimal_flops,
        clippy::imprecise_flops,
        reason = "the textbook formula"
    )]
    fn bm25_scores_match_a_hand_computation() {
        let mut index = MemoryIndex::new();
        index.insert("a", "apple apple banana");
        index.insert("b", "apple cherry");
        index.insert("c", "cherry cherry cherry durian");
        // N = 3, avgdl = 3. idf(apple) = ln(1 + 1.5/2.5).
        let idf = (1.0_f64 + 1.5 / 2.5).ln();
        let a = idf * 2.0 * 2.2 / (2.0 + 1.2);
        let b = idf * 2.2 / (1.0 + 1.2 * (0.25 + 0.75 * 2.0 / 3.0));
        let hits = index.search("Apple", 10);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].id, "a");
        assert!((hits[0].score - a).abs() < 1e-12, "{hits:?}");
        assert!((hits[1].score - b).abs() < 1e-12, "{hits:?}");
    }

    #[test]
    fn ties_break_by_id_and_limit_keeps_the_best() {
        let mut index = MemoryIndex::new();
        for id in ["z", "m", "a", "q"] {
            index.insert(id, "same words here");
        }
        let ids: Vec<_> = index.search("words", 3).iter().map(|h| h.id).collect();
        assert_eq!(ids, ["a", "m", "q"]);
        assert!(index.search("", 3).is_empty());
        assert!(index.search("words", 0).is_empty());
        assert!(index.search("absent", 3).is_empty());
    }

    #[test]
    fn every_term_keeps_only_documents_with_all_terms() {
        let mut index = MemoryIndex::new();
        index.insert("a", "email campaign");
        index.insert("b", "email only");
        let hits = index.search_where("email campaign", 10, true, |_| true);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].id, "a");
        assert_eq!(hits[0].matched_terms, 2);
    }
}

//! `scan`: what one pass over the words of a statement tells, without parsing it.
//!
//! sqlparser rejects some valid SQL, and parsing costs about 130 ns a byte, so the classifier
//! also reads statements word by word: to route text it could not parse (failing closed unless
//! the words prove a lone query), to see what the syntax tree does not show (calls of
//! connection-bound functions, names of temporary objects), and to count bind parameters. The
//! tokenizer never fails and never looks back, so a scan is linear in the text.

use crate::route::classify::{TxnEffect, Verdict};
use crate::route::grammar::Grammar;
use crate::route::Reason;

/// What one pass over the tokens of the text tells, outside strings and comments. The parsed
/// path uses it for what the AST does not show (connection-bound calls, TEMP names); SQL that
/// was not parsed is routed by it alone.
#[derive(Default)]
pub(crate) struct TextFacts {
    /// The first word is SELECT, WITH or VALUES.
    pub(crate) starts_as_query: bool,
    /// A keyword that only a statement that writes or changes connection state contains.
    pub(crate) write_keyword: bool,
    /// Another statement follows a `;`.
    pub(crate) more_statements: bool,
    /// `name(` where name is a connection-bound function.
    pub(crate) connection_call: bool,
    /// `name(`, in a statement after the first of a batch, where name is not known to only
    /// read (see [`Grammar::read_function`]).
    pub(crate) later_call: bool,
    /// The TEMP schema, or a TEMP object created through the pool, is named.
    pub(crate) temp_name: bool,
    /// The words CREATE and TEMP/TEMPORARY both occur.
    pub(crate) create: bool,
    pub(crate) temp_keyword: bool,
    /// A transaction-control keyword occurs.
    pub(crate) txn_keyword: bool,
    pub(crate) parameters: Parameters,
}

/// The bind parameters seen, as sqlx's SQLite driver numbers them: a bare `?` takes the next
/// argument; `?NNN` and `$NNN` take argument NNN.
#[derive(Default)]
pub(crate) struct Parameters {
    bare: u32,
    highest_numbered: u32,
    named: bool,
}

impl Parameters {
    fn see(&mut self, word: &str, next: Option<&&str>, adjacent: bool) {
        let numbered = |digits: &str| {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<u32>().unwrap_or(u32::MAX))
        };
        match word {
            "?" => match next.filter(|_| adjacent).and_then(|n| numbered(n)) {
                Some(n) => self.highest_numbered = self.highest_numbered.max(n),
                None => self.bare += 1,
            },
            ":" | "@" if adjacent => self.named = true,
            _ => {
                if let Some(rest) = word.strip_prefix('$') {
                    match numbered(rest) {
                        Some(n) => self.highest_numbered = self.highest_numbered.max(n),
                        None => self.named = true,
                    }
                }
            }
        }
    }

    /// The number of arguments the statement takes, if one style was used throughout.
    pub(crate) fn count(&self) -> Option<u16> {
        match (self.bare, self.highest_numbered, self.named) {
            (_, _, true) | (1.., 1.., _) => None,
            (n, 0, false) | (0, n, false) => u16::try_from(n).ok(),
        }
    }
}

const TXN_KEYWORDS: [&str; 6] = ["begin", "commit", "rollback", "end", "savepoint", "release"];

fn is_one_of(word: &str, list: &[&str]) -> bool {
    // Every listed word starts with a letter: numbers, strings and punctuation, most of a long
    // statement, are ruled out by their first byte instead of a comparison with each.
    if !word.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    list.iter().any(|k| word.eq_ignore_ascii_case(k))
}

impl TextFacts {
    pub(crate) fn of(sql: &str, grammar: &Grammar, is_temp: &dyn Fn(&str) -> bool) -> TextFacts {
        let mut facts = TextFacts::default();
        let mut words = Words::new(sql).peekable();
        let mut first = true;
        let mut after_semicolon = false;
        while let Some(word) = words.next() {
            // `?1` is `?` then `1` to the tokenizer; adjacency tells it from `? 1`. The
            // tokenizer unquotes identifiers, so a quoted "?" is told apart by the raw text.
            let at = word.as_ptr() as usize - sql.as_ptr() as usize;
            let end = at + word.len();
            let quoted = at > 0 && matches!(sql.as_bytes()[at - 1], b'"' | b'`' | b'[');
            if !quoted {
                let adjacent = words
                    .peek()
                    .is_some_and(|next| next.as_ptr() as usize == sql.as_ptr() as usize + end);
                facts.parameters.see(word, words.peek(), adjacent);
            }
            if first {
                facts.starts_as_query = is_one_of(word, &["select", "with", "values"]);
                first = false;
            }
            if word == ";" {
                after_semicolon = true;
                continue;
            }
            facts.more_statements |= after_semicolon;
            facts.write_keyword |= is_one_of(word, grammar.write_keywords);
            facts.txn_keyword |= is_one_of(word, &TXN_KEYWORDS);
            facts.create |= word.eq_ignore_ascii_case("create");
            facts.temp_keyword |=
                word.eq_ignore_ascii_case("temp") || word.eq_ignore_ascii_case("temporary");
            facts.temp_name |= is_one_of(word, grammar.temp_schemas) || is_temp(word);
            let call = words.peek() == Some(&"(");
            facts.connection_call |=
                (call && (grammar.connection_function)(word)) || (grammar.connection_word)(word);
            facts.later_call |= call && after_semicolon && !(grammar.read_function)(word);
        }
        facts
    }

    /// A single query with no data-changing keyword only reads.
    pub(crate) fn proves_query(&self) -> bool {
        self.starts_as_query && !self.write_keyword && !self.more_statements
    }

    pub(crate) fn txn(&self) -> TxnEffect {
        if self.txn_keyword {
            TxnEffect::Unknown
        } else {
            TxnEffect::None
        }
    }

    /// Route SQL that was not parsed: a reader only if the scan proves a single query,
    /// otherwise the writer for `reason`.
    pub(crate) fn scanned(&self, reason: Reason) -> Verdict {
        if self.proves_query() {
            Verdict::reader(Reason::ScannedQuery)
        } else {
            Verdict::writer(reason).with_txn(self.txn())
        }
    }
}

/// `sql` cut at every `;` outside strings and comments, without the empty pieces. A `;` inside
/// a trigger body cuts it too; the pieces then fail to parse and go to the writer.
pub(crate) fn split_statements(sql: &str) -> Vec<&str> {
    let base = sql.as_ptr() as usize;
    let mut pieces = Vec::new();
    let mut start = 0;
    for word in Words::new(sql) {
        if word == ";" {
            let at = word.as_ptr() as usize - base;
            pieces.push(&sql[start..at]);
            start = at + 1;
        }
    }
    pieces.push(&sql[start..]);
    pieces.retain(|piece| Words::new(piece).next().is_some());
    pieces
}

/// The lower-case names of the TEMP tables and views `sql` creates:
/// `CREATE {TEMP|TEMPORARY} [VIRTUAL] {TABLE|VIEW} [IF NOT EXISTS] name`, and the same with
/// `temp.name` instead of the keyword.
pub(crate) fn temp_names_created(sql: &str) -> Vec<String> {
    let words: Vec<&str> = Words::new(sql).collect();
    let is = |i: usize, k: &str| words.get(i).is_some_and(|w| w.eq_ignore_ascii_case(k));
    let mut names = Vec::new();
    for start in (0..words.len()).filter(|&i| is(i, "create")) {
        let mut i = start + 1;
        let temp_keyword = is(i, "temp") || is(i, "temporary");
        if temp_keyword {
            i += 1;
        }
        if is(i, "virtual") {
            i += 1;
        }
        if !(is(i, "table") || is(i, "view")) {
            continue;
        }
        i += 1;
        if is(i, "if") && is(i + 1, "not") && is(i + 2, "exists") {
            i += 3;
        }
        let temp_schema = (is(i, "temp") || is(i, "temporary")) && is(i + 1, ".");
        if temp_schema {
            i += 2;
        } else if !temp_keyword {
            continue;
        }
        if let Some(name) = words.get(i) {
            names.push(name.to_ascii_lowercase());
        }
    }
    names
}

/// `sql` with its comments removed (each replaced by a space), or `None` if it has none: the
/// verdict cache's key, so that statements differing only in comments (trace ids added by
/// sqlcommenter-style middleware) share one entry.
pub(crate) fn without_comments(sql: &str) -> Option<String> {
    if !sql.contains("--") && !sql.contains("/*") {
        return None;
    }
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(i) = rest.find(['\'', '"', '`', '[', '-', '/']) {
        let (before, at) = rest.split_at(i);
        out.push_str(before);
        if let Some(after) = at.strip_prefix("--") {
            out.push(' ');
            rest = after.find('\n').map_or("", |j| &after[j..]);
        } else if let Some(after) = at.strip_prefix("/*") {
            out.push(' ');
            rest = after.find("*/").map_or("", |j| &after[j + 2..]);
        } else if matches!(at.as_bytes()[0], b'-' | b'/') {
            out.push_str(&at[..1]);
            rest = &at[1..];
        } else {
            let close = if at.starts_with('[') {
                ']'
            } else {
                at.chars().next().unwrap_or('\'')
            };
            let end = at[1..].find(close).map_or(at.len(), |j| j + 2);
            out.push_str(&at[..end]);
            rest = &at[end..];
        }
    }
    out.push_str(rest);
    Some(out)
}

/// A small SQL tokenizer for the unparsed path: identifiers, numbers, quoted strings and
/// single punctuation, with comments and white space skipped; quoted identifiers come out
/// unquoted. It never fails. Made by [`words`](crate::route::words).
#[derive(Clone)]
pub struct Words<'a> {
    rest: &'a str,
}

impl<'a> Words<'a> {
    pub(crate) fn new(sql: &'a str) -> Self {
        Words { rest: sql }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let s = self.rest.trim_start();
            if let Some(after) = s.strip_prefix("--") {
                self.rest = after.find('\n').map_or("", |i| &after[i + 1..]);
                continue;
            }
            if let Some(after) = s.strip_prefix("/*") {
                self.rest = after.find("*/").map_or("", |i| &after[i + 2..]);
                continue;
            }
            let first = s.chars().next()?;
            let len = if first.is_alphanumeric() || first == '_' || first == '$' {
                s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(s.len())
            } else if matches!(first, '\'' | '"' | '`' | '[') {
                let close = if first == '[' { ']' } else { first };
                s[1..].find(close).map_or(s.len(), |i| i + 2)
            } else {
                first.len_utf8()
            };
            let (word, rest) = s.split_at(len);
            self.rest = rest;
            // A quoted identifier compares by its name; an unterminated one stays as it is.
            let unquoted = match first {
                '"' | '`' => word[1..].strip_suffix(first),
                '[' => word[1..].strip_suffix(']'),
                _ => None,
            };
            return Some(unquoted.unwrap_or(word));
        }
    }
}

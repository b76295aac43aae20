//! Figures a test measures and a doc quotes: the test compares the block between
//! `<!-- NAME:start -->` and `<!-- NAME:end -->` in the doc with what it measured, and with
//! `SQLX_RW_BLESS=1` rewrites it instead of failing.

/// Fail unless the block `name` of `doc` (a path under the crate) is `report`; rewrite it
/// under `SQLX_RW_BLESS=1`.
pub fn check(doc: &str, name: &str, report: &str) {
    let path = format!("{}/{doc}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        format!("<!-- {name}:start -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let from = text
        .find(&start)
        .unwrap_or_else(|| panic!("{start} in {doc}"))
        + start.len();
    let to = text.find(&end).unwrap_or_else(|| panic!("{end} in {doc}"));
    if text[from..to] == *report {
        return;
    }
    if std::env::var_os("SQLX_RW_BLESS").is_some() {
        std::fs::write(&path, format!("{}{report}{}", &text[..from], &text[to..])).unwrap();
    } else {
        panic!("{doc}'s {name} figures are stale; run with SQLX_RW_BLESS=1, or paste:\n{report}");
    }
}

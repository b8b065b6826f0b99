//! A task definition family's ACTIVE revisions, newest first, described only as far as needed:
//! the newest one a caller's predicate accepts (the plan wants the newest revision that carries
//! the environment's ownership tags, not whatever someone registered last into the family).
//!
//! Owns the walk over ListTaskDefinitions pages and DescribeTaskDefinition calls, and the pure
//! bookkeeping of which revision to describe next (`NewestFirst`). Must not decide ownership
//! (the caller's predicate does) nor let SDK types out of `aws`.
//!
//! Cost per family: ListTaskDefinitions (ACTIVE, sort DESC; AWS answers 100 a page) one page at
//! a time, and one DescribeTaskDefinition (with tags) per revision looked at, newest first,
//! stopping at the first accepted. When the family's newest revision is ours that is 1 list and
//! 1 describe; every newer revision that is not ours costs one describe more, and a further
//! page is read only once every revision of the pages before was looked at.

use super::{AwsClients, AwsError, ecs};
use crate::live::LiveTaskDefinition;

/// What the walk found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewestMatch {
    /// The ARN of the newest ACTIVE revision the predicate accepted; None: none did.
    pub found: Option<String>,
    /// Every revision described on the way (the accepted one last), so the caller need not
    /// describe any of them again.
    pub described: Vec<LiveTaskDefinition>,
}

/// The family's newest ACTIVE revision that `accept` accepts, with what was described to find
/// it. A revision ECS cannot describe any more (deleted meanwhile) is skipped; one in `known`
/// (described already by the caller, e.g. the revision a service runs) is not described again.
pub async fn newest_active_revision_where(
    clients: &AwsClients,
    family: &str,
    known: &[LiveTaskDefinition],
    accept: impl Fn(&LiveTaskDefinition) -> bool,
) -> Result<NewestMatch, AwsError> {
    let mut pages = ecs::active_revisions_newest_first(clients, family).send();
    let mut walk = NewestFirst::new(family);
    let mut found = NewestMatch::default();
    let mut listed_all = false;
    loop {
        while let Some(arn) = walk.next(listed_all) {
            let td = match known.iter().find(|t| t.arn == arn) {
                Some(td) => td.clone(),
                None => match ecs::describe_task_definition(clients, &arn).await? {
                    Some(td) => td,
                    None => continue,
                },
            };
            let accepted = accept(&td);
            found.described.push(td);
            if accepted {
                found.found = Some(arn);
                // Dropping the paginator sends no further request.
                return Ok(found);
            }
        }
        if listed_all {
            return Ok(found);
        }
        match pages
            .try_next()
            .await
            .map_err(|e| AwsError::from_sdk("ecs", "ListTaskDefinitions", Some(family), e))?
        {
            Some(page) => walk.add_page(page.task_definition_arns()),
            None => listed_all = true,
        }
    }
}

/// Which listed revision to describe next, newest first. AWS sorts the listing when asked
/// (`sort=DESC`); the order is checked rather than trusted: while every page came back
/// descending and older than the page before, a listed revision can be described before the
/// next page is read (later pages only hold older ones). Once a page breaks the order, nothing
/// more is handed out until the listing is complete, then the rest goes newest first.
#[derive(Clone, Debug)]
pub(crate) struct NewestFirst {
    family: String,
    /// Listed, not handed out yet: `(revision, arn)`, newest first.
    pending: Vec<(i32, String)>,
    /// The oldest revision listed so far.
    oldest: Option<i32>,
    in_order: bool,
}

impl NewestFirst {
    pub(crate) fn new(family: &str) -> NewestFirst {
        NewestFirst {
            family: family.to_string(),
            pending: Vec::new(),
            oldest: None,
            in_order: true,
        }
    }

    /// Adds one ListTaskDefinitions page, ignoring other families' ARNs (`familyPrefix` is a
    /// prefix in moto) and unparseable ones.
    pub(crate) fn add_page(&mut self, page: &[String]) {
        let revisions: Vec<(i32, String)> = page
            .iter()
            .filter_map(|arn| {
                let (f, rev) = ecs::family_revision(arn)?;
                (f == self.family).then(|| (rev, arn.clone()))
            })
            .collect();
        let descending = revisions.windows(2).all(|w| w[0].0 > w[1].0);
        let below_previous = match (self.oldest, revisions.first()) {
            (Some(oldest), Some((first, _))) => *first < oldest,
            _ => true,
        };
        self.in_order &= descending && below_previous;
        if let Some(min) = revisions.iter().map(|r| r.0).min() {
            self.oldest = Some(self.oldest.map_or(min, |o| o.min(min)));
        }
        self.pending.extend(revisions);
        self.pending.sort_by_key(|r| std::cmp::Reverse(r.0));
        self.pending.dedup_by_key(|r| r.0);
    }

    /// The newest revision not handed out yet, when the listing so far allows it (see the type).
    pub(crate) fn next(&mut self, listed_all: bool) -> Option<String> {
        if self.pending.is_empty() || !(self.in_order || listed_all) {
            return None;
        }
        Some(self.pending.remove(0).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn(f: &str, r: i32) -> String {
        format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{f}:{r}")
    }

    fn drain(w: &mut NewestFirst, listed_all: bool) -> Vec<String> {
        std::iter::from_fn(|| w.next(listed_all)).collect()
    }

    #[test]
    fn descending_pages_are_handed_out_as_they_come() {
        let mut w = NewestFirst::new("api");
        w.add_page(&[arn("api", 12), arn("api", 11)]);
        assert_eq!(drain(&mut w, false), [arn("api", 12), arn("api", 11)]);
        w.add_page(&[arn("api", 9), arn("api-worker", 40), arn("api", 3)]);
        assert_eq!(
            drain(&mut w, false),
            [arn("api", 9), arn("api", 3)],
            "other families never count"
        );
        assert_eq!(w.next(true), None);
    }

    #[test]
    fn a_listing_out_of_order_waits_for_the_last_page() {
        // moto without the patch ignores `sort`: ascending, and 10 sorts after 9 numerically.
        let mut w = NewestFirst::new("api");
        w.add_page(&[arn("api", 2), arn("api", 9)]);
        assert_eq!(w.next(false), None, "a newer one may be on a later page");
        w.add_page(&[arn("api", 10)]);
        assert_eq!(w.next(false), None);
        assert_eq!(
            drain(&mut w, true),
            [arn("api", 10), arn("api", 9), arn("api", 2)]
        );
    }

    #[test]
    fn a_later_page_newer_than_the_one_before_breaks_the_order() {
        let mut w = NewestFirst::new("api");
        w.add_page(&[arn("api", 5), arn("api", 4)]);
        assert_eq!(w.next(false), Some(arn("api", 5)));
        w.add_page(&[arn("api", 7), arn("api", 1)]);
        assert_eq!(w.next(false), None);
        assert_eq!(
            drain(&mut w, true),
            [arn("api", 7), arn("api", 4), arn("api", 1)]
        );
    }

    #[test]
    fn a_page_without_the_family_keeps_the_order() {
        let mut w = NewestFirst::new("api");
        w.add_page(&[]);
        w.add_page(&[arn("api-old", 3)]);
        w.add_page(&[arn("api", 2)]);
        assert_eq!(drain(&mut w, false), [arn("api", 2)]);
    }
}

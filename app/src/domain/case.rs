//! Cases (issue 21): posts about one problem linked to a lead message. The draft and the
//! approval happen once, on the lead; each post keeps its own deadlines and its own
//! publication. Here: who may be linked to whom, and until when a link can be undone.

use super::deadline::Responsible;
use super::ids::{AdministrationId, MessageId};
use super::workflow::{ActionKind, Change, Decision, MessageState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A message's place in a case, as `decide` sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Membership {
    /// In no case (also how a lead's action carried to its posts is ruled on them).
    #[default]
    Alone,
    /// The lead of a case with `posts` linked posts.
    Lead {
        /// How many posts are linked to it.
        posts: usize,
    },
    /// A post linked to `lead`.
    Post {
        /// The case's lead.
        lead: MessageId,
    },
}

impl Membership {
    /// From what a message keeps: the lead it is linked to, and how many posts it leads.
    pub fn of(lead: Option<MessageId>, posts: i64) -> Self {
        match (lead, posts) {
            (Some(lead), _) => Membership::Post { lead },
            (None, n) if n > 0 => Membership::Lead {
                posts: usize::try_from(n).unwrap_or(usize::MAX),
            },
            _ => Membership::Alone,
        }
    }
}

/// Whether an action of the lead is carried to each of its posts (in the same
/// transaction): the executor, the draft and the approval are the case's, once.
pub fn mirrored(action: ActionKind) -> bool {
    matches!(
        action,
        ActionKind::Assign
            | ActionKind::SubmitDraft
            | ActionKind::Approve
            | ActionKind::RequestRevision
    )
}

/// Whether `action` may be taken on a message with this `membership`: a post's executor,
/// draft and approval follow its lead; a post or a lead of posts is not returned or
/// rejected while linked; only a post is unlinked. (Whether a message may be linked to
/// another is `link`'s, which sees both.)
pub fn allows(action: ActionKind, membership: Membership) -> Result<(), CaseError> {
    match (membership, action) {
        (Membership::Post { lead }, a) if mirrored(a) => Err(CaseError::FollowsLead(lead.0)),
        (Membership::Post { lead }, ActionKind::Return | ActionKind::Reject | ActionKind::Link) => {
            Err(CaseError::InCase(lead.0))
        }
        // Linking a lead is left to `link`, which names a cycle as one.
        (Membership::Lead { posts }, ActionKind::Return | ActionKind::Reject) => {
            Err(CaseError::LeadsPosts(posts))
        }
        (Membership::Lead { .. } | Membership::Alone, ActionKind::Unlink) => {
            Err(CaseError::NotLinked)
        }
        _ => Ok(()),
    }
}

/// What the rules need of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: MessageId,
    /// Its state.
    pub state: MessageState,
    /// Its administration.
    pub administration: AdministrationId,
    /// The lead it is linked to (`None`: a lead, or alone).
    pub lead: Option<MessageId>,
    /// How many posts are linked to it (it leads a case when > 0).
    pub followers: usize,
}

/// Why a link or an unlink is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CaseError {
    /// A message linked to itself.
    #[error("Нельзя связать сообщение с самим собой")]
    Itself,
    /// The link would close a loop.
    #[error("Связь образует цикл: сообщение №{lead} уже связано с №{post}")]
    Cycle {
        /// The would-be lead.
        lead: i64,
        /// The message being linked.
        post: i64,
    },
    /// One of them is closed.
    #[error("Сообщение №{0} закрыто: связывать можно только открытые сообщения")]
    Closed(i64),
    /// Different administrations.
    #[error("Сообщения разных администраций связать нельзя")]
    OtherAdministration,
    /// The message leads posts of its own.
    #[error("К сообщению №{0} уже привязаны другие посты: сначала отвяжите их")]
    LeadsOthers(i64),
    /// Already in a case.
    #[error("Сообщение №{post} уже связано с №{lead}: сначала отвяжите его")]
    AlreadyLinked {
        /// The message being linked.
        post: i64,
        /// Its current lead.
        lead: i64,
    },
    /// Not linked.
    #[error("Сообщение не привязано ни к какому делу")]
    NotLinked,
    /// A post's executor, draft and approval are its lead's.
    #[error("Сообщение привязано к делу №{0}: исполнитель, проект ответа и согласование — по ведущему сообщению №{0}")]
    FollowsLead(i64),
    /// A post cannot be returned, rejected or linked again while linked.
    #[error("Сообщение привязано к делу №{0}: сначала отвяжите его")]
    InCase(i64),
    /// A lead cannot be returned, rejected or linked while posts are linked to it.
    #[error("К сообщению привязаны другие посты ({0}): сначала отвяжите их")]
    LeadsPosts(usize),
    /// The case's draft is approved.
    #[error("Отвязать можно только до согласования проекта ответа")]
    Approved,
}

/// Whether a state's draft has been approved (or published): the case's answer is fixed.
fn past_approval(state: MessageState) -> bool {
    matches!(
        state,
        MessageState::Approved
            | MessageState::AwaitingFinal
            | MessageState::AwaitingAuthor
            | MessageState::Answered
    )
}

/// Checks linking `post` to `to` as the same problem; returns the case's lead: `to`, or
/// `to`'s own lead when `to` is itself linked (a case is one level deep).
pub fn link(post: &Post, to: &Post, to_lead: Option<&Post>) -> Result<MessageId, CaseError> {
    if post.id == to.id {
        return Err(CaseError::Itself);
    }
    let lead = match (to.lead, to_lead) {
        (Some(_), Some(l)) => l,
        _ => to,
    };
    if lead.id == post.id || lead.lead == Some(post.id) {
        return Err(CaseError::Cycle {
            lead: to.id.0,
            post: post.id.0,
        });
    }
    if let Some(current) = post.lead {
        return Err(CaseError::AlreadyLinked {
            post: post.id.0,
            lead: current.0,
        });
    }
    if post.followers > 0 {
        return Err(CaseError::LeadsOthers(post.id.0));
    }
    for m in [post, lead] {
        if !m.state.is_active() {
            return Err(CaseError::Closed(m.id.0));
        }
    }
    if post.administration != lead.administration {
        return Err(CaseError::OtherAdministration);
    }
    if past_approval(lead.state) || past_approval(post.state) {
        return Err(CaseError::Approved);
    }
    Ok(lead.id)
}

/// The lead's own record of a post linked to it or unlinked from it (`change` is the
/// post's): no state and no deadline changes.
pub fn on_lead(state: MessageState, change: Change) -> Decision {
    let action = match change {
        Change::Unlinked { .. } => ActionKind::Unlink,
        _ => ActionKind::Link,
    };
    Decision {
        action,
        from: Some(state),
        to: state,
        change,
        effects: Vec::new(),
        responsible_before: Responsible::Coordinators,
        responsible_after: Responsible::Coordinators,
    }
}

/// Checks unlinking `post` from its case, whose lead is `lead`: possible until the
/// case's draft is approved.
pub fn unlink(post: &Post, lead: &Post) -> Result<(), CaseError> {
    if post.lead != Some(lead.id) {
        return Err(CaseError::NotLinked);
    }
    if past_approval(lead.state) {
        return Err(CaseError::Approved);
    }
    Ok(())
}

/// What the candidate suggestion reads of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its id.
    pub id: MessageId,
    /// Its topic as recorded.
    pub topic: Option<String>,
    /// Its text.
    pub text: String,
    /// When it was detected.
    pub detected_at: DateTime<Utc>,
}

/// A message suggested for linking, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggested {
    /// The message.
    pub id: MessageId,
    /// The same topic as the message being linked.
    pub same_topic: bool,
    /// The words both texts share (stems of four letters and more, as in the first text).
    pub words: Vec<String>,
}

/// The words that can tell one problem from another: four letters and more, compared by
/// a crude stem, the first five letters but never the last one («трубу» and «труба»,
/// «садовой» and «садовая» agree), each once.
fn stems(text: &str) -> Vec<(String, String)> {
    let mut seen = Vec::<(String, String)>::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        let word = super::topic::normalized(w);
        if word.chars().count() < 4 {
            continue;
        }
        let stem: String = word.chars().take(5.min(word.chars().count() - 1)).collect();
        if !seen.iter().any(|(s, _)| *s == stem) {
            seen.push((stem, word));
        }
    }
    seen
}

/// Up to `max` of `others` worth linking to `target` (the caller passes open messages of
/// its administration, near in time): those sharing words or the topic, the most shared
/// words first (the topic counts as one), then the closest in time.
pub fn candidates(target: &Candidate, others: &[Candidate], max: usize) -> Vec<Suggested> {
    let mine = stems(&target.text);
    let topic = target.topic.as_deref().map(super::topic::normalized);
    let mut found: Vec<(usize, i64, Suggested)> = others
        .iter()
        .filter(|o| o.id != target.id)
        .filter_map(|o| {
            let theirs = stems(&o.text);
            let words: Vec<String> = mine
                .iter()
                .filter(|(s, _)| theirs.iter().any(|(t, _)| t == s))
                .map(|(_, w)| w.clone())
                .collect();
            let same_topic =
                topic.is_some() && o.topic.as_deref().map(super::topic::normalized) == topic;
            let score = words.len() + usize::from(same_topic);
            let apart = (o.detected_at - target.detected_at).num_seconds().abs();
            (score > 0).then_some((
                score,
                apart,
                Suggested {
                    id: o.id,
                    same_topic,
                    words,
                },
            ))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().take(max).map(|(_, _, s)| s).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use MessageState::*;

    fn post(id: i64, state: MessageState) -> Post {
        Post {
            id: MessageId(id),
            state,
            administration: AdministrationId(1),
            lead: None,
            followers: 0,
        }
    }

    #[test]
    fn a_post_joins_the_lead_or_the_lead_of_a_linked_post() {
        let a = post(1, New);
        let b = post(2, InWork);
        assert_eq!(link(&a, &b, None), Ok(MessageId(2)));
        let c = Post {
            lead: Some(MessageId(2)),
            ..post(3, New)
        };
        // Linking to a post of a case joins its lead: a case is one level deep.
        assert_eq!(link(&a, &c, Some(&b)), Ok(MessageId(2)));
    }

    #[test]
    fn itself_a_cycle_and_a_second_case_are_refused_in_russian() {
        let a = post(1, New);
        assert_eq!(link(&a, &a, None), Err(CaseError::Itself));
        assert_eq!(
            CaseError::Itself.to_string(),
            "Нельзя связать сообщение с самим собой"
        );
        let lead = Post {
            followers: 1,
            ..post(1, New)
        };
        let follower = Post {
            lead: Some(MessageId(1)),
            ..post(2, New)
        };
        let err = link(&lead, &follower, Some(&lead)).unwrap_err();
        assert_eq!(err, CaseError::Cycle { lead: 2, post: 1 });
        assert_eq!(
            err.to_string(),
            "Связь образует цикл: сообщение №2 уже связано с №1"
        );
        let other = post(3, New);
        assert_eq!(
            link(&follower, &other, None),
            Err(CaseError::AlreadyLinked { post: 2, lead: 1 })
        );
        assert_eq!(link(&lead, &other, None), Err(CaseError::LeadsOthers(1)));
    }

    #[test]
    fn closed_messages_and_other_administrations_are_refused() {
        let open = post(1, InWork);
        for closed in [Answered, Returned, Rejected] {
            let c = post(2, closed);
            assert_eq!(link(&open, &c, None), Err(CaseError::Closed(2)));
            assert_eq!(link(&c, &open, None), Err(CaseError::Closed(2)));
        }
        let far = Post {
            administration: AdministrationId(2),
            ..post(3, New)
        };
        assert_eq!(link(&open, &far, None), Err(CaseError::OtherAdministration));
        assert_eq!(
            link(&open, &post(4, Approved), None),
            Err(CaseError::Approved)
        );
    }

    #[test]
    fn unlinking_is_possible_until_the_draft_is_approved() {
        let follower = Post {
            lead: Some(MessageId(1)),
            ..post(2, InWork)
        };
        for state in [New, InWork, OnApproval, Revision] {
            assert_eq!(unlink(&follower, &post(1, state)), Ok(()), "{state:?}");
        }
        for state in [Approved, AwaitingFinal, AwaitingAuthor, Answered] {
            assert_eq!(
                unlink(&follower, &post(1, state)),
                Err(CaseError::Approved),
                "{state:?}"
            );
        }
        assert_eq!(
            unlink(&post(3, New), &post(1, New)),
            Err(CaseError::NotLinked)
        );
    }

    #[test]
    fn a_posts_executor_draft_and_approval_follow_its_lead() {
        let post = Membership::Post { lead: MessageId(7) };
        for a in [
            ActionKind::Assign,
            ActionKind::SubmitDraft,
            ActionKind::Approve,
            ActionKind::RequestRevision,
        ] {
            assert!(mirrored(a));
            assert_eq!(allows(a, post), Err(CaseError::FollowsLead(7)), "{a:?}");
            assert_eq!(allows(a, Membership::Lead { posts: 2 }), Ok(()));
        }
        // Each post is published (and its deadlines met) on its own.
        for a in [
            ActionKind::Publish,
            ActionKind::SetUrgent,
            ActionKind::Unlink,
        ] {
            assert!(!mirrored(a));
            assert_eq!(allows(a, post), Ok(()), "{a:?}");
        }
        for a in [ActionKind::Return, ActionKind::Reject, ActionKind::Link] {
            assert_eq!(allows(a, post), Err(CaseError::InCase(7)));
            assert_eq!(allows(a, Membership::Alone), Ok(()));
        }
        for a in [ActionKind::Return, ActionKind::Reject] {
            assert_eq!(
                allows(a, Membership::Lead { posts: 3 }),
                Err(CaseError::LeadsPosts(3))
            );
        }
        assert_eq!(
            allows(ActionKind::Unlink, Membership::Alone),
            Err(CaseError::NotLinked)
        );
        assert_eq!(
            CaseError::FollowsLead(7).to_string(),
            "Сообщение привязано к делу №7: исполнитель, проект ответа и согласование — по ведущему сообщению №7"
        );
    }

    #[test]
    fn candidates_share_words_or_the_topic_and_the_closest_come_first() {
        let t = |h: i64| DateTime::<Utc>::from_timestamp(1_780_000_000 + h * 3600, 0).unwrap();
        let target = Candidate {
            id: MessageId(1),
            topic: Some("ЖКХ".into()),
            text: "Прорвало трубу во дворе дома 5, вода заливает подвал".into(),
            detected_at: t(0),
        };
        let others = vec![
            Candidate {
                id: MessageId(2),
                topic: None,
                text: "Во дворе дома 5 опять прорвало трубу".into(),
                detected_at: t(5),
            },
            Candidate {
                id: MessageId(3),
                topic: Some("жкх".into()),
                text: "Нет горячей воды".into(),
                detected_at: t(1),
            },
            Candidate {
                id: MessageId(4),
                topic: Some("дороги".into()),
                text: "Яма на дороге".into(),
                detected_at: t(1),
            },
            Candidate {
                id: MessageId(5),
                topic: None,
                text: "Прорвало трубу во дворе".into(),
                detected_at: t(2),
            },
        ];
        let ranked = candidates(&target, &others, 10);
        let ids: Vec<i64> = ranked.iter().map(|c| c.id.0).collect();
        // 2 shares four words, 5 three, 3 a word («воды») and the topic; 4 nothing.
        assert_eq!(ids, vec![2, 5, 3]);
        assert_eq!(ranked[0].words, vec!["прорвало", "трубу", "дворе", "дома"]);
        assert!(ranked[2].same_topic);
        assert_eq!(candidates(&target, &others, 1).len(), 1);
    }
}

//! Cases (issue 21): posts about one problem linked to a lead message. The draft and the
//! approval happen once, on the lead; each post keeps its own deadlines and its own
//! publication. Here: who may be linked to whom, and until when a link can be undone.

use super::ids::{AdministrationId, MessageId};
use super::workflow::MessageState;

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
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
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
    #[error("Сообщение №{0} ни с чем не связано")]
    NotLinked(i64),
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

/// Checks unlinking `post` from its case, whose lead is `lead`: possible until the
/// case's draft is approved.
pub fn unlink(post: &Post, lead: &Post) -> Result<(), CaseError> {
    if post.lead != Some(lead.id) {
        return Err(CaseError::NotLinked(post.id.0));
    }
    if past_approval(lead.state) {
        return Err(CaseError::Approved);
    }
    Ok(())
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
            Err(CaseError::NotLinked(3))
        );
    }
}

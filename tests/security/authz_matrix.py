"""The authorization matrix: who may do what at every URL of the project, as data.

One row per URL name. A row says how to build a concrete URL (pointing at someone's object where the URL takes
an id) and what each role gets for GET and for POST. `may` names the roles entitled to the object in the URL
(its owner, a linked provider); every other role must be turned away with a login redirect, 403, 404, or a 405
that reveals nothing. The allauth pages (accounts/) and the Django admin (admin/) are covered by a rule per
prefix instead of a row per page, because the libraries own those views; the walker in test_authz_matrix.py
still checks that every pattern under them exists and is exercised.

Feature issues (forum, messaging, toolbox, cafés, moderation) add their rows to ROWS.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.urls import reverse

ROLES = ("anonymous", "alice", "bob", "linked_provider", "unlinked_provider", "consultant", "admin_user")
SIGNED_IN_ROLES = ROLES[1:]

# What a response amounts to (see classify() in test_authz_matrix.py).
OK = "ok"  # the view answered: 2xx, or a redirect somewhere other than a login page
LOGIN = "login"  # redirect to the sign-in page
ADMIN_LOGIN = "admin-login"  # redirect to (or the page of) the admin's own sign-in form
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"  # method not allowed: the view refuses the method before looking at anything
REVERIFY = "reverify"  # sent to type a fresh second-factor code before a sensitive change

# The answers that give nothing away about another person's object.
DENIALS = frozenset({LOGIN, ADMIN_LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED})


def _as_set(value):
    return frozenset(value) if isinstance(value, (set, frozenset, tuple, list)) else frozenset({value})


def expect(default, *, anonymous=LOGIN, **roles):
    """Expected outcomes per role: `default` for every signed-in role unless named; anonymous is sent to login."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles in matrix row: {sorted(unknown)}")
    table = {role: _as_set(roles.get(role, default)) for role in SIGNED_IN_ROLES}
    table["anonymous"] = _as_set(anonymous)
    return table


# A role-based refusal may be 403 ("you can see this page exists but may not use it") or 404; both give
# nothing away, and the view's author chooses.
ROLE_REFUSED = frozenset({FORBIDDEN, NOT_FOUND})
# A GET to an action that only takes POST: a confirmation page or 405 are both fine.
ACTION_GET = frozenset({OK, NOT_ALLOWED})
SERVICE_USERS = ("alice", "bob")


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable  # world -> str
    get: dict
    post: dict
    # Roles entitled to the object the URL points at; () when the URL points at no one's object.
    may: tuple = ()
    # world -> value that must be the same before and after a request by a role not in `may` or `owners`
    # (e.g. "alice's notification is still unread after bob POSTs to it").
    unchanged: Callable | None = None
    # Roles whose own data `unchanged` looks at, for URLs that point at no object (e.g. "mark all MY
    # notifications read": alice may change her own, nobody else may).
    owners: tuple = ()
    # Tables a GET by an entitled role may write to (beyond sessions), with the reason in a comment.
    get_writes: tuple = ()
    note: str = ""

    @property
    def foreign(self):
        return bool(self.may)


def _url(name, *args):
    return lambda world: reverse(name, args=[arg(world) if callable(arg) else arg for arg in args])


ROWS = [
    # --- Home, language, account -------------------------------------------------------------------------
    Row("home", _url("home"), get=expect(OK), post=expect({OK, NOT_ALLOWED})),
    # Public: switching language works on the sign-in page too. POST only.
    Row("set_language", _url("set_language"),
        get=expect(NOT_ALLOWED, anonymous=NOT_ALLOWED), post=expect(OK, anonymous=OK)),
    Row("account_settings", _url("account_settings"), get=expect(OK), post=expect({OK, NOT_ALLOWED})),
    # Alice's session on her phone: only alice may end it.
    Row("usersession_end", _url("usersession_end", lambda w: w.alice_other_session.pk), may=("alice",),
        get=expect({NOT_FOUND, NOT_ALLOWED}, alice=ACTION_GET),
        post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.alice_other_session_exists()),
    # --- Second factor: every signed-in person manages their own; nothing here names another person -----
    # Replacing the authenticator or making new recovery codes asks for a fresh code first.
    Row("mfa_setup", _url("mfa_setup"), get=expect({OK, REVERIFY}), post=expect({OK, REVERIFY})),
    Row("mfa_verify", _url("mfa_verify"), get=expect(OK), post=expect(OK)),
    Row("mfa_recovery", _url("mfa_recovery"), get=expect(OK), post=expect(OK)),
    Row("mfa_manage", _url("mfa_manage"), get=expect(OK), post=expect({OK, NOT_ALLOWED})),
    Row("mfa_recovery_codes", _url("mfa_recovery_codes"), get=expect({OK, REVERIFY}), post=expect({OK, REVERIFY})),
    # --- Terms ------------------------------------------------------------------------------------------
    Row("consent", _url("consent"), get=expect(OK), post=expect(OK)),
    # --- Notifications: each person sees only their own ------------------------------------------------
    Row("notifications", _url("notifications"), get=expect(OK), post=expect({OK, NOT_ALLOWED})),
    Row("notifications_read_all", _url("notifications_read_all"), get=expect(ACTION_GET), post=expect(OK),
        # Everyone may mark their OWN notifications read; alice's must stay unread when others do it.
        unchanged=lambda world: world.notification_read_at(), owners=("alice",)),
    Row("notification_open", _url("notification_open", lambda w: w.alice_notification.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK),
        post=expect({NOT_FOUND, NOT_ALLOWED}, alice={OK, NOT_ALLOWED}),
        unchanged=lambda world: world.notification_read_at(),
        # Opening a notification (the link in its e-mail is a GET) marks it read and lowers the bell's count.
        get_writes=("reconnect_notification", "reconnect_user")),
    Row("notification_preferences", _url("notification_preferences"), get=expect(OK), post=expect(OK)),
    # --- Who has seen my data: every person sees the rows about their own data -------------------------
    Row("access_log", _url("access_log"), get=expect(OK), post=expect({OK, NOT_ALLOWED})),
    # --- Invitations: admins, the consultant and providers invite; service users do not ------------------
    Row("invitations", _url("invitations"),
        get=expect(OK, alice=ROLE_REFUSED, bob=ROLE_REFUSED),
        post=expect({OK, NOT_ALLOWED}, alice=ROLE_REFUSED | {NOT_ALLOWED}, bob=ROLE_REFUSED | {NOT_ALLOWED})),
    Row("invitation_create", _url("invitation_create"),
        get=expect(OK, alice=ROLE_REFUSED, bob=ROLE_REFUSED),
        post=expect(OK, alice=ROLE_REFUSED, bob=ROLE_REFUSED)),
    # An invitation the linked provider sent: only its sender may revoke it in the portal.
    Row("invitation_revoke", _url("invitation_revoke", lambda w: w.provider_invitation.pk),
        may=("linked_provider",),
        get=expect({NOT_FOUND, NOT_ALLOWED}, alice=ROLE_REFUSED | {NOT_ALLOWED}, bob=ROLE_REFUSED | {NOT_ALLOWED},
                   linked_provider=ACTION_GET),
        post=expect(NOT_FOUND, alice=ROLE_REFUSED, bob=ROLE_REFUSED, linked_provider=OK),
        unchanged=lambda world: world.invitation_state()),
    # The invitation link is public (the token is the credential). A signed-in person opening someone
    # else's link is told to sign out first (403); in no case may the invitation be used up by them.
    Row("invitation_accept", _url("invitation_accept", lambda w: w.invitation_token),
        get=expect(FORBIDDEN, anonymous=OK), post=expect(FORBIDDEN, anonymous=OK),
        unchanged=lambda world: world.invitation_accepted()),
    # --- Care team: service users and providers see their own links ------------------------------------
    Row("care_team", _url("care_team"),
        get=expect(OK, consultant={OK, *ROLE_REFUSED}, admin_user={OK, *ROLE_REFUSED}),
        post=expect({OK, NOT_ALLOWED}, consultant={OK, NOT_ALLOWED, *ROLE_REFUSED},
                    admin_user={OK, NOT_ALLOWED, *ROLE_REFUSED})),
    # Alice's link to the linked provider: either side may end it, nobody else.
    Row("care_link_end", _url("care_link_end", lambda w: w.care_link.pk), may=("alice", "linked_provider"),
        get=expect({NOT_FOUND, NOT_ALLOWED}, alice=ACTION_GET, linked_provider=ACTION_GET),
        post=expect(NOT_FOUND, alice=OK, linked_provider=OK),
        unchanged=lambda world: world.care_link_state()),
    # --- Forum: service users, the consultant and (read-only) admins; providers are not in the forum -----
    # Providers get 404 everywhere in the forum, so they cannot match a patient's story to a pseudonym.
    Row("forum:index", _url("forum:index"),
        get=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND), post=expect(NOT_ALLOWED)),
    Row("forum:preview", _url("forum:preview"),
        get=expect(NOT_ALLOWED),
        post=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK)),
    # Search answers everyone who reads the forum with what they may read (the words match alice's local
    # thread: bob's page is an empty result, never a 404 that would tell the thread exists).
    Row("forum:search", lambda w: reverse("forum:search") + "?q=Nordby",
        get=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND), post=expect(NOT_ALLOWED)),
    Row("forum:board", _url("forum:board", lambda w: w.board.slug),
        get=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND), post=expect(NOT_ALLOWED)),
    # A POST without a title comes back as the form with its errors (200); nothing is stored.
    Row("forum:thread_create", _url("forum:thread_create", lambda w: w.board.slug),
        get=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK),
        post=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK)),
    # Alice's thread is local to her community: bob (another community) and providers get 404.
    Row("forum:thread", _url("forum:thread", lambda w: w.local_thread.pk), may=("alice", "consultant", "admin_user"),
        get=expect(NOT_FOUND, alice=OK, consultant=OK, admin_user=OK),
        post=expect(NOT_ALLOWED),
        # Reading a thread remembers how far you read and counts your view once a day.
        get_writes=("forum_threadreadstate", "forum_threadview", "forum_thread")),
    Row("forum:thread_unread", _url("forum:thread_unread", lambda w: w.local_thread.pk),
        may=("alice", "consultant", "admin_user"),
        get=expect(NOT_FOUND, alice=OK, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    # An empty reply comes back with its error message (200); nothing is stored.
    Row("forum:reply", _url("forum:reply", lambda w: w.local_thread.pk), may=("alice", "consultant"),
        get=expect(NOT_FOUND, alice=OK, consultant=OK), post=expect(NOT_FOUND, alice=OK, consultant=OK),
        unchanged=lambda world: world.forum_thread_state()),
    Row("forum:follow", _url("forum:follow", lambda w: w.local_thread.pk), may=("alice", "consultant", "admin_user"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.forum_thread_state()),
    Row("forum:post", _url("forum:post", lambda w: w.alice_post.pk), may=("alice", "consultant", "admin_user"),
        get=expect(NOT_FOUND, alice=OK, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    # Only the author edits or deletes a post; the consultant's moderation comes with its own URLs.
    Row("forum:post_edit", _url("forum:post_edit", lambda w: w.alice_post.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.forum_post_state()),
    Row("forum:post_delete", _url("forum:post_delete", lambda w: w.alice_post.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.forum_post_state()),
    # Reports are for members who can see the post: alice may (her own post: a message and back to the thread;
    # the service refuses), bob (another community) gets 404; the consultant moderates directly, so 404.
    Row("forum:post_report", _url("forum:post_report", lambda w: w.alice_post.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.forum_report_count()),
    # Support reactions: alice's post is in her community's local thread, so bob and providers get 404, and
    # admins (read-only) 404 too. Alice (her own post) and the consultant (a POST without a kind) are told
    # kindly why nothing happened and sent back to the post; no reaction is stored.
    Row("forum:react", _url("forum:react", lambda w: w.alice_post.pk), may=("alice", "consultant"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK, consultant=OK),
        unchanged=lambda world: world.forum_reaction_state()),
    # The consultant's moderation: to everyone else these URLs do not exist (404). A POST from the consultant
    # without its fields (no reason, no board) comes back with a message and changes nothing.
    Row("forum:thread_pin", _url("forum:thread_pin", lambda w: w.local_thread.pk), may=("consultant",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.forum_moderation_state()),
    Row("forum:thread_lock", _url("forum:thread_lock", lambda w: w.local_thread.pk), may=("consultant",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.forum_moderation_state()),
    Row("forum:thread_move", _url("forum:thread_move", lambda w: w.local_thread.pk), may=("consultant",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.forum_moderation_state()),
    Row("forum:post_hide", _url("forum:post_hide", lambda w: w.alice_post.pk), may=("consultant",),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.forum_moderation_state()),
    Row("forum:post_restore", _url("forum:post_restore", lambda w: w.alice_post.pk), may=("consultant",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.forum_moderation_state()),
    # Earlier versions of alice's post: only the consultant reads them.
    Row("forum:post_revisions", _url("forum:post_revisions", lambda w: w.alice_post.pk), may=("consultant",),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_ALLOWED)),
    # Member profiles: every forum reader may see a member's profile (alice's here); providers get 404 (they
    # are not in the forum). Each member edits only their own profile: alice's words stay when others POST
    # (a POST without text saves the poster's own empty profile); admins and providers have no profile (404).
    Row("forum:member", _url("forum:member", lambda w: w.alice.pseudonym),
        get=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND), post=expect(NOT_ALLOWED)),
    Row("forum:profile_edit", _url("forum:profile_edit"),
        get=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK),
        post=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK),
        unchanged=lambda world: world.alice_profile_state(), owners=("alice",)),
    # Circles: closed groups of service users; the consultant is in every circle by role; admins and providers
    # never see circles (404). Bob's circle: alice has only an invitation waiting, so she gets 404 for the
    # circle itself. POSTs without their fields come back with a message (200) and change nothing.
    Row("forum:circles", _url("forum:circles"),
        get=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK), post=expect(NOT_ALLOWED)),
    Row("forum:circle_create", _url("forum:circle_create"),
        get=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK),
        post=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK)),
    Row("forum:circle", _url("forum:circle", lambda w: w.circle.pk), may=("bob", "consultant"),
        get=expect(NOT_FOUND, bob=OK, consultant=OK), post=expect(NOT_ALLOWED)),
    Row("forum:circle_thread_create", _url("forum:circle_thread_create", lambda w: w.circle.pk),
        may=("bob", "consultant"),
        get=expect(NOT_FOUND, bob=OK, consultant=OK), post=expect(NOT_FOUND, bob=OK, consultant=OK),
        unchanged=lambda world: world.circle_state()),
    Row("forum:circle_invite", _url("forum:circle_invite", lambda w: w.circle.pk), may=("bob", "consultant"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, bob=OK, consultant=OK),
        unchanged=lambda world: world.circle_state()),
    # Only a member leaves; the consultant is in every circle by role and has no such page.
    Row("forum:circle_leave", _url("forum:circle_leave", lambda w: w.circle.pk), may=("bob",),
        get=expect(NOT_FOUND, bob=OK), post=expect(NOT_FOUND, bob=OK),
        unchanged=lambda world: world.circle_state()),
    # Bob invited alice: only alice answers, only bob withdraws.
    Row("forum:circle_invitation_accept", _url("forum:circle_invitation_accept", lambda w: w.circle_invitation.pk),
        may=("alice",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.circle_state()),
    Row("forum:circle_invitation_decline", _url("forum:circle_invitation_decline", lambda w: w.circle_invitation.pk),
        may=("alice",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.circle_state()),
    Row("forum:circle_invitation_withdraw",
        _url("forum:circle_invitation_withdraw", lambda w: w.circle_invitation.pk),
        may=("bob",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, bob=OK),
        unchanged=lambda world: world.circle_state()),
    # --- Cafés: service users see their own community's cafés (and open ones elsewhere); the consultant and
    # admins see and manage all; providers see nothing (404), like the forum. Alice's café is closed to visitors,
    # so bob (another community) gets 404 for it.
    Row("cafes:index", _url("cafes:index"),
        get=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND), post=expect(NOT_ALLOWED)),
    Row("cafes:past", _url("cafes:past"),
        get=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND), post=expect(NOT_ALLOWED)),
    # An empty POST comes back as the form with its errors (200); nothing is stored.
    Row("cafes:create", _url("cafes:create"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.cafe_state()),
    Row("cafes:detail", _url("cafes:detail", lambda w: w.cafe.pk), may=("alice", "consultant", "admin_user"),
        get=expect(NOT_FOUND, alice=OK, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    # Alice's answer: an empty POST shows the form's error (200). The consultant and admins host rather than
    # answer: their POST goes back to the café page and stores nothing.
    Row("cafes:answer", _url("cafes:answer", lambda w: w.cafe.pk), may=("alice", "consultant", "admin_user"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.cafe_state()),
    Row("cafes:ics", _url("cafes:ics", lambda w: w.cafe.pk), may=("alice", "consultant", "admin_user"),
        get=expect(NOT_FOUND, alice=OK, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("cafes:edit", _url("cafes:edit", lambda w: w.cafe.pk), may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.cafe_state()),
    Row("cafes:cancel", _url("cafes:cancel", lambda w: w.cafe.pk), may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.cafe_state()),
    # Recurring series: only the consultant and admins; an empty POST comes back as the form with its errors.
    Row("cafes:series_list", _url("cafes:series_list"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("cafes:series_create", _url("cafes:series_create"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.series_state()),
    Row("cafes:series_edit", _url("cafes:series_edit", lambda w: w.series.pk), may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.series_state()),
    Row("cafes:series_stop", _url("cafes:series_stop", lambda w: w.series.pk), may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.series_state()),
    # My own reminder choices: for members who answer cafés; an empty POST shows the form's errors. Nobody's
    # request changes alice's choices.
    Row("cafes:reminders", _url("cafes:reminders"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.reminder_state(), owners=("alice",)),
    # My private calendar feed link: each person makes or turns off their own; nobody touches alice's.
    Row("cafes:calendar", _url("cafes:calendar"),
        get=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND), post=expect(NOT_ALLOWED)),
    Row("cafes:calendar_new", _url("cafes:calendar_new"),
        get=expect(NOT_ALLOWED), post=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND),
        unchanged=lambda world: world.feed_state(), owners=("alice",)),
    Row("cafes:calendar_off", _url("cafes:calendar_off"),
        get=expect(NOT_ALLOWED), post=expect(OK, linked_provider=NOT_FOUND, unlinked_provider=NOT_FOUND),
        unchanged=lambda world: world.feed_state(), owners=("alice",)),
    # The feed a calendar app fetches without signing in: the secret link is the permission (like the
    # invitation link), so whoever holds alice's link gets her feed, which names nobody. A tampered or revoked
    # link is 404 (tests/cafes/test_feed.py).
    Row("cafes:feed", _url("cafes:feed", lambda w: w.feed_token),
        get=expect(OK, anonymous=OK), post=expect(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        unchanged=lambda world: world.feed_state()),
    # Getting there together: only alice (a member who answered) sees her café's page and her own requests and
    # matches; the consultant and admins host rather than answer (404 here; they have the open-requests list).
    # An empty POST shows the form's errors (200); proposing with no other request chosen is 404 for everyone.
    Row("cafes:together", _url("cafes:together", lambda w: w.cafe.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.companion_state()),
    Row("cafes:together_withdraw", _url("cafes:together_withdraw", lambda w: w.companion_request.pk),
        may=("alice",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.companion_state()),
    Row("cafes:together_propose", _url("cafes:together_propose", lambda w: w.companion_request.pk),
        may=("alice",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND),
        unchanged=lambda world: world.companion_state()),
    Row("cafes:match", _url("cafes:match", lambda w: w.companion_match.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.companion_state()),
    # An empty POST (neither yes nor no) changes nothing, for alice too.
    Row("cafes:match_answer", _url("cafes:match_answer", lambda w: w.companion_match.pk), may=("alice",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.companion_state()),
    # Sharing a phone number: alice's match is not agreed yet, so her POST shows why (200) and stores nothing.
    Row("cafes:match_phone", _url("cafes:match_phone", lambda w: w.companion_match.pk), may=("alice",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.companion_state()),
    Row("cafes:together_open", _url("cafes:together_open"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    # Attendance: the consultant and admins; alice's café has not started, so they are sent back to its page.
    Row("cafes:attendance", _url("cafes:attendance", lambda w: w.cafe.pk), may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.cafe_state()),
    # "How was it" notes: alice answered, but her café has not taken place, so she is sent back to its page.
    Row("cafes:feedback", _url("cafes:feedback", lambda w: w.cafe.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.companion_state()),
    # The café's forum thread: the consultant and admins; an empty POST leaves the café without a thread.
    Row("cafes:forum_thread", _url("cafes:forum_thread", lambda w: w.cafe.pk), may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.cafe_state()),
    # --- Messaging: a service user and their care team (or the consultant); admins do not read messages ----
    # Alice's conversation with her linked provider: only the two of them reach it; everyone else gets 404.
    Row("messaging:inbox", _url("messaging:inbox"),
        get=expect(OK, admin_user=NOT_FOUND), post=expect(NOT_ALLOWED)),
    # An empty POST comes back as the form with its errors (200); nothing is stored. The consultant only
    # answers conversations and admins have no messaging: 404.
    Row("messaging:conversation_create", _url("messaging:conversation_create"),
        get=expect(OK, consultant=NOT_FOUND, admin_user=NOT_FOUND),
        post=expect(OK, consultant=NOT_FOUND, admin_user=NOT_FOUND)),
    # Providers and the consultant set their own usual reply time; the linked provider's stays when others POST.
    Row("messaging:settings", _url("messaging:settings"),
        get=expect(OK, alice=NOT_FOUND, bob=NOT_FOUND, admin_user=NOT_FOUND),
        post=expect(OK, alice=NOT_FOUND, bob=NOT_FOUND, admin_user=NOT_FOUND),
        unchanged=lambda world: world.reply_time_state(), owners=("linked_provider",)),
    Row("messaging:conversation", _url("messaging:conversation", lambda w: w.conversation.pk),
        may=("alice", "linked_provider"),
        get=expect(NOT_FOUND, alice=OK, linked_provider=OK), post=expect(NOT_ALLOWED),
        # Opening a conversation marks it read: the reader's participant row and unread badge (only when
        # something was unread; a second visit writes nothing).
        get_writes=("messaging_participant", "reconnect_user")),
    # An empty reply comes back with its error message (200); nothing is stored.
    Row("messaging:reply", _url("messaging:reply", lambda w: w.conversation.pk), may=("alice", "linked_provider"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK, linked_provider=OK),
        unchanged=lambda world: world.conversation_state()),
    # Only the sender changes or withdraws their message (within 5 minutes).
    Row("messaging:message_edit", _url("messaging:message_edit", lambda w: w.chat_message.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.conversation_state()),
    Row("messaging:message_withdraw", _url("messaging:message_withdraw", lambda w: w.chat_message.pk),
        may=("alice",), get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.conversation_state()),
    Row("messaging:attachment", _url("messaging:attachment", lambda w: w.chat_attachment.pk),
        may=("alice", "linked_provider"),
        get=expect(NOT_FOUND, alice=OK, linked_provider=OK), post=expect(NOT_ALLOWED)),
    # --- Toolbox: each service user's own; providers see what is shared with them; the consultant and admins
    # never see toolbox content (404). The own pages take no id: bob reaches his own (empty) plan, never alice's,
    # and alice's plan and shares stay as they are whatever others POST.
    Row("toolbox:index", _url("toolbox:index"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:crisis_plan", _url("toolbox:crisis_plan"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    # An empty POST saves an empty plan (a plan may be empty): the owner's own, redirected to it.
    Row("toolbox:crisis_plan_edit", _url("toolbox:crisis_plan_edit"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.toolbox_state(), owners=("alice",)),
    Row("toolbox:crisis_plan_print", _url("toolbox:crisis_plan_print"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:crisis_plan_preview", _url("toolbox:crisis_plan_preview"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    # A POST without a provider is told kindly that nothing can be shared that way (back to the plan).
    Row("toolbox:share", _url("toolbox:share", "crisis_plan"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.toolbox_state(), owners=("alice",)),
    # What alice shares with her linked provider: only he reaches it. Each view of the shared plan writes the
    # audit row alice sees under "Who has seen my data" (the one GET that writes, on purpose).
    Row("toolbox:person", _url("toolbox:person", lambda w: w.alice.pk), may=("linked_provider",),
        get=expect(NOT_FOUND, linked_provider=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:shared_crisis_plan", _url("toolbox:shared_crisis_plan", lambda w: w.alice.pk),
        may=("linked_provider",),
        get=expect(NOT_FOUND, linked_provider=OK), post=expect(NOT_ALLOWED),
        get_writes=("reconnect_auditevent",)),
    # Goals and activities: the own pages take no id (bob reaches his own, empty ones); an empty POST to a form
    # answers with its errors. alice's goal and activity answer 404 to everyone else.
    Row("toolbox:goals", _url("toolbox:goals"), get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:goal_new", _url("toolbox:goal_new"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.goals_state(), owners=("alice",)),
    Row("toolbox:goal_edit", _url("toolbox:goal_edit", lambda w: w.goal.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.goals_state()),
    Row("toolbox:goals_preview", _url("toolbox:goals_preview"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:week", _url("toolbox:week"), get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:activity_new", _url("toolbox:activity_new"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.goals_state(), owners=("alice",)),
    Row("toolbox:activity_edit", _url("toolbox:activity_edit", lambda w: w.activity.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.goals_state()),
    Row("toolbox:activity_done", _url("toolbox:activity_done", lambda w: w.activity.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.goals_state()),
    Row("toolbox:activity_delete", _url("toolbox:activity_delete", lambda w: w.activity.pk), may=("alice",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.goals_state()),
    # Shared with alice's linked provider: only he reaches it; each view writes the audit row alice sees.
    Row("toolbox:shared_goals", _url("toolbox:shared_goals", lambda w: w.alice.pk), may=("linked_provider",),
        get=expect(NOT_FOUND, linked_provider=OK), post=expect(NOT_ALLOWED),
        get_writes=("reconnect_auditevent",)),
    # Information pages: the same for everyone signed in (not private); unpublished drafts answer 404.
    Row("toolbox:info_pages", _url("toolbox:info_pages"), get=expect(OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:info_page", _url("toolbox:info_page", lambda w: w.info_page.slug),
        get=expect(OK), post=expect(NOT_ALLOWED)),
    # Local links: a service user sees their own community's, the consultant all and keeps them; providers and
    # admins (who use the Django admin) get 404. Nobody but the consultant changes alice's community's link.
    Row("toolbox:local_links", _url("toolbox:local_links"),
        get=expect(NOT_FOUND, alice=OK, bob=OK, consultant=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:local_link_new", _url("toolbox:local_link_new"),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.links_state(), owners=("consultant",)),
    Row("toolbox:local_link_edit", _url("toolbox:local_link_edit", lambda w: w.local_link.pk), may=("consultant",),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.links_state()),
    Row("toolbox:local_link_delete", _url("toolbox:local_link_delete", lambda w: w.local_link.pk),
        may=("consultant",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.links_state()),
    # Network map: the own pages take no id (bob reaches his own, empty map); an empty POST to the form answers with
    # its errors. alice's person answers 404 to everyone else; only her linked provider reads her shared map.
    Row("toolbox:network", _url("toolbox:network"), get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:network_person_new", _url("toolbox:network_person_new"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.network_state(), owners=("alice",)),
    Row("toolbox:network_preview", _url("toolbox:network_preview"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:network_person_edit", _url("toolbox:network_person_edit", lambda w: w.network_person.pk),
        may=("alice",), get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.network_state()),
    # A POST without a circle is told kindly (back to the map); only alice may move her person.
    Row("toolbox:network_person_move", _url("toolbox:network_person_move", lambda w: w.network_person.pk),
        may=("alice",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.network_state()),
    Row("toolbox:network_person_delete", _url("toolbox:network_person_delete", lambda w: w.network_person.pk),
        may=("alice",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.network_state()),
    Row("toolbox:shared_network", _url("toolbox:shared_network", lambda w: w.alice.pk), may=("linked_provider",),
        get=expect(NOT_FOUND, linked_provider=OK), post=expect(NOT_ALLOWED),
        get_writes=("reconnect_auditevent",)),
    # Medication overview: the same shape; "stopped taking it" is a POST, only alice's own.
    Row("toolbox:medication", _url("toolbox:medication"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:medication_new", _url("toolbox:medication_new"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.medication_state(), owners=("alice",)),
    Row("toolbox:medication_print", _url("toolbox:medication_print"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:medication_preview", _url("toolbox:medication_preview"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:medication_edit", _url("toolbox:medication_edit", lambda w: w.medication.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.medication_state()),
    Row("toolbox:medication_stop", _url("toolbox:medication_stop", lambda w: w.medication.pk), may=("alice",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.medication_state()),
    Row("toolbox:medication_delete", _url("toolbox:medication_delete", lambda w: w.medication.pk), may=("alice",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.medication_state()),
    Row("toolbox:shared_medication", _url("toolbox:shared_medication", lambda w: w.alice.pk),
        may=("linked_provider",), get=expect(NOT_FOUND, linked_provider=OK), post=expect(NOT_ALLOWED),
        get_writes=("reconnect_auditevent",)),
    # Toolbox exercises: published exercises are read by everyone signed in (they hold nothing about anyone); the
    # consultant keeps the library (drafts are theirs: 404 to everyone else). Reflections are alice's own, shared
    # with her linked provider; each of his views writes the audit row she sees.
    Row("toolbox:exercises", _url("toolbox:exercises"), get=expect(OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:exercises_keep", _url("toolbox:exercises_keep"),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:exercise_new", _url("toolbox:exercise_new"),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.exercises_state(), owners=("consultant",)),
    Row("toolbox:exercise", _url("toolbox:exercise", lambda w: w.exercise_draft.pk), may=("consultant",),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:exercise_edit", _url("toolbox:exercise_edit", lambda w: w.exercise.pk), may=("consultant",),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.exercises_state()),
    Row("toolbox:exercise_publish", _url("toolbox:exercise_publish", lambda w: w.exercise.pk), may=("consultant",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.exercises_state()),
    Row("toolbox:exercise_feature", _url("toolbox:exercise_feature", lambda w: w.exercise.pk), may=("consultant",),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.exercises_state()),
    Row("toolbox:featuring_end", _url("toolbox:featuring_end", lambda w: w.featuring.pk), may=("consultant",),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.exercises_state()),
    # Any service user may reflect on a published exercise (an empty POST answers with its error); nobody's
    # reflection but their own changes.
    Row("toolbox:reflection_new", _url("toolbox:reflection_new", lambda w: w.exercise.pk),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.reflections_state(), owners=("alice",)),
    Row("toolbox:reflections", _url("toolbox:reflections"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:reflections_preview", _url("toolbox:reflections_preview"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
    Row("toolbox:reflection_edit", _url("toolbox:reflection_edit", lambda w: w.reflection.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.reflections_state()),
    Row("toolbox:reflection_delete", _url("toolbox:reflection_delete", lambda w: w.reflection.pk), may=("alice",),
        get=expect(NOT_FOUND, alice=OK), post=expect(NOT_FOUND, alice=OK),
        unchanged=lambda world: world.reflections_state()),
    Row("toolbox:shared_reflections", _url("toolbox:shared_reflections", lambda w: w.alice.pk),
        may=("linked_provider",), get=expect(NOT_FOUND, linked_provider=OK), post=expect(NOT_ALLOWED),
        get_writes=("reconnect_auditevent",)),
    # "Tell me when a provider opens what I share": each service user's own choice.
    Row("toolbox:sharing_notices", _url("toolbox:sharing_notices"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, alice=OK, bob=OK),
        unchanged=lambda world: world.reflections_state(), owners=("alice",)),
    # Statistics (moderation.stats_views): the consultant and the admin only; everyone else 404. Counting again
    # only queues the beat tasks (no row is written by the request).
    Row("moderation:statistics", _url("moderation:statistics"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("moderation:statistics_csv", _url("moderation:statistics_csv"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("moderation:statistics_refresh", _url("moderation:statistics_refresh"),
        get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK, admin_user=OK)),
]

# --- Moderation: the consultant's workspace (consultant and admins; admins read and mark handled but do not act
# in the forum); service users and providers get 404 everywhere except a member's own history. An empty POST
# from an entitled role is told kindly what is missing (200, or back to the page) and changes nothing.
ROWS += [
    Row("moderation:queue", _url("moderation:queue"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("moderation:item", _url("moderation:item", lambda w: w.queue_item.pk), may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("moderation:item_act", _url("moderation:item_act", lambda w: w.queue_item.pk),
        may=("consultant", "admin_user"), get=expect(NOT_ALLOWED),
        post=expect(NOT_FOUND, consultant=OK, admin_user=OK), unchanged=lambda world: world.moderation_state()),
    Row("moderation:item_write", _url("moderation:item_write", lambda w: w.queue_item.pk), may=("consultant",),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.moderation_state()),
    Row("moderation:log", _url("moderation:log"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("moderation:member", _url("moderation:member", lambda w: w.alice.pseudonym),
        may=("consultant", "admin_user"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_ALLOWED)),
    Row("moderation:member_note", _url("moderation:member_note", lambda w: w.alice.pseudonym),
        may=("consultant", "admin_user"), get=expect(NOT_ALLOWED),
        post=expect(NOT_FOUND, consultant=OK, admin_user=OK), unchanged=lambda world: world.moderation_state()),
    Row("moderation:member_pause", _url("moderation:member_pause", lambda w: w.alice.pseudonym),
        may=("consultant",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.moderation_state()),
    Row("moderation:templates", _url("moderation:templates"),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.moderation_state(), owners=("consultant",)),
    Row("moderation:template_edit", _url("moderation:template_edit", lambda w: w.reply_template.pk),
        may=("consultant",), get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.moderation_state()),
    Row("moderation:template_delete", _url("moderation:template_delete", lambda w: w.reply_template.pk),
        may=("consultant",), get=expect(NOT_ALLOWED), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.moderation_state()),
    # An empty POST of the on-duty form means "no hours set" (on duty always): the consultant's and admins' own.
    Row("moderation:duty", _url("moderation:duty"),
        get=expect(NOT_FOUND, consultant=OK, admin_user=OK), post=expect(NOT_FOUND, consultant=OK, admin_user=OK),
        unchanged=lambda world: world.moderation_state(), owners=("consultant", "admin_user")),
    Row("moderation:announce", _url("moderation:announce"),
        get=expect(NOT_FOUND, consultant=OK), post=expect(NOT_FOUND, consultant=OK),
        unchanged=lambda world: world.moderation_state(), owners=("consultant",)),
    # A member's own moderation history: each service user sees their own (bob never sees alice's).
    Row("moderation:my_history", _url("moderation:my_history"),
        get=expect(NOT_FOUND, alice=OK, bob=OK), post=expect(NOT_ALLOWED)),
]

ROWS_BY_NAME = {row.name: row for row in ROWS}


@dataclass(frozen=True)
class PrefixRule:
    """Expectations for every URL pattern under a prefix owned by a library."""

    prefix: str
    get: Callable  # (pattern name, role) -> set of outcomes
    post: Callable
    note: str = ""
    # Roles that may see other people's private details in these pages (the admin, in the admin).
    sees_private_details: tuple = field(default=())


# allauth pages that need a signed-in person; the rest are public (sign in, reset password, ...).
ALLAUTH_SIGNED_IN_ONLY = {
    "account_email", "account_change_password", "account_set_password", "account_reauthenticate",
    "usersessions_list",
}
# A public allauth page may answer, redirect (e.g. a signed-in person away from the sign-in page), or refuse
# a bogus key with 404; it must never fail with 500 nor show private details (checked for every response).
_ALLAUTH_PUBLIC = frozenset({OK, LOGIN, NOT_FOUND, NOT_ALLOWED, FORBIDDEN})


def _allauth(name, role):
    if name in ALLAUTH_SIGNED_IN_ONLY:
        # Changing the e-mail address asks for a fresh second-factor code first (reconnect.middleware).
        return frozenset({LOGIN}) if role == "anonymous" else frozenset({OK, NOT_ALLOWED, REVERIFY})
    return _ALLAUTH_PUBLIC


def _admin(name, role):
    # Only staff reach admin content; anyone else gets the admin's sign-in form (which asks for the second
    # factor too), never a page of the admin itself.
    # Staff may get anything but an error: 403 where the admin allows no adding or deleting (the audit
    # trail), a sign-in page after signing out of the admin or an empty sign-in form posted.
    if role == "admin_user":
        return frozenset({OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, ADMIN_LOGIN, LOGIN})
    # Anonymous visitors meet either sign-in page: the admin's, or the portal's (LoginRequiredMiddleware
    # stops them before the admin does for the model pages).
    if role == "anonymous":
        return frozenset({ADMIN_LOGIN, LOGIN})
    return frozenset({ADMIN_LOGIN})


PREFIX_RULES = [
    PrefixRule("accounts/", get=_allauth, post=_allauth,
               note="django-allauth: sign-in, sign-out, password reset, e-mail, sessions"),
    PrefixRule("admin/", get=_admin, post=_admin, note="Django admin (django-otp's OTPAdminSite)",
               sees_private_details=("admin_user",)),
]

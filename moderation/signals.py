"""How the queue and the log learn of what happens in the forum and the cafés: Django signals, so neither app
imports moderation (dependencies point one way). Connected in moderation.apps.ModerationConfig.ready."""

from django.db.models.signals import post_save

from moderation import services


def _report_saved(sender, instance, created, **kwargs):
    if created:
        services.queue_report(instance)


def _flag_saved(sender, instance, created, **kwargs):
    if created:
        services.queue_flag(instance)


def _post_saved(sender, instance, created, **kwargs):
    if created and instance.number > 1:
        services.close_waiting_after_reply(instance)


def _companion_request_saved(sender, instance, created, **kwargs):
    # Wishes for company or a ride are what the consultant may help with; offers wait for a wish.
    # (Requests close with an UPDATE, without this signal: moderation.services.tidy_cafe_items closes their items.)
    if created and instance.closed_at is None and instance.kind.endswith("_wanted"):
        services.queue_companion_request(instance)


def _feedback_saved(sender, instance, created, **kwargs):
    if created:
        services.queue_feedback(instance)


def connect():
    from cafes.models import CafeFeedback, CompanionRequest
    from forum.models import Post, PostFlag, PostReport
    from forum.signals import moderated

    moderated.connect(services.on_forum_moderation, dispatch_uid="moderation.log")
    post_save.connect(_report_saved, sender=PostReport, dispatch_uid="moderation.report")
    post_save.connect(_flag_saved, sender=PostFlag, dispatch_uid="moderation.flag")
    post_save.connect(_post_saved, sender=Post, dispatch_uid="moderation.post")
    post_save.connect(_companion_request_saved, sender=CompanionRequest, dispatch_uid="moderation.companion")
    post_save.connect(_feedback_saved, sender=CafeFeedback, dispatch_uid="moderation.feedback")


from celery import shared_task


@shared_task(name="moderation.sweep_waiting")
def sweep_waiting() -> int:
    """Beat, every 15 minutes: unanswered posts into the queue (each once), café items that resolved out of it."""
    from moderation import services

    added = services.sweep_waiting()
    services.tidy_cafe_items()
    return added


# --- Statistics (moderation.statistics) -----------------------------------------------------------------------
@shared_task(name="moderation.refresh_statistics_current_month")
def refresh_statistics_current_month() -> int:
    """Beat, every hour: the current month's figures so far, counted again into the summary table."""
    from moderation.statistics import refresh_current_month

    return refresh_current_month()


@shared_task(name="moderation.refresh_statistics_ended_months")
def refresh_statistics_ended_months() -> int:
    """Beat, every night: each ended month not yet counted since it ended (usually just last month). Running it
    twice changes nothing: the months it counts are then final."""
    from moderation.statistics import refresh_ended_months

    return refresh_ended_months()

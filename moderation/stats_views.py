"""The statistics pages: figures per community and month as charts and tables, the CSV, and "count again now".

For the service user consultant and the admin only (404 for everyone else). The pages read only the monthly
summary (moderation.statistics), so they cost the same few queries for a small forum or a national one.
"""

import csv
import re
from datetime import date

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from moderation import access, statistics
from reconnect.models import Community

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.Field):
    """A month typed as YYYY-MM (what <input type="month"> sends), as the first day of that month."""

    def __init__(self, **kwargs):
        widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-03", "inputmode": "numeric"})
        super().__init__(required=False, widget=widget, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        match = MONTH_PATTERN.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise forms.ValidationError(_("Please give a month as year and month, for example 2025-03."))
        return date(int(match[1]), int(match[2]), 1)


class StatisticsFilterForm(forms.Form):
    community = forms.ModelChoiceField(
        label=gettext_lazy("Community"), queryset=Community.objects.order_by("name"), required=False,
        empty_label=gettext_lazy("All communities, added up"),
        error_messages={"invalid_choice": gettext_lazy("Please choose one of the communities in the list.")},
    )
    start = MonthField(label=gettext_lazy("From month"))
    end = MonthField(label=gettext_lazy("To month"))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.this_month = statistics.month_of(today or timezone.now())
        for name in ("start", "end"):
            self.fields[name].widget.attrs["max"] = self.this_month.strftime("%Y-%m")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        end = cleaned.get("end") or self.this_month
        start = cleaned.get("start") or statistics.add_months(end, 1 - statistics.DEFAULT_MONTHS)
        if end > self.this_month:
            self.add_error("end", _("That month has not begun yet. Please choose this month or an earlier one."))
        elif start > end:
            self.add_error("start", _("The first month comes after the last one. Please swap them."))
        elif len(statistics.months_between(start, end)) > statistics.MAX_MONTHS:
            self.add_error("start", _("Please choose at most %(count)s months at a time.")
                           % {"count": statistics.MAX_MONTHS})
        cleaned["months"] = statistics.months_between(start, end) if not self.errors else []
        return cleaned


def _filter(request):
    """The filter as asked for; months left out are the last 12 (filled in, so the form says what the page
    shows and the CSV link carries them)."""
    data = request.GET.copy()
    if not data.get("end"):
        data["end"] = statistics.month_of(timezone.now()).strftime("%Y-%m")
    if not data.get("start"):
        try:
            end = MonthField().to_python(data["end"])
        except forms.ValidationError:
            end = None  # the form says what is wrong with it
        if end:
            data["start"] = statistics.add_months(end, 1 - statistics.DEFAULT_MONTHS).strftime("%Y-%m")
    return StatisticsFilterForm(data)


def _statistics_only(request):
    access.check_can_use_workspace(request.user)


@require_GET
def statistics_page(request):
    _statistics_only(request)
    form = _filter(request)
    context = {"form": form, "sections": [], "last_counted": statistics.last_counted(),
               "max_months": statistics.MAX_MONTHS}
    if form.is_valid():
        months = form.cleaned_data["months"]
        context.update(
            sections=statistics.read_figures(community=form.cleaned_data["community"], months=months),
            months=months, community=form.cleaned_data["community"],
            csv_query=request.GET.urlencode(),
        )
    return render(request, "moderation/statistics.html", context, status=200 if form.is_valid() else 400)


@require_GET
def statistics_csv(request):
    _statistics_only(request)
    form = _filter(request)
    if not form.is_valid():
        return render(request, "moderation/statistics.html",
                      {"form": form, "sections": [], "max_months": statistics.MAX_MONTHS}, status=400)
    months = form.cleaned_data["months"]
    chosen = form.cleaned_data["community"]
    communities = [chosen] if chosen else list(Community.objects.order_by("name"))
    name = f"reconnect-statistics-{months[0]:%Y-%m}-to-{months[-1]:%Y-%m}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    for row in statistics.csv_rows(communities=communities, months=months):
        writer.writerow(row)
    return response


@require_POST
def statistics_refresh(request):
    """Count the figures again now (in the background): for a new installation, or after loading data."""
    _statistics_only(request)
    if statistics.request_refresh():
        messages.success(request, _("The figures are being counted again. Please look again in a minute or two."))
    else:
        messages.error(request, _("The figures could not be counted again just now. Please try again later."))
    return redirect("moderation:statistics")

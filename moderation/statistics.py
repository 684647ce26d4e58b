"""Usage statistics for the service user consultant and the admin: figures per community and month.

Where the numbers come from: each app that has figures to give keeps a `stats.py` module (forum, cafés,
messaging, toolbox), found here through the app registry, as the core finds `<app>.keyrotation`, so this app
names none of them (the toolbox may not be imported from here at all). A module holds TITLE, FIGURES (key,
label, help, and for an average the key of the count it is the average of) and monthly_counts(start=, end=),
which returns {(community_id, month, figure): count} from aggregate queries.

Where they are kept: refresh_months() asks every module for a span of months and replaces those months'
rows in the summary table (moderation.models.MonthlyFigure). Celery beat counts the current month every hour
and each ended month once more the night after it ends (moderation.tasks). The page reads only the summary: a
fixed, small number of queries, whatever the size of the forum.

How they are shown: any figure from 1 to 2 is shown as "fewer than 3" (tables, charts and CSV alike), and an
average resting on fewer than 3 items likewise, so no one can be singled out.
"""

import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moderation.models import MonthlyFigure, StatisticsMonth
from reconnect.models import Role, User

SUPPRESS_BELOW = 3
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
SUPPRESSED_TEXT = gettext_lazy("fewer than 3")
# Two refreshes never write the same months at once (the hourly and the nightly task may meet).
_REFRESH_LOCK = 7_404_001


# --- Who may see them ----------------------------------------------------------------------------------
# --- Months ---------------------------------------------------------------------------------------------
def month_of(moment) -> date:
    """The first day of the month `moment` (aware datetime or date) falls in, in the portal's time zone."""
    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    return [add_months(first, n) for n in range((last.year - first.year) * 12 + last.month - first.month + 1)]


def month_start(month: date):
    """The aware moment a month begins, in the portal's time zone."""
    return timezone.make_aware(datetime(month.year, month.month, 1))


# --- The sources ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    help: str
    average_of: str = ""  # for an average: the count it divides by (the stored value is the total)


@dataclass(frozen=True)
class Source:
    title: str
    figures: tuple
    monthly_counts: object
    order: int = 100  # the module's ORDER: where its section comes on the page


def sources() -> list[Source]:
    """Every app's `stats` module, in the order of their ORDER (then of INSTALLED_APPS)."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.stats"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        figures = tuple(
            Figure(key=f["key"], label=f["label"], help=f["help"], average_of=f.get("average_of", ""))
            for f in module.FIGURES
        )
        found.append(Source(title=module.TITLE, figures=figures, monthly_counts=module.monthly_counts,
                            order=getattr(module, "ORDER", 100)))
    return sorted(found, key=lambda source: source.order)


# --- Counting (Celery beat) -----------------------------------------------------------------------------
def refresh_months(*, months, now=None) -> int:
    """Count the given months again from every source and replace their rows in the summary. Returns the
    number of rows written. Months are counted in one span (first to last) with one aggregate query per
    figure group; a month counted after it ended is marked final."""
    months = sorted(set(months))
    if not months:
        return 0
    now = now or timezone.now()
    start, end = month_start(months[0]), month_start(add_months(months[-1], 1))
    counts = {}
    for source in sources():
        for key, value in source.monthly_counts(start=start, end=end).items():
            counts[key] = counts.get(key, 0) + value
    wanted = set(months)
    rows = [MonthlyFigure(community_id=community, month=month, figure=figure, value=value)
            for (community, month, figure), value in counts.items() if month in wanted and value > 0]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
        MonthlyFigure.objects.filter(month__in=months).delete()
        MonthlyFigure.objects.bulk_create(rows, batch_size=2000)
        for month in months:
            StatisticsMonth.objects.update_or_create(
                month=month, defaults={"computed_at": now, "final": month_start(add_months(month, 1)) <= now},
            )
    return len(rows)


def refresh_current_month(*, now=None) -> int:
    """Run every hour: the month so far."""
    now = now or timezone.now()
    return refresh_months(months=[month_of(now)], now=now)


def refresh_ended_months(*, now=None) -> int:
    """Run every night: each ended month not yet counted after its end, from the first member's month on (on a
    new installation, or after a pause, that is every month so far; afterwards, last month once)."""
    now = now or timezone.now()
    first_joined = User.objects.filter(role=Role.SERVICE_USER).order_by("date_joined").values_list(
        "date_joined", flat=True).first()
    if first_joined is None:
        return 0
    last_ended = add_months(month_of(now), -1)
    final = set(StatisticsMonth.objects.filter(final=True).values_list("month", flat=True))
    months = [m for m in months_between(month_of(first_joined), last_ended) if m not in final]
    return refresh_months(months=months, now=now)


def request_refresh() -> bool:
    """Ask the worker to count the current month and every ended month not yet final, now rather than on beat's
    next round. False when the task queue cannot be reached (nothing is lost: beat counts them anyway)."""
    from kombu.exceptions import OperationalError

    from moderation.tasks import refresh_statistics_current_month, refresh_statistics_ended_months

    try:
        refresh_statistics_ended_months.delay()
        refresh_statistics_current_month.delay()
    except (OperationalError, OSError):
        return False
    return True


# --- Reading and showing --------------------------------------------------------------------------------
def shown_count(value) -> str:
    """A count as shown anywhere: "fewer than 3" from 1 to 2, so no one can be singled out."""
    if 0 < value < SUPPRESS_BELOW:
        return str(SUPPRESSED_TEXT)
    return formats.number_format(value, force_grouping=True)


@dataclass
class Cell:
    month: date
    value: float  # what the chart draws (0 when suppressed)
    text: str  # what the table, the chart's labels and the CSV say
    plain: str = ""  # for the CSV: the number without grouping, or the same words as `text`
    suppressed: bool = False
    empty: bool = False  # an average of nothing: there is no number at all


@dataclass
class FigureRow:
    figure: Figure
    cells: list
    chart: dict = field(default_factory=dict)


@dataclass
class Section:
    title: str
    rows: list

    @property
    def by_month(self):
        """The table's rows: each month with its cells, one per figure."""
        return [(cells[0].month, cells) for cells in zip(*(row.cells for row in self.rows))]


def _cell(figure, month, values):
    value = values.get((month, figure.key), 0)
    if not figure.average_of:
        if 0 < value < SUPPRESS_BELOW:
            return Cell(month, 0, str(SUPPRESSED_TEXT), str(SUPPRESSED_TEXT), suppressed=True)
        return Cell(month, value, shown_count(value), str(value))
    count = values.get((month, figure.average_of), 0)
    if count == 0:
        return Cell(month, 0, "–", "", empty=True)
    if count < SUPPRESS_BELOW:
        return Cell(month, 0, str(SUPPRESSED_TEXT), str(SUPPRESSED_TEXT), suppressed=True)
    hours = round(value / count / 60, 1)
    return Cell(month, hours, formats.number_format(hours, 1), f"{hours:.1f}")


def _summary(months):
    return MonthlyFigure.objects.filter(month__gte=months[0], month__lte=months[-1])


def values_for(*, community, months) -> dict:
    """{(month, figure): value} for one community, or for all communities added up (community=None): one
    aggregate query on the summary table."""
    if community is not None:
        rows = _summary(months).filter(community=community).values_list("month", "figure", "value")
        return {(month, figure): value for month, figure, value in rows}
    rows = _summary(months).values("month", "figure").annotate(total=Sum("value")).order_by()
    return {(row["month"], row["figure"]): row["total"] for row in rows}


def build_sections(*, values, months, charts=True) -> list[Section]:
    sections = []
    for source in sources():
        figure_rows = [FigureRow(figure, [_cell(figure, m, values) for m in months])
                       for figure in source.figures]
        if charts:
            for row in figure_rows:
                row.chart = bar_chart(row)
        sections.append(Section(source.title, figure_rows))
    return sections


def read_figures(*, community, months) -> list[Section]:
    """The figures for one community (or, with community=None, all communities added up) over `months`, from
    the summary table only (one query), with their charts."""
    return build_sections(values=values_for(community=community, months=months), months=months)


def last_counted():
    """When the newest month shown was last counted (None: never)."""
    return StatisticsMonth.objects.order_by("-month").values_list("computed_at", flat=True).first()


# --- Charts (server-rendered SVG; the template draws what this measures) --------------------------------
CHART_WIDTH, CHART_HEIGHT = 320, 130
_LEFT, _RIGHT, _TOP, _BOTTOM = 34, 6, 12, 22


def _tick(value):
    return formats.number_format(value, 1 if value != int(value) else 0, force_grouping=True)


def bar_chart(row: FigureRow) -> dict:
    """Bars for one figure over the months: positions in a 320×150 viewBox, a label under every few months,
    the top of the scale, and a short description for screen readers. A suppressed month gets a small marked
    stub (its height says nothing) and the words "fewer than 3" in its tooltip. `none`: nothing to draw."""
    cells = row.cells
    plot_w, plot_h = CHART_WIDTH - _LEFT - _RIGHT, CHART_HEIGHT - _TOP - _BOTTOM
    top = max((c.value for c in cells), default=0) or 1
    step = plot_w / max(len(cells), 1)
    every = max(1, round(len(cells) / 6))
    bars = []
    for n, cell in enumerate(cells):
        height = 3 if cell.suppressed else plot_h * cell.value / top
        x = _LEFT + n * step + step * 0.15
        bars.append({
            "x": round(x, 1), "y": round(_TOP + plot_h - height, 1), "width": round(step * 0.7, 1),
            "height": round(height, 1), "suppressed": cell.suppressed,
            "title": f"{formats.date_format(cell.month, 'YEAR_MONTH_FORMAT')}: {cell.text}",
            "label": formats.date_format(cell.month, "M y") if n % every == 0 else "",
            "label_x": round(_LEFT + n * step + step / 2, 1),
        })
    shown = [c for c in cells if not c.suppressed and not c.empty]
    highest = max(shown, key=lambda c: c.value, default=None)
    if highest is None or highest.value == 0:
        desc = _("No %(figure)s to show in these months.") % {"figure": str(row.figure.label).lower()}
    else:
        desc = _("Bars for each month from %(first)s to %(last)s. "
                 "The highest is %(value)s, in %(month)s.") % {
            "first": formats.date_format(cells[0].month, "YEAR_MONTH_FORMAT"),
            "last": formats.date_format(cells[-1].month, "YEAR_MONTH_FORMAT"),
            "value": highest.text, "month": formats.date_format(highest.month, "YEAR_MONTH_FORMAT"),
        }
    return {
        "none": all(c.value == 0 and not c.suppressed for c in cells),
        "bars": bars, "desc": desc, "width": CHART_WIDTH, "height": CHART_HEIGHT,
        "top_label": _tick(top) if highest is not None and highest.value else "", "axis_x": _LEFT - 4,
        "top_y": _TOP + 4, "base_y": _TOP + plot_h, "label_y": CHART_HEIGHT - 6,
        "plot_right": CHART_WIDTH - _RIGHT,
    }


# --- CSV ------------------------------------------------------------------------------------------------
def csv_rows(*, communities, months):
    """Rows for the CSV: one per community, month and figure, suppressed like the page; with several
    communities, also their totals. Figures only: no names, no e-mail addresses, no text anyone wrote.
    One query, whatever the number of communities."""
    yield [_("community"), _("month"), _("figure"), _("name of the figure"), _("value")]
    per_community, totals = {}, {}
    rows = (_summary(months).filter(community__in=communities)
            .values_list("community_id", "month", "figure", "value"))
    for community_id, month, figure, value in rows:
        per_community.setdefault(community_id, {})[(month, figure)] = value
        totals[(month, figure)] = totals.get((month, figure), 0) + value
    blocks = [(c.name, per_community.get(c.pk, {})) for c in communities]
    if len(communities) != 1:
        blocks.append((_("All communities"), totals))
    for name, values in blocks:
        for section in build_sections(values=values, months=months, charts=False):
            for row in section.rows:
                for cell in row.cells:
                    yield [_csv_safe(name), cell.month.strftime("%Y-%m"), row.figure.key,
                           _csv_safe(str(row.figure.label)), cell.plain]


def _csv_safe(text):
    """A community name is typed by the admin: never let a spreadsheet read it as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

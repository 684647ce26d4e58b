"""The network map's picture: three concentric circles with "me" in the middle and each person in their circle.

The layout is worked out here, in plain Python, and drawn as SVG by toolbox/_network_map_svg.html. It is
deterministic (the same people in the same order always land in the same places) and labels never overlap:

- each label is a box (a dot above a name, its width estimated from the name's characters, names shortened to
  LABEL_CHARS on the picture);
- the people of a circle are spread evenly around it, each at its own angle, as near the middle as their box fits:
  a box that would overlap one already placed in that circle moves outwards, step by step, until it is free (a
  crowded circle so gets two or three staggered rows, and grows);
- a circle's line is drawn just outside the boxes in it, and the next circle's boxes start just outside that line,
  so boxes of different circles cannot meet, and no line runs through a label.
The circle's mark (its number) is placed first, at the top, by the same rule; "me" sits in the middle.

Text widths are estimated from the character widths of a common sans-serif font, on the generous side.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from toolbox.models import NetworkPerson

FONT_SIZE = 14
LABEL_CHARS = 12  # longer names are shortened on the map (with "…"); the list below it has them whole
DOT_R = 6
CELL_H = 32  # a dot above a line of text, with room around it
MARGIN = 12

_NARROW = set("fijlrtI.,;:'!|() ")
_WIDE = set("mwMWÆæŒœ@%")
_CAPS_WIDTH = 0.72


def text_width(text, size=FONT_SIZE) -> float:
    """A generous estimate of `text`'s width in a common sans-serif font (Arial, DejaVu Sans) at `size`."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.34
        elif ch in _WIDE:
            em += 0.95
        elif ch.isupper():
            em += _CAPS_WIDTH
        else:
            em += 0.6
    return em * size * 1.08


def short_label(name) -> str:
    name = " ".join((name or "").split())
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


@dataclass
class Placed:
    x: float
    y: float
    label: str
    width: float
    person: object = None  # a NetworkPerson, or None for a circle's mark and for "me"

    def box(self, height=CELL_H):
        """The label's box (left, top, right, bottom): the dot is in its upper part, the text below it."""
        return (self.x - self.width / 2, self.y - height / 2, self.x + self.width / 2, self.y + height / 2)


# A picture wider than this gets the page's whole width, with the list under it rather than beside it.
LARGE = 600
MIN_BAND = 64  # a circle with few people in it still looks like a ring
GAP = 6  # between a box and a circle's line, and between boxes
STEP = 6  # how far a box moves outwards each time it does not fit


def _overlap(a, b) -> bool:
    return a[0] < b[2] + GAP and b[0] < a[2] + GAP and a[1] < b[3] + GAP and b[1] < a[3] + GAP


def _far_corner(box) -> float:
    return max(math.hypot(x, y) for x in (box[0], box[2]) for y in (box[1], box[3]))


def _near_distance(box) -> float:
    """Distance from the centre (0, 0) to the nearest point of the box."""
    dx = max(box[0], 0, -box[2])
    dy = max(box[1], 0, -box[3])
    return math.hypot(dx, dy)


def _place(label, width, angle, inner, placed, person=None) -> Placed:
    """`label` at `angle`, as near `inner` (the circle's inner line) as it fits without touching a box in `placed`.

    It moves outwards along its ray: past the inner line first, then, each time it touches a box, straight to the
    nearest radius where it clears that box (sideways or up/down), so a crowded circle takes few steps."""
    cos, sin = math.cos(angle), math.sin(angle)
    half_w, half_h = width / 2, CELL_H / 2
    # Where the ray leaves the box, seen from its centre: a first guess at clearing the inner line.
    exit_at = min(half_w / abs(cos) if abs(cos) > 1e-9 else math.inf, half_h / abs(sin) if abs(sin) > 1e-9 else math.inf)
    radius = inner + GAP + exit_at
    boxes = [other.box() for other in placed]
    while True:
        x, y = radius * cos, radius * sin
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if _near_distance(box) < inner + GAP:
            radius += STEP
            continue
        hit = next((other for other in boxes if _overlap(box, other)), None)
        if hit is None:
            return Placed(x, y, label, width, person)
        # The smallest radius beyond this one at which the box is clear of `hit` on one axis.
        options = []
        if cos > 1e-9:
            options.append((hit[2] + GAP + half_w) / cos)
        elif cos < -1e-9:
            options.append((hit[0] - GAP - half_w) / cos)
        if sin > 1e-9:
            options.append((hit[3] + GAP + half_h) / sin)
        elif sin < -1e-9:
            options.append((hit[1] - GAP - half_h) / sin)
        ahead = [r for r in options if r > radius]
        radius = min(ahead) + 0.5 if ahead else radius + STEP


def layout(people) -> dict:
    """Where everything goes, for `people` (NetworkPerson objects, or anything with .name and .circle), in the order
    given. Returns the size of the (square) picture, its centre, the three circles' radii and names, "me", the
    circles' marks and the placed people with their points and shortened labels."""
    names = dict(NetworkPerson.Circle.choices)
    by_circle = {1: [], 2: [], 3: []}
    for person in people:
        by_circle[person.circle].append(person)
    me_label = _("Me")
    me = Placed(0.0, 0.0, me_label, max(text_width(me_label) + 4, CELL_H))
    rings, marks, placed_people = [], [], []
    inner = 0.0
    for circle in (1, 2, 3):
        in_circle = [me] if circle == 1 else []
        mark = _place(str(circle), text_width(str(circle)) + 8, -math.pi / 2, max(inner, me.width / 2) if circle == 1
                      else inner, in_circle)
        in_circle.append(mark)
        marks.append(mark)
        count = len(by_circle[circle])
        for n, person in enumerate(by_circle[circle]):
            # Evenly around the circle, starting just clockwise of the mark at the top.
            angle = -math.pi / 2 + 2 * math.pi * (n + 0.5) / count if count > 1 else math.pi / 2
            label = short_label(person.name)
            item = _place(label, text_width(label) + 4, angle, inner, in_circle, person)
            in_circle.append(item)
            placed_people.append(item)
        outer = max(_far_corner(item.box()) for item in in_circle) + GAP
        outer = max(outer, inner + MIN_BAND, me.width / 2 + MIN_BAND if circle == 1 else 0)
        rings.append({"number": circle, "radius": outer, "label": names[circle], "count": count})
        inner = outer
    half = inner + MARGIN
    size = math.ceil(2 * half)
    centre = size / 2
    for item in [me, *marks, *placed_people]:
        item.x, item.y = round(centre + item.x, 1), round(centre + item.y, 1)
    return {
        "size": size, "centre": centre, "large": size > LARGE,
        "rings": [dict(ring, radius=round(ring["radius"], 1)) for ring in reversed(rings)],  # outer first (drawn under)
        "me": me, "me_r": CELL_H / 2, "people": placed_people, "ring_labels": marks,
        "dot_r": DOT_R, "dot_dy": -CELL_H / 2 + DOT_R + 2, "text_dy": CELL_H / 2 - 5,
    }

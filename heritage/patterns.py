"""Drawn patterns from the visual vocabulary of China's crafts (挑花, 织锦, 蜡染, 海水纹, 铜鼓, 剪纸, 祥云,
编织, 卷草): each motif fills a canvas in three colours, its proportions chosen by a seeded random source."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import ImageDraw

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """The ground, the figure drawn on it, and a detail colour."""

    ground: Colour
    figure: Colour
    detail: Colour


Motif = Callable[[ImageDraw.ImageDraw, random.Random, Palette, int, int], None]


def cross_stitch(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """挑花: diamonds of cross stitches, mirrored four ways as a needlewoman counts them, in staggered rows."""
    cell = rng.choice((30, 34, 38))
    radius = rng.randint(4, 5)
    quadrant = {(x, y): rng.random() < 0.6 for x in range(radius + 1) for y in range(radius + 1) if x + y <= radius}
    size = 2 * radius + 2

    def stitch(cx: int, cy: int, colour: Colour) -> None:
        inset, width = cell // 10, max(4, cell // 3)
        x0, y0, x1, y1 = cx * cell + inset, cy * cell + inset, (cx + 1) * cell - inset, (cy + 1) * cell - inset
        draw.line((x0, y0, x1, y1), fill=colour, width=width)
        draw.line((x0, y1, x1, y0), fill=colour, width=width)

    columns, rows = w // cell + 2, h // cell + 2
    for oy in range(-size // 2, rows, size):
        shift = (oy // size) % 2 * (size // 2)
        for ox in range(-size + shift, columns, size):
            for (x, y), on in quadrant.items():
                edge = x + y == radius
                if not (on or edge):
                    continue
                colour = p.detail if (x + y) % 4 == 1 and not edge else p.figure
                for sx, sy in {(x, y), (-x, y), (x, -y), (-x, -y)}:
                    stitch(ox + radius + 1 + sx, oy + radius + 1 + sy, colour)


def brocade(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """织锦: a lattice of nested diamonds, each holding a small cross, the rows alternating in colour."""
    half = rng.randint(84, 136)
    depth = rng.randint(3, 5)
    shift = rng.randrange(half * 2)
    line = max(6, half // 12)
    for row, cy in enumerate(range(-half, h + half, half)):
        for cx in range(-half * 4 + (row % 2) * half + shift, w + half * 2, half * 2):
            for level in range(depth):
                r = half * (depth - level) / depth
                colour = (p.figure, p.detail)[(level + row) % 2] if level % 2 == 0 else p.ground
                draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=colour)
            arm = half / depth / 1.4
            draw.line((cx - arm, cy, cx + arm, cy), fill=p.ground, width=line)
            draw.line((cx, cy - arm, cx, cy + arm), fill=p.ground, width=line)


def batik(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """蜡染: pale spirals (漩涡纹) and rings of dots left by the wax on indigo, crossed by fine cracks (冰纹)."""
    step = rng.randint(250, 350)
    turns = rng.uniform(2.2, 3.4)
    width = max(10, step // 22)
    crack = tuple((g + f) // 2 for g, f in zip(p.ground, p.figure, strict=True))
    for row, cy in enumerate(range(step // 2, h + step, step)):
        for column, cx in enumerate(range(step // 2 - (row % 2) * step // 2, w + step, step)):
            r = step * 0.42
            if (row + column) % 3 == 2:  # a flower of dots about a round centre
                for k in range(8):
                    a = k * math.pi / 4
                    x, y, s = cx + math.cos(a) * r * 0.6, cy + math.sin(a) * r * 0.6, r * 0.22
                    draw.ellipse((x - s, y - s, x + s, y + s), fill=p.figure)
                draw.ellipse((cx - r * 0.25, cy - r * 0.25, cx + r * 0.25, cy + r * 0.25), fill=p.detail)
                continue
            turn = 1 if column % 2 else -1
            points = [
                (
                    cx + math.cos(turn * t * turns * 2 * math.pi + row) * r * t,
                    cy + math.sin(turn * t * turns * 2 * math.pi + row) * r * t,
                )
                for t in (i / 63 for i in range(64))
            ]
            draw.line(points, fill=p.figure, width=width)
            for k in range(12):
                angle = k * math.pi / 6
                x, y = cx + math.cos(angle) * r * 1.12, cy + math.sin(angle) * r * 1.12
                draw.ellipse((x - width, y - width, x + width, y + width), fill=p.figure)
    for _ in range(rng.randint(30, 40)):  # cracks wander and fork
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        angle = rng.uniform(0, 2 * math.pi)
        points = [(x, y)]
        for _ in range(rng.randint(10, 30)):
            angle += rng.uniform(-0.6, 0.6)
            x, y = x + math.cos(angle) * 40, y + math.sin(angle) * 40
            points.append((x, y))
        draw.line(points, fill=crack, width=4)


def waves(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """海水纹: rows of overlapping scales of concentric arcs, like waves on an old robe's hem."""
    radius = rng.randint(100, 170)
    rings = rng.randint(4, 6)
    shift = rng.randrange(radius * 2)
    colours = (p.figure, p.ground, p.detail, p.ground) if rng.random() < 0.5 else (p.figure, p.ground)
    for row, cy in enumerate(range(0, h + radius * 2, radius // 2)):
        for cx in range(-(row % 2) * radius - shift, w + radius * 2, radius * 2):
            for ring in range(rings):
                r = radius * (rings - ring) / rings
                colour = colours[ring % len(colours)] if ring else p.figure
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)


def drum(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """铜鼓: the face of a bronze drum, a sun of rays at the centre and rings of dots, zigzags and circles."""
    cx = w * rng.uniform(0.5, 0.68)
    cy = h * rng.uniform(0.45, 0.55)
    outer = h * rng.uniform(0.62, 0.78)
    rays = rng.choice((8, 10, 12, 14))
    band = outer / rng.randint(7, 9)
    r = outer
    ring = 0
    while r > band * 2.2:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=p.figure)
        inner = r - band
        draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=p.ground)
        mid = (r + inner) / 2
        kind = (ring + rng.randint(0, 2)) % 3
        count = int(2 * math.pi * mid / (band * 0.9))
        for k in range(count):
            a = 2 * math.pi * k / count
            x, y = cx + math.cos(a) * mid, cy + math.sin(a) * mid
            if kind == 0:
                s = band * 0.18
                draw.ellipse((x - s, y - s, x + s, y + s), fill=p.ground)
            elif kind == 1:
                b = a + math.pi / count
                c = a + 2 * math.pi / count
                top, low = r - band * 0.2, inner + band * 0.2
                zigzag = [
                    (cx + math.cos(a) * top, cy + math.sin(a) * top),
                    (cx + math.cos(b) * low, cy + math.sin(b) * low),
                    (cx + math.cos(c) * top, cy + math.sin(c) * top),
                ]
                draw.line(zigzag, fill=p.detail, width=max(4, int(band * 0.1)))
            else:
                s = band * 0.3
                draw.ellipse((x - s, y - s, x + s, y + s), outline=p.detail, width=max(3, int(band * 0.08)))
        r = inner - band * 0.35
        ring += 1
    sun = r
    draw.ellipse((cx - sun * 0.35, cy - sun * 0.35, cx + sun * 0.35, cy + sun * 0.35), fill=p.figure)
    for k in range(rays):
        a = 2 * math.pi * k / rays
        spread = math.pi / rays * 0.55
        tip = (cx + math.cos(a) * sun, cy + math.sin(a) * sun)
        left = (cx + math.cos(a - spread) * sun * 0.3, cy + math.sin(a - spread) * sun * 0.3)
        right = (cx + math.cos(a + spread) * sun * 0.3, cy + math.sin(a + spread) * sun * 0.3)
        draw.polygon([left, tip, right], fill=p.figure)


def paper_cut(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """剪纸: window flowers (窗花) cut with N-fold symmetry: petals, crescents and sawtooth (锯齿纹) rings."""
    folds = rng.choice((6, 8, 10, 12))
    big = h * rng.uniform(0.4, 0.46)
    centres = [(w * 0.5, h * 0.5, big)] + [(x, y, big * 0.55) for x in (0, w) for y in (0, h)]
    if rng.random() < 0.5:
        centres = [(x, h * 0.5, big * 0.68) for x in (w * 0.18, w * 0.5, w * 0.82)]
    for cx, cy, r in centres:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=p.figure)
        teeth = folds * 4
        for k in range(teeth):  # sawtooth edge cut inward
            a = 2 * math.pi * k / teeth
            b = 2 * math.pi * (k + 1) / teeth
            draw.polygon(
                [
                    (cx + math.cos(a) * r, cy + math.sin(a) * r),
                    (cx + math.cos((a + b) / 2) * r * 0.9, cy + math.sin((a + b) / 2) * r * 0.9),
                    (cx + math.cos(b) * r, cy + math.sin(b) * r),
                    (cx + math.cos(b) * r * 1.05, cy + math.sin(b) * r * 1.05),
                    (cx + math.cos(a) * r * 1.05, cy + math.sin(a) * r * 1.05),
                ],
                fill=p.ground,
            )
        for k in range(folds):  # petals and crescents, cut out
            a = 2 * math.pi * k / folds
            petal = [
                (
                    cx + math.cos(a + math.pi / folds * 0.7 * math.sin(math.pi * t)) * r * (0.3 + 0.45 * t),
                    cy + math.sin(a + math.pi / folds * 0.7 * math.sin(math.pi * t)) * r * (0.3 + 0.45 * t),
                )
                for t in (i / 12 for i in range(13))
            ] + [
                (
                    cx + math.cos(a - math.pi / folds * 0.7 * math.sin(math.pi * t)) * r * (0.3 + 0.45 * t),
                    cy + math.sin(a - math.pi / folds * 0.7 * math.sin(math.pi * t)) * r * (0.3 + 0.45 * t),
                )
                for t in (i / 12 for i in range(12, -1, -1))
            ]
            draw.polygon(petal, fill=p.ground)
            b = a + math.pi / folds
            x, y, s = cx + math.cos(b) * r * 0.62, cy + math.sin(b) * r * 0.62, r * 0.08
            draw.ellipse((x - s, y - s, x + s, y + s), fill=p.ground)
            draw.ellipse(
                (
                    x - s * 0.6 + s * 0.5 * math.cos(b),
                    y - s * 0.6 + s * 0.5 * math.sin(b),
                    x + s * 0.6 + s * 0.5 * math.cos(b),
                    y + s * 0.6 + s * 0.5 * math.sin(b),
                ),
                fill=p.figure,
            )
        core = r * 0.2
        draw.ellipse((cx - core, cy - core, cx + core, cy + core), fill=p.ground)
        draw.ellipse((cx - core * 0.55, cy - core * 0.55, cx + core * 0.55, cy + core * 0.55), fill=p.detail)


def clouds(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """祥云: clouds of overlapping round lobes, each lobe curling inward, in staggered rows."""
    lobe = rng.randint(68, 96)
    line = max(8, lobe // 6)
    step_x, step_y = int(lobe * 6.5), int(lobe * 3.6)
    shift = rng.randrange(step_x)
    shapes = [
        [(0, 0, 1.0), (1.5, -0.5, 0.8), (-1.5, -0.3, 0.75), (0.4, -1.3, 0.7)],
        [(0, 0, 1.0), (1.7, 0.1, 0.7), (-1.2, -0.7, 0.8), (2.6, -0.6, 0.55)],
    ]
    for row, cy in enumerate(range(lobe, h + step_y, step_y)):
        for cx in range(-(row % 2) * step_x // 2 - shift, w + step_x, step_x):
            parts = [(cx + dx * lobe, cy + dy * lobe, s * lobe) for dx, dy, s in shapes[(row + cx // step_x) % 2]]
            for x, y, r in parts:
                draw.ellipse((x - r - line, y - r - line, x + r + line, y + r + line), fill=p.figure)
            for x, y, r in parts:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=p.ground)
            for x, y, r in parts:
                for k, share in enumerate((0.62, 0.3)):
                    s = r * share
                    colour = p.figure if k == 0 else p.detail
                    draw.arc((x - s, y - s, x + s, y + s), 150, 420, fill=colour, width=line)
            tail = parts[0]
            draw.line(
                [(tail[0] - tail[2], tail[1] + tail[2] * 0.6), (tail[0] - tail[2] * 2.6, tail[1] + tail[2])],
                fill=p.figure,
                width=line,
            )


def weave(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """编织: diagonal bands passing over and under each other, as bamboo and rattan are woven, each band
    edged like a cord."""
    gap = rng.randint(104, 156)
    band = gap * rng.uniform(0.34, 0.4)
    edge = max(4, band // 10)
    reach = w + h

    def strip(x0: float, y0: float, x1: float, y1: float, fill: Colour) -> None:
        draw.line((x0, y0, x1, y1), fill=p.detail, width=int(band + edge * 2))
        draw.line((x0, y0, x1, y1), fill=fill, width=int(band))

    span = range(-reach // gap, reach // gap + 1)
    for d in span:  # falling bands (x + y = d), whole
        strip(d * gap, 0, d * gap - h, h, p.figure if d % 3 else p.detail)
    for c in span:  # rising bands (x - y = c), whole, over the falling ones
        strip(c * gap, 0, c * gap + h, h, p.figure)
    reach_over = band * 0.62
    for d in span:  # the falling band goes back over every other crossing
        for c in span:
            if (c + d) % 2:
                x, y = (c + d) * gap / 2, (d - c) * gap / 2
                if -gap < x < w + gap and -gap < y < h + gap:
                    strip(
                        x + reach_over, y - reach_over, x - reach_over, y + reach_over, p.figure if d % 3 else p.detail
                    )


def herbs(draw: ImageDraw.ImageDraw, rng: random.Random, p: Palette, w: int, h: int) -> None:
    """卷草: waving stems, row under row, bearing leaves on alternate sides and here and there a round bud."""
    length = rng.randint(68, 104)
    line = max(6, length // 10)
    spacing = length * 2.4
    for row, base in enumerate(range(int(spacing / 2), int(h + spacing), int(spacing))):
        phase = rng.uniform(0, math.pi)
        stem = [(x, base + math.sin(x / length + phase + row) * length * 0.5) for x in range(-40, w + 60, 12)]
        draw.line(stem, fill=p.figure, width=line, joint="curve")
        for i in range(3, len(stem) - 1, 7):
            (x, y), (x2, y2) = stem[i], stem[i + 1]
            slope = math.atan2(y2 - y, x2 - x)
            side = 1 if (i // 7) % 2 else -1
            angle = slope + side * 0.9
            leaf: list[tuple[float, float]] = []
            for t in [i / 10 for i in range(11)] + [i / 10 for i in range(10, -1, -1)]:
                k = 1 if len(leaf) < 11 else -1
                lx, ly = t * length, k * math.sin(math.pi * t) * length * 0.28
                leaf.append(
                    (x + lx * math.cos(angle) - ly * math.sin(angle), y + lx * math.sin(angle) + ly * math.cos(angle))
                )
            draw.polygon(leaf, fill=p.figure)
            mid = [(x + t * length * 0.8 * math.cos(angle), y + t * length * 0.8 * math.sin(angle)) for t in (0.1, 0.9)]
            draw.line(mid, fill=p.detail, width=max(3, line // 3))
            if (i // 7) % 3 == 0:
                s = length * 0.16
                bx, by = x - side * length * 0.3 * math.sin(slope), y + side * length * 0.3 * math.cos(slope)
                draw.ellipse((bx - s, by - s, bx + s, by + s), fill=p.detail)


MOTIFS: dict[str, tuple[str, Motif]] = {
    "cross_stitch": ("挑花纹", cross_stitch),
    "brocade": ("织锦菱纹", brocade),
    "batik": ("蜡染冰纹", batik),
    "waves": ("海水纹", waves),
    "drum": ("铜鼓纹", drum),
    "paper_cut": ("剪纸窗花", paper_cut),
    "clouds": ("祥云纹", clouds),
    "weave": ("编织纹", weave),
    "herbs": ("卷草纹", herbs),
}

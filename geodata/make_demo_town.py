#!/usr/bin/env python3
"""Generate the fictional demo town ひばり野市 (Hibarino) used by `sasaeai serve --demo` and tests.

Python 3 standard library only; fully deterministic (every pseudo-random choice comes from a
random.Random seeded with a CRC32 of a fixed key). Run from the repository root or from geodata/:

    python3 geodata/make_demo_town.py

Writes districts.geojson, shelters.geojson, hazard_zones.geojson and river.geojson next to this
script, after checking the geometry and the shelter rules; on any failure it writes nothing and
exits with status 1. See README.md for the file formats.

Geometry is built in a local plane (kilometres east / north of the anchor point), then converted
to WGS84 lon/lat and rounded to 6 decimals. Every validity check runs on the rounded coordinates
(as exact integers of 1e-6 degree), i.e. on what is actually written.
"""

import json
import math
import os
import random
import sys
import zlib

# --------------------------------------------------------------------------------------------
# Frame
# --------------------------------------------------------------------------------------------

LAT0 = 33.31   # anchor: the real Kurume city's location; everything else is made up
LON0 = 130.51
_PHI = math.radians(LAT0)
M_PER_DEG_LAT = 111132.954 - 559.822 * math.cos(2 * _PHI) + 1.175 * math.cos(4 * _PHI)
M_PER_DEG_LON = 111412.84 * math.cos(_PHI) - 93.5 * math.cos(3 * _PHI)

CITY = "ひばり野市"
CITY_CODE = "40999"  # fictional municipality code (Fukuoka prefecture prefix, unused number)
RIVER = "筑川"

HAZARDS = ("flood", "landslide", "storm_surge", "earthquake", "tsunami", "large_fire",
           "inland_flood", "volcano")
INLAND_HAZARDS = ("flood", "landslide", "earthquake", "large_fire", "inland_flood")
KINDS = ("emergency_site", "designated_shelter", "welfare_shelter")
WELFARE_TARGETS = ("elderly", "disabled", "medical_care", "infants")
ACCESSIBILITY = ("step_free", "accessible_toilet", "elevator", "power_backup")


def rng(key):
    return random.Random(zlib.crc32(key.encode("utf-8")))


def lonlat(p):
    x, y = p
    return [round(LON0 + x * 1000.0 / M_PER_DEG_LON, 6), round(LAT0 + y * 1000.0 / M_PER_DEG_LAT, 6)]


def fail(msg):
    sys.stderr.write("make_demo_town.py: CHECK FAILED: %s\n" % msg)
    sys.exit(1)


# --------------------------------------------------------------------------------------------
# Polyline helpers (km plane)
# --------------------------------------------------------------------------------------------

def jittered(p, q, key, amp, step):
    """Polyline p -> q, displaced sideways by smooth deterministic noise (0 at both ends).

    Stations advance monotonically along p->q and the offset is perpendicular, so the result is
    a graph over the p->q axis and can never cross itself."""
    r = rng(key)
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy)
    n = max(2, int(math.ceil(length / step)))
    ux, uy = dx / length, dy / length
    nx, ny = -uy, ux
    amp = min(amp, 0.15 * length)
    waves = [(k, r.choice((-1, 1)) * w, r.uniform(0, 2 * math.pi))
             for k, w in ((1, 1.0), (2, 0.55), (3, 0.3))]
    total = sum(abs(w) for _, w, _ in waves)
    pts = [p]
    for i in range(1, n):
        t = (i + r.uniform(-0.25, 0.25)) / n
        s = sum(w * math.sin(k * math.pi * t + ph) for k, w, ph in waves) / total
        s = max(-1.0, min(1.0, s + r.uniform(-0.3, 0.3)))
        d = amp * math.sin(math.pi * t) * s
        pts.append((p[0] + t * length * ux + d * nx, p[1] + t * length * uy + d * ny))
    pts.append(q)
    return pts


def polar_ring(key, c, r0, n, wobble):
    """Closed star-shaped ring (CCW, first point repeated) around c."""
    r = rng(key)
    p1, p2 = r.uniform(0, 2 * math.pi), r.uniform(0, 2 * math.pi)
    pts = []
    for i in range(n):
        th = 2 * math.pi * i / n
        rad = r0 * (1 + wobble * (0.6 * math.sin(2 * th + p1) + 0.4 * math.sin(3 * th + p2))
                    + r.uniform(-0.3, 0.3) * wobble)
        pts.append((c[0] + rad * math.cos(th), c[1] + rad * math.sin(th)))
    pts.append(pts[0])
    return pts


def blob(key, c, a, b, angle_deg, n=22, wobble=0.07, teardrop=0.0):
    """Closed CCW ring: a wobbly ellipse (semi-axes a, b km), optionally wider at the +a end."""
    r = rng(key)
    ph = r.uniform(0, 2 * math.pi)
    ca, sa = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    pts = []
    for i in range(n):
        th = 2 * math.pi * i / n
        rho = 1 + wobble * (math.sin(3 * th + ph) + r.uniform(-0.5, 0.5))
        lx = a * math.cos(th) * rho
        ly = b * math.sin(th) * rho * (1 + teardrop * math.cos(th))
        pts.append((c[0] + lx * ca - ly * sa, c[1] + lx * sa + ly * ca))
    pts.append(pts[0])
    return pts


# --------------------------------------------------------------------------------------------
# Districts: a planar graph of nodes and jittered edges; faces are lists of signed edges
# --------------------------------------------------------------------------------------------

NODES = {
    # outer boundary, counter-clockwise from the south-west corner
    "B0": (-2.85, -1.95), "E1": (-1.95, -2.10), "E2": (-1.40, -2.16), "B1": (0.20, -2.22),
    "C3": (1.75, -2.05), "B2": (2.90, -1.90), "B3": (3.00, -0.52), "B4": (2.88, 0.25),
    "C2": (3.05, 1.35), "B5": (2.75, 2.15), "B6": (1.30, 2.22), "B7": (-1.25, 2.12),
    "C1": (-2.05, 2.25), "B8": (-2.95, 2.02), "B9": (-3.05, 0.92), "B10": (-2.92, -0.62),
    # interior junctions
    "M1": (-1.75, 0.40), "N1": (-0.85, 0.85), "M2": (0.35, 0.42), "N2": (1.20, 0.72),
    "P1": (-1.50, -0.98), "P2": (0.10, -0.62), "S1": (0.90, -0.90),
}

OUTER_AMP, OUTER_STEP = 0.28, 0.18
INNER_AMP, INNER_STEP = 0.18, 0.12

# id: (from, to, amplitude, step, waypoints)
EDGES = {
    # town boundary
    "o_B0E1": ("B0", "E1", OUTER_AMP, OUTER_STEP, ()),
    "o_E1E2": ("E1", "E2", 0.03, 0.10, ()),
    "o_E2B1": ("E2", "B1", OUTER_AMP, OUTER_STEP, ()),
    "o_B1C3": ("B1", "C3", OUTER_AMP, OUTER_STEP, ()),
    "o_C3B2": ("C3", "B2", OUTER_AMP, OUTER_STEP, ()),
    "o_B2B3": ("B2", "B3", OUTER_AMP, OUTER_STEP, ()),
    "o_B3B4": ("B3", "B4", OUTER_AMP, OUTER_STEP, ()),
    "o_B4C2": ("B4", "C2", OUTER_AMP, OUTER_STEP, ()),
    "o_C2B5": ("C2", "B5", OUTER_AMP, OUTER_STEP, ()),
    "o_B5B6": ("B5", "B6", OUTER_AMP, OUTER_STEP, ()),
    "o_B6B7": ("B6", "B7", OUTER_AMP, OUTER_STEP, ()),
    "o_B7C1": ("B7", "C1", OUTER_AMP, OUTER_STEP, ()),
    "o_C1B8": ("C1", "B8", OUTER_AMP, OUTER_STEP, ()),
    "o_B8B9": ("B8", "B9", OUTER_AMP, OUTER_STEP, ()),
    "o_B9B10": ("B9", "B10", OUTER_AMP, OUTER_STEP, ()),
    "o_B10B0": ("B10", "B0", OUTER_AMP, OUTER_STEP, ()),
    # north/middle line, west to east
    "h1": ("B9", "M1", INNER_AMP, INNER_STEP, ()),
    "h2": ("M1", "N1", INNER_AMP, INNER_STEP, ()),
    "h3": ("N1", "M2", INNER_AMP, INNER_STEP, ()),
    "h4": ("M2", "N2", INNER_AMP, INNER_STEP, ()),
    "h5": ("N2", "B4", INNER_AMP, INNER_STEP, ()),
    # middle/south line, west to east
    "g1": ("B10", "P1", INNER_AMP, INNER_STEP, ()),
    "g2": ("P1", "P2", INNER_AMP, INNER_STEP, ()),
    "g3": ("P2", "S1", INNER_AMP, INNER_STEP, ()),
    "g4": ("S1", "B3", INNER_AMP, INNER_STEP, ()),
    # north-south splits
    "n1": ("N1", "B7", INNER_AMP, INNER_STEP, ()),
    "n2": ("N2", "B6", INNER_AMP, INNER_STEP, ()),
    "m1": ("M1", "P1", INNER_AMP, INNER_STEP, ()),
    "m2": ("M2", "P2", INNER_AMP, INNER_STEP, ()),
    "s1": ("S1", "B1", INNER_AMP, INNER_STEP, ()),
    # inner side of the 若葉 exclave at the southern town boundary (runs into 川添)
    "x1": ("E1", "E2", 0.025, 0.08, ((-1.88, -1.78), (-1.62, -1.70), (-1.45, -1.86))),
}

ENCLAVE_CENTRE = (-0.75, -0.05)   # a piece of 桜台 surrounded by 本町

# code, name, rings: list of polygons; a polygon is a list of rings; a ring is a list of
# signed edge ids ("-x" = edge x reversed) or the special "ENCLAVE"/"-ENCLAVE" ring.
DISTRICTS = [
    ("D01", "西ヶ丘校区", [[["o_B7C1", "o_C1B8", "o_B8B9", "h1", "h2", "n1"]]]),
    ("D02", "桜台校区", [[["h3", "h4", "n2", "o_B6B7", "-n1"]], [["ENCLAVE"]]]),
    ("D03", "峰見校区", [[["h5", "o_B4C2", "o_C2B5", "o_B5B6", "-n2"]]]),
    ("D04", "柳原校区", [[["o_B9B10", "g1", "-m1", "-h1"]]]),
    ("D05", "本町校区", [[["m1", "g2", "-m2", "-h3", "-h2"], ["-ENCLAVE"]]]),
    ("D06", "東雲校区", [[["m2", "g3", "g4", "o_B3B4", "-h5", "-h4"]]]),
    ("D07", "川添校区", [[["o_B10B0", "o_B0E1", "x1", "o_E2B1", "-s1", "-g3", "-g2", "-g1"]]]),
    ("D08", "若葉校区", [[["s1", "o_B1C3", "o_C3B2", "o_B2B3", "-g4"]],
                      [["o_E1E2", "-x1"]]]),
]


def build_edges():
    out = {}
    for eid, (a, b, amp, step, way) in EDGES.items():
        pts = [NODES[a]] + list(way) + [NODES[b]]
        line = [pts[0]]
        for i in range(len(pts) - 1):
            line += jittered(pts[i], pts[i + 1], "edge:%s:%d" % (eid, i), amp, step)[1:]
        out[eid] = [lonlat(p) for p in line]
    ring = polar_ring("enclave", ENCLAVE_CENTRE, 0.21, 18, 0.18)
    out["ENCLAVE"] = [lonlat(p) for p in ring]
    return out


def assemble_ring(parts, edges):
    if parts in (["ENCLAVE"], ["-ENCLAVE"]):
        ring = list(edges["ENCLAVE"])
        return ring[::-1] if parts[0].startswith("-") else ring
    ring = []
    for part in parts:
        line = edges[part.lstrip("-")]
        if part.startswith("-"):
            line = line[::-1]
        if ring:
            if ring[-1] != line[0]:
                fail("ring parts %s do not join at %s" % (parts, part))
            line = line[1:]
        ring += line
    if ring[0] != ring[-1]:
        fail("ring %s is not closed" % parts)
    return ring


# --------------------------------------------------------------------------------------------
# River and flood zones
# --------------------------------------------------------------------------------------------

def river_y(x):
    return (-1.33 + 0.22 * math.sin(2 * math.pi * x / 2.3 + 0.4)
            + 0.06 * math.sin(2 * math.pi * x / 0.9 + 1.3) + 0.04 * x)


def width_north(x):  # km, rank-1 extent north of the centre line (the north bank is higher)
    return 0.56 + 0.14 * math.sin(2 * math.pi * x / 3.1 + 0.7) + 0.05 * math.sin(2 * math.pi * x / 1.3 + 2.0)


def width_south(x):
    return 0.62 + 0.14 * math.sin(2 * math.pi * x / 2.7 + 2.1) + 0.05 * math.sin(2 * math.pi * x / 1.1 + 0.3)


RIVER_X = (-3.6, 3.6)
RIVER_STEP = 0.1
DEPTH_FRACTION = {1: 1.0, 2: 0.60, 3: 0.32, 4: 0.14}
DEPTH_LABEL = {1: "0.5m未満", 2: "0.5〜3m", 3: "3〜5m", 4: "5〜10m"}
# (rank, x0, x1, taper km); taper 0 = square ends (rank 1 runs off both edges of the town)
FLOOD_STRIPS = [
    (1, -3.35, 3.35, 0.0),
    (2, -3.15, 3.15, 0.45),
    (3, -2.65, -0.55, 0.35),
    (3, 0.35, 2.45, 0.35),
    (4, -2.10, -1.15, 0.25),
    (4, 1.00, 1.75, 0.25),
]


def strip_stations(x0, x1, taper):
    xs = set()
    n = int(math.ceil((x1 - x0) / RIVER_STEP))
    for i in range(n + 1):
        xs.add(round(x0 + (x1 - x0) * i / n, 9))
    if taper > 0:  # denser near the rounded tips
        for i in range(1, 6):
            d = taper * (1 - math.cos(math.pi / 2 * i / 6))
            xs.add(round(x0 + d, 9))
            xs.add(round(x1 - d, 9))
    return sorted(xs)


def strip_ring(rank, x0, x1, taper):
    f = DEPTH_FRACTION[rank]

    def t(x):
        if taper <= 0:
            return 1.0
        d = min(x - x0, x1 - x)
        if d >= taper:
            return 1.0
        u = 1 - max(d, 0.0) / taper
        return math.sqrt(max(0.0, 1 - u * u))

    xs = strip_stations(x0, x1, taper)
    upper = [(x, river_y(x) + f * width_north(x) * t(x)) for x in xs]
    lower = [(x, river_y(x) - f * width_south(x) * t(x)) for x in xs]
    if taper > 0:
        ring = upper + lower[::-1][1:]    # tips are shared (width 0 there)
    else:
        ring = upper + lower[::-1] + [upper[0]]
    return [lonlat(p) for p in ring[::-1]]   # east along the south side first: counter-clockwise


def flood_features():
    strips = [(rank, (x0, x1), strip_ring(rank, x0, x1, taper)) for rank, x0, x1, taper in FLOOD_STRIPS]
    feats = []
    for rank, (x0, x1), ring in strips:
        # the band of this rank = its strip minus the deeper strips lying inside it
        holes = [r2[::-1] for k2, (a, b), r2 in strips if k2 == rank + 1 and x0 < a and b < x1]
        feats.append({
            "type": "Feature",
            "properties": {"hazard_type": "flood", "level": rank, "phenomenon": None,
                           "name": "%s 洪水浸水想定区域(%s)" % (RIVER, DEPTH_LABEL[rank])},
            "geometry": {"type": "Polygon", "coordinates": [ring] + holes},
        })
    return feats


def river_feature():
    x0, x1 = RIVER_X
    n = int(round((x1 - x0) / RIVER_STEP))
    line = [lonlat((x0 + (x1 - x0) * i / n, river_y(x0 + (x1 - x0) * i / n))) for i in range(n + 1)]
    return {"type": "Feature", "properties": {"name": RIVER},
            "geometry": {"type": "LineString", "coordinates": line}}


# --------------------------------------------------------------------------------------------
# Landslide zones (hillside in the north-east; slopes face south-west)
# --------------------------------------------------------------------------------------------

PHENOMENON_LABEL = {"steep_slope": "急傾斜地の崩壊", "debris_flow": "土石流", "landslide": "地すべり"}
# place, phenomenon, yellow blob (centre, a, b, angle, teardrop), red blob (same)
LANDSLIDES = [
    ("峰見一丁目", "steep_slope", ((1.85, 1.30), 0.32, 0.075, -35, 0.0), ((1.84, 1.29), 0.26, 0.032, -35, 0.0)),
    ("峰見川", "debris_flow", ((2.30, 1.70), 0.38, 0.10, 50, -0.45), ((2.27, 1.67), 0.30, 0.040, 50, -0.3)),
    ("峰見三丁目", "landslide", ((2.62, 1.28), 0.20, 0.14, 20, 0.0), ((2.60, 1.29), 0.11, 0.075, 20, 0.0)),
    ("峰見二丁目", "steep_slope", ((2.05, 2.02), 0.28, 0.065, -25, 0.0), ((2.05, 2.015), 0.22, 0.028, -25, 0.0)),
    ("大谷川", "debris_flow", ((2.85, 1.85), 0.30, 0.09, 50, -0.4), ((2.83, 1.83), 0.23, 0.036, 50, -0.3)),
    ("上峰見", "steep_slope", ((1.55, 1.75), 0.25, 0.06, -40, 0.0), ((1.545, 1.745), 0.20, 0.026, -40, 0.0)),
]


def landslide_features():
    feats = []
    for i, (place, phen, yellow, red) in enumerate(LANDSLIDES):
        for level, spec, label in ((1, yellow, "土砂災害警戒区域"), (2, red, "土砂災害特別警戒区域")):
            c, a, b, ang, td = spec
            ring = [lonlat(p) for p in blob("landslide:%d:%d" % (i, level), c, a, b, ang, teardrop=td)]
            feats.append({
                "type": "Feature",
                "properties": {"hazard_type": "landslide", "level": level, "phenomenon": phen,
                               "name": "%s %s %s" % (place, PHENOMENON_LABEL[phen], label)},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
    return feats


# --------------------------------------------------------------------------------------------
# Shelters
# --------------------------------------------------------------------------------------------

# facility number, place number, position (km), kind, name, town part of the address,
# address rest, hazards, capacity, welfare targets, accessibility, is_open
E, D, W = KINDS
FL, LS, EQ, FI, IF = "flood", "landslide", "earthquake", "large_fire", "inland_flood"
SF, AT, EV, PB = ACCESSIBILITY
SHELTERS = [
    # 西ヶ丘校区
    (1, 1, (-2.05, 1.45), E, "西ヶ丘小学校 グラウンド", "西ヶ丘", "2丁目8-1", [FL, LS, EQ, FI, IF], 800, [], [SF], True),
    (1, 2, (-1.99, 1.47), D, "西ヶ丘小学校 体育館", "西ヶ丘", "2丁目8-1", [FL, LS, EQ, FI, IF], 450, [], [SF, AT], False),
    (2, 1, (-2.60, 1.00), W, "特別養護老人ホーム 西ヶ丘苑", "西ヶ丘", "4丁目15-3", [FL, EQ, FI, IF], 30, ["elderly"], [SF, AT, EV, PB], False),
    # 桜台校区 (the 公民館 stands in 桜台's enclave inside 本町)
    (3, 1, (0.05, 1.55), E, "桜台小学校 グラウンド", "桜台", "1丁目3-5", [FL, LS, EQ, FI, IF], 700, [], [SF], True),
    (3, 2, (0.11, 1.57), D, "桜台小学校 体育館", "桜台", "1丁目3-5", [FL, LS, EQ, FI, IF], 500, [], [SF, AT, PB], True),
    (4, 1, ENCLAVE_CENTRE, D, "桜台公民館", "桜台", "5丁目2-10", [FL, LS, EQ, IF], 120, [], [SF, AT], True),
    # 峰見校区 (the コミュニティセンター lies inside a landslide warning area)
    (5, 1, (1.45, 0.95), D, "峰見小学校 体育館", "峰見", "1丁目11-2", [FL, LS, EQ, FI, IF], 400, [], [SF, AT], True),
    (6, 1, (2.79, 1.34), E, "峰見地区コミュニティセンター", "峰見", "3丁目6-8", [FL, EQ, FI, IF], 90, [], [SF, AT], True),
    (7, 1, (2.20, 0.85), W, "障害者支援施設 みねみ学園", "峰見", "2丁目20-1", [FL, EQ, IF], 25, ["disabled"], [SF, AT, PB], False),
    # 柳原校区
    (8, 1, (-2.35, 0.15), E, "柳原中学校 グラウンド", "柳原", "3丁目1-1", [FL, LS, EQ, FI, IF], 800, [], [SF], True),
    (9, 1, (-1.80, -0.70), D, "柳原公民館", "柳原", "1丁目9-4", [EQ, FI], 80, [], [SF, AT], True),
    # 本町校区
    (10, 1, (-0.20, 0.30), D, "ひばり野市総合体育館", "本町", "2丁目1-1", [FL, LS, EQ, FI, IF], 800, [], [SF, AT, EV, PB], True),
    (11, 1, (-1.20, 0.25), E, "本町中央公園", "本町", "4丁目7", [EQ, FI], 800, [], [SF], True),
    (12, 1, (-1.30, -0.45), W, "介護老人保健施設 ほんまちの里", "本町", "5丁目12-6", [EQ, FI], 20, ["elderly", "medical_care"], [SF, AT, EV, PB], False),
    # 東雲校区
    (13, 1, (1.60, -0.10), E, "東雲小学校 グラウンド", "東雲", "2丁目4-1", [FL, LS, EQ, FI, IF], 600, [], [SF], True),
    (14, 1, (2.75, -0.45), D, "東雲公民館", "東雲", "3丁目10-2", [EQ, FI], 100, [], [SF, AT], True),
    # 川添校区 (in the 筑川 flood zone)
    (15, 1, (-1.05, -1.63), E, "川添小学校 グラウンド", "川添", "1丁目5-1", [EQ, FI], 600, [], [SF], True),
    (15, 2, (-0.99, -1.60), D, "川添小学校 体育館", "川添", "1丁目5-1", [EQ, FI], 400, [], [SF, AT], True),
    # 若葉校区 (the 支援センター stands in 若葉's exclave at the southern town edge)
    (16, 1, (1.80, -1.70), E, "若葉小学校 グラウンド", "若葉", "2丁目3-1", [EQ, FI], 650, [], [SF], True),
    (17, 1, (-1.66, -1.92), W, "若葉こども発達支援センター", "若葉", "7丁目1-8", [EQ, FI], 15, ["medical_care", "infants", "disabled"], [SF, AT, EV, PB], False),
]


def shelter_features():
    feats = []
    for fac, place, pos, kind, name, town, rest, hazards, cap, targets, access, is_open in SHELTERS:
        feats.append({
            "type": "Feature",
            "properties": {
                "gsi_id": "E%s%05d%03d" % (CITY_CODE, fac, place),
                "name": name,
                "address": "%s%s%s" % (CITY, town, rest),
                "kind": kind,
                "hazards": hazards,
                "capacity": cap,
                "welfare_targets": targets,
                "accessibility": access,
                "is_open": is_open,
            },
            "geometry": {"type": "Point", "coordinates": lonlat(pos)},
        })
    return feats


# --------------------------------------------------------------------------------------------
# Geometry checks (exact integer predicates on the rounded coordinates)
# --------------------------------------------------------------------------------------------

def ip(p):
    return (int(round(p[0] * 1e6)), int(round(p[1] * 1e6)))


def orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def on_segment(a, b, p):
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_touch(a, b, c, d):
    if max(a[0], b[0]) < min(c[0], d[0]) or max(c[0], d[0]) < min(a[0], b[0]):
        return False
    if max(a[1], b[1]) < min(c[1], d[1]) or max(c[1], d[1]) < min(a[1], b[1]):
        return False
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and on_segment(a, b, c)) or (o2 == 0 and on_segment(a, b, d))
            or (o3 == 0 and on_segment(c, d, a)) or (o4 == 0 and on_segment(c, d, b)))


def signed_area2(ring):
    r = [ip(p) for p in ring]
    return sum(r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1] for i in range(len(r) - 1))


def check_ring_simple(ring, what):
    if len(ring) < 4 or ring[0] != ring[-1]:
        fail("%s: ring not closed or too short" % what)
    r = [ip(p) for p in ring]
    segs = list(zip(r[:-1], r[1:]))
    n = len(segs)
    for i, (a, b) in enumerate(segs):
        if a == b:
            fail("%s: repeated vertex %s" % (what, ring[i]))
        for j in range(i + 1, n):
            c, d = segs[j]
            if j == i + 1 or (i == 0 and j == n - 1):
                # adjacent segments may only share their common vertex (no fold-back)
                s_, u, v = (b, a, d) if j == i + 1 else (a, b, c)
                if orient(s_, u, v) == 0 and (u[0] - s_[0]) * (v[0] - s_[0]) + (u[1] - s_[1]) * (v[1] - s_[1]) > 0:
                    fail("%s: ring folds back at %s" % (what, s_))
                continue
            if segments_touch(a, b, c, d):
                fail("%s: ring self-intersects near %s" % (what, ring[i]))


def rings_disjoint(r1, r2):
    a = [ip(p) for p in r1]
    b = [ip(p) for p in r2]
    sa = list(zip(a[:-1], a[1:]))
    sb = list(zip(b[:-1], b[1:]))
    return not any(segments_touch(p, q, r, s) for p, q in sa for r, s in sb)


def point_in_ring(pt, ring):
    x, y = pt
    inside = False
    for i in range(len(ring) - 1):
        x1, y1 = ring[i]
        x2, y2 = ring[i + 1]
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xc:
                inside = not inside
    return inside


def point_in_polygon(pt, rings):
    return point_in_ring(pt, rings[0]) and not any(point_in_ring(pt, h) for h in rings[1:])


def polygons_of(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return geom["coordinates"]
    fail("unexpected geometry type %s" % geom["type"])


def point_in_geometry(pt, geom):
    return any(point_in_polygon(pt, poly) for poly in polygons_of(geom))


def check_polygon(rings, what):
    for k, ring in enumerate(rings):
        check_ring_simple(ring, "%s ring %d" % (what, k))
        area = signed_area2(ring)
        if k == 0 and area <= 0:
            fail("%s: outer ring is not counter-clockwise" % what)
        if k > 0 and area >= 0:
            fail("%s: hole %d is not clockwise" % (what, k))
    for k, hole in enumerate(rings[1:], 1):
        if not rings_disjoint(rings[0], hole) or not point_in_ring(hole[0], rings[0]):
            fail("%s: hole %d is not strictly inside the outer ring" % (what, k))
        for m in range(k + 1, len(rings)):
            if not rings_disjoint(hole, rings[m]) or point_in_ring(hole[0], rings[m]) \
                    or point_in_ring(rings[m][0], hole):
                fail("%s: holes %d and %d overlap" % (what, k, m))


def check_districts(feats):
    directed = {}
    for f in feats:
        polys = polygons_of(f["geometry"])
        for pi, poly in enumerate(polys):
            check_polygon(poly, "district %s polygon %d" % (f["properties"]["code"], pi))
            for ring in poly:
                for a, b in zip(ring[:-1], ring[1:]):
                    key = (ip(a), ip(b))
                    if key in directed:
                        fail("directed edge %s used twice (%s, %s)" % (key, directed[key], f["properties"]["code"]))
                    directed[key] = f["properties"]["code"]
        for i in range(len(polys)):
            for j in range(i + 1, len(polys)):
                if not rings_disjoint(polys[i][0], polys[j][0]) or point_in_ring(polys[i][0][0], polys[j][0]) \
                        or point_in_ring(polys[j][0][0], polys[i][0]):
                    fail("district %s: parts %d and %d touch or overlap" % (f["properties"]["code"], i, j))
    # every undirected edge used once each way (shared) or once (town boundary); the boundary
    # edges must form one closed loop: the town outline
    boundary = {}
    for (a, b), code in directed.items():
        if (b, a) in directed:
            if directed[(b, a)] == code:
                fail("district %s borders itself along %s-%s" % (code, a, b))
        else:
            if a in boundary:
                fail("town outline branches at %s" % (a,))
            boundary[a] = b
    start = next(iter(boundary))
    loop, cur = [start], boundary[start]
    while cur != start:
        loop.append(cur)
        cur = boundary.get(cur)
        if cur is None or len(loop) > len(boundary):
            fail("town outline is not one closed loop")
    if len(loop) != len(boundary):
        fail("town outline has %d edges outside its main loop" % (len(boundary) - len(loop)))
    # no two different undirected edges may cross or touch except at shared end points
    und = sorted({tuple(sorted(k)) for k in directed})
    und.sort(key=lambda e: min(e[0][0], e[1][0]))
    for i, (a, b) in enumerate(und):
        xmax = max(a[0], b[0])
        for j in range(i + 1, len(und)):
            c, d = und[j]
            if min(c[0], d[0]) > xmax:
                break
            shared = {a, b} & {c, d}
            if shared:
                s = shared.pop()
                o = ({a, b} - {s}).pop()
                q = ({c, d} - {s}).pop()
                if orient(s, o, q) == 0 and (o[0] - s[0]) * (q[0] - s[0]) + (o[1] - s[1]) * (q[1] - s[1]) > 0:
                    fail("edges overlap at %s" % (s,))
                continue
            if segments_touch(a, b, c, d):
                fail("district edges cross near %s" % (a,))
    outline = [[p[0] / 1e6, p[1] / 1e6] for p in loop + [loop[0]]]
    if signed_area2(outline) <= 0:
        outline = outline[::-1]
    return outline


def check_zones(feats, town):
    for i, f in enumerate(feats):
        p = f["properties"]
        for poly in polygons_of(f["geometry"]):
            check_polygon(poly, "zone %d (%s)" % (i, p["name"]))
        ring = f["geometry"]["coordinates"][0]
        if not any(point_in_ring(q, town) for q in ring[:-1]):
            fail("zone %s does not overlap the town" % p["name"])
    floods = [f for f in feats if f["properties"]["hazard_type"] == "flood"]
    slides = [f for f in feats if f["properties"]["hazard_type"] == "landslide"]
    # each red zone lies strictly inside the yellow zone just before it; yellow zones disjoint
    yellows = []
    for k in range(0, len(slides), 2):
        y, r = slides[k], slides[k + 1]
        if (y["properties"]["level"], r["properties"]["level"]) != (1, 2):
            fail("landslide zones must come as (yellow, red) pairs")
        yr, rr = y["geometry"]["coordinates"][0], r["geometry"]["coordinates"][0]
        if not rings_disjoint(yr, rr) or not all(point_in_ring(q, yr) for q in rr):
            fail("red zone %s is not strictly inside its yellow zone" % r["properties"]["name"])
        yellows.append(yr)
    for i in range(len(yellows)):
        for j in range(i + 1, len(yellows)):
            if not rings_disjoint(yellows[i], yellows[j]) or point_in_ring(yellows[i][0], yellows[j]) \
                    or point_in_ring(yellows[j][0], yellows[i]):
                fail("landslide zones %d and %d overlap" % (i, j))
    # flood bands of different ranks must not overlap: a band's vertices never inside another band
    for i, f in enumerate(floods):
        for j, g in enumerate(floods):
            if i != j and any(point_in_geometry(q, g["geometry"]) for q in f["geometry"]["coordinates"][0][:-1]
                              if not any(q in ring for ring in g["geometry"]["coordinates"])):
                fail("flood bands %s and %s overlap" % (f["properties"]["name"], g["properties"]["name"]))
    return floods, slides


def flood_rank_at(pt, floods):
    ranks = [f["properties"]["level"] for f in floods if point_in_geometry(pt, f["geometry"])]
    return max(ranks) if ranks else 0


def check_shelters(shelters, districts, floods, slides, town):
    ids = set()
    counts = {k: 0 for k in KINDS}
    in_flood_designated = 0
    report = []
    for s in shelters:
        p = s["properties"]
        pt = s["geometry"]["coordinates"]
        what = "shelter %s %s" % (p["gsi_id"], p["name"])
        if p["gsi_id"] in ids:
            fail("%s: duplicate gsi_id" % what)
        ids.add(p["gsi_id"])
        if p["kind"] not in KINDS:
            fail("%s: bad kind" % what)
        counts[p["kind"]] += 1
        if not p["hazards"] or any(h not in INLAND_HAZARDS for h in p["hazards"]) \
                or len(set(p["hazards"])) != len(p["hazards"]):
            fail("%s: bad hazards %s" % (what, p["hazards"]))
        if any(t not in WELFARE_TARGETS for t in p["welfare_targets"]) \
                or bool(p["welfare_targets"]) != (p["kind"] == "welfare_shelter"):
            fail("%s: welfare_targets must be set for welfare shelters only" % what)
        if any(a not in ACCESSIBILITY for a in p["accessibility"]):
            fail("%s: bad accessibility" % what)
        if p["kind"] == "welfare_shelter" and p["is_open"]:
            fail("%s: welfare shelters open on request only" % what)
        if not isinstance(p["capacity"], int) or p["capacity"] <= 0:
            fail("%s: bad capacity" % what)
        if not point_in_ring(pt, town):
            fail("%s: outside the town" % what)
        inside = [d for d in districts if point_in_geometry(pt, d["geometry"])]
        if len(inside) != 1:
            fail("%s: in %d districts" % (what, len(inside)))
        town_name = inside[0]["properties"]["name"][:-2]
        if not p["address"].startswith(CITY + town_name):
            fail("%s: address %s is not in %s" % (what, p["address"], inside[0]["properties"]["name"]))
        rank = flood_rank_at(pt, floods)
        slide = max([z["properties"]["level"] for z in slides if point_in_geometry(pt, z["geometry"])] or [0])
        if rank and ({"flood", "inland_flood"} & set(p["hazards"])):
            fail("%s: designated for flood but inside flood rank %d" % (what, rank))
        if slide and "landslide" in p["hazards"]:
            fail("%s: designated for landslide but inside landslide zone class %d" % (what, slide))
        if rank and p["kind"] == "designated_shelter":
            in_flood_designated += 1
        report.append((p["gsi_id"], p["name"], p["kind"], inside[0]["properties"]["code"], rank, slide))
    if in_flood_designated < 2:
        fail("need at least two designated shelters inside a flood zone, have %d" % in_flood_designated)
    if counts != {"emergency_site": 8, "designated_shelter": 8, "welfare_shelter": 4}:
        fail("kind counts %s" % counts)
    if not {d["properties"]["code"] for d in districts} <= {r[3] for r in report}:
        fail("some district has no shelter")
    return report, counts


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def write_collection(path, feats):
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return len(text.encode("utf-8"))


def main():
    edges = build_edges()
    districts = []
    for code, name, polys in DISTRICTS:
        coords = [[assemble_ring(parts, edges) for parts in poly] for poly in polys]
        geom = ({"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1
                else {"type": "MultiPolygon", "coordinates": coords})
        districts.append({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geom})
    town = check_districts(districts)
    zones = flood_features() + landslide_features()
    floods, slides = check_zones(zones, town)
    river = river_feature()
    shelters = shelter_features()
    report, counts = check_shelters(shelters, districts, floods, slides, town)

    here = os.path.dirname(os.path.abspath(__file__))
    sizes = {}
    for fname, feats in (("districts.geojson", districts), ("shelters.geojson", shelters),
                         ("hazard_zones.geojson", zones), ("river.geojson", [river])):
        sizes[fname] = write_collection(os.path.join(here, fname), feats)

    xs = [p[0] for p in town]
    ys = [p[1] for p in town]
    width_km = (max(xs) - min(xs)) * M_PER_DEG_LON / 1000
    height_km = (max(ys) - min(ys)) * M_PER_DEG_LAT / 1000
    print("town bbox lon %.6f..%.6f lat %.6f..%.6f (%.2f km x %.2f km)"
          % (min(xs), max(xs), min(ys), max(ys), width_km, height_km))
    for d in districts:
        print("  %s %s %s" % (d["properties"]["code"], d["properties"]["name"], d["geometry"]["type"]))
    print("shelters by kind: %s" % counts)
    for gid, name, kind, code, rank, slide in report:
        notes = []
        if rank:
            notes.append("flood rank %d" % rank)
        if slide:
            notes.append("landslide class %d" % slide)
        print("  %s %s %-18s %s %s" % (gid, code, kind, name, ", ".join(notes)))
    for fname, size in sizes.items():
        print("wrote %s (%d bytes)" % (fname, size))


if __name__ == "__main__":
    main()

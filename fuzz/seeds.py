#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into OUT/TARGET/ (default fuzz/corpus-run/seeds).

Hand-written seeds (below) and the made-up fixtures of geodata/ are written under
OUT/TARGET/; with --real, Kurume's real files from ../shared/data/kurume/ are written under
OUT/real-TARGET/, apart, so that the corpus committed in fuzz/corpus/ can be merged from the
made-up seeds only (real files never enter the repository). Python 3 standard library only,
deterministic.

    python3 fuzz/seeds.py [--real] [OUT]
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
KURUME = ROOT.parent / "shared" / "data" / "kurume"

REGISTRANT_HEADER = (
    "宛名番号,氏名,フリガナ,生年月日,性別,住所,電話番号,避難支援を要する理由,理由の補足,"
    "緯度,経度,世帯状況,要介護度,移動手段,医療機器,電源依存,意思疎通の配慮,指定難病,服薬,"
    "アレルギー,支援者への伝達事項"
)

REGISTRANT_ROWS = [
    "1001,久留米 花子,くるめ はなこ,昭和25年4月1日,女性,福岡県久留米市城南町15-3,0942-30-9000,"
    "65歳以上のみの世帯,,33.319,130.508,ひとり暮らし,2,車いす,,0,,,,,",
    "1002,筑後 太郎,ﾁｸｺﾞ ﾀﾛｳ,S25.4.1,M,福岡県久留米市東町1-1,０９０－１２３４－５６７８,"
    "care_level|other,\"階段が\n使えない\",33.3,130.5,alone,3,walk_with_aid,在宅酸素,はい,"
    "hearing,,,,'=HYPERLINK(\"http://x\")",
    "1003,平成 次郎,,R1.5.1,unspecified,福岡県久留米市,,,,,,,,,,○,,,,,",
    "1004,明治 三郎,,明治元年10月23日,female,住所,,,,95,200,,9,,,x,,,,,",
    ",,,,,,,,,,,,,,,,,,,,",
    "1005,大正 四郎,,大2.7.30,男性,\"久留米市, 東\",,\"elderly_only_household、care_level\",,"
    "33.31,130.51,,,,,,,,,,'-5",
]

SUPPORTER_CSV = (
    "登録番号,宛名番号,氏名,フリガナ,電話番号,住所,緯度,経度,区分,活動状況,支援可能人数,"
    "対応できること,同意,同意日,同意の記録,備考\r\n"
    "1,S-1,筑後 次郎,ちくご じろう,0942-30-9001,福岡県久留米市城南町16-1,33.32,130.509,"
    "近隣住民,活動中,2,車いす、夜間,1,令和8年4月1日,書面,\r\n"
    ",S-2,民生 委員,,0942-30-9002,久留米市,33.3,130.5,welfare_commissioner,inactive,1,,0,,,"
    "'@SUM(A1)\r\n"
)

ERA_DATES = [
    "1950-04-01", "1950/4/1", "1950.4.1", "1950年4月1日", "昭和25年4月1日", "昭和元年12月25日",
    "S25.4.1", "s25.4.1", "昭25.4.1", "R1.5.1", "令和元年5月1日", "H31.4.30", "平成31年4月30日",
    "M1.10.23", "明治元年10月23日", "T1.7.30", "大正15年12月24日", "１９５０－０４－０１",
    "昭和２５年４月１日", "R8.2.29", "2024-02-29", "0001-01-01", "9999-12-31", "S64.1.8",
    " 昭和 25年 4月 1日 ", "1950‐04‐01", "令和9999年1月1日",
]

# A square ring (lon, lat) with its corner at (x, y).
def square(x, y, d):
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def collection(features):
    return {"type": "FeatureCollection", "features": features}


def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


DISTRICTS = [
    collection([
        feature({"A27_003": "40203001", "A27_004": "城南小学校"},
                {"type": "Polygon", "coordinates": [square(130.5, 33.3, 0.01),
                                                    square(130.503, 33.303, 0.002)]}),
        feature({"name": "東部", "code": "E"},
                {"type": "MultiPolygon", "coordinates": [[square(130.52, 33.3, 0.01)],
                                                         [square(130.54, 33.3, 0.01)]]}),
        feature({"name": "東部", "code": "E"}, None),
        feature({"名称": "線"}, {"type": "Polygon", "coordinates": [[[130.0, 33.0], [130.1, 33.0],
                                                                   [130.2, 33.0], [130.0, 33.0]]]}),
        feature({"name": 7}, {"type": "Point", "coordinates": [130.5, 33.3]}),
    ]),
]

HAZARDS = [
    collection([
        feature({"A31a_205": 3, "A31a_202": "筑後川"},
                {"type": "Polygon", "coordinates": [square(130.5, 33.3, 0.01)]}),
        feature({"A33_001": "2", "A33_002": "1", "A33_005": "高良山"},
                {"type": "Polygon", "coordinates": [square(130.55, 33.3, 0.01)]}),
        feature({"hazard_type": "landslide", "level": 2, "phenomenon": "steep_slope",
                 "name": "急傾斜地"},
                {"type": "MultiPolygon", "coordinates": [[square(130.56, 33.3, 0.01),
                                                          square(130.562, 33.302, 0.002)]]}),
        feature({"level": "02"}, {"type": "Polygon", "coordinates": [square(130.5, 33.2, 0.01)]}),
        feature({"A31a_205": 9}, {"type": "Polygon", "coordinates": [square(130.5, 33.1, 0.01)]}),
    ]),
]

SHELTERS_GEOJSON = collection([
    feature({"共通ID": "S4099900001", "施設・場所名": "西ヶ丘小学校", "住所": "ひばり野市西ヶ丘1-1",
             "洪水": 1, "地震": "1", "備考": None},
            {"type": "Point", "coordinates": [130.48, 33.32]}),
    feature({"共通ID": "S4099900001", "施設・場所名": "重複"},
            {"type": "Point", "coordinates": [130.48, 33.32]}),
    feature({"共通ID": "S4099900002", "施設・場所名": "範囲外", "住所": "海"},
            {"type": "Point", "coordinates": [33.32, 130.48]}),
])

GSI_CSV = (
    "\ufeffNO,共通ID,施設・場所名,住所,緯度,経度,備考\r\n"
    "1,S4099900010,公民館,ひばり野市中央1-2,33.31,130.49,\r\n"
    "2,S4099900011,\"体育館, 東\",ひばり野市東1-3,,,\r\n"
)

DA_CSV = (
    "全国地方公共団体コード,ID,名称,住所,緯度,経度,災害種別_洪水,災害種別_地震,想定収容人数\n"
    "12050,K-1,高台公園,ひばり野市高台1,33.34,130.52,○,TRUE,\"1,200\"\n"
    "409995,K-2,防災センター,ひばり野市南2,北緯33度,130.5,〇,,50\n"
)

JSON_BODIES = [
    {"name": "久留米 花子", "name_kana": "くるめ はなこ", "birth_date": "1950-04-01",
     "sex": "female", "address": "福岡県久留米市城南町15-3", "phone": "0942-30-9000",
     "support_reasons": ["elderly_only_household", "other"], "reason_note": "階段",
     "latitude": 33.319, "longitude": 130.508, "external_id": "1001", "household": "alone",
     "care_level": 2, "mobility": "wheelchair", "medical_devices": ["home_oxygen"],
     "electricity_dependent": True, "communication_needs": ["hearing"],
     "dwelling": {"building_type": "detached", "bedroom_floor": 2},
     "disability": {"physical_grade": 1, "intellectual_grade": "A", "mental_grade": 2},
     "emergency_contacts": [{"name": "久留米 一郎", "relation": "長男", "phone": "090-1234-5678"}],
     "family_doctor": {"name": "医師", "clinic": "医院", "phone": "0942-00-0000"},
     "care_manager": {"name": "ケアマネ", "office": "事業所"}, "notes": "=1+1"},
    {"name": "筑後 次郎", "phone": "0942-30-9001", "address": "福岡県久留米市城南町16-1",
     "latitude": 33.32, "longitude": 130.509, "kind": "neighbour", "status": "active",
     "capacity": 2, "capabilities": ["wheelchair", "night_time"], "consent_given": True,
     "consent_date": "2026-04-01", "consent_note": "書面", "external_id": "S-1"},
    {"gsi_id": "S1", "name": "城南小学校", "address": "久留米市城南町1", "latitude": 33.31,
     "longitude": 130.5, "kind": "welfare_shelter", "hazards": ["flood", "earthquake"],
     "capacity": 30, "welfare_targets": ["elderly"], "accessibility": ["wheelchair_toilet"],
     "is_open": False, "notes": None},
    {"status": "confirmed", "author": "民生委員", "written_on": "2026-04-01",
     "next_review_on": "2027-04-01", "supporters": [{"supporter_id": 1, "relation": "近所"}],
     "destinations": [{"hazard_type": "flood", "shelter_id": 2}, {"hazard_type": "earthquake",
                                                                  "place": "長男宅"}],
     "when_to_leave": "高齢者等避難", "items_to_take": "薬"},
    {"requester_name": "依頼者", "address": "久留米市", "latitude": 33.3, "longitude": 130.5,
     "work_types": ["mud_removal"], "people_needed": 3, "skills_needed": ["driving"],
     "tools": ["スコップ"], "priority": 1, "registrant_id": 4},
    {"name": "ボランティア", "phone": "090-0000-0000", "age_band": "under_18", "insured": True,
     "insurance_date": "2026-04-01", "guardian_consent": True, "skills": ["first_aid"],
     "available_dates": ["2026-12-01"]},
    {"party_name": "班", "members": [{"name": "a", "phone": "090-0000-0001", "age_band": "18_29"}]},
    {"kind": "plan_sharing", "given": True, "date": "2026-04-01", "evidence_note": "書面"},
    {"status": "moved", "reason": "転居", "date": "2026-11-30"},
    {"name": "令和8年7月豪雨", "hazard_type": "flood", "district_ids": [1, 2],
     "starts_at": "2026-07-01T09:00:00Z",
     "area": {"type": "Polygon", "coordinates": [square(130.5, 33.3, 0.01),
                                                 square(130.503, 33.303, 0.002)]}},
    {"type": "MultiPolygon", "coordinates": [[square(130.5, 33.3, 0.01)],
                                             [[[130.6, 33.3], [130.61, 33.31], [130.6, 33.32],
                                               [130.61, 33.3], [130.6, 33.3]]]]},
    {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                          "coordinates": [square(0, 0, 1)]}}]},
    {"phone": None, "dwelling": {"bedroom_floor": None}, "id": 3},
]


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    (directory / name).write_bytes(data)


def main(argv):
    real = "--real" in argv
    args = [a for a in argv if a != "--real"]
    out = pathlib.Path(args[0]) if args else ROOT / "fuzz" / "corpus-run" / "seeds"

    csv_dir = out / "csv"
    utf8 = REGISTRANT_HEADER + "\n" + "\n".join(REGISTRANT_ROWS) + "\n"
    write(csv_dir, "registrants-utf8.csv", utf8)
    write(csv_dir, "registrants-bom-crlf.csv",
          "\ufeff" + (REGISTRANT_HEADER + "\r\n" + "\r\n".join(REGISTRANT_ROWS) + "\r\n\r\n,,,\r\n"))
    write(csv_dir, "registrants-cp932.csv",
          (REGISTRANT_HEADER + "\r\n" + "\r\n".join(REGISTRANT_ROWS) + "\r\n").encode("cp932"))
    write(csv_dir, "registrants-api-names.csv",
          "external_id,name,birth_date,sex,address,latitude,longitude,id\n"
          "7,名前,1950/4/1,f,住所,33.3,130.5,12\n,,,,,,\n8,x\n")
    write(csv_dir, "supporters.csv", SUPPORTER_CSV)
    write(csv_dir, "supporters-cp932.csv", SUPPORTER_CSV.encode("cp932"))
    write(csv_dir, "duplicate-header.csv", "氏名,名前,氏名\n1,2,3\n")

    era_dir = out / "era_date"
    for i, date in enumerate(ERA_DATES):
        write(era_dir, f"date-{i:02}", date)

    for i, body in enumerate(DISTRICTS):
        write(out / "districts", f"hand-{i}.geojson", json.dumps(body, ensure_ascii=False))
    for i, body in enumerate(HAZARDS):
        write(out / "hazards", f"hand-{i}.geojson", json.dumps(body, ensure_ascii=False))
    for name in ["districts.geojson", "river.geojson"]:
        write(out / "districts", name, (ROOT / "geodata" / name).read_bytes())
    write(out / "districts", "a27-districts-sample.geojson",
          (ROOT / "geodata" / "fixtures" / "a27-districts-sample.geojson").read_bytes())
    write(out / "hazards", "hazard_zones.geojson",
          (ROOT / "geodata" / "hazard_zones.geojson").read_bytes())
    write(out / "hazards", "kurume-flood-zone-sample.geojson",
          (ROOT / "geodata" / "fixtures" / "kurume-flood-zone-sample.geojson").read_bytes())

    shelters = out / "shelters"
    write(shelters, "hand.geojson", json.dumps(SHELTERS_GEOJSON, ensure_ascii=False))
    write(shelters, "gsi.csv", GSI_CSV)
    write(shelters, "da.csv", DA_CSV)
    write(shelters, "da-cp932.csv", DA_CSV.encode("cp932"))
    write(shelters, "shelters.geojson", (ROOT / "geodata" / "shelters.geojson").read_bytes())
    for name in ["da-emergency-sites-sample-cp932.csv", "gsi-designated-shelters-sample.geojson",
                 "gsi-emergency-sites-sample.csv", "gsi-emergency-sites-sample.geojson",
                 "kurume-da-flood-sites-sample.csv"]:
        write(shelters, name, (ROOT / "geodata" / "fixtures" / name).read_bytes())

    for i, body in enumerate(JSON_BODIES):
        write(out / "json_bodies", f"body-{i:02}.json", json.dumps(body, ensure_ascii=False))
    write(out / "json_bodies", "not-an-object.json", "[1, \"x\", null, 1e400]")

    if real:
        districts = ["a27-school-districts-2021-40203.geojson", "city-boundary-40203.geojson"]
        shelters = ["gsi-designated-shelters-402036.geojson", "gsi-emergency-sites-402036.geojson"]
        for target, names in [("districts", districts), ("hazards", districts),
                              ("shelters", shelters)]:
            for name in names:
                path = KURUME / name
                if path.is_file():
                    write(out / f"real-{target}", name, path.read_bytes())
                else:
                    print(f"skipped {path}: not found", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])

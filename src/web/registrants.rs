//! 名簿: the register as pages. The list with search and filters, one person (record,
//! consents, history, map of the home), the edit form with its conflict view, the new-person
//! form, consents and status changes.
//!
//! Every read and change goes through `services::registrants` with the signed-in caller: what a
//! district user sees is the record as the service projected it for them, and the service
//! writes the audit entry of every read in its own transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde_json::{Map, Value, json};

use super::error::PageError;
use super::forms::{FieldErrors, Form, encode};
use super::session::{Chrome, Section, Signed};
use super::{Choice, japan_time, page, page_with, run, see_other};
use crate::domain::access::Grant;
use crate::domain::codes::{
    BuildingType, CommunicationNeed, ConsentKind, HazardType, Household, MedicalDevice, Mobility,
    PlanStatus, RegistrantStatus, Sex, SupportReason,
};
use crate::domain::consent::{Consent, ConsentInput};
use crate::domain::registrant::{RegistrantInput, StatusChangeInput};
use crate::domain::{DistrictId, RegistrantId, ValidationErrors};
use crate::services::registrants::{self, ListQuery, RegistrantView};
use crate::services::{AppContext, HistoryEntry, ServiceError, districts, input, maps};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(new_form)
        .service(create)
        .service(show)
        .service(map_layers)
        .service(district_layers)
        .service(edit_form)
        .service(update)
        .service(add_consent)
        .service(change_status);
}

/// The Japanese names of the record's fields, for errors and the conflict view.
const FIELD_LABELS: &[(&str, &str)] = &[
    ("name", "氏名"),
    ("name_kana", "ふりがな"),
    ("birth_date", "生年月日"),
    ("sex", "性別"),
    ("address", "住所"),
    ("phone", "電話番号"),
    ("support_reasons", "支援が必要な理由"),
    ("reason_note", "理由の補足"),
    ("latitude", "緯度"),
    ("longitude", "経度"),
    ("external_id", "宛名番号"),
    ("household", "世帯"),
    ("care_level", "要介護度"),
    ("mobility", "移動"),
    ("medical_devices", "医療機器"),
    ("electricity_dependent", "電源が必要な機器"),
    ("communication_needs", "コミュニケーション"),
    ("dwelling", "住まい"),
    ("emergency_contacts", "緊急連絡先"),
    ("notes", "支援者へのメモ"),
    ("status", "状態"),
];

fn field_label(field: &str) -> &str {
    let top = field.split(['.', '[']).next().unwrap_or(field);
    FIELD_LABELS
        .iter()
        .find(|(f, _)| *f == top)
        .map_or(field, |(_, label)| label)
}

// ---------------------------------------------------------------------------------------------
// 名簿 (the list)

pub(super) fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    selected: &[String],
) -> Vec<Choice> {
    all.iter()
        .map(|&c| Choice {
            value: code(c).to_owned(),
            label: label(c).to_owned(),
            selected: selected.iter().any(|s| s == code(c)),
        })
        .collect()
}

/// A line of the list.
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub kana: String,
    pub age: String,
    pub district: String,
    pub tier: char,
    pub reasons: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "registrants/list.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    districts: Vec<Choice>,
    plan_statuses: Vec<Choice>,
    statuses: Vec<Choice>,
    reasons: Vec<Choice>,
    hazards: Vec<Choice>,
    printable: bool,
    rows: Vec<ListRow>,
    errors: FieldErrors,
    next: Option<String>,
    first_page: Option<String>,
    can_create: bool,
}

#[derive(serde::Deserialize)]
struct ListParams {
    q: Option<String>,
    district_id: Option<String>,
    plan_status: Option<String>,
    status: Option<String>,
    printable: Option<String>,
    reason: Option<String>,
    hazard: Option<String>,
    cursor: Option<String>,
}

/// The district names by id, for the lists.
fn district_name(
    all: &[crate::domain::district::DistrictSummary],
    id: Option<DistrictId>,
) -> String {
    id.and_then(|id| all.iter().find(|d| d.id == id))
        .map_or_else(|| "地区外".to_owned(), |d| format!("{} {}", d.code, d.name))
}

fn list_row(
    view: &RegistrantView,
    all: &[crate::domain::district::DistrictSummary],
    today: chrono::NaiveDate,
) -> ListRow {
    let r = &view.registrant;
    ListRow {
        id: r.id.0,
        name: r.data.name.clone(),
        kana: r.data.name_kana.clone().unwrap_or_default(),
        age: format!("{}歳", r.data.age_on(today)),
        district: district_name(all, r.facts.district_id),
        tier: view.priority.tier,
        reasons: r
            .data
            .support_reasons
            .iter()
            .map(|s| s.label_ja())
            .collect::<Vec<_>>()
            .join("、"),
        status: r.status.label_ja(),
    }
}

#[get("/registrants")]
async fn list(
    ctx: web::Data<AppContext>,
    signed: Signed,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, PageError> {
    let params = params.into_inner();
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let mut errors = ValidationErrors::new();
    let district_id = blank(&params.district_id).and_then(|d| match d.parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push("district_id", "地区を一覧から選んでください");
            None
        }
    });
    let printable = blank(&params.printable).is_some();
    let query = ListQuery {
        district_id,
        status: blank(&params.status),
        q: blank(&params.q),
        plan_status: blank(&params.plan_status),
        printable: printable.then_some(true),
        reason: blank(&params.reason),
        hazard: blank(&params.hazard),
        limit: None,
        cursor: blank(&params.cursor),
    };
    let caller = signed.caller.clone();
    let for_service = query.clone();
    let (all, result) = run(&ctx, move |ctx| {
        let all = districts::list(ctx)?;
        let result = if errors.is_empty() {
            match registrants::list(ctx, &caller, &for_service) {
                Ok(page) => Ok(page),
                Err(ServiceError::Invalid(invalid)) => Err(invalid),
                Err(other) => return Err(other),
            }
        } else {
            Err(errors)
        };
        Ok((all, result))
    })
    .await?;
    let today = ctx.today();
    let (rows, next_cursor, errors) = match result {
        Ok(page) => (
            page.items
                .iter()
                .map(|seen| list_row(&seen.record, &all, today))
                .collect(),
            page.next_cursor,
            FieldErrors::default(),
        ),
        Err(invalid) => (Vec::new(), None, FieldErrors::from(&invalid)),
    };
    // The same filters, another page.
    let link = |cursor: Option<&str>| {
        let mut parts = Vec::new();
        for (key, value) in [
            ("q", &query.q),
            ("district_id", &query.district_id.map(|d| d.to_string())),
            ("plan_status", &query.plan_status),
            ("status", &query.status),
            ("reason", &query.reason),
            ("hazard", &query.hazard),
        ] {
            if let Some(v) = value {
                parts.push(format!("{key}={}", encode(v)));
            }
        }
        if printable {
            parts.push("printable=true".to_owned());
        }
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", encode(c)));
        }
        format!("/registrants?{}", parts.join("&"))
    };
    let selected_district = query
        .district_id
        .map(|d| d.to_string())
        .into_iter()
        .collect::<Vec<_>>();
    let status_selected: Vec<String> = query.status.iter().cloned().collect();
    let plan_selected: Vec<String> = query.plan_status.iter().cloned().collect();
    let mut plan_statuses = vec![Choice {
        value: "none".into(),
        label: "計画なし".into(),
        selected: query.plan_status.as_deref() == Some("none"),
    }];
    plan_statuses.extend(choices(
        PlanStatus::ALL,
        PlanStatus::as_str,
        PlanStatus::label_ja,
        &plan_selected,
    ));
    let mut statuses = choices(
        RegistrantStatus::ALL,
        RegistrantStatus::as_str,
        RegistrantStatus::label_ja,
        &status_selected,
    );
    statuses.push(Choice {
        value: "any".into(),
        label: "すべての状態".into(),
        selected: query.status.as_deref() == Some("any"),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        &ListPage {
            can_create: signed.caller.sees_register(),
            chrome: signed.chrome(Section::Register),
            q: query.q.clone().unwrap_or_default(),
            districts: all
                .iter()
                .map(|d| Choice {
                    value: d.id.0.to_string(),
                    label: format!("{} {}", d.code, d.name),
                    selected: selected_district.contains(&d.id.0.to_string()),
                })
                .collect(),
            plan_statuses,
            statuses,
            reasons: choices(
                SupportReason::ALL,
                SupportReason::as_str,
                SupportReason::label_ja,
                &query.reason.iter().cloned().collect::<Vec<_>>(),
            ),
            hazards: choices(
                HazardType::ALL,
                HazardType::as_str,
                HazardType::label_ja,
                &query.hazard.iter().cloned().collect::<Vec<_>>(),
            ),
            printable,
            rows,
            errors,
            next: next_cursor.as_deref().map(|c| link(Some(c))),
            first_page: query.cursor.as_ref().map(|_| link(None)),
        },
    )
}

// ---------------------------------------------------------------------------------------------
// One person

/// The optional tile layer of the maps.
pub struct Basemap {
    pub url: String,
    pub attribution: String,
}

pub(super) fn basemap(ctx: &AppContext) -> Option<Basemap> {
    ctx.settings.basemap_url.clone().map(|url| Basemap {
        url,
        attribution: ctx.settings.basemap_attribution.clone().unwrap_or_default(),
    })
}

/// A labelled line of a record.
pub struct Line {
    pub label: &'static str,
    pub value: String,
}

fn line(label: &'static str, value: impl Into<String>) -> Line {
    Line {
        label,
        value: value.into(),
    }
}

fn or_blank(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty())
        .unwrap_or("（未登録）")
        .to_owned()
}

/// The record as lines, from the record the service projected for the caller: a field the
/// projection cleared is not shown, and the staff-only lines are shown only on the register's
/// own grant.
fn record_lines(
    view: &RegistrantView,
    grant: Grant,
    all: &[crate::domain::district::DistrictSummary],
    today: chrono::NaiveDate,
) -> Vec<Line> {
    let r = &view.registrant;
    let d = &r.data;
    let labels = |v: Vec<&'static str>| {
        if v.is_empty() {
            "なし".to_owned()
        } else {
            v.join("、")
        }
    };
    let mut lines = vec![
        line("氏名", d.name.clone()),
        line("ふりがな", or_blank(d.name_kana.as_deref())),
        line(
            "生年月日",
            format!(
                "{}（{}歳）",
                crate::domain::era::wareki_with_western(d.birth_date),
                d.age_on(today)
            ),
        ),
        line("性別", d.sex.label_ja()),
        line("住所", d.address.clone()),
        line("電話番号", or_blank(d.phone.as_deref())),
        line("地区", district_name(all, r.facts.district_id)),
        line(
            "自宅の危険",
            crate::services::printing::exposure_words(&r.facts.hazard_exposure),
        ),
        line(
            "支援が必要な理由",
            labels(d.support_reasons.iter().map(|s| s.label_ja()).collect()),
        ),
        line("世帯", d.household.map_or("（未登録）", |h| h.label_ja())),
        line(
            "要介護度",
            d.care_level
                .map_or_else(|| "（未登録）".to_owned(), |l| format!("要介護{l}")),
        ),
        line("移動", d.mobility.map_or("（未登録）", |m| m.label_ja())),
        line(
            "医療機器",
            labels(d.medical_devices.iter().map(|m| m.label_ja()).collect()),
        ),
        line(
            "停電時",
            if d.electricity_dependent {
                "電源が必要な機器を使っています"
            } else {
                "電源が必要な機器はありません"
            },
        ),
        line(
            "コミュニケーション",
            labels(d.communication_needs.iter().map(|c| c.label_ja()).collect()),
        ),
    ];
    if let Some(w) = &d.dwelling {
        lines.push(line(
            "住まい",
            [
                w.building_type.map(|b| b.label_ja().to_owned()),
                w.bedroom_floor.map(|f| format!("寝室は{f}階")),
                w.daytime_situation.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("、"),
        ));
    }
    for (i, c) in d.emergency_contacts.iter().enumerate() {
        lines.push(line(
            if i == 0 {
                "緊急連絡先"
            } else {
                "緊急連絡先（2）"
            },
            format!(
                "{}{}　{}",
                c.name,
                c.relation
                    .as_deref()
                    .map(|r| format!("（{r}）"))
                    .unwrap_or_default(),
                c.phone
            ),
        ));
    }
    lines.push(line(
        "優先度",
        format!(
            "{}（{}）",
            view.priority.tier,
            view.priority
                .reasons
                .iter()
                .map(|r| r.label.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
    ));
    if grant == Grant::Register {
        lines.push(line("宛名番号", or_blank(d.external_id.as_deref())));
        lines.push(line("理由の補足", or_blank(d.reason_note.as_deref())));
        lines.push(line("支援者へのメモ", or_blank(d.notes.as_deref())));
        lines.push(line("状態", r.status.label_ja()));
        if let Some(reason) = &r.status_reason {
            lines.push(line("状態の理由", reason.clone()));
        }
    }
    lines
}

/// A consent as a line of the table.
pub struct ConsentRow {
    pub kind: &'static str,
    pub given: &'static str,
    pub date: String,
    pub evidence: String,
}

fn consent_row(c: &Consent) -> ConsentRow {
    ConsentRow {
        kind: c.kind.label_ja(),
        given: if c.given { "同意" } else { "不同意" },
        date: crate::domain::era::wareki(c.date),
        evidence: c.evidence_note.clone(),
    }
}

/// A version of the record, for the history table.
pub struct HistoryRow {
    pub version: i64,
    pub when: String,
    pub who: String,
    pub what: String,
}

fn history_row(h: &HistoryEntry) -> HistoryRow {
    HistoryRow {
        version: h.version,
        when: japan_time(h.changed_at),
        who: h.changed_by.clone(),
        what: if h.changed_fields.is_empty() {
            "登録".to_owned()
        } else {
            h.changed_fields
                .iter()
                .map(|f| field_label(f).to_owned())
                .collect::<Vec<_>>()
                .join("、")
        },
    }
}

#[derive(Template)]
#[template(path = "registrants/show.html")]
struct PersonPage {
    chrome: Chrome,
    id: i64,
    version: i64,
    name: String,
    lines: Vec<Line>,
    staff: bool,
    shared_by: &'static str,
    has_home: bool,
    consents: Vec<ConsentRow>,
    history: Vec<HistoryRow>,
    consent_kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    errors: FieldErrors,
    notice: Option<&'static str>,
    basemap: Option<Basemap>,
}

#[derive(serde::Deserialize)]
struct ShowParams {
    done: Option<String>,
}

fn done_notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "created" => Some("登録しました。"),
        "saved" => Some("変更を保存しました。"),
        "consent" => Some("同意を記録しました。"),
        "status" => Some("状態を変更しました。"),
        _ => None,
    }
}

/// Loads everything a person's page shows, as `caller` may see it.
async fn person_page(
    ctx: &web::Data<AppContext>,
    signed: &Signed,
    id: RegistrantId,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<PersonPage, PageError> {
    let caller = signed.caller.clone();
    let (seen, all, consents, history) = run(ctx, move |ctx| {
        let seen = registrants::get(ctx, &caller, id)?;
        let all = districts::list(ctx)?;
        // Consents and history are the register's own; a district user sees the record.
        let (consents, history) = if seen.grant == Grant::Register {
            (
                registrants::consents(ctx, &caller, id)?,
                registrants::history(ctx, &caller, id)?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Ok((seen, all, consents, history))
    })
    .await?;
    let staff = seen.grant == Grant::Register;
    let view = &seen.record;
    Ok(PersonPage {
        chrome: signed.chrome(Section::Register),
        id: id.0,
        version: view.registrant.version,
        name: view.registrant.data.name.clone(),
        lines: record_lines(view, seen.grant, &all, ctx.today()),
        staff,
        shared_by: match seen.grant {
            Grant::Register => "",
            Grant::Incident(_) => "災害対応中のため、この方の情報が共有されています。",
            _ => "本人の同意により、この方の情報が共有されています。",
        },
        has_home: view.registrant.data.location.is_some(),
        consents: consents.iter().rev().map(consent_row).collect(),
        history: history.iter().rev().map(history_row).collect(),
        consent_kinds: choices(
            ConsentKind::ALL,
            ConsentKind::as_str,
            ConsentKind::label_ja,
            &[],
        ),
        statuses: choices(
            RegistrantStatus::ALL,
            RegistrantStatus::as_str,
            RegistrantStatus::label_ja,
            &[view.registrant.status.as_str().to_owned()],
        ),
        errors,
        notice,
        basemap: basemap(ctx),
    })
}

#[get("/registrants/{id}")]
async fn show(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
    params: web::Query<ShowParams>,
) -> Result<HttpResponse, PageError> {
    let notice = done_notice(params.done.as_deref());
    let person = person_page(
        &ctx,
        &signed,
        RegistrantId(*path),
        FieldErrors::default(),
        notice,
    )
    .await?;
    page(&person)
}

#[get("/registrants/{id}/map.geojson")]
async fn map_layers(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = RegistrantId(*path);
    let caller = signed.caller;
    let layers = run(&ctx, move |ctx| maps::person_layers(ctx, &caller, id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .body(layers.to_string()))
}

#[get("/map/districts.geojson")]
async fn district_layers(
    ctx: web::Data<AppContext>,
    signed: Signed,
) -> Result<HttpResponse, PageError> {
    let caller = signed.caller;
    let layers = run(&ctx, move |ctx| maps::district_layers(ctx, &caller)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .body(layers.to_string()))
}

// ---------------------------------------------------------------------------------------------
// The person form (new and edit)

/// The values of the person form, as typed (so that a refused form comes back as it was).
#[derive(Default, Clone)]
pub struct PersonForm {
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub sex: String,
    pub address: String,
    pub phone: String,
    pub support_reasons: Vec<String>,
    pub reason_note: String,
    pub latitude: String,
    pub longitude: String,
    pub external_id: String,
    pub household: String,
    pub care_level: String,
    pub mobility: String,
    pub medical_devices: Vec<String>,
    pub electricity_dependent: bool,
    pub communication_needs: Vec<String>,
    pub building_type: String,
    pub bedroom_floor: String,
    pub daytime_situation: String,
    pub contact_name: String,
    pub contact_relation: String,
    pub contact_phone: String,
    pub notes: String,
}

impl PersonForm {
    fn from_form(form: &Form) -> Self {
        let t = |name: &str| form.text(name).unwrap_or_default().to_owned();
        Self {
            name: t("name"),
            name_kana: t("name_kana"),
            birth_date: t("birth_date"),
            sex: t("sex"),
            address: t("address"),
            phone: t("phone"),
            support_reasons: form.all("support_reasons"),
            reason_note: t("reason_note"),
            latitude: t("latitude"),
            longitude: t("longitude"),
            external_id: t("external_id"),
            household: t("household"),
            care_level: t("care_level"),
            mobility: t("mobility"),
            medical_devices: form.all("medical_devices"),
            electricity_dependent: form.ticked("electricity_dependent"),
            communication_needs: form.all("communication_needs"),
            building_type: t("building_type"),
            bedroom_floor: t("bedroom_floor"),
            daytime_situation: t("daytime_situation"),
            contact_name: t("contact_name"),
            contact_relation: t("contact_relation"),
            contact_phone: t("contact_phone"),
            notes: t("notes"),
        }
    }

    fn from_record(view: &RegistrantView) -> Self {
        let d = &view.registrant.data;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let contact = d.emergency_contacts.first();
        let dwelling = d.dwelling.as_ref();
        Self {
            name: d.name.clone(),
            name_kana: text(&d.name_kana),
            birth_date: crate::domain::era::wareki(d.birth_date),
            sex: d.sex.as_str().to_owned(),
            address: d.address.clone(),
            phone: text(&d.phone),
            support_reasons: d
                .support_reasons
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            reason_note: text(&d.reason_note),
            latitude: d
                .location
                .map(|p| format!("{:.6}", p.lat()))
                .unwrap_or_default(),
            longitude: d
                .location
                .map(|p| format!("{:.6}", p.lon()))
                .unwrap_or_default(),
            external_id: text(&d.external_id),
            household: d
                .household
                .map(|h| h.as_str().to_owned())
                .unwrap_or_default(),
            care_level: d.care_level.map(|l| l.to_string()).unwrap_or_default(),
            mobility: d
                .mobility
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
            medical_devices: d
                .medical_devices
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
            electricity_dependent: d.electricity_dependent,
            communication_needs: d
                .communication_needs
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            building_type: dwelling
                .and_then(|w| w.building_type)
                .map(|b| b.as_str().to_owned())
                .unwrap_or_default(),
            bedroom_floor: dwelling
                .and_then(|w| w.bedroom_floor)
                .map(|f| f.to_string())
                .unwrap_or_default(),
            daytime_situation: dwelling
                .and_then(|w| w.daytime_situation.clone())
                .unwrap_or_default(),
            contact_name: contact.map(|c| c.name.clone()).unwrap_or_default(),
            contact_relation: contact.and_then(|c| c.relation.clone()).unwrap_or_default(),
            contact_phone: contact.map(|c| c.phone.clone()).unwrap_or_default(),
            notes: text(&d.notes),
        }
    }

    /// The form as the API's JSON input. Dates may be typed in the Japanese era (昭和25年4月1
    /// 日, S25.4.1) or as 1950-04-01; numbers must be numbers. What cannot be read is reported
    /// under its field; everything else is the service's to check.
    fn to_json(&self, errors: &mut ValidationErrors) -> Value {
        let text = |v: &str| {
            if v.is_empty() {
                Value::Null
            } else {
                Value::String(v.to_owned())
            }
        };
        let mut m = Map::new();
        m.insert("name".into(), text(&self.name));
        m.insert("name_kana".into(), text(&self.name_kana));
        let birth = if self.birth_date.is_empty() {
            Value::Null
        } else {
            match crate::domain::era::parse_date(&self.birth_date) {
                Ok(date) => Value::String(date.to_string()),
                Err(message) => {
                    errors.push("birth_date", message);
                    Value::Null
                }
            }
        };
        m.insert("birth_date".into(), birth);
        m.insert("sex".into(), text(&self.sex));
        m.insert("address".into(), text(&self.address));
        m.insert("phone".into(), text(&self.phone));
        m.insert("support_reasons".into(), json!(self.support_reasons));
        m.insert("reason_note".into(), text(&self.reason_note));
        let mut number = |field: &str, v: &str, message: &str| -> Value {
            if v.is_empty() {
                return Value::Null;
            }
            let folded = crate::domain::normalize::fold_width(v);
            match folded.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => json!(n),
                _ => {
                    errors.push(field, message);
                    Value::Null
                }
            }
        };
        m.insert(
            "latitude".into(),
            number(
                "latitude",
                &self.latitude,
                "緯度は数字で入力してください（例: 33.3192）",
            ),
        );
        m.insert(
            "longitude".into(),
            number(
                "longitude",
                &self.longitude,
                "経度は数字で入力してください（例: 130.5083）",
            ),
        );
        let care = number(
            "care_level",
            &self.care_level,
            "要介護度は1から5の数字で入力してください",
        );
        m.insert("external_id".into(), text(&self.external_id));
        m.insert("household".into(), text(&self.household));
        m.insert("care_level".into(), whole(care));
        m.insert("mobility".into(), text(&self.mobility));
        m.insert("medical_devices".into(), json!(self.medical_devices));
        m.insert(
            "electricity_dependent".into(),
            json!(self.electricity_dependent),
        );
        m.insert(
            "communication_needs".into(),
            json!(self.communication_needs),
        );
        let floor = number(
            "dwelling.bedroom_floor",
            &self.bedroom_floor,
            "寝室の階は数字で入力してください",
        );
        let dwelling_given = !(self.building_type.is_empty()
            && self.bedroom_floor.is_empty()
            && self.daytime_situation.is_empty());
        m.insert(
            "dwelling".into(),
            if dwelling_given {
                json!({
                    "building_type": text(&self.building_type),
                    "bedroom_floor": whole(floor),
                    "daytime_situation": text(&self.daytime_situation),
                })
            } else {
                Value::Null
            },
        );
        let contacts = if self.contact_name.is_empty() && self.contact_phone.is_empty() {
            json!([])
        } else {
            json!([{
                "name": self.contact_name,
                "relation": text(&self.contact_relation),
                "phone": self.contact_phone,
            }])
        };
        m.insert("emergency_contacts".into(), contacts);
        m.insert("notes".into(), text(&self.notes));
        Value::Object(m)
    }
}

/// A number that must be whole (a floor, a care level) as a JSON integer when it is one.
fn whole(v: Value) -> Value {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e9 => json!(n as i64),
        _ => v,
    }
}

/// The fields of the form's JSON that differ from the record as the user opened it. The form
/// shows one emergency contact: a changed first contact keeps the record's others behind it.
fn only_changed(mine: Value, opened: &Value) -> Value {
    let Value::Object(mine) = mine else {
        return mine;
    };
    let same = |key: &str, value: &Value| {
        let before = opened.get(key).unwrap_or(&Value::Null);
        match (key, value.as_f64(), before.as_f64()) {
            // The form shows six decimals (about 0.1 m).
            ("latitude" | "longitude", Some(a), Some(b)) => (a - b).abs() < 5e-7,
            // Checkboxes come in the code table's order, the record in its own.
            _ => match (codes(value), codes(before)) {
                (Some(a), Some(b)) => a == b,
                _ => without_nulls(value) == without_nulls(before),
            },
        }
    };
    let mut changed = Map::new();
    for (key, value) in mine {
        if same(&key, &value) {
            continue;
        }
        let value = match (key.as_str(), &value, opened.get(&key)) {
            ("emergency_contacts", Value::Array(first), Some(Value::Array(all)))
                if all.len() > 1 =>
            {
                let mut kept = first.clone();
                kept.extend(all.iter().skip(1).cloned());
                Value::Array(kept)
            }
            _ => value,
        };
        changed.insert(key, value);
    }
    Value::Object(changed)
}

/// A list of codes as a sorted list (None for anything else).
fn codes(v: &Value) -> Option<Vec<&str>> {
    let mut codes: Vec<&str> = v
        .as_array()?
        .iter()
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    codes.sort_unstable();
    Some(codes)
}

/// A JSON value with null members of objects left out (the form sends null for a blank field
/// that the record may not hold at all).
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// A change another user made while this one was editing: what they changed, when.
pub struct OtherChange {
    pub who: String,
    pub when: String,
    pub fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "registrants/form.html")]
struct PersonFormPage {
    chrome: Chrome,
    /// None for a new person.
    id: Option<i64>,
    version: i64,
    form: PersonForm,
    errors: FieldErrors,
    sexes: Vec<Choice>,
    reasons: Vec<Choice>,
    households: Vec<Choice>,
    mobilities: Vec<Choice>,
    devices: Vec<Choice>,
    communication: Vec<Choice>,
    buildings: Vec<Choice>,
    conflict: Vec<OtherChange>,
    /// The version the user's edits are against (differs from `version` after a conflict).
    base_version: i64,
    basemap: Option<Basemap>,
}

impl PersonFormPage {
    fn new(
        chrome: Chrome,
        id: Option<i64>,
        version: i64,
        form: PersonForm,
        errors: FieldErrors,
        basemap: Option<Basemap>,
    ) -> Self {
        let one = |v: &str| vec![v.to_owned()];
        Self {
            sexes: choices(Sex::ALL, Sex::as_str, Sex::label_ja, &one(&form.sex)),
            reasons: choices(
                SupportReason::ALL,
                SupportReason::as_str,
                SupportReason::label_ja,
                &form.support_reasons,
            ),
            households: choices(
                Household::ALL,
                Household::as_str,
                Household::label_ja,
                &one(&form.household),
            ),
            mobilities: choices(
                Mobility::ALL,
                Mobility::as_str,
                Mobility::label_ja,
                &one(&form.mobility),
            ),
            devices: choices(
                MedicalDevice::ALL,
                MedicalDevice::as_str,
                MedicalDevice::label_ja,
                &form.medical_devices,
            ),
            communication: choices(
                CommunicationNeed::ALL,
                CommunicationNeed::as_str,
                CommunicationNeed::label_ja,
                &form.communication_needs,
            ),
            buildings: choices(
                BuildingType::ALL,
                BuildingType::as_str,
                BuildingType::label_ja,
                &one(&form.building_type),
            ),
            chrome,
            id,
            version,
            form,
            errors,
            conflict: Vec::new(),
            base_version: version,
            basemap,
        }
    }
}

#[get("/registrants/new")]
async fn new_form(ctx: web::Data<AppContext>, signed: Signed) -> Result<HttpResponse, PageError> {
    if !signed.caller.sees_register() {
        return Err(PageError::Service(ServiceError::Forbidden));
    }
    page(&PersonFormPage::new(
        signed.chrome(Section::Register),
        None,
        0,
        PersonForm::default(),
        FieldErrors::default(),
        basemap(&ctx),
    ))
}

/// When the form has fields the page could not read (a date, a number), the other fields'
/// problems too, as the domain's rules find them, so that the user sees them all at once; a
/// field the page already reported is not reported twice.
fn with_domain_errors(
    page: ValidationErrors,
    body: &Value,
    today: chrono::NaiveDate,
) -> ValidationErrors {
    if page.is_empty() {
        return page;
    }
    let mut all = page.clone();
    let reported = page.fields();
    let input: Result<RegistrantInput, _> = input::from_json(body.clone());
    if let Ok(input) = input
        && let Err(domain) = crate::domain::registrant::RegistrantData::parse(&input, today)
    {
        for e in domain.errors() {
            if !reported.iter().any(|f| e.field.starts_with(f.as_str())) {
                all.push(e.field.clone(), e.message.clone());
            }
        }
    }
    all
}

/// Errors of the form and of the service, labelled for the summary at the top.
fn refused(errors: &ValidationErrors) -> FieldErrors {
    let mut out = FieldErrors::default();
    for e in errors.errors() {
        out.add_labelled(&e.field, field_label(&e.field), &e.message);
    }
    out
}

#[post("/registrants/new")]
async fn create(
    ctx: web::Data<AppContext>,
    signed: Signed,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let typed = PersonForm::from_form(&form);
    let mut errors = ValidationErrors::new();
    let body = typed.to_json(&mut errors);
    let caller = signed.caller.clone();
    let errors = with_domain_errors(errors, &body, ctx.today());
    let result = if errors.is_empty() {
        run(&ctx, move |ctx| {
            let input: RegistrantInput = input::from_json(body)?;
            match registrants::create(ctx, &input, &caller) {
                Ok(view) => Ok(Ok(view.registrant.id)),
                Err(ServiceError::Invalid(invalid)) => Ok(Err(invalid)),
                Err(ServiceError::Duplicate { field }) => Ok(Err(ValidationErrors::one(
                    field,
                    "この番号はほかの方に使われています",
                ))),
                Err(other) => Err(other),
            }
        })
        .await?
    } else {
        Err(errors)
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/registrants/{id}?done=created"))),
        Err(invalid) => page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PersonFormPage::new(
                signed.chrome(Section::Register),
                None,
                0,
                typed,
                refused(&invalid),
                basemap(&ctx),
            ),
        ),
    }
}

#[get("/registrants/{id}/edit")]
async fn edit_form(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = RegistrantId(*path);
    let caller = signed.caller.clone();
    let seen = run(&ctx, move |ctx| registrants::get(ctx, &caller, id)).await?;
    // Only the register's staff may change a record; the service refuses others too.
    if seen.grant != Grant::Register {
        return Err(PageError::Service(ServiceError::Forbidden));
    }
    page(&PersonFormPage::new(
        signed.chrome(Section::Register),
        Some(id.0),
        seen.record.registrant.version,
        PersonForm::from_record(&seen.record),
        FieldErrors::default(),
        basemap(&ctx),
    ))
}

/// What others changed after `since`, for the conflict view.
fn changes_since(history: &[HistoryEntry], since: i64) -> Vec<OtherChange> {
    history
        .iter()
        .filter(|h| h.version > since)
        .map(|h| OtherChange {
            who: h.changed_by.clone(),
            when: japan_time(h.changed_at),
            fields: h
                .changed_fields
                .iter()
                .map(|f| {
                    let value = h.snapshot.get(f).map_or_else(String::new, shown_value);
                    (field_label(f).to_owned(), value)
                })
                .collect(),
        })
        .collect()
}

/// A JSON value in words for the conflict view.
fn shown_value(v: &Value) -> String {
    match v {
        Value::Null => "（空欄）".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "はい".to_owned(),
        Value::Bool(false) => "いいえ".to_owned(),
        Value::Array(items) if items.is_empty() => "なし".to_owned(),
        other => other.to_string(),
    }
}

#[post("/registrants/{id}/edit")]
async fn update(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let id = RegistrantId(*path);
    let version = form.version("version");
    let typed = PersonForm::from_form(&form);
    let mut errors = ValidationErrors::new();
    let patch = typed.to_json(&mut errors);
    let errors = with_domain_errors(errors, &patch, ctx.today());
    let chrome = signed.chrome(Section::Register);
    let basemap = basemap(&ctx);
    if !errors.is_empty() {
        return page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PersonFormPage::new(
                chrome,
                Some(id.0),
                version,
                typed,
                refused(&errors),
                basemap,
            ),
        );
    }
    // The version the user's edits were made on: after a conflict the form is on the newer
    // version, but the user's changes are still those against what they first opened.
    let base = match form.version("base_version") {
        0 => version,
        opened => opened,
    };
    let caller = signed.caller.clone();
    let outcome = run(&ctx, move |ctx| {
        // Only what the user changed goes into the patch, so that saving after a conflict
        // does not put back the other person's fields as they were.
        let history = registrants::history(ctx, &caller, id)?;
        let patch = match history.iter().find(|h| h.version == base) {
            Some(opened) => only_changed(patch, &opened.snapshot),
            None => patch,
        };
        match registrants::patch(ctx, id, version, &patch, &caller) {
            Ok(_) => Ok(Ok(())),
            Err(ServiceError::Invalid(invalid)) => Ok(Err((invalid, None))),
            Err(ServiceError::Duplicate { field }) => Ok(Err((
                ValidationErrors::one(field, "この番号はほかの方に使われています"),
                None,
            ))),
            Err(ServiceError::VersionConflict { current }) => {
                let history = registrants::history(ctx, &caller, id)?;
                Ok(Err((ValidationErrors::new(), Some((current, history)))))
            }
            Err(other) => Err(other),
        }
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/registrants/{}?done=saved", id.0))),
        Err((invalid, None)) => page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PersonFormPage::new(
                chrome,
                Some(id.0),
                version,
                typed,
                refused(&invalid),
                basemap,
            ),
        ),
        Err((_, Some((current, history)))) => {
            // The user's own values stay in the form, on the newer version: saving again
            // applies them over the other change, which the page shows first.
            let mut page = PersonFormPage::new(
                chrome,
                Some(id.0),
                current,
                typed,
                FieldErrors::default(),
                basemap,
            );
            page.conflict = changes_since(&history, version);
            page.base_version = base;
            page_with(StatusCode::PRECONDITION_FAILED, &page)
        }
    }
}

/// The person's page again, with a form's problems beside its fields (`prefix.field`: the
/// page holds several forms).
async fn refused_on_person_page(
    ctx: &web::Data<AppContext>,
    signed: &Signed,
    id: RegistrantId,
    prefix: &str,
    invalid: &ValidationErrors,
) -> Result<HttpResponse, PageError> {
    let mut errors = FieldErrors::default();
    for e in invalid.errors() {
        let field = e
            .field
            .strip_prefix(&format!("{prefix}."))
            .unwrap_or(&e.field)
            .to_owned();
        errors.add(&format!("{prefix}.{field}"), &e.message);
    }
    let person = person_page(ctx, signed, id, errors, None).await?;
    page_with(StatusCode::UNPROCESSABLE_ENTITY, &person)
}

#[post("/registrants/{id}/consents")]
async fn add_consent(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let id = RegistrantId(*path);
    let mut errors = ValidationErrors::new();
    let date = form.era_date("date", "consent.date", &mut errors);
    let input = ConsentInput {
        kind: form.text("consent.kind").map(str::to_owned),
        given: match form.text("given") {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
        date,
        evidence_note: form.text("evidence_note").map(str::to_owned),
    };
    let caller = signed.caller.clone();
    let result = if errors.is_empty() {
        run(&ctx, move |ctx| {
            match registrants::record_consent(ctx, id, &input, &caller) {
                Ok(_) => Ok(Ok(())),
                Err(ServiceError::Invalid(invalid)) => Ok(Err(invalid)),
                Err(other) => Err(other),
            }
        })
        .await?
    } else {
        Err(errors)
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/registrants/{}?done=consent#consents",
            id.0
        ))),
        Err(invalid) => refused_on_person_page(&ctx, &signed, id, "consent", &invalid).await,
    }
}

#[post("/registrants/{id}/status")]
async fn change_status(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let id = RegistrantId(*path);
    let version = form.version("version");
    let mut errors = ValidationErrors::new();
    if !form.ticked("confirm") {
        errors.push(
            "status.confirm",
            "この変更は名簿の扱いを変えます。確認の欄にチェックを入れてください",
        );
    }
    let date = form.era_date("date", "status.date", &mut errors);
    let input = StatusChangeInput {
        status: form.text("status.status").map(str::to_owned),
        reason: form.text("reason").map(str::to_owned),
        date,
    };
    let caller = signed.caller.clone();
    let result = if errors.is_empty() {
        run(&ctx, move |ctx| {
            match registrants::change_status(ctx, id, version, &input, &caller) {
                Ok(_) => Ok(Ok(())),
                Err(ServiceError::Invalid(invalid)) => Ok(Err(invalid)),
                Err(other) => Err(other),
            }
        })
        .await?
    } else {
        Err(errors)
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/registrants/{}?done=status", id.0))),
        Err(invalid) => refused_on_person_page(&ctx, &signed, id, "status", &invalid).await,
    }
}

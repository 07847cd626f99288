//! 個別避難計画: one person's plan as a page. Supporters are chosen from those the plan names,
//! the open proposals of matching and the consenting supporters nearby; each hazard type
//! offers only the shelters eligible for it; the route is drawn on the map (or typed as
//! GeoJSON) and stored with the plan; the consents and the check's findings stand beside it,
//! and the plan prints from here with the holder named.
//!
//! The page parses the form into the API's [`PlanInput`] and calls `services::plans` with the
//! signed-in caller, which checks the role, validates, writes the history and the audit.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::error::PageError;
use super::forms::{FieldErrors, Form};
use super::registrants::{Basemap, basemap, choices};
use super::session::{Chrome, Section, Signed};
use super::{Choice, attempt, japan_time, page, page_with, run, see_other};
use crate::domain::RegistrantId;
use crate::domain::ValidationErrors;
use crate::domain::codes::{HazardType, PlanStatus};
use crate::domain::plan::{PlanDestinationInput, PlanInput, PlanRouteInput, PlanSupporterInput};
use crate::services::plans::{self, PlanEditor, SupporterSource};
use crate::services::{AppContext, HistoryEntry, ServiceError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(edit_form).service(save);
}

/// The Japanese names of the plan's fields, for the error summary and the conflict view.
const FIELD_LABELS: &[(&str, &str)] = &[
    ("status", "計画の状態"),
    ("author", "作成者"),
    ("author_relation", "作成者と本人の関係"),
    ("written_on", "作成日"),
    ("next_review_on", "次の見直し日"),
    ("community_association", "自治会"),
    ("neighbourhood_group", "班"),
    ("welfare_commissioner", "担当民生委員"),
    ("supporters", "避難支援等実施者"),
    ("destinations", "避難先"),
    ("route", "避難経路（地図）"),
    ("route_note", "避難経路の説明"),
    ("when_to_leave", "避難のタイミング"),
    ("items_to_take", "持ち出す物"),
    ("notes_for_supporters", "支援者への申し送り"),
    ("notes_for_shelter_staff", "避難所への連絡"),
];

fn field_label(field: &str) -> &str {
    FIELD_LABELS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(field, |(_, l)| l)
}

/// The form as typed: what the page shows again after an error or a conflict.
#[derive(Debug, Clone, Default)]
struct PlanForm {
    status: String,
    author: String,
    author_relation: String,
    written_on: String,
    next_review_on: String,
    community_association: String,
    neighbourhood_group: String,
    welfare_commissioner: String,
    /// Ticked supporters, in the order of the page.
    supporters: Vec<i64>,
    /// The relation typed beside each supporter.
    relations: BTreeMap<i64, String>,
    /// Per hazard code: the shelter chosen (its id, or blank) and another place.
    destinations: BTreeMap<String, (String, String)>,
    /// GeoJSON LineString, or blank.
    route: String,
    route_note: String,
    when_to_leave: String,
    items_to_take: String,
    notes_for_supporters: String,
    notes_for_shelter_staff: String,
}

fn text(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

fn era(date: Option<chrono::NaiveDate>) -> String {
    date.map(crate::domain::era::wareki).unwrap_or_default()
}

impl PlanForm {
    /// The plan as it stands, or a new one's defaults.
    fn from_editor(editor: &PlanEditor, author: &str, today: chrono::NaiveDate) -> Self {
        let Some(view) = &editor.plan else {
            return Self {
                status: PlanStatus::Draft.as_str().to_owned(),
                author: author.to_owned(),
                written_on: era(Some(today)),
                next_review_on: era(today.checked_add_months(chrono::Months::new(12))),
                when_to_leave: crate::domain::plan::DEFAULT_WHEN_TO_LEAVE.to_owned(),
                // The proposals come ticked: staff remove whom they do not want.
                supporters: editor
                    .supporters
                    .iter()
                    .filter(|s| s.source == SupporterSource::Proposed)
                    .map(|s| s.supporter.id.0)
                    .collect(),
                destinations: editor
                    .destinations
                    .iter()
                    .filter_map(|d| {
                        let id = d.proposed?;
                        Some((
                            d.hazard_type.as_str().to_owned(),
                            (id.0.to_string(), String::new()),
                        ))
                    })
                    .collect(),
                ..Self::default()
            };
        };
        let p = &view.plan.data;
        Self {
            status: p.status.as_str().to_owned(),
            author: p.author.clone(),
            author_relation: text(p.author_relation.as_deref()),
            written_on: era(Some(p.written_on)),
            next_review_on: era(p.next_review_on),
            community_association: text(p.community_association.as_deref()),
            neighbourhood_group: text(p.neighbourhood_group.as_deref()),
            welfare_commissioner: text(p.welfare_commissioner.as_deref()),
            supporters: p.supporters.iter().map(|s| s.supporter_id.0).collect(),
            relations: p
                .supporters
                .iter()
                .filter_map(|s| Some((s.supporter_id.0, s.relation.clone()?)))
                .collect(),
            destinations: p
                .destinations
                .iter()
                .map(|d| {
                    (
                        d.hazard_type.as_str().to_owned(),
                        (
                            d.shelter_id.map(|s| s.0.to_string()).unwrap_or_default(),
                            text(d.place.as_deref()),
                        ),
                    )
                })
                .collect(),
            route: p
                .route
                .as_ref()
                .and_then(|r| serde_json::to_string(r).ok())
                .unwrap_or_default(),
            route_note: text(p.route_note.as_deref()),
            when_to_leave: p.when_to_leave.clone(),
            items_to_take: text(p.items_to_take.as_deref()),
            notes_for_supporters: text(p.notes_for_supporters.as_deref()),
            notes_for_shelter_staff: text(p.notes_for_shelter_staff.as_deref()),
        }
    }

    fn from_form(form: &Form) -> Self {
        let get = |name: &str| text(form.text(name));
        let supporters: Vec<i64> = form
            .all("supporter")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        let relations = form
            .all("listed")
            .iter()
            .filter_map(|v| v.parse::<i64>().ok())
            .filter_map(|id| Some((id, form.text(&format!("relation-{id}"))?.to_owned())))
            .collect();
        let destinations = HazardType::ALL
            .iter()
            .map(|h| {
                let code = h.as_str();
                (
                    code.to_owned(),
                    (get(&format!("dest-{code}")), get(&format!("place-{code}"))),
                )
            })
            .filter(|(_, (shelter, place))| !shelter.is_empty() || !place.is_empty())
            .collect();
        Self {
            status: get("status"),
            author: get("author"),
            author_relation: get("author_relation"),
            written_on: get("written_on"),
            next_review_on: get("next_review_on"),
            community_association: get("community_association"),
            neighbourhood_group: get("neighbourhood_group"),
            welfare_commissioner: get("welfare_commissioner"),
            supporters,
            relations,
            destinations,
            route: get("route"),
            route_note: get("route_note"),
            when_to_leave: get("when_to_leave"),
            items_to_take: get("items_to_take"),
            notes_for_supporters: get("notes_for_supporters"),
            notes_for_shelter_staff: get("notes_for_shelter_staff"),
        }
    }

    /// The API's input, with the page's own problems (dates, route text, shelter choice) in
    /// `errors`; also the hazard codes in the order their destinations were sent, to put the
    /// service's `destinations[i]` errors beside the right field.
    fn to_input(&self, errors: &mut ValidationErrors) -> (PlanInput, Vec<String>) {
        let opt = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
        let date = |v: &str, field: &str, errors: &mut ValidationErrors| {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            match crate::domain::era::parse_date(v) {
                Ok(d) => Some(d.to_string()),
                Err(message) => {
                    errors.push(field, message);
                    None
                }
            }
        };
        let route = match self.route.trim() {
            "" => None,
            typed => match serde_json::from_str::<PlanRouteInput>(typed) {
                Ok(r) => Some(r),
                Err(_) => {
                    errors.push(
                        "route",
                        "経路を読み取れませんでした。地図で引き直すか、GeoJSON の LineString で入力してください",
                    );
                    None
                }
            },
        };
        let mut order = Vec::new();
        let mut destinations = Vec::new();
        for (code, (shelter, place)) in &self.destinations {
            let shelter_id = match shelter.trim() {
                "" => None,
                s => match s.parse::<i64>() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        errors.push(format!("dest-{code}"), "避難所を一覧から選んでください");
                        continue;
                    }
                },
            };
            order.push(code.clone());
            destinations.push(PlanDestinationInput {
                hazard_type: Some(code.clone()),
                shelter_id,
                place: opt(place),
            });
        }
        let input = PlanInput {
            status: opt(&self.status),
            author: Some(self.author.trim().to_owned()),
            author_relation: opt(&self.author_relation),
            written_on: date(&self.written_on, "written_on", errors),
            next_review_on: date(&self.next_review_on, "next_review_on", errors),
            community_association: opt(&self.community_association),
            neighbourhood_group: opt(&self.neighbourhood_group),
            welfare_commissioner: opt(&self.welfare_commissioner),
            supporters: Some(
                self.supporters
                    .iter()
                    .map(|&id| PlanSupporterInput {
                        supporter_id: Some(id),
                        relation: self.relations.get(&id).and_then(|r| opt(r)),
                    })
                    .collect(),
            ),
            destinations: Some(destinations),
            route,
            route_note: opt(&self.route_note),
            when_to_leave: opt(&self.when_to_leave),
            items_to_take: opt(&self.items_to_take),
            notes_for_supporters: opt(&self.notes_for_supporters),
            notes_for_shelter_staff: opt(&self.notes_for_shelter_staff),
        };
        (input, order)
    }
}

/// The service's field names as the page's: `supporters[0].supporter_id` is the supporter
/// list, `destinations[1].shelter_id` the select of the second hazard sent, `route.…` the
/// route.
fn page_errors(invalid: &ValidationErrors, order: &[String]) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for e in invalid.errors() {
        let field = e.field.as_str();
        let (name, label) = if field.starts_with("supporters") {
            (
                "supporters".to_owned(),
                field_label("supporters").to_owned(),
            )
        } else if let Some(rest) = field.strip_prefix("destinations[") {
            let index: Option<usize> = rest.split(']').next().and_then(|i| i.parse().ok());
            match index.and_then(|i| order.get(i)) {
                Some(code) => {
                    let hazard = HazardType::parse(code).map_or("", |h| h.label_ja());
                    (format!("dest-{code}"), format!("避難先（{hazard}）"))
                }
                None => (
                    "destinations".to_owned(),
                    field_label("destinations").to_owned(),
                ),
            }
        } else if let Some(code) = field.strip_prefix("dest-") {
            let hazard = HazardType::parse(code).map_or("", |h| h.label_ja());
            (field.to_owned(), format!("避難先（{hazard}）"))
        } else if field.starts_with("route.") || field == "route" {
            ("route".to_owned(), field_label("route").to_owned())
        } else {
            (field.to_owned(), field_label(field).to_owned())
        };
        errors.add_labelled(&name, &label, &e.message);
    }
    errors
}

/// A supporter the page offers.
pub struct SupporterRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub distance: String,
    pub source: &'static str,
    pub consent: &'static str,
    pub ticked: bool,
    pub relation: String,
}

/// The choices for one hazard type.
pub struct DestinationRow {
    pub code: &'static str,
    pub hazard: &'static str,
    pub options: Vec<Choice>,
    pub place: String,
    pub proposed: String,
    /// Why the present choice may not stay (not designated, inside the zone).
    pub problem: Option<String>,
}

/// A consent the plan depends on, in words.
pub struct ConsentRow {
    pub label: &'static str,
    pub state: String,
}

/// A change by another person since the form was opened.
pub struct OtherChange {
    pub who: String,
    pub when: String,
    pub fields: Vec<String>,
}

#[derive(Template)]
#[template(path = "plans/edit.html")]
pub struct PlanPage {
    pub chrome: Chrome,
    pub id: i64,
    pub name: String,
    pub exists: bool,
    pub version: i64,
    pub has_home: bool,
    /// The home as `lat,lon`: the route map opens on it.
    pub center: String,
    pub statuses: Vec<Choice>,
    pub supporters: Vec<SupporterRow>,
    pub destinations: Vec<DestinationRow>,
    pub consents: Vec<ConsentRow>,
    pub issues: Vec<String>,
    pub conflict: Vec<OtherChange>,
    pub notice: Option<&'static str>,
    pub errors: FieldErrors,
    pub basemap: Option<Basemap>,
    form: PlanForm,
}

/// A distance as staff read it: 約640 m, 約1.2 km.
fn metres(m: Option<f64>) -> String {
    match m {
        None => String::new(),
        Some(m) if m < 1_000.0 => format!("約{} m", (m / 10.0).round() * 10.0),
        Some(m) => format!("約{:.1} km", m / 1_000.0),
    }
}

fn consent_state(state: Option<&plans::ConsentState>) -> String {
    match state {
        None => "記録なし".to_owned(),
        Some(s) if s.given => format!("同意あり（{}）", crate::domain::era::wareki(s.date)),
        Some(s) => format!("同意なし（{}）", crate::domain::era::wareki(s.date)),
    }
}

impl PlanPage {
    fn new(
        chrome: Chrome,
        editor: &PlanEditor,
        form: PlanForm,
        errors: FieldErrors,
        basemap: Option<Basemap>,
    ) -> Self {
        let plan = editor.plan.as_ref();
        let supporters = editor
            .supporters
            .iter()
            .map(|o| {
                let id = o.supporter.id.0;
                SupporterRow {
                    id,
                    name: o.supporter.data.name.clone(),
                    kind: o.supporter.data.kind.label_ja(),
                    distance: metres(o.distance_m),
                    source: match (o.source, o.proposal_id) {
                        (SupporterSource::Named, Some(_)) => "計画に記載・マッチングの提案",
                        (SupporterSource::Named, None) => "計画に記載",
                        (SupporterSource::Proposed, _) => "マッチングの提案",
                        (SupporterSource::Nearby, _) => "近くの支援者",
                    },
                    consent: if o.supporter.data.consent_given {
                        "同意あり"
                    } else {
                        "同意なし"
                    },
                    ticked: form.supporters.contains(&id),
                    relation: form
                        .relations
                        .get(&id)
                        .cloned()
                        .or_else(|| o.relation.clone())
                        .unwrap_or_default(),
                }
            })
            .collect();
        let destinations = editor
            .destinations
            .iter()
            .map(|d| {
                let code = d.hazard_type.as_str();
                let (chosen, place) = form.destinations.get(code).cloned().unwrap_or_default();
                let problem = d
                    .shelters
                    .iter()
                    .find(|s| s.id.0.to_string() == chosen)
                    .and_then(|s| s.problem.clone());
                DestinationRow {
                    code,
                    hazard: d.hazard_type.label_ja(),
                    options: d
                        .shelters
                        .iter()
                        .map(|s| Choice {
                            value: s.id.0.to_string(),
                            label: match (&s.problem, s.distance_m) {
                                (Some(_), _) => format!("⚠ {}（選べません）", s.name),
                                (None, m) => format!(
                                    "{}（{}{}）",
                                    s.name,
                                    s.kind.label_ja(),
                                    m.map(|m| format!("・{}", metres(Some(m))))
                                        .unwrap_or_default()
                                ),
                            },
                            selected: s.id.0.to_string() == chosen,
                        })
                        .collect(),
                    place,
                    proposed: d
                        .proposed
                        .and_then(|p| d.shelters.iter().find(|s| s.id == p))
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    problem,
                }
            })
            .collect();
        let consents = match plan {
            Some(p) => vec![
                ConsentRow {
                    label: "個別避難計画の作成",
                    state: consent_state(p.consents.plan_creation.as_ref()),
                },
                ConsentRow {
                    label: "個別避難計画の外部提供",
                    state: consent_state(p.consents.plan_sharing.as_ref()),
                },
            ],
            None => Vec::new(),
        };
        Self {
            chrome,
            id: editor.registrant.id.0,
            name: editor.registrant.data.name.clone(),
            exists: plan.is_some(),
            version: plan.map_or(0, |p| p.plan.version),
            has_home: editor.registrant.data.location.is_some(),
            center: editor
                .registrant
                .data
                .location
                .map(|p| format!("{},{}", p.lat(), p.lon()))
                .unwrap_or_default(),
            statuses: choices(
                PlanStatus::ALL,
                PlanStatus::as_str,
                PlanStatus::label_ja,
                std::slice::from_ref(&form.status),
            ),
            supporters,
            destinations,
            consents,
            issues: editor.issues.iter().map(|i| i.message.clone()).collect(),
            conflict: Vec::new(),
            notice: None,
            errors,
            basemap,
            form,
        }
    }
}

#[derive(serde::Deserialize)]
struct PlanParams {
    done: Option<String>,
}

async fn load(
    ctx: &web::Data<AppContext>,
    signed: &Signed,
    id: RegistrantId,
) -> Result<PlanEditor, PageError> {
    let caller = signed.caller.clone();
    run(ctx, move |ctx| plans::editor(ctx, &caller, id)).await
}

#[get("/registrants/{id}/plan")]
async fn edit_form(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
    params: web::Query<PlanParams>,
) -> Result<HttpResponse, PageError> {
    let editor = load(&ctx, &signed, RegistrantId(*path)).await?;
    let form = PlanForm::from_editor(&editor, signed.caller.actor(), ctx.today());
    let mut page_ = PlanPage::new(
        signed.chrome(Section::Register),
        &editor,
        form,
        FieldErrors::default(),
        basemap(&ctx),
    );
    page_.notice = match params.done.as_deref() {
        Some("saved") => Some("計画を保存しました。"),
        _ => None,
    };
    page(&page_)
}

/// What others changed in the plan after `since`.
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
                .map(|f| field_label(f).to_owned())
                .collect(),
        })
        .collect()
}

enum Refusal {
    Invalid(ValidationErrors),
    /// The plan changed (or was first written) since the form was opened.
    Conflict(Vec<HistoryEntry>),
}

#[post("/registrants/{id}/plan")]
async fn save(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let id = RegistrantId(*path);
    let version = form.version("version");
    let typed = PlanForm::from_form(&form);
    let mut invalid = ValidationErrors::new();
    let (input, order) = typed.to_input(&mut invalid);
    if !invalid.is_empty() {
        // The content's own rules too, so that every problem shows at once.
        let reported = invalid.fields();
        if let Err(domain) = crate::domain::plan::PlanData::parse(&input, ctx.today()) {
            for e in domain.errors() {
                if !reported.iter().any(|f| e.field.starts_with(f.as_str())) {
                    invalid.push(e.field.clone(), e.message.clone());
                }
            }
        }
    }
    let outcome = if invalid.is_empty() {
        let caller = signed.caller.clone();
        let expected = (version > 0).then_some(version);
        attempt(&ctx, move |ctx| {
            match plans::save_from_page(ctx, id, expected, &input, &caller) {
                Ok(_) => Ok(None),
                Err(ServiceError::Invalid(v)) => Ok(Some(Refusal::Invalid(v))),
                Err(ServiceError::VersionConflict { .. } | ServiceError::VersionRequired) => {
                    Ok(Some(Refusal::Conflict(plans::history(ctx, &caller, id)?)))
                }
                Err(other) => Err(other),
            }
        })
        .await?
        .map_err(PageError::Service)?
    } else {
        Some(Refusal::Invalid(invalid))
    };
    let Some(refusal) = outcome else {
        return Ok(see_other(&format!("/registrants/{}/plan?done=saved", id.0)));
    };
    // The form again, with the user's values over the plan as it now stands.
    let editor = load(&ctx, &signed, id).await?;
    let chrome = signed.chrome(Section::Register);
    match refusal {
        Refusal::Invalid(invalid) => page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PlanPage::new(
                chrome,
                &editor,
                typed,
                page_errors(&invalid, &order),
                basemap(&ctx),
            ),
        ),
        Refusal::Conflict(history) => {
            let mut conflict = PlanPage::new(
                chrome,
                &editor,
                typed,
                FieldErrors::default(),
                basemap(&ctx),
            );
            conflict.conflict = changes_since(&history, version);
            page_with(StatusCode::PRECONDITION_FAILED, &conflict)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_fields_land_beside_the_page_fields() {
        let mut invalid = ValidationErrors::new();
        invalid.push("supporters[1].supporter_id", "同じ支援者が2回あります");
        invalid.push(
            "destinations[1].shelter_id",
            "「公民館」は洪水の指定避難所・避難場所ではありません",
        );
        invalid.push("route.coordinates[3]", "経度・緯度の組が正しくありません");
        invalid.push("written_on", "未来の日付です");
        let order = vec!["earthquake".to_owned(), "flood".to_owned()];
        let errors = page_errors(&invalid, &order);
        assert!(errors.get("supporters").is_some_and(|m| m.contains("2回")));
        assert!(
            errors
                .get("dest-flood")
                .is_some_and(|m| m.contains("公民館"))
        );
        assert!(!errors.has("dest-earthquake"));
        assert!(errors.has("route"));
        assert!(
            errors
                .all()
                .iter()
                .any(|l| l.starts_with("避難先（洪水）："))
        );
        assert!(errors.all().iter().any(|l| l.starts_with("作成日：")));
    }

    #[test]
    fn a_route_that_is_not_geojson_is_named_and_nothing_else_is_lost() {
        let form = PlanForm {
            author: "田中".to_owned(),
            route: "33.3,130.5".to_owned(),
            written_on: "R8.4.1".to_owned(),
            destinations: [("flood".to_owned(), ("12".to_owned(), String::new()))].into(),
            ..PlanForm::default()
        };
        let mut errors = ValidationErrors::new();
        let (input, order) = form.to_input(&mut errors);
        assert_eq!(
            errors
                .errors()
                .iter()
                .map(|e| e.field.as_str())
                .collect::<Vec<_>>(),
            ["route"]
        );
        assert_eq!(input.written_on.as_deref(), Some("2026-04-01"));
        assert_eq!(order, ["flood"]);
        assert_eq!(input.destinations.unwrap()[0].shelter_id, Some(12));
    }
}

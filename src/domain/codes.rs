//! The fixed codes of DESIGN.md, shared by the API, CSV and tests, each with its Japanese label.
//!
//! A code is what is stored and sent; a label is what staff read.

use serde::{Deserialize, Serialize};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }

        // Written by hand: the derive does not see the renames through this macro and would
        // document the variant names (`Flood`) instead of the codes sent (`flood`).
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            /// Every value, in the order of the code table.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable code.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The Japanese label shown to staff.
            pub fn label_ja(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// Parses a stable code.
            ///
            /// # Errors
            /// Returns a Japanese message listing the accepted codes.
            pub fn parse(code: &str) -> Result<Self, String> {
                match code {
                    $($code => Ok(Self::$variant),)+
                    other => Err(format!(
                        "「{}」は使えない値です（使える値: {}）",
                        other,
                        [$($code),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum!(
    /// The eight hazard types for which GSI designates emergency sites.
    HazardType {
        Flood = "flood": "洪水",
        Landslide = "landslide": "崖崩れ・土石流・地滑り",
        StormSurge = "storm_surge": "高潮",
        Earthquake = "earthquake": "地震",
        Tsunami = "tsunami": "津波",
        LargeFire = "large_fire": "大規模な火事",
        InlandFlood = "inland_flood": "内水氾濫",
        Volcano = "volcano": "火山現象",
    }
);

code_enum!(
    /// Sex as recorded on the register.
    Sex {
        Female = "female": "女",
        Male = "male": "男",
        Unspecified = "unspecified": "不明・回答なし",
    }
);

code_enum!(
    /// Why a person needs support, Kurume's criteria first.
    SupportReason {
        ElderlyOnlyHousehold = "elderly_only_household": "65歳以上のみの世帯",
        CareLevel = "care_level": "要介護認定",
        PhysicalDisability = "physical_disability": "身体障害者手帳",
        IntellectualDisability = "intellectual_disability": "療育手帳",
        MentalDisability = "mental_disability": "精神障害者保健福祉手帳",
        IntractableDisease = "intractable_disease": "指定難病",
        MedicalCare = "medical_care": "医療的ケア・医療機器",
        Other = "other": "その他",
    }
);

code_enum!(
    /// Kinds of shelter.
    ShelterKind {
        EmergencySite = "emergency_site": "指定緊急避難場所",
        DesignatedShelter = "designated_shelter": "指定避難所",
        WelfareShelter = "welfare_shelter": "福祉避難所",
    }
);

code_enum!(
    /// Where a registrant stands in the register's lifecycle. People are never deleted.
    RegistrantStatus {
        Active = "active": "登録中",
        Moved = "moved": "転出",
        Deceased = "deceased": "死亡",
        Withdrawn = "withdrawn": "登録取消（本人申出）",
        InCareFacility = "in_care_facility": "施設入所",
        Merged = "merged": "重複のため統合",
    }
);

code_enum!(
    /// Who a supporter is.
    SupporterKind {
        Neighbour = "neighbour": "近隣住民",
        WelfareCommissioner = "welfare_commissioner": "民生委員",
        VoluntaryGroup = "voluntary_group": "自主防災組織",
        CommunityAssociation = "community_association": "自治会",
        FireBrigade = "fire_brigade": "消防団",
        Family = "family": "家族・親族",
        CareProfessional = "care_professional": "介護・福祉専門職",
    }
);

code_enum!(
    /// What a supporter can do; a registrant who needs it is only matched with those who can.
    Capability {
        Wheelchair = "wheelchair": "車いす介助",
        Stretcher = "stretcher": "担架搬送",
        Car = "car": "車での搬送",
        NightTime = "night_time": "夜間対応",
    }
);

code_enum!(
    /// Whether a supporter is available for matching.
    SupporterStatus {
        Active = "active": "活動中",
        Inactive = "inactive": "休止・辞退",
    }
);

code_enum!(
    /// The four consents a registrant gives or refuses, each with a date and evidence.
    ConsentKind {
        RegisterSharing = "register_sharing": "名簿情報の外部提供",
        PlanCreation = "plan_creation": "個別避難計画の作成",
        PlanSharing = "plan_sharing": "個別避難計画の外部提供",
    }
);

code_enum!(
    /// Who lives with the registrant.
    Household {
        Alone = "alone": "ひとり暮らし",
        ElderlyOnly = "elderly_only": "高齢者のみの世帯",
        WithFamily = "with_family": "家族と同居",
    }
);

code_enum!(
    /// How the registrant moves.
    Mobility {
        Walks = "walks": "自力歩行",
        Cane = "cane": "杖・歩行器",
        Wheelchair = "wheelchair": "車いす",
        Bedridden = "bedridden": "寝たきり",
    }
);

code_enum!(
    /// Medical care and devices that matter in an evacuation.
    MedicalDevice {
        Ventilator = "ventilator": "人工呼吸器",
        Oxygen = "oxygen": "在宅酸素",
        Suction = "suction": "たん吸引器",
        Dialysis = "dialysis": "人工透析",
        TubeFeeding = "tube_feeding": "経管栄養",
        Other = "other": "その他の医療機器",
    }
);

code_enum!(
    /// Needs when talking with or guiding the registrant.
    CommunicationNeed {
        Hearing = "hearing": "聴覚（筆談・手話）",
        Sight = "sight": "視覚（誘導が必要）",
        Speech = "speech": "言語・発話",
        Cognitive = "cognitive": "認知症・理解の支援",
        ForeignLanguage = "foreign_language": "外国語",
    }
);

code_enum!(
    /// The kind of building the registrant lives in.
    BuildingType {
        Detached = "detached": "戸建て",
        Apartment = "apartment": "集合住宅",
        Other = "other": "その他",
    }
);

code_enum!(
    /// Target groups a welfare shelter publishes in advance.
    WelfareTarget {
        Elderly = "elderly": "高齢者",
        Disabled = "disabled": "障害者",
        MedicalCare = "medical_care": "医療的ケアが必要な人",
        Infants = "infants": "乳幼児・妊産婦",
    }
);

code_enum!(
    /// Accessibility features of a shelter.
    Accessibility {
        StepFree = "step_free": "段差なし",
        AccessibleToilet = "accessible_toilet": "多目的トイレ",
        Elevator = "elevator": "エレベーター",
        PowerBackup = "power_backup": "非常用電源",
    }
);

code_enum!(
    /// Grade on the 療育手帳 (intellectual disability certificate).
    IntellectualGrade {
        A = "A": "A（重度）",
        B = "B": "B（中軽度）",
    }
);

/// Parses each code of a list, naming the failing element as `field[i]`, and drops repeats.
pub fn parse_code_list<T: Copy + Ord>(
    field: &str,
    codes: &[String],
    parse: impl Fn(&str) -> Result<T, String>,
    errors: &mut crate::domain::ValidationErrors,
) -> Vec<T> {
    let mut out = Vec::with_capacity(codes.len());
    for (i, code) in codes.iter().enumerate() {
        match parse(code) {
            Ok(value) => out.push(value),
            Err(message) => errors.push(format!("{field}[{i}]"), message),
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

code_enum!(
    /// Where an individual evacuation plan stands.
    PlanStatus {
        Draft = "draft": "作成中",
        Confirmed = "confirmed": "確定",
        NeedsReview = "needs_review": "要見直し",
    }
);

code_enum!(
    /// What a user may do (DESIGN.md "Access").
    Role {
        Admin = "admin": "管理者",
        Staff = "staff": "市職員",
        District = "district": "地区の支援関係者",
        VolunteerCentre = "volunteer_centre": "災害ボランティアセンター",
        Auditor = "auditor": "監査担当",
    }
);

code_enum!(
    /// A volunteer's age band; only `under_18` needs a guardian's consent.
    AgeBand {
        Under18 = "under_18": "18歳未満",
        From18To29 = "18_29": "18〜29歳",
        From30To39 = "30_39": "30〜39歳",
        From40To49 = "40_49": "40〜49歳",
        From50To59 = "50_59": "50〜59歳",
        From60To69 = "60_69": "60〜69歳",
        From70 = "70_plus": "70歳以上",
    }
);

impl AgeBand {
    /// Under 18: a guardian must consent, and the team rules keep adults beside them.
    pub fn is_minor(self) -> bool {
        self == Self::Under18
    }
}

code_enum!(
    /// Skills and licences a volunteer brings and a help request may need.
    VolunteerSkill {
        Driving = "driving": "運転（普通免許）",
        HeavyMachinery = "heavy_machinery": "重機",
        Nursing = "nursing": "看護・介護",
        Chainsaw = "chainsaw": "チェーンソー",
        Carpentry = "carpentry": "大工・建築",
        FirstAid = "first_aid": "応急手当",
    }
);

code_enum!(
    /// How a city shares its register with district supporters in normal times (docs/domain.md
    /// "Sharing and consent"); a per-deployment setting.
    ConsentModel {
        OptIn = "opt_in": "同意方式（同意した人のみ提供）",
        Presumed = "presumed": "同意推定方式（意思確認の期間内に拒否がなければ提供）",
        OptOut = "opt_out": "拒否がなければ提供",
    }
);

code_enum!(
    /// The work a help request (ニーズ) asks for.
    WorkType {
        MudRemoval = "mud_removal": "泥出し",
        FurnitureMoving = "furniture_moving": "家財の搬出",
        Cleaning = "cleaning": "清掃",
        DebrisRemoval = "debris_removal": "がれき撤去",
        Other = "other": "その他",
    }
);

code_enum!(
    /// Where a help request stands.
    HelpRequestStatus {
        Open = "open": "未対応",
        Assigned = "assigned": "割当済み",
        Continuing = "continuing": "継続",
        Done = "done": "完了",
    }
);

code_enum!(
    /// Where a day's team stands.
    TeamStatus {
        Proposed = "proposed": "提案",
        Confirmed = "confirmed": "確定",
        Departed = "departed": "出発",
        Returned = "returned": "帰着",
    }
);

code_enum!(
    /// The leader's report on one help request.
    ReportOutcome {
        Done = "done": "完了",
        Continuing = "continuing": "継続（翌日以降）",
    }
);

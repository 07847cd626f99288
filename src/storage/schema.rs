//! Table definitions shared by both backends (portable column types only).

diesel::table! {
    districts (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        boundary -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    hazard_zones (id) {
        id -> BigInt,
        hazard_type -> Text,
        level -> Integer,
        phenomenon -> Nullable<Text>,
        name -> Text,
        area -> Text,
        created_at -> Timestamp,
        source -> Text,
    }
}

diesel::table! {
    registrants (id) {
        id -> BigInt,
        version -> BigInt,
        status -> Text,
        status_reason -> Nullable<Text>,
        status_date -> Nullable<Date>,
        external_id -> Nullable<Text>,
        district_id -> Nullable<BigInt>,
        name -> Text,
        name_kana -> Nullable<Text>,
        birth_date -> Date,
        sex -> Text,
        address -> Text,
        phone -> Nullable<Text>,
        support_reasons -> Text,
        reason_note -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        household -> Nullable<Text>,
        care_level -> Nullable<Integer>,
        mobility -> Nullable<Text>,
        electricity_dependent -> Bool,
        profile -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        hazard_exposure -> Text,
        district_needs_review -> Bool,
        merged_into -> Nullable<BigInt>,
    }
}

diesel::table! {
    registrant_consents (id) {
        id -> BigInt,
        registrant_id -> BigInt,
        kind -> Text,
        given -> Bool,
        consent_date -> Date,
        evidence_note -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    supporters (id) {
        id -> BigInt,
        version -> BigInt,
        district_id -> Nullable<BigInt>,
        name -> Text,
        name_kana -> Nullable<Text>,
        phone -> Text,
        address -> Text,
        latitude -> Double,
        longitude -> Double,
        kind -> Text,
        status -> Text,
        capacity -> Integer,
        capabilities -> Text,
        consent_given -> Bool,
        consent_date -> Nullable<Date>,
        consent_note -> Nullable<Text>,
        external_id -> Nullable<Text>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    shelters (id) {
        id -> BigInt,
        version -> BigInt,
        district_id -> Nullable<BigInt>,
        gsi_id -> Nullable<Text>,
        name -> Text,
        address -> Text,
        latitude -> Double,
        longitude -> Double,
        kind -> Text,
        hazards -> Text,
        capacity -> Nullable<Integer>,
        welfare_targets -> Text,
        accessibility -> Text,
        is_open -> Bool,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    change_log (id) {
        id -> BigInt,
        entity -> Text,
        entity_id -> BigInt,
        version -> BigInt,
        action -> Text,
        changed_fields -> Text,
        snapshot -> Text,
        changed_by -> Text,
        changed_at -> Timestamp,
    }
}

diesel::joinable!(registrants -> districts (district_id));
diesel::joinable!(registrant_consents -> registrants (registrant_id));
diesel::joinable!(proposals -> registrants (registrant_id));
diesel::joinable!(supporters -> districts (district_id));
diesel::joinable!(shelters -> districts (district_id));

diesel::allow_tables_to_appear_in_same_query!(
    districts,
    hazard_zones,
    registrants,
    registrant_consents,
    supporters,
    shelters,
    change_log,
    matching_runs,
    proposals,
    plans,
    prints,
);

diesel::table! {
    matching_runs (id) {
        id -> BigInt,
        district_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        created_by -> Text,
        summary -> Text,
    }
}

diesel::table! {
    proposals (id) {
        id -> BigInt,
        run_id -> BigInt,
        registrant_id -> BigInt,
        kind -> Text,
        supporter_id -> Nullable<BigInt>,
        shelter_id -> Nullable<BigInt>,
        hazard_type -> Nullable<Text>,
        distance_m -> Nullable<Double>,
        reason -> Nullable<Text>,
        missing -> Nullable<Integer>,
        status -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    plans (id) {
        id -> BigInt,
        registrant_id -> BigInt,
        version -> BigInt,
        status -> Text,
        author -> Text,
        author_relation -> Nullable<Text>,
        written_on -> Date,
        next_review_on -> Nullable<Date>,
        content -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    prints (id) {
        id -> BigInt,
        serial -> Text,
        kind -> Text,
        registrant_ids -> Text,
        district_id -> Nullable<BigInt>,
        printed_by -> Text,
        holder -> Text,
        printed_at -> Timestamp,
        returned_at -> Nullable<Timestamp>,
        returned_by -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        role -> Text,
        district_ids -> Text,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    incidents (id) {
        id -> BigInt,
        name -> Text,
        hazard_type -> Text,
        district_ids -> Text,
        area -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        declared_by -> Text,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    volunteers (id) {
        id -> BigInt,
        registration_number -> Text,
        version -> BigInt,
        party_id -> Nullable<BigInt>,
        party_name -> Nullable<Text>,
        name -> Text,
        name_kana -> Nullable<Text>,
        phone -> Text,
        age_band -> Text,
        insured -> Bool,
        insurance_date -> Nullable<Date>,
        guardian_consent -> Bool,
        skills -> Text,
        equipment -> Text,
        available_dates -> Text,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        role -> Nullable<Text>,
        action -> Text,
        target -> Text,
        registrant_ids -> Text,
        incident_grants -> Text,
        outcome -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_chain (id) {
        id -> BigInt,
        legacy_until -> BigInt,
        keyed_since -> Timestamp,
        mac -> Text,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, users);

diesel::table! {
    volunteer_check_ins (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        day -> Date,
        checked_in_at -> Timestamp,
        checked_out_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    help_requests (id) {
        id -> BigInt,
        version -> BigInt,
        status -> Text,
        requester_name -> Text,
        phone -> Nullable<Text>,
        address -> Text,
        latitude -> Double,
        longitude -> Double,
        work_types -> Text,
        people_needed -> Integer,
        skills_needed -> Text,
        tools -> Text,
        notes -> Nullable<Text>,
        priority -> Integer,
        registrant_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        version -> BigInt,
        day -> Date,
        number -> Integer,
        status -> Text,
        leader_id -> Nullable<BigInt>,
        departed_at -> Nullable<Timestamp>,
        returned_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    team_members (team_id, volunteer_id) {
        team_id -> BigInt,
        volunteer_id -> BigInt,
    }
}

diesel::table! {
    team_requests (team_id, request_id) {
        team_id -> BigInt,
        request_id -> BigInt,
        position -> Integer,
        outcome -> Nullable<Text>,
        report_notes -> Nullable<Text>,
        reported_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    team_equipment (id) {
        id -> BigInt,
        team_id -> BigInt,
        item -> Text,
        quantity -> Integer,
        lent_at -> Timestamp,
        returned_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(volunteer_check_ins -> volunteers (volunteer_id));
diesel::joinable!(team_members -> teams (team_id));
diesel::joinable!(team_requests -> teams (team_id));
diesel::joinable!(team_requests -> help_requests (request_id));
diesel::joinable!(team_equipment -> teams (team_id));

diesel::allow_tables_to_appear_in_same_query!(
    volunteers,
    volunteer_check_ins,
    help_requests,
    teams,
    team_members,
    team_requests,
    team_equipment,
);

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        at -> Timestamp,
        username -> Text,
        client -> Nullable<Text>,
    }
}

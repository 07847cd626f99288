//! Distinct id types, so that a shelter id cannot be passed where a registrant id is meant.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A person on the register.
    RegistrantId
);
id_type!(
    /// A person or group who helps registrants evacuate.
    SupporterId
);
id_type!(
    /// An emergency site, designated shelter or welfare shelter.
    ShelterId
);
id_type!(
    /// An elementary-school district (校区).
    DistrictId
);
id_type!(
    /// A flood or landslide zone polygon.
    HazardZoneId
);
id_type!(
    /// A user of the service.
    UserId
);
id_type!(
    /// A declared incident (disaster occurring or imminent).
    IncidentId
);
id_type!(
    /// A volunteer registered at the disaster volunteer centre.
    VolunteerId
);
id_type!(
    /// A household's request for volunteer work (ニーズ).
    HelpRequestId
);
id_type!(
    /// A team (班) of volunteers on one day.
    TeamId
);

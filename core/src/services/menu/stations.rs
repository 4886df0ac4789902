//! Stations: where each category is prepared. Anyone signed in reads the
//! list (each bartender screen picks one); admins add, rename and delete.

use shared::bar::{DeleteResponse, Station, StationRequest, StationsResponse, STATIONS_MAX};
use shared::validate;

use super::MenuService;
use crate::db::stations::{self as store, Added, Removal, StationRow};
use crate::db::DbError;
use crate::error::{AppError, AppResult};

/// Longest station id looked up (ids are UUIDs).
const STATION_ID_MAX_LEN: usize = 64;

impl MenuService {
    /// Every station, in order.
    pub async fn stations(&self) -> AppResult<StationsResponse> {
        let rows = store::list(&self.db).await?;
        Ok(StationsResponse {
            stations: rows.into_iter().map(station).collect(),
        })
    }

    /// Adds a station at the end of the list.
    pub async fn create_station(&self, req: StationRequest) -> AppResult<Station> {
        let name = validate::station_name(&req.name).map_err(AppError::Validation)?;
        self.refuse_taken_name(&name, None).await?;
        let id = uuid::Uuid::new_v4().to_string();
        match store::insert(&self.db, &id, &name, STATIONS_MAX, self.clock.now_ms()).await {
            Ok(Added::Added(row)) => Ok(station(row)),
            Ok(Added::Full) => Err(AppError::Conflict {
                code: "too_many_stations",
                message: format!(
                    "A bar has at most {STATIONS_MAX} stations. Delete one you no longer use first."
                ),
            }),
            // Another admin added the same name meanwhile.
            Err(DbError::UniqueViolation) => Err(taken(&name)),
            Err(e) => Err(e.into()),
        }
    }

    /// Renames a station. Orders already placed keep the name they were
    /// placed with.
    pub async fn rename_station(&self, id: &str, req: StationRequest) -> AppResult<Station> {
        let name = validate::station_name(&req.name).map_err(AppError::Validation)?;
        if id.len() > STATION_ID_MAX_LEN {
            return Err(no_station());
        }
        self.refuse_taken_name(&name, Some(id)).await?;
        match store::rename(&self.db, id, &name, self.clock.now_ms()).await {
            Ok(true) => {}
            Ok(false) => return Err(no_station()),
            Err(DbError::UniqueViolation) => return Err(taken(&name)),
            Err(e) => return Err(e.into()),
        }
        store::get(&self.db, id)
            .await?
            .map(station)
            .ok_or_else(no_station)
    }

    /// Deletes a station that no open order waits on, no category on the
    /// menu is prepared at, and that is not the last one.
    pub async fn delete_station(&self, id: &str) -> AppResult<DeleteResponse> {
        if id.len() > STATION_ID_MAX_LEN {
            return Err(no_station());
        }
        match store::remove(&self.db, id, self.clock.now_ms()).await? {
            Removal::Deleted => Ok(DeleteResponse {
                outcome: "deleted".to_owned(),
                message: "The station was deleted.".to_owned(),
            }),
            Removal::NotFound => Err(no_station()),
            Removal::Last => Err(AppError::Conflict {
                code: "last_station",
                message: "This is the only station; every category needs one. Add another station first."
                    .to_owned(),
            }),
            Removal::OpenLines(orders) => Err(AppError::Conflict {
                code: "station_has_open_lines",
                message: if orders == 1 {
                    "1 open order still has lines at this station. Serve or cancel it first."
                        .to_owned()
                } else {
                    format!(
                        "{orders} open orders still have lines at this station. Serve or cancel them first."
                    )
                },
            }),
            Removal::InUse(categories) => Err(AppError::Conflict {
                code: "station_in_use",
                message: format!(
                    "These categories are prepared at this station: {}. Move them to another station first.",
                    categories.join(", ")
                ),
            }),
        }
    }

    /// The id of a station that exists, or 422 `unknown_station`.
    pub(super) async fn known_station(&self, id: &str) -> AppResult<String> {
        let found = if id.len() <= STATION_ID_MAX_LEN {
            store::get(&self.db, id).await?
        } else {
            None
        };
        found.map(|s| s.id).ok_or_else(|| AppError::Unprocessable {
            code: "unknown_station",
            message: "There is no such station. Reload the list of stations and choose one."
                .to_owned(),
        })
    }

    /// The first station, for a category made without naming one; a bar
    /// with no station yet gets its default one ("Bar") here.
    pub(super) async fn first_station(&self) -> AppResult<String> {
        store::ensure_one(&self.db, self.clock.now_ms()).await?;
        store::list(&self.db)
            .await?
            .into_iter()
            .next()
            .map(|s| s.id)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no station after adding one")))
    }

    /// 409 `station_exists` when another station (not `except`) has this
    /// name, ignoring case.
    async fn refuse_taken_name(&self, name: &str, except: Option<&str>) -> AppResult<()> {
        let lower = name.to_lowercase();
        let taken_by_other = store::list(&self.db)
            .await?
            .iter()
            .any(|s| Some(s.id.as_str()) != except && s.name.to_lowercase() == lower);
        if taken_by_other {
            return Err(taken(name));
        }
        Ok(())
    }
}

fn station(row: StationRow) -> Station {
    Station {
        id: row.id,
        name: row.name,
        position: row.position,
    }
}

fn taken(name: &str) -> AppError {
    AppError::Conflict {
        code: "station_exists",
        message: format!("There is already a station called \"{name}\"."),
    }
}

fn no_station() -> AppError {
    AppError::NotFound("There is no such station.".to_owned())
}

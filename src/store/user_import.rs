//! CSV user import: the file's good rows, in one transaction. Rows naming a user the app has
//! (same id, email or phone) are left as they are and reported as existing.

use std::collections::HashMap;

use sqlx::Connection;

use super::fixtures::{INSERT_BATCH, insert_users};
use super::{Store, WriteError};
use crate::domain::fixtures::FixtureUser;
use crate::domain::timestamp::Timestamp;

/// Which of the rows were imported and which were there already (indexes into the rows,
/// with the id of the user an existing row matched).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ImportOutcome {
    pub imported: Vec<usize>,
    pub existing: Vec<(usize, String)>,
}

impl Store {
    /// Inserts the users that do not exist yet, all or none. An id used by another app's user
    /// is a conflict (ids are global).
    pub async fn import_users(
        &self,
        app_id: &str,
        users: &[FixtureUser],
        now: Timestamp,
    ) -> Result<ImportOutcome, WriteError> {
        let json = |values: Vec<&str>| serde_json::to_string(&values).unwrap_or_default();
        let ids = json(users.iter().map(|u| u.id.as_str()).collect());
        let emails = json(
            users
                .iter()
                .map(|u| u.email.as_str())
                .filter(|e| !e.is_empty())
                .collect(),
        );
        let phones = json(
            users
                .iter()
                .map(|u| u.phone.as_str())
                .filter(|p| !p.is_empty())
                .collect(),
        );
        let externals = json(
            users
                .iter()
                .map(|u| u.external_id.as_str())
                .filter(|x| !x.is_empty())
                .collect(),
        );
        let mut connection = self.pool.acquire().await?;
        let mut tx = connection.begin_with(super::BEGIN_WRITE).await?;
        // Each lookup rides its own index (the primary key, users_by_email, _phone, _external_id).
        let found: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, app_id, email, phone, external_id FROM users \
               WHERE id IN (SELECT value FROM json_each(?1)) \
             UNION SELECT id, app_id, email, phone, external_id FROM users WHERE app_id = ?5 \
               AND email IN (SELECT value FROM json_each(?2)) \
             UNION SELECT id, app_id, email, phone, external_id FROM users WHERE app_id = ?5 \
               AND phone IN (SELECT value FROM json_each(?3)) \
             UNION SELECT id, app_id, email, phone, external_id FROM users WHERE app_id = ?5 \
               AND external_id IN (SELECT value FROM json_each(?4))",
        )
        .bind(&ids)
        .bind(&emails)
        .bind(&phones)
        .bind(&externals)
        .bind(app_id)
        .fetch_all(&mut *tx)
        .await?;
        if let Some((id, ..)) = found.iter().find(|(_, app, ..)| app != app_id) {
            return Err(WriteError::Conflict(format!(
                "user id {id} belongs to another app"
            )));
        }
        // Every key an existing user holds, with that user's id.
        let taken: HashMap<&str, &str> = found
            .iter()
            .flat_map(|(id, _, email, phone, external)| {
                [id, email, phone, external].map(|key| (key.as_str(), id.as_str()))
            })
            .filter(|(key, _)| !key.is_empty())
            .collect();
        let mut outcome = ImportOutcome::default();
        let mut fresh = Vec::new();
        for (index, user) in users.iter().enumerate() {
            let exists = [&user.id, &user.email, &user.phone, &user.external_id]
                .iter()
                .filter(|key| !key.is_empty())
                .find_map(|key| taken.get(key.as_str()));
            if let Some(id) = exists {
                outcome.existing.push((index, (*id).to_owned()));
            } else {
                outcome.imported.push(index);
                fresh.push(user);
            }
        }
        let fresh: Vec<FixtureUser> = fresh.into_iter().cloned().collect();
        for batch in fresh.chunks(INSERT_BATCH) {
            insert_users(&mut tx, app_id, batch, now).await?;
        }
        tx.commit().await?;
        self.users_changed();
        Ok(outcome)
    }
}

//! The `texts` dictionary: every repeated text of the intervals (references, owners, check
//! ids, messages, …) is stored once and referred to by id, which keeps interval rows narrow.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Row};

use crate::batch::{self, Cell};
use crate::{Backend, StoreError};

/// The dictionary as a recorder sees it: every stored text, and those it adds. Recorders
/// hold the write lock, so ids handed out here are not taken by anyone else.
pub(crate) struct Texts {
    ids: HashMap<String, i64>,
    next: i64,
    added: Vec<(i64, String)>,
}

impl Texts {
    /// Every text of the store.
    pub(crate) async fn load(conn: &mut AnyConnection) -> Result<Texts, StoreError> {
        let mut ids = HashMap::new();
        let mut next = 1;
        let mut rows = sqlx::query("SELECT id, value FROM texts").fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let id: i64 = row.try_get(0)?;
            next = next.max(id + 1);
            ids.insert(row.try_get(1)?, id);
        }
        Ok(Texts {
            ids,
            next,
            added: Vec::new(),
        })
    }

    /// The id of `text`, added to the dictionary when new.
    pub(crate) fn id(&mut self, text: &str) -> i64 {
        if let Some(id) = self.ids.get(text) {
            return *id;
        }
        let id = self.next;
        self.next += 1;
        self.ids.insert(text.to_string(), id);
        self.added.push((id, text.to_string()));
        id
    }

    /// The id of `text` when it is in the dictionary.
    pub(crate) fn get(&self, text: &str) -> Option<i64> {
        self.ids.get(text).copied()
    }

    /// Writes the texts added since [`Texts::load`].
    pub(crate) async fn save(
        &mut self,
        conn: &mut AnyConnection,
        backend: Backend,
    ) -> Result<(), StoreError> {
        let rows: Vec<Vec<Cell>> = self
            .added
            .drain(..)
            .map(|(id, text)| vec![Cell::Int(id), Cell::Text(Some(text))])
            .collect();
        batch::insert(conn, backend, "texts", &["id", "value"], &rows).await?;
        Ok(())
    }
}

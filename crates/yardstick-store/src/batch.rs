//! Multi-row statements, in batches under both backends' bind limits (SQLite 32766,
//! PostgreSQL 65535): recording writes thousands of rows per statement, not one.
//!
//! The only SQL that differs between the backends is here: SQLite gets anonymous `?`
//! placeholders, because it looks up each named one (`$N`) in a list of the names seen so
//! far, which is quadratic in a statement with thousands; PostgreSQL only knows `$N`.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use crate::Backend;

/// Binds per statement; below SQLite's limit of 32766.
const MAX_BINDS: usize = 30_000;

/// One value to bind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// An integer.
    Int(i64),
    /// An integer or NULL (a text id).
    Id(Option<i64>),
    /// A number or NULL.
    Real(Option<f64>),
    /// Text or NULL.
    Text(Option<String>),
}

/// Inserts `rows` (each as many cells as `columns` names) into `table`.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> Result<(), sqlx::Error> {
    let per_statement = (MAX_BINDS / columns.len()).max(1);
    for chunk in rows.chunks(per_statement) {
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            placeholders(backend, chunk.len(), columns.len(), 1)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for row in chunk {
            for cell in row {
                query = bind(query, cell);
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Runs `sql` (which ends in `IN `) once per batch of `ids`, each batch's list appended,
/// and returns every row.
pub(crate) async fn select_in(
    conn: &mut AnyConnection,
    backend: Backend,
    sql: &str,
    ids: &[i64],
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(MAX_BINDS) {
        let sql = format!("{sql}{}", placeholders(backend, 1, chunk.len(), 1));
        let mut query = sqlx::query(&sql).persistent(false);
        for id in chunk {
            query = query.bind(*id);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// `($first, …), (…), …`: `rows` groups of `columns` placeholders, numbered from `first`
/// for PostgreSQL.
fn placeholders(backend: Backend, rows: usize, columns: usize, first: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 7);
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..columns {
            if column > 0 {
                out.push_str(", ");
            }
            match backend {
                Backend::Sqlite => out.push('?'),
                Backend::Postgres => {
                    out.push('$');
                    out.push_str(&(first + row * columns + column).to_string());
                }
            }
        }
        out.push(')');
    }
    out
}

fn bind<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    cell: &'q Cell,
) -> Query<'q, Any, AnyArguments<'q>> {
    match cell {
        Cell::Int(value) => query.bind(*value),
        Cell::Id(value) => query.bind(*value),
        Cell::Real(value) => query.bind(*value),
        Cell::Text(value) => query.bind(value.as_deref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_then_columns() {
        let postgres = Backend::Postgres;
        assert_eq!(
            placeholders(postgres, 2, 3, 1),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(placeholders(postgres, 1, 1, 2), "($2)");
        assert_eq!(placeholders(Backend::Sqlite, 2, 2, 1), "(?, ?), (?, ?)");
    }
}

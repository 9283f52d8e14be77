//! Databases: which one a request of a domain (sessions, memories, metrics,
//! traces, evals, knowledge) reads, as `db_id=` in its query.
//!
//! `GET /config` lists each domain's databases (`session.dbs`,
//! `memory.dbs`, …: `{db_id, domain_config: {display_name}, tables}`). With
//! one database a request needs no `db_id`. With several, agno 3.1.10
//! answers **400** ("The db_id query parameter is required when using
//! multiple databases") to every sessions, memories, metrics, traces and
//! evals request without one, so [`OsConfig::db_scope`] then always names
//! one: the chosen database, else the AgentOS's own (`os_database`), else
//! the domain's first.

use crate::config::{DomainDb, OsConfig};
use crate::path::encode;
use crate::ComponentKind;

/// A domain of `/config` that lists databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbDomain {
    Session,
    Memory,
    Metrics,
    Traces,
    Evals,
    Knowledge,
}

/// One database of a domain as a picker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbOption {
    pub id: String,
    /// `domain_config.display_name`, else the id.
    pub label: String,
}

impl DomainDb {
    /// The name people see: the domain's display name, else the db id.
    pub fn label(&self) -> &str {
        self.domain_config
            .as_ref()
            .and_then(|c| c.display_name.as_deref())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.db_id)
    }
}

/// The database a request names (`db_id=`), or none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DbScope {
    pub db_id: Option<String>,
}

impl DbScope {
    /// `path` with `db_id=…` added to its query (`?` or `&`); `path` as it
    /// is without a database or when it names one already.
    pub fn on(&self, path: &str) -> String {
        let Some(db) = self.db_id.as_deref().filter(|d| !d.is_empty()) else {
            return path.to_string();
        };
        let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
        if query
            .split('&')
            .any(|pair| pair.split('=').next() == Some("db_id"))
        {
            return path.to_string();
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}db_id={}", encode(db))
    }
}

/// At most this many databases are offered per domain (the rest are
/// ignored; a hostile `/config` cannot grow a picker without bound).
pub const MAX_DBS: usize = 64;

impl OsConfig {
    /// The databases `/config` lists for a domain (no empty ids, no
    /// duplicates, at most [`MAX_DBS`]).
    pub fn domain_dbs(&self, d: DbDomain) -> Vec<DbOption> {
        let dbs: &[DomainDb] = match d {
            DbDomain::Session => self.session.as_ref().map(|x| x.dbs.as_slice()),
            DbDomain::Memory => self.memory.as_ref().map(|x| x.dbs.as_slice()),
            DbDomain::Metrics => self.metrics.as_ref().map(|x| x.dbs.as_slice()),
            DbDomain::Traces => self.traces.as_ref().map(|x| x.dbs.as_slice()),
            DbDomain::Evals => self.evals.as_ref().map(|x| x.dbs.as_slice()),
            DbDomain::Knowledge => self.knowledge.as_ref().map(|x| x.dbs.as_slice()),
        }
        .unwrap_or(&[]);
        let mut out: Vec<DbOption> = Vec::new();
        for db in dbs {
            if out.len() >= MAX_DBS {
                break;
            }
            if db.db_id.is_empty() || out.iter().any(|o| o.id == db.db_id) {
                continue;
            }
            out.push(DbOption {
                id: db.db_id.clone(),
                label: db.label().to_string(),
            });
        }
        out
    }

    /// The database a request of domain `d` names: `chosen` when the domain
    /// lists it; otherwise, when the server has several databases (agno
    /// then requires `db_id`), the AgentOS's own database if the domain
    /// lists it, else the domain's first; otherwise none (the request stays
    /// as it is).
    pub fn db_scope(&self, d: DbDomain, chosen: Option<&str>) -> DbScope {
        let dbs = self.domain_dbs(d);
        let listed = |id: &str| dbs.iter().any(|o| o.id == id);
        if let Some(c) = chosen.filter(|c| listed(c)) {
            return DbScope {
                db_id: Some(c.to_string()),
            };
        }
        let several = self.databases.len() > 1 || dbs.len() > 1;
        if !several {
            return DbScope::default();
        }
        let own = self.os_database.as_deref().filter(|o| listed(o));
        DbScope {
            db_id: own
                .map(str::to_string)
                .or_else(|| dbs.first().map(|o| o.id.clone())),
        }
    }

    /// The database an agent, team or workflow keeps its sessions in (its
    /// `db_id` in `/config`), for requests about its sessions (a chat's
    /// history), when the server has several databases; else none.
    pub fn component_db(&self, kind: ComponentKind, id: &str) -> DbScope {
        if self.databases.len() < 2 {
            return DbScope::default();
        }
        let list = match kind {
            ComponentKind::Agent => &self.agents,
            ComponentKind::Team => &self.teams,
            ComponentKind::Workflow => &self.workflows,
        };
        let own = list
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.db_id.clone())
            .filter(|d| !d.is_empty());
        match own {
            Some(db) => DbScope { db_id: Some(db) },
            None => self.db_scope(crate::db::DbDomain::Session, None),
        }
    }
}

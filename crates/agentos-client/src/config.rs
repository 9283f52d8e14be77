//! Wire types for discovering what an AgentOS is configured with:
//! `/health`, `/info`, `/config`, `/agents`, `/teams`, `/workflows`.
//!
//! Every struct is tolerant: unknown fields are ignored, missing fields take
//! their default, a field of an unexpected type reads as absent, and
//! free-form parts (tool parameter schemas, instructions that may be a string
//! or a list) stay as [`serde_json::Value`]. A newer AgentOS that adds fields
//! must never break discovery.
//!
//! The types implement [`Deserialize`] (so `serde_json::from_str::<AgentDetail>`
//! works) by parsing a [`serde_json::Value`] and reading the fields with the
//! small lenient readers at the end of this file ([`FromJson`]), not with
//! `#[derive(Deserialize)]`: same tolerance, a fraction of the wasm code size.
//! Only a body that is not a JSON object is an error.

use crate::json::{as_u64, flag, text, FromJson};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// `GET /health`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    pub status: String,
    pub instantiated_at: Option<String>,
}

/// `GET /info`: open even when a security key is set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsInfo {
    pub os_id: Option<String>,
    pub name: Option<String>,
    pub os_version: Option<String>,
    pub agno_version: Option<String>,
    pub agent_count: Option<u32>,
    pub team_count: Option<u32>,
    pub workflow_count: Option<u32>,
    /// `"none"` or `"security_key"` (others may appear: kept as text).
    pub auth_mode: Option<String>,
    pub user_isolation: Option<bool>,
    pub mcp: Option<Value>,
}

impl OsInfo {
    /// True when the server says requests need a key.
    pub fn needs_key(&self) -> bool {
        matches!(self.auth_mode.as_deref(), Some(m) if m != "none")
    }

    /// The best human name: name, else os id, else a placeholder.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.os_id.as_deref())
            .unwrap_or("AgentOS")
    }
}

/// `{id, provider}` in `/config`'s `available_models` and component summaries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelRef {
    pub id: Option<String>,
    pub provider: Option<String>,
}

/// A database entry under a domain of `/config` (session, memory, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainDb {
    pub db_id: String,
    pub domain_config: Option<DomainDisplay>,
    pub tables: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainDisplay {
    pub display_name: Option<String>,
}

/// One domain of `/config` (`session`, `metrics`, `memory`, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Domain {
    pub dbs: Vec<DomainDb>,
}

/// A knowledge base as listed in `/config` → `knowledge.knowledge_instances`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnowledgeInstance {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub db_id: Option<String>,
    pub table: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnowledgeDomain {
    pub dbs: Vec<DomainDb>,
    pub knowledge_instances: Vec<KnowledgeInstance>,
}

/// The summary of an agent, team or workflow inside `/config`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComponentSummary {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub db_id: Option<String>,
    pub model: Option<ModelRef>,
    /// Teams only: `coordinate`, `route`, `collaborate`, ...
    pub mode: Option<String>,
}

/// `GET /config`: everything the UI needs to bootstrap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsConfig {
    pub os_id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub available_models: Vec<ModelRef>,
    pub os_database: Option<String>,
    pub databases: Vec<String>,
    pub session: Option<Domain>,
    pub metrics: Option<Domain>,
    pub memory: Option<Domain>,
    pub knowledge: Option<KnowledgeDomain>,
    pub evals: Option<Domain>,
    pub traces: Option<Domain>,
    pub agents: Vec<ComponentSummary>,
    pub teams: Vec<ComponentSummary>,
    pub workflows: Vec<ComponentSummary>,
    /// Interfaces (Slack, WhatsApp, AG-UI, ...): shapes vary, kept raw.
    pub interfaces: Vec<Value>,
}

impl OsConfig {
    /// Knowledge bases, possibly empty.
    pub fn knowledge_instances(&self) -> &[KnowledgeInstance] {
        self.knowledge
            .as_ref()
            .map(|k| k.knowledge_instances.as_slice())
            .unwrap_or(&[])
    }

    /// Which domains (session, memory, ...) each database serves.
    pub fn database_domains(&self) -> Vec<(String, Vec<&'static str>)> {
        let mut out: Vec<(String, Vec<&'static str>)> =
            self.databases.iter().map(|d| (d.clone(), Vec::new())).collect();
        let domains: [(&'static str, Option<&Vec<DomainDb>>); 6] = [
            ("sessions", self.session.as_ref().map(|d| &d.dbs)),
            ("memory", self.memory.as_ref().map(|d| &d.dbs)),
            ("metrics", self.metrics.as_ref().map(|d| &d.dbs)),
            ("knowledge", self.knowledge.as_ref().map(|d| &d.dbs)),
            ("evals", self.evals.as_ref().map(|d| &d.dbs)),
            ("traces", self.traces.as_ref().map(|d| &d.dbs)),
        ];
        for (label, dbs) in domains {
            for db in dbs.into_iter().flatten() {
                match out.iter_mut().find(|(id, _)| *id == db.db_id) {
                    Some((_, labels)) => labels.push(label),
                    None => out.push((db.db_id.clone(), vec![label])),
                }
            }
        }
        out
    }
}

/// `{name, model, provider}` as in the component detail responses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelInfo {
    pub name: Option<String>,
    pub model: Option<String>,
    pub provider: Option<String>,
}

impl ModelInfo {
    /// "gpt-4o (OpenAI)" style label.
    pub fn label(&self) -> String {
        let id = self
            .model
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or("unknown model");
        match self.provider.as_deref() {
            Some(p) if !p.is_empty() => format!("{id} ({p})"),
            _ => id.to_string(),
        }
    }
}

/// One tool a component can call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolInfo {
    pub name: String,
    pub description: Option<String>,
    /// JSON schema of the parameters (empty for some toolkits).
    pub parameters: Value,
    pub requires_confirmation: Option<bool>,
    pub external_execution: Option<bool>,
    pub requires_user_input: Option<bool>,
}

/// One parameter of a tool, flattened from its JSON schema for display.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolParam {
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub required: bool,
}

impl ToolInfo {
    pub fn needs_confirmation(&self) -> bool {
        self.requires_confirmation.unwrap_or(false)
    }

    /// The parameters in schema order, with type and whether they are required.
    pub fn params(&self) -> Vec<ToolParam> {
        let required: Vec<&str> = self
            .parameters
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = self.parameters.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        props
            .iter()
            .map(|(name, schema)| ToolParam {
                name: name.clone(),
                kind: schema_type(schema),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                required: required.contains(&name.as_str()),
            })
            .collect()
    }
}

fn schema_type(schema: &Value) -> String {
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => match schema.get("items") {
            Some(items) => format!("array of {}", schema_type(items)),
            None => "array".into(),
        },
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => {
            // anyOf / oneOf (e.g. Optional[str]): list the alternatives.
            let alts = schema
                .get("anyOf")
                .or_else(|| schema.get("oneOf"))
                .and_then(Value::as_array);
            match alts {
                Some(alts) => alts.iter().map(schema_type).collect::<Vec<_>>().join(" | "),
                None => "any".into(),
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolsSection {
    pub tools: Vec<ToolInfo>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionsSection {
    pub session_table: Option<String>,
    pub add_history_to_context: Option<bool>,
    pub num_history_runs: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnowledgeSection {
    pub db_id: Option<String>,
    pub knowledge_table: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemorySection {
    pub update_memory_on_run: Option<bool>,
    pub enable_agentic_memory: Option<bool>,
    pub memory_table: Option<String>,
    pub model: Option<ModelInfo>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReasoningSection {
    pub reasoning: Option<bool>,
    pub reasoning_model: Option<ModelInfo>,
    pub reasoning_min_steps: Option<u32>,
    pub reasoning_max_steps: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SystemMessageSection {
    pub description: Option<String>,
    /// A string or a list of strings.
    pub instructions: Option<Value>,
    pub expected_output: Option<String>,
    pub system_message: Option<String>,
}

impl SystemMessageSection {
    /// Instructions as lines, whatever shape the server sent.
    pub fn instruction_lines(&self) -> Vec<String> {
        match &self.instructions {
            Some(Value::String(s)) if !s.trim().is_empty() => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// `GET /agents` item and `GET /agents/{id}`; also team members.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentDetail {
    pub id: String,
    pub name: Option<String>,
    pub db_id: Option<String>,
    pub description: Option<String>,
    pub role: Option<String>,
    pub model: Option<ModelInfo>,
    pub tools: Option<ToolsSection>,
    pub sessions: Option<SessionsSection>,
    pub knowledge: Option<KnowledgeSection>,
    pub memory: Option<MemorySection>,
    pub reasoning: Option<ReasoningSection>,
    pub system_message: Option<SystemMessageSection>,
    pub is_factory: Option<bool>,
    pub is_component: Option<bool>,
    /// Present when a team member is itself a team.
    pub members: Option<Vec<AgentDetail>>,
    pub mode: Option<String>,
}

impl AgentDetail {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    pub fn tool_list(&self) -> &[ToolInfo] {
        self.tools.as_ref().map(|t| t.tools.as_slice()).unwrap_or(&[])
    }
}

/// `GET /teams` item and `GET /teams/{id}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamDetail {
    pub id: String,
    pub name: Option<String>,
    pub db_id: Option<String>,
    pub description: Option<String>,
    pub mode: Option<String>,
    pub model: Option<ModelInfo>,
    pub tools: Option<ToolsSection>,
    pub sessions: Option<SessionsSection>,
    pub knowledge: Option<KnowledgeSection>,
    pub memory: Option<MemorySection>,
    pub reasoning: Option<ReasoningSection>,
    pub system_message: Option<SystemMessageSection>,
    /// Members are full agent (or team) responses.
    pub members: Vec<AgentDetail>,
    pub is_factory: Option<bool>,
}

impl TeamDetail {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    pub fn tool_list(&self) -> &[ToolInfo] {
        self.tools.as_ref().map(|t| t.tools.as_slice()).unwrap_or(&[])
    }
}

/// One step of a workflow. Steps may nest (parallel, loop, condition, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowStep {
    pub name: Option<String>,
    /// The step's `type` field.
    pub kind: Option<String>,
    pub description: Option<String>,
    pub agent: Option<AgentDetail>,
    pub team: Option<TeamDetail>,
    pub steps: Vec<WorkflowStep>,
}

impl WorkflowStep {
    /// Who executes the step, for display: "agent X", "team Y", or the type.
    pub fn executor_label(&self) -> Option<String> {
        if let Some(a) = &self.agent {
            return Some(format!("Agent: {}", a.display_name()));
        }
        if let Some(t) = &self.team {
            return Some(format!("Team: {}", t.display_name()));
        }
        None
    }
}

/// `GET /workflows` item and `GET /workflows/{id}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowDetail {
    pub id: String,
    pub name: Option<String>,
    pub db_id: Option<String>,
    pub description: Option<String>,
    pub steps: Vec<WorkflowStep>,
    pub workflow_agent: Option<bool>,
    pub is_factory: Option<bool>,
    pub input_schema: Option<Value>,
}

impl WorkflowDetail {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// What a dashboard can talk to: an agent, a team or a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComponentKind {
    Agent,
    Team,
    Workflow,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 3] = [Self::Agent, Self::Team, Self::Workflow];

    /// The REST collection: `agents`, `teams`, `workflows`.
    pub fn collection(self) -> &'static str {
        match self {
            Self::Agent => "agents",
            Self::Team => "teams",
            Self::Workflow => "workflows",
        }
    }
    /// Singular lowercase word as used by `/sessions?type=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Team => "team",
            Self::Workflow => "workflow",
        }
    }
    pub fn from_collection(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.collection() == s || k.as_str() == s)
    }
}

/// The one place a kind is named for people.
impl ComponentKind {
    /// "Agent", "Team", "Workflow": eyebrows, badges, "Agent · Calculator".
    pub fn label(self) -> &'static str {
        match self {
            Self::Agent => "Agent",
            Self::Team => "Team",
            Self::Workflow => "Workflow",
        }
    }
}

/// A run's kind (as its events say) is the kind of component it ran on.
impl From<crate::events::RunKind> for ComponentKind {
    fn from(k: crate::events::RunKind) -> Self {
        use crate::events::RunKind;
        match k {
            RunKind::Agent => Self::Agent,
            RunKind::Team => Self::Team,
            RunKind::Workflow => Self::Workflow,
        }
    }
}

/// Lowercase, as the wire and `/sessions?type=` spell it.
impl Serialize for ComponentKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ComponentKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "agent" => Ok(Self::Agent),
            "team" => Ok(Self::Team),
            "workflow" => Ok(Self::Workflow),
            other => Err(serde::de::Error::unknown_variant(other, &["agent", "team", "workflow"])),
        }
    }
}

// ---------------------------------------------------------------------------
// Lenient readers (built on `crate::json`): a missing field or one of an
// unexpected type reads as absent / empty / default; unknown fields are ignored.

fn string(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_default()
}

fn count(v: &Value, key: &str) -> Option<u32> {
    v.get(key).and_then(as_u64).and_then(|n| u32::try_from(n).ok())
}

/// Any JSON field except `null`, as it is.
fn raw(v: &Value, key: &str) -> Option<Value> {
    v.get(key).filter(|x| !x.is_null()).cloned()
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// A list of strings (other items are skipped).
fn strings(v: &Value, key: &str) -> Vec<String> {
    array(v, key).iter().filter_map(Value::as_str).map(str::to_string).collect()
}

/// A nested object.
fn obj<T: FromJson>(v: &Value, key: &str) -> Option<T> {
    v.get(key).filter(|x| x.is_object()).map(T::from_json)
}

/// A list of objects (other items are skipped); `None` when not a list.
fn opt_objs<T: FromJson>(v: &Value, key: &str) -> Option<Vec<T>> {
    let items = v.get(key)?.as_array()?;
    Some(items.iter().filter(|x| x.is_object()).map(T::from_json).collect())
}

fn objs<T: FromJson>(v: &Value, key: &str) -> Vec<T> {
    opt_objs(v, key).unwrap_or_default()
}

/// `Deserialize` through a `Value` and the type's [`FromJson`] reader; only a
/// body that is not a JSON object is an error.
macro_rules! deserialize_via_json {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = Value::deserialize(d)?;
                if !v.is_object() {
                    return Err(serde::de::Error::custom("expected a JSON object"));
                }
                Ok(<$t>::from_json(&v))
            }
        }
    )*};
}

deserialize_via_json!(
    Health, OsInfo, ModelRef, DomainDb, DomainDisplay, Domain, KnowledgeInstance, KnowledgeDomain,
    ComponentSummary, OsConfig, ModelInfo, ToolInfo, ToolsSection, SessionsSection, KnowledgeSection,
    MemorySection, ReasoningSection, SystemMessageSection, AgentDetail, TeamDetail, WorkflowStep,
    WorkflowDetail,
);

impl FromJson for Health {
    fn from_json(v: &Value) -> Self {
        Health { status: string(v, "status"), instantiated_at: text(v, "instantiated_at") }
    }
}

impl FromJson for OsInfo {
    fn from_json(v: &Value) -> Self {
        OsInfo {
            os_id: text(v, "os_id"),
            name: text(v, "name"),
            os_version: text(v, "os_version"),
            agno_version: text(v, "agno_version"),
            agent_count: count(v, "agent_count"),
            team_count: count(v, "team_count"),
            workflow_count: count(v, "workflow_count"),
            auth_mode: text(v, "auth_mode"),
            user_isolation: flag(v, "user_isolation"),
            mcp: raw(v, "mcp"),
        }
    }
}

impl FromJson for ModelRef {
    fn from_json(v: &Value) -> Self {
        ModelRef { id: text(v, "id"), provider: text(v, "provider") }
    }
}

impl FromJson for DomainDb {
    fn from_json(v: &Value) -> Self {
        DomainDb {
            db_id: string(v, "db_id"),
            domain_config: obj(v, "domain_config"),
            tables: strings(v, "tables"),
        }
    }
}

impl FromJson for DomainDisplay {
    fn from_json(v: &Value) -> Self {
        DomainDisplay { display_name: text(v, "display_name") }
    }
}

impl FromJson for Domain {
    fn from_json(v: &Value) -> Self {
        Domain { dbs: objs(v, "dbs") }
    }
}

impl FromJson for KnowledgeInstance {
    fn from_json(v: &Value) -> Self {
        KnowledgeInstance {
            id: string(v, "id"),
            name: text(v, "name"),
            description: text(v, "description"),
            db_id: text(v, "db_id"),
            table: text(v, "table"),
        }
    }
}

impl FromJson for KnowledgeDomain {
    fn from_json(v: &Value) -> Self {
        KnowledgeDomain { dbs: objs(v, "dbs"), knowledge_instances: objs(v, "knowledge_instances") }
    }
}

impl FromJson for ComponentSummary {
    fn from_json(v: &Value) -> Self {
        ComponentSummary {
            id: string(v, "id"),
            name: text(v, "name"),
            description: text(v, "description"),
            db_id: text(v, "db_id"),
            model: obj(v, "model"),
            mode: text(v, "mode"),
        }
    }
}

impl FromJson for OsConfig {
    fn from_json(v: &Value) -> Self {
        OsConfig {
            os_id: text(v, "os_id"),
            name: text(v, "name"),
            description: text(v, "description"),
            available_models: objs(v, "available_models"),
            os_database: text(v, "os_database"),
            databases: strings(v, "databases"),
            session: obj(v, "session"),
            metrics: obj(v, "metrics"),
            memory: obj(v, "memory"),
            knowledge: obj(v, "knowledge"),
            evals: obj(v, "evals"),
            traces: obj(v, "traces"),
            agents: objs(v, "agents"),
            teams: objs(v, "teams"),
            workflows: objs(v, "workflows"),
            interfaces: array(v, "interfaces").to_vec(),
        }
    }
}

impl FromJson for ModelInfo {
    fn from_json(v: &Value) -> Self {
        ModelInfo { name: text(v, "name"), model: text(v, "model"), provider: text(v, "provider") }
    }
}

impl FromJson for ToolInfo {
    fn from_json(v: &Value) -> Self {
        ToolInfo {
            name: string(v, "name"),
            description: text(v, "description"),
            parameters: v.get("parameters").cloned().unwrap_or(Value::Null),
            requires_confirmation: flag(v, "requires_confirmation"),
            external_execution: flag(v, "external_execution"),
            requires_user_input: flag(v, "requires_user_input"),
        }
    }
}

impl FromJson for ToolsSection {
    fn from_json(v: &Value) -> Self {
        ToolsSection { tools: objs(v, "tools") }
    }
}

impl FromJson for SessionsSection {
    fn from_json(v: &Value) -> Self {
        SessionsSection {
            session_table: text(v, "session_table"),
            add_history_to_context: flag(v, "add_history_to_context"),
            num_history_runs: count(v, "num_history_runs"),
        }
    }
}

impl FromJson for KnowledgeSection {
    fn from_json(v: &Value) -> Self {
        KnowledgeSection { db_id: text(v, "db_id"), knowledge_table: text(v, "knowledge_table") }
    }
}

impl FromJson for MemorySection {
    fn from_json(v: &Value) -> Self {
        MemorySection {
            update_memory_on_run: flag(v, "update_memory_on_run"),
            enable_agentic_memory: flag(v, "enable_agentic_memory"),
            memory_table: text(v, "memory_table"),
            model: obj(v, "model"),
        }
    }
}

impl FromJson for ReasoningSection {
    fn from_json(v: &Value) -> Self {
        ReasoningSection {
            reasoning: flag(v, "reasoning"),
            reasoning_model: obj(v, "reasoning_model"),
            reasoning_min_steps: count(v, "reasoning_min_steps"),
            reasoning_max_steps: count(v, "reasoning_max_steps"),
        }
    }
}

impl FromJson for SystemMessageSection {
    fn from_json(v: &Value) -> Self {
        SystemMessageSection {
            description: text(v, "description"),
            instructions: raw(v, "instructions"),
            expected_output: text(v, "expected_output"),
            system_message: text(v, "system_message"),
        }
    }
}

impl FromJson for AgentDetail {
    fn from_json(v: &Value) -> Self {
        AgentDetail {
            id: string(v, "id"),
            name: text(v, "name"),
            db_id: text(v, "db_id"),
            description: text(v, "description"),
            role: text(v, "role"),
            model: obj(v, "model"),
            tools: obj(v, "tools"),
            sessions: obj(v, "sessions"),
            knowledge: obj(v, "knowledge"),
            memory: obj(v, "memory"),
            reasoning: obj(v, "reasoning"),
            system_message: obj(v, "system_message"),
            is_factory: flag(v, "is_factory"),
            is_component: flag(v, "is_component"),
            members: opt_objs(v, "members"),
            mode: text(v, "mode"),
        }
    }
}

impl FromJson for TeamDetail {
    fn from_json(v: &Value) -> Self {
        TeamDetail {
            id: string(v, "id"),
            name: text(v, "name"),
            db_id: text(v, "db_id"),
            description: text(v, "description"),
            mode: text(v, "mode"),
            model: obj(v, "model"),
            tools: obj(v, "tools"),
            sessions: obj(v, "sessions"),
            knowledge: obj(v, "knowledge"),
            memory: obj(v, "memory"),
            reasoning: obj(v, "reasoning"),
            system_message: obj(v, "system_message"),
            members: objs(v, "members"),
            is_factory: flag(v, "is_factory"),
        }
    }
}

impl FromJson for WorkflowStep {
    fn from_json(v: &Value) -> Self {
        WorkflowStep {
            name: text(v, "name"),
            kind: text(v, "type"),
            description: text(v, "description"),
            agent: obj(v, "agent"),
            team: obj(v, "team"),
            steps: objs(v, "steps"),
        }
    }
}

impl FromJson for WorkflowDetail {
    fn from_json(v: &Value) -> Self {
        WorkflowDetail {
            id: string(v, "id"),
            name: text(v, "name"),
            db_id: text(v, "db_id"),
            description: text(v, "description"),
            steps: objs(v, "steps"),
            workflow_agent: flag(v, "workflow_agent"),
            is_factory: flag(v, "is_factory"),
            input_schema: raw(v, "input_schema"),
        }
    }
}

//! Wire types for discovering what an AgentOS is configured with:
//! `/health`, `/info`, `/config`, `/agents`, `/teams`, `/workflows`.
//!
//! Every struct is tolerant: unknown fields are ignored, missing fields take
//! their default, a field of an unexpected type reads as absent, and
//! free-form parts (tool parameter schemas, instructions that may be a string
//! or a list) stay as [`serde_json::Value`]. A newer AgentOS that adds fields
//! must never break discovery.
//!
//! Each type is declared once with [`wire!`](crate::wire): its fields, the
//! wire key each reads and the lenient reader of [`crate::json`] that reads
//! it ([`FromJson`]). The types also implement [`Deserialize`] (so
//! `serde_json::from_str::<AgentDetail>` works) by parsing a
//! [`serde_json::Value`] and reading it with [`FromJson`], not with
//! `#[derive(Deserialize)]`: same tolerance, a fraction of the wasm code size.
//! Only a body that is not a JSON object is an error.

use crate::json::{any, count, flag, list, obj, objs, opt_objs, raw, string, strings, text, FromJson};
use crate::wire::wire;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

wire! {
    /// `GET /health`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Health {
        pub status: String = string("status"),
        pub instantiated_at: Option<String> = text("instantiated_at"),
    }
}

wire! {
    /// `GET /info`: open even when a security key is set.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct OsInfo {
        pub os_id: Option<String> = text("os_id"),
        pub name: Option<String> = text("name"),
        pub os_version: Option<String> = text("os_version"),
        pub agno_version: Option<String> = text("agno_version"),
        pub agent_count: Option<u32> = count("agent_count"),
        pub team_count: Option<u32> = count("team_count"),
        pub workflow_count: Option<u32> = count("workflow_count"),
        /// `"none"` or `"security_key"` (others may appear: kept as text).
        pub auth_mode: Option<String> = text("auth_mode"),
        pub user_isolation: Option<bool> = flag("user_isolation"),
        pub mcp: Option<Value> = raw("mcp"),
    }
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

wire! {
    /// `{id, provider}` in `/config`'s `available_models` and component summaries.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ModelRef {
        pub id: Option<String> = text("id"),
        pub provider: Option<String> = text("provider"),
    }
}

wire! {
    /// A database entry under a domain of `/config` (session, memory, ...).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct DomainDb {
        pub db_id: String = string("db_id"),
        pub domain_config: Option<DomainDisplay> = obj("domain_config"),
        pub tables: Vec<String> = strings("tables"),
    }
}

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct DomainDisplay {
        pub display_name: Option<String> = text("display_name"),
    }
}

wire! {
    /// One domain of `/config` (`session`, `metrics`, `memory`, ...).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Domain {
        pub dbs: Vec<DomainDb> = objs("dbs"),
    }
}

wire! {
    /// A knowledge base as listed in `/config` → `knowledge.knowledge_instances`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct KnowledgeInstance {
        pub id: String = string("id"),
        pub name: Option<String> = text("name"),
        pub description: Option<String> = text("description"),
        pub db_id: Option<String> = text("db_id"),
        pub table: Option<String> = text("table"),
    }
}

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct KnowledgeDomain {
        pub dbs: Vec<DomainDb> = objs("dbs"),
        pub knowledge_instances: Vec<KnowledgeInstance> = objs("knowledge_instances"),
    }
}

wire! {
    /// The summary of an agent, team or workflow inside `/config`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ComponentSummary {
        pub id: String = string("id"),
        pub name: Option<String> = text("name"),
        pub description: Option<String> = text("description"),
        pub db_id: Option<String> = text("db_id"),
        pub model: Option<ModelRef> = obj("model"),
        /// Teams only: `coordinate`, `route`, `collaborate`, ...
        pub mode: Option<String> = text("mode"),
    }
}

wire! {
    /// `GET /config`: everything the UI needs to bootstrap.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct OsConfig {
        pub os_id: Option<String> = text("os_id"),
        pub name: Option<String> = text("name") optional,
        pub description: Option<String> = text("description"),
        pub available_models: Vec<ModelRef> = objs("available_models"),
        pub os_database: Option<String> = text("os_database"),
        pub databases: Vec<String> = strings("databases"),
        pub session: Option<Domain> = obj("session"),
        pub metrics: Option<Domain> = obj("metrics"),
        pub memory: Option<Domain> = obj("memory"),
        pub knowledge: Option<KnowledgeDomain> = obj("knowledge"),
        pub evals: Option<Domain> = obj("evals"),
        pub traces: Option<Domain> = obj("traces"),
        pub agents: Vec<ComponentSummary> = objs("agents"),
        pub teams: Vec<ComponentSummary> = objs("teams"),
        pub workflows: Vec<ComponentSummary> = objs("workflows"),
        /// Interfaces (Slack, WhatsApp, AG-UI, ...): shapes vary, kept raw.
        pub interfaces: Vec<Value> = list("interfaces"),
    }
}

impl OsConfig {
    /// Keeps the first knowledge base of each id. agno 3.1.10 lists every
    /// knowledge base once more on each `/config` request when the server
    /// configures the knowledge domain (`AgentOSConfig(knowledge=KnowledgeConfig(..))`,
    /// e.g. for database display names): its list grows without end.
    pub fn drop_repeated_knowledge(&mut self) {
        if let Some(k) = self.knowledge.as_mut() {
            let mut seen = std::collections::HashSet::new();
            k.knowledge_instances.retain(|b| seen.insert(b.id.clone()));
        }
    }

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

wire! {
    /// `{name, model, provider}` as in the component detail responses.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ModelInfo {
        pub name: Option<String> = text("name"),
        pub model: Option<String> = text("model"),
        pub provider: Option<String> = text("provider"),
    }
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

wire! {
    /// One tool a component can call.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ToolInfo {
        pub name: String = string("name"),
        pub description: Option<String> = text("description"),
        /// JSON schema of the parameters (empty for some toolkits).
        pub parameters: Value = any("parameters"),
        pub requires_confirmation: Option<bool> = flag("requires_confirmation"),
        pub external_execution: Option<bool> = flag("external_execution"),
        pub requires_user_input: Option<bool> = flag("requires_user_input") optional,
    }
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

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ToolsSection {
        pub tools: Vec<ToolInfo> = objs("tools"),
    }
}

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SessionsSection {
        pub session_table: Option<String> = text("session_table"),
        pub add_history_to_context: Option<bool> = flag("add_history_to_context"),
        pub num_history_runs: Option<u32> = count("num_history_runs") optional,
    }
}

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct KnowledgeSection {
        pub db_id: Option<String> = text("db_id"),
        pub knowledge_table: Option<String> = text("knowledge_table"),
    }
}

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct MemorySection {
        pub update_memory_on_run: Option<bool> = flag("update_memory_on_run"),
        pub enable_agentic_memory: Option<bool> = flag("enable_agentic_memory") optional,
        pub memory_table: Option<String> = text("memory_table"),
        pub model: Option<ModelInfo> = obj("model"),
    }
}

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ReasoningSection {
        pub reasoning: Option<bool> = flag("reasoning"),
        pub reasoning_model: Option<ModelInfo> = obj("reasoning_model"),
        pub reasoning_min_steps: Option<u32> = count("reasoning_min_steps") optional,
        pub reasoning_max_steps: Option<u32> = count("reasoning_max_steps") optional,
    }
}

wire! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SystemMessageSection {
        pub description: Option<String> = text("description"),
        /// A string or a list of strings.
        pub instructions: Option<Value> = raw("instructions"),
        pub expected_output: Option<String> = text("expected_output") optional,
        pub system_message: Option<String> = text("system_message") optional,
    }
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

wire! {
    /// `GET /agents` item and `GET /agents/{id}`; also team members.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct AgentDetail {
        pub id: String = string("id"),
        pub name: Option<String> = text("name"),
        pub db_id: Option<String> = text("db_id"),
        pub description: Option<String> = text("description"),
        pub role: Option<String> = text("role"),
        pub model: Option<ModelInfo> = obj("model"),
        pub tools: Option<ToolsSection> = obj("tools"),
        pub sessions: Option<SessionsSection> = obj("sessions"),
        pub knowledge: Option<KnowledgeSection> = obj("knowledge"),
        pub memory: Option<MemorySection> = obj("memory"),
        pub reasoning: Option<ReasoningSection> = obj("reasoning"),
        pub system_message: Option<SystemMessageSection> = obj("system_message"),
        pub is_factory: Option<bool> = flag("is_factory"),
        pub is_component: Option<bool> = flag("is_component"),
        /// Present when a team member is itself a team.
        pub members: Option<Vec<AgentDetail>> = opt_objs("members") optional,
        pub mode: Option<String> = text("mode") optional,
    }
}

impl AgentDetail {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    pub fn tool_list(&self) -> &[ToolInfo] {
        self.tools.as_ref().map(|t| t.tools.as_slice()).unwrap_or(&[])
    }
}

wire! {
    /// `GET /teams` item and `GET /teams/{id}`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct TeamDetail {
        pub id: String = string("id"),
        pub name: Option<String> = text("name"),
        pub db_id: Option<String> = text("db_id"),
        pub description: Option<String> = text("description"),
        pub mode: Option<String> = text("mode"),
        pub model: Option<ModelInfo> = obj("model"),
        pub tools: Option<ToolsSection> = obj("tools"),
        pub sessions: Option<SessionsSection> = obj("sessions"),
        pub knowledge: Option<KnowledgeSection> = obj("knowledge") optional,
        pub memory: Option<MemorySection> = obj("memory") optional,
        pub reasoning: Option<ReasoningSection> = obj("reasoning"),
        pub system_message: Option<SystemMessageSection> = obj("system_message"),
        /// Members are full agent (or team) responses.
        pub members: Vec<AgentDetail> = objs("members"),
        pub is_factory: Option<bool> = flag("is_factory"),
    }
}

impl TeamDetail {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    pub fn tool_list(&self) -> &[ToolInfo] {
        self.tools.as_ref().map(|t| t.tools.as_slice()).unwrap_or(&[])
    }
}

wire! {
    /// One step of a workflow. Steps may nest (parallel, loop, condition, ...).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct WorkflowStep {
        pub name: Option<String> = text("name"),
        /// The step's `type` field.
        pub kind: Option<String> = text("type"),
        pub description: Option<String> = text("description"),
        pub agent: Option<AgentDetail> = obj("agent"),
        pub team: Option<TeamDetail> = obj("team") optional,
        pub steps: Vec<WorkflowStep> = objs("steps") optional,
    }
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

wire! {
    /// `GET /workflows` item and `GET /workflows/{id}`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct WorkflowDetail {
        pub id: String = string("id"),
        pub name: Option<String> = text("name"),
        pub db_id: Option<String> = text("db_id"),
        pub description: Option<String> = text("description"),
        pub steps: Vec<WorkflowStep> = objs("steps"),
        pub workflow_agent: Option<bool> = flag("workflow_agent"),
        pub is_factory: Option<bool> = flag("is_factory"),
        pub input_schema: Option<Value> = raw("input_schema") optional,
    }
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

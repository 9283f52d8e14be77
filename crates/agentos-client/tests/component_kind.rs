//! `ComponentKind`: the one label of each kind, and a run's kind as a
//! component kind.

use agentos_client::events::RunKind;
use agentos_client::ComponentKind;

#[test]
fn each_kind_has_one_label() {
    let labels: Vec<_> = ComponentKind::ALL.into_iter().map(ComponentKind::label).collect();
    assert_eq!(labels, ["Agent", "Team", "Workflow"]);
}

#[test]
fn a_runs_kind_is_its_components_kind() {
    assert_eq!(ComponentKind::from(RunKind::Agent), ComponentKind::Agent);
    assert_eq!(ComponentKind::from(RunKind::Team), ComponentKind::Team);
    assert_eq!(ComponentKind::from(RunKind::Workflow), ComponentKind::Workflow);
    // The REST collection follows: a stored team run is under /teams.
    assert_eq!(ComponentKind::from(RunKind::Team).collection(), "teams");
}

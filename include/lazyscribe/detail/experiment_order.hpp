#pragma once
// Python's ordering of experiments, in one place: basic_experiment::sorts_before and the
// summaries of summary.hpp both use it, and basic_project and read_summary insert with it.

namespace lazyscribe::detail {

// a sorts before b: same slug → by last_updated, otherwise by created_at. A and B have
// slug(), last_updated() and created_at() (an experiment, an experiment_summary).
template <class A, class B>
[[nodiscard]] bool sorts_before(const A& a, const B& b) noexcept {
    return a.slug() == b.slug() ? a.last_updated() < b.last_updated() : a.created_at() < b.created_at();
}

}  // namespace lazyscribe::detail

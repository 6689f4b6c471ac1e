#pragma once
// The query language of `lazyscribe list --where` and of the viewer's filter box
// (docs/query.md): comparisons of metrics, parameters, tags and the experiment's fields,
// joined with and, or, not and parentheses. The viewer's page carries the same grammar in
// JavaScript; tests/viewer checks that both select the same experiments.

#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <lazyscribe/json.hpp>

namespace lazyscribe::cli {

/// A query that does not parse, or names a field no experiment has. what() is the message the
/// user sees ("query: ...").
class query_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// What a query looks at in one experiment. Pointers stay owned by the caller.
struct query_subject {
    std::string_view name, author, slug, short_slug, status, created_at, last_updated, project;
    const std::vector<std::string>* tags = nullptr;
    const json* metrics = nullptr;
    const json* parameters = nullptr;
};

/// The metric and parameter names there are (parameters with dotted names for nested objects),
/// against which a query's fields are checked.
struct query_fields {
    std::set<std::string, std::less<>> metrics;
    std::set<std::string, std::less<>> parameters;
    /// False when there is nothing to look at (an empty project): no field is then unknown.
    bool checked = true;
    /// Adds the names of one experiment's metrics and parameters.
    void add(const json& metrics, const json& parameters);
};

/// A parsed, checked query.
class query {
public:
    /// Parses `text` and checks its fields against `fields`; query_error says what is wrong.
    query(std::string_view text, const query_fields& fields);
    ~query();
    query(query&&) noexcept;
    query& operator=(query&&) noexcept;

    [[nodiscard]] bool matches(const query_subject& subject) const;

    struct node;

private:
    std::unique_ptr<node> root_;
};

/// The value at a dotted name in a JSON object ("optimizer.name" in {"optimizer": {"name": ..}}),
/// trying the whole name as one key first; nullptr when there is none.
const json* find_dotted(const json& object, std::string_view dotted);

/// The query that an old-style --filter expression means (tag=X, author=X, name=X, KEY>N, ...):
/// a metric comparison falls back to a parameter of that name when no experiment has the metric.
std::string filter_as_query(const std::string& filter, const query_fields& fields);

}  // namespace lazyscribe::cli

// The query language (query.hpp, docs/query.md): a tokenizer, a recursive-descent parser into a
// small tree, a check of the fields against the names there are, and the evaluation.

#include "query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>

#include "support.hpp"

namespace lazyscribe::cli {

namespace {

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == ':' || c == '+' ||
           c == '-' || (static_cast<unsigned char>(c) >= 0x80);  // UTF-8 in names and values
}

std::optional<double> parse_number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    // strtod also takes "inf", "nan" and hex: a query number is decimal only.
    for (const char c : s) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-' && c != '+' && c != 'e' &&
            c != 'E')
            return std::nullopt;
    }
    if (std::isdigit(static_cast<unsigned char>(s.front())) == 0 && s.front() != '-' && s.front() != '+' &&
        s.front() != '.')
        return std::nullopt;
    const std::string text(s);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return std::nullopt;
    return v;
}

enum class token_kind { word, string, op, lparen, rparen, end };

struct token {
    token_kind kind{};
    std::string text;  // a word or string's text (unquoted), an operator
    std::size_t column = 0;  // from 1
    bool quoted_name = false;  // a word whose last part was `back-quoted`
};

std::string at(std::size_t column) { return " at column " + std::to_string(column); }

std::vector<token> tokenize(std::string_view text) {
    std::vector<token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const std::size_t column = i + 1;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
        } else if (c == '(' || c == ')') {
            out.push_back({c == '(' ? token_kind::lparen : token_kind::rparen, std::string(1, c), column});
            ++i;
        } else if (c == '"' || c == '\'') {
            std::string value;
            std::size_t j = i + 1;
            for (; j < text.size() && text[j] != c; ++j) {
                if (text[j] == '\\' && j + 1 < text.size()) ++j;  // \" and \\ inside a string
                value += text[j];
            }
            if (j >= text.size()) throw query_error("query: unterminated string" + at(column));
            out.push_back({token_kind::string, std::move(value), column});
            i = j + 1;
        } else if (c == '=' || c == '!' || c == '<' || c == '>' || c == '~') {
            std::string op(1, c);
            // "~=" is "~" then "=" (an error), not a two-character operator
            if (i + 1 < text.size() && ((text[i + 1] == '=' && c != '~') || (c == '!' && text[i + 1] == '~')))
                op += text[i + 1];
            if (op == "!") throw query_error("query: '!' must be followed by '=' or '~'" + at(column));
            out.push_back({token_kind::op, op, column});
            i += op.size();
        } else if (c == '`' || word_char(c)) {
            token t{token_kind::word, "", column};
            while (i < text.size() && (word_char(text[i]) || text[i] == '`')) {
                if (text[i] == '`') {
                    const auto close = text.find('`', i + 1);
                    if (close == std::string_view::npos) throw query_error("query: unterminated `name`" + at(i + 1));
                    t.text.append(text.substr(i + 1, close - i - 1));
                    t.quoted_name = true;
                    i = close + 1;
                } else {
                    t.text += text[i++];
                }
            }
            out.push_back(std::move(t));
        } else {
            throw query_error("query: unexpected character '" + printable(std::string(1, c)) + "'" + at(column));
        }
    }
    out.push_back({token_kind::end, "", text.size() + 1});
    return out;
}

enum class op { eq, ne, lt, le, gt, ge, contains, not_contains };

op parse_op(const std::string& text) {
    if (text == "=" || text == "==") return op::eq;
    if (text == "!=") return op::ne;
    if (text == "<") return op::lt;
    if (text == "<=") return op::le;
    if (text == ">") return op::gt;
    if (text == ">=") return op::ge;
    if (text == "~") return op::contains;
    return op::not_contains;  // "!~": the tokenizer makes no other
}

enum class field_kind { metric, parameter, tag, name, author, status, slug, created_at, last_updated, project };

enum class value_kind { number, text, boolean, null };

constexpr std::string_view known_fields =
    "metrics.NAME, params.NAME, tag, name, author, status, slug, created_at, last_updated, project";

std::string listed(const std::set<std::string, std::less<>>& names) {
    std::string out;
    std::size_t n = 0;
    for (const auto& name : names) {
        if (n == 10) return out + ", ...";
        if (n++ > 0) out += ", ";
        out += printable(name);
    }
    return out.empty() ? "none" : out;
}

template <class T>
bool compare(op o, const T& a, const T& b) {
    switch (o) {
    case op::eq:
        return a == b;
    case op::ne:
        return a != b;
    case op::lt:
        return a < b;
    case op::le:
        return a <= b;
    case op::gt:
        return a > b;
    case op::ge:
        return a >= b;
    default:
        return false;
    }
}

bool contains_folded(std::string_view hay, const std::string& needle_lower) {
    return lower_ascii(hay).find(needle_lower) != std::string::npos;
}

}  // namespace

struct query::node {
    enum class kind { all, any, negate, compare } what{};
    std::vector<std::unique_ptr<node>> children;
    // A comparison:
    field_kind field{};
    std::string name;  // the metric or parameter
    op compare_op{};
    value_kind value{};
    std::string text;        // the value's text
    std::string text_lower;  // for ~ and !~
    double number = 0;
    bool boolean = false;

    [[nodiscard]] bool eval(const query_subject& s) const;
    [[nodiscard]] bool eval_json(const json* v) const;
    [[nodiscard]] bool eval_text(std::string_view v) const;
};

bool query::node::eval_text(std::string_view v) const {
    switch (compare_op) {
    case op::contains:
        return contains_folded(v, text_lower);
    case op::not_contains:
        return !contains_folded(v, text_lower);
    default:
        return compare(compare_op, v, std::string_view(text));
    }
}

bool query::node::eval_json(const json* v) const {
    if (v != nullptr && v->is_null()) v = nullptr;  // a stored null is no value, as in the page
    if (value == value_kind::null) return compare_op == op::eq ? v == nullptr : v != nullptr;
    if (v == nullptr) return false;
    switch (value) {
    case value_kind::boolean:
        return v->is_boolean() && compare(compare_op, v->get<bool>(), boolean);
    case value_kind::number:
        if (compare_op != op::contains && compare_op != op::not_contains) {
            const auto d = is_number(*v) ? to_double(*v) : std::nullopt;
            return d && compare(compare_op, *d, number);
        }
        [[fallthrough]];
    default:
        return v->is_string() && eval_text(v->get_ref<const std::string&>());
    }
}

bool query::node::eval(const query_subject& s) const {
    switch (what) {
    case kind::all:
        return std::all_of(children.begin(), children.end(), [&](const auto& c) { return c->eval(s); });
    case kind::any:
        return std::any_of(children.begin(), children.end(), [&](const auto& c) { return c->eval(s); });
    case kind::negate:
        return !children.front()->eval(s);
    case kind::compare:
        break;
    }
    switch (field) {
    case field_kind::metric:
        return eval_json(s.metrics == nullptr ? nullptr : find_dotted(*s.metrics, name));
    case field_kind::parameter:
        return eval_json(s.parameters == nullptr ? nullptr : find_dotted(*s.parameters, name));
    case field_kind::tag: {
        // The status tag is the status field's business (status = running): tags are the user's.
        static const std::vector<std::string> none;
        const auto& tags = s.tags == nullptr ? none : *s.tags;
        const auto shown = [](const std::string& t) { return !t.starts_with("lazyscribe.status="); };
        const auto equal = [&](const std::string& t) { return shown(t) && t == text; };
        switch (compare_op) {
        case op::eq:
            return std::any_of(tags.begin(), tags.end(), equal);
        case op::ne:
            return std::none_of(tags.begin(), tags.end(), equal);
        case op::contains:
            return std::any_of(tags.begin(), tags.end(),
                               [&](const auto& t) { return shown(t) && contains_folded(t, text_lower); });
        default:  // !~ (the parser allows no other)
            return std::none_of(tags.begin(), tags.end(),
                                [&](const auto& t) { return shown(t) && contains_folded(t, text_lower); });
        }
    }
    case field_kind::slug:
        if (compare_op == op::eq) return s.slug == text || s.short_slug == text;
        if (compare_op == op::ne) return s.slug != text && s.short_slug != text;
        return eval_text(s.slug);
    case field_kind::name:
        return eval_text(s.name);
    case field_kind::author:
        return eval_text(s.author);
    case field_kind::status:
        return eval_text(s.status);
    case field_kind::created_at:
        return eval_text(s.created_at);
    case field_kind::last_updated:
        return eval_text(s.last_updated);
    case field_kind::project:
        return eval_text(s.project);
    }
    return false;
}

namespace {

class parser {
public:
    parser(std::vector<token> tokens, const query_fields& fields) : tokens_(std::move(tokens)), fields_(fields) {}

    std::unique_ptr<query::node> parse() {
        if (peek().kind == token_kind::end) throw query_error("query: empty query");
        auto root = or_expr();
        if (peek().kind != token_kind::end) {
            throw query_error("query: expected 'and', 'or' or the end, not '" + printable(peek().text) + "'" +
                              at(peek().column));
        }
        return root;
    }

private:
    using node = query::node;

    const token& peek() const { return tokens_[pos_]; }
    const token& next() { return tokens_[pos_++]; }
    bool keyword(std::string_view word) const {
        return peek().kind == token_kind::word && !peek().quoted_name && lower_ascii(peek().text) == word;
    }

    std::unique_ptr<node> joined(node::kind kind, std::string_view word, std::unique_ptr<node> (parser::*part)()) {
        auto first = (this->*part)();
        if (!keyword(word)) return first;
        auto joint = std::make_unique<node>();
        joint->what = kind;
        joint->children.push_back(std::move(first));
        while (keyword(word)) {
            ++pos_;
            joint->children.push_back((this->*part)());
        }
        return joint;
    }
    std::unique_ptr<node> or_expr() { return joined(node::kind::any, "or", &parser::and_expr); }
    std::unique_ptr<node> and_expr() { return joined(node::kind::all, "and", &parser::unary); }

    std::unique_ptr<node> unary() {
        if (keyword("not")) {
            ++pos_;
            auto n = std::make_unique<node>();
            n->what = node::kind::negate;
            n->children.push_back(unary());
            return n;
        }
        if (peek().kind == token_kind::lparen) {
            const auto column = next().column;
            auto inner = or_expr();
            if (peek().kind != token_kind::rparen)
                throw query_error("query: expected ')' to close the '(' at column " + std::to_string(column) +
                                  at(peek().column));
            ++pos_;
            return inner;
        }
        return comparison();
    }

    std::unique_ptr<node> comparison() {
        const token& f = next();
        if (f.kind != token_kind::word) {
            throw query_error(f.kind == token_kind::end ? "query: expected a field" + at(f.column)
                                                        : "query: expected a field, not '" + printable(f.text) +
                                                              "'" + at(f.column));
        }
        auto n = std::make_unique<node>();
        n->what = node::kind::compare;
        field(*n, f);
        const token& o = next();
        if (o.kind != token_kind::op)
            throw query_error("query: expected an operator (=, !=, <, <=, >, >=, ~, !~) after '" + printable(f.text) +
                              "'" + at(o.column));
        n->compare_op = parse_op(o.text);
        const token& v = next();
        if (v.kind != token_kind::word && v.kind != token_kind::string)
            throw query_error("query: expected a value after '" + o.text + "'" + at(v.column));
        value(*n, v, o);
        return n;
    }

    void field(node& n, const token& t) {
        const std::string& text = t.text;
        const auto named = [&](std::string_view prefix, field_kind kind, const auto& names, std::string_view noun,
                               std::string_view plural) {
            n.field = kind;
            n.name = text.substr(prefix.size());
            if (n.name.empty()) throw query_error("query: '" + printable(text) + "' needs a name" + at(t.column));
            if (fields_.checked && names.find(n.name) == names.end()) {
                throw query_error("query: unknown field '" + printable(text) + "': no experiment has that " +
                                  std::string(noun) + " (" + std::string(plural) + ": " + listed(names) + ")");
            }
        };
        if (text.starts_with("metrics.")) {
            named("metrics.", field_kind::metric, fields_.metrics, "metric", "metrics");
        } else if (text.starts_with("params.")) {
            named("params.", field_kind::parameter, fields_.parameters, "parameter", "params");
        } else if (text.starts_with("parameters.")) {
            named("parameters.", field_kind::parameter, fields_.parameters, "parameter", "params");
        } else {
            static constexpr std::pair<std::string_view, field_kind> plain[] = {
                {"tag", field_kind::tag},
                {"tags", field_kind::tag},
                {"name", field_kind::name},
                {"author", field_kind::author},
                {"status", field_kind::status},
                {"slug", field_kind::slug},
                {"created_at", field_kind::created_at},
                {"last_updated", field_kind::last_updated},
                {"project", field_kind::project}};
            const auto* found = std::find_if(std::begin(plain), std::end(plain),
                                             [&](const auto& p) { return !t.quoted_name && p.first == text; });
            if (found == std::end(plain)) {
                throw query_error("query: unknown field '" + printable(text) + "' (fields: " +
                                  std::string(known_fields) + ")");
            }
            n.field = found->second;
        }
    }

    void value(node& n, const token& v, const token& o) {
        n.text = v.text;
        n.text_lower = lower_ascii(v.text);
        n.value = value_kind::text;
        if (v.kind == token_kind::word) {
            const std::string word = lower_ascii(v.text);
            if (word == "true" || word == "false") {
                n.value = value_kind::boolean;
                n.boolean = word == "true";
            } else if (word == "null") {
                n.value = value_kind::null;
            } else if (const auto d = parse_number(v.text)) {
                n.value = value_kind::number;
                n.number = *d;
            }
        }
        const bool json_field = n.field == field_kind::metric || n.field == field_kind::parameter;
        const bool equality = n.compare_op == op::eq || n.compare_op == op::ne;
        if (json_field && (n.value == value_kind::null || n.value == value_kind::boolean) && !equality) {
            throw query_error("query: " + v.text + " compares only with = or !=" + at(o.column));
        }
        if (!json_field) {
            n.value = value_kind::text;  // name = 2024 compares text
            if (n.field == field_kind::tag && !equality && n.compare_op != op::contains &&
                n.compare_op != op::not_contains) {
                throw query_error("query: tag compares with =, !=, ~ or !~, not '" + o.text + "'" + at(o.column));
            }
            if (n.field == field_kind::status && equality && n.text != "finished" && n.text != "running" &&
                n.text != "failed" && n.text != "crashed") {
                throw query_error("query: unknown status '" + printable(n.text) +
                                  "' (finished, running, failed, crashed)");
            }
        }
    }

    std::vector<token> tokens_;
    const query_fields& fields_;
    std::size_t pos_ = 0;
};

void add_names(const json& object, const std::string& prefix, std::set<std::string, std::less<>>& out) {
    if (!object.is_object()) return;
    for (const auto& [key, value] : object.items()) {
        std::string name = prefix + key;
        if (value.is_object() && !value.empty()) add_names(value, name + ".", out);
        out.insert(std::move(name));  // the object itself too: params.optimizer = null works
    }
}

}  // namespace

void query_fields::add(const json& m, const json& p) {
    add_names(m, "", metrics);
    add_names(p, "", parameters);
}

query::query(std::string_view text, const query_fields& fields)
    : root_(parser(tokenize(text), fields).parse()) {}
query::~query() = default;
query::query(query&&) noexcept = default;
query& query::operator=(query&&) noexcept = default;

bool query::matches(const query_subject& subject) const { return root_->eval(subject); }

const json* find_dotted(const json& object, std::string_view dotted) {
    if (!object.is_object()) return nullptr;
    if (const auto it = object.find(dotted); it != object.end()) return &*it;
    // The longest key that is a prefix before a dot, then the rest inside it.
    for (auto dot = dotted.rfind('.'); dot != std::string_view::npos && dot > 0; dot = dotted.rfind('.', dot - 1)) {
        if (const auto it = object.find(dotted.substr(0, dot)); it != object.end() && it->is_object()) {
            if (const json* inner = find_dotted(*it, dotted.substr(dot + 1))) return inner;
        }
    }
    return nullptr;
}

std::string filter_as_query(const std::string& filter, const query_fields& fields) {
    const auto pos = filter.find_first_of("<>=");
    const auto quoted = [](std::string_view s) {
        std::string out = "\"";
        for (const char c : s) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        return out + "\"";
    };
    const std::string key = filter.substr(0, pos);
    if (filter[pos] == '=') {
        const std::string value = filter.substr(pos + 1);
        if (key == "name") return "name ~ " + quoted(value);
        return key + " = " + quoted(value);  // tag, author (main.cpp checked the key)
    }
    const bool metric = fields.metrics.count(key) > 0 || fields.parameters.count(key) == 0;
    return (metric ? "metrics." : "params.") + std::string("`") + key + "` " + filter.substr(pos);
}

}  // namespace lazyscribe::cli

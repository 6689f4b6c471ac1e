#pragma once
/// @file artifact.hpp
/// @brief Artifacts: metadata as Python lazyscribe stores it, plus a value written lazily.
///
/// basic_artifact_set is the artifact list of one experiment or test: `log_artifact<"alias">`
/// checks the alias and the value type at compile time, then stores the value type-erased
/// and writes nothing until `save()`. `load_artifact<T>` resolves the stored alias at run time.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/detail/pyjson_member_writer.hpp>
#include <lazyscribe/detail/pyjson_numbers.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>
#include <lazyscribe/detail/record.hpp>
#include <lazyscribe/detail/stable_vector.hpp>
#include <lazyscribe/detail/slugify.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/detail/type_name.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/fixed_string.hpp>
#include <lazyscribe/fwd.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/json.hpp>
#include <lazyscribe/registry.hpp>
#include <lazyscribe/storage.hpp>

namespace lazyscribe {

/// @brief Options of `log_artifact`.
struct log_options {
    /// @brief File name relative to the owner's folder; empty = `<slug(name)>-<stamp>.<suffix>`.
    std::string fname{};
    /// @brief Replace an artifact already logged under the same name.
    bool overwrite = false;
    /// @brief Writer options passed to the handler's `write` (e.g. `{"indent": 2}` for json).
    /// Like Python lazyscribe, they change the file but are not stored.
    json kwargs = json::object();
};

/// @brief Options of `load_artifact`.
struct load_options {
    /// @brief Compare the stored environment fields with the running ones before reading.
    bool validate = true;
    /// @brief Reader options passed to the handler's `read`.
    json kwargs = json::object();
};

namespace detail {

struct erased_value {
    std::shared_ptr<const void> value;
    const std::type_info* type = nullptr;
    void (*write)(const void*, std::ostream&, const json&) = nullptr;
};

template <class H, class T>
void write_erased(const void* value, std::ostream& out, const json& kwargs) {
    H::write(*static_cast<const T*>(value), out, kwargs);
}

// A string literal is stored as std::string: the lazy write happens long after the call.
template <class T>
using stored_value_t =
    std::conditional_t<std::is_convertible_v<std::decay_t<T>, const char*> &&
                           std::is_same_v<std::remove_cv_t<std::remove_pointer_t<std::decay_t<T>>>, char>,
                       std::string, std::remove_cvref_t<T>>;

/// Fails (value == Writable == false) with the alias, the handler and the value type in view.
template <class Alias, class Handler, class ValueType, bool Writable>
struct handler_can_write_value_type {
    static constexpr bool value = Writable;
};

/// The compile-time half of log_artifact: checks alias and value type with readable
/// messages, then returns the type-erased writer for the run-time half.
template <class Handlers, fixed_string Alias, class T>
constexpr auto checked_writer() {
    constexpr std::size_t index = Handlers::template checked_index<Alias>();
    using H = typename Handlers::template handler_at<index>;
    constexpr bool known = Handlers::contains(Alias.view());
    static_assert(!known || handler_can_write_value_type<alias_name<Alias>, H, T, WritableBy<H, T>>::value,
                  "lazyscribe: log_artifact: the handler cannot write a value of this type (the note below names the "
                  "alias, the handler and the value type); give the type what the handler needs, e.g. to_json for "
                  "\"json\" or serialize for \"cereal\"");
    using writer = void (*)(const void*, std::ostream&, const json&);
    if constexpr (known && WritableBy<H, T>) {
        return std::pair<writer, std::size_t>{&write_erased<H, T>, index};
    } else {
        return std::pair<writer, std::size_t>{nullptr, index};
    }
}

/// A handler that records the C++ type of each value in the artifact's metadata, under
/// `H::value_type_key`, and refuses on load a value of another type (cereal does).
template <class H>
concept RecordsValueType = requires {
    { H::value_type_key } -> std::convertible_to<std::string_view>;
    { H::template value_type_name<int>() } -> std::convertible_to<std::string>;
};

/// A handler that records fields of its own with each artifact, chosen at log time from the
/// writer kwargs and kept on load but never compared (pickle's `python_version`: C++ reads
/// every protocol whichever Python wrote it). `recorded_fields(json::object())` gives the
/// defaults, and so the fields' names.
template <class H>
concept RecordsFields = requires(const json& kwargs) {
    { H::recorded_fields(kwargs) } -> std::convertible_to<json>;
};

template <class Alias, class Handler, class ValueType, bool Readable>
struct handler_can_read_value_type {
    static constexpr bool value = Readable;
};

inline std::string default_fname(std::string_view name, time_point created_at, std::string_view suffix,
                                 slug_table table = slug_table::text_unidecode) {
    return slugify(name, table) + "-" + format_stamp(created_at) + "." + std::string(suffix);
}

template <class Handlers>
struct artifact_codec;
}  // namespace detail

/// @brief One artifact: the metadata stored in the project file (docs/format.md §6) and,
/// when it was logged in this session, its value.
class artifact {
public:
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// @brief The handler alias ("json", "cereal", or one the program does not know).
    [[nodiscard]] const std::string& handler() const noexcept { return handler_; }
    /// @brief File name relative to the owner's folder.
    [[nodiscard]] const std::string& fname() const noexcept { return fname_; }
    [[nodiscard]] time_point created_at() const noexcept { return created_at_; }
    [[nodiscard]] const std::optional<time_point>& expiry() const noexcept { return expiry_; }
    /// @brief The version number; 0 when the file stores `"version": null`.
    [[nodiscard]] long long version() const noexcept { return version_; }
    /// @brief Whether the file stores `"version": null`, as a custom Python handler whose
    /// `construct` defaults `version` to None writes it; it is written back as null.
    [[nodiscard]] bool version_is_null() const noexcept { return null_version_; }
    /// @brief The handler's own fields (environment metadata, or every extra key of an
    /// artifact whose handler is not in the list).
    [[nodiscard]] const json& fields() const noexcept { return fields_; }
    /// @brief Logged (or replaced) in this session and not saved yet.
    [[nodiscard]] bool dirty() const noexcept { return dirty_; }

    /// @brief The metadata object, as written in the project file.
    [[nodiscard]] json to_json() const { return detail::record::to_json<record_description>(*this, fields_); }

    /// @brief Appends to_json() as pyjson::dump_to would write it at nesting level `depth`
    /// (options.indent >= 0), without building it.
    void write_json(std::string& out, const detail::pyjson::dump_options& options, std::size_t depth) const;

private:
    template <class>
    friend class basic_artifact_set;
    template <class>
    friend struct detail::artifact_codec;
    template <class>
    friend class basic_repository;

    std::string name_;
    std::string handler_;
    std::string fname_;
    time_point created_at_{};
    std::optional<time_point> expiry_;
    long long version_ = 0;
    bool null_version_ = false;  // the file says "version": null
    json fields_ = json::object();
    bool dirty_ = false;
    // This session created the artifact's file: on storage with conditional writes, the first
    // write is create-only (another writer's file is never replaced), later ones replace it.
    bool created_here_ = false;
    // A repository's version logged or promoted since its last successful save: kept through
    // the merges of a save that has to retry, even once its file is written.
    bool pending_ = false;
    detail::erased_value value_;
    json write_kwargs_ = json::object();

    // "version": a number, or null as some Python handlers write it (two members); null is
    // accepted where the reading context allows it (ctx.null_version_ok).
    struct version_codec {
        struct state {
            enum { absent, null, integer, other } kind = absent;
            long long value = 0;
        };
        static constexpr int phase = 2;
        static void write(detail::record::writer& w, std::string_view key, const artifact& a) {
            w.key(key);
            if (a.null_version_) {
                w.out() += "null";
            } else {
                detail::pyjson::impl::append_int(w.out(), a.version_);
            }
        }
        static json to_json(const artifact& a) { return a.null_version_ ? json(nullptr) : json(a.version_); }
        static void read_value(const json& j, state& s, artifact&) {
            if (j.is_number_integer()) {
                s = {state::integer, j.get<long long>()};
            } else {
                s.kind = j.is_null() ? state::null : state::other;
            }
        }
        template <class Ctx, class Here>
        static void finish(state& s, artifact& a, const char* key, Ctx& ctx, const Here& here) {
            if (s.kind == state::absent) return;
            if (s.kind == state::null && ctx.null_version_ok) {
                a.null_version_ = true;
            } else if (s.kind != state::integer) {
                throw format_error(here() + ": field '" + key + "' must be an integer");
            } else {
                a.version_ = s.value;
            }
        }
    };

    // "fname": absent, Python's default name (ctx.default_fname(), from the fields finished
    // before); present, a string that must not lead out of the owner's folder (ctx.climb
    // levels of `..` may go up), refused now, before anything reads the file.
    struct fname_codec : detail::record::text {
        static constexpr int phase = 3;
        template <class Ctx, class Here>
        static void finish(state& s, std::string& v, const char* key, Ctx& ctx, const Here& here) {
            if (s.kind == detail::text_field::absent) {
                v = ctx.default_fname();
                return;
            }
            v = detail::optional_text(s, key, here, {});
            if (const auto reason = detail::outside_folder_reason(v, ctx.climb); !reason.empty()) {
                throw format_error(here() + ": field '" + key + "': '" + detail::printable(v) + "' " + reason);
            }
        }
    };

    // The artifact metadata object of the file format (docs/format.md §6): one line per field,
    // written, read (artifact_codec::parse) and to_json'd from here. The handler's own fields
    // (fields_) are the extras. The phases keep the order of the checks: name, handler,
    // created_at, expiry, version, then fname (its default needs name, created_at and handler).
    using record_description = detail::record::description<
        detail::record::field<"created_at", &artifact::created_at_, detail::record::at_phase<detail::record::time, 2>>,
        detail::record::field<"expiry", &artifact::expiry_, detail::record::at_phase<detail::record::nullable_time, 2>>,
        detail::record::field<"fname", &artifact::fname_, fname_codec>,
        detail::record::field<"handler", &artifact::handler_, detail::record::text>,
        detail::record::field<"name", &artifact::name_, detail::record::identity_text>,
        detail::record::field<"version", detail::record::whole, version_codec>>;
};

inline void artifact::write_json(std::string& out, const detail::pyjson::dump_options& options,
                                 std::size_t depth) const {
    static const json no_fields = json::object();
    detail::pyjson::member_writer w(out, options, depth);
    detail::record::write_members<record_description>(w, *this, fields_.is_object() ? fields_ : no_fields);
    w.finish();
}

namespace detail {

/// What every owner of artifacts (experiment, test, repository) does with them: make one
/// from a value after the compile-time check, parse and validate metadata, write a dirty
/// artifact into a folder, and load one through the alias in its metadata.
template <class Handlers>
struct artifact_codec {
    /// The compile-time checked half of log_artifact: an artifact with no fname yet.
    template <fixed_string Alias, class T>
    static artifact make(time_point created_at, std::string_view name, T&& value, json kwargs);

    /// The file suffix of a registered alias; for an alias not in the list, the alias itself.
    static std::string suffix_of(const std::string& alias) {
        const std::size_t index = Handlers::index_of(alias);
        if (index == Handlers::npos) return alias;
        return Handlers::visit_index(index, [](auto h) { return std::string(decltype(h)::type::suffix); });
    }

    /// Python's default fname, made distinct from every name `taken` reports as used:
    /// Python silently reuses a name when two artifacts slugify alike in the same second.
    template <class Taken>
    static std::string default_fname_unique(const artifact& a, Taken&& taken,
                                            slug_table table = slug_table::text_unidecode);

    static std::string registered_aliases() {
        std::string out;
        for (auto alias : Handlers::aliases) out += (out.empty() ? "'" : ", '") + std::string(alias) + "'";
        return out.empty() ? "(none)" : out;
    }

    template <class H>
    static void validate_environment(const artifact& a, const std::filesystem::path& file);

    /// Refuses to read as a T a value recorded as another type. An artifact written before
    /// types were recorded (no key) is read as asked.
    template <class H, class T>
    static void validate_value_type(const artifact& a, const std::filesystem::path& file);

    /// Reads `a`, stored in `folder`, as a T through the handler its metadata names.
    template <class T>
    static T load(const artifact& a, const std::filesystem::path& folder, const load_options& options,
                  const std::filesystem::path& root, storage& files);

    /// load with the handler named at compile time: a handler that cannot read T does not
    /// compile; an artifact whose stored alias differs throws artifact_load_error.
    template <class T, fixed_string Alias>
    static T load_as(const artifact& a, const std::filesystem::path& folder, const load_options& options,
                     const std::filesystem::path& root, storage& files);

    /// Writes a dirty artifact into folder/fname through a temporary file; then it is clean.
    static void write(artifact& a, const std::filesystem::path& folder, bool durable, const std::filesystem::path& root,
                      storage& files);

    /// One metadata object of a project or repository file; `where` names it in errors.
    static artifact parse(const json& j, const std::string& where) {
        return parse(j, [&] { return where; });
    }
    /// parse, with `where()` giving the name for errors: built only when one is thrown.
    /// `climb` is how many levels the owner's folder lies below the project folder (how far
    /// `..` in an fname may go up); `null_version_ok` accepts `"version": null`.
    template <class Where>
    requires std::invocable<const Where&>
    static artifact parse(const json& j, const Where& where, std::size_t climb = 0, bool null_version_ok = false,
                          slug_table table = slug_table::text_unidecode);

    /// What a read artifact keeps of the keys its description does not know: for a handler
    /// in the list, its environment fields and value_type_key; for another, every key.
    static json handler_fields(const std::string& handler, json extras);

private:
    template <class Where>
    struct read_context;
};

template <class Handlers>
template <fixed_string Alias, class T>
artifact artifact_codec<Handlers>::make(time_point created_at, std::string_view name, T&& value, json kwargs) {
    using value_type = stored_value_t<T>;
    constexpr auto writer = checked_writer<Handlers, Alias, value_type>();
    using H = typename Handlers::template handler_at<writer.second>;
    if (kwargs.is_null()) kwargs = json::object();
    if constexpr (ChecksWriteKwargs<H>) {
        try {
            H::check_write_kwargs(kwargs);
        } catch (const std::exception& e) {
            throw artifact_log_error("artifact '" + std::string(name) + "': handler '" + std::string(H::alias) +
                                     "' rejects the writer kwargs " + kwargs.dump() + ": " + e.what());
        }
    }
    artifact a;
    a.name_ = std::string(name);
    a.handler_ = std::string(H::alias);
    a.created_at_ = created_at;
    a.fields_ = environment_of<H>();
    if constexpr (RecordsValueType<H>) {
        a.fields_[std::string(H::value_type_key)] = H::template value_type_name<value_type>();
    }
    if constexpr (RecordsFields<H>) {
        const json recorded = H::recorded_fields(kwargs);
        for (const auto& [key, value] : recorded.items()) a.fields_[key] = value;
    }
    a.dirty_ = true;
    a.value_ = {std::make_shared<const value_type>(std::forward<T>(value)), &typeid(value_type), writer.first};
    a.write_kwargs_ = std::move(kwargs);
    return a;
}

template <class Handlers>
template <class Taken>
std::string artifact_codec<Handlers>::default_fname_unique(const artifact& a, Taken&& taken, slug_table table) {
    const std::string suffix = suffix_of(a.handler_);
    std::string fname = default_fname(a.name_, a.created_at_, suffix, table);
    const std::string stem = fname.substr(0, fname.size() - suffix.size() - 1);
    for (int n = 1; taken(fname); ++n) fname = stem + "-" + std::to_string(n) + "." + suffix;
    return fname;
}

template <class Handlers>
template <class H>
void artifact_codec<Handlers>::validate_environment(const artifact& a, const std::filesystem::path& file) {
    const json running = environment_of<H>();
    json stored = json::object();
    bool matches = true;
    for (const auto& [key, value] : running.items()) {
        const auto it = a.fields_.find(key);
        // Like Python, a field missing from the file takes the reader's value.
        stored[key] = it == a.fields_.end() ? value : *it;
        if (stored[key] != value) matches = false;
    }
    if (!matches) {
        throw artifact_load_error("artifact '" + a.name_ + "' (" + file.string() +
                                  ") was written in another environment: stored " + stored.dump() + ", running " +
                                  running.dump() + "; load with validate = false to read it anyway");
    }
}

template <class Handlers>
template <class H, class T>
void artifact_codec<Handlers>::validate_value_type(const artifact& a, const std::filesystem::path& file) {
    const auto it = a.fields_.find(std::string(H::value_type_key));
    if (it == a.fields_.end()) return;
    const std::string requested = H::template value_type_name<T>();
    if (it->is_string() && it->template get_ref<const std::string&>() == requested) return;
    throw artifact_load_error("artifact '" + a.name_ + "' (" + file.string() + ") holds a value of type " +
                              (it->is_string() ? it->template get<std::string>() : it->dump()) + " (field '" +
                              std::string(H::value_type_key) + "'), not the requested " + requested +
                              "; load with validate = false to read it anyway");
}

template <class Handlers>
template <class T>
T artifact_codec<Handlers>::load(const artifact& a, const std::filesystem::path& folder, const load_options& options,
                                 const std::filesystem::path& root, storage& files) {
    if (a.value_.value && *a.value_.type == typeid(T)) return *static_cast<const T*>(a.value_.value.get());
    const auto file = resolve_inside(folder, a.fname_, "artifact '" + a.name_ + "': fname", root);
    files.check_inside(root, file);
    if (!Handlers::contains(a.handler_)) {
        throw unknown_handler_error("artifact '" + a.name_ + "' (" + file.string() + ") uses handler '" + a.handler_ +
                                    "', which is not in the handler list; registered: " + registered_aliases() +
                                    detail::opt_in_hint(a.handler_));
    }
    return Handlers::visit(a.handler_, [&](auto h) -> T {
        using H = typename decltype(h)::type;
        if constexpr (H::output_only) {
            throw artifact_load_error("artifact '" + a.name_ + "' (" + file.string() + "): handler '" + a.handler_ +
                                      "' is output-only; its files are for people, not for loading back");
        } else if constexpr (ReadableAs<H, T>) {
            if (options.validate) {
                validate_environment<H>(a, file);
                if constexpr (RecordsValueType<H>) validate_value_type<H, T>(a, file);
            }
            std::unique_ptr<std::istream> stream;
            try {
                stream = files.open(file, H::binary);
            } catch (const std::exception& e) {
                throw artifact_load_error("artifact '" + a.name_ + "': " + e.what());
            }
            if (!stream) {
                throw artifact_load_error("artifact '" + a.name_ + "': cannot open " + file.string() +
                                          ": the file does not exist" +
                                          (a.dirty_ ? " (logged but not saved yet)" : ""));
            }
            // Python opens a text handler's file in text mode: universal newlines.
            if constexpr (!H::binary) stream = std::make_unique<newline_translating_istream>(std::move(stream));
            try {
                return read_with<T, H>(*stream, options.kwargs.is_null() ? json::object() : options.kwargs);
            } catch (const std::exception& e) {
                throw artifact_load_error("artifact '" + a.name_ + "' (" + file.string() + "): handler '" + a.handler_ +
                                          "' failed to read it: " + e.what());
            }
        } else {
            throw artifact_load_error("artifact '" + a.name_ + "' (" + file.string() + "): handler '" + a.handler_ +
                                      "' cannot read a value of type " + std::string(type_name<T>()));
        }
    });
}

template <class Handlers>
template <class T, fixed_string Alias>
T artifact_codec<Handlers>::load_as(const artifact& a, const std::filesystem::path& folder, const load_options& options,
                                    const std::filesystem::path& root, storage& files) {
    constexpr std::size_t index = Handlers::template checked_index<Alias>();
    using H = typename Handlers::template handler_at<index>;
    static_assert(!Handlers::contains(Alias.view()) ||
                      handler_can_read_value_type<alias_name<Alias>, H, T, ReadableAs<H, T>>::value,
                  "lazyscribe: load_artifact: the handler cannot read a value of this type (the note below names "
                  "the alias, the handler and the value type)");
    if (a.handler_ != Alias.view()) {
        throw artifact_load_error("artifact '" + a.name_ + "' in " + folder.string() + " was written by handler '" +
                                  a.handler_ + "', not '" + std::string(Alias.view()) + "'");
    }
    return load<T>(a, folder, options, root, files);
}

template <class Handlers>
void artifact_codec<Handlers>::write(artifact& a, const std::filesystem::path& folder, bool durable,
                                     const std::filesystem::path& root, storage& files) {
    if (!a.dirty_ || !a.value_.write) return;
    const auto file = resolve_inside(folder, a.fname_, "artifact '" + a.name_ + "': fname", root);
    files.check_inside(root, file);
    Handlers::visit(a.handler_, [&](auto h) {
        using H = typename decltype(h)::type;
        try {
            const auto body = [&](std::ostream& out) { a.value_.write(a.value_.value.get(), out, a.write_kwargs_); };
            if (files.conditional_writes() && !a.created_here_) {
                a.fname_ = detail::write_new_file(files, folder, a.fname_, H::binary, body, durable);
            } else {
                files.write(file, H::binary, body, durable);
            }
            a.created_here_ = true;
        } catch (const save_error& e) {
            // The storage names the file and the OS reason; the artifact is named here
            // (the inner message without its id, which the outer one repeats).
            std::string inner = e.what();
            const std::string id = "[" + std::string(e.id()) + "] ";
            if (inner.compare(0, id.size(), id) == 0) inner.erase(0, id.size());
            throw save_error("artifact '" + a.name_ + "': " + inner);
        } catch (const std::exception& e) {
            throw save_error("artifact '" + a.name_ + "': handler '" + a.handler_ + "' failed to write " +
                             file.string() + ": " + e.what());
        }
    });
    a.dirty_ = false;
}

// What reading one artifact object knows besides the artifact: where it is (for messages),
// how far its fname may climb, whether "version": null is accepted, the owner's slug table.
template <class Handlers>
template <class Where>
struct artifact_codec<Handlers>::read_context {
    const artifact& a;
    const Where& where_;
    std::size_t climb;
    bool null_version_ok;
    slug_table table;

    std::string where() const { return where_(); }
    std::string here() const { return where_(); }
    std::string default_fname() const {
        return detail::default_fname(a.name_, a.created_at_, suffix_of(a.handler_), table);
    }
};

template <class Handlers>
json artifact_codec<Handlers>::handler_fields(const std::string& handler, json extras) {
    const std::size_t index = Handlers::index_of(handler);
    if (index == Handlers::npos) return extras;  // opaque: every key round-trips
    // A known handler keeps exactly its own fields, as Python does (stale keys drop).
    return Handlers::visit_index(index, [&](auto h) {
        using H = typename decltype(h)::type;
        json fields = environment_of<H>();
        for (auto& [key, value] : fields.items()) {
            if (const auto it = extras.find(key); it != extras.end()) value = *it;
        }
        if constexpr (RecordsValueType<H>) {  // kept when present: older files have none
            const std::string key(H::value_type_key);
            if (const auto it = extras.find(key); it != extras.end()) fields[key] = *it;
        }
        if constexpr (RecordsFields<H>) {  // as stored, else the handler's default
            const json defaults = H::recorded_fields(json::object());
            for (const auto& [key, value] : defaults.items()) {
                const auto it = extras.find(key);
                fields[key] = it != extras.end() ? *it : value;
            }
        }
        return fields;
    });
}

template <class Handlers>
template <class Where>
requires std::invocable<const Where&> artifact artifact_codec<Handlers>::parse(const json& j, const Where& where,
                                                                               std::size_t climb, bool null_version_ok,
                                                                               slug_table table) {
    if (!j.is_object()) throw format_error(where() + ": expected an artifact object");
    artifact a;
    json extras = json::object();
    read_context<Where> ctx{a, where, climb, null_version_ok, table};
    record::read_json<artifact::record_description>(j, a, extras, ctx);
    a.fields_ = handler_fields(a.handler_, std::move(extras));
    return a;
}

template <class, class>
class logging_base;

/// Where the artifact files of one project (or of a stand-alone set) live. Every artifact set
/// of a project shares one, so an experiment holds no paths of its own.
struct artifact_home {
    std::filesystem::path root;                     // the project folder: no file may resolve outside it
    std::shared_ptr<storage> files;                 // where the files are read and written
    std::filesystem::path owner_file{};             // the project file, as its owner holds it (may be empty)
    slug_table slugs = slug_table::text_unidecode;  // the owner's transliteration table
    std::chrono::seconds crashed_after = default_crashed_after;  // a "running" run older than this crashed
};
}  // namespace detail

/// @brief The artifacts of one experiment or test, stored in one folder.
/// @tparam Handlers a handler_list; aliases in `log_artifact<"alias">` are checked against it.
template <class Handlers>
class basic_artifact_set {
    using codec = detail::artifact_codec<Handlers>;

public:
    using handlers = Handlers;
    using const_iterator = detail::stable_vector<artifact>::const_iterator;

    basic_artifact_set() = default;
    /// @brief An empty set whose files live in `folder`.
    explicit basic_artifact_set(std::filesystem::path folder) { set_folder(std::move(folder)); }

    /// @brief Reads the metadata array of a project file. `where` names it in errors
    /// (e.g. "project.json: experiment 'x': artifacts"). Aliases that are not in Handlers are
    /// kept as they are: their metadata round-trips, their files are never touched.
    static basic_artifact_set from_json(const json& entries, std::filesystem::path folder, std::string_view where,
                                        std::filesystem::path root = {}, std::shared_ptr<storage> files = {}) {
        basic_artifact_set set;
        set.set_folder(std::move(folder), std::move(root), std::move(files));
        set.read_entries(entries, [&] { return std::string(where); });
        return set;
    }

    /// @brief The metadata array, as written in the project file.
    [[nodiscard]] json to_json() const {
        json array = json::array();
        for (const auto& a : entries_) array.push_back(a.to_json());
        return array;
    }

    /// @brief The folder the files are stored in.
    [[nodiscard]] std::filesystem::path folder() const {
        if (!exact_folder_.empty()) return exact_folder_;
        return subfolder_.empty() ? home_->root : home_->root / subfolder_;
    }
    /// @brief The folder every file must resolve inside.
    [[nodiscard]] const std::filesystem::path& root() const noexcept { return home_->root; }
    /// @brief Moves the set to `folder`; files must resolve (symbolic links followed) inside
    /// `root`, the project's folder (by default the set's own folder), in `files` (by default
    /// the local file system).
    void set_folder(std::filesystem::path folder, std::filesystem::path root = {}, std::shared_ptr<storage> files = {});
    /// @brief Where the files are read and written.
    [[nodiscard]] const std::shared_ptr<storage>& files() const noexcept { return home_->files; }

    /// @brief Logs `value` under `name` with the handler registered as Alias. Nothing is
    /// written until save(). An unknown alias, or a value type the handler cannot write,
    /// does not compile. Throws artifact_log_error if the name exists and overwrite is false,
    /// path_error if `options.fname` leaves the folder. The returned reference stays valid
    /// while the set lives (a replacement by overwrite changes what it refers to).
    template <fixed_string Alias, class T>
    const artifact& log_artifact(std::string_view name, T&& value, log_options options = {}) {
        return log_artifact_at<Alias>(detail::now(), name, std::forward<T>(value), std::move(options));
    }

    /// @brief log_artifact with an explicit creation time (the owner's clock).
    template <fixed_string Alias, class T>
    const artifact& log_artifact_at(time_point created_at, std::string_view name, T&& value, log_options options = {}) {
        artifact entry =
            codec::template make<Alias>(created_at, name, std::forward<T>(value), std::move(options.kwargs));
        return insert(std::move(entry), std::move(options.fname), options.overwrite);
    }

    /// @brief Reads the artifact `name` as a T. The alias comes from the file, so a handler
    /// that cannot read T is reported at run time (artifact_load_error). A value logged in
    /// this session as a T is returned without reading the file.
    template <class T>
    [[nodiscard]] T load_artifact(std::string_view name, const load_options& options = {}) const {
        return codec::template load<T>(at(name), folder(), options, home_->root, *home_->files);
    }

    /// @brief load_artifact with the handler named at compile time: a handler that cannot
    /// read T does not compile; a file whose stored alias differs throws artifact_load_error.
    template <class T, fixed_string Alias>
    [[nodiscard]] T load_artifact(std::string_view name, const load_options& options = {}) const {
        return codec::template load_as<T, Alias>(at(name), folder(), options, home_->root, *home_->files);
    }

    /// @brief Writes every dirty artifact into folder(), each through a temporary file that
    /// replaces the target only when the write succeeded; afterwards they are clean.
    /// Throws save_error naming the artifact and the file when a write fails. `durable` false
    /// skips the syncs to disk (see project_options::durable).
    void save(bool durable = true) {
        if (entries_.empty()) return;
        const auto where = folder();
        for (auto& a : entries_) codec::write(a, where, durable, home_->root, *home_->files);
    }

    /// @brief The artifact named `name`; throws artifact_load_error naming the known ones.
    [[nodiscard]] const artifact& at(std::string_view name) const;
    [[nodiscard]] const artifact* find(std::string_view name) const noexcept {
        const auto it =
            std::find_if(entries_.begin(), entries_.end(), [&](const artifact& a) { return a.name_ == name; });
        return it == entries_.end() ? nullptr : &*it;
    }
    [[nodiscard]] bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    [[nodiscard]] const_iterator begin() const noexcept { return entries_.begin(); }
    [[nodiscard]] const_iterator end() const noexcept { return entries_.end(); }
    /// @brief Whether an artifact of this set uses this file name.
    [[nodiscard]] bool uses_fname(std::string_view fname) const noexcept {
        return std::any_of(entries_.begin(), entries_.end(), [&](const artifact& a) { return a.fname_ == fname; });
    }

    /// @brief Gives every unsaved artifact whose file name `taken_elsewhere` reports (another
    /// owner of the same folder uses it) a distinct name, so that no write destroys a file
    /// another record still names.
    template <class Taken>
    void avoid_fnames(Taken&& taken_elsewhere);

    /// @brief Whether any artifact has a value that save() would write.
    [[nodiscard]] bool dirty() const noexcept {
        return std::any_of(entries_.begin(), entries_.end(), [](const artifact& a) { return a.dirty_; });
    }

private:
    const artifact& insert(artifact entry, std::string fname, bool overwrite);

    template <class, class>
    friend class detail::logging_base;
    template <class>
    friend class basic_project;
    template <class>
    friend class basic_experiment;
    template <class>
    friend class basic_test;

    // The set of an experiment or test of a project: `subfolder` is relative to home->root.
    void place(std::shared_ptr<const detail::artifact_home> home, std::string subfolder) {
        home_ = std::move(home);
        subfolder_ = std::move(subfolder);
        exact_folder_.clear();
    }
    [[nodiscard]] const std::shared_ptr<const detail::artifact_home>& home() const noexcept { return home_; }
    [[nodiscard]] const std::string& subfolder() const noexcept { return subfolder_; }

    // Appends the entries of a metadata array; where() names it in errors (built only then).
    // `unplaced_levels` counts folders above this set's that are not known yet (a test's set is
    // placed below its experiment only after the experiment is read).
    template <class Where>
    void read_entries(const json& entries, const Where& where, std::size_t unplaced_levels = 0);

    static const std::shared_ptr<const detail::artifact_home>& default_home() {
        static const auto instance = std::make_shared<const detail::artifact_home>(detail::artifact_home{{}, local()});
        return instance;
    }

    std::shared_ptr<const detail::artifact_home> home_ = default_home();
    std::string subfolder_;                    // relative to home_->root, '/'-separated; empty = the root itself
    std::filesystem::path exact_folder_;       // set_folder's folder, as given; empty when placed in a project
    detail::stable_vector<artifact> entries_;  // references handed out by log_artifact stay valid
};

template <class Handlers>
void basic_artifact_set<Handlers>::set_folder(std::filesystem::path folder, std::filesystem::path root,
                                              std::shared_ptr<storage> files) {
    auto home = std::make_shared<detail::artifact_home>();
    home->files = files ? std::move(files) : std::shared_ptr<storage>(home_->files);  // both sides rvalues: a move
    home->owner_file = home_->owner_file;
    home->slugs = home_->slugs;
    home->root = root.empty() ? folder : std::move(root);
    home_ = std::move(home);
    subfolder_.clear();
    exact_folder_ = std::move(folder);  // kept as given, whatever its relation to root
}

template <class Handlers>
const artifact& basic_artifact_set<Handlers>::at(std::string_view name) const {
    if (const artifact* a = find(name)) return *a;
    std::string known;
    for (const auto& e : entries_) known += (known.empty() ? "'" : ", '") + e.name_ + "'";
    throw artifact_load_error("no artifact named '" + std::string(name) + "' in " + folder().string() +
                              "; artifacts: " + (known.empty() ? "(none)" : known));
}

template <class Handlers>
template <class Taken>
void basic_artifact_set<Handlers>::avoid_fnames(Taken&& taken_elsewhere) {
    for (auto& a : entries_) {
        if (!a.dirty_ || !taken_elsewhere(std::string_view(a.fname_))) continue;
        a.fname_ = detail::unique_variant(
            a.fname_, [&](std::string_view candidate) { return taken_elsewhere(candidate) || uses_fname(candidate); });
    }
}

template <class Handlers>
const artifact& basic_artifact_set<Handlers>::insert(artifact entry, std::string fname, bool overwrite) {
    auto existing =
        std::find_if(entries_.begin(), entries_.end(), [&](const artifact& a) { return a.name_ == entry.name_; });
    if (existing != entries_.end() && !overwrite) {
        throw artifact_log_error("an artifact named '" + entry.name_ + "' is already logged in " + folder().string() +
                                 "; pass overwrite = true to replace it");
    }
    const artifact* replaced = existing == entries_.end() ? nullptr : &*existing;
    auto taken = [&](std::string_view candidate) {
        return std::any_of(entries_.begin(), entries_.end(),
                           [&](const artifact& a) { return &a != replaced && a.fname_ == candidate; });
    };
    if (fname.empty()) {
        fname = codec::default_fname_unique(entry, taken, home_->slugs);
    } else if (taken(fname)) {
        throw artifact_log_error("artifact '" + entry.name_ + "': fname '" + fname +
                                 "' is already used by another artifact in " + folder().string());
    }
    (void)detail::resolve_inside(folder(), fname, "artifact '" + entry.name_ + "': fname", root());
    entry.fname_ = std::move(fname);
    if (existing != entries_.end()) {
        // The file this session created stays its own to replace (create-only is for others' files).
        entry.created_here_ = existing->created_here_ && existing->fname_ == entry.fname_;
        *existing = std::move(entry);  // replaced in place, as Python does
        return *existing;
    }
    entries_.push_back(std::move(entry));
    return entries_.back();
}

template <class Handlers>
template <class Where>
void basic_artifact_set<Handlers>::read_entries(const json& entries, const Where& where, std::size_t unplaced_levels) {
    if (!entries.is_array()) throw format_error(where() + ": expected an array of artifacts");
    // How far `..` may climb: the folder's depth below the project folder.
    const std::size_t climb =
        unplaced_levels + (exact_folder_.empty() ? detail::depth_below({}, std::filesystem::path(subfolder_))
                                                 : detail::depth_below(home_->root, exact_folder_));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        entries_.push_back(codec::parse(
            entries[i], [&] { return where() + "[" + std::to_string(i) + "]"; }, climb, true, home_->slugs));
    }
}

}  // namespace lazyscribe

// serve: the live viewer (docs/viewer.md). A read-only HTTP server (cpp-httplib) on loopback
// that answers the page and its documents (viewer_data.hpp), the artifacts' files, and a stream
// of server-sent events that says when the projects changed. A poller thread looks at the
// files' change signatures and opens the projects anew when one changed; requests read an
// immutable snapshot, so they never wait for a reader and never see half an update.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sys/socket.h>

#include <httplib.h>

#include "cli.hpp"
#include "support.hpp"
#include "viewer_data.hpp"

namespace lazyscribe::cli {

namespace {

// What the page and the API read: the projects as opened at one moment, and the runs document
// already serialized (the page asks for it on every change; building it once is enough).
struct snapshot {
    std::vector<viewed_project> projects;
    std::string signature;
    std::string version;
    std::string runs_json;
    std::size_t experiments = 0;
};

std::string hex(std::size_t v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%016zx", v);
    return buffer;
}

class catalog {
public:
    catalog(const serve_options& o) : options_(o) {}

    // Opens the projects; a project that cannot be read is a failure here (at start), and only
    // a warning later (the last good snapshot stays).
    void load() {
        auto next = build(signature(nullptr));
        std::lock_guard lock(mutex_);
        current_ = std::move(next);
    }

    [[nodiscard]] std::shared_ptr<const snapshot> current() const {
        std::lock_guard lock(mutex_);
        return current_;
    }

    // The poller: every poll interval, the signature; a new snapshot when it changed.
    void poll() {
        std::unique_lock lock(mutex_);
        // A big project takes seconds to open: the poller then waits as long as the last
        // opening took, so that a live run's steady appends cost at most half of a core.
        std::chrono::steady_clock::duration pause = options_.poll_interval;
        while (!stopping_) {
            changed_.wait_for(lock, pause, [this] { return stopping_; });
            if (stopping_) break;
            const auto old = current_;
            lock.unlock();
            try {
                const std::string now = signature(old.get());
                if (now != old->signature) {
                    const auto started = std::chrono::steady_clock::now();
                    auto next = build(now);
                    pause = std::max<std::chrono::steady_clock::duration>(options_.poll_interval,
                                                                          std::chrono::steady_clock::now() - started);
                    lock.lock();
                    current_ = std::move(next);
                    changed_.notify_all();
                    lock.unlock();
                }
                problem_reported_ = false;
            } catch (const std::exception& x) {
                // A file being replaced, a project torn by another writer, a dropped connection:
                // the last good snapshot stays and the next poll tries again.
                if (!problem_reported_) std::fprintf(stderr, "lazyscribe: warning: serve: %s\n", x.what());
                problem_reported_ = true;
            }
            lock.lock();
        }
    }

    // Blocks until the version differs from `seen`, the server stops, or `timeout` passes;
    // returns the version then ("" when stopping).
    std::string wait_for_change(const std::string& seen, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return stopping_ || current_->version != seen; });
        return stopping_ ? std::string() : current_->version;
    }

    void stop() {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        changed_.notify_all();
    }

    [[nodiscard]] bool stopping() const {
        std::lock_guard lock(mutex_);
        return stopping_;
    }

private:
    // What changes when a project changes: each project file's size and modification time
    // (locally) or content hash (in an object store); the files of its running experiments (a
    // live run appends to its journal without rewriting the project file); and whether each
    // running run's heartbeat has grown older than crashed_after (the run then reads as crashed
    // with no file changing).
    std::string signature(const snapshot* last) const {
        std::string sig;
        const auto now = std::chrono::system_clock::now();
        for (std::size_t i = 0; i < options_.projects.size(); ++i) {
            // The project file found at start (a folder argument resolved once, not every poll).
            auto [files, path] = last != nullptr
                                     ? std::pair(last->projects[i].opened->files(), last->projects[i].opened->path())
                                     : locate(project_file(options_.projects[i]));
            sig += describe(*files, path);
            if (last == nullptr) continue;
            for (const auto& e : *last->projects[i].opened) {
                if (e.status() != run_status::running) continue;
                sig += e.slug();
                sig += now - e.last_updated() > options_.crashed_after ? "!" : "~";
                if (const auto below = files_below(*files, e.path())) {
                    for (const auto& f : *below) sig += describe(*files, f);
                }
            }
        }
        return sig;
    }

    static std::string describe(storage& files, const std::filesystem::path& file) {
        if (is_local(files)) {
            std::error_code ec;
            const auto size = std::filesystem::file_size(file, ec);
            const auto time = std::filesystem::last_write_time(file, ec);
            return file.string() + ':' + std::to_string(size) + ':' +
                   std::to_string(time.time_since_epoch().count()) + ';';
        }
        const auto bytes = files.read(file);
        return file.string() + ':' + (bytes ? hex(std::hash<std::string>{}(*bytes)) : "-") + ';';
    }

    std::shared_ptr<const snapshot> build(std::string sig) const {
        auto s = std::make_shared<snapshot>();
        for (const auto& argument : options_.projects) {
            auto opened = std::make_shared<const project>(open_project(argument, options_.crashed_after));
            s->experiments += opened->size();
            s->projects.push_back({argument, project_label(opened->path()), std::move(opened)});
        }
        s->signature = std::move(sig);
        s->version = hex(std::hash<std::string>{}(s->signature));
        s->runs_json = runs_document(s->projects, s->version, true).dump(-1, ' ', false, json::error_handler_t::replace);
        return s;
    }

    const serve_options& options_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::shared_ptr<const snapshot> current_;
    bool stopping_ = false;
    bool problem_reported_ = false;
};

void send_json(httplib::Response& res, const json& doc, int status = 200) {
    res.status = status;
    res.set_content(doc.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
    send_json(res, json{{"error", message}}, status);
}

// The project index `text` names in `s` (decimal digits, below the number of projects).
std::optional<std::size_t> project_index(const snapshot& s, const std::string& text) {
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const std::size_t index = std::stoul(text);
    return index < s.projects.size() ? std::optional(index) : std::nullopt;
}

// The experiment a request names (?p=INDEX&slug=SLUG), or nullptr after answering 400/404.
const experiment* requested(const snapshot& s, const httplib::Request& req, httplib::Response& res,
                            std::size_t& index) {
    const std::string p = req.get_param_value("p");
    const std::string slug = req.get_param_value("slug");
    if (p.empty() || slug.empty() || p.find_first_not_of("0123456789") != std::string::npos || p.size() > 6) {
        send_error(res, 400, "give p=PROJECT_INDEX and slug=SLUG");
        return nullptr;
    }
    const auto found_index = project_index(s, p);
    if (!found_index) {
        send_error(res, 404, "no project " + p);
        return nullptr;
    }
    index = *found_index;
    const experiment* found = find_by_slug(*s.projects[index].opened, slug);
    if (found == nullptr) send_error(res, 404, s.projects[index].label + ": no experiment '" + slug + "'");
    return found;
}

std::size_t max_points(const httplib::Request& req) {
    const std::string text = req.get_param_value("max_points");
    if (text.empty() || text.size() > 7 || text.find_first_not_of("0123456789") != std::string::npos) return 2000;
    return std::clamp<std::size_t>(std::stoul(text), 4, 1000000);
}

// Why a /files/ request is refused, or "" when its path is plain: no "..", ".", empty segment,
// backslash or NUL, and no percent-encoded dot, slash or backslash in the raw target (which
// httplib decodes before routing).
std::string refused_path(const httplib::Request& req, const std::string& rest) {
    const std::string raw = lower_ascii(req.target);
    for (const char* encoded : {"%2e", "%2f", "%5c", "%00"}) {
        if (raw.find(encoded) != std::string::npos) return "an encoded '.', '/', '\\' or NUL";
    }
    if (rest.empty() || rest.front() == '/') return "an absolute path";
    if (rest.find('\\') != std::string::npos || rest.find('\0') != std::string::npos) return "a backslash or NUL";
    std::size_t begin = 0;
    while (begin <= rest.size()) {
        const auto end = std::min(rest.find('/', begin), rest.size());
        const std::string segment = rest.substr(begin, end - begin);
        if (segment.empty() || segment == "." || segment == "..") return "a '..', '.' or empty segment";
        begin = end + 1;
    }
    return {};
}

void serve_file(const snapshot& s, const httplib::Request& req, httplib::Response& res) {
    const std::string rest = req.matches[1];
    if (const auto why = refused_path(req, rest); !why.empty()) {
        send_error(res, 403, "refused: " + why + " in '" + req.path + "' (outside the project)");
        return;
    }
    // PROJECT/SLUG/FNAME, where FNAME may have folders of its own.
    const auto first = rest.find('/');
    const auto second = first == std::string::npos ? std::string::npos : rest.find('/', first + 1);
    if (second == std::string::npos) {
        send_error(res, 404, "no file at '" + req.path + "' (files are /files/PROJECT/SLUG/FNAME)");
        return;
    }
    const std::string p = rest.substr(0, first);
    const std::string slug = rest.substr(first + 1, second - first - 1);
    const std::string fname = rest.substr(second + 1);
    const auto index = project_index(s, p);
    if (!index) {
        send_error(res, 404, "no project " + p);
        return;
    }
    const auto& project = *s.projects[*index].opened;
    const experiment* e = find_by_slug(project, slug);
    const artifact* a = nullptr;
    if (e != nullptr) {
        for (const auto& candidate : e->artifacts())
            if (candidate.fname() == fname) a = &candidate;
    }
    // Only the files a project lists as artifacts are served: nothing else in its folders.
    if (a == nullptr) {
        send_error(res, 404, "no artifact '" + fname + "' of experiment '" + slug + "'");
        return;
    }
    artifact_file file;
    try {
        file = inspect(*project.files(), e->path(), *a);
    } catch (const lazyscribe::error& x) {
        send_error(res, 403, std::string("refused: ") + x.what());
        return;
    }
    if (!file.exists) {
        send_error(res, 404, "artifact '" + a->name() + "': its file is missing");
        return;
    }
    std::shared_ptr<std::istream> in;
    try {
        in = project.files()->open(file.path, true);
    } catch (const std::exception& x) {
        send_error(res, 500, "artifact '" + a->name() + "': " + x.what());
        return;
    }
    const std::string type(content_type(fname));
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    if (type == "application/octet-stream") {
        const auto slash = fname.rfind('/');
        std::string base = slash == std::string::npos ? fname : fname.substr(slash + 1);
        std::erase_if(base, [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
        res.set_header("Content-Disposition", "attachment; filename=\"" + base + "\"");
    }
    if (req.method == "HEAD" || !file.size) {
        std::string bytes{std::istreambuf_iterator<char>(*in), std::istreambuf_iterator<char>()};
        res.set_content(std::move(bytes), type);
        return;
    }
    res.set_content_provider(*file.size, type, [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        static_cast<void>(offset);  // the provider is called in order
        char buffer[64 * 1024];
        in->read(buffer, static_cast<std::streamsize>(std::min(length, sizeof buffer)));
        const auto got = static_cast<std::size_t>(in->gcount());
        return got > 0 && sink.write(buffer, got);
    });
}

}  // namespace

int run_serve(const global_options& /*g*/, const serve_options& o) {
    // Signals go to one thread that stops the server; every other thread (the pool's, the
    // poller) inherits the blocked mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a closed browser tab is a failed write, not the end

    catalog projects(o);
    projects.load();

    httplib::Server server;
    server.new_task_queue = [] { return new httplib::ThreadPool(32); };  // event streams hold a thread each
    // An idle keep-alive connection holds a pool thread until it times out, and the server's
    // stop() waits for it: short, so that SIGTERM ends the server at once.
    server.set_keep_alive_timeout(1);
    // cpp-httplib's default sets SO_REUSEPORT, with which a second server binds a port already
    // in use and the two share its connections: only SO_REUSEADDR (restarts), so a busy port fails.
    server.set_socket_options([](int sock) {
        const int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
        if (req.method != "GET" && req.method != "HEAD") {
            res.set_header("Allow", "GET, HEAD");
            send_error(res, 405, "the viewer is read-only: " + req.method + " is not allowed");
            return httplib::Server::HandlerResponse::Handled;
        }
        res.set_header("Cache-Control", "no-store");
        // No compression: on loopback it costs more than it saves, and Debian's cpp-httplib
        // compresses with Brotli at its highest quality (8 s for a 15 MiB runs document). The
        // request object is the server's own, not const; its header is dropped before routing.
        const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.Get("/", [&](const httplib::Request&, httplib::Response& res) {
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; "
                       "script-src 'unsafe-inline'");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_content(std::string(viewer_page()), "text/html; charset=utf-8");
    });
    server.Get("/api/runs", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(projects.current()->runs_json, "application/json");
    });
    server.Get("/api/run", [&](const httplib::Request& req, httplib::Response& res) {
        const auto s = projects.current();
        std::size_t index = 0;
        const experiment* e = requested(*s, req, res, index);
        if (e == nullptr) return;
        const artifact_link link = [](std::size_t p, const experiment& x, const artifact& a) {
            // Relative to the page, so that the viewer also works behind a proxy under a sub-path.
            return "files/" + std::to_string(p) + "/" + url_encode(x.slug(), false) + "/" + url_encode(a.fname(), true);
        };
        send_json(res, run_document(index, *s->projects[index].opened, *e, link));
    });
    server.Get("/api/history", [&](const httplib::Request& req, httplib::Response& res) {
        const auto s = projects.current();
        std::size_t index = 0;
        const experiment* e = requested(*s, req, res, index);
        if (e == nullptr) return;
        const std::string metric = req.get_param_value("metric");
        auto doc = history_document(*e, metric, max_points(req));
        if (!doc) {
            send_error(res, 404, e->slug() + ": no history or list of metric '" + metric + "'");
            return;
        }
        send_json(res, *doc);
    });
    server.Get("/api/histories", [&](const httplib::Request& req, httplib::Response& res) {
        const auto s = projects.current();
        const std::string metric = req.get_param_value("metric");
        const std::string runs = req.get_param_value("runs");
        json series = json::array();
        std::size_t count = 0;
        for (std::size_t begin = 0; begin < runs.size();) {
            const auto end = std::min(runs.find(',', begin), runs.size());
            const std::string item = runs.substr(begin, end - begin);
            begin = end + 1;
            const auto colon = item.find(':');
            if (colon == std::string::npos || colon == 0 || item.find_first_not_of("0123456789") != colon) {
                send_error(res, 400, "runs: '" + item + "' is not PROJECT:SLUG");
                return;
            }
            if (++count > 50) {
                send_error(res, 400, "runs: at most 50 runs a request");
                return;
            }
            const auto p = project_index(*s, item.substr(0, colon));
            const std::string slug = item.substr(colon + 1);
            const experiment* e = p ? find_by_slug(*s->projects[*p].opened, slug) : nullptr;
            if (e == nullptr) continue;
            if (auto doc = history_document(*e, metric, max_points(req))) {
                (*doc)["project"] = *p;
                (*doc)["slug"] = slug;
                series.push_back(std::move(*doc));
            }
        }
        send_json(res, json{{"metric", metric}, {"series", std::move(series)}});
    });
    server.Get(R"(/files/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
        serve_file(*projects.current(), req, res);
    });
    server.Get("/api/events", [&](const httplib::Request&, httplib::Response& res) {
        res.set_header("X-Accel-Buffering", "no");
        res.set_chunked_content_provider("text/event-stream", [&projects, seen = std::string()](
                                                                  std::size_t, httplib::DataSink& sink) mutable {
            const std::string now = projects.wait_for_change(seen, std::chrono::seconds(15));
            if (now.empty()) {
                sink.done();
                return true;
            }
            std::string message;
            if (now != seen) {
                message = "event: version\ndata: {\"version\": \"" + now + "\"}\n\n";
                seen = now;
            } else {
                message = ": keepalive\n\n";
            }
            return sink.write(message.data(), message.size());
        });
    });
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (res.body.empty()) send_error(res, res.status, "no such page: " + req.path);
    });

    int port = o.port;
    if (port == 0) {
        port = server.bind_to_any_port(o.host);
    } else if (!server.bind_to_port(o.host, port)) {
        port = -1;
    }
    if (port < 0) {
        throw failure("serve: cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                      std::strerror(errno) + " (another server there? --port 0 picks a free port)");
    }

    std::thread poller([&] { projects.poll(); });
    std::thread stopper([&] {
        int received = 0;
        sigwait(&signals, &received);
        projects.stop();
        server.stop();
    });
    const auto s = projects.current();
    const bool loopback = o.host == "127.0.0.1" || o.host == "localhost" || o.host == "::1";
    std::printf("lazyscribe: serving %zu experiments of %zu project%s at http://%s:%d/\n", s->experiments,
                s->projects.size(), s->projects.size() == 1 ? "" : "s",
                o.host.find(':') != std::string::npos ? ("[" + o.host + "]").c_str() : o.host.c_str(), port);
    if (!loopback) {
        std::fprintf(stderr,
                     "lazyscribe: warning: serve: listening on %s, not loopback: anyone who reaches this "
                     "machine can read these projects and their artifacts\n",
                     o.host.c_str());
    }
    std::fflush(stdout);
    const bool ok = server.listen_after_bind();
    // listen_after_bind returns when stopped; wake the signal thread if the server ended by itself.
    projects.stop();
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    poller.join();
    return ok ? exit_ok : exit_failure;
}

}  // namespace lazyscribe::cli

#include "checks/maillog.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>

#include "checks/check_run.hpp"
#include "transport/log_stream.hpp"
#include "transport/ssh_argv.hpp"

namespace mailspec {

namespace {

using Clock = std::chrono::steady_clock;

std::optional<LogStatus> status_named(const std::string& s) {
    if (s == "sent") return LogStatus::sent;
    if (s == "deferred") return LogStatus::deferred;
    if (s == "bounced") return LogStatus::bounced;
    if (s == "rejected") return LogStatus::rejected;
    return std::nullopt;
}

std::string describe(const LogDelivery& d) {
    std::string s = "status=" + std::string(to_string(d.status));
    if (!d.recipient.empty()) s += " to=<" + d.recipient + ">";
    if (!d.relay.empty()) s += " relay=" + d.relay;
    if (d.delay) {
        std::ostringstream o;
        o << *d.delay;
        s += " delay=" + o.str();
    }
    if (!d.detail.empty()) s += " (" + d.detail + ")";
    return s;
}

// The log's bytes past `offset`, at most `cap` of them (the newest); a file that shrank was
// truncated or replaced, and is read again from its start. Errors name the file and errno.
struct LogTail {
    std::string path;
    std::size_t cap = 0;
    off_t offset = -1;  // -1: not read yet, start at the tail
    std::string text;   // what was read so far, trimmed to cap from the front

    std::optional<std::string> read_more() {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) return "cannot open " + path + ": " + std::strerror(errno);
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            return path + " is not a regular file";
        }
        if (offset < 0 || st.st_size < offset) {
            offset =
                st.st_size > static_cast<off_t>(cap) ? st.st_size - static_cast<off_t>(cap) : 0;
            text.clear();
        }
        std::string chunk;
        char buf[65536];
        while (offset < st.st_size) {
            const auto want = std::min<off_t>(sizeof buf, st.st_size - offset);
            const ssize_t n = ::pread(fd, buf, static_cast<std::size_t>(want), offset);
            if (n < 0) {
                const std::string why = std::strerror(errno);
                ::close(fd);
                return "cannot read " + path + ": " + why;
            }
            if (n == 0) break;
            chunk.append(buf, static_cast<std::size_t>(n));
            offset += n;
        }
        ::close(fd);
        text += chunk;
        if (text.size() > cap) text.erase(0, text.size() - cap);
        return std::nullopt;
    }
};

}  // namespace

MaillogVerdict judge_maillog(const std::vector<LogDelivery>& lines, const MaillogExpect& e) {
    MaillogVerdict v;
    const std::string want(to_string(e.status));
    const LogDelivery* match = nullptr;
    const LogDelivery* other_final = nullptr;
    const LogDelivery* deferral = nullptr;
    for (const auto& d : lines) {
        if (d.status == e.status) {
            if (!match) match = &d;
        } else if (d.status == LogStatus::deferred) {
            deferral = &d;
        } else if (!other_final) {
            other_final = &d;
        }
    }
    if (other_final) {
        v.settled = true;
        v.message = "the log says " + describe(*other_final) + ", expected status=" + want;
        return v;
    }
    if (!match) {
        if (deferral)
            v.message = "still deferred: " + describe(*deferral) + ", expected status=" + want;
        else
            v.message = "no delivery line for the message in the log";
        return v;
    }
    v.settled = true;
    if (e.relay && !std::regex_search(match->relay, *e.relay)) {
        v.message = "the log says " + describe(*match) + ", expected a relay matching /" +
                    e.relay_text + "/";
        return v;
    }
    if (e.max_delay) {
        if (!match->delay) {
            v.message = "the log gives no delay: " + describe(*match);
            return v;
        }
        if (*match->delay * 1000.0 > static_cast<double>(e.max_delay->count())) {
            v.message = "the log says " + describe(*match) + ", expected a delay of at most " +
                        format_duration(*e.max_delay);
            return v;
        }
    }
    v.status = Status::pass;
    v.message = describe(*match);
    return v;
}

std::vector<std::string> journal_argv(const std::string& unit) {
    // short-iso keeps syslog's "host program[pid]: text" shape, which the parsers read;
    // --lines=all with --since: everything of the last quarter hour, not journalctl's last 10.
    std::vector<std::string> a = {"journalctl",         "--no-pager", "--quiet",
                                  "--output=short-iso", "--follow",   "--lines=all",
                                  "--since=-15min"};
    if (!unit.empty()) a.push_back("--unit=" + unit);
    return a;
}

std::vector<std::string> tail_argv(const std::string& file, std::size_t max_bytes) {
    // -F follows the name across a log rotation, as the local reader re-opens it.
    return {"tail", "-c", std::to_string(max_bytes), "-F", "--", file};
}

std::shared_ptr<const Check> parse_maillog(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<MaillogCheck>();
    const std::string what = "maillog of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    const auto errors = ctx.reader.error_count();
    f.require("after");
    if (auto n = f.take("after"); n.defined()) {
        if (auto id = ctx.reader.scalar(n, what + ": after"))
            c->after = {*id, ctx.reader.locate(n)};
    }
    // Where the log is: exactly one of file, journal, command; ssh: VANTAGE runs the reading
    // on that vantage's host.
    const int sources = f.has("file") + f.has("journal") + f.has("command");
    if (sources != 1)
        ctx.reader.error(body, what + (sources == 0 ? " needs" : " takes only one of") +
                                   " file (a log file), journal (a systemd unit, read with "
                                   "journalctl) or command (a program that prints the log)");
    const Vantage* ssh = nullptr;
    if (auto n = f.take("ssh"); n.defined()) {
        if (auto name = ctx.reader.scalar(n, what + ": ssh")) {
            if (ctx.vantages && ctx.vantages->count(*name) &&
                ctx.vantages->at(*name).kind == VantageKind::ssh)
                ssh = &ctx.vantages->at(*name);
            else
                ctx.reader.error(n, what + ": ssh names no ssh vantage of the suite ('" + *name +
                                        "'); define it under vantages: with ssh: { destination }");
        }
    }
    if (auto n = f.take("file"); n.defined()) {
        if (auto p = ctx.reader.scalar(n, what + ": file")) {
            if (!ssh) {
                c->file = ctx.reader.resolve_path(*p);
                c->source = c->file;
            } else if (p->empty() || p->front() != '/') {
                ctx.reader.error(
                    n, what + ": file must be an absolute path on the ssh host, not '" + *p + "'");
            } else {
                c->command = tail_argv(*p, c->max_bytes);
                c->source = *p;
            }
        }
    }
    if (auto n = f.take("journal"); n.defined()) {
        if (auto u = ctx.reader.scalar(n, what + ": journal")) {
            if (u->empty() || u->front() == '-')
                ctx.reader.error(n, what +
                                        ": journal needs a systemd unit such as "
                                        "postfix@-.service, or 'all'");
            c->command = journal_argv(*u == "all" ? "" : *u);
            c->source = *u == "all" ? "the journal" : "the journal of " + *u;
        }
    }
    if (const yaml::Node cn = f.take("command"); cn.defined()) {
        if (auto argv = read_strings(ctx.reader, cn, what + ": command")) {
            if (argv->empty() || argv->front().empty()) {
                ctx.reader.error(cn, what + ": command needs at least the program");
            } else {
                if (!ssh && argv->front().find('/') != std::string::npos)
                    argv->front() = ctx.reader.resolve_path(argv->front());
                c->command = *argv;
                c->source = "the output of " + argv->front();
            }
        }
    }
    if (ssh && !c->command.empty()) {
        c->command = transport::ssh_argv(*ssh, c->command);
        c->source += " on " + ssh->ssh_destination;
    }
    c->mta = f.choice("mta", {"postfix", "exim", "qmail"}).value_or("postfix");
    if (auto s = f.choice("status", {"sent", "bounced", "deferred", "rejected"}))
        c->expect.status = *status_named(*s);
    if (auto n = f.take("relay"); n.defined()) {
        // An empty relay (relay: "${MAILLOG_RELAY:-}") asks nothing of the relay.
        if (auto re = ctx.reader.scalar(n, what + ": relay"); re && !re->empty()) {
            try {
                c->expect.relay.emplace(*re, std::regex::ECMAScript | std::regex::icase);
                c->expect.relay_text = *re;
            } catch (const std::regex_error& e) {
                ctx.reader.error(n, what + ": relay is not a valid regex: " + e.what());
            }
        }
    }
    if (auto n = f.take("max_delay"); n.defined()) {
        if (c->mta != "postfix")
            ctx.reader.error(n, what +
                                    ": max_delay needs mta: postfix (Exim and qmail do not log "
                                    "a delay)");
    }
    c->expect.max_delay = f.duration("max_delay");
    c->within = ctx.spec.timeout;
    if (auto n = f.take("within"); n.defined()) {
        if (auto w = f.duration("within")) {
            if (*w > ctx.spec.timeout)
                ctx.reader.error(n, what + ": within (" + format_duration(*w) +
                                        ") is longer than the check's timeout (" +
                                        format_duration(ctx.spec.timeout) + ")");
            else
                c->within = *w;
        }
    }
    f.done();
    if (ctx.reader.error_count() != errors) return nullptr;
    return c;
}

boost::asio::awaitable<void> MaillogCheck::run(CheckRun& run) const {
    Result r = run.result();
    r.endpoint = source;
    r.expected = "status=" + std::string(to_string(expect.status)) +
                 (expect.relay ? " relay=~/" + expect.relay_text + "/" : "") +
                 (expect.max_delay ? " delay<=" + format_duration(*expect.max_delay) : "") +
                 " within " + format_duration(within);
    auto note = [&](std::string text) {
        r.transcript.push_back(
            {std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - run.started()),
             Direction::note, std::move(text)});
    };
    auto end = [&](Status s, std::string message) {
        r.status = s;
        r.message = std::move(message);
        run.emit(std::move(r));
    };

    // The earlier check's outcome: its queue id, or why there is none.
    std::string queue_id;
    const auto earlier = earlier_results(run.suite(), after.id, run.vantage().name);
    if (earlier.empty()) {
        end(Status::error, "check " + after.id + " produced no result");
        co_return;
    }
    for (const auto& e : earlier) {
        if (e.status == Status::skip) {
            end(Status::skip, "check " + after.id + " was skipped: " + e.message);
            co_return;
        }
        if (e.status != Status::pass) {
            end(Status::error, "check " + after.id + " did not pass (" +
                                   std::string(to_string(e.status)) + ": " + e.message + ")");
            co_return;
        }
        if (auto it = e.properties.find("queue_id"); it != e.properties.end() && queue_id.empty())
            queue_id = it->second;
    }
    if (queue_id.empty()) {
        end(Status::error, "check " + after.id + " recorded no queue id");
        co_return;
    }
    r.properties["queue_id"] = queue_id;
    note("looking for queue id " + queue_id + " in " + source + " (" + mta + ")");

    // The log: a local file polled by size, or the output of a command following it.
    std::optional<LogTail> tail;
    std::optional<transport::LogStream> stream;
    if (command.empty()) {
        tail.emplace();
        tail->path = file;
        tail->cap = max_bytes;
    } else {
        std::string shown;
        for (const auto& a : command)
            shown += (shown.empty() ? "" : " ") + a;
        note("following the log with: " + shown);
        try {
            stream.emplace(run.executor(), command, max_bytes);
        } catch (const std::exception& e) {
            end(Status::error, e.what());
            co_return;
        }
    }
    const auto deadline = run.started() + within;
    boost::asio::steady_timer timer(run.executor());
    MaillogVerdict v;
    bool source_done = false;
    for (;;) {
        if (tail) {
            if (auto why = tail->read_more()) {
                end(Status::error, *why);
                co_return;
            }
        } else {
            stream->drain();
        }
        const std::string& text = tail ? tail->text : stream->text();
        const auto lines = mta == "postfix" ? postfix_log_deliveries(text, queue_id)
                           : mta == "exim"  ? exim_log_deliveries(text, queue_id)
                                            : qmail_log_deliveries(text, queue_id);
        v = judge_maillog(lines, expect);
        // A command that ended has printed all it will: a failure is an error of the source,
        // a clean end (journalctl without a journal to follow) the last chance to decide.
        source_done = stream && stream->ended();
        if (source_done && !v.settled && !stream->ended_well()) {
            const std::string why = stream->stderr_tail();
            end(Status::error, command.front() + " ended (" + *stream->ended() + ")" +
                                   (why.empty() ? "" : ": " + why));
            co_return;
        }
        if (v.settled || source_done || Clock::now() + poll > deadline) {
            for (const auto& d : lines)
                note(queue_id + ": " + describe(d));
            if (!lines.empty()) {
                const auto& last = lines.back();
                r.properties["maillog.status"] = std::string(to_string(last.status));
                if (!last.relay.empty()) r.properties["maillog.relay"] = last.relay;
                r.actual = describe(last);
            }
            break;
        }
        timer.expires_after(poll);
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
    if (!v.settled && v.status != Status::pass)
        v.message += (source_done ? " when " + command.front() + " ended"
                                  : " within " + format_duration(within)) +
                     " (queue id " + queue_id + ", " + source + ")";
    end(v.status, v.message);
}

}  // namespace mailspec

#include "checks/queue.hpp"

#include <chrono>

#include "checks/check_run.hpp"
#include "checks/kinds.hpp"
#include "checks/queue_listing.hpp"
#include "protocol/text.hpp"
#include "transport/command.hpp"
#include "transport/error.hpp"

namespace mailspec {

namespace {

std::optional<QueueBound> read_bound(SpecReader& r, const yaml::Node& n, const std::string& what) {
    Fields f(r, n, what);
    if (!f.valid()) return std::nullopt;
    QueueBound b;
    b.min = f.integer("min", 0, 1'000'000'000);
    b.max = f.integer("max", 0, 1'000'000'000);
    if (!b.min && !b.max) r.error(n, what + ": give max and/or min");
    f.done();
    return b;
}

std::optional<std::vector<std::string>> read_argv(SpecReader& r, const yaml::Node& n,
                                                  const std::string& what) {
    if (!n.is_list() || n.size() == 0) {
        r.error(n, what + " is an argv list, e.g. [postqueue, -c, /etc/postfix, -j] (no shell)");
        return std::nullopt;
    }
    return read_strings(r, n, what);
}

std::optional<QueueAgeBound> read_age(SpecReader& r, const yaml::Node& n, const std::string& what) {
    Fields f(r, n, what);
    if (!f.valid()) return std::nullopt;
    QueueAgeBound a;
    f.require("age");
    if (auto d = f.duration("age")) a.age = *d;
    a.max = f.integer("max", 0, 1'000'000'000).value_or(0);
    a.queue = f.choice("queue", {"active", "deferred", "hold", "incoming"}).value_or("");
    f.done();
    return a;
}

}  // namespace

std::shared_ptr<const Check> parse_queue(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<QueueCheck>();
    const std::string what = "queue of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    const auto errors = ctx.reader.error_count();
    c->mta = f.choice("mta", {"postfix", "exim", "qmail"}).value_or("postfix");
    if (auto local = f.boolean("local"); local && !*local)
        ctx.reader.error(f.take("local"),
                         what +
                             ": only local: true (run the check from an ssh vantage to read "
                             "the queue of another host)");
    // The MTA's own listing command, or `program` (another binary: exim4, a wrapper) and
    // `config` (postqueue -c DIR, exim -C FILE) around it; empty values count as unset, so a
    // suite can write program: "${QUEUE_PROGRAM:-}".
    auto optional_str = [&](const char* key) -> std::optional<std::string> {
        auto v = f.str(key);
        if (v && v->empty()) return std::nullopt;
        return v;
    };
    const auto program = optional_str("program");
    const auto config = optional_str("config");
    if (auto n = f.take("command"); n.defined()) {
        if (program || config)
            ctx.reader.error(n, what +
                                    ": command replaces program and config; give one or the "
                                    "other");
        if (auto a = read_argv(ctx.reader, n, what + ": command")) c->command = *a;
    } else if (c->mta == "postfix") {
        c->command = {program.value_or("postqueue")};
        if (config) c->command.insert(c->command.end(), {"-c", *config});
        c->command.push_back("-j");
    } else if (c->mta == "exim") {
        c->command = {program.value_or("exim")};
        if (config) c->command.insert(c->command.end(), {"-C", *config});
        c->command.push_back("-bp");
    } else {
        if (config)
            ctx.reader.error(body, what +
                                       ": qmail has no config option; give command (and "
                                       "qstat_command) instead");
        c->command = {program.value_or("/var/qmail/bin/qmail-qread")};
    }
    // A program named by a path is relative to the suite file, like other paths.
    if (program && program->find('/') != std::string::npos)
        c->command.front() = ctx.reader.resolve_path(*program);
    if (auto n = f.take("qstat_command"); n.defined()) {
        if (c->mta != "qmail") ctx.reader.error(n, what + ": qstat_command is for mta: qmail");
        if (auto a = read_argv(ctx.reader, n, what + ": qstat_command")) c->qstat_command = *a;
    } else if (c->mta == "qmail") {
        c->qstat_command = {"/var/qmail/bin/qmail-qstat"};
    }
    for (const char* q : {"active", "deferred", "hold", "incoming", "total"})
        if (auto n = f.take(q); n.defined())
            if (auto b = read_bound(ctx.reader, n, what + ": " + q)) c->queues[q] = *b;
    if (auto n = f.take("older_than"); n.defined()) {
        if (n.is_list()) {
            for (auto item : n.items())
                if (auto a = read_age(ctx.reader, item, what + ": older_than"))
                    c->older_than.push_back(*a);
        } else if (auto a = read_age(ctx.reader, n, what + ": older_than")) {
            c->older_than.push_back(*a);
        }
    }
    if (auto n = f.take("domains"); n.defined()) {
        if (!n.is_map())
            ctx.reader.error(
                n, what + ": domains maps domains to bounds, e.g. { example.org: { max: 10 } }");
        for (auto e : n.entries()) {
            auto d = ctx.reader.scalar(e.key, what + ": domains");
            if (!d) continue;
            if (auto b = read_bound(ctx.reader, e.value, what + ": domains: " + *d))
                c->domains[text::to_lower(*d)] = *b;
        }
    }
    f.done();
    if (ctx.reader.error_count() != errors) return nullptr;
    return c;
}

namespace {

using Clock = std::chrono::steady_clock;

std::string join_argv(const std::vector<std::string>& a) {
    std::string s;
    for (const auto& x : a)
        s += (s.empty() ? "" : " ") + x;
    return s;
}

std::string first_line_of(const std::string& s) {
    const std::string line = s.substr(0, s.find('\n'));
    return text::excerpt(text::trim(line), 160);
}

// Runs one command; on failure returns the error message.
boost::asio::awaitable<std::optional<std::string>> run_tool(const std::vector<std::string>& argv,
                                                            Clock::time_point deadline,
                                                            const CheckRun& run,
                                                            transport::CommandOutput& out) {
    try {
        out = co_await transport::run_command(argv, deadline);
    } catch (const transport::StepError& e) {
        co_return std::string(e.what());
    }
    if (out.timed_out)
        co_return "'" + join_argv(argv) + "' did not finish within " +
            format_duration(run.spec().timeout) + " (killed)";
    if (out.exit_code != 0)
        co_return "'" + join_argv(argv) + "' failed (" + out.status + ")" +
            (out.err.empty() ? "" : ": " + first_line_of(out.err));
    if (out.truncated) co_return "'" + join_argv(argv) + "' printed more than 16 MiB";
    co_return std::nullopt;
}

void check_bound(const std::string& name, std::int64_t n, const QueueBound& b,
                 std::vector<std::string>& wrong) {
    if (b.max && n > *b.max)
        wrong.push_back(name + ": " + std::to_string(n) + " messages, expected at most " +
                        std::to_string(*b.max));
    if (b.min && n < *b.min)
        wrong.push_back(name + ": " + std::to_string(n) + " messages, expected at least " +
                        std::to_string(*b.min));
}

std::string describe(const std::string& name, const QueueBound& b) {
    std::string s = name;
    if (b.min) s += " >= " + std::to_string(*b.min);
    if (b.max) s += " <= " + std::to_string(*b.max);
    return s;
}

}  // namespace

boost::asio::awaitable<void> QueueCheck::run(CheckRun& run) const {
    Result r = run.result();
    r.endpoint = "local command";
    for (const auto& [q, b] : queues)
        r.expected += (r.expected.empty() ? "" : "; ") + describe(q, b);
    for (const auto& a : older_than)
        r.expected += (r.expected.empty() ? "" : "; ") + std::string("older than ") +
                      format_duration(a.age) + (a.queue.empty() ? "" : " in " + a.queue) +
                      " <= " + std::to_string(a.max);
    for (const auto& [d, b] : domains)
        r.expected += (r.expected.empty() ? "" : "; ") + describe("to " + d, b);
    if (r.expected.empty()) r.expected = "the queue can be read";

    const auto deadline = run.started() + run.spec().timeout;
    auto note = [&](std::string text) {
        r.transcript.push_back(
            {std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - run.started()),
             Direction::note, std::move(text)});
    };
    note("$ " + join_argv(command));
    transport::CommandOutput out;
    if (auto why = co_await run_tool(command, deadline, run, out)) {
        r.status = Status::error;
        r.message = *why;
        run.emit(std::move(r));
        co_return;
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    QueueListing listing = mta == "postfix" ? parse_postqueue_json(out.out, now)
                           : mta == "exim"  ? parse_exim_bp(out.out)
                                            : parse_qmail_qread(out.out, now);
    if (mta == "qmail") {
        note("$ " + join_argv(qstat_command));
        transport::CommandOutput qs;
        if (auto why = co_await run_tool(qstat_command, deadline, run, qs)) {
            r.status = Status::error;
            r.message = *why;
            run.emit(std::move(r));
            co_return;
        }
        parse_qmail_qstat(qs.out, listing);
    }
    if (!listing.problems.empty() && listing.mails.empty()) {
        r.status = Status::error;
        r.message = "output of '" + join_argv(command) +
                    "' not understood: " + text::escape(listing.problems.front());
        run.emit(std::move(r));
        co_return;
    }
    for (const auto& p : listing.problems)
        note("line not understood: " + text::escape(p));

    QueueShape shape = shape_of(listing);
    std::map<std::string, std::int64_t> counts{
        {"active", 0}, {"deferred", 0}, {"hold", 0}, {"incoming", 0}};
    for (const auto& [q, row] : shape.queues)
        counts[q] = row.total;
    // qmail-qread cannot list what qmail-send has not preprocessed yet: that is incoming.
    if (listing.qmail_unprocessed) counts["incoming"] += *listing.qmail_unprocessed;
    std::int64_t total = 0;
    for (const auto& [q, n] : counts)
        total += n;
    counts["total"] = total;
    for (const auto& [q, n] : counts)
        r.properties["queue." + q] = std::to_string(n);
    std::int64_t oldest = 0;
    for (const auto& m : listing.mails)
        oldest = std::max(oldest, m.age_seconds);
    r.properties["queue.oldest_s"] = std::to_string(oldest);
    for (std::size_t i = 0; i < kQueueBuckets; ++i)
        r.properties["queue.age." + std::string(queue_bucket_label(i))] =
            std::to_string(shape.all.buckets[i]);
    for (const auto& [d, row] : shape.domains)
        r.properties["queue.domain." + d] = std::to_string(row.total);
    for (auto& line : format_queue_table(shape))
        note(std::move(line));
    std::size_t listed = 0;
    for (const auto& m : listing.mails) {
        if (++listed > 20) {
            note("... " + std::to_string(listing.mails.size() - 20) + " more");
            break;
        }
        note(m.queue + " " + m.id + " age " + std::to_string(m.age_seconds) + "s from <" +
             text::escape(m.sender) + "> to " + std::to_string(m.recipients.size()) +
             " recipient(s)" +
             (m.reason.empty() ? "" : ": " + text::escape(text::excerpt(m.reason, 120))));
    }
    r.actual.clear();
    for (const char* q : {"active", "deferred", "hold", "incoming"})
        r.actual +=
            (r.actual.empty() ? "" : ", ") + std::string(q) + " " + std::to_string(counts[q]);
    r.actual += ", oldest " + std::to_string(oldest) + "s";

    std::vector<std::string> wrong;
    for (const auto& [q, b] : queues)
        check_bound(q, counts[q], b, wrong);
    for (const auto& a : older_than) {
        std::int64_t n = 0;
        const QueuedMail* oldest_mail = nullptr;
        const auto age_s = std::chrono::duration_cast<std::chrono::seconds>(a.age).count();
        for (const auto& m : listing.mails) {
            if ((!a.queue.empty() && m.queue != a.queue) || m.age_seconds <= age_s) continue;
            ++n;
            if (!oldest_mail || m.age_seconds > oldest_mail->age_seconds) oldest_mail = &m;
        }
        // The oldest of them by name, so the failure says what to look at (postcat -q ID).
        if (n > a.max)
            wrong.push_back(
                std::to_string(n) + (n == 1 ? " message" : " messages") + " older than " +
                format_duration(a.age) + (a.queue.empty() ? "" : " in " + a.queue) +
                ", expected at most " + std::to_string(a.max) + " (oldest: " + oldest_mail->id +
                ", " + oldest_mail->queue + ", " + std::to_string(oldest_mail->age_seconds) + "s" +
                (oldest_mail->recipients.empty()
                     ? ""
                     : ", to " + text::escape(oldest_mail->recipients.front())) +
                (oldest_mail->reason.empty()
                     ? ""
                     : ": " + text::escape(text::excerpt(oldest_mail->reason, 120))) +
                ")");
    }
    for (const auto& [d, b] : domains) {
        auto it = shape.domains.find(d);
        check_bound("to " + d, it == shape.domains.end() ? 0 : it->second.total, b, wrong);
    }
    if (wrong.empty()) {
        r.status = Status::pass;
        r.message = r.actual;
    } else {
        r.status = Status::fail;
        for (const auto& w : wrong)
            r.message += (r.message.empty() ? "" : "; ") + w;
    }
    run.emit(std::move(r));
}

}  // namespace mailspec

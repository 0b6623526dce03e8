#include "checks/tls_assertions.hpp"

#include <chrono>

#include "checks/smtp_support.hpp"

namespace mailspec {

std::string join_items(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (const auto& i : items)
        s += (s.empty() ? "" : sep) + i;
    return s;
}

void read_tls_assertions(Fields& f, TlsAssertions& a) {
    if (auto v = f.boolean("verify")) a.verify = *v;
    if (auto v = f.str("name")) a.name = *v;
    if (f.has("min_version")) {
        auto node = f.take("min_version");
        if (auto v = f.reader().scalar(node, f.what() + " min_version")) {
            a.min_version = transport::tls_version_from_string(*v);
            if (!a.min_version)
                f.reader().error(node, f.what() + " min_version \"" + *v +
                                           "\" is not a TLS version: use TLSv1.1, TLSv1.2 or "
                                           "TLSv1.3");
            else if (!version_below(*a.min_version))
                f.reader().error(node, f.what() +
                                           " min_version TLSv1 asserts nothing: every TLS "
                                           "version is at least TLSv1");
        }
    }
    if (auto v = f.integer("days_left", 0, 3650)) a.days_left = static_cast<int>(*v);
}

void apply_name(const TlsAssertions& a, transport::SmtpClientOptions& o) {
    if (!a.name.empty()) o.tls.server_name = a.name;
    o.tls.verify = false;
}

void judge_session(const TlsAssertions& a, const transport::TlsInfo& info,
                   std::vector<std::string>& problems, std::vector<std::string>& facts) {
    facts.push_back(info.version + " " + info.cipher);
    if (a.min_version) {
        auto got = transport::tls_version_from_string(info.version);
        if (got && *got < *a.min_version)
            problems.push_back("negotiated " + info.version + ", below the floor " +
                               std::string(transport::to_string(*a.min_version)));
    }
    if (!info.peer_certificate) {
        problems.push_back("server sent no certificate");
        return;
    }
    facts.push_back("certificate " + info.subject + " issued by " + info.issuer);
    if (a.verify) {
        if (info.verified)
            facts.push_back("verified");
        else
            problems.push_back("certificate " + info.subject +
                               " does not verify: " + info.verify_error);
    }
    if (a.days_left) {
        if (!info.not_after_time) {
            problems.push_back("certificate expiry could not be read");
        } else {
            using namespace std::chrono;
            const auto left = duration_cast<hours>(*info.not_after_time - system_clock::now());
            const long days = static_cast<long>(left.count() / 24);
            const std::string want =
                ", expected at least " + std::to_string(*a.days_left) + " days left)";
            if (left.count() < 0)
                problems.push_back("certificate expired " + info.not_after + " (" +
                                   std::to_string(-days) + " days ago" + want);
            else if (left < hours(24L * *a.days_left))
                problems.push_back("certificate expires " + info.not_after + " (" +
                                   std::to_string(days) + " days left" + want);
            else
                facts.push_back("expires " + info.not_after + " (" + std::to_string(days) +
                                " days left)");
        }
    }
}

std::optional<transport::TlsVersion> version_below(transport::TlsVersion floor) {
    switch (floor) {
        case transport::TlsVersion::tls1_0:
            return std::nullopt;
        case transport::TlsVersion::tls1_1:
            return transport::TlsVersion::tls1_0;
        case transport::TlsVersion::tls1_2:
            return transport::TlsVersion::tls1_1;
        case transport::TlsVersion::tls1_3:
            return transport::TlsVersion::tls1_2;
    }
    return std::nullopt;
}

bool handshake_refused(const transport::StepError& e) {
    using K = transport::StepError::Kind;
    if (e.kind() == K::closed) return true;
    if (e.kind() != K::tls) return false;
    // OpenSSL says so when the client context itself cannot offer any version in its range;
    // that proves nothing about the server.
    return e.reason().find("no protocols available") == std::string::npos &&
           e.reason().find("no ciphers available") == std::string::npos;
}

void append_probe_evidence(transport::SmtpClient& client, Result& r) {
    for (auto& f : client.take_findings())
        r.findings.push_back(std::move(f));
    auto t = client.take_transcript();
    r.transcript.insert(r.transcript.end(), std::make_move_iterator(t.begin()),
                        std::make_move_iterator(t.end()));
}

boost::asio::awaitable<void> probe_floor(CheckRun& run, const TlsAssertions& a, bool implicit,
                                         Result& r, std::vector<std::string>& problems,
                                         std::vector<std::string>& facts,
                                         std::vector<std::string>& errors) {
    using transport::TlsVersion;
    const TlsVersion floor = *a.min_version;
    const TlsVersion below = *version_below(floor);
    const std::string below_s(transport::to_string(below));
    const std::string floor_s(transport::to_string(floor));
    auto client = make_smtp_client(run, [&](transport::SmtpClientOptions& o) {
        apply_name(a, o);
        o.implicit_tls = implicit;
        o.tls.min_version = TlsVersion::tls1_0;  // also lowers OpenSSL's security level to 0
        o.tls.max_version = below;
        o.tls_context.reset();
    });
    client->note("probe: offering only " + below_s + " and older, to test the " + floor_s +
                 " floor");
    bool handshaking = implicit;
    try {
        co_await client->connect(endpoint_of(run.target()));
        handshaking = false;
        auto greeting = co_await client->greeting();
        if (greeting.klass() != 2) {
            errors.push_back("version probe: greeting " + first_line(greeting));
        } else if (!implicit) {
            auto ehlo = co_await client->ehlo(run.spec().helo);
            if (!ehlo.capabilities || !ehlo.capabilities->has("STARTTLS")) {
                errors.push_back("version probe: STARTTLS not offered on the second connection");
            } else {
                handshaking = true;
                auto reply = co_await client->starttls();
                handshaking = false;
                if (reply.code != 220)
                    errors.push_back("version probe: STARTTLS answered " + first_line(reply));
            }
        }
        if (client->tls_info())
            problems.push_back("accepted a " + client->tls_info()->version + " handshake (" +
                               client->tls_info()->cipher + "), expected refusal below " + floor_s);
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        if (handshaking && handshake_refused(e))
            facts.push_back(below_s + " refused");
        else if (handshaking)
            errors.push_back("version probe could not offer " + below_s + ": " + e.what());
        else
            errors.push_back("version probe: " + std::string(e.what()));
    }
    append_probe_evidence(*client, r);
}

void conclude(Result& r, const std::vector<std::string>& problems,
              const std::vector<std::string>& errors, const std::vector<std::string>& facts,
              const std::string& label) {
    if (!problems.empty()) {
        r.status = Status::fail;
        r.message = join_items(problems, "; ");
    } else if (!errors.empty()) {
        r.status = Status::error;
        r.message = join_items(errors, "; ");
    } else {
        r.status = Status::pass;
        r.message = label + ": " + join_items(facts, ", ");
    }
    r.actual = join_items(facts, ", ");
}

Result handshake_outcome(const CheckRun& run, transport::SmtpClient& client,
                         const transport::StepError& e, bool handshaking, Result r,
                         const std::string& what) {
    if (!(handshaking && handshake_refused(e))) return step_error(run, client, e);
    r.status = Status::fail;
    r.actual = e.what();
    r.message = what + e.reason();
    attach_evidence(client, r);
    return r;
}

}  // namespace mailspec
